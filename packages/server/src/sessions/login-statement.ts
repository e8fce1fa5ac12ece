import { type Kysely, type Selectable, sql } from "kysely";
import type { Database } from "../storage/schema";
import type { NewSession } from "./store";

/**
 * PostgreSQL: a login's writes (its session, the session_key, the user's
 * sessions beyond `maxLive` ended) as one statement of data-modifying CTEs.
 * The same steps as a transaction would be six round trips (begin, three or
 * four statements, commit), and on PostgreSQL each round trip, not the
 * writes, is most of a login's cost (BENCHMARKS.md). One statement is atomic
 * on its own: when the insert fails (a token hash taken), nothing is written.
 *
 * Every CTE sees the table as it was before the statement, so the new
 * session is not among the ones the delete looks at: it keeps the newest
 * `maxLive - 1` live ones besides it.
 */
export async function insertLoginAtOnce(db: Kysely<Database>, session: NewSession, maxLive: number): Promise<Selectable<Database["sessions"]>> {
  const { userId, tenantId, tokenHash, createdAt, expiresAt, sessionKeyEnc } = session;
  const { rows } = await sql<Selectable<Database["sessions"]>>`
    WITH fresh AS (
      INSERT INTO sessions (user_id, tenant_id, token_hash, created_at, expires_at, last_renewed_at, revoked_at)
      VALUES (${userId}, ${tenantId}, ${tokenHash}, ${createdAt}, ${expiresAt}, ${createdAt}, NULL)
      RETURNING *
    ), session_key AS (
      INSERT INTO wechat_sessions (user_id, session_key_enc, updated_at)
      SELECT ${userId}, ${sessionKeyEnc ?? null}::text, ${createdAt} WHERE ${sessionKeyEnc ?? null}::text IS NOT NULL
      ON CONFLICT (user_id) DO UPDATE SET session_key_enc = excluded.session_key_enc, updated_at = excluded.updated_at
    ), ended AS (
      DELETE FROM sessions WHERE user_id = ${userId} AND id NOT IN (
        SELECT id FROM sessions WHERE user_id = ${userId} AND revoked_at IS NULL AND expires_at > ${createdAt}
        ORDER BY id DESC LIMIT ${Math.max(maxLive - 1, 0)})
    )
    SELECT * FROM fresh`.execute(db);
  return rows[0];
}
