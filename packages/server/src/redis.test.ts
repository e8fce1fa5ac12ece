import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Redis } from "ioredis";
import { GET_USER_PHONE_NUMBER_PATH, STABLE_TOKEN_PATH } from "@wegate/wechat-sim";
import { type Harness, startHarness } from "./testing/harness";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** `users` log in and bind their phones in parallel, alternating between the given instances. */
async function bindAcross(h: Harness, urls: string[], users: string[]): Promise<number[]> {
  const tokens = await Promise.all(
    users.map(async (user, i) => {
      const { code } = await h.wx(user).login();
      const reply = await fetch(`${urls[i % urls.length]}/shop-a/user/wxapp/authorize`, { method: "POST", body: new URLSearchParams({ code }) });
      return ((await reply.json()) as { data: { token: string } }).data.token;
    }),
  );
  const codes = await Promise.all(users.map(async (user) => (await h.wx(user).getPhoneNumber()).code));
  return Promise.all(
    tokens.map(async (token, i) => {
      const reply = await fetch(`${urls[i % urls.length]}/shop-a/user/wxapp/bindMobile/v2`, {
        method: "POST",
        body: new URLSearchParams({ token, code: codes[i] }),
      });
      return ((await reply.json()) as { code: number }).code;
    }),
  );
}

const crowd = (name: string) => Array.from({ length: 20 }, (_, i) => `${name}-${i}`);

describe("REDIS_URL: one access_token for a fleet", () => {
  let h: Harness;
  let replica: { url: string };
  let redis: Redis;
  before(async () => {
    h = await startHarness({ redisUrl: REDIS_URL, logLevel: "warn" });
    replica = await h.startReplica();
    redis = new Redis(REDIS_URL);
  });
  after(async () => {
    const keys = await redis.keys(`${h.redisPrefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await h.close();
  });

  test("two instances binding 20 phones in parallel fetch ONE access_token", async () => {
    h.world.resetCounters();
    const codes = await bindAcross(h, [h.url, replica.url], crowd("fleet"));
    assert.deepEqual(new Set(codes), new Set([0]));
    assert.equal(h.world.callCount(STABLE_TOKEN_PATH), 1);
  });

  test("Redis holds the access_token sealed, never in clear", async () => {
    const raw = await redis.get(`${h.redisPrefix}access_token:${h.tenants.a.appid}`);
    assert.ok(raw, "the token is shared through Redis");
    assert.ok(!raw.includes(h.world.accessTokenFor(h.tenants.a.appid)));
  });

  test("a token one instance found rejected is refetched once for both", async () => {
    h.world.resetCounters();
    h.world.invalidateAccessTokens(h.tenants.a.appid);
    assert.deepEqual(await bindAcross(h, [replica.url], ["after-40001"]), [0]);
    assert.equal(h.world.callCount(STABLE_TOKEN_PATH), 1);
    assert.deepEqual(await bindAcross(h, [h.url], ["other-instance"]), [0]);
    assert.equal(h.world.callCount(STABLE_TOKEN_PATH), 1, "the other instance uses the new token from Redis");
    assert.equal(h.world.callCount(GET_USER_PHONE_NUMBER_PATH), 3);
  });

  test("/readyz checks Redis", async () => {
    assert.equal((await fetch(`${h.url}/readyz`)).status, 200);
  });
});

test("without Redis, each instance fetches its own access_token", async (t) => {
  const h = await startHarness({ logLevel: "warn" });
  t.after(() => h.close());
  const replica = await h.startReplica();
  assert.deepEqual(new Set(await bindAcross(h, [h.url, replica.url], crowd("alone"))), new Set([0]));
  assert.equal(h.world.callCount(STABLE_TOKEN_PATH), 2);
});

test("Redis down: /readyz says so, and phone binding still works", async (t) => {
  const h = await startHarness({ redisUrl: "redis://127.0.0.1:1", logLevel: "warn" });
  t.after(() => h.close());
  const ready = await fetch(`${h.url}/readyz`);
  assert.equal(ready.status, 503);
  assert.match(((await ready.json()) as { msg: string }).msg, /redis/);
  assert.deepEqual(await bindAcross(h, [h.url], ["no-redis"]), [0]);
  assert.ok(h.logs.some((line) => line.includes("Redis unavailable")));
});
