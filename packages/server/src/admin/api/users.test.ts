/** The console's users API on both databases: search, detail, one session's revoke, disable and enable. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { testDatabases } from "../../testing/databases";
import { type Harness, startHarness } from "../../testing/harness";
import { consoleClient, type OperatorSession, tokenCode, userToken } from "./test-client";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

for (const database of testDatabases()) {
  describe(`console users: ${database}`, () => {
    let h: Harness;
    const client = consoleClient(() => h);
    let root: OperatorSession;
    let alice: OperatorSession;
    let shopA: number;

    /** Waits (at most 5 s) until another instance hears of a revoke through Redis; the harness's SQLite instances share one storage. */
    async function onReplica(url: string, token: string, expected: number) {
      const deadline = Date.now() + 5000;
      while ((await tokenCode(h, token, "shop-a", url)) !== expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      return tokenCode(h, token, "shop-a", url);
    }

    before(async () => {
      h = await startHarness({ database, redisUrl: REDIS_URL, trustProxy: true, demoCatalogue: true });
      await client.addOperator("root");
      await client.addOperator("alice", "shop-a");
      root = await client.login("root");
      alice = await client.login("alice");
      shopA = (await h.storage.findTenant("shop-a"))!.id;
    });
    after(() => h.close());

    test("search matches uid and openid exactly, nick (any case, any script) and mobile as contained; pages with the total", async () => {
      const zoe = await userToken(h, "search-zoe");
      const li = await userToken(h, "search-li");
      const other = await userToken(h, "search-other");
      await h.storage.updateUser(zoe.uid, { nick: "ZOË Wang", mobile: "13800138000" }, h.clock());
      await h.storage.updateUser(li.uid, { nick: "小李 zoe", mobile: "13912345678" }, h.clock());
      await h.storage.updateUser(other.uid, { nick: "100% real_name", mobile: "" }, h.clock());
      const uids = async (q: string) => {
        const answer = await client.get(`/admin/api/users?tenant=shop-a&q=${encodeURIComponent(q)}`, alice);
        assert.equal(answer.body.code, 0, answer.text);
        return answer.body.data.items.map((u: { uid: number }) => u.uid);
      };
      assert.deepEqual(await uids(String(li.uid)), [li.uid], "uid, exactly");
      assert.deepEqual(await uids(zoe.openid), [zoe.uid], "openid, exactly");
      assert.deepEqual(await uids(zoe.openid.slice(0, -1)), [], "an openid is not searched by part");
      assert.deepEqual(await uids("zoë"), [zoe.uid], "nick, folded as JavaScript folds (É on SQLite too)");
      assert.deepEqual(await uids("WANG"), [zoe.uid]);
      assert.deepEqual(await uids("小李"), [li.uid]);
      assert.deepEqual(await uids("0138"), [zoe.uid], "mobile, contained");
      assert.deepEqual(await uids("%"), [other.uid], "LIKE's wildcards are plain text");
      assert.deepEqual(await uids("_"), [other.uid]);

      const all = await client.get("/admin/api/users?tenant=shop-a&pageSize=2", alice);
      const total = await h.storage.searchUsers(shopA, { offset: 0, limit: 1000 });
      assert.equal(all.body.data.total, total.items.length);
      assert.deepEqual(all.body.data.items.map((u: { uid: number }) => u.uid), [other.uid, li.uid], "newest first");
      const second = await client.get("/admin/api/users?tenant=shop-a&pageSize=2&page=2", alice);
      assert.deepEqual(second.body.data.items.map((u: { uid: number }) => u.uid), [zoe.uid]);
      assert.deepEqual(all.body.data.items[1], {
        uid: li.uid,
        nick: "小李 zoe",
        avatarUrl: "",
        mobile: "13912345678",
        openid: li.openid,
        createdAt: h.clock(),
        disabled: false,
        lastLoginAt: h.clock(),
      });
    });

    test("bad paging or a missing tenant is a clear 400, never a 500", async () => {
      for (const query of ["tenant=shop-a&page=0", "tenant=shop-a&pageSize=1000", "tenant=shop-a&page=abc", "q=x", `tenant=shop-a&q=${"x".repeat(200)}`]) {
        const answer = await client.get(`/admin/api/users?${query}`, root);
        assert.deepEqual([query, answer.status, answer.body.code], [query, 400, 300]);
      }
      const answer = await client.get("/admin/api/users/abc?tenant=shop-a", root);
      assert.deepEqual([answer.status, answer.body.code], [400, 300]);
    });

    test("detail: profile, referrer, favorites, cart and live sessions, and never a token or session_key", async () => {
      const referrer = await userToken(h, "detail-referrer");
      await h.storage.updateUser(referrer.uid, { nick: "Referrer" }, h.clock());
      const first = await userToken(h, "detail-user", "shop-a", { referrer: referrer.uid });
      h.clock.advance(1000);
      const second = await userToken(h, "detail-user");
      const revoked = await userToken(h, "detail-user");
      await h.get("/shop-a/user/loginout", { token: revoked.token });
      await h.storage.updateUser(first.uid, { nick: "Detail", city: "Hangzhou", gender: 2 }, h.clock());
      assert.equal((await h.post("/shop-a/shop/goods/fav/add", { token: first.token, goodsId: 2 })).body.code, 0);
      assert.equal((await h.post("/shop-a/shopping-cart/add", { token: first.token, goodsId: 2, number: 3 })).body.code, 0);

      const answer = await client.get(`/admin/api/users/${first.uid}?tenant=shop-a`, root);
      assert.equal(answer.body.code, 0, answer.text);
      const { user, favorites, cart, sessions } = answer.body.data;
      assert.deepEqual([user.uid, user.nick, user.city, user.gender, user.referrer, user.disabled], [first.uid, "Detail", "Hangzhou", 2, { uid: referrer.uid, nick: "Referrer" }, false]);
      assert.equal(user.lastLoginAt, h.clock());
      assert.deepEqual(favorites, [{ goodsId: 2, goodsName: "20000mAh 快充移动电源", pic: "https://picsum.photos/seed/wegate-2/750/750", createdAt: h.clock() }]);
      assert.deepEqual(cart, [{ goodsId: 2, goodsName: "20000mAh 快充移动电源", number: 3, price: 12900, skuKey: "" }]);
      const live = await h.storage.liveSessions(first.uid, h.clock());
      assert.equal(live.length, 2, "the logged-out session is not live");
      assert.deepEqual(sessions, live);
      assert.deepEqual(Object.keys(sessions[0]).sort(), ["createdAt", "expiresAt", "id"]);
      for (const secret of [first.token, second.token, revoked.token, "token", "sessionKey", "session_key"]) assert.ok(!answer.text.includes(secret), `no ${secret} in the answer`);

      const missing = await client.get("/admin/api/users/999999?tenant=shop-a", root);
      assert.deepEqual([missing.status, missing.body.code], [404, 700]);
    });

    test("revoke one session: its token answers 2000 at once (also on another instance), the user's other session lives on", async () => {
      const kept = await userToken(h, "one-session");
      const ended = await userToken(h, "one-session");
      const replica = await h.startReplica();
      for (const token of [kept.token, ended.token]) assert.deepEqual([await tokenCode(h, token), await tokenCode(h, token, "shop-a", replica.url)], [0, 0]);
      const [newest] = await h.storage.liveSessions(ended.uid, h.clock());
      const answer = await client.post(`/admin/api/users/${ended.uid}/sessions/${newest.id}/revoke`, { tenant: "shop-a" }, alice);
      assert.deepEqual(answer.body, { code: 0, msg: "success" });
      assert.deepEqual([await tokenCode(h, ended.token), await tokenCode(h, kept.token)], [2000, 0]);
      assert.equal(await onReplica(replica.url, ended.token, 2000), 2000);
      assert.equal(await tokenCode(h, kept.token, "shop-a", replica.url), 0);

      // No longer live, or not this user's: not found, and nothing else ends.
      const again = await client.post(`/admin/api/users/${ended.uid}/sessions/${newest.id}/revoke`, { tenant: "shop-a" }, alice);
      assert.deepEqual([again.status, again.body.code], [404, 700]);
      const someoneElse = await userToken(h, "one-session-bystander");
      const [theirs] = await h.storage.liveSessions(someoneElse.uid, h.clock());
      const wrongUser = await client.post(`/admin/api/users/${ended.uid}/sessions/${theirs.id}/revoke`, { tenant: "shop-a" }, alice);
      assert.deepEqual([wrongUser.status, wrongUser.body.code], [404, 700]);
      assert.equal(await tokenCode(h, someoneElse.token), 0);
    });

    test("disable ends every session at once (also on another instance) and refuses login and authorize (30012); enable lets them in again", async () => {
      const phone = "disabled-user";
      const first = await userToken(h, phone);
      const second = await userToken(h, phone);
      const replica = await h.startReplica();
      assert.deepEqual([await tokenCode(h, first.token, "shop-a", replica.url), await tokenCode(h, second.token, "shop-a", replica.url)], [0, 0]);

      const answer = await client.post(`/admin/api/users/${first.uid}/disable`, { tenant: "shop-a" }, alice);
      assert.deepEqual(answer.body, { code: 0, msg: "success" });
      assert.deepEqual([await tokenCode(h, first.token), await tokenCode(h, second.token)], [2000, 2000]);
      assert.deepEqual([await onReplica(replica.url, first.token, 2000), await onReplica(replica.url, second.token, 2000)], [2000, 2000]);

      const refusedLogin = await h.post("/shop-a/user/wxapp/login", { code: h.code(phone) });
      assert.deepEqual([refusedLogin.status, refusedLogin.body], [403, { code: 30012, msg: "该账号已被停用，请联系商家" }]);
      const refusedAuthorize = await h.post("/shop-a/user/wxapp/authorize", { code: h.code(phone) }, { headers: { "accept-language": "en" } });
      assert.deepEqual([refusedAuthorize.status, refusedAuthorize.body], [403, { code: 30012, msg: "This account was disabled by the shop" }]);
      assert.equal((await h.storage.liveSessions(first.uid, h.clock())).length, 0, "no session was made");
      const row = await client.get(`/admin/api/users?tenant=shop-a&q=${first.uid}`, alice);
      assert.equal(row.body.data.items[0].disabled, true);
      // Disabling again is no error (and ends any session made meanwhile).
      assert.equal((await client.post(`/admin/api/users/${first.uid}/disable`, { tenant: "shop-a" }, alice)).body.code, 0);

      assert.deepEqual((await client.post(`/admin/api/users/${first.uid}/enable`, { tenant: "shop-a" }, alice)).body, { code: 0, msg: "success" });
      const login = await h.post("/shop-a/user/wxapp/login", { code: h.code(phone) });
      assert.equal(login.body.code, 0, login.text);
      assert.equal(await tokenCode(h, login.body.data.token), 0);
      assert.equal((await h.post("/shop-a/user/wxapp/authorize", { code: h.code(phone) })).body.code, 0);
      assert.equal((await client.get(`/admin/api/users/${first.uid}?tenant=shop-a`, alice)).body.data.user.disabled, false);
      assert.equal(await tokenCode(h, first.token), 2000, "enabling brings no ended session back");
    });

    test("another tenant's users are not found by a tenant's operator; nothing changes", async () => {
      const victim = await userToken(h, "tenant-b-victim", "shop-b");
      const [session] = await h.storage.liveSessions(victim.uid, h.clock());
      const attempts = [
        client.get("/admin/api/users?tenant=shop-b", alice),
        client.get(`/admin/api/users/${victim.uid}?tenant=shop-b`, alice),
        client.get(`/admin/api/users/${victim.uid}?tenant=shop-a`, alice),
        client.post(`/admin/api/users/${victim.uid}/disable`, { tenant: "shop-b" }, alice),
        client.post(`/admin/api/users/${victim.uid}/disable`, { tenant: "shop-a" }, alice),
        client.post(`/admin/api/users/${victim.uid}/enable`, { tenant: "shop-b" }, alice),
        client.post(`/admin/api/users/${victim.uid}/sessions/${session.id}/revoke`, { tenant: "shop-b" }, alice),
        client.post(`/admin/api/users/${victim.uid}/sessions/${session.id}/revoke`, { tenant: "shop-a" }, alice),
      ];
      for (const answer of await Promise.all(attempts)) assert.deepEqual([answer.status, answer.body.code], [404, 700]);
      assert.equal(await tokenCode(h, victim.token, "shop-b"), 0);
      assert.equal((await h.post("/shop-b/user/wxapp/login", { code: h.code("tenant-b-victim", h.tenants.b) })).body.code, 0);
      assert.equal((await client.get(`/admin/api/users/${victim.uid}?tenant=shop-b`, root)).body.code, 0, "root sees it");
    });

    test("writes without the CSRF token are refused and change nothing; every write is in the audit log", async () => {
      const user = await userToken(h, "csrf-target");
      const [session] = await h.storage.liveSessions(user.uid, h.clock());
      for (const path of [`/admin/api/users/${user.uid}/disable`, `/admin/api/users/${user.uid}/enable`, `/admin/api/users/${user.uid}/sessions/${session.id}/revoke`]) {
        const answer = await client.post(path, { tenant: "shop-a" }, alice, null);
        assert.deepEqual([path, answer.status, answer.body.code], [path, 403, 60004]);
      }
      assert.equal(await tokenCode(h, user.token), 0);
      assert.equal((await h.storage.findUserById(shopA, user.uid))!.disabledAt, null);

      await client.post(`/admin/api/users/${user.uid}/sessions/${session.id}/revoke`, { tenant: "shop-a" }, alice);
      await client.post(`/admin/api/users/${user.uid}/disable`, { tenant: "shop-a" }, alice);
      await client.post(`/admin/api/users/${user.uid}/enable`, { tenant: "shop-a" }, alice);
      const entries = (await client.get("/admin/api/audit?limit=3", alice)).body.data as Array<Record<string, unknown>>;
      assert.deepEqual(
        entries.reverse().map((e) => [e.username, e.tenant, e.action, e.target, e.detail]),
        [
          ["alice", "shop-a", "revoke-session", `shop-a/user/${user.uid}`, { sessionId: session.id }],
          ["alice", "shop-a", "disable-user", `shop-a/user/${user.uid}`, { revoked: 0 }],
          ["alice", "shop-a", "enable-user", `shop-a/user/${user.uid}`, {}],
        ],
      );
    });
  });
}
