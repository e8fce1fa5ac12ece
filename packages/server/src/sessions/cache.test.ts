import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { heldBack } from "../testing/held-back";
import { type TempSqlite, tempSqliteStorage } from "../testing/sqlite";
import { AlreadyServingError, lockForServing } from "../storage/serve-lock";
import type { ChangeFeed } from "../storage/changes";
import { withSessionCache } from "./cache";
import type { Storage } from "../storage/storage";

const now = Date.UTC(2026, 10, 24);
let temp: TempSqlite;
let dir: string;
let inner: Storage;
let tenantId: number;
let userId: number;
let nextHash = 0;

/** The real SQLite storage, counting how often the cache wrapper reads sessions from it. */
function counted(storage: Storage) {
  const reads = { count: 0 };
  const wrapped: Storage = {
    ...storage,
    findSessionByTokenHash: (hash) => {
      reads.count++;
      return storage.findSessionByTokenHash(hash);
    },
  };
  return { storage: wrapped, reads };
}

async function newSession(storage: Storage, options: { user?: number; maxLive?: number } = {}) {
  const tokenHash = `hash-${nextHash++}`;
  const session = await storage.createSession({ userId: options.user ?? userId, tenantId, tokenHash, createdAt: now, expiresAt: now + 60_000 }, options.maxLive ?? 10);
  return { tokenHash, session };
}

before(async () => {
  temp = await tempSqliteStorage("session-cache");
  ({ dir, storage: inner } = temp);
  tenantId = (await inner.ensureTenant("cache", now)).id;
  userId = (await inner.createUserIfAbsent(tenantId, { openid: "o-cache" }, now)).user.id;
});
after(() => temp.remove());

/** A feed that hears nothing: changes made elsewhere are tested through openStorage. */
const quiet: ChangeFeed = { listen: () => () => {}, hearing: true, emit() {}, publish() {}, close: async () => {} };
const cachedOver = (storage: Storage, maxEntries?: number): Storage => ({ ...storage, ...withSessionCache(storage, { changes: quiet, maxEntries }) });

