import { type Kysely, type Selectable, sql } from "kysely";
import type { Database } from "../storage/schema";

export interface Operator {
  id: number;
  username: string;
  passwordHash: string;
  /** null: every tenant. */
  tenantId: number | null;
  /** The tenant's subDomain, null for a global operator. */
  tenant: string | null;
  createdAt: number;
  failedLogins: number;
  lockedUntil: number | null;
  disabled: boolean;
  /** The TOTP secret sealed with the SecretBox; null: the password alone logs in. */
  totpSecretEnc: string | null;
}

export interface AdminSession {
  id: number;
  operatorId: number;
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

export interface AuditEntry {
  id: number;
  operatorId: number | null;
  /** The operator's name when the entry was read (null once the account is removed). */
  username: string | null;
  tenantId: number | null;
  action: string;
  target: string;
  detail: Record<string, unknown>;
  ip: string;
  at: number;
}

export type NewAuditEntry = Omit<AuditEntry, "id" | "username">;

export class OperatorTakenError extends Error {
  constructor(username: string) {
    super(`an operator named "${username}" already exists`);
  }
}

/** Console operators, their sessions (by the SHA-256 of the cookie token) and the audit log. Same code for SQLite and PostgreSQL. */
export interface AdminStore {
  /** Throws OperatorTakenError when the username is taken (atomic on the unique name). */
  addOperator(operator: { username: string; passwordHash: string; tenantId: number | null }, now: number): Promise<Operator>;
  findOperator(username: string): Promise<Operator | undefined>;
  listOperators(): Promise<Operator[]>;
  /** Removing an operator ends its sessions (they cascade). */
  removeOperator(username: string): Promise<boolean>;
  /** A new password also unlocks the account and ends every session of it. */
  setPassword(username: string, passwordHash: string, now: number): Promise<boolean>;
  /**
   * Counts a failed login in one statement (no read-then-write: parallel
   * guesses all count); the `maxFailures`-th locks the account until
   * `now + lockMs` and starts the count again.
   */
  recordFailedLogin(operatorId: number, now: number, limits: { maxFailures: number; lockMs: number }): Promise<{ lockedUntil: number | null }>;
  recordLogin(operatorId: number): Promise<void>;
  /**
   * Turns the second factor on (a sealed secret, replacing any earlier one,
   * and ending the operator's sessions: they were opened without it) or off
   * (null). False when there is no such operator.
   */
  setTotp(username: string, secretEnc: string | null, now: number): Promise<boolean>;
  /**
   * Takes TOTP time step `step` for a login, in one statement: true only when
   * it comes after the last step taken, so a code (or an older one) seen once
   * cannot log in again, even by two requests at the same moment.
   */
  useTotpStep(operatorId: number, step: number): Promise<boolean>;

  createAdminSession(session: { operatorId: number; tokenHash: string; csrfToken: string; createdAt: number; expiresAt: number }): Promise<AdminSession>;
  findAdminSession(tokenHash: string): Promise<{ session: AdminSession; operator: Operator } | undefined>;
  touchAdminSession(id: number, now: number): Promise<void>;
  revokeAdminSession(id: number, now: number): Promise<void>;

