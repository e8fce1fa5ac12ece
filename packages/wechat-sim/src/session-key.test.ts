import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import { sessionKeySignature } from "@wegate/wechat";
import { CHECK_SESSION_PATH, RESET_USER_SESSION_KEY_PATH, startWechatSim } from "./server";
import { WechatWorld } from "./world";

const APPID = "wx1111111111111111";
const OTHER_APPID = "wx2222222222222222";
const SECRET = "secret-one";

type Body = Record<string, any>;

async function setup(t: TestContext) {
  const world = new WechatWorld();
  world.addApp({ appid: APPID, secret: SECRET });
  world.addApp({ appid: OTHER_APPID, secret: SECRET });
  const sim = await startWechatSim({ world });
  t.after(() => sim.close());
  world.login(APPID, "alice");
  const openid = world.openid(APPID, "alice");
  const signature = (sessionKey = world.sessionKey(APPID, "alice")!) => sessionKeySignature(sessionKey);
  const call = async (path: string, params: Record<string, string | undefined>) => {
    const query = new URLSearchParams({ access_token: world.accessTokenFor(APPID), sig_method: "hmac_sha256", openid });
    if (!("signature" in params)) query.set("signature", signature());
    for (const [name, value] of Object.entries(params)) {
      if (value === undefined) query.delete(name);
      else query.set(name, value);
    }
    const response = await fetch(`${sim.url}${path}?${query}`);
    assert.equal(response.status, 200);
    return (await response.json()) as Body;
  };
  return { world, openid, signature, call };
}

for (const path of [CHECK_SESSION_PATH, RESET_USER_SESSION_KEY_PATH]) {
  test(`${path}: a signature of anything but the current session_key is 87009`, async (t) => {
    const { world, call } = await setup(t);
    const before = world.sessionKey(APPID, "alice")!;
    world.login(APPID, "alice");
    const stale = await call(path, { signature: sessionKeySignature(before) });
    assert.equal(stale.errcode, 87009);
    assert.match(stale.errmsg, /^invalid signature rid: /);
    assert.equal((await call(path, { signature: "00".repeat(32) })).errcode, 87009);
    assert.equal((await call(path, { signature: undefined })).errcode, 87009);
    assert.equal((await call(path, { sig_method: "md5" })).errcode, 87009);
    world.expireSession(APPID, "alice");
    assert.equal((await call(path, { signature: sessionKeySignature(before) })).errcode, 87009);
  });

  test(`${path}: access_token (41001/40001) and openid (41009/40003) are checked`, async (t) => {
    const { world, call } = await setup(t);
    assert.equal((await call(path, { access_token: undefined })).errcode, 41001);
    assert.equal((await call(path, { access_token: "made-up" })).errcode, 40001);
    assert.equal((await call(path, { openid: undefined })).errcode, 41009);
    assert.equal((await call(path, { openid: "o-made-up" })).errcode, 40003);
    world.login(OTHER_APPID, "alice");
    // Another app's openid of the same person is unknown to this app.
    assert.equal((await call(path, { openid: world.openid(OTHER_APPID, "alice") })).errcode, 40003);
  });
}

test("checksession: ok for the current session_key; upper-case hex is accepted", async (t) => {
  const { signature, call } = await setup(t);
  assert.deepEqual(await call(CHECK_SESSION_PATH, {}), { errcode: 0, errmsg: "ok" });
  assert.deepEqual(await call(CHECK_SESSION_PATH, { signature: signature().toUpperCase(), extra: "1" }), { errcode: 0, errmsg: "ok" });
});

test("resetusersessionkey: a new session_key replaces the current one, which dies", async (t) => {
  const { world, openid, call } = await setup(t);
  const before = world.sessionKey(APPID, "alice")!;
  const reset = await call(RESET_USER_SESSION_KEY_PATH, {});
  assert.equal(reset.errcode, 0);
  assert.equal(reset.errmsg, "ok");
  assert.equal(reset.openid, openid);
  assert.equal(Buffer.from(reset.session_key, "base64").length, 16);
  assert.notEqual(reset.session_key, before);
  assert.equal(world.sessionKey(APPID, "alice"), reset.session_key);
  assert.equal((await call(CHECK_SESSION_PATH, { signature: sessionKeySignature(before) })).errcode, 87009);
  assert.equal((await call(CHECK_SESSION_PATH, { signature: sessionKeySignature(reset.session_key) })).errcode, 0);
  assert.equal(world.callCount(RESET_USER_SESSION_KEY_PATH), 1);
  assert.equal(world.callCount(CHECK_SESSION_PATH), 2);
});
