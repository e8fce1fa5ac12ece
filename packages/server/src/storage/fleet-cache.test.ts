/**
 * Three instances on PostgreSQL + Redis, each with its own in-memory caches
 * of sessions, carts and goods, told of each other's changes through Redis.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Redis } from "ioredis";
import { onlyOn } from "../testing/databases";
import { type Harness, startHarness } from "../testing/harness";
import { connect } from "./connect";
import { announceEverything } from "./redis-changes";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

async function codeOf(response: Response): Promise<number> {
  return ((await response.json()) as { code: number }).code;
}

/** Milliseconds until `probe` answers `want`, asking again every millisecond; fails after `limitMs`. */
async function untilSeen(probe: () => Promise<unknown>, want: unknown, limitMs = 1000): Promise<number> {
  const started = performance.now();
  for (;;) {
    if ((await probe()) === want) return performance.now() - started;
    if (performance.now() - started > limitMs) assert.fail(`not seen within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

const p99 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.ceil(values.length * 0.99) - 1];

describe("caches on PostgreSQL + Redis: three instances", onlyOn("postgres"), () => {
  let h: Harness;
  let urls: string[];
  before(async () => {
    h = await startHarness({ database: "postgres", redisUrl: REDIS_URL, logLevel: "warn", demoCatalogue: true });
    urls = [h.url, (await h.startReplica()).url, (await h.startReplica()).url];
    // Every instance hears the channel before the tests change anything.
    for (const url of urls) await untilSeen(async () => (await fetch(`${url}/readyz`)).status, 200);
    await new Promise((resolve) => setTimeout(resolve, 100));
  });
  after(() => h.close());

  const login = async (user: string, url = urls[0]) => {
    const reply = await fetch(`${url}/shop-a/user/wxapp/authorize`, { method: "POST", body: new URLSearchParams({ code: h.code(user) }) });
    return ((await reply.json()) as { data: { token: string } }).data.token;
  };
  const check = async (url: string, token: string) => codeOf(await fetch(`${url}/shop-a/user/check-token?token=${encodeURIComponent(token)}`));

  test("a token check is answered from memory: a change made behind every cache's back is not seen", async () => {
    const token = await login("memory");
    assert.deepEqual(await Promise.all(urls.map((url) => check(url, token))), [0, 0, 0]);
    const { db } = connect(h.databaseUrl);
    try {
      await db.updateTable("sessions").set({ revoked_at: h.clock() }).execute();
    } finally {
      await db.destroy();
    }
    assert.deepEqual(await Promise.all(urls.map((url) => check(url, token))), [0, 0, 0], "served by the caches");
    // What the CLI does after changing data behind the servers: every cache forgets.
    const redis = new Redis(REDIS_URL);
    try {
      await announceEverything(redis, { prefix: h.redisPrefix });
    } finally {
      redis.disconnect();
    }
    for (const url of urls) await untilSeen(() => check(url, token), 2000);
  });

  test("a logout on one instance ends the token on the others within milliseconds", async (t) => {
    const delays: number[] = [];
    for (let i = 0; i < 20; i++) {
      const token = await login(`logout-${i}`, urls[i % 3]);
      const others = urls.filter((_, j) => j !== (i + 1) % 3);
      for (const url of others) assert.equal(await check(url, token), 0, "cached as live first");
      assert.equal(await codeOf(await fetch(`${urls[(i + 1) % 3]}/shop-a/user/loginout?token=${encodeURIComponent(token)}`)), 0);
      for (const url of others) delays.push(await untilSeen(() => check(url, token), 2000));
    }
    t.diagnostic(`logout seen by the other instances: p99 ${p99(delays).toFixed(1)} ms, max ${Math.max(...delays).toFixed(1)} ms over ${delays.length}`);
  });

  test("a cart change on one instance shows in the cart another instance had cached", async () => {
    const token = await login("cart");
    const cart = async (url: string) => {
      const reply = (await (await fetch(`${url}/shop-a/shopping-cart/info?token=${encodeURIComponent(token)}`)).json()) as { code: number; data?: { number: number } };
      return reply.code === 0 ? reply.data!.number : 0;
    };
    const add = (url: string, number: number) =>
      fetch(`${url}/shop-a/shopping-cart/add`, { method: "POST", body: new URLSearchParams({ token, goodsId: "2", number: String(number) }) });
    assert.equal(await codeOf(await add(urls[0], 1)), 0);
    assert.deepEqual(await Promise.all(urls.map(cart)), [1, 1, 1]);
    assert.equal(await codeOf(await add(urls[1], 2)), 0);
    for (const url of urls) await untilSeen(() => cart(url), 3);
    await fetch(`${urls[2]}/shop-a/shopping-cart/empty`, { method: "POST", body: new URLSearchParams({ token }) });
    for (const url of urls) await untilSeen(() => cart(url), 0);
  });

  test("a goods change on one instance shows in the carts and goods the others had cached", async () => {
    const token = await login("price");
    const added = await fetch(`${urls[0]}/shop-a/shopping-cart/add`, { method: "POST", body: new URLSearchParams({ token, goodsId: "8", number: "1" }) });
    assert.equal(added.status, 200, await added.clone().text());
    const price = async (url: string) =>
      ((await (await fetch(`${url}/shop-a/shopping-cart/info?token=${encodeURIComponent(token)}`)).json()) as { data: { price: number } }).data.price;
    const before = await price(urls[1]);
    await price(urls[2]);
    const tenant = (await h.storage.findTenant("shop-a"))!;
    const goods = (await h.storage.findGoods(tenant.id, 8))!;
    // Through the first instance's storage, as its import or console would.
    await h.storage.saveGoods(tenant.id, { ...goods, price: goods.price + 100 }, h.clock());
    for (const url of urls.slice(1)) await untilSeen(() => price(url), before + 1);
  });
});

test("PostgreSQL with Redis down: nothing is cached, every request reads the database, /readyz says so", onlyOn("postgres"), async () => {
  const h = await startHarness({ database: "postgres", redisUrl: "redis://127.0.0.1:1", logLevel: "warn" });
  try {
    const reply = await fetch(`${h.url}/shop-a/user/wxapp/authorize`, { method: "POST", body: new URLSearchParams({ code: h.code("alone") }) });
    const { token } = ((await reply.json()) as { data: { token: string } }).data;
    const check = async () => codeOf(await fetch(`${h.url}/shop-a/user/check-token?token=${encodeURIComponent(token)}`));
    assert.equal(await check(), 0);
    const { db } = connect(h.databaseUrl);
    try {
      await db.updateTable("sessions").set({ revoked_at: h.clock() }).execute();
    } finally {
      await db.destroy();
    }
    assert.equal(await check(), 2000, "read from the database, not from a cache no one could correct");
    assert.equal((await fetch(`${h.url}/readyz`)).status, 503);
  } finally {
    await h.close();
  }
});
