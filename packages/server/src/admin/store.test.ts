/** The admin store's conformance suite: the same tests on SQLite and PostgreSQL. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { connect } from "../storage/connect";
import { openStorage } from "../storage/open";
import type { Storage } from "../storage/storage";
import { testDatabases } from "../testing/databases";
import { freshDatabase } from "../testing/fresh-database";
import { ADMIN_LOCKOUT } from "./policy";
import { type AdminStore, createAdminStore, OperatorTakenError } from "./store";

const now = 1_800_000_000_000;

for (const database of testDatabases()) {
  describe(`admin store: ${database}`, () => {
    let storage: Storage;
    let store: AdminStore;
    let cleanup: () => Promise<void>;
    let tenantA: number;
    let tenantB: number;

    before(async () => {
      const { url, cleanup: drop } = await freshDatabase(database, "admin-store");
      cleanup = drop;
      const connection = connect(url);
      storage = openStorage(url, { connection });
      store = createAdminStore(connection.db);
      await storage.migrate();
      tenantA = (await storage.ensureTenant("tenant-a", now)).id;
      tenantB = (await storage.ensureTenant("tenant-b", now)).id;
    });
    after(async () => {
      await storage.close();
      await cleanup();
    });

    test("operators: added once per name, found with their tenant, listed, removed", async () => {
      const root = await store.addOperator({ username: "root", passwordHash: "h1", tenantId: null }, now);
      assert.deepEqual({ ...root, id: 0 }, { id: 0, username: "root", passwordHash: "h1", tenantId: null, tenant: null, createdAt: now, failedLogins: 0, lockedUntil: null, disabled: false, totpSecretEnc: null });
      await store.addOperator({ username: "alice", passwordHash: "h2", tenantId: tenantA }, now);
      await assert.rejects(store.addOperator({ username: "alice", passwordHash: "h3", tenantId: null }, now), OperatorTakenError);
      assert.equal((await store.findOperator("alice"))?.tenant, "tenant-a");
      assert.equal((await store.findOperator("alice"))?.passwordHash, "h2");
      assert.equal(await store.findOperator("nobody"), undefined);
      assert.deepEqual((await store.listOperators()).map((o) => o.username), ["alice", "root"]);
      assert.equal(await store.removeOperator("alice"), true);
      assert.equal(await store.removeOperator("alice"), false);
      assert.equal(await store.findOperator("alice"), undefined);
    });

    test("failed logins: the fifth locks for the lock time and starts the count again; parallel failures all count", async () => {
      const bob = await store.addOperator({ username: "bob", passwordHash: "h", tenantId: null }, now);
      for (let i = 1; i < ADMIN_LOCKOUT.maxFailures; i++) assert.deepEqual(await store.recordFailedLogin(bob.id, now, ADMIN_LOCKOUT), { lockedUntil: null });
      assert.equal((await store.findOperator("bob"))?.failedLogins, ADMIN_LOCKOUT.maxFailures - 1);
      assert.deepEqual(await store.recordFailedLogin(bob.id, now, ADMIN_LOCKOUT), { lockedUntil: now + ADMIN_LOCKOUT.lockMs });
      assert.deepEqual(await store.findOperator("bob").then((o) => [o?.failedLogins, o?.lockedUntil]), [0, now + ADMIN_LOCKOUT.lockMs]);
      await store.recordLogin(bob.id);
      assert.equal((await store.findOperator("bob"))?.lockedUntil, null);

      // Guesses sent together must not each read the same count and write it back plus one.
      const results = await Promise.all(Array.from({ length: ADMIN_LOCKOUT.maxFailures }, () => store.recordFailedLogin(bob.id, now, ADMIN_LOCKOUT)));
      assert.equal(results.filter((r) => r.lockedUntil !== null).length, 1);
      assert.equal((await store.findOperator("bob"))?.lockedUntil, now + ADMIN_LOCKOUT.lockMs);
    });

    test("console sessions: found by token hash with their operator, touched, revoked; a new password ends them and unlocks", async () => {
      const carol = await store.addOperator({ username: "carol", passwordHash: "old", tenantId: tenantB }, now);
      const created = await store.createAdminSession({ operatorId: carol.id, tokenHash: "hash-carol", csrfToken: "csrf", createdAt: now, expiresAt: now + 1000 });
      const found = await store.findAdminSession("hash-carol");
      assert.deepEqual(found?.session, created);
      assert.equal(found?.operator.tenant, "tenant-b");
      assert.equal(await store.findAdminSession("hash-other"), undefined);
      await store.touchAdminSession(created.id, now + 500);
      assert.equal((await store.findAdminSession("hash-carol"))?.session.lastSeenAt, now + 500);
      await store.revokeAdminSession(created.id, now + 600);
      await store.revokeAdminSession(created.id, now + 700);
      assert.equal((await store.findAdminSession("hash-carol"))?.session.revokedAt, now + 600);

      const second = await store.createAdminSession({ operatorId: carol.id, tokenHash: "hash-carol-2", csrfToken: "csrf", createdAt: now, expiresAt: now + 1000 });
      for (let i = 0; i < ADMIN_LOCKOUT.maxFailures; i++) await store.recordFailedLogin(carol.id, now, ADMIN_LOCKOUT);
      assert.equal(await store.setPassword("carol", "new", now + 800), true);
      assert.equal(await store.setPassword("nobody", "new", now + 800), false);
      const after = await store.findAdminSession("hash-carol-2");
      assert.equal(after?.session.revokedAt, now + 800);
      assert.equal(after?.session.id, second.id);
      assert.deepEqual([after?.operator.passwordHash, after?.operator.lockedUntil], ["new", null]);

      assert.equal(await store.removeOperator("carol"), true);
      assert.equal(await store.findAdminSession("hash-carol-2"), undefined, "an operator's sessions go with it");
    });

    test("TOTP: on (ending sessions) and off; each time step taken once, after the last, even by parallel logins", async () => {
      const tom = await store.addOperator({ username: "tom", passwordHash: "h", tenantId: null }, now);
      const session = await store.createAdminSession({ operatorId: tom.id, tokenHash: "hash-tom", csrfToken: "csrf", createdAt: now, expiresAt: now + 1000 });
      assert.equal(await store.useTotpStep(tom.id, 5), false, "no step is taken while TOTP is off");
      assert.equal(await store.setTotp("tom", "sealed-1", now + 1), true);
      assert.equal(await store.setTotp("nobody", "sealed-1", now + 1), false);
      assert.equal((await store.findOperator("tom"))?.totpSecretEnc, "sealed-1");
      assert.equal((await store.findAdminSession("hash-tom"))?.session.revokedAt, now + 1, "sessions opened without the second factor end");
      assert.equal(session.revokedAt, null);

      const parallel = await Promise.all(Array.from({ length: 8 }, () => store.useTotpStep(tom.id, 100)));
      assert.equal(parallel.filter(Boolean).length, 1, "one of eight parallel uses of a step wins");
      assert.equal(await store.useTotpStep(tom.id, 99), false, "an earlier step");
      assert.equal(await store.useTotpStep(tom.id, 101), true);

      // A new secret starts afresh: its steps are not compared with the old one's.
      await store.setTotp("tom", "sealed-2", now + 2);
      assert.equal(await store.useTotpStep(tom.id, 50), true);
      await store.setTotp("tom", null, now + 3);
      assert.equal((await store.findOperator("tom"))?.totpSecretEnc, null);
    });

    test("audit log: newest first, by tenant when asked, kept after its operator is removed", async () => {
      const dave = await store.addOperator({ username: "dave", passwordHash: "h", tenantId: tenantA }, now);
      await store.appendAudit({ operatorId: dave.id, tenantId: tenantA, action: "login", target: "dave", detail: {}, ip: "10.0.0.1", at: now });
      await store.appendAudit({ operatorId: null, tenantId: tenantB, action: "revoke-sessions", target: "tenant-b/user/1", detail: { revoked: 2 }, ip: "10.0.0.2", at: now + 1 });
      const all = await store.listAudit({ limit: 10 });
      assert.deepEqual(all.slice(0, 2).map((e) => [e.action, e.username, e.detail, e.ip, e.at]), [
        ["revoke-sessions", null, { revoked: 2 }, "10.0.0.2", now + 1],
        ["login", "dave", {}, "10.0.0.1", now],
      ]);
      assert.deepEqual((await store.listAudit({ tenantId: tenantA, limit: 10 })).map((e) => e.action), ["login"]);
      assert.equal((await store.listAudit({ limit: 1 })).length, 1);
      await store.removeOperator("dave");
      const kept = (await store.listAudit({ tenantId: tenantA, limit: 10 }))[0];
      assert.deepEqual([kept.action, kept.operatorId, kept.username], ["login", dave.id, null]);
    });

    test("revokeUserSessions ends every live session of that user only", async () => {
      const user = (await storage.createUserIfAbsent(tenantA, { openid: "o-revoke" }, now)).user;
      const other = (await storage.createUserIfAbsent(tenantA, { openid: "o-keep" }, now)).user;
      for (const [i, userId] of [user.id, user.id, other.id].entries()) {
        await storage.createSession({ userId, tenantId: tenantA, tokenHash: `user-hash-${i}`, createdAt: now, expiresAt: now + 60_000 }, 10);
      }
      assert.equal(await storage.revokeUserSessions(user.id, now + 1), 2);
      assert.equal(await storage.revokeUserSessions(user.id, now + 2), 0);
      assert.equal((await storage.findSessionByTokenHash("user-hash-0"))?.revokedAt, now + 1);
      assert.equal((await storage.findSessionByTokenHash("user-hash-1"))?.revokedAt, now + 1);
      assert.equal((await storage.findSessionByTokenHash("user-hash-2"))?.revokedAt, null);
    });
  });
}
