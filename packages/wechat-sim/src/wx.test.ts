import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import { createWechatClient, decryptData, verifySignature } from "@wegate/wechat";
import { startWechatSim } from "./server";
import { DEFAULT_AVATAR_URL, WechatWorld } from "./world";
import { createWx } from "./wx";
import type { WxFail } from "./wx-async";

const APPID = "wx1111111111111111";
const UNION_APPID = "wx2222222222222222";
const SECRET = "secret-one";
const NOW = Date.UTC(2026, 0, 1, 8, 0, 0, 999);

function newWorld() {
  const world = new WechatWorld({ clock: () => NOW });
  world.addApp({ appid: APPID, secret: SECRET });
  world.addApp({ appid: UNION_APPID, secret: SECRET, unionBound: true });
  return world;
}

async function startClient(t: TestContext, world: WechatWorld, appid = APPID) {
  const sim = await startWechatSim({ world });
  t.after(() => sim.close());
  return createWechatClient({ appid, secret: SECRET, baseURL: sim.url });
}

test("login: a Promise without callbacks, callbacks (no Promise) otherwise", async () => {
  const world = newWorld();
  const wx = createWx({ world, appid: APPID });
  const viaPromise = await wx.login();
  assert.equal(viaPromise.errMsg, "login:ok");
  assert.match(viaPromise.code, /^[0-9A-Za-z]{32}$/);

  const viaCallbacks = await new Promise<unknown[]>((resolve) => {
    const seen: unknown[] = [];
    const returned = wx.login({
      success: (result) => seen.push(["success", result.errMsg]),
      complete: () => resolve(seen.concat([["returned", returned]])),
    });
  });
  assert.deepEqual(viaCallbacks, [["success", "login:ok"], ["returned", undefined]]);
});

test("fail: the Promise rejects with {errMsg}; callbacks get fail then complete", async () => {
  const wx = createWx({ world: newWorld(), appid: "wx-unregistered" });
  await assert.rejects(wx.login(), (error: WxFail) => error.errMsg.startsWith("login:fail "));
  const order = await new Promise<string[]>((resolve) => {
    const seen: string[] = [];
    wx.checkSession({
      success: () => seen.push("success"),
      fail: (error) => seen.push(error.errMsg),
      complete: () => resolve(seen.concat("complete")),
    });
  });
  assert.deepEqual(order, ["checkSession:fail session time out", "complete"]);
});

test("the code from wx.login exchanges for the same user's session", async (t) => {
  const world = newWorld();
  const client = await startClient(t, world);
  const wx = createWx({ world, appid: APPID, user: "alice" });
  const { code } = await wx.login();
  const session = await client.code2Session(code);
  assert.equal(session.openid, world.openid(APPID, "alice"));
  assert.equal(session.sessionKey, world.sessionKey(APPID, "alice"));
});

test("checkSession: fails before login, passes after, fails once the session expires", async () => {
  const world = newWorld();
  const wx = createWx({ world, appid: APPID });
  await assert.rejects(wx.checkSession(), { errMsg: "checkSession:fail session time out" });
  await wx.login();
  assert.deepEqual(await wx.checkSession(), { errMsg: "checkSession:ok" });
  world.expireSession(APPID, "user-1");
  await assert.rejects(wx.checkSession(), { errMsg: "checkSession:fail session time out" });
});

test("getUserInfo: decrypts with the session_key of the preceding code and the signature holds", async (t) => {
  const world = newWorld();
  const client = await startClient(t, world, UNION_APPID);
  const wx = createWx({ world, appid: UNION_APPID, user: "alice" });
  const { code } = await wx.login();
  const info = await wx.getUserInfo();
  const session = await client.code2Session(code);

  assert.equal(info.errMsg, "getUserInfo:ok");
  assert.equal(info.rawData, JSON.stringify(info.userInfo));
  assert.ok(verifySignature(info.rawData, session.sessionKey, info.signature));
  const plain = decryptData({ encryptedData: info.encryptedData, iv: info.iv, sessionKey: session.sessionKey, appid: UNION_APPID });
  assert.deepEqual(plain, {
    openId: session.openid,
    nickName: "微信用户",
    gender: 0,
    language: "zh_CN",
    city: "",
    province: "",
    country: "",
    avatarUrl: DEFAULT_AVATAR_URL,
    unionId: session.unionid,
    watermark: { appid: UNION_APPID, timestamp: Math.floor(NOW / 1000) },
  });
  assert.equal(typeof session.unionid, "string");
});

