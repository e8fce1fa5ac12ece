import type { ChangeFeed } from "../storage/changes";
import type { NewSession, Session, SessionsStore } from "./store";

/** Live sessions kept; beyond this the oldest cached ones are dropped (and read again when used). */
const DEFAULT_MAX_ENTRIES = 100_000;
/** Write marks kept while lookups are under way (see withSessionCache). */
const MAX_MARKS = 10_000;

/**
 * Sessions read once and then answered from memory: every page's token check
 * skips the database. Only correct where this process sees every change to
 * the sessions table — one server process on its SQLite file, which
 * `lockForServing` enforces, hearing other processes' commits through
 * `changes` (then it forgets everything); several instances on PostgreSQL
 * read the database each time, so a logout ends the token on all of them at once.
 *
 * Every session write goes through here: a revoke or renewal updates the
 * cache after the database, and a login (which may end the user's oldest
 * sessions) drops that user's cached ones. A lookup that raced with a write
 * to its session (or to its user's sessions) is not cached, so a revoked
 * session can never come back; writes to other sessions, even committed
 * together with it, do not matter.
 */
export function withSessionCache(storage: SessionsStore, options: { changes: ChangeFeed; maxEntries?: number }): SessionsStore {
  const { changes } = options;
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const byHash = new Map<string, Session>();
  const hashById = new Map<number, string>();
  const hashesByUser = new Map<number, Set<string>>();
  /**
   * When each session (by id) and each user's sessions were last written, on
   * a counter bumped as every write starts and ends: a lookup keeps what it
   * read only if its session and user were not written since it started.
   * Only lookups under way need these marks: they are dropped whenever none
   * is (or, past MAX_MARKS, with every lookup under way left uncached).
   */
  let tick = 0;
  let oldestUsable = 0;
  let lookups = 0;
  const sessionWrittenAt = new Map<number, number>();
  const userWrittenAt = new Map<number, number>();

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

  function dropMarks() {
    sessionWrittenAt.clear();
    userWrittenAt.clear();
  }

  function mark(written: Map<number, number>, id: number) {
    if (lookups === 0) return;
    if (written.size >= MAX_MARKS) {
      dropMarks();
      oldestUsable = tick + 1;
    }
    written.set(id, ++tick);
  }

  async function write<T>(written: Map<number, number>, id: number, change: () => Promise<T>, after: () => void): Promise<T> {
    mark(written, id);
    try {
      return await change();
    } finally {
      mark(written, id);
      after();
    }
  }

  const forgetUser = (userId: number) => {
    for (const hash of hashesByUser.get(userId) ?? []) forget(hash);
  };

  // What another process changed: forgotten here, and lookups under way that may have read it are not kept.
  changes.listen((change) => {
    if (change.kind === "session") {
      mark(sessionWrittenAt, change.id);
      forget(hashById.get(change.id));
    } else if (change.kind === "user-sessions") {
      mark(userWrittenAt, change.userId);
      forgetUser(change.userId);
    } else if (change.kind === "everything") {
      dropMarks();
      oldestUsable = ++tick;
      byHash.clear();
      hashById.clear();
      hashesByUser.clear();
    }
  });

  /** A session written here: forgotten, and the other processes told. */
  const forgotten = (id: number) => {
    forget(hashById.get(id));
    changes.publish({ kind: "session", id });
  };

  const writtenSince = (session: Session, started: number) =>
    started < oldestUsable || (sessionWrittenAt.get(session.id) ?? -1) > started || (userWrittenAt.get(session.userId) ?? -1) > started;

  /** Each verb's rule, written out: a verb added to SessionsStore does not compile until it has one here. */
  return {
    peekSessionByTokenHash: (tokenHash: string) => byHash.get(tokenHash),

    async findSessionByTokenHash(tokenHash: string) {
      const cached = byHash.get(tokenHash);
      if (cached) return cached;
      const started = tick;
      lookups++;
      try {
        const session = await storage.findSessionByTokenHash(tokenHash);
        if (session && changes.hearing && !writtenSince(session, started)) remember(tokenHash, session);
        return session;
      } finally {
        if (--lookups === 0) dropMarks();
      }
    },

    createSession: (session: NewSession, maxLive: number) =>
      write(
        userWrittenAt,
        session.userId,
        () => storage.createSession(session, maxLive),
        () => {
          forgetUser(session.userId);
          changes.publish({ kind: "user-sessions", userId: session.userId });
        },
      ),

    renewSession: (id: number, expiresAt: number, now: number) =>
      write(
        sessionWrittenAt,
        id,
        () => storage.renewSession(id, expiresAt, now),
        () => forgotten(id),
      ),

    revokeSession: (id: number, now: number) =>
      write(
        sessionWrittenAt,
        id,
        () => storage.revokeSession(id, now),
        () => forgotten(id),
      ),

    // Every session of the user ends: all of them forgotten here, and the other processes told.
    revokeUserSessions: (userId: number, now: number) =>
      write(
        userWrittenAt,
        userId,
        () => storage.revokeUserSessions(userId, now),
        () => {
          forgetUser(userId);
          changes.publish({ kind: "user-sessions", userId });
        },
      ),
  } satisfies Record<keyof SessionsStore, unknown>;
}
