import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import { createWechatClient, decryptData, verifySignature } from "@wegate/wechat";
import Fastify from "fastify";
import { startWechatSim, wechatSimPlugin } from "./server";
import { WechatWorld } from "./world";

const APPID = "wx1111111111111111";
const SECRET = "secret-one";

async function setup(t: TestContext, appids = [APPID]) {
  const world = new WechatWorld();
  for (const appid of appids) world.addApp({ appid, secret: SECRET });
  const sim = await startWechatSim({ world });
  t.after(() => sim.close());
  const postJson = (path: string, body: unknown) =>
    fetch(`${sim.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const client = createWechatClient({ appid: APPID, secret: SECRET, baseURL: sim.url });
  return { world, sim, postJson, client };
}

test("POST /__sim/login (JSON) gives a code that code2Session accepts", async (t) => {
  const { world, postJson, client } = await setup(t);
  const response = await postJson("/__sim/login", { user: "alice" });
  assert.equal(response.status, 200);
  const { code } = (await response.json()) as { code: string };
  const session = await client.code2Session(code);
  assert.equal(session.openid, world.openid(APPID, "alice"));
});

test("POST /__sim/login accepts a form body with an explicit appid", async (t) => {
  const { world, sim, client } = await setup(t, [APPID, "wx-second"]);
  const response = await fetch(`${sim.url}/__sim/login`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ appid: APPID, user: "bob" }).toString(),
  });
  const { code } = (await response.json()) as { code: string };
  assert.equal((await client.code2Session(code)).openid, world.openid(APPID, "bob"));
});

test("POST /__sim/phone-code gives a getPhoneNumber code that getPhoneNumber accepts", async (t) => {
  const { world, postJson, client } = await setup(t);
  world.setPhone("alice", { countryCode: "86", purePhoneNumber: "13800000009" });
  const response = await postJson("/__sim/phone-code", { user: "alice" });
  assert.equal(response.status, 200);
  const { code } = (await response.json()) as { code: string };
  assert.equal((await client.getPhoneNumber(code)).purePhoneNumber, "13800000009");
  assert.equal((await postJson("/__sim/phone-code", {})).status, 400);
});

test("POST /__sim/user-info gives getUserInfo's data, made with the current session_key", async (t) => {
  const { postJson, client } = await setup(t);
  const { code } = (await (await postJson("/__sim/login", { user: "alice" })).json()) as { code: string };
  const response = await postJson("/__sim/user-info", { user: "alice" });
  assert.equal(response.status, 200);
  const info = (await response.json()) as { userInfo: object; rawData: string; signature: string; encryptedData: string; iv: string };
  assert.deepEqual(Object.keys(info).sort(), ["encryptedData", "iv", "rawData", "signature", "userInfo"]);
  const session = await client.code2Session(code);
  assert.ok(verifySignature(info.rawData, session.sessionKey, info.signature));
  assert.equal(decryptData({ ...info, sessionKey: session.sessionKey, appid: APPID }).openId, session.openid);
});

test("dev endpoints answer error JSON for a missing user, no session, an unknown or ambiguous appid", async (t) => {
  const { postJson } = await setup(t, [APPID, "wx-second"]);
  const cases: [string, unknown, number][] = [
    ["/__sim/login", { appid: APPID }, 400],
    ["/__sim/login", { user: "alice" }, 400],
    ["/__sim/login", { appid: "wx-unknown", user: "alice" }, 400],
    ["/__sim/user-info", { appid: APPID, user: "nobody" }, 409],
  ];
  for (const [path, body, status] of cases) {
    const response = await postJson(path, body);
    assert.equal(response.status, status, `${path} ${JSON.stringify(body)}`);
    assert.equal(typeof ((await response.json()) as { error: unknown }).error, "string");
  }
});

test("the plugin mounts under a prefix, with its 404 handling scoped to that prefix", async () => {
  const world = new WechatWorld();
  world.addApp({ appid: APPID, secret: SECRET });
  const app = Fastify();
  await app.register(wechatSimPlugin, { world, prefix: "/wechat" });
  try {
    const code = world.login(APPID, "alice");
    const exchanged = await app.inject({ url: `/wechat/sns/jscode2session?appid=${APPID}&secret=${SECRET}&js_code=${code}` });
    assert.equal(exchanged.json().openid, world.openid(APPID, "alice"));
    assert.equal((await app.inject({ url: "/wechat/cgi-bin/nope" })).json().errcode, 40066);
    assert.equal((await app.inject({ url: "/elsewhere" })).json().errcode, undefined);
    assert.deepEqual(world.unknownCalls, ["/wechat/cgi-bin/nope"]);
  } finally {
    await app.close();
  }
});
