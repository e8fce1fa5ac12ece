import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Harness, startHarness } from "./testing/harness";
import { testDatabases } from "./testing/databases";

const HOUR = 3600_000;
const DAY = 24 * HOUR;

for (const database of testDatabases()) {
  describe(`sessions (${database})`, () => {
    let h: Harness;
    before(async () => {
      // 7-day sliding lifetime, 30-day absolute cap (the defaults, spelled out).
      h = await startHarness({ database, sessionPolicy: { ttlSeconds: 7 * 24 * 3600, maxAgeSeconds: 30 * 24 * 3600 } });
    });
    after(() => h.close());

    async function tokenFor(user: string): Promise<string> {
      return (await h.post("/shop-a/user/wxapp/authorize", { code: h.code(user) })).body.data.token;
    }
    const check = async (token: string) => (await h.get("/shop-a/user/check-token", { token })).body.code;

    test("an unused token expires after the sliding lifetime", async () => {
      const token = await tokenFor("sam");
      h.clock.advance(7 * DAY - 1000);
      assert.equal(await check(token), 0);
      const idle = await tokenFor("sam-idle");
      h.clock.advance(7 * DAY);
      assert.equal(await check(idle), 2000);
    });

    test("use renews the token (at most once an hour), up to the absolute cap", async () => {
      const token = await tokenFor("tina");
      const session = async () => h.storage.findSessionByTokenHash((await import("./tokens")).hashToken(token));
      const issued = (await session())!;

      h.clock.advance(30 * 60_000); // half an hour: no renewal yet (no write on the hot path)
      assert.equal(await check(token), 0);
      assert.equal((await session())!.expiresAt, issued.expiresAt);

      h.clock.advance(31 * 60_000); // over an hour since login: renewed
      assert.equal(await check(token), 0);
      const renewed = (await session())!;
      assert.equal(renewed.expiresAt, h.clock() + 7 * DAY);

      // Used every 6 days, it lives on — but never past 30 days from login.
      for (let day = 6; day < 30; day += 6) {
        h.clock.advance(6 * DAY);
        assert.equal(await check(token), 0, `alive on day ~${day}`);
      }
      assert.equal((await session())!.expiresAt, issued.createdAt + 30 * DAY, "renewal stops at the absolute cap");
      h.clock.advance(issued.createdAt + 30 * DAY - h.clock());
      assert.equal(await check(token), 2000, "expired at the absolute cap although used");
      assert.equal((await h.get("/shop-a/user/detail", { token })).body.code, 2000);
    });

    test("a user has at most 10 live sessions; the oldest ends first", async () => {
      const tokens: string[] = [];
      for (let i = 0; i < 12; i++) tokens.push(await tokenFor("uma"));
      const codes = await Promise.all(tokens.map(check));
      assert.deepEqual(codes, [2000, 2000, ...Array(10).fill(0)]);
    });

    test("logout revokes at once; other sessions of the user live on; logout is idempotent", async () => {
      const first = await tokenFor("vera");
      const second = await tokenFor("vera");
      assert.equal((await h.get("/shop-a/user/loginout", { token: first })).body.code, 0);
      assert.equal(await check(first), 2000);
      assert.equal(await check(second), 0);
      assert.equal((await h.get("/shop-a/user/loginout", { token: first })).body.code, 0);
      assert.equal((await h.get("/shop-a/user/loginout")).body.code, 2000, "no token at all is not logged in");
    });

    test("junk tokens are simply not logged in", async () => {
      for (const token of ["x", "a".repeat(43), "a".repeat(500), "../../etc/passwd", "' or 1=1 --"]) {
        const reply = await h.get("/shop-a/user/check-token", { token });
        assert.equal(reply.body.code, 2000, token);
        assert.equal(reply.status, 401);
      }
    });

    // Sessions are kept in memory by the single SQLite server (and on PostgreSQL
    // only with Redis to tell the instances of each other's changes); on
    // PostgreSQL alone every instance reads the database each time.
    if (database === "sqlite") test("validateCached answers a live, cached session without a promise, and leaves everything else to validate()", async () => {
      const { sessions } = h.app;
      const token = await tokenFor("vic");
      const tenantA = (await h.storage.findTenant("shop-a"))!.id;
      const tenantB = (await h.storage.findTenant("shop-b"))!.id;
      assert.equal(sessions.validateCached(tenantA, token), undefined, "not read yet: not in memory");
      const session = (await sessions.validate(tenantA, token))!;
      assert.deepEqual(sessions.validateCached(tenantA, token), session);
      assert.equal(sessions.validateCached(tenantB, token), undefined, "another tenant's");
      assert.equal(sessions.validateCached(tenantA, "x".repeat(43)), undefined);
      assert.equal(sessions.validateCached(tenantA, undefined), undefined);

      h.clock.advance(HOUR); // due for renewal: only validate() renews
      assert.equal(sessions.validateCached(tenantA, token), undefined);
      const renewed = (await sessions.validate(tenantA, token))!;
      assert.ok(renewed.expiresAt > session.expiresAt);
      await sessions.validate(tenantA, token); // the renewal dropped it from memory; read again
      assert.equal(sessions.validateCached(tenantA, token)?.expiresAt, renewed.expiresAt);

      assert.equal(await sessions.revoke(tenantA, token), true);
      assert.equal(sessions.validateCached(tenantA, token), undefined, "revoked");
      assert.equal(await check(token), 2000);
    });

    else test("on PostgreSQL without Redis nothing is held in memory: validateCached leaves every token to validate()", async () => {
      const { sessions } = h.app;
      const token = await tokenFor("walt");
      const tenantA = (await h.storage.findTenant("shop-a"))!.id;
      assert.ok(await sessions.validate(tenantA, token));
      assert.equal(sessions.validateCached(tenantA, token), undefined, "read, yet not kept");
    });
  });
}
