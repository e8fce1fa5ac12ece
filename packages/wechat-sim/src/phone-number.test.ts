import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import { decryptData } from "@wegate/wechat";
import { defaultPhone } from "./phones";
import { GET_USER_PHONE_NUMBER_PATH } from "./server";
import { APPID, OTHER_APPID, startTestSim } from "./test-support";
import { createWx } from "./wx";
import type { WxFail } from "./wx-async";

const NOW = Date.UTC(2026, 0, 1, 8, 0, 0, 999);

type Body = Record<string, any>;

async function setup(t: TestContext) {
  const { clock, world, sim } = await startTestSim(t, NOW);
  /** accessToken null sends none. */
  const getPhone = async (code: unknown, accessToken: string | null = world.accessTokenFor(APPID)) => {
    const query = accessToken === null ? "" : `?access_token=${encodeURIComponent(accessToken)}`;
    const response = await fetch(`${sim.url}${GET_USER_PHONE_NUMBER_PATH}${query}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code }),
    });
    assert.equal(response.status, 200);
    return (await response.json()) as Body;
  };
  return { clock, world, getPhone };
}

test("a phone code gives the user's number, countryCode as a number, with the app's watermark", async (t) => {
  const { world, getPhone } = await setup(t);
  const body = await getPhone(world.phoneCode(APPID, "alice"));
  const { purePhoneNumber } = defaultPhone("alice");
  assert.match(purePhoneNumber, /^138\d{8}$/);
  assert.deepEqual(body, {
    errcode: 0,
    errmsg: "ok",
    phone_info: {
      phoneNumber: purePhoneNumber,
      purePhoneNumber,
      countryCode: 86,
      watermark: { timestamp: Math.floor(NOW / 1000), appid: APPID },
    },
  });
  assert.notEqual(defaultPhone("bob").purePhoneNumber, purePhoneNumber);
});

test("setPhone: numbers outside mainland China carry the country code in phoneNumber", async (t) => {
  const { world, getPhone } = await setup(t);
  world.setPhone("alice", { countryCode: "852", purePhoneNumber: "61234567" });
  assert.deepEqual(world.phone("alice"), { countryCode: "852", purePhoneNumber: "61234567" });
  const { phone_info } = await getPhone(world.phoneCode(APPID, "alice"));
  assert.deepEqual([phone_info.phoneNumber, phone_info.purePhoneNumber, phone_info.countryCode], ["+85261234567", "61234567", 852]);
});

test("a phone code is single use and lives 5 minutes (40029 after)", async (t) => {
  const { clock, world, getPhone } = await setup(t);
  const code = world.phoneCode(APPID, "alice");
  const late = world.phoneCode(APPID, "bob");
  assert.equal((await getPhone(code)).errcode, 0);
  assert.equal((await getPhone(code)).errcode, 40029);
  clock.now += world.codeTtlMs + 1;
  assert.equal((await getPhone(late)).errcode, 40029);
});

test("unknown codes and wx.login codes are 40029; a missing code is 41008", async (t) => {
  const { world, getPhone } = await setup(t);
  assert.equal((await getPhone("not-a-code")).errcode, 40029);
  assert.equal((await getPhone(world.login(APPID, "alice"))).errcode, 40029);
  assert.equal((await getPhone(undefined)).errcode, 41008);
});

test("a code of another appid is 40013 and stays usable by its own app", async (t) => {
  const { world, getPhone } = await setup(t);
  const code = world.phoneCode(OTHER_APPID, "alice");
  const wrongApp = await getPhone(code);
  assert.equal(wrongApp.errcode, 40013);
  assert.match(wrongApp.errmsg, / rid: /);
  assert.equal((await getPhone(code, world.accessTokenFor(OTHER_APPID))).phone_info.watermark.appid, OTHER_APPID);
});

test("the access_token is checked first: missing 41001, invalid 40001, expired 42001; the code survives", async (t) => {
  const { clock, world, getPhone } = await setup(t);
  const code = world.phoneCode(APPID, "alice");
  assert.equal((await getPhone(code, null)).errcode, 41001);
  const invalid = await getPhone(code, "made-up-token");
  assert.equal(invalid.errcode, 40001);
  assert.doesNotMatch(invalid.errmsg, /made-up-token/);
  const token = world.accessTokenFor(APPID);
  world.invalidateAccessTokens(APPID);
  assert.equal((await getPhone(code, token)).errcode, 40001);

  const expiring = world.accessTokenFor(APPID);
  clock.now += 7_200_000;
  assert.equal((await getPhone(code, expiring)).errcode, 42001);
  clock.now = NOW;
  assert.equal((await getPhone(code)).errcode, 0);
});

test("wx.getPhoneNumber: a code for the server and old-style encryptedData under the current session_key", async (t) => {
  const { world, getPhone } = await setup(t);
  world.setPhone("alice", { countryCode: "86", purePhoneNumber: "13800138000" });
  const wx = createWx({ world, appid: APPID, user: "alice" });
  await wx.login();
  const result = await wx.getPhoneNumber();
  assert.equal(result.errMsg, "getPhoneNumber:ok");
  assert.match(result.code, /^[0-9a-f]{64}$/);
  const plain = decryptData({ ...result, sessionKey: world.sessionKey(APPID, "alice")!, appid: APPID });
  assert.deepEqual(plain, {
    phoneNumber: "13800138000",
    purePhoneNumber: "13800138000",
    countryCode: "86",
    watermark: { appid: APPID, timestamp: Math.floor(NOW / 1000) },
  });
  assert.equal((await getPhone(result.code)).phone_info.purePhoneNumber, "13800138000");
  assert.deepEqual(wx.__sim.calls, ["login", "getPhoneNumber"]);
});

test("wx.getPhoneNumber fails without a live session, or when the user denies; callbacks work", async (t) => {
  const { world } = await setup(t);
  const wx = createWx({ world, appid: APPID, user: "alice" });
  await assert.rejects(wx.getPhoneNumber(), { errMsg: "getPhoneNumber:fail no session" });
  await wx.login();
  const viaCallback = await new Promise<string>((resolve) => {
    wx.getPhoneNumber({ success: (result) => resolve(result.errMsg) });
  });
  assert.equal(viaCallback, "getPhoneNumber:ok");

  const denying = createWx({ world, appid: APPID, user: "alice", phoneConsent: false });
  const failed = await new Promise<WxFail>((resolve) => {
    denying.getPhoneNumber({ fail: resolve });
  });
  assert.equal(failed.errMsg, "getPhoneNumber:fail user deny");
});
