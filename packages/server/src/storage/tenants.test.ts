/**
 * The operator's verbs (tenant add / show / remove, key check, re-sealing),
 * on SQLite and PostgreSQL alike.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createSecretBox } from "../secret-box";
import { freshPostgresSchema } from "../testing/postgres";
import { ResealError } from "../accounts/sealed";
import { openStorage } from "./open";
import { type Storage } from "./storage";
import { AppidTakenError } from "../accounts/tenant-admin";

const backends: Array<{ name: string; open(): Promise<{ url: string; cleanup(): Promise<void> }> }> = [
  {
    name: "sqlite",
    async open() {
      const dir = mkdtempSync(join(tmpdir(), "wegate-tenants-"));
      return { url: `sqlite:${join(dir, "test.db")}`, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: "postgres",
    async open() {
      const schema = await freshPostgresSchema();
      return { url: schema.url, cleanup: () => schema.drop() };
    },
  },
];

const now = 1_800_000_000_000;
const goodsRow = { categoryId: null, pics: [], price: 100, originalPrice: 100, stock: 5, content: "", options: [] };

/** A tenant with an app, two users (sessions, session_keys), goods, a favorite and a cart line. */
async function populate(storage: Storage, subDomain: string, appid: string) {
  const { tenant } = await storage.addTenantApp(subDomain, { appid, secretEnc: `sealed-${appid}` }, now);
  const category = await storage.ensureCategory(tenant.id, "茶", now);
  const goods = await storage.saveGoods(tenant.id, { ...goodsRow, categoryId: category.id, name: "龙井" }, now);
  await storage.saveGoods(tenant.id, { ...goodsRow, name: "普洱" }, now);
  const users = [];
  for (const openid of ["o-1", "o-2"]) {
    const { user } = await storage.createUserIfAbsent(tenant.id, { openid }, now);
    await storage.createSession({ userId: user.id, tenantId: tenant.id, tokenHash: `${subDomain}-${openid}`, createdAt: now, expiresAt: now + 1000, sessionKeyEnc: "sk" }, 10);
    await storage.addFavorite(tenant.id, user.id, goods.id, now);
    await storage.addToCart(tenant.id, user.id, { goodsId: goods.id, skuKey: "", number: 1, max: 10 }, now);
    users.push(user);
  }
  return { tenant, users, goodsId: goods.id };
}

