import assert from "node:assert/strict";
import { test } from "node:test";
import { CHECK_SESSION_PATH, RESET_USER_SESSION_KEY_PATH, STABLE_TOKEN_PATH } from "@wegate/wechat-sim";
import { APPID, rejectsWith, startSim } from "./test-support";

test("checkSessionKey: true for the current session_key, false once a new login replaced it or it expired", async (t) => {
  const { world, client } = await startSim(t);
  const wechat = client();
  const first = await wechat.code2Session(world.login(APPID, "alice"));
  assert.equal(await wechat.checkSessionKey(first.openid, first.sessionKey), true);

  const second = await wechat.code2Session(world.login(APPID, "alice"));
  assert.equal(await wechat.checkSessionKey(first.openid, first.sessionKey), false);
  assert.equal(await wechat.checkSessionKey(second.openid, second.sessionKey), true);
  world.expireSession(APPID, "alice");
  assert.equal(await wechat.checkSessionKey(second.openid, second.sessionKey), false);
  assert.equal(world.callCount(CHECK_SESSION_PATH), 4);
  assert.equal(world.callCount(STABLE_TOKEN_PATH), 1);
});

test("checkSessionKey: other failures throw (an openid WeChat does not know)", async (t) => {
  const { world, client } = await startSim(t);
  const session = await client().code2Session(world.login(APPID, "alice"));
  await rejectsWith(client().checkSessionKey("o-made-up", session.sessionKey), "unknown", 40003);
});

test("resetUserSessionKey: returns the new key; the old one dies", async (t) => {
  const { world, client } = await startSim(t);
  const wechat = client();
  const session = await wechat.code2Session(world.login(APPID, "alice"));
  const fresh = await wechat.resetUserSessionKey(session.openid, session.sessionKey);
  assert.notEqual(fresh, session.sessionKey);
  assert.equal(world.sessionKey(APPID, "alice"), fresh);
  assert.equal(await wechat.checkSessionKey(session.openid, session.sessionKey), false);
  assert.equal(await wechat.checkSessionKey(session.openid, fresh), true);
  await rejectsWith(wechat.resetUserSessionKey(session.openid, session.sessionKey), "invalid_signature", 87009);
  assert.equal(world.callCount(RESET_USER_SESSION_KEY_PATH), 2);
});

test("session-key calls drop a rejected token and retry once, like every access_token call", async (t) => {
  const { world, client } = await startSim(t);
  const wechat = client();
  const session = await wechat.code2Session(world.login(APPID, "alice"));
  assert.equal(await wechat.checkSessionKey(session.openid, session.sessionKey), true);
  world.invalidateAccessTokens(APPID);
  assert.equal(await wechat.checkSessionKey(session.openid, session.sessionKey), true);
  assert.equal(world.callCount(CHECK_SESSION_PATH), 3);
  assert.equal(world.callCount(STABLE_TOKEN_PATH), 2);
});
