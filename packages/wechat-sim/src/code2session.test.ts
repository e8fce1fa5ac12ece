import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import { createWechatClient, decryptData, WechatError } from "@wegate/wechat";
import { CODE2SESSION_PATH, startWechatSim } from "./server";
import { rejectsWith } from "./test-support";
import { signedUserInfo } from "./user-info";
import { WechatWorld } from "./world";

const APPID = "wx1111111111111111";
const SECRET = "secret-one";
const UNION_APPID = "wx2222222222222222";
const UNION_APPID_2 = "wx3333333333333333";

async function setup(t: TestContext) {
  const clock = { now: Date.UTC(2026, 0, 1) };
  const world = new WechatWorld({ clock: () => clock.now });
  world.addApp({ appid: APPID, secret: SECRET });
  world.addApp({ appid: UNION_APPID, secret: SECRET, unionBound: true });
  world.addApp({ appid: UNION_APPID_2, secret: SECRET, unionBound: true });
  const sim = await startWechatSim({ world });
  t.after(() => sim.close());
  const client = (appid = APPID, secret = SECRET) => createWechatClient({ appid, secret, baseURL: sim.url, timeoutMs: 2000 });
  const rawCode2Session = async (query: string) => {
    const response = await fetch(`${sim.url}${CODE2SESSION_PATH}?${query}`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return { clock, world, sim, client, rawCode2Session };
}

test("a fresh code gives the user's openid and the session_key bound at login", async (t) => {
  const { world, client } = await setup(t);
  const code = world.login(APPID, "alice");
  const session = await client().code2Session(code);
  assert.equal(session.openid, world.openid(APPID, "alice"));
  assert.match(session.openid, /^o[A-Za-z0-9_-]{27}$/);
  assert.equal(session.sessionKey, world.sessionKey(APPID, "alice"));
  assert.equal(Buffer.from(session.sessionKey, "base64").length, 16);
  assert.equal(session.unionid, undefined);
});

test("union-bound apps return the same unionid, with a different openid per app", async (t) => {
  const { world, client } = await setup(t);
  const first = await client(UNION_APPID).code2Session(world.login(UNION_APPID, "alice"));
  const second = await client(UNION_APPID_2).code2Session(world.login(UNION_APPID_2, "alice"));
  assert.equal(first.unionid, world.unionid("alice"));
  assert.equal(second.unionid, first.unionid);
  assert.notEqual(first.openid, second.openid);
  assert.notEqual(world.unionid("bob"), first.unionid);
});

test("a code is single use: the second exchange is 40163", async (t) => {
  const { world, client } = await setup(t);
  const code = world.login(APPID, "alice");
  await client().code2Session(code);
  await rejectsWith(client().code2Session(code), "code_used", 40163);
});

test("a code expires after 5 minutes of the world clock (40029)", async (t) => {
  const { clock, world, client } = await setup(t);
  const onTime = world.login(APPID, "alice");
  const late = world.login(APPID, "bob");
  clock.now += 300_000;
  await client().code2Session(onTime);
  clock.now += 1;
  await rejectsWith(client().code2Session(late), "invalid_code", 40029);
});

test("unknown codes and codes of another appid are 40029, and the other app's code stays usable", async (t) => {
  const { world, client } = await setup(t);
  await rejectsWith(client().code2Session("not-a-code"), "invalid_code", 40029);
  const otherAppsCode = world.login(UNION_APPID, "alice");
  await rejectsWith(client(APPID).code2Session(otherAppsCode), "invalid_code", 40029);
  const session = await client(UNION_APPID).code2Session(otherAppsCode);
  assert.equal(session.openid, world.openid(UNION_APPID, "alice"));
});

test("a bad appid is 40013 and a bad secret 40125; a missing code is 41008", async (t) => {
  const { world, client, rawCode2Session } = await setup(t);
  const code = world.login(APPID, "alice");
  await rejectsWith(client("wx-not-registered").code2Session(code), "config", 40013);
  await rejectsWith(client(APPID, "wrong-secret").code2Session(code), "config", 40125);
  const missing = await rawCode2Session(`appid=${APPID}&secret=${SECRET}&grant_type=authorization_code`);
  assert.equal(missing.body.errcode, 41008);
  await client().code2Session(code); // none of the failures consumed it
});

test("more than 100 exchanges per user in a minute are 45011, and allowed again a minute later", async (t) => {
  const { clock, world, client } = await setup(t);
  for (let i = 0; i < 100; i++) await client().code2Session(world.login(APPID, "busy"));
  const code = world.login(APPID, "busy");
  await rejectsWith(client().code2Session(code), "rate_limited", 45011);
  await client().code2Session(world.login(APPID, "calm")); // another user is not limited
  clock.now += 59_999;
  await rejectsWith(client().code2Session(code), "rate_limited", 45011);
  clock.now += 60_000;
  const session = await client().code2Session(code);
  assert.equal(session.openid, world.openid(APPID, "busy"));
});

test("a new login replaces the session_key; old encrypted data decrypts only with the old code's key", async (t) => {
  const { world, client } = await setup(t);
  const firstCode = world.login(APPID, "alice");
  const firstData = signedUserInfo(world, APPID, "alice")!;
  const secondCode = world.login(APPID, "alice");
  const second = await client().code2Session(secondCode);
  assert.equal(world.sessionKey(APPID, "alice"), second.sessionKey);
  assert.throws(
    () => decryptData({ ...firstData, sessionKey: second.sessionKey, appid: APPID }),
    (error: unknown) => error instanceof WechatError && error.kind === "illegal_buffer",
  );
  const first = await client().code2Session(firstCode);
  assert.notEqual(first.sessionKey, second.sessionKey);
  const plain = decryptData({ ...firstData, sessionKey: first.sessionKey, appid: APPID });
  assert.equal(plain.openId, first.openid);
});

test("unknown paths answer 404 with errcode 40066 and are recorded", async (t) => {
  const { world, sim } = await setup(t);
  const response = await fetch(`${sim.url}/sns/jscode2sessionx?appid=${APPID}&secret=${SECRET}`);
  assert.equal(response.status, 404);
  const body = (await response.json()) as { errcode: number; errmsg: string };
  assert.equal(body.errcode, 40066);
  assert.match(body.errmsg, /^invalid url rid: /);
  const wrongMethod = await fetch(`${sim.url}${CODE2SESSION_PATH}`, { method: "POST" });
  assert.equal(wrongMethod.status, 404);
  assert.deepEqual(world.unknownCalls, ["/sns/jscode2sessionx", CODE2SESSION_PATH]);
  assert.equal(world.callCount(CODE2SESSION_PATH), 0);
});

test("unknown query parameters are ignored", async (t) => {
  const { world, rawCode2Session } = await setup(t);
  const code = world.login(APPID, "alice");
  const { status, body } = await rawCode2Session(
    `access_token=abc&appid=${APPID}&secret=${SECRET}&js_code=${code}&grant_type=authorization_code&extra=1`,
  );
  assert.equal(status, 200);
  assert.equal(body.openid, world.openid(APPID, "alice"));
  assert.equal(body.errcode, undefined);
});

test("errors are HTTP 200 and errmsg ends with a rid", async (t) => {
  const { rawCode2Session } = await setup(t);
  const { status, body } = await rawCode2Session(`appid=${APPID}&secret=${SECRET}&js_code=nope&grant_type=authorization_code`);
  assert.equal(status, 200);
  assert.equal(body.errcode, 40029);
  assert.match(String(body.errmsg), /^invalid code rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/);
});

test("calls are counted per path, failures included, until resetCounters", async (t) => {
  const { world, client } = await setup(t);
  await client().code2Session(world.login(APPID, "alice"));
  await rejectsWith(client().code2Session("nope"), "invalid_code");
  assert.equal(world.callCount(CODE2SESSION_PATH), 2);
  world.resetCounters();
  assert.equal(world.callCount(CODE2SESSION_PATH), 0);
});
