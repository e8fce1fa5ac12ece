import assert from "node:assert/strict";
import { test } from "node:test";
import { ACCESS_TOKEN_OVERLAP_MS, ACCESS_TOKEN_TTL_MS, GET_USER_PHONE_NUMBER_PATH, STABLE_TOKEN_PATH } from "@wegate/wechat-sim";
import { createAccessTokenManager, createMemoryAccessTokenStore, type FetchedAccessToken } from "./access-token";
import { WechatError } from "./errors";
import { APPID, OTHER_APPID, rejectsWith, SECRET, startSim } from "./test-support";

test("20 parallel calls share ONE stable_token fetch", async (t) => {
  const { world, client } = await startSim(t);
  const wechat = client();
  const users = Array.from({ length: 20 }, (_, i) => `user-${i}`);
  const phones = await Promise.all(users.map((user) => wechat.getPhoneNumber(world.phoneCode(APPID, user))));
  assert.deepEqual(
    phones.map((phone) => phone.purePhoneNumber),
    users.map((user) => world.phone(user).purePhoneNumber),
  );
  assert.equal(world.callCount(STABLE_TOKEN_PATH), 1);
  assert.equal(world.callCount(GET_USER_PHONE_NUMBER_PATH), 20);
});

test("the cached token is reused until expiry minus the margin, then fetched anew", async (t) => {
  const { clock, world, client } = await startSim(t);
  const wechat = client();
  await wechat.getPhoneNumber(world.phoneCode(APPID, "alice"));
  const first = world.accessTokenFor(APPID);
  clock.now += ACCESS_TOKEN_TTL_MS - ACCESS_TOKEN_OVERLAP_MS - 1;
  await wechat.getPhoneNumber(world.phoneCode(APPID, "alice"));
  assert.equal(world.callCount(STABLE_TOKEN_PATH), 1);

  clock.now += 1;
  await wechat.getPhoneNumber(world.phoneCode(APPID, "alice"));
  assert.equal(world.callCount(STABLE_TOKEN_PATH), 2);
  assert.notEqual(world.accessTokenFor(APPID), first, "WeChat rotated the stable token at the same moment");
});

test("a token WeChat rejected (40001) is dropped, fetched anew, and the call retried once", async (t) => {
  const { world, client } = await startSim(t);
  const wechat = client();
  await wechat.getPhoneNumber(world.phoneCode(APPID, "alice"));
  world.invalidateAccessTokens(APPID);
  world.resetCounters();

  const phone = await wechat.getPhoneNumber(world.phoneCode(APPID, "bob"));
  assert.equal(phone.purePhoneNumber, world.phone("bob").purePhoneNumber);
  assert.equal(world.callCount(GET_USER_PHONE_NUMBER_PATH), 2);
  assert.equal(world.callCount(STABLE_TOKEN_PATH), 1);
  await wechat.getPhoneNumber(world.phoneCode(APPID, "carol"));
  assert.equal(world.callCount(STABLE_TOKEN_PATH), 1, "the new token is cached");
});

for (const errcode of [40014, 42001]) {
  test(`errcode ${errcode} also triggers one refetch and retry`, async (t) => {
    const { world, client } = await startSim(t);
    world.setFault(GET_USER_PHONE_NUMBER_PATH, { kind: "errcode", errcode, times: 1 });
    await client().getPhoneNumber(world.phoneCode(APPID, "alice"));
    assert.equal(world.callCount(GET_USER_PHONE_NUMBER_PATH), 2);
    assert.equal(world.callCount(STABLE_TOKEN_PATH), 2);
  });
}

test("a persistent 40001 propagates after exactly one retry; the message holds no token or secret", async (t) => {
  const { world, client } = await startSim(t);
  const wechat = client();
  world.setFault(GET_USER_PHONE_NUMBER_PATH, { kind: "errcode", errcode: 40001, times: 2 });
  const error = await rejectsWith(wechat.getPhoneNumber(world.phoneCode(APPID, "alice")), "invalid_credential", 40001);
  assert.equal(world.callCount(GET_USER_PHONE_NUMBER_PATH), 2);
  assert.equal(world.callCount(STABLE_TOKEN_PATH), 2);
  assert.ok(!error.message.includes(world.accessTokenFor(APPID)));
  assert.ok(!error.message.includes(SECRET));
  await wechat.getPhoneNumber(world.phoneCode(APPID, "alice")); // the fault is spent; the code was never consumed
});

test("other errors are not retried", async (t) => {
  const { world, client } = await startSim(t);
  await rejectsWith(client().getPhoneNumber("not-a-code"), "invalid_code", 40029);
  assert.equal(world.callCount(GET_USER_PHONE_NUMBER_PATH), 1);
});

test("a failed fetch is not cached: concurrent callers share the failure, the next call fetches again", async (t) => {
  const { world, client } = await startSim(t);
  const wechat = client();
  // 45009 (daily quota) is not retried, so the fetch is exactly one call.
  world.setFault(STABLE_TOKEN_PATH, { kind: "errcode", errcode: 45009, times: 1 });
  const calls = [1, 2, 3].map(() => rejectsWith(wechat.getPhoneNumber(world.phoneCode(APPID, "alice")), "quota_exceeded", 45009));
  await Promise.all(calls);
  assert.equal(world.callCount(STABLE_TOKEN_PATH), 1);
  assert.equal(world.callCount(GET_USER_PHONE_NUMBER_PATH), 0);

  await wechat.getPhoneNumber(world.phoneCode(APPID, "alice"));
  assert.equal(world.callCount(STABLE_TOKEN_PATH), 2);
});

