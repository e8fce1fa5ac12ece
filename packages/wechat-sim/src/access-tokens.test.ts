import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import { ACCESS_TOKEN_OVERLAP_MS, ACCESS_TOKEN_TTL_MS } from "./access-tokens";
import { GET_USER_PHONE_NUMBER_PATH, STABLE_TOKEN_PATH, TOKEN_PATH } from "./server";
import { APPID, OTHER_APPID, SECRET, startTestSim } from "./test-support";

type Body = Record<string, any>;

async function setup(t: TestContext) {
  const { clock, world, sim } = await startTestSim(t);

  const stableToken = async (body: object = {}) => {
    const request = { grant_type: "client_credential", appid: APPID, secret: SECRET, ...body };
    const response = await fetch(`${sim.url}${STABLE_TOKEN_PATH}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(request),
    });
    assert.equal(response.status, 200);
    return (await response.json()) as Body;
  };
  const plainToken = async (query = `grant_type=client_credential&appid=${APPID}&secret=${SECRET}`) => {
    const response = await fetch(`${sim.url}${TOKEN_PATH}?${query}`);
    assert.equal(response.status, 200);
    return (await response.json()) as Body;
  };
  /** Uses a token on a real endpoint: errcode 40029 (unknown code) means the token itself was accepted. */
  const useToken = async (token: string) => {
    const response = await fetch(`${sim.url}${GET_USER_PHONE_NUMBER_PATH}?access_token=${encodeURIComponent(token)}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code: "not-a-code" }),
    });
    return ((await response.json()) as Body).errcode as number;
  };
  return { clock, world, sim, stableToken, plainToken, useToken };
}

const TOKEN_ACCEPTED = 40029;

test("stable_token answers the same token, expires_in counting down, until its last 5 minutes", async (t) => {
  const { clock, stableToken, useToken } = await setup(t);
  const first = await stableToken();
  assert.equal(first.expires_in, 7200);
  assert.match(first.access_token, /^[0-9A-Za-z_-]{100,}$/);
  assert.equal(first.errcode, undefined);

  clock.now += 1000 * 1000;
  assert.deepEqual(await stableToken(), { access_token: first.access_token, expires_in: 6200 });

  clock.now += ACCESS_TOKEN_TTL_MS - ACCESS_TOKEN_OVERLAP_MS - 1000 * 1000 - 1;
  assert.equal((await stableToken()).access_token, first.access_token);
  clock.now += 1;
  const second = await stableToken();
  assert.notEqual(second.access_token, first.access_token);
  assert.equal(second.expires_in, 7200);

  // The old token runs out its own life: usable for its last 5 minutes, then 42001.
  assert.equal(await useToken(first.access_token), TOKEN_ACCEPTED);
  clock.now += ACCESS_TOKEN_OVERLAP_MS - 1;
  assert.equal(await useToken(first.access_token), TOKEN_ACCEPTED);
  clock.now += 1;
  assert.equal(await useToken(first.access_token), 42001);
  assert.equal(await useToken(second.access_token), TOKEN_ACCEPTED);
});

test("a token past its 7200 s answers 42001, and stable_token then mints a new one", async (t) => {
  const { clock, stableToken, useToken } = await setup(t);
  const first = await stableToken();
  clock.now += ACCESS_TOKEN_TTL_MS;
  assert.equal(await useToken(first.access_token), 42001);
  const second = await stableToken();
  assert.notEqual(second.access_token, first.access_token);
  assert.equal(await useToken(second.access_token), TOKEN_ACCEPTED);
});

test("force_refresh kills the previous token at once; forced refreshes under 30 s apart do not refresh", async (t) => {
  const { clock, stableToken, useToken } = await setup(t);
  const first = await stableToken();
  const forced = await stableToken({ force_refresh: true });
  assert.notEqual(forced.access_token, first.access_token);
  assert.equal(forced.expires_in, 7200);
  assert.equal(await useToken(first.access_token), 40001);
  assert.equal((await stableToken()).access_token, forced.access_token);

  clock.now += 29_999;
  assert.equal((await stableToken({ force_refresh: true })).access_token, forced.access_token);
  clock.now += 1;
  const again = await stableToken({ force_refresh: true });
  assert.notEqual(again.access_token, forced.access_token);
  assert.equal(await useToken(forced.access_token), 40001);
});

test("force_refresh is limited to 20 a day (45009), counted per China calendar day", async (t) => {
  const { clock, stableToken } = await setup(t);
  clock.now = Date.UTC(2026, 0, 1, 0, 0, 0); // 08:00 in China
  for (let i = 0; i < 20; i++) {
    assert.equal((await stableToken({ force_refresh: true })).errcode, undefined);
    clock.now += 30_000;
  }
  assert.equal((await stableToken({ force_refresh: true })).errcode, 45009);
  assert.equal((await stableToken()).errcode, undefined); // normal mode is not limited by it
  clock.now = Date.UTC(2026, 0, 1, 16, 0, 0); // midnight in China
  assert.equal((await stableToken({ force_refresh: true })).errcode, undefined);
});

