/**
 * One conformance suite, every backend: the same storage tests run against
 * SQLite (a temp file) and PostgreSQL (a fresh schema in the local server).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { chinaDay } from "../accounts/china-day";
import { freshDatabase } from "../testing/fresh-database";
import { connect } from "./connect";
import { createMigrator, migrateToLatest } from "./migrations";
import { openStorage } from "./open";
import { createStorage, type Storage } from "./storage";

const tempSqlite = () => freshDatabase("sqlite", "storage");

/** `cache`: opened as `wegate serve` opens SQLite, behind the session and shop caches. */
const backends: Array<{ name: string; cache?: boolean; open(): Promise<{ url: string; cleanup(): Promise<void> }> }> = [
  { name: "sqlite", open: tempSqlite },
  { name: "sqlite, cached", cache: true, open: tempSqlite },
  { name: "postgres", open: () => freshDatabase("postgres") },
];

for (const backend of backends) {
  describe(`storage conformance: ${backend.name}`, () => {
    let storage: Storage;
    let cleanup: () => Promise<void>;
    let tenantId: number;
    const now = 1_800_000_000_000;

    before(async () => {
      const opened = await backend.open();
      cleanup = opened.cleanup;
      storage = openStorage(opened.url, { cache: backend.cache });
      // Later migrations follow these; each test names what it relies on.
      assert.deepEqual((await storage.migrate()).slice(0, 3), ["0001_login_core", "0002_shop", "0003_sessions_of_user_covering"]);
      assert.deepEqual(await storage.migrate(), [], "migrating twice is a no-op");
      tenantId = (await storage.ensureTenant("conformance", now)).id;
    });
    after(async () => {
      await storage.close();
      await cleanup();
    });

    test("tenants and apps", async () => {
      assert.equal((await storage.ensureTenant("conformance", now)).id, tenantId, "ensureTenant is idempotent");
      assert.equal(await storage.findTenant("missing"), undefined);
      await storage.saveApp(tenantId, { appid: "wx-conf", secretEnc: "sealed-1" }, now);
      await storage.saveApp(tenantId, { appid: "wx-conf", secretEnc: "sealed-2" }, now);
      assert.deepEqual(await storage.listApps(tenantId), [{ appid: "wx-conf", secretEnc: "sealed-2" }]);
      const other = await storage.ensureTenant("other", now);
      await assert.rejects(storage.saveApp(other.id, { appid: "wx-conf", secretEnc: "x" }, now), /another tenant/);
      const listed = await storage.listTenants();
      assert.deepEqual(listed.find((t) => t.subDomain === "conformance")?.appids, ["wx-conf"]);
    });

    test("createUserIfAbsent is atomic: 30 parallel calls, one user", async () => {
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) => storage.createUserIfAbsent(tenantId, { openid: "o-race", nick: `n${i}` }, now)),
      );
      assert.equal(results.filter((r) => r.created).length, 1);
      assert.equal(new Set(results.map((r) => r.user.id)).size, 1);
      const user = results[0].user;
      assert.equal(user.tenantId, tenantId);
      assert.equal(user.createdAt, now);
      assert.deepEqual(user.ext, {});
    });

    test("users looked up together (one query on PostgreSQL) each get their own: same openid in two tenants, one missing", async () => {
      const other = (await storage.ensureTenant("conformance-other", now)).id;
      const mine = (await storage.createUserIfAbsent(tenantId, { openid: "o-shared", nick: "mine" }, now)).user;
      const theirs = (await storage.createUserIfAbsent(other, { openid: "o-shared", nick: "theirs" }, now)).user;
      const found = await Promise.all([
        storage.findUserByOpenid(tenantId, "o-shared"),
        storage.findUserByOpenid(other, "o-shared"),
        storage.findUserByOpenid(other, "o-nobody"),
        storage.findUserByOpenid(tenantId, "o-shared"),
      ]);
      assert.deepEqual(found.map((u) => u?.id), [mine.id, theirs.id, undefined, mine.id]);
      assert.deepEqual(found.map((u) => u?.nick), ["mine", "theirs", undefined, "mine"]);
    });

    test("users are per tenant; profile updates and ext round-trip", async () => {
      const other = await storage.ensureTenant("other", now);
      const a = await storage.createUserIfAbsent(tenantId, { openid: "o-same", referrerId: undefined }, now);
      const b = await storage.createUserIfAbsent(other.id, { openid: "o-same" }, now);
      assert.notEqual(a.user.id, b.user.id);
      assert.equal(await storage.findUserById(other.id, a.user.id), undefined);
      await storage.updateUser(a.user.id, { nick: "昵称", gender: 2, ext: { k: "v" } }, now + 1);
      const updated = await storage.findUserByOpenid(tenantId, "o-same");
      assert.equal(updated?.nick, "昵称");
      assert.equal(updated?.gender, 2);
      assert.deepEqual(updated?.ext, { k: "v" });
      assert.equal(updated?.city, "", "untouched fields stay");
    });

    test("session keys: the newest wins", async () => {
      const { user } = await storage.createUserIfAbsent(tenantId, { openid: "o-keys" }, now);
      assert.equal(await storage.findSessionKey(user.id), undefined);
      await storage.saveSessionKey(user.id, "k1", now);
      await storage.saveSessionKey(user.id, "k2", now + 1);
      assert.equal(await storage.findSessionKey(user.id), "k2");
    });

    test("a login's session_key is saved with its session, or not at all", async () => {
      const { user } = await storage.createUserIfAbsent(tenantId, { openid: "o-login-key" }, now);
      const base = { userId: user.id, tenantId, createdAt: now, expiresAt: now + 1000 };
      await storage.createSession({ ...base, tokenHash: "lk1", sessionKeyEnc: "sealed-1" }, 3);
      assert.equal(await storage.findSessionKey(user.id), "sealed-1");
      await storage.createSession({ ...base, tokenHash: "lk2" }, 3);
      assert.equal(await storage.findSessionKey(user.id), "sealed-1", "a session without a key leaves the key alone");
      await assert.rejects(storage.createSession({ ...base, tokenHash: "lk1", sessionKeyEnc: "sealed-2" }, 3));
      assert.equal(await storage.findSessionKey(user.id), "sealed-1", "the failed login's key was rolled back with it");
    });

    test("logins are counted per China day: 40 parallel ones, 40 (one row that every login of the tenant shares)", async () => {
      const { user } = await storage.createUserIfAbsent(tenantId, { openid: "o-login-count" }, now);
      const day = chinaDay(now);
      const before = (await storage.dailyActivity([tenantId], day, day)).logins.get(day) ?? 0;
      await Promise.all(Array.from({ length: 40 }, (_, i) => storage.createSession({ userId: user.id, tenantId, createdAt: now, expiresAt: now + 1000, tokenHash: `count-${i}` }, 50)));
      assert.equal((await storage.dailyActivity([tenantId], day, day)).logins.get(day), before + 40);
    });

    test("sessions: create, find, renew, revoke, keep the newest N", async () => {
      const { user } = await storage.createUserIfAbsent(tenantId, { openid: "o-sessions" }, now);
      const base = { userId: user.id, tenantId, createdAt: now, expiresAt: now + 1000 };
      const created = await storage.createSession({ ...base, tokenHash: "h1" }, 3);
      assert.deepEqual(await storage.findSessionByTokenHash("h1"), created);
      assert.equal(created.revokedAt, null);
      assert.equal(created.lastRenewedAt, now);
      await storage.renewSession(created.id, now + 5000, now + 10);
      const renewed = await storage.findSessionByTokenHash("h1");
      assert.equal(renewed?.expiresAt, now + 5000);
      assert.equal(renewed?.lastRenewedAt, now + 10);
      for (const hash of ["h2", "h3", "h4"]) await storage.createSession({ ...base, tokenHash: hash }, 3);
      assert.equal(await storage.findSessionByTokenHash("h1"), undefined, "the oldest beyond 3 is gone");
      assert.ok(await storage.findSessionByTokenHash("h2"));
      await storage.revokeSession((await storage.findSessionByTokenHash("h4"))!.id, now + 20);
      assert.equal((await storage.findSessionByTokenHash("h4"))?.revokedAt, now + 20);
      await storage.renewSession((await storage.findSessionByTokenHash("h4"))!.id, now + 99_999, now + 30);
      assert.equal((await storage.findSessionByTokenHash("h4"))?.expiresAt, now + 1000, "a revoked session is not renewed");
      await assert.rejects(storage.createSession({ ...base, tokenHash: "h2" }, 3), "token hashes are unique");
    });

    test("goods: save updates by name, nameLike is case-insensitive and takes % and _ literally", async () => {
      const category = await storage.ensureCategory(tenantId, "数码", now);
      assert.equal((await storage.ensureCategory(tenantId, "数码", now)).id, category.id);
      const base = { categoryId: category.id, pics: ["https://p/1.jpg"], price: 100, originalPrice: 100, stock: 3, content: "", options: [] };
      const first = await storage.saveGoods(tenantId, { ...base, name: "USB Cable 100%" }, now);
      assert.equal(first.created, true);
      const again = await storage.saveGoods(tenantId, { ...base, name: "USB Cable 100%", price: 250 }, now + 1);
      assert.deepEqual(again, { id: first.id, created: false });
      assert.equal((await storage.findGoods(tenantId, first.id))?.price, 250);
      await storage.saveGoods(tenantId, { ...base, name: "usb_hub" }, now);
      await storage.saveGoods(tenantId, { ...base, name: "Charger" }, now);
      const names = async (nameLike: string) =>
        (await storage.listGoods(tenantId, { offset: 0, limit: 10, nameLike })).map((g) => g.name);
      assert.deepEqual(await names("usb"), ["USB Cable 100%", "usb_hub"]);
      assert.deepEqual(await names("0%"), ["USB Cable 100%"]);
      assert.deepEqual(await names("b_h"), ["usb_hub"]);
      assert.deepEqual(await names("b%h"), []);
      // Case folding beyond ASCII, the same on every database.
      await storage.saveGoods(tenantId, { ...base, name: "ÉTÉ Straw Hat" }, now);
      await storage.saveGoods(tenantId, { ...base, name: "Ｔシャツ" }, now);
      assert.deepEqual(await names("été"), ["ÉTÉ Straw Hat"]);
      assert.deepEqual(await names("ｔシ"), ["Ｔシャツ"]);
      assert.equal(await storage.countGoods(tenantId), 5);
      assert.deepEqual((await storage.listGoods(tenantId, { offset: 1, limit: 1 })).length, 1);
    });

    test("cart: the upsert adds to one line and never passes max", async () => {
      const { user } = await storage.createUserIfAbsent(tenantId, { openid: "o-cart" }, now);
      const { id: goodsId } = await storage.saveGoods(
        tenantId,
        { categoryId: null, name: "cart goods", pics: [], price: 100, originalPrice: 100, stock: 10, content: "", options: [] },
        now,
      );
      const line = { goodsId, skuKey: "", number: 4, max: 10 };
      const first = await storage.addToCart(tenantId, user.id, line, now);
      assert.ok(first);
      assert.equal(first.number, 4);
      assert.deepEqual(await storage.addToCart(tenantId, user.id, line, now), { id: first.id, number: 8 });
      assert.equal(await storage.addToCart(tenantId, user.id, line, now), undefined, "12 > 10");
      const other = await storage.addToCart(tenantId, user.id, { ...line, skuKey: "1:2" }, now);
      assert.ok(other && other.id !== first.id && other.number === 4);
      const lines = await storage.cartLines(user.id);
      assert.deepEqual(lines.map((l) => [l.skuKey, l.number, l.selected]), [["", 8, true], ["1:2", 4, true]]);
      assert.equal(await storage.removeCartLines(user.id, [lines[0].id, 999_999]), false);
      assert.equal((await storage.cartLines(user.id)).length, 2, "all or nothing");
      assert.equal(await storage.selectCartLines(user.id, [lines[1].id], false, now), true);
      assert.equal((await storage.cartLines(user.id))[1].selected, false);
      await storage.emptyCart(user.id);
      assert.deepEqual(await storage.cartLines(user.id), []);
    });

    test("cart: another user's real line key is refused by select and remove, and ignored by setCartNumber", async () => {
      const { user: owner } = await storage.createUserIfAbsent(tenantId, { openid: "o-cart-owner" }, now);
      const { user: intruder } = await storage.createUserIfAbsent(tenantId, { openid: "o-cart-intruder" }, now);
      const { id: goodsId } = await storage.saveGoods(
        tenantId,
        { categoryId: null, name: "owned goods", pics: [], price: 100, originalPrice: 100, stock: 10, content: "", options: [] },
        now,
      );
      const line = { goodsId, skuKey: "", number: 2, max: 10 };
      const owned = (await storage.addToCart(tenantId, owner.id, line, now))!;
      const own = (await storage.addToCart(tenantId, intruder.id, line, now))!;
      // The owner's cart is not read before the attempts, so a cache cannot hide a change to it.
      assert.equal(await storage.selectCartLines(intruder.id, [owned.id], false, now), false);
      assert.equal(await storage.selectCartLines(intruder.id, [own.id, owned.id], false, now), false);
      assert.equal(await storage.removeCartLines(intruder.id, [owned.id]), false);
      assert.equal(await storage.removeCartLines(intruder.id, [own.id, owned.id]), false);
      await storage.setCartNumber(intruder.id, owned.id, 9, now);
      assert.deepEqual(
        (await storage.cartLines(owner.id)).map((l) => [l.id, l.number, l.selected]),
        [[owned.id, 2, true]],
        "the owner's cart is unchanged",
      );
      assert.deepEqual(
        (await storage.cartLines(intruder.id)).map((l) => [l.id, l.number, l.selected]),
        [[own.id, 2, true]],
        "all or nothing: the intruder's own line was not changed either",
      );
    });

    test("ping answers", async () => {
      await storage.ping();
    });

    test("an upgrade from 0002 keeps the sessions, and the cap still ends the oldest", async () => {
      const opened = await backend.open();
      const connection = connect(opened.url);
      const { db, dialect } = connection;
      try {
        const { error } = await (await createMigrator(db, dialect)).migrateTo("0002_shop");
        assert.ifError(error);
        const older = createStorage(connection);
        const tenant = await older.ensureTenant("upgrade", now);
        const { user } = await older.createUserIfAbsent(tenant.id, { openid: "o-upgrade" }, now);
        const base = { userId: user.id, tenantId: tenant.id, createdAt: now, expiresAt: now + 1000 };
        // Written as the rows of that version (today's createSession also counts the login in a later table).
        for (const hash of ["u1", "u2", "u3"]) {
          await db.insertInto("sessions").values({ user_id: user.id, tenant_id: tenant.id, token_hash: hash, created_at: now, expires_at: now + 1000, last_renewed_at: now, revoked_at: null }).execute();
        }

        assert.deepEqual((await migrateToLatest(db, dialect)).slice(0, 1), ["0003_sessions_of_user_covering"]);
        const upgraded = createStorage(connection);
        assert.ok(await upgraded.findSessionByTokenHash("u1"), "sessions survive the upgrade");
        await upgraded.createSession({ ...base, tokenHash: "u4" }, 3);
        assert.equal(await upgraded.findSessionByTokenHash("u1"), undefined, "the oldest beyond 3 is gone");
        for (const hash of ["u2", "u3", "u4"]) assert.ok(await upgraded.findSessionByTokenHash(hash), hash);
      } finally {
        await db.destroy();
        await opened.cleanup();
      }
    });
  });
}