for (const backend of backends) {
  describe(`tenant verbs: ${backend.name}`, () => {
    let storage: Storage;
    let cleanup: () => Promise<void>;

    before(async () => {
      const opened = await backend.open();
      cleanup = opened.cleanup;
      storage = openStorage(opened.url);
      await storage.migrate();
    });
    after(async () => {
      await storage.close();
      await cleanup();
    });

    test("addTenantApp creates the tenant and its app, adds a second app, re-keys one", async () => {
      const first = await storage.addTenantApp("add-a", { appid: "wx00000000000000a1", secretEnc: "s1" }, now);
      assert.deepEqual([first.tenantCreated, first.appAdded, first.tenant.subDomain], [true, true, "add-a"]);
      assert.equal(first.tenant.id, (await storage.findTenant("add-a"))!.id);
      const second = await storage.addTenantApp("add-a", { appid: "wx00000000000000a2", secretEnc: "s2" }, now);
      assert.deepEqual([second.tenantCreated, second.appAdded, second.tenant.id], [false, true, first.tenant.id]);
      const rekeyed = await storage.addTenantApp("add-a", { appid: "wx00000000000000a1", secretEnc: "s1b" }, now);
      assert.deepEqual([rekeyed.tenantCreated, rekeyed.appAdded], [false, false]);
      assert.deepEqual(await storage.listApps(first.tenant.id), [{ appid: "wx00000000000000a1", secretEnc: "s1b" }, { appid: "wx00000000000000a2", secretEnc: "s2" }]);
    });

    test("addTenantApp with another tenant's appid leaves nothing behind", async () => {
      await storage.addTenantApp("owner", { appid: "wx00000000000000b1", secretEnc: "mine" }, now);
      await assert.rejects(
        storage.addTenantApp("intruder", { appid: "wx00000000000000b1", secretEnc: "theirs" }, now),
        (error: unknown) => error instanceof AppidTakenError && /wx00000000000000b1 already belongs to another tenant, "owner"/.test(error.message),
      );
      assert.equal(await storage.findTenant("intruder"), undefined, "no half-made tenant");
      assert.deepEqual(await storage.listApps((await storage.findTenant("owner"))!.id), [{ appid: "wx00000000000000b1", secretEnc: "mine" }], "the owner's secret is untouched");
      // The same for saveApp (start-up's verb): one statement decides.
      const other = await storage.ensureTenant("other-b", now);
      await assert.rejects(storage.saveApp(other.id, { appid: "wx00000000000000b1", secretEnc: "x" }, now), AppidTakenError);
      assert.deepEqual(await storage.listApps((await storage.findTenant("owner"))!.id), [{ appid: "wx00000000000000b1", secretEnc: "mine" }]);
    });

    test("parallel adds of one appid to two tenants: exactly one owns it, the other is not created", async () => {
      const results = await Promise.allSettled([
        storage.addTenantApp("race-1", { appid: "wx00000000000000c1", secretEnc: "1" }, now),
        storage.addTenantApp("race-2", { appid: "wx00000000000000c1", secretEnc: "2" }, now),
      ]);
      assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
      const tenants = (await storage.listTenants()).filter((t) => t.subDomain.startsWith("race-"));
      assert.equal(tenants.length, 1);
      assert.deepEqual(tenants[0].appids, ["wx00000000000000c1"]);
    });

    test("describeTenant: appids, counts and creation time, no secrets", async () => {
      await populate(storage, "shown", "wx00000000000000d1");
      const summary = await storage.describeTenant("shown");
      assert.deepEqual(summary && { ...summary, id: 0 }, {
        id: 0,
        subDomain: "shown",
        createdAt: now,
        apps: [{ appid: "wx00000000000000d1", createdAt: now }],
        users: 2,
        goods: 2,
      });
      assert.ok(!JSON.stringify(summary).includes("sealed-"));
      assert.equal(await storage.describeTenant("nobody"), undefined);
    });

    test("removeTenant removes the tenant and everything it owns, and nothing of another tenant", async () => {
      const gone = await populate(storage, "gone", "wx00000000000000e1");
      const kept = await populate(storage, "kept", "wx00000000000000e2");
      const removed = await storage.removeTenant("gone");
      assert.deepEqual(removed, { apps: 1, users: 2, sessions: 2, goods: 2, categories: 1, favorites: 2, cartItems: 2 });
      assert.equal(await storage.findTenant("gone"), undefined);
      assert.equal(await storage.findUserById(gone.tenant.id, gone.users[0].id), undefined);
      assert.equal(await storage.findSessionByTokenHash("gone-o-1"), undefined);
      assert.equal(await storage.findSessionKey(gone.users[0].id), undefined);
      assert.equal(await storage.findGoods(gone.tenant.id, gone.goodsId), undefined);
      assert.equal(await storage.removeTenant("gone"), undefined, "removing twice finds nothing");
      // The appid is free again.
      assert.equal((await storage.addTenantApp("gone-again", { appid: "wx00000000000000e1", secretEnc: "x" }, now)).appAdded, true);

      const summary = await storage.describeTenant("kept");
      assert.deepEqual([summary?.users, summary?.goods, summary?.apps.length], [2, 2, 1]);
      assert.ok(await storage.findSessionByTokenHash("kept-o-1"));
      assert.equal(await storage.findSessionKey(kept.users[0].id), "sk");
      assert.equal((await storage.cartLines(kept.users[0].id)).length, 1);
      assert.equal(await storage.isFavorite(kept.users[0].id, kept.goodsId), true);
    });

    test("meta: put if absent keeps the first value", async () => {
      assert.equal(await storage.getMeta("m"), undefined);
      assert.equal(await storage.putMetaIfAbsent("m", "first"), "first");
      assert.equal(await storage.putMetaIfAbsent("m", "second"), "first");
      assert.equal(await storage.getMeta("m"), "first");
    });

    describe("re-sealing (own database)", () => {
      let db: Storage;
      let dbCleanup: () => Promise<void>;
      const oldKey = randomBytes(32);
      const newKey = randomBytes(32);
      const oldBox = createSecretBox(oldKey);
      const rotating = createSecretBox(newKey, oldKey);
      const newBox = createSecretBox(newKey);

      before(async () => {
        const opened = await backend.open();
        dbCleanup = opened.cleanup;
        db = openStorage(opened.url);
        await db.migrate();
      });
      after(async () => {
        await db.close();
        await dbCleanup();
      });

      test("resealAll moves every sealed value to the new key in one go, and again does nothing", async () => {
        const { tenant } = await db.addTenantApp("r", { appid: "wx00000000000000f1", secretEnc: oldBox.seal("secret-1") }, now);
        await db.addTenantApp("r", { appid: "wx00000000000000f2", secretEnc: newBox.seal("secret-2") }, now);
        const userIds: number[] = [];
        for (const openid of ["a", "b", "c"]) {
          const { user } = await db.createUserIfAbsent(tenant.id, { openid }, now);
          await db.saveSessionKey(user.id, oldBox.seal(`sk-${openid}`), now);
          userIds.push(user.id);
        }
        await db.putMetaIfAbsent("key_check", oldBox.seal("check"));
        const samples = await db.sealedSamples();
        assert.deepEqual(samples.map((s) => s.place), [
          { kind: "app secret", appid: "wx00000000000000f1" },
          { kind: "app secret", appid: "wx00000000000000f2" },
          { kind: "session_key", userId: userIds[0] },
          { kind: "session_key", userId: userIds[2] },
        ]);

        // A value neither key opens: nothing at all is changed.
        const strangerUser = (await db.createUserIfAbsent(tenant.id, { openid: "z" }, now)).user;
        await db.saveSessionKey(strangerUser.id, createSecretBox(randomBytes(32)).seal("sk-z"), now);
        const before = await db.findSessionKey(userIds[0]);
        await assert.rejects(db.resealAll(rotating.reseal), (error: unknown) => error instanceof ResealError && /session_key of user/.test(error.message));
        assert.equal(await db.findSessionKey(userIds[0]), before, "rolled back: still under the old key");
        await db.saveSessionKey(strangerUser.id, oldBox.seal("sk-z"), now);

        assert.deepEqual(await db.resealAll(rotating.reseal), { appSecrets: 1, sessionKeys: 4, meta: 1, totpSecrets: 0, unchanged: 1 });
        const [app1, app2] = await db.listApps(tenant.id);
        assert.equal(newBox.open(app1.secretEnc), "secret-1");
        assert.equal(newBox.open(app2.secretEnc), "secret-2");
        for (const [i, id] of userIds.entries()) assert.equal(newBox.open((await db.findSessionKey(id))!), `sk-${"abc"[i]}`);
        assert.equal(newBox.open((await db.getMeta("key_check"))!), "check");

        assert.deepEqual(await db.resealAll(rotating.reseal), { appSecrets: 0, sessionKeys: 0, meta: 0, totpSecrets: 0, unchanged: 7 }, "idempotent");
        assert.deepEqual(await db.resealAll(newBox.reseal), { appSecrets: 0, sessionKeys: 0, meta: 0, totpSecrets: 0, unchanged: 7 }, "the new key alone opens all");
      });
    });
  });
}
