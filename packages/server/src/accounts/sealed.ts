import type { Kysely } from "kysely";
import type { Database } from "../storage/schema";

/** Where a sealed value is kept, to name it in messages (never its value). */
export type SealedPlace =
  | { kind: "app secret"; appid: string }
  | { kind: "session_key"; userId: number }
  | { kind: "operator TOTP secret"; username: string }
  | { kind: "meta"; name: string };

export const describePlace = (place: SealedPlace) =>
  place.kind === "app secret"
    ? `the app secret of ${place.appid}`
    : place.kind === "session_key"
      ? `the session_key of user ${place.userId}`
      : place.kind === "operator TOTP secret"
        ? `the TOTP secret of operator ${place.username}`
        : `meta "${place.name}"`;

/** The meta row holding a value sealed with the database's key (key-check.ts). */
export const KEY_CHECK_META = "key_check";
/** Meta rows that hold sealed values (re-sealed by resealAll with the rest). */
export const SEALED_META = [KEY_CHECK_META];

/** resealAll could not open these values: nothing was changed. */
export class ResealError extends Error {
  override readonly name = "ResealError";
  constructor(readonly failed: SealedPlace[]) {
    super(`${failed.length} sealed ${failed.length === 1 ? "value does" : "values do"} not open: ${failed.slice(0, 5).map(describePlace).join(", ")}${failed.length > 5 ? ", ..." : ""}`);
  }
}

export interface ResealCounts {
  /** Sealed anew with the current key. */
  appSecrets: number;
  sessionKeys: number;
  meta: number;
  /** Console operators' second factors (admin/totp.ts). */
  totpSecrets: number;
  /** Already sealed with the current key: left as they were. */
  unchanged: number;
}

/** Everything at rest that is sealed with WEGATE_SECRET, for key checks and rotation. */
export interface SealedStorage {
  getMeta(name: string): Promise<string | undefined>;
  /** Stores `value` unless the name has one; returns the value that is stored (either way). */
  putMetaIfAbsent(name: string, value: string): Promise<string>;
  /**
   * A few sealed values to try a key on: every app secret (few, and a
   * tenant's requests fail on any one of them), every operator's TOTP secret
   * (as few, and its logins fail on it) and the session_keys of the first and
   * last user that has one.
   */
  sealedSamples(): Promise<Array<{ place: SealedPlace; sealed: string }>>;
  /**
   * Re-seals every sealed value in one transaction: `reseal` answers the new
   * sealed text, or undefined to leave it (already current); when it throws
   * for any value, nothing is written and ResealError lists them. A value
   * changed meanwhile (a login's new session_key) is left as it now is.
   */
  resealAll(reseal: (sealed: string) => string | undefined): Promise<ResealCounts>;
}

