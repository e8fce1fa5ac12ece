import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Redis } from "ioredis";
import { ConfigError } from "../config-error";
import { type Harness, startHarness } from "../testing/harness";
import { onlyOn, testDatabases } from "../testing/databases";
import { DEFAULT_RATE_LIMITS, rateLimitsFromEnv, type RateLimits, trustProxyFromEnv } from "./limits-config";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

const small: RateLimits = {
  login: { max: 3, windowMs: 60_000 },
  phone: { max: 2, windowMs: 3_600_000 },
  token: { max: 5, windowMs: 60_000 },
  ip: { max: 4, windowMs: 60_000 },
  upload: { max: 2, windowMs: 60_000 },
  uploadDaily: { max: 3, windowMs: 86_400_000 },
};

async function logIn(h: Harness, user: string, headers: Record<string, string> = {}) {
  return h.post("/shop-a/user/wxapp/authorize", { code: h.code(user) }, { headers });
}

function assertLimited(reply: { status: number; body: { code: number; msg: string } }, headers?: Headers) {
  assert.equal(reply.status, 429);
  assert.deepEqual(reply.body, { code: 429, msg: "请求过于频繁，请稍后再试" });
  if (headers) assert.match(headers.get("retry-after") ?? "", /^\d+$/);
}

for (const database of testDatabases()) {
  describe(`rate limits, in-process (${database})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness({ database, rateLimits: small, demoCatalogue: true });
    });
    after(() => h.close());

    test("logins are limited per client IP, across the login routes, with Retry-After", async () => {
      for (let i = 0; i < 3; i++) assert.equal((await logIn(h, `ip-user-${i}`)).body.code, 0);
      const code = h.code("ip-user-x");
      const limited = await fetch(`${h.url}/shop-a/user/wxapp/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ code }),
      });
      assertLimited({ status: limited.status, body: (await limited.json()) as never }, limited.headers);
      assert.equal(h.world.callCount("/sns/jscode2session"), 3, "the limited login spent no WeChat call");
    });

    test("routes behind the token are limited per token: another token of the same IP goes on", async () => {
      const h2 = await startHarness({ database, rateLimits: { ...small, login: { max: 100, windowMs: 60_000 } } });
      try {
        const first = (await logIn(h2, "t1")).body.data.token as string;
        const second = (await logIn(h2, "t2")).body.data.token as string;
        for (let i = 0; i < 5; i++) assert.equal((await h2.get("/shop-a/user/check-token", { token: first })).body.code, 0);
        assertLimited(await h2.get("/shop-a/user/check-token", { token: first }));
        assert.equal((await h2.get("/shop-a/user/check-token", { token: second })).body.code, 0);
        // A bad token is refused (2000) before any limit counts it.
        assert.equal((await h2.get("/shop-a/user/check-token", { token: "nope" })).body.code, 2000);
      } finally {
        await h2.close();
      }
    });

    test("phone binding is limited per user, whatever token the user holds", async () => {
      const h2 = await startHarness({ database, rateLimits: { ...small, login: { max: 100, windowMs: 60_000 } } });
      try {
        const tokens = [(await logIn(h2, "p")).body.data.token, (await logIn(h2, "p")).body.data.token] as string[];
        const bind = (token: string) =>
          h2.post("/shop-a/user/wxapp/bindMobile/v2", { token, code: h2.world.phoneCode(h2.tenants.a.appid, "p") });
        assert.equal((await bind(tokens[0])).body.code, 0);
        assert.equal((await bind(tokens[1])).body.code, 0);
        assertLimited(await bind(tokens[0]));
        assertLimited(await bind(tokens[1]));
      } finally {
        await h2.close();
      }
    });

    test("public routes are limited per IP; behind TRUST_PROXY each forwarded client has its own count", async () => {
      const direct = await startHarness({ database, rateLimits: small, demoCatalogue: true });
      const proxied = await startHarness({ database, rateLimits: small, demoCatalogue: true, trustProxy: true });
      try {
        const as = (ip: string) => ({ headers: { "x-forwarded-for": ip } });
        for (let i = 0; i < 4; i++) assert.equal((await direct.post("/shop-a/shop/goods/list", {}, as(`10.0.0.${i}`))).body.code, 0);
        assertLimited(await direct.post("/shop-a/shop/goods/list", {}, as("10.0.0.9")));

        for (let i = 0; i < 4; i++) assert.equal((await proxied.post("/shop-a/shop/goods/list", {}, as("10.0.0.1"))).body.code, 0);
        assertLimited(await proxied.post("/shop-a/shop/goods/list", {}, as("10.0.0.1")));
        assert.equal((await proxied.post("/shop-a/shop/goods/list", {}, as("10.0.0.2"))).body.code, 0, "another client behind the proxy");
      } finally {
        await direct.close();
        await proxied.close();
      }
    });
  });
}

