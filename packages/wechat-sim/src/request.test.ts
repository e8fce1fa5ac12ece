import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { test, type TestContext } from "node:test";
import formbody from "@fastify/formbody";
import Fastify from "fastify";
import type { WxRequestOptions, WxRequestSuccess } from "./request";
import { WechatWorld } from "./world";
import { createWx, type SimWx } from "./wx";
import type { WxFail } from "./wx-async";

const APPID = "wx1111111111111111";

/** A tiny server that echoes what it received. */
async function startEcho(t: TestContext) {
  const app = Fastify({ forceCloseConnections: true });
  await app.register(formbody);
  app.route({
    method: ["GET", "POST", "PUT", "DELETE"],
    url: "/echo",
    handler: async (request) => ({
      method: request.method,
      query: request.query,
      body: request.body ?? null,
      contentType: request.headers["content-type"] ?? null,
      referer: request.headers.referer ?? null,
    }),
  });
  app.get("/status/:status", async (request, reply) => {
    const status = Number((request.params as { status: string }).status);
    return reply.code(status).header("x-trace", "t-1").send({ code: status });
  });
  app.get("/text", async (_request, reply) => reply.type("text/plain").send("plain words"));
  app.get("/json-text", async (_request, reply) => reply.type("text/plain").send('{"a":1}'));
  app.get("/never", async (_request, reply) => {
    reply.hijack(); // never answers; close() destroys the socket
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  t.after(() => app.close());
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

function newWx(): SimWx {
  const world = new WechatWorld();
  world.addApp({ appid: APPID, secret: "s" });
  return createWx({ world, appid: APPID });
}

/** wx.request through its callbacks, as a Promise for the test. */
function send(wx: SimWx, options: WxRequestOptions): Promise<WxRequestSuccess> {
  return new Promise((resolve, reject) => {
    wx.request({ ...options, success: resolve, fail: reject });
  });
}

test("GET: data is encoded into the query string, after any query already in the url", async (t) => {
  const base = await startEcho(t);
  const wx = newWx();
  const result = await send(wx, { url: `${base}/echo?z=0`, data: { a: "x y", b: 1, c: "中文&=?", obj: { k: 1 }, skip: undefined } });
  assert.equal(result.statusCode, 200);
  assert.equal(result.errMsg, "request:ok");
  assert.deepEqual(result.data.query, { z: "0", a: "x y", b: "1", c: "中文&=?", obj: '{"k":1}' });
  assert.equal(result.data.method, "GET");
  assert.equal(result.data.referer, `https://servicewechat.com/${APPID}/devtools/page-frame.html`);
});

test("DELETE also puts data in the query string", async (t) => {
  const base = await startEcho(t);
  const result = await send(newWx(), { url: `${base}/echo`, method: "DELETE", data: { id: 7 } });
  assert.deepEqual([result.data.method, result.data.query], ["DELETE", { id: "7" }]);
});

test("POST with a form content-type (any case) sends form-encoded data", async (t) => {
  const base = await startEcho(t);
  const result = await send(newWx(), {
    url: `${base}/echo`,
    method: "POST",
    header: { "Content-Type": "application/x-www-form-urlencoded" },
    data: { mobile: "13800000000", name: "a b&c" },
  });
  assert.deepEqual(result.data.body, { mobile: "13800000000", name: "a b&c" });
  assert.equal(result.data.contentType, "application/x-www-form-urlencoded");
});

test("POST without a content-type sends JSON; PUT with a string sends it as is", async (t) => {
  const base = await startEcho(t);
  const wx = newWx();
  const json = await send(wx, { url: `${base}/echo`, method: "POST", data: { nested: { x: 1 }, list: [1, 2] } });
  assert.deepEqual(json.data.body, { nested: { x: 1 }, list: [1, 2] });
  assert.equal(json.data.contentType, "application/json");
  const raw = await send(wx, { url: `${base}/echo`, method: "PUT", header: { "content-type": "application/json" }, data: '{"s":true}' });
  assert.deepEqual([raw.data.method, raw.data.body], ["PUT", { s: true }]);
});

test("a non-2xx answer is still success, with statusCode and headers", async (t) => {
  const base = await startEcho(t);
  const result = await send(newWx(), { url: `${base}/status/404` });
  assert.equal(result.statusCode, 404);
  assert.deepEqual(result.data, { code: 404 });
  assert.equal(result.header["x-trace"], "t-1");
  const serverError = await send(newWx(), { url: `${base}/status/500` });
  assert.equal(serverError.statusCode, 500);
});

test("dataType json parses when it can; other dataTypes give the text", async (t) => {
  const base = await startEcho(t);
  const wx = newWx();
  assert.equal((await send(wx, { url: `${base}/text` })).data, "plain words");
  assert.deepEqual((await send(wx, { url: `${base}/json-text` })).data, { a: 1 });
  assert.equal((await send(wx, { url: `${base}/json-text`, dataType: "text" })).data, '{"a":1}');
});

test("fail only on network errors: a closed port fails, and complete runs", async () => {
  const probe = Fastify();
  await probe.listen({ port: 0, host: "127.0.0.1" });
  const { port } = probe.server.address() as AddressInfo;
  await probe.close();

  const wx = newWx();
  const outcome = await new Promise<[string, unknown][]>((resolve) => {
    const seen: [string, unknown][] = [];
    wx.request({
      url: `http://127.0.0.1:${port}/anything`,
      success: (result) => seen.push(["success", result.statusCode]),
      fail: (error: WxFail) => seen.push(["fail", error.errMsg]),
      complete: () => resolve(seen),
    });
  });
  assert.equal(outcome.length, 1);
  assert.equal(outcome[0][0], "fail");
  assert.match(String(outcome[0][1]), /^request:fail .*ECONNREFUSED/);
});

test("timeout and abort fail with their reason", async (t) => {
  const base = await startEcho(t);
  const wx = newWx();
  await assert.rejects(send(wx, { url: `${base}/never`, timeout: 50 }), { errMsg: "request:fail timeout" });
  const aborted = new Promise((resolve, reject) => {
    const task = wx.request({ url: `${base}/never`, success: resolve, fail: reject });
    setTimeout(() => task.abort(), 20);
  });
  await assert.rejects(aborted, { errMsg: "request:fail abort" });
});

test("request returns a task, not a Promise, and is recorded in __sim.calls", async (t) => {
  const base = await startEcho(t);
  const wx = newWx();
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const task = wx.request({ url: `${base}/echo`, complete: () => done() });
  assert.equal(typeof task.abort, "function");
  assert.equal("then" in task, false);
  await finished;
  assert.deepEqual(wx.__sim.calls, ["request"]);
});