export function createSealedStorage(db: Kysely<Database>): SealedStorage {
  return {
    async getMeta(name) {
      return (await db.selectFrom("meta").select("value").where("name", "=", name).executeTakeFirst())?.value;
    },
    async putMetaIfAbsent(name, value) {
      await db.insertInto("meta").values({ name, value }).onConflict((oc) => oc.column("name").doNothing()).execute();
      return (await db.selectFrom("meta").select("value").where("name", "=", name).executeTakeFirstOrThrow()).value;
    },
    async sealedSamples() {
      const apps = await db.selectFrom("apps").select(["appid", "secret_enc"]).orderBy("id").execute();
      const first = await db.selectFrom("wechat_sessions").select(["user_id", "session_key_enc"]).orderBy("user_id", "asc").limit(1).executeTakeFirst();
      const last = await db.selectFrom("wechat_sessions").select(["user_id", "session_key_enc"]).orderBy("user_id", "desc").limit(1).executeTakeFirst();
      const sessionKeys = [first, last].filter((row, i, rows) => row && rows.findIndex((r) => r?.user_id === row.user_id) === i);
      const totp = await db.selectFrom("operators").select(["username", "totp_secret_enc"]).where("totp_secret_enc", "is not", null).orderBy("id").execute();
      return [
        ...apps.map((a) => ({ place: { kind: "app secret", appid: a.appid } as const, sealed: a.secret_enc })),
        ...totp.map((o) => ({ place: { kind: "operator TOTP secret", username: o.username } as const, sealed: o.totp_secret_enc! })),
        ...sessionKeys.map((s) => ({ place: { kind: "session_key", userId: s!.user_id } as const, sealed: s!.session_key_enc })),
      ];
    },
    resealAll(reseal) {
      return db.transaction().execute(async (trx) => {
        const apps = await trx.selectFrom("apps").select(["id", "appid", "secret_enc"]).orderBy("id").execute();
        const keys = await trx.selectFrom("wechat_sessions").select(["user_id", "session_key_enc"]).orderBy("user_id").execute();
        const meta = await trx.selectFrom("meta").select(["name", "value"]).where("name", "in", SEALED_META).execute();
        const operators = await trx.selectFrom("operators").select(["id", "username", "totp_secret_enc"]).where("totp_secret_enc", "is not", null).orderBy("id").execute();

        // Every value first, then the writes: one that does not open stops it all before anything changed.
        const failed: SealedPlace[] = [];
        let unchanged = 0;
        const plan = <Row>(rows: Row[], sealedOf: (row: Row) => string, placeOf: (row: Row) => SealedPlace) =>
          rows.flatMap((row) => {
            try {
              const resealed = reseal(sealedOf(row));
              if (resealed === undefined) unchanged++;
              return resealed === undefined ? [] : [{ row, resealed }];
            } catch {
              failed.push(placeOf(row));
              return [];
            }
          });
        const appPlan = plan(apps, (a) => a.secret_enc, (a) => ({ kind: "app secret", appid: a.appid }));
        const keyPlan = plan(keys, (k) => k.session_key_enc, (k) => ({ kind: "session_key", userId: k.user_id }));
        const metaPlan = plan(meta, (m) => m.value, (m) => ({ kind: "meta", name: m.name }));
        const totpPlan = plan(operators, (o) => o.totp_secret_enc!, (o) => ({ kind: "operator TOTP secret", username: o.username }));
        if (failed.length > 0) throw new ResealError(failed);

        const counts: ResealCounts = { appSecrets: 0, sessionKeys: 0, meta: 0, totpSecrets: 0, unchanged };
        // Each update names the value it replaces: a session_key a login wrote
        // since the read above is newer than ours and stays.
        for (const { row, resealed } of appPlan) {
          const { numUpdatedRows } = await trx.updateTable("apps").set({ secret_enc: resealed })
            .where("id", "=", row.id).where("secret_enc", "=", row.secret_enc).executeTakeFirst();
          counts.appSecrets += Number(numUpdatedRows);
        }
        for (const { row, resealed } of keyPlan) {
          const { numUpdatedRows } = await trx.updateTable("wechat_sessions").set({ session_key_enc: resealed })
            .where("user_id", "=", row.user_id).where("session_key_enc", "=", row.session_key_enc).executeTakeFirst();
          counts.sessionKeys += Number(numUpdatedRows);
        }
        for (const { row, resealed } of metaPlan) {
          const { numUpdatedRows } = await trx.updateTable("meta").set({ value: resealed })
            .where("name", "=", row.name).where("value", "=", row.value).executeTakeFirst();
          counts.meta += Number(numUpdatedRows);
        }
        for (const { row, resealed } of totpPlan) {
          const { numUpdatedRows } = await trx.updateTable("operators").set({ totp_secret_enc: resealed })
            .where("id", "=", row.id).where("totp_secret_enc", "=", row.totp_secret_enc).executeTakeFirst();
          counts.totpSecrets += Number(numUpdatedRows);
        }
        return counts;
      });
    },
  };
}
