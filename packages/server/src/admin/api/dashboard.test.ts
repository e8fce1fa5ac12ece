/** The console's dashboard on both databases: its counts and per-China-day series match what the test did. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { testDatabases } from "../../testing/databases";
import { type Harness, startHarness } from "../../testing/harness";
import { consoleClient, type OperatorSession, userToken } from "./test-client";

const MINUTE = 60_000;

for (const database of testDatabases()) {
  describe(`console dashboard: ${database}`, () => {
    let h: Harness;
    const client = consoleClient(() => h);
    let root: OperatorSession;
    let alice: OperatorSession;
    let u3: number;

    before(async () => {
      // One live session per user: a user's older sessions are deleted at each login, and their logins must still count.
      h = await startHarness({ database, trustProxy: true, demoCatalogue: true, sessionPolicy: { maxLivePerUser: 1 } });
      await client.addOperator("root");
      await client.addOperator("alice", "shop-a");

      // The harness's clock starts at 2026-11-24 03:00 UTC: 11:00 in China.
      await userToken(h, "u1");
      await userToken(h, "u2");
      await userToken(h, "u1");
      await userToken(h, "u1");
      u3 = (await userToken(h, "u3", "shop-b")).uid;
      // 23:59 in China (15:59 UTC), then 00:01 on the 25th in China, still the 24th in UTC.
      h.clock.advance(12 * 60 * MINUTE + 59 * MINUTE);
      await userToken(h, "u4");
      h.clock.advance(2 * MINUTE);
      const u5 = await userToken(h, "u5");
      await userToken(h, "u1");
      for (const goodsId of [2, 8]) assert.equal((await h.post("/shop-a/shop/goods/fav/add", { token: u5.token, goodsId })).body.code, 0);
      // After the clock's jumps: a console session ends after 30 idle minutes.
      root = await client.login("root");
      alice = await client.login("alice");
    });
    after(() => h.close());

    const dashboard = async (query: string, as: OperatorSession) => {
      const answer = await client.get(`/admin/api/dashboard${query}`, as);
      assert.equal(answer.body.code, 0, answer.text);
      return answer.body.data;
    };

    test("one tenant: counts, and registrations and logins per China day (a day starts at midnight UTC+8)", async () => {
      assert.deepEqual(await dashboard("?tenant=shop-a&days=3", root), {
        users: 4,
        liveSessions: 4,
        goods: 10,
        favorites: 2,
        series: [
          { day: "2026-11-23", registrations: 0, logins: 0 },
          { day: "2026-11-24", registrations: 3, logins: 5 },
          { day: "2026-11-25", registrations: 1, logins: 2 },
        ],
      });
      const fortnight = await dashboard("?tenant=shop-a", alice);
      assert.equal(fortnight.series.length, 14, "14 days by default");
      assert.deepEqual(fortnight.series.at(-1), { day: "2026-11-25", registrations: 1, logins: 2 });
      assert.deepEqual(fortnight.series[0], { day: "2026-11-12", registrations: 0, logins: 0 });
    });

    test("without a tenant: every tenant in the operator's scope", async () => {
      const all = await dashboard("?days=2", root);
      assert.deepEqual(all, {
        users: 5,
        liveSessions: 5,
        goods: 10,
        favorites: 2,
        series: [
          { day: "2026-11-24", registrations: 4, logins: 6 },
          { day: "2026-11-25", registrations: 1, logins: 2 },
        ],
      });
      assert.deepEqual(await dashboard("?days=2", alice), await dashboard("?tenant=shop-a&days=2", root), "alice's scope is shop-a");
      assert.deepEqual((await dashboard("?tenant=shop-b&days=2", root)).series, [
        { day: "2026-11-24", registrations: 1, logins: 1 },
        { day: "2026-11-25", registrations: 0, logins: 0 },
      ]);
    });

    test("live sessions leave the count when revoked or expired", async () => {
      await h.storage.revokeUserSessions(u3, h.clock());
      assert.equal((await dashboard("", root)).liveSessions, 4);
      h.clock.advance(8 * 24 * 60 * MINUTE);
      root = await client.login("root");
      alice = await client.login("alice");
      assert.equal((await dashboard("", root)).liveSessions, 0, "7 days unused: expired");
    });

    test("another tenant is not found; bad days are a clear 400", async () => {
      for (const tenant of ["shop-b", "no-such-shop"]) {
        const answer = await client.get(`/admin/api/dashboard?tenant=${tenant}`, alice);
        assert.deepEqual([tenant, answer.status, answer.body.code], [tenant, 404, 700]);
      }
      for (const days of ["0", "367", "abc", "1.5"]) {
        const answer = await client.get(`/admin/api/dashboard?days=${days}`, root);
        assert.deepEqual([days, answer.status, answer.body.code], [days, 400, 300]);
      }
    });
  });
}
