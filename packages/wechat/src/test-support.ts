import assert from "node:assert/strict";
import type { TestContext } from "node:test";
import { startWechatSim, WechatWorld } from "@wegate/wechat-sim";
import { createWechatClient, type WechatClientOptions } from "./client";
import { WechatError, type WechatErrorKind } from "./errors";

export const APPID = "wx1111111111111111";
export const OTHER_APPID = "wx2222222222222222";
export const SECRET = "secret-one";

/** Asserts the promise rejects with a WechatError of this kind (and errcode, when given). */
export async function rejectsWith(promise: Promise<unknown>, kind: WechatErrorKind, errcode?: number): Promise<WechatError> {
  let caught: WechatError | undefined;
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof WechatError, `expected a WechatError, got ${String(error)}`);
    assert.equal(error.kind, kind);
    if (errcode !== undefined) assert.equal(error.errcode, errcode);
    caught = error;
    return true;
  });
  return caught!;
}

/** A listening simulator with two apps and a clock the test moves; clients share that clock. */
export async function startSim(t: TestContext) {
  const clock = { now: Date.UTC(2026, 0, 1) };
  const world = new WechatWorld({ clock: () => clock.now });
  world.addApp({ appid: APPID, secret: SECRET });
  world.addApp({ appid: OTHER_APPID, secret: SECRET });
  const sim = await startWechatSim({ world });
  t.after(() => sim.close());
  const client = (options: Partial<WechatClientOptions> = {}) =>
    createWechatClient({ appid: APPID, secret: SECRET, baseURL: sim.url, timeoutMs: 2000, clock: () => clock.now, ...options });
  return { clock, world, sim, client };
}