describe("withSessionCache", () => {
  test("a session is read from the database once, then answered from memory; unknown hashes are not kept", async () => {
    const { storage, reads } = counted(inner);
    const cached = cachedOver(storage);
    const { tokenHash, session } = await newSession(cached);
    assert.deepEqual(await cached.findSessionByTokenHash(tokenHash), session);
    assert.deepEqual(await cached.findSessionByTokenHash(tokenHash), session);
    assert.equal(reads.count, 1);
    assert.equal(await cached.findSessionByTokenHash("no-such-hash"), undefined);
    assert.equal(await cached.findSessionByTokenHash("no-such-hash"), undefined);
    assert.equal(reads.count, 3, "a miss is asked again (junk tokens must not fill memory)");
  });

  test("revoke and renew are seen by the next lookup", async () => {
    const cached = cachedOver(inner);
    const { tokenHash, session } = await newSession(cached);
    await cached.findSessionByTokenHash(tokenHash);
    await cached.renewSession(session.id, now + 120_000, now + 5);
    assert.equal((await cached.findSessionByTokenHash(tokenHash))?.expiresAt, now + 120_000);
    await cached.revokeSession(session.id, now + 10);
    assert.equal((await cached.findSessionByTokenHash(tokenHash))?.revokedAt, now + 10);
  });

  test("a login that ends the user's oldest session ends it in the cache too", async () => {
    const user = (await inner.createUserIfAbsent(tenantId, { openid: "o-many" }, now)).user.id;
    const cached = cachedOver(inner);
    const first = await newSession(cached, { user, maxLive: 2 });
    const second = await newSession(cached, { user, maxLive: 2 });
    assert.ok(await cached.findSessionByTokenHash(first.tokenHash));
    assert.ok(await cached.findSessionByTokenHash(second.tokenHash));
    await newSession(cached, { user, maxLive: 2 });
    assert.equal(await cached.findSessionByTokenHash(first.tokenHash), undefined, "the oldest of three is gone");
    assert.ok(await cached.findSessionByTokenHash(second.tokenHash));
  });

  test("a lookup that read the row before a login ended that session does not bring it back", async () => {
    const user = (await inner.createUserIfAbsent(tenantId, { openid: "o-race-login" }, now)).user.id;
    const { call, read, release } = heldBack(inner.findSessionByTokenHash);
    const cached = cachedOver({ ...inner, findSessionByTokenHash: call });
    const first = await newSession(cached, { user, maxLive: 1 });
    const stale = cached.findSessionByTokenHash(first.tokenHash);
    await read;
    await newSession(cached, { user, maxLive: 1 }); // ends the first
    release();
    assert.ok(await stale, "that lookup answers what it read");
    assert.equal(await cached.findSessionByTokenHash(first.tokenHash), undefined, "the next one finds it ended");
  });

  test("lookups that overlap writes to other sessions (committed together) are kept", async () => {
    const { storage, reads } = counted(inner);
    const cached = cachedOver(storage);
    const others = await Promise.all(Array.from({ length: 5 }, (_, i) => inner.createUserIfAbsent(tenantId, { openid: `o-other-${i}` }, now)));
    const mine = await Promise.all(Array.from({ length: 5 }, () => newSession(inner)));
    const revoked = await newSession(inner);
    await Promise.all([
      ...mine.map(({ tokenHash }) => cached.findSessionByTokenHash(tokenHash)),
      ...others.map(({ user }) => newSession(cached, { user: user.id })),
      cached.revokeSession(revoked.session.id, now + 1),
    ]);
    const readsBefore = reads.count;
    for (const { tokenHash, session } of mine) assert.deepEqual(await cached.findSessionByTokenHash(tokenHash), session);
    assert.equal(reads.count, readsBefore, "all five were kept");
  });

  test("a lookup that read the row before a revoke does not bring the session back", async () => {
    const { call, read, release } = heldBack(inner.findSessionByTokenHash);
    const slow: Storage = { ...inner, findSessionByTokenHash: call };
    const cached = cachedOver(slow);
    const { tokenHash, session } = await newSession(cached);
    const stale = cached.findSessionByTokenHash(tokenHash);
    await read;
    await cached.revokeSession(session.id, now + 1);
    release();
    assert.equal((await stale)?.revokedAt, null, "that lookup answers what it read");
    assert.equal((await cached.findSessionByTokenHash(tokenHash))?.revokedAt, now + 1, "the next one sees the revoke");
  });

  test("holds at most maxEntries sessions, dropping the oldest", async () => {
    const { storage, reads } = counted(inner);
    const cached = cachedOver(storage, 2);
    const sessions = [await newSession(cached), await newSession(cached), await newSession(cached)];
    for (const { tokenHash } of sessions) await cached.findSessionByTokenHash(tokenHash);
    assert.equal(reads.count, 3);
    await cached.findSessionByTokenHash(sessions[2].tokenHash);
    await cached.findSessionByTokenHash(sessions[1].tokenHash);
    assert.equal(reads.count, 3, "the two newest are still cached");
    await cached.findSessionByTokenHash(sessions[0].tokenHash);
    assert.equal(reads.count, 4, "the first was dropped");
  });
});

describe("lockForServing", () => {
  test("one holder per SQLite file; released, the file can be served again", () => {
    const file = join(dir, "served.db");
    const first = lockForServing(file);
    assert.throws(() => lockForServing(file), (error: unknown) => {
      assert.ok(error instanceof AlreadyServingError);
      assert.match(error.message, /already serving .*served\.db.*PostgreSQL/);
      return true;
    });
    assert.doesNotThrow(() => lockForServing(join(dir, "other.db")).release(), "another file is another lock");
    first.release();
    lockForServing(file).release();
  });
});