test("getUserInfo: reflects setProfile and leaves out unionId for apps without a union binding", async () => {
  const world = newWorld();
  world.setProfile("alice", { nickName: "Band", gender: 1 });
  const wx = createWx({ world, appid: APPID, user: "alice" });
  await wx.login();
  const info = await wx.getUserInfo({ lang: "en" });
  assert.equal(info.userInfo.nickName, "Band");
  const plain = decryptData({ ...info, sessionKey: world.sessionKey(APPID, "alice")!, appid: APPID });
  assert.equal(plain.gender, 1);
  assert.equal("unionId" in plain, false);
});

test("getUserInfo: fails without a live session_key; withCredentials false needs none", async () => {
  const wx = createWx({ world: newWorld(), appid: APPID });
  await assert.rejects(wx.getUserInfo(), { errMsg: "getUserInfo:fail not login" });
  const plain = await wx.getUserInfo({ withCredentials: false });
  assert.equal("encryptedData" in plain, false);
  assert.equal(plain.userInfo.nickName, "微信用户");
});

test("getUserProfile: desc is required", async () => {
  const world = newWorld();
  const wx = createWx({ world, appid: APPID });
  await wx.login();
  await assert.rejects(wx.getUserProfile({}), (error: WxFail) => error.errMsg.startsWith("getUserProfile:fail"));
  const profile = await wx.getUserProfile({ desc: "Show your profile" });
  assert.equal(profile.errMsg, "getUserProfile:ok");
  const plain = decryptData({ ...profile, sessionKey: world.sessionKey(APPID, "user-1")!, appid: APPID });
  assert.equal(plain.openId, world.openid(APPID, "user-1"));
});

test("sync storage: structured clones, '' for a missing key, remove and clear", () => {
  const wx = createWx({ world: newWorld(), appid: APPID });
  const cart = { lines: [{ sku: "a", qty: 1 }], at: new Date(0) };
  wx.setStorageSync("cart", cart);
  cart.lines[0].qty = 99;
  const stored = wx.getStorageSync("cart");
  assert.deepEqual(stored, { lines: [{ sku: "a", qty: 1 }], at: new Date(0) });
  stored.lines[0].qty = 5;
  assert.equal(wx.getStorageSync("cart").lines[0].qty, 1);
  assert.equal(wx.getStorageSync("missing"), "");
  wx.setStorageSync("token", "t-1");
  wx.removeStorageSync("token");
  assert.equal(wx.getStorageSync("token"), "");
  wx.clearStorageSync();
  assert.equal(wx.__sim.storage.size, 0);
});

test("async storage shares the same store; getStorage of a missing key fails", async () => {
  const wx = createWx({ world: newWorld(), appid: APPID });
  await wx.setStorage({ key: "token", data: "t-1" });
  assert.equal(wx.getStorageSync("token"), "t-1");
  assert.deepEqual(await wx.getStorage({ key: "token" }), { data: "t-1", errMsg: "getStorage:ok" });
  await wx.removeStorage({ key: "token" });
  await assert.rejects(wx.getStorage({ key: "token" }), { errMsg: "getStorage:fail data not found" });
});

test("toasts, modals and loading are recorded; the modal answer follows modalConfirm", async () => {
  const wx = createWx({ world: newWorld(), appid: APPID });
  await wx.showToast({ title: "Saved", icon: "success" });
  assert.deepEqual(wx.__sim.toasts, [{ title: "Saved", icon: "success" }]);
  assert.deepEqual(await wx.showModal({ title: "Sure?" }), { confirm: true, cancel: false, errMsg: "showModal:ok" });
  await wx.showLoading({ title: "Loading" });
  assert.deepEqual(wx.__sim.loading, { title: "Loading" });
  await wx.hideLoading();
  assert.equal(wx.__sim.loading, undefined);

  const declining = createWx({ world: newWorld(), appid: APPID, modalConfirm: false });
  const answer = await declining.showModal({ title: "Delete?", content: "Really?" });
  assert.deepEqual([answer.confirm, answer.cancel], [false, true]);
  assert.deepEqual(declining.__sim.modals, [{ title: "Delete?", content: "Really?" }]);
});

test("__sim.calls lists every wx API in call order", async () => {
  const world = newWorld();
  const wx = createWx({ world, appid: APPID, user: "carol" });
  assert.equal(wx.__sim.user, "carol");
  assert.equal(wx.__sim.appid, APPID);
  assert.equal(wx.getAccountInfoSync().miniProgram.appId, APPID);
  await wx.login();
  await wx.getUserInfo();
  wx.setStorageSync("k", 1);
  await wx.checkSession();
  assert.deepEqual(wx.__sim.calls, ["getAccountInfoSync", "login", "getUserInfo", "setStorageSync", "checkSession"]);
});