  appendAudit(entry: NewAuditEntry): Promise<void>;
  /** Newest first; `tenantId` given: only the entries about that tenant. */
  listAudit(options: { tenantId?: number; limit: number }): Promise<AuditEntry[]>;
}

type OperatorRow = Selectable<Database["operators"]> & { sub_domain: string | null };

function toOperator(row: OperatorRow): Operator {
  return {
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    tenantId: row.tenant_id,
    tenant: row.sub_domain,
    createdAt: Number(row.created_at),
    failedLogins: row.failed_logins,
    lockedUntil: row.locked_until === null ? null : Number(row.locked_until),
    disabled: row.disabled !== 0,
    totpSecretEnc: row.totp_secret_enc,
  };
}

function toAdminSession(row: Selectable<Database["admin_sessions"]>): AdminSession {
  return {
    id: row.id,
    operatorId: row.operator_id,
    csrfToken: row.csrf_token,
    createdAt: Number(row.created_at),
    lastSeenAt: Number(row.last_seen_at),
    expiresAt: Number(row.expires_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}

export function createAdminStore(db: Kysely<Database>): AdminStore {
  const operators = () =>
    db.selectFrom("operators").leftJoin("tenants", "tenants.id", "operators.tenant_id").selectAll("operators").select("tenants.sub_domain");

  return {
    async addOperator({ username, passwordHash, tenantId }, now) {
      const inserted = await db
        .insertInto("operators")
        .values({ username, password_hash: passwordHash, tenant_id: tenantId, created_at: now, failed_logins: 0, locked_until: null, disabled: 0 })
        .onConflict((oc) => oc.column("username").doNothing())
        .returning("id")
        .executeTakeFirst();
      if (!inserted) throw new OperatorTakenError(username);
      return toOperator((await operators().where("operators.id", "=", inserted.id).executeTakeFirstOrThrow()) as OperatorRow);
    },
    async findOperator(username) {
      const row = await operators().where("operators.username", "=", username).executeTakeFirst();
      return row && toOperator(row as OperatorRow);
    },
    async listOperators() {
      return (await operators().orderBy("operators.username").execute()).map((row) => toOperator(row as OperatorRow));
    },
    async removeOperator(username) {
      const result = await db.deleteFrom("operators").where("username", "=", username).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async setPassword(username, passwordHash, now) {
      return db.transaction().execute(async (tx) => {
        const row = await tx
          .updateTable("operators")
          .set({ password_hash: passwordHash, failed_logins: 0, locked_until: null })
          .where("username", "=", username)
          .returning("id")
          .executeTakeFirst();
        if (!row) return false;
        // Whoever knew the old password may be logged in with it.
        await tx.updateTable("admin_sessions").set({ revoked_at: now }).where("operator_id", "=", row.id).where("revoked_at", "is", null).execute();
        return true;
      });
    },
    async recordFailedLogin(operatorId, now, { maxFailures, lockMs }) {
      const locks = sql<boolean>`failed_logins + 1 >= ${maxFailures}`;
      const row = await db
        .updateTable("operators")
        .set({
          failed_logins: sql`case when ${locks} then 0 else failed_logins + 1 end`,
          locked_until: sql`case when ${locks} then ${now + lockMs} else locked_until end`,
        })
        .where("id", "=", operatorId)
        .returning("locked_until")
        .executeTakeFirst();
      const lockedUntil = row?.locked_until == null ? null : Number(row.locked_until);
      return { lockedUntil: lockedUntil !== null && lockedUntil > now ? lockedUntil : null };
    },
    async recordLogin(operatorId) {
      await db.updateTable("operators").set({ failed_logins: 0, locked_until: null }).where("id", "=", operatorId).execute();
    },
    async setTotp(username, secretEnc, now) {
      return db.transaction().execute(async (tx) => {
        const row = await tx
          .updateTable("operators")
          .set({ totp_secret_enc: secretEnc, totp_last_step: null })
          .where("username", "=", username)
          .returning("id")
          .executeTakeFirst();
        if (!row) return false;
        if (secretEnc !== null) {
          await tx.updateTable("admin_sessions").set({ revoked_at: now }).where("operator_id", "=", row.id).where("revoked_at", "is", null).execute();
        }
        return true;
      });
    },
    async useTotpStep(operatorId, step) {
      const result = await db
        .updateTable("operators")
        .set({ totp_last_step: step })
        .where("id", "=", operatorId)
        .where("totp_secret_enc", "is not", null)
        .where((eb) => eb.or([eb("totp_last_step", "is", null), eb("totp_last_step", "<", step)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async createAdminSession(s) {
      const row = await db
        .insertInto("admin_sessions")
        .values({ operator_id: s.operatorId, token_hash: s.tokenHash, csrf_token: s.csrfToken, created_at: s.createdAt, last_seen_at: s.createdAt, expires_at: s.expiresAt, revoked_at: null })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toAdminSession(row);
    },
    async findAdminSession(tokenHash) {
      const session = await db.selectFrom("admin_sessions").selectAll().where("token_hash", "=", tokenHash).executeTakeFirst();
      if (!session) return undefined;
      const operator = await operators().where("operators.id", "=", session.operator_id).executeTakeFirst();
      return operator && { session: toAdminSession(session), operator: toOperator(operator as OperatorRow) };
    },
    async touchAdminSession(id, now) {
      await db.updateTable("admin_sessions").set({ last_seen_at: now }).where("id", "=", id).execute();
    },
    async revokeAdminSession(id, now) {
      await db.updateTable("admin_sessions").set({ revoked_at: now }).where("id", "=", id).where("revoked_at", "is", null).execute();
    },

    async appendAudit(entry) {
      await db
        .insertInto("audit_log")
        .values({ operator_id: entry.operatorId, tenant_id: entry.tenantId, action: entry.action, target: entry.target, detail: JSON.stringify(entry.detail), ip: entry.ip, at: entry.at })
        .execute();
    },
    async listAudit({ tenantId, limit }) {
      let query = db
        .selectFrom("audit_log")
        .leftJoin("operators", "operators.id", "audit_log.operator_id")
        .selectAll("audit_log")
        .select("operators.username")
        .orderBy("audit_log.id", "desc")
        .limit(limit);
      if (tenantId !== undefined) query = query.where("audit_log.tenant_id", "=", tenantId);
      return (await query.execute()).map((row) => ({
        id: row.id,
        operatorId: row.operator_id,
        username: row.username ?? null,
        tenantId: row.tenant_id,
        action: row.action,
        target: row.target,
        detail: JSON.parse(row.detail) as Record<string, unknown>,
        ip: row.ip,
        at: Number(row.at),
      }));
    },
  };
}
