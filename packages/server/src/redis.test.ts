import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Redis } from "ioredis";
import { GET_USER_PHONE_NUMBER_PATH, STABLE_TOKEN_PATH } from "@wegate/wechat-sim";
import { onlyOn, testDatabases } from "./testing/databases";
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

// A fleet as production runs one: PostgreSQL and Redis, three instances, each
// with its own connection pool.
describe("REDIS_URL: one access_token for a fleet of three on PostgreSQL", onlyOn("postgres"), () => {
  let h: Harness;
  let urls: string[];
  let redis: Redis;
  before(async () => {
    h = await startHarness({ database: "postgres", redisUrl: REDIS_URL, logLevel: "warn" });
    urls = [h.url, (await h.startReplica()).url, (await h.startReplica()).url];
    redis = new Redis(REDIS_URL);
  });
  after(async () => {
    const keys = await redis.keys(`${h.redisPrefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await h.close();
  });

  test("three instances binding 20 phones in parallel fetch ONE access_token", async () => {
    h.world.resetCounters();
    const codes = await bindAcross(h, urls, crowd("fleet"));
    assert.deepEqual(new Set(codes), new Set([0]));
    assert.equal(h.world.callCount(STABLE_TOKEN_PATH), 1);
  });

  test("Redis holds the access_token sealed, never in clear", async () => {
    const raw = await redis.get(`${h.redisPrefix}access_token:${h.tenants.a.appid}`);
    assert.ok(raw, "the token is shared through Redis");
    assert.ok(!raw.includes(h.world.accessTokenFor(h.tenants.a.appid)));
  });

  test("a token one instance found rejected is refetched once for all three", async () => {
    h.world.resetCounters();
    h.world.invalidateAccessTokens(h.tenants.a.appid);
    assert.deepEqual(await bindAcross(h, [urls[1]], ["after-40001"]), [0]);
    assert.equal(h.world.callCount(STABLE_TOKEN_PATH), 1);
    assert.deepEqual(await bindAcross(h, [urls[0]], ["other-instance"]), [0]);
    assert.deepEqual(await bindAcross(h, [urls[2]], ["third-instance"]), [0]);
    assert.equal(h.world.callCount(STABLE_TOKEN_PATH), 1, "the other instances use the new token from Redis");
    assert.equal(h.world.callCount(GET_USER_PHONE_NUMBER_PATH), 4);
  });

  test("a token issued by one instance is valid on the others, and a logout on any ends it on all", async () => {
    const { code } = await h.wx("roaming").login();
    const login = await fetch(`${urls[0]}/shop-a/user/wxapp/authorize`, { method: "POST", body: new URLSearchParams({ code }) });
    const { token } = ((await login.json()) as { data: { token: string } }).data;
    const check = async (url: string) => ((await (await fetch(`${url}/shop-a/user/check-token?token=${token}`)).json()) as { code: number }).code;
    assert.deepEqual(await Promise.all(urls.map(check)), [0, 0, 0]);
    await fetch(`${urls[2]}/shop-a/user/loginout?token=${token}`);
    // Each instance caches sessions and hears the logout through Redis within milliseconds.
    for (let waited = 0; (await Promise.all(urls.map(check))).some((code) => code !== 2000); waited += 5) {
      assert.ok(waited < 1000, "the logout reached every instance within a second");
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  });

  test("/readyz checks Redis on every instance", async () => {
    assert.deepEqual(await Promise.all(urls.map(async (url) => (await fetch(`${url}/readyz`)).status)), [200, 200, 200]);
  });
});

test("without Redis, each instance of the fleet fetches its own access_token", onlyOn("postgres"), async (t) => {
  const h = await startHarness({ database: "postgres", logLevel: "warn" });
  t.after(() => h.close());
  const urls = [h.url, (await h.startReplica()).url, (await h.startReplica()).url];
  assert.deepEqual(new Set(await bindAcross(h, urls, crowd("alone"))), new Set([0]));
  assert.equal(h.world.callCount(STABLE_TOKEN_PATH), 3);
});

for (const database of testDatabases()) {
  test(`Redis down: /readyz says so, and phone binding still works (${database})`, async (t) => {
    const h = await startHarness({ database, redisUrl: "redis://127.0.0.1:1", logLevel: "warn" });
    t.after(() => h.close());
    const ready = await fetch(`${h.url}/readyz`);
    assert.equal(ready.status, 503);
    assert.match(((await ready.json()) as { msg: string }).msg, /redis/);
    assert.deepEqual(await bindAcross(h, [h.url], ["no-redis"]), [0]);
    assert.ok(h.logs.some((line) => line.includes("Redis unavailable")));
  });
}
