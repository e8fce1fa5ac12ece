import assert from "node:assert/strict";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { test, type TestContext } from "node:test";
import sharp from "sharp";
import { createWechatClient, decryptData, verifySignature } from "@wegate/wechat";
import { startWechatSim } from "./server";
import { DEFAULT_AVATAR_URL, WechatWorld } from "./world";
import { createWx, type SimWx } from "./wx";
import type { WxFail } from "./wx-async";
import type { WxUploadFileOptions, WxUploadFileSuccess } from "./wx-upload";

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

/** A server that answers what it received: the multipart fields in order, the file parts' bytes in base64. */
async function startEchoServer(t: TestContext, answer?: (res: ServerResponse) => boolean) {
  const server = createServer(async (req, res) => {
    if (answer?.(res)) return;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const form = await new Request("http://x/", { method: "POST", headers: { "content-type": req.headers["content-type"] ?? "" }, body }).formData();
    const parts: unknown[] = [];
    for (const [name, value] of form.entries()) {
      parts.push(typeof value === "string" ? { name, value } : { name, fileName: value.name, type: value.type, base64: Buffer.from(await value.arrayBuffer()).toString("base64") });
    }
    res.writeHead(201, { "content-type": "application/json" });
    res.end(JSON.stringify({ headers: req.headers, parts }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((resolve) => (server.close(() => resolve()), server.closeAllConnections())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** wx.uploadFile's callbacks as a promise of what reached success or fail (and that complete came after it). */
function upload(wx: SimWx, options: Omit<WxUploadFileOptions, "success" | "fail" | "complete">) {
  return new Promise<{ ok: true; value: WxUploadFileSuccess } | { ok: false; value: WxFail }>((resolve) => {
    let outcome: { ok: true; value: WxUploadFileSuccess } | { ok: false; value: WxFail } | undefined;
    const returned = wx.uploadFile({
      ...options,
      success: (value) => (outcome = { ok: true, value }),
      fail: (value) => (outcome = { ok: false, value }),
      complete: (value) => {
        assert.equal(value, outcome?.value, "complete gets what success or fail got, after it");
        resolve(outcome!);
      },
    });
    assert.equal(typeof returned.abort, "function", "an UploadTask, not a promise");
  });
}

test("chooseAvatar: the event detail is a temp path of this phone holding a real PNG; other phones cannot read it", async () => {
  const world = newWorld();
  const wx = createWx({ world, appid: APPID });
  const { avatarUrl } = wx.chooseAvatar();
  assert.match(avatarUrl, /^http:\/\/tmp\/[0-9a-f]{24}\.png$/);
  const file = wx.__sim.tempFiles.read(avatarUrl)!;
  const meta = await sharp(file.bytes).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ["png", 8, 8]);
  assert.equal(createWx({ world, appid: APPID, user: "other" }).__sim.tempFiles.read(avatarUrl), undefined);

  const jpeg = await sharp({ create: { width: 4, height: 3, channels: 3, background: "#f00" } }).jpeg().toBuffer();
  const chosen = wx.chooseAvatar({ bytes: jpeg, ext: "jpeg" });
  assert.match(chosen.avatarUrl, /\.jpeg$/);
  assert.notEqual(chosen.avatarUrl, avatarUrl);
  assert.deepEqual(Buffer.from(wx.__sim.tempFiles.read(chosen.avatarUrl)!.bytes), jpeg);
  assert.deepEqual(wx.__sim.calls, ["chooseAvatar", "chooseAvatar"]);
  const onPhone = createWx({ world, appid: APPID, tempPaths: "phone" }).chooseAvatar().avatarUrl;
  assert.match(onPhone, /^wxfile:\/\/tmp_[0-9a-f]{24}\.png$/);
  assert.throws(() => wx.__sim.tempFiles.add(jpeg, "../x"), TypeError);
});

test("uploadFile: a multipart POST, the formData fields then the file's bytes under `name`; the answer stays text, any status", async (t) => {
  const url = await startEchoServer(t);
  const wx = createWx({ world: newWorld(), appid: APPID });
  const bytes = Uint8Array.from([0, 1, 2, 255, 13, 10, 45, 45]);
  const filePath = wx.__sim.tempFiles.add(bytes, "jpg");

  const result = await upload(wx, {
    url: `${url}/shop-a/dfs/upload/file`,
    filePath,
    name: "upfile",
    formData: { token: "t-1", expireHours: "", n: 3, skipped: undefined },
    header: { "x-token": "t-1", Referer: "https://evil.example", "content-type": "text/plain" },
  });
  assert.ok(result.ok, JSON.stringify(result));
  const { statusCode, data, errMsg } = result.value;
  assert.deepEqual([statusCode, typeof data, errMsg], [201, "string", "uploadFile:ok"]);
  const echoed = JSON.parse(data);
  assert.deepEqual(echoed.parts, [
    { name: "token", value: "t-1" },
    { name: "expireHours", value: "" },
    { name: "n", value: "3" },
    { name: "upfile", fileName: filePath.slice("http://tmp/".length), type: "image/jpeg", base64: Buffer.from(bytes).toString("base64") },
  ]);
  assert.equal(echoed.headers["x-token"], "t-1");
  assert.equal(echoed.headers.referer, `https://servicewechat.com/${APPID}/devtools/page-frame.html`, "Referer is WeChat's to set");
  assert.match(echoed.headers["content-type"], /^multipart\/form-data; boundary=/);
  assert.deepEqual(wx.__sim.calls, ["uploadFile"]);

  const failing = await startEchoServer(t, (res) => (res.writeHead(502, { "content-type": "text/html" }), res.end("<html>bad gateway</html>"), true));
  const bad = await upload(wx, { url: failing, filePath, name: "upfile" });
  assert.ok(bad.ok);
  assert.deepEqual([bad.value.statusCode, bad.value.data], [502, "<html>bad gateway</html>"]);
});

test("uploadFile fails as WeChat does: bad parameters, a file not on this phone, network errors, timeout, abort", async (t) => {
  const world = newWorld();
  const wx = createWx({ world, appid: APPID });
  const url = await startEchoServer(t);
  const filePath = wx.chooseAvatar().avatarUrl;

  const missing = await upload(wx, { url, filePath: "http://tmp/not-here.png", name: "upfile" });
  assert.deepEqual(missing, { ok: false, value: { errMsg: "uploadFile:fail file not found: http://tmp/not-here.png" } });
  const elsewhere = createWx({ world, appid: APPID, user: "other" });
  assert.equal((await upload(elsewhere, { url, filePath, name: "upfile" })).ok, false, "another phone's temp path");
  const noName = await upload(wx, { url, filePath } as WxUploadFileOptions);
  assert.deepEqual(noName, { ok: false, value: { errMsg: "uploadFile:fail parameter error: parameter.name should be String instead of Undefined;" } });

  const refused = await upload(wx, { url: "http://127.0.0.1:9/upload", filePath, name: "upfile" });
  assert.ok(!refused.ok && refused.value.errMsg.startsWith("uploadFile:fail ") && refused.value.errMsg.length > "uploadFile:fail ".length);

  const silent = await startEchoServer(t, () => true); // never answers
  assert.deepEqual(await upload(wx, { url: silent, filePath, name: "upfile", timeout: 50 }), { ok: false, value: { errMsg: "uploadFile:fail timeout" } });
  const aborted = new Promise<WxFail>((resolve) => {
    const task = wx.uploadFile({ url: silent, filePath, name: "upfile", fail: resolve });
    setTimeout(() => task.abort(), 20);
  });
  assert.deepEqual(await aborted, { errMsg: "uploadFile:fail abort" });
});
