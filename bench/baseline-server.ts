/**
 * The baseline: a bare fastify route answering a constant envelope, in a
 * process of its own. What the stack (node + fastify + loopback HTTP) can do on
 * this machine, before any wegate work.
 */
import Fastify from "fastify";

const app = Fastify({ logger: false });
const envelope = { code: 0, msg: "success" };
app.get("/baseline", async () => envelope);
await app.listen({ port: 0, host: "127.0.0.1" });

const address = app.server.address();
if (!address || typeof address === "string") throw new Error("baseline: not listening on TCP");
process.send?.({ type: "ready", url: `http://127.0.0.1:${address.port}` });
process.on("disconnect", () => void app.close().then(() => process.exit(0)));
process.on("SIGTERM", () => void app.close().then(() => process.exit(0)));
