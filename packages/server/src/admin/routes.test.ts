/** The console API (/admin/api) over HTTP, on both databases: login, lockout, session, CSRF, scoping, audit. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { DEFAULT_RATE_LIMITS } from "../http/limits-config";
import { type Harness, startHarness } from "../testing/harness";
import { testDatabases } from "../testing/databases";
import { hashPassword } from "./password";
import { ADMIN_IDLE_MS, ADMIN_LOCKOUT, ADMIN_MAX_AGE_MS } from "./policy";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const PASSWORD = "correct horse battery";

interface Answer {
  status: number;
  body: { code: number; msg: string; data?: any };
  setCookie: string[];
}

/** Every /admin/api route, so a route added without a test of its guard fails the "every route" test. */
const GOODS = { tenant: "shop-a", name: "x", categoryId: null, pics: [], price: 1, originalPrice: 1, stock: 1, sort: 0, onShelf: true, options: [], content: "" };
/** Paths may carry a valid query (compared without it): a request without a session gets 401, not a validation error. */
const ROUTES: Array<{ method: "GET" | "POST" | "PUT" | "DELETE"; path: string; body?: unknown }> = [
  { method: "POST", path: "/admin/api/logout" },
  { method: "GET", path: "/admin/api/me" },
  { method: "GET", path: "/admin/api/tenants" },
  { method: "POST", path: "/admin/api/users/1/revoke-sessions", body: { tenant: "shop-a" } },
  { method: "GET", path: "/admin/api/audit" },
  { method: "GET", path: "/admin/api/goods?tenant=shop-a" },
  { method: "POST", path: "/admin/api/goods", body: GOODS },
  { method: "GET", path: "/admin/api/goods/1?tenant=shop-a" },
  { method: "PUT", path: "/admin/api/goods/1", body: GOODS },
  { method: "DELETE", path: "/admin/api/goods/1?tenant=shop-a" },
  { method: "POST", path: "/admin/api/goods/import", body: { tenant: "shop-a", format: "csv", text: "name,price,stock\nx,1,1\n" } },
  { method: "GET", path: "/admin/api/categories?tenant=shop-a" },
  { method: "POST", path: "/admin/api/categories", body: { tenant: "shop-a", name: "x", sort: 0 } },
  { method: "PUT", path: "/admin/api/categories/1", body: { tenant: "shop-a", name: "x", sort: 0 } },
  { method: "DELETE", path: "/admin/api/categories/1?tenant=shop-a" },
  { method: "POST", path: "/admin/api/pictures?tenant=shop-a" },
  { method: "GET", path: "/admin/api/users?tenant=shop-a" },
  { method: "GET", path: "/admin/api/users/1?tenant=shop-a" },
  { method: "POST", path: "/admin/api/users/1/sessions/1/revoke", body: { tenant: "shop-a" } },
  { method: "POST", path: "/admin/api/users/1/disable", body: { tenant: "shop-a" } },
  { method: "POST", path: "/admin/api/users/1/enable", body: { tenant: "shop-a" } },
  { method: "GET", path: "/admin/api/dashboard" },
  { method: "POST", path: "/admin/api/tenants", body: { subDomain: "shop-z" } },
  { method: "POST", path: "/admin/api/tenants/shop-a/apps", body: { appid: "wxa000000000000001", secret: "0".repeat(32) } },
  { method: "POST", path: "/admin/api/tenants/shop-a/apps/wxa000000000000001/check" },
  { method: "GET", path: "/admin/api/settings/rate-limits" },
];

