import assert from "node:assert/strict";
import type { TestContext } from "node:test";
import { WechatError, type WechatErrorKind } from "@wegate/wechat";
import { startWechatSim } from "./server";
import { WechatWorld } from "./world";

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

/** A listening simulator with two apps (APPID, OTHER_APPID) and a clock the test moves; closed after the test. */
export async function startTestSim(t: TestContext, start = Date.UTC(2026, 0, 1)) {
  const clock = { now: start };
  const world = new WechatWorld({ clock: () => clock.now });
  world.addApp({ appid: APPID, secret: SECRET });
  world.addApp({ appid: OTHER_APPID, secret: SECRET });
  const sim = await startWechatSim({ world });
  t.after(() => sim.close());
  return { clock, world, sim };
}
