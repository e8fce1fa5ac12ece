import type { Session, Storage } from "./storage";

/** Live sessions kept; beyond this the oldest cached ones are dropped (and read again when used). */
const DEFAULT_MAX_ENTRIES = 100_000;

/**
 * Sessions read once and then answered from memory: every page's token check
 * skips the database. Only correct where this process sees every change to
 * the sessions table — one server process on its SQLite file, which
 * `lockForServing` enforces; several instances on PostgreSQL read the
 * database each time, so a logout ends the token on all of them at once.
 *
 * Every session write goes through here: a revoke or renewal updates the
 * cache after the database, and a login (which may end the user's oldest
 * sessions) drops that user's cached ones. A lookup that raced with a write
 * is not cached, so a revoked session can never come back.
 */
export function withSessionCache(storage: Storage, maxEntries = DEFAULT_MAX_ENTRIES): Storage {
  const byHash = new Map<string, Session>();
  const hashById = new Map<number, string>();
  const hashesByUser = new Map<number, Set<string>>();
  /** Bumped before and after every session write; a lookup caches only if it saw none. */
  let writes = 0;

  function remember(tokenHash: string, session: Session) {
    if (byHash.size >= maxEntries) forget(byHash.keys().next().value!);
    byHash.set(tokenHash, Object.freeze(session));
    hashById.set(session.id, tokenHash);
    const hashes = hashesByUser.get(session.userId);
    if (hashes) hashes.add(tokenHash);
    else hashesByUser.set(session.userId, new Set([tokenHash]));
  }

  function forget(tokenHash: string | undefined) {
    const session = tokenHash === undefined ? undefined : byHash.get(tokenHash);
    if (!session) return;
    byHash.delete(tokenHash!);
    hashById.delete(session.id);
    const hashes = hashesByUser.get(session.userId)!;
    hashes.delete(tokenHash!);
    if (hashes.size === 0) hashesByUser.delete(session.userId);
  }

  async function write<T>(change: () => Promise<T>, after: () => void): Promise<T> {
    writes++;
    try {
      return await change();
    } finally {
      writes++;
      after();
    }
  }

  return {
    ...storage,

    async findSessionByTokenHash(tokenHash) {
      const cached = byHash.get(tokenHash);
      if (cached) return cached;
      const seen = writes;
      const session = await storage.findSessionByTokenHash(tokenHash);
      if (session && writes === seen) remember(tokenHash, session);
      return session;
    },

    createSession: (session, maxLive) =>
      write(
        () => storage.createSession(session, maxLive),
        () => {
          for (const hash of hashesByUser.get(session.userId) ?? []) forget(hash);
        },
      ),

    renewSession: (id, expiresAt, now) =>
      write(
        () => storage.renewSession(id, expiresAt, now),
        () => forget(hashById.get(id)),
      ),

    revokeSession: (id, now) =>
      write(
        () => storage.revokeSession(id, now),
        () => forget(hashById.get(id)),
      ),
  };
}