for (const database of testDatabases()) {
  describe(`console API: ${database}`, () => {
    let h: Harness;
    let nextIp = 1;
    /** Each login from its own address (TRUST_PROXY), so the per-IP limit only counts where a test means it to. */
    const freshIp = () => `10.0.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 1}`;

    async function call(method: string, path: string, options: { body?: unknown; cookie?: string; csrf?: string; headers?: Record<string, string>; ip?: string } = {}): Promise<Answer> {
      const headers: Record<string, string> = { "x-forwarded-for": options.ip ?? freshIp(), "accept-language": "en", ...options.headers };
      if (options.body !== undefined) headers["content-type"] = "application/json";
      if (options.cookie) headers.cookie = options.cookie;
      if (options.csrf !== undefined) headers["x-csrf-token"] = options.csrf;
      const response = await fetch(`${h.url}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
      return { status: response.status, body: (await response.json()) as Answer["body"], setCookie: response.headers.getSetCookie() };
    }

    async function login(username: string, password = PASSWORD, options: { ip?: string; headers?: Record<string, string> } = {}) {
      const answer = await call("POST", "/admin/api/login", { body: { username, password }, ...options });
      const cookie = answer.setCookie[0]?.split(";")[0];
      return { answer, cookie: cookie ?? "", csrf: answer.body.data?.csrfToken as string };
    }

    async function addOperator(username: string, tenant?: string) {
      const tenantId = tenant ? (await h.storage.findTenant(tenant))!.id : null;
      return h.admin.addOperator({ username, passwordHash: await hashPassword(PASSWORD), tenantId }, h.clock());
    }

    async function userToken(user: string, subDomain = "shop-a") {
      const tenant = subDomain === "shop-a" ? h.tenants.a : h.tenants.b;
      const { data } = (await h.post(`/${subDomain}/user/wxapp/authorize`, { code: h.code(user, tenant) })).body;
      return data as { token: string; uid: number };
    }

    before(async () => {
      h = await startHarness({
        database,
        redisUrl: REDIS_URL,
        trustProxy: true,
        rateLimits: { ...DEFAULT_RATE_LIMITS, adminLogin: { max: 3, windowMs: 60_000 } },
      });
      await addOperator("root");
      await addOperator("alice", "shop-a");
      await addOperator("bob", "shop-b");
    });
    after(() => h.close());

    test("login sets an HttpOnly, SameSite=Strict cookie on /admin and answers the CSRF token; /me knows the operator", async () => {
      const { answer, cookie, csrf } = await login("root");
      assert.equal(answer.status, 200);
      assert.equal(answer.body.code, 0);
      assert.deepEqual({ ...answer.body.data, csrfToken: typeof csrf }, { csrfToken: "string", username: "root", tenant: null });
      assert.match(csrf, /^[A-Za-z0-9_-]{43}$/);
      const attributes = answer.setCookie[0].split("; ");
      assert.match(attributes[0], /^wegate_admin=[A-Za-z0-9_-]{43}$/);
      for (const expected of ["Path=/admin", "HttpOnly", "SameSite=Strict"]) assert.ok(attributes.includes(expected), expected);
      assert.ok(!attributes.includes("Secure"), "plain http: a Secure cookie would never come back");
      const me = await call("GET", "/admin/api/me", { cookie });
      assert.deepEqual(me.body.data, { csrfToken: csrf, username: "root", tenant: null });
      assert.equal((await login("alice")).answer.body.data.tenant, "shop-a");
    });

    test("a wrong password and an unknown name get one same 401 answer; the secret is nowhere in logs", async () => {
      const wrong = await login("root", "wrong password!");
      const unknown = await login("nobody-here", PASSWORD);
      assert.equal(wrong.answer.status, 401);
      assert.deepEqual(wrong.answer.body, { code: 60002, msg: "Wrong username or password" });
      assert.deepEqual(unknown.answer.body, wrong.answer.body);
      assert.equal(unknown.answer.status, 401);
      assert.deepEqual([wrong.answer.setCookie, unknown.answer.setCookie], [[], []]);
      assert.ok(!h.logs.some((line) => line.includes(PASSWORD) || line.includes("wrong password!")), "no password in the logs");
    });

    test("five failures lock the account for 15 minutes, from every address, whatever the password", async () => {
      await addOperator("carol");
      for (let i = 0; i < ADMIN_LOCKOUT.maxFailures; i++) assert.equal((await login("carol", `guess number ${i}`)).answer.body.code, 60002);
      const locked = await login("carol", PASSWORD, { ip: "192.0.2.77" });
      assert.equal(locked.answer.status, 429);
      assert.deepEqual(locked.answer.body, { code: 60005, msg: "Account locked after too many failed logins, try again later" });
      assert.equal((await login("carol")).answer.status, 429);
      h.clock.advance(ADMIN_LOCKOUT.lockMs);
      const { answer } = await login("carol");
      assert.equal(answer.body.code, 0, "the lock ends after its time");
      // A success starts the count again: four more failures do not lock.
      for (let i = 0; i < ADMIN_LOCKOUT.maxFailures - 1; i++) await login("carol", `again ${i}`);
      assert.equal((await login("carol")).answer.body.code, 0);
    });

    test("logins are rate limited per address (adminLogin)", async () => {
      const ip = freshIp();
      for (let i = 0; i < 3; i++) assert.equal((await login("root", PASSWORD, { ip })).answer.status, 200);
      const limited = await login("root", PASSWORD, { ip });
      assert.deepEqual([limited.answer.status, limited.answer.body.code], [429, 429]);
      assert.equal((await login("root")).answer.status, 200, "another address is not limited");
    });

    test("every route but login answers 401 without a live session", async () => {
      const documented = Object.keys((h.app.swagger() as { paths: Record<string, unknown> }).paths).filter((p) => p.startsWith("/admin/api/") && p !== "/admin/api/login");
      assert.deepEqual(documented.map((p) => p.replace("{uid}", "1").replace("{id}", "1").replace("{sessionId}", "1").replace("{subDomain}", "shop-a").replace("{appid}", "wxa000000000000001")).sort(), [...new Set(ROUTES.map((r) => r.path.split("?")[0]))].sort());
      const stale = await login("root");
      h.clock.advance(ADMIN_IDLE_MS);
      const noSession = [undefined, "wegate_admin=", "wegate_admin=not-a-token", `wegate_admin=${"A".repeat(43)}`, stale.cookie];
      for (const route of ROUTES) {
        for (const without of noSession) {
          const answer = await call(route.method, route.path, { body: route.body, cookie: without, csrf: stale.csrf });
          assert.deepEqual([route.path, without, answer.status, answer.body.code], [route.path, without, 401, 60001]);
        }
      }
    });

    test("without a session, a request with bad parameters answers 401 too (nothing about the parameters is said)", async () => {
      for (const [method, path, body] of [["GET", "/admin/api/goods?tenant=&page=-1", undefined], ["POST", "/admin/api/goods", { name: 7 }], ["GET", "/admin/api/users/not-a-uid"]] as const) {
        const answer = await call(method, path, { body });
        assert.deepEqual([path, answer.status, answer.body.code], [path, 401, 60001]);
      }
    });

    test("a session ends after 30 idle minutes and 12 hours after login, however used", async () => {
      const { cookie } = await login("root");
      const idleLimit = ADMIN_IDLE_MS - 60_000;
      let elapsed = 0;
      while (elapsed + idleLimit < ADMIN_MAX_AGE_MS) {
        assert.equal((await call("GET", "/admin/api/me", { cookie })).status, 200, "each use restarts the idle time");
        h.clock.advance(idleLimit);
        elapsed += idleLimit;
      }
      assert.equal((await call("GET", "/admin/api/me", { cookie })).status, 200);
      // Used moments ago, but 12 hours old.
      h.clock.advance(ADMIN_MAX_AGE_MS - elapsed);
      assert.equal((await call("GET", "/admin/api/me", { cookie })).status, 401);
      const idle = await login("root");
      h.clock.advance(ADMIN_IDLE_MS);
      assert.equal((await call("GET", "/admin/api/me", { cookie: idle.cookie })).status, 401);
    });

    test("writes need the session's CSRF token and a same-origin (or no) Origin; so does login's Origin", async () => {
      const { cookie, csrf } = await login("root");
      const user = await userToken("csrf-user");
      const revoke = (options: { csrf?: string; headers?: Record<string, string> }) =>
        call("POST", `/admin/api/users/${user.uid}/revoke-sessions`, { body: { tenant: "shop-a" }, cookie, ...options });
      const refused: Array<{ csrf?: string; headers?: Record<string, string> }> = [
        {},
        { csrf: "" },
        { csrf: csrf.slice(0, -1) + (csrf.endsWith("A") ? "B" : "A") },
        { csrf: (await login("root")).csrf },
        { csrf, headers: { origin: "https://evil.example" } },
        { csrf, headers: { origin: "null" } },
        { csrf, headers: { "sec-fetch-site": "cross-site" } },
      ];
      for (const options of refused) {
        const answer = await revoke(options);
        assert.deepEqual([options, answer.status, answer.body.code], [options, 403, 60004]);
      }
      assert.equal((await h.get("/shop-a/user/check-token", { token: user.token })).body.code, 0, "nothing was revoked");
      assert.equal((await revoke({ csrf, headers: { origin: h.url, "sec-fetch-site": "same-origin" } })).body.code, 0);
      const crossLogin = await login("root", PASSWORD, { headers: { origin: "https://evil.example" } });
      assert.deepEqual([crossLogin.answer.status, crossLogin.answer.body.code, crossLogin.answer.setCookie], [403, 60004, []]);
      // A read needs no token: the page reads /me to get it back after a reload.
      assert.equal((await call("GET", "/admin/api/me", { cookie })).status, 200);
    });

    test("logout ends the session and clears the cookie", async () => {
      const { cookie, csrf } = await login("root");
      const out = await call("POST", "/admin/api/logout", { cookie, csrf });
      assert.equal(out.body.code, 0);
      assert.match(out.setCookie[0], /^wegate_admin=; Path=\/admin; HttpOnly; SameSite=Strict; Max-Age=0/);
      assert.equal((await call("GET", "/admin/api/me", { cookie })).body.code, 60001);
      assert.equal((await call("POST", "/admin/api/logout", { cookie, csrf })).status, 401);
    });

    test("revoke-sessions ends every session of the user at once (also on another instance); only that user's", async () => {
      const first = await userToken("revoked-user");
      const second = await userToken("revoked-user");
      const bystander = await userToken("bystander");
      const replica = await h.startReplica();
      const check = async (token: string, url = h.url) => ((await (await fetch(`${url}/shop-a/user/check-token?token=${token}`)).json()) as { code: number }).code;
      // Both instances have the sessions in their caches (where they keep them).
      for (const token of [first.token, second.token, bystander.token]) assert.deepEqual([await check(token), await check(token, replica.url)], [0, 0]);
      const { cookie, csrf } = await login("root");
      const answer = await call("POST", `/admin/api/users/${first.uid}/revoke-sessions`, { body: { tenant: "shop-a" }, cookie, csrf });
      assert.deepEqual(answer.body, { code: 0, msg: "success", data: { revoked: 2 } });
      assert.deepEqual([await check(first.token), await check(second.token), await check(bystander.token)], [2000, 2000, 0]);
      // Another instance hears of it through Redis (PostgreSQL); on SQLite the harness's instances share one storage.
      const deadline = Date.now() + 5000;
      while ((await check(first.token, replica.url)) !== 2000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual([await check(first.token, replica.url), await check(second.token, replica.url)], [2000, 2000]);
      const missing = await call("POST", "/admin/api/users/999999/revoke-sessions", { body: { tenant: "shop-a" }, cookie, csrf });
      assert.deepEqual([missing.status, missing.body.code], [404, 700]);
    });

    test("a tenant's operator sees and touches its tenant only", async () => {
      const alice = await login("alice");
      const root = await login("root");
      assert.deepEqual((await call("GET", "/admin/api/tenants", { cookie: alice.cookie })).body.data.map((t: { subDomain: string }) => t.subDomain), ["shop-a"]);
      assert.deepEqual((await call("GET", "/admin/api/tenants", { cookie: root.cookie })).body.data.map((t: { subDomain: string }) => t.subDomain).sort(), ["shop-a", "shop-b"]);

      const victim = await userToken("tenant-b-user", "shop-b");
      const asAlice = (tenant: string) =>
        call("POST", `/admin/api/users/${victim.uid}/revoke-sessions`, { body: { tenant }, cookie: alice.cookie, csrf: alice.csrf });
      for (const tenant of ["shop-b", "shop-a", "no-such-shop"]) {
        const answer = await asAlice(tenant);
        assert.deepEqual([tenant, answer.status, answer.body.code], [tenant, 404, 700]);
      }
      assert.equal((await h.get("/shop-b/user/check-token", { token: victim.token })).body.code, 0);

      const bob = await login("bob");
      const bobsAudit = await call("GET", "/admin/api/audit", { cookie: bob.cookie });
      assert.ok(bobsAudit.body.data.length > 0, "bob sees his own login");
      assert.ok(bobsAudit.body.data.every((e: { tenant: string | null }) => e.tenant === "shop-b"), "only shop-b's entries");
      for (const tenant of ["shop-a", "no-such-shop"]) {
        const answer = await call("GET", `/admin/api/audit?tenant=${tenant}`, { cookie: bob.cookie });
        assert.deepEqual([tenant, answer.status, answer.body.code], [tenant, 403, 60003]);
      }
      const rootsView = await call("GET", "/admin/api/audit?tenant=shop-b", { cookie: root.cookie });
      assert.ok(rootsView.body.data.some((e: { action: string; username: string }) => e.action === "login" && e.username === "bob"), "root sees bob's login");
    });

    test("logins, failures, logouts and revocations are in the audit log, with who, what, when and the address", async () => {
      await addOperator("erin", "shop-a");
      const user = await userToken("audited-user");
      await login("erin", "not the password", { ip: "198.51.100.1" });
      const erin = await login("erin", PASSWORD, { ip: "198.51.100.2" });
      await call("POST", `/admin/api/users/${user.uid}/revoke-sessions`, { body: { tenant: "shop-a" }, cookie: erin.cookie, csrf: erin.csrf, ip: "198.51.100.3" });
      await call("POST", "/admin/api/logout", { cookie: erin.cookie, csrf: erin.csrf, ip: "198.51.100.4" });
      await login("no-such-operator", "whatever-typed", { ip: "198.51.100.5" });
      const { cookie } = await login("root");
      const entries = (await call("GET", "/admin/api/audit?limit=20", { cookie })).body.data as Array<Record<string, unknown>>;
      const mine = entries.filter((e) => String(e.ip).startsWith("198.51.100.")).reverse();
      assert.deepEqual(
        mine.map((e) => [e.username, e.tenant, e.action, e.target, e.detail, e.ip, e.at]),
        [
          ["erin", "shop-a", "login-failed", "erin", { locked: false }, "198.51.100.1", h.clock()],
          ["erin", "shop-a", "login", "erin", {}, "198.51.100.2", h.clock()],
          ["erin", "shop-a", "revoke-sessions", `shop-a/user/${user.uid}`, { revoked: 1 }, "198.51.100.3", h.clock()],
          ["erin", "shop-a", "logout", "erin", {}, "198.51.100.4", h.clock()],
          [null, null, "login-failed", "", { unknownUser: true }, "198.51.100.5", h.clock()],
        ],
      );
      assert.ok(!JSON.stringify(entries).includes("whatever-typed") && !JSON.stringify(entries).includes("no-such-operator"), "names tried that are no operator are not kept");
    });
  });
}

describe("console API behind https (PUBLIC_URL)", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ media: { publicUrl: "https://shop.example" } });
    await h.admin.addOperator({ username: "root", passwordHash: await hashPassword(PASSWORD), tenantId: null }, h.clock());
  });
  after(() => h.close());

  test("the cookie is Secure, and PUBLIC_URL's origin is the console's own", async () => {
    const response = await fetch(`${h.url}/admin/api/login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "https://shop.example" },
      body: JSON.stringify({ username: "root", password: PASSWORD }),
    });
    const body = (await response.json()) as { code: number };
    assert.deepEqual([response.status, body.code], [200, 0]);
    assert.ok(response.headers.getSetCookie()[0].split("; ").includes("Secure"), "the cookie is Secure");
  });
});