describe("rate limits in Redis hold across instances", () => {
  test("two instances on one Redis share each user's phone-binding count and each address's login count", async () => {
    const h = await startHarness({ database: "postgres", redisUrl: REDIS_URL, rateLimits: small });
    try {
      const replica = await h.startReplica();
      const urls = [h.url, replica.url];
      const login = async (url: string, user: string) =>
        (await fetch(`${url}/shop-a/user/wxapp/authorize`, { method: "POST", body: new URLSearchParams({ code: h.code(user) }) })).json() as Promise<{ code: number; data: { token: string } }>;
      // 3 logins per address: two on one instance, the third on the other, the fourth refused wherever it lands.
      const logins = [await login(urls[0], "fleet"), await login(urls[1], "fleet-2"), await login(urls[0], "fleet-3"), await login(urls[1], "fleet-4")];
      assert.deepEqual(logins.map((reply) => reply.code), [0, 0, 0, 429]);
      const token = logins[0].data.token;
      const bind = async (url: string) =>
        ((await (await fetch(`${url}/shop-a/user/wxapp/bindMobile/v2`, { method: "POST", body: new URLSearchParams({ token, code: h.world.phoneCode(h.tenants.a.appid, "fleet") }) })).json()) as { code: number }).code;
      assert.deepEqual([await bind(urls[0]), await bind(urls[1]), await bind(urls[0])], [0, 0, 429], "2 bindings per user, across both instances");
    } finally {
      await h.close();
    }
  });

  test("per-token limits count in each process, even with Redis (no Redis round trip per request)", async () => {
    const h = await startHarness({ database: "postgres", redisUrl: REDIS_URL, rateLimits: { ...small, login: { max: 100, windowMs: 60_000 } } });
    try {
      const replica = await h.startReplica();
      const token = ((await (await fetch(`${h.url}/shop-a/user/wxapp/authorize`, { method: "POST", body: new URLSearchParams({ code: h.code("local") }) })).json()) as { data: { token: string } }).data.token;
      const at = async (url: string) => ((await (await fetch(`${url}/shop-a/user/check-token?token=${encodeURIComponent(token)}`)).json()) as { code: number }).code;
      const codes: number[] = [];
      for (let i = 0; i < 12; i++) codes.push(await at(i % 2 ? replica.url : h.url));
      assert.deepEqual(codes, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 429, 429], "5 on each instance");
      const redis = new Redis(REDIS_URL);
      try {
        assert.deepEqual(await redis.keys(`${h.redisPrefix}rate:*token*`), [], "nothing of it in Redis");
      } finally {
        redis.disconnect();
      }
    } finally {
      await h.close();
    }
  });
});

describe("limit settings", () => {
  test("RATE_LIMITS=off turns them off; RATE_LIMIT_<GROUP> sets one; bad values stop the start", () => {
    assert.equal(rateLimitsFromEnv({ RATE_LIMITS: "off" }), undefined);
    assert.deepEqual(rateLimitsFromEnv({}), DEFAULT_RATE_LIMITS);
    assert.deepEqual(rateLimitsFromEnv({ RATE_LIMIT_PHONE: "3/day" })?.phone, { max: 3, windowMs: 86_400_000 });
    assert.throws(() => rateLimitsFromEnv({ RATE_LIMITS: "maybe" }), ConfigError);
    assert.throws(() => rateLimitsFromEnv({ RATE_LIMIT_LOGIN: "lots" }), /RATE_LIMIT_LOGIN must be a count per time unit/);
    assert.throws(() => rateLimitsFromEnv({ RATE_LIMIT_TOKEN: "0/min" }), ConfigError);
  });

  test("TRUST_PROXY: off by default, on, hops, or addresses", () => {
    assert.equal(trustProxyFromEnv({}), false);
    assert.equal(trustProxyFromEnv({ TRUST_PROXY: "on" }), true);
    assert.equal(trustProxyFromEnv({ TRUST_PROXY: "1" }), 1);
    assert.deepEqual(trustProxyFromEnv({ TRUST_PROXY: "127.0.0.1, 10.0.0.0/8" }), ["127.0.0.1", "10.0.0.0/8"]);
    assert.throws(() => trustProxyFromEnv({ TRUST_PROXY: "nginx" }), ConfigError);
  });
});
