import type { Kysely, Selectable } from "kysely";
import { chinaDay } from "../accounts/china-day";
import { sessionKeyUpsert } from "../accounts/store";
import { compiledOnce, type Connection, rowsOf, transaction } from "../storage/compiled";
import { turnLoader } from "../storage/turn-loader";
import { insertLoginAtOnce } from "./login-statement";
import type { Database } from "../storage/schema";

export interface Session {
  id: number;
  userId: number;
  tenantId: number;
  createdAt: number;
  expiresAt: number;
  lastRenewedAt: number;
  revokedAt: number | null;
}

export type NewSession = Omit<Session, "id" | "revokedAt" | "lastRenewedAt"> & { tokenHash: string; sessionKeyEnc?: string };

/** Login sessions, by the SHA-256 of their token. */
export interface SessionsStore {
  /**
   * Inserts a session and ends the user's oldest beyond `maxLive` (and dead
   * ones), in one transaction; with `sessionKeyEnc`, the login's sealed
   * session_key is saved in it too (as saveSessionKey does).
   */
  createSession(session: NewSession, maxLive: number): Promise<Session>;
  /** Readonly: the cache hands out one frozen session to every caller. */
  findSessionByTokenHash(tokenHash: string): Promise<Readonly<Session> | undefined>;
  /**
   * The session if this store holds it in memory, without waiting (the
   * cache, sessions/cache.ts); undefined: ask findSessionByTokenHash. The
   * database store holds nothing.
   */
  peekSessionByTokenHash(tokenHash: string): Readonly<Session> | undefined;
  renewSession(id: number, expiresAt: number, now: number): Promise<void>;
  revokeSession(id: number, now: number): Promise<void>;
  /** Ends every live session of the user (an operator's order); returns how many. */
  revokeUserSessions(userId: number, now: number): Promise<number>;
}

function toSession(row: Selectable<Database["sessions"]>): Session {
  return {
    id: row.id,
    userId: row.user_id,
    tenantId: row.tenant_id,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    lastRenewedAt: Number(row.last_renewed_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}

export function createSessionsStore(connection: Connection): SessionsStore {
  const { db } = connection;
  const upsertSessionKey = sessionKeyUpsert(connection);
  const insertSession = compiledOnce(connection, (p: { userId: number; tenantId: number; tokenHash: string; createdAt: number; expiresAt: number }) =>
    db.insertInto("sessions")
      .values({ user_id: p.userId, tenant_id: p.tenantId, token_hash: p.tokenHash, created_at: p.createdAt, expires_at: p.expiresAt, last_renewed_at: p.createdAt, revoked_at: null })
      .returningAll(),
  );
  // Read from the sessions_of_user index alone; newest first is sorted in JS
  // (an `order by id` would make SQLite sort, or read the table instead).
  const sessionsOfUser = compiledOnce(connection, (p: { userId: number }) =>
    db.selectFrom("sessions").select(["id", "revoked_at", "expires_at"]).where("user_id", "=", p.userId),
  );
  // The dashboard's logins per day (daily_logins): the sessions table cannot
  // tell them, a user's ended sessions are deleted at their next login.
  // One upsert per batch of logins (storage/turn-loader.ts): the tenant's row
  // of the day is every login's, and a row lock held by each login's
  // transaction until its commit would queue all of a tenant's logins.
  const countLogins = turnLoader<{ tenantId: number; day: number }, void>(async (logins) => {
    const counts = new Map<string, { tenant_id: number; day: number; logins: number }>();
    for (const { tenantId, day } of logins) {
      const key = `${tenantId}/${day}`;
      const row = counts.get(key);
      if (row) row.logins++;
      else counts.set(key, { tenant_id: tenantId, day, logins: 1 });
    }
    await db.insertInto("daily_logins").values([...counts.values()])
      .onConflict((oc) => oc.columns(["tenant_id", "day"]).doUpdateSet((eb) => ({ logins: eb("daily_logins.logins", "+", eb.ref("excluded.logins")) })))
      .execute();
    return logins.map(() => undefined);
  });
  /** A login's writes as one transaction (SQLite: its steps run at once, in the group commit). */
  function insertLoginInSteps(session: NewSession, maxLive: number) {
    const { userId, tenantId, tokenHash, createdAt, expiresAt, sessionKeyEnc } = session;
    return transaction(connection, function* () {
      if (sessionKeyEnc !== undefined) yield* rowsOf(upsertSessionKey.with({ userId, sessionKeyEnc, now: createdAt }));
      const [row] = yield* rowsOf(insertSession.with({ userId, tenantId, tokenHash, createdAt, expiresAt }));
      // Keep the newest `maxLive` live sessions; the rest (oldest live ones,
      // and rows already revoked or expired) are deleted, which ends them.
      // (Chosen here, not in SQL: `limit ?` makes SQLite re-prepare the statement on every run.)
      let live = 0;
      const ended = (yield* rowsOf(sessionsOfUser.with({ userId })))
        .sort((a, b) => b.id - a.id)
        .filter((s) => !(s.revoked_at === null && Number(s.expires_at) > createdAt && ++live <= maxLive))
        .map((s) => s.id);
      if (ended.length > 0) yield* rowsOf(db.deleteFrom("sessions").where("id", "in", ended).compile());
      return row;
    });
  }
  // Every request behind a token runs this one.
  const sessionsByTokenHash = compiledOnce(connection, (p: { tokenHash: string }) => db.selectFrom("sessions").selectAll().where("token_hash", "=", p.tokenHash));

  return {
    async createSession(session, maxLive) {
      const created = toSession(connection.dialect === "postgres" ? await insertLoginAtOnce(db, session, maxLive) : await insertLoginInSteps(session, maxLive));
      // After the session's commit: a count that fails (its tenant removed
      // meanwhile) or a crash in between loses a number of the dashboard's,
      // never a login.
      await countLogins.load({ tenantId: session.tenantId, day: chinaDay(session.createdAt) }).catch(() => undefined);
      return created;
    },
    async findSessionByTokenHash(tokenHash) {
      const [row] = await sessionsByTokenHash({ tokenHash });
      return row && toSession(row);
    },
    async renewSession(id, expiresAt, now) {
      await db.updateTable("sessions").set({ expires_at: expiresAt, last_renewed_at: now })
        .where("id", "=", id).where("revoked_at", "is", null).execute();
    },
    async revokeSession(id, now) {
      await db.updateTable("sessions").set({ revoked_at: now }).where("id", "=", id).where("revoked_at", "is", null).execute();
    },
    async revokeUserSessions(userId, now) {
      const result = await db.updateTable("sessions").set({ revoked_at: now }).where("user_id", "=", userId).where("revoked_at", "is", null).executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    peekSessionByTokenHash: () => undefined,
  };
}
