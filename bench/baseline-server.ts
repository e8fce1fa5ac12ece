/**
 * The baseline: a bare fastify route answering a constant envelope, in a
 * process of its own. What the stack (node + fastify + loopback HTTP) can do on
 * this machine, before any wegate work.
 *
 * With BENCH_SIM_URL (and the app's BENCH_APPID / BENCH_APP_SECRET) it is the
 * login floor's process instead, which also serves `POST /baseline/login`: the
 * code in the JSON body is exchanged with the simulator through
 * @wegate/wechat, and the envelope carries the openid. The floor of any login
 * on this stack: one WeChat round trip, no database, no token.
 */
import Fastify from "fastify";

const app = Fastify({ logger: false });
const envelope = { code: 0, msg: "success" };
app.get("/baseline", async () => envelope);

const { BENCH_SIM_URL: simUrl, BENCH_APPID: appid, BENCH_APP_SECRET: secret } = process.env;
if (simUrl && appid && secret) {
  // Loaded only here: the plain baseline process carries nothing but fastify.
  const { createWechatClient } = await import("@wegate/wechat");
  const wechat = createWechatClient({ appid, secret, baseURL: simUrl });
  app.post<{ Body: { code: string } }>("/baseline/login", async (request) => {
    const { openid } = await wechat.code2Session(request.body.code);
    return { code: 0, msg: "success", data: { openid } };
  });
}
await app.listen({ port: 0, host: "127.0.0.1" });

const address = app.server.address();
if (!address || typeof address === "string") throw new Error("baseline: not listening on TCP");
process.send?.({ type: "ready", url: `http://127.0.0.1:${address.port}` });
process.on("disconnect", () => void app.close().then(() => process.exit(0)));
process.on("SIGTERM", () => void app.close().then(() => process.exit(0)));