test("a wrong secret is a config error before any API call, and the secret is not in the message", async (t) => {
  const { world, client } = await startSim(t);
  const error = await rejectsWith(client({ secret: "wrong-secret" }).getPhoneNumber(world.phoneCode(APPID, "alice")), "config", 40125);
  assert.ok(!error.message.includes("wrong-secret"));
  assert.equal(world.callCount(GET_USER_PHONE_NUMBER_PATH), 0);
});

test("a shared manager: one fetch per appid across clients, separate tokens per appid", async (t) => {
  const { clock, world, client } = await startSim(t);
  const accessTokens = createAccessTokenManager({ clock: () => clock.now });
  const first = client({ accessTokens });
  const second = client({ accessTokens });
  const other = client({ accessTokens, appid: OTHER_APPID });
  await first.getPhoneNumber(world.phoneCode(APPID, "alice"));
  await second.getPhoneNumber(world.phoneCode(APPID, "alice"));
  assert.equal(world.callCount(STABLE_TOKEN_PATH), 1);
  await other.getPhoneNumber(world.phoneCode(OTHER_APPID, "alice"));
  assert.equal(world.callCount(STABLE_TOKEN_PATH), 2);
  assert.equal(world.callCount(GET_USER_PHONE_NUMBER_PATH), 3);
});

/** A manager over a scripted token source: each fetch answers the next token. */
function scripted({ expiresIn = 7200, refreshBeforeMs }: { expiresIn?: number; refreshBeforeMs?: number } = {}) {
  const clock = { now: 0 };
  let fetches = 0;
  const fetchToken = async (): Promise<FetchedAccessToken> => ({ accessToken: `token-${++fetches}`, expiresIn });
  const manager = createAccessTokenManager({ clock: () => clock.now, refreshBeforeMs });
  return { clock, manager, fetchToken, fetches: () => fetches };
}

const rejected = () => new WechatError("invalid_credential", "WeChat errcode 40001: invalid credential", 40001);

test("callers that fail with the same token cause one refetch, not one each", async () => {
  const { manager, fetchToken, fetches } = scripted();
  const used: string[] = [];
  const call = async (token: string) => {
    used.push(token);
    if (token === "token-1") throw rejected();
    return token;
  };
  const results = await Promise.all([1, 2, 3].map(() => manager.withToken("app", fetchToken, call)));
  assert.deepEqual(results, ["token-2", "token-2", "token-2"]);
  assert.equal(fetches(), 2);
  assert.deepEqual(used.sort(), ["token-1", "token-1", "token-1", "token-2", "token-2", "token-2"]);
});

test("a late failure with an old token does not drop the newer cached one", async () => {
  const { manager, fetchToken, fetches } = scripted();
  let releaseOld!: () => void;
  const oldCallFails = manager.withToken("app", fetchToken, async (token) => {
    if (token !== "token-1") return token;
    await new Promise<void>((resolve) => (releaseOld = resolve));
    throw rejected();
  });
  await new Promise((resolve) => setImmediate(resolve));
  // Meanwhile another caller found token-1 bad and replaced it with token-2.
  await manager.withToken("app", fetchToken, async (token) => {
    if (token === "token-1") throw rejected();
  });
  assert.equal(fetches(), 2);
  releaseOld();
  assert.equal(await oldCallFails, "token-2");
  assert.equal(fetches(), 2, "token-2 was kept, not dropped by the old failure");
});

test("a token handed out near its end is used for half its remaining life", async () => {
  const { clock, manager, fetchToken, fetches } = scripted({ expiresIn: 300 });
  const call = async (token: string) => token;
  await manager.withToken("app", fetchToken, call);
  clock.now += 149_999;
  assert.equal(await manager.withToken("app", fetchToken, call), "token-1");
  clock.now += 1;
  assert.equal(await manager.withToken("app", fetchToken, call), "token-2");
  assert.equal(fetches(), 2);
});

test("refreshBeforeMs sets the margin", async () => {
  const { clock, manager, fetchToken } = scripted({ refreshBeforeMs: 60_000 });
  const call = async (token: string) => token;
  await manager.withToken("app", fetchToken, call);
  clock.now = 7_140_000 - 1;
  assert.equal(await manager.withToken("app", fetchToken, call), "token-1");
  clock.now += 1;
  assert.equal(await manager.withToken("app", fetchToken, call), "token-2");
});

test("a token's life is counted from when its request was sent, not from when the answer came", async () => {
  const clock = { now: 0 };
  const store = createMemoryAccessTokenStore();
  const manager = createAccessTokenManager({ clock: () => clock.now, store });
  let fetches = 0;
  // WeChat takes a (fake) minute to answer: the token's 7200 s started when it issued it.
  const slowFetch = async (): Promise<FetchedAccessToken> => {
    fetches++;
    clock.now += 60_000;
    return { accessToken: `token-${fetches}`, expiresIn: 7200 };
  };
  const call = async (token: string) => token;
  await manager.withToken("app", slowFetch, call);
  assert.equal((await store.get("app"))?.expiresAt, 7_200_000);
  clock.now = 7_200_000 - 300_000 - 1;
  assert.equal(await manager.withToken("app", slowFetch, call), "token-1");
  clock.now += 1;
  assert.equal(await manager.withToken("app", slowFetch, call), "token-2");
});
