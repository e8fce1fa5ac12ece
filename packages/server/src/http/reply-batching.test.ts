import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { after, before, test } from "node:test";
import Fastify, { type FastifyInstance } from "fastify";
import { batchReplies } from "./reply-batching";

let app: FastifyInstance;
let base: string;
/** What the /observed handler saw of its own reply: was it written yet? */
let observed: Array<[string, boolean]> = [];

before(async () => {
  app = Fastify({ logger: false });
  batchReplies(app);
  app.get("/observed", (_request, reply) => {
    reply.send({ code: 0 });
    observed.push(["after send", reply.raw.headersSent]);
    queueMicrotask(() => observed.push(["microtask", reply.raw.headersSent]));
    process.nextTick(() => observed.push(["next tick", reply.raw.headersSent]));
    reply.raw.on("finish", () => observed.push(["finished", reply.raw.headersSent]));
  });
  app.get<{ Querystring: { n: string } }>("/echo", async (request) => {
    // Some replies are ready at once, others a turn or two later.
    if (Number(request.query.n) % 3 === 0) await new Promise((resolve) => setImmediate(resolve));
    return { code: 0, data: Number(request.query.n) };
  });
  app.get("/stream", (_request, reply) => reply.type("text/plain").send(Readable.from(["one ", "two"])));
  app.get("/fails", async () => {
    throw Object.assign(new Error("teapot"), { statusCode: 418 });
  });
  base = await app.listen({ host: "127.0.0.1", port: 0 });
});
after(() => app.close());

test("a reply is written when the turn of the event loop ends, not inside send()", async () => {
  observed = [];
  const response = await fetch(`${base}/observed`);
  assert.deepEqual(await response.json(), { code: 0 });
  assert.deepEqual(observed, [
    ["after send", false],
    ["next tick", false],
    ["microtask", false],
    ["finished", true],
  ]);
});

test("many replies at once each reach their own request", async () => {
  const answers = await Promise.all(
    Array.from({ length: 200 }, async (_, n) => (await fetch(`${base}/echo?n=${n}`)).json()),
  );
  assert.deepEqual(answers, Array.from({ length: 200 }, (_, n) => ({ code: 0, data: n })));
});

test("streams and errors are written too", async () => {
  const [stream, failed] = await Promise.all([fetch(`${base}/stream`), fetch(`${base}/fails`)]);
  assert.equal(await stream.text(), "one two");
  assert.equal(failed.status, 418);
  assert.match(await failed.text(), /teapot/);
});
