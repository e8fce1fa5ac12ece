import assert from "node:assert/strict";
import { createServer } from "node:http";
import { test } from "node:test";
import { callWechat, type Fetch } from "./http";
import { isWechatError } from "./errors";

const kindOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "answered",
    (error: unknown) => (isWechatError(error) ? error.kind : `not a WechatError: ${String(error)}`),
  );

/** An HTTP server on 127.0.0.1 that answers `{"ok":1}` after `delayMs`; closed with the test. */
async function slowServer(t: { after(fn: () => unknown): void }, delayMs: number) {
  const server = createServer((_request, response) => {
    const timer = setTimeout(() => response.end('{"ok":1}'), delayMs);
    response.on("close", () => clearTimeout(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => {
    server.closeAllConnections(); // the client's keep-alive connection too
    return new Promise((resolve) => server.close(resolve));
  });
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

test("the pooled client: exact timeouts, a later answer on the same origin, an unreachable port", async (t) => {
  const baseURL = await slowServer(t, 120);
  const started = Date.now();
  assert.equal(await kindOf(callWechat({ baseURL, timeoutMs: 40 }, { method: "GET", path: "/x" })), "timeout");
  assert.ok(Date.now() - started < 110, `timed out after ${Date.now() - started} ms, not at 40`);
  // The pool's connections still serve the origin after a cancelled call.
  assert.deepEqual(await callWechat({ baseURL, timeoutMs: 2000 }, { method: "GET", path: "/x", query: { a: "1 2" } }), { ok: 1 });
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
