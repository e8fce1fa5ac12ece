import assert from "node:assert/strict";
import { createServer } from "node:net";
import { test } from "node:test";
import { CODE2SESSION_PATH } from "@wegate/wechat-sim";
import { callWechat, type Fetch } from "./http";
import { isWechatError } from "./errors";
import { APPID, startSim } from "./test-support";

const kindOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "answered",
    (error: unknown) => (isWechatError(error) ? error.kind : `not a WechatError: ${String(error)}`),
  );

test("the pooled client: exact timeouts, a later answer on the same origin, an unreachable port", async (t) => {
  const { world, client } = await startSim(t);
  world.setFault(CODE2SESSION_PATH, { kind: "slow", delayMs: 120, times: 1 });
  const started = Date.now();
  assert.equal(await kindOf(client({ timeoutMs: 40 }).code2Session(world.login(APPID, "alice"))), "timeout");
  assert.ok(Date.now() - started < 110, `timed out after ${Date.now() - started} ms, not at 40`);
  // The pool's connections still serve the origin after a cancelled call.
  assert.equal((await client().code2Session(world.login(APPID, "bob"))).openid, world.openid(APPID, "bob"));
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const port = (closed.address() as { port: number }).port;
  await new Promise((resolve) => closed.close(resolve));
  assert.equal(await kindOf(callWechat({ baseURL: `http://127.0.0.1:${port}`, timeoutMs: 2000 }, { method: "GET", path: "/x" })), "unavailable");
});

test("a given fetch: aborted at the timeout; its own failures are unavailable", async () => {
  let signal: AbortSignal | undefined;
  const hanging: Fetch = (_input, init) =>
    new Promise((_resolve, reject) => {
      signal = init!.signal!;
      signal.addEventListener("abort", () => reject(new Error("aborted")));
    });
  assert.equal(await kindOf(callWechat({ fetch: hanging, timeoutMs: 30 }, { method: "GET", path: "/x" })), "timeout");
  assert.equal(signal?.aborted, true);
  const failing: Fetch = async () => {
    throw new TypeError("fetch failed");
  };
  assert.equal(await kindOf(callWechat({ fetch: failing, timeoutMs: 1000 }, { method: "GET", path: "/x" })), "unavailable");
});