test("stable_token checks grant_type (40002), appid (41002/40013) and secret (41004/40125)", async (t) => {
  const { stableToken } = await setup(t);
  assert.equal((await stableToken({ grant_type: "authorization_code" })).errcode, 40002);
  assert.equal((await stableToken({ appid: undefined })).errcode, 41002);
  assert.equal((await stableToken({ appid: "wx-not-registered" })).errcode, 40013);
  assert.equal((await stableToken({ secret: undefined })).errcode, 41004);
  const badSecret = await stableToken({ secret: "wrong" });
  assert.equal(badSecret.errcode, 40125);
  assert.match(badSecret.errmsg, /^invalid appsecret rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/);
  assert.doesNotMatch(badSecret.errmsg, /wrong/);
});

test("stable_token reads a JSON body sent as text/plain; a body that is not JSON is 47001", async (t) => {
  const { sim } = await setup(t);
  const post = (body: string) => fetch(`${sim.url}${STABLE_TOKEN_PATH}?access_token=ignored`, { method: "POST", body });
  const plain = (await (await post(JSON.stringify({ grant_type: "client_credential", appid: APPID, secret: SECRET }))).json()) as Body;
  assert.equal(plain.expires_in, 7200);
  assert.equal(((await (await post("grant_type=client_credential")).json()) as Body).errcode, 47001);
});

test("/cgi-bin/token mints a new token every call; the previous one works 5 more minutes, then 40001", async (t) => {
  const { clock, plainToken, useToken } = await setup(t);
  const first = await plainToken();
  assert.equal(first.expires_in, 7200);
  const second = await plainToken();
  assert.notEqual(second.access_token, first.access_token);
  clock.now += ACCESS_TOKEN_OVERLAP_MS - 1;
  assert.equal(await useToken(first.access_token), TOKEN_ACCEPTED);
  clock.now += 1;
  assert.equal(await useToken(first.access_token), 40001);
  assert.equal(await useToken(second.access_token), TOKEN_ACCEPTED);
});

test("/cgi-bin/token validates like stable_token and ignores unknown parameters", async (t) => {
  const { plainToken } = await setup(t);
  assert.equal((await plainToken(`appid=${APPID}&secret=${SECRET}`)).errcode, 40002);
  assert.equal((await plainToken(`grant_type=client_credential&appid=nope&secret=${SECRET}`)).errcode, 40013);
  assert.equal((await plainToken(`grant_type=client_credential&appid=${APPID}&secret=nope`)).errcode, 40125);
  const extra = await plainToken(`grant_type=client_credential&appid=${APPID}&secret=${SECRET}&access_token=x&extra=1`);
  assert.equal(extra.expires_in, 7200);
});

test("the two token families are isolated: /cgi-bin/token never replaces the stable token", async (t) => {
  const { clock, stableToken, plainToken, useToken } = await setup(t);
  const stable = await stableToken();
  await plainToken();
  await plainToken();
  clock.now += ACCESS_TOKEN_OVERLAP_MS;
  assert.equal(await useToken(stable.access_token), TOKEN_ACCEPTED);
  assert.equal((await stableToken()).access_token, stable.access_token);
});

test("accessTokenFor is the token stable_token answers, and counts no call", async (t) => {
  const { world, stableToken } = await setup(t);
  const token = world.accessTokenFor(APPID);
  assert.equal(world.callCount(STABLE_TOKEN_PATH), 0);
  assert.equal((await stableToken()).access_token, token);
  assert.notEqual(world.accessTokenFor(OTHER_APPID), token);
  assert.throws(() => world.accessTokenFor("wx-not-registered"), /unknown appid/);
});

test("invalidateAccessTokens: every token of the app answers 40001; stable_token mints a new one", async (t) => {
  const { world, stableToken, plainToken, useToken } = await setup(t);
  const stable = await stableToken();
  const plain = await plainToken();
  const otherApps = world.accessTokenFor(OTHER_APPID);
  world.invalidateAccessTokens(APPID);
  assert.equal(await useToken(stable.access_token), 40001);
  assert.equal(await useToken(plain.access_token), 40001);
  assert.equal(await useToken(otherApps), TOKEN_ACCEPTED);
  const fresh = await stableToken();
  assert.notEqual(fresh.access_token, stable.access_token);
  assert.equal(await useToken(fresh.access_token), TOKEN_ACCEPTED);
});

test("token endpoints are counted and take faults", async (t) => {
  const { world, stableToken } = await setup(t);
  world.setFault(STABLE_TOKEN_PATH, { kind: "errcode", errcode: -1, times: 1 });
  assert.equal((await stableToken()).errcode, -1);
  assert.equal((await stableToken()).expires_in, 7200);
  assert.equal(world.callCount(STABLE_TOKEN_PATH), 2);
});
