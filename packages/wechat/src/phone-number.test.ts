import assert from "node:assert/strict";
import { test } from "node:test";
import { createWx, GET_USER_PHONE_NUMBER_PATH } from "@wegate/wechat-sim";
import type { Fetch } from "./http";
import { APPID, OTHER_APPID, rejectsWith, startSim } from "./test-support";

test("getPhoneNumber: a mainland number, countryCode as a string", async (t) => {
  const { world, client } = await startSim(t);
  world.setPhone("alice", { countryCode: "86", purePhoneNumber: "13800138000" });
  const phone = await client().getPhoneNumber(world.phoneCode(APPID, "alice"));
  assert.deepEqual(phone, { phoneNumber: "13800138000", purePhoneNumber: "13800138000", countryCode: "86" });
});

test("getPhoneNumber: a number outside mainland China", async (t) => {
  const { world, client } = await startSim(t);
  world.setPhone("alice", { countryCode: "852", purePhoneNumber: "61234567" });
  const phone = await client().getPhoneNumber(world.phoneCode(APPID, "alice"));
  assert.deepEqual(phone, { phoneNumber: "+85261234567", purePhoneNumber: "61234567", countryCode: "852" });
});

test("getPhoneNumber: countryCode may arrive as a string; a body without phone_info is bad_answer", async (t) => {
  const { world, client } = await startSim(t);
  const rewriting = (rewrite: (body: any) => unknown): Fetch => async (input, init) => {
    const response = await fetch(input, init);
    if (!String(input).includes(GET_USER_PHONE_NUMBER_PATH)) return response;
    return new Response(JSON.stringify(rewrite(await response.json())), { status: response.status });
  };
  const asString = client({ fetch: rewriting((body) => ({ ...body, phone_info: { ...body.phone_info, countryCode: "86" } })) });
  assert.equal((await asString.getPhoneNumber(world.phoneCode(APPID, "alice"))).countryCode, "86");
  const empty = client({ fetch: rewriting(() => ({ errcode: 0, errmsg: "ok" })) });
  await rejectsWith(empty.getPhoneNumber(world.phoneCode(APPID, "alice")), "bad_answer");
});

test("getPhoneNumber: unknown, used and foreign codes are invalid_code (40029, 40029, 40013)", async (t) => {
  const { world, client } = await startSim(t);
  const wechat = client();
  await rejectsWith(wechat.getPhoneNumber("not-a-code"), "invalid_code", 40029);
  const code = world.phoneCode(APPID, "alice");
  await wechat.getPhoneNumber(code);
  await rejectsWith(wechat.getPhoneNumber(code), "invalid_code", 40029);
  const foreign = await rejectsWith(wechat.getPhoneNumber(world.phoneCode(OTHER_APPID, "alice")), "invalid_code", 40013);
  assert.match(foreign.message, /another appid/);
});

test("getPhoneNumber: an expired code is invalid_code", async (t) => {
  const { clock, world, client } = await startSim(t);
  const wechat = client();
  await wechat.getPhoneNumber(world.phoneCode(APPID, "warm-up")); // caches a token that outlives the wait
  const code = world.phoneCode(APPID, "alice");
  clock.now += world.codeTtlMs + 1;
  await rejectsWith(wechat.getPhoneNumber(code), "invalid_code", 40029);
});

test("getPhoneNumber: WeChat busy (-1) and rate limits (45011) keep their kinds", async (t) => {
  const { world, client } = await startSim(t);
  const wechat = client();
  world.setFault(GET_USER_PHONE_NUMBER_PATH, { kind: "errcode", errcode: -1 });
  await rejectsWith(wechat.getPhoneNumber(world.phoneCode(APPID, "alice")), "busy", -1);
  world.setFault(GET_USER_PHONE_NUMBER_PATH, { kind: "errcode", errcode: 45011, times: 1 });
  await rejectsWith(wechat.getPhoneNumber(world.phoneCode(APPID, "alice")), "rate_limited", 45011);
  world.setFault(GET_USER_PHONE_NUMBER_PATH, { kind: "http", status: 502 });
  await rejectsWith(wechat.getPhoneNumber(world.phoneCode(APPID, "alice")), "unavailable");
});

test("the phone's button: its code gives the number, and its encryptedData decrypts with the code's session_key", async (t) => {
  const { world, client } = await startSim(t);
  const wechat = client();
  const wx = createWx({ world, appid: APPID, user: "alice" });
  const { code: loginCode } = await wx.login();
  const tapped = await wx.getPhoneNumber();
  const session = await wechat.code2Session(loginCode);
  const fromCode = await wechat.getPhoneNumber(tapped.code);
  const fromData = wechat.decrypt({ encryptedData: tapped.encryptedData, iv: tapped.iv, sessionKey: session.sessionKey });
  assert.deepEqual(fromData, { ...fromCode, watermark: fromData.watermark });
  assert.equal(fromData.watermark.appid, APPID);
});
