import assert from "node:assert/strict";
import { WechatError, type WechatErrorKind } from "@wegate/wechat";

/** Asserts the promise rejects with a WechatError of this kind (and errcode, when given). */
export async function rejectsWith(promise: Promise<unknown>, kind: WechatErrorKind, errcode?: number) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof WechatError, `expected a WechatError, got ${String(error)}`);
    assert.equal(error.kind, kind);
    if (errcode !== undefined) assert.equal(error.errcode, errcode);
    return true;
  });
}
