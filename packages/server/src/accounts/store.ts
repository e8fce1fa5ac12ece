import { type Kysely, type Selectable, sql } from "kysely";
import { compiledOnce, type Connection } from "../storage/compiled";
import type { Database } from "../storage/schema";
import { turnLoader } from "../storage/turn-loader";
import { AppidTakenError } from "./appid-taken";

export interface Tenant {
  id: number;
  subDomain: string;
}

export interface StoredApp {
  appid: string;
  /** Sealed with the SecretBox; open only to call WeChat. */
  secretEnc: string;
}

export interface UserProfile {
  nick: string;
  avatarUrl: string;
  gender: number;
  city: string;
  province: string;
  country: string;
}

export interface User extends UserProfile {
  id: number;
  tenantId: number;
  openid: string;
  unionid: string | null;
  mobile: string;
  referrerId: number | null;
  ext: Record<string, string>;
  createdAt: number;
  /** When an operator disabled the user (the console): their logins are refused. */
  disabledAt: number | null;
}

export interface NewUser extends Partial<UserProfile> {
  openid: string;
  unionid?: string;
  referrerId?: number;
  ext?: Record<string, string>;
}

export type UserPatch = Partial<UserProfile & { mobile: string; ext: Record<string, string> }>;

/**
 * Tenants, their mini programs, and their users with the session_key of each
 * one's latest login. Same code for SQLite and PostgreSQL.
 */
export interface AccountsStore {
  ensureTenant(subDomain: string, now: number): Promise<Tenant>;
  findTenant(subDomain: string): Promise<Tenant | undefined>;
  listTenants(): Promise<Array<Tenant & { appids: string[] }>>;
  /** Adds or re-keys an app; an appid belongs to one tenant only (else AppidTakenError). */
  saveApp(tenantId: number, app: StoredApp, now: number): Promise<void>;
  listApps(tenantId: number): Promise<StoredApp[]>;

  findUserById(tenantId: number, id: number): Promise<User | undefined>;
  findUserByOpenid(tenantId: number, openid: string): Promise<User | undefined>;
  /** Atomic on (tenant, openid): N parallel calls for one openid create exactly one user. */
  createUserIfAbsent(tenantId: number, user: NewUser, now: number): Promise<{ user: User; created: boolean }>;
  updateUser(userId: number, patch: UserPatch, now: number): Promise<void>;
  saveSessionKey(userId: number, sessionKeyEnc: string, now: number): Promise<void>;
  findSessionKey(userId: number): Promise<string | undefined>;
}

function batchedUsersByOpenid(db: Kysely<Database>) {
  const loader = turnLoader<{ tenantId: number; openid: string }, Selectable<Database["users"]> | undefined>(async (keys) => {
    const rows = await db.selectFrom("users").selectAll()
      .where(sql<boolean>`(tenant_id, openid) in (select * from unnest(${keys.map((k) => k.tenantId)}::int[], ${keys.map((k) => k.openid)}::text[]))`)
      .execute();
    const byKey = new Map(rows.map((row) => [`${row.tenant_id}/${row.openid}`, row]));
    return keys.map((k) => byKey.get(`${k.tenantId}/${k.openid}`));
  });
  return (tenantId: number, openid: string) => loader.load({ tenantId, openid });
}

export function toUser(row: Selectable<Database["users"]>): User {
  let ext: Record<string, string> = {};
  try {
    ext = JSON.parse(row.ext);
  } catch {
    // a hand-edited row must not break every request of that user
  }
  return {
    id: row.id,
    tenantId: row.tenant_id,
    openid: row.openid,
    unionid: row.unionid,
    nick: row.nick,
    avatarUrl: row.avatar_url,
    gender: row.gender,
    city: row.city,
    province: row.province,
    country: row.country,
    mobile: row.mobile,
    referrerId: row.referrer_id,
    ext,
    createdAt: Number(row.created_at),
    disabledAt: row.disabled_at === null ? null : Number(row.disabled_at),
  };
}

function profileColumns(patch: UserPatch) {
  return {
    ...(patch.nick !== undefined && { nick: patch.nick }),
    ...(patch.avatarUrl !== undefined && { avatar_url: patch.avatarUrl }),
    ...(patch.gender !== undefined && { gender: patch.gender }),
    ...(patch.city !== undefined && { city: patch.city }),
    ...(patch.province !== undefined && { province: patch.province }),
    ...(patch.country !== undefined && { country: patch.country }),
    ...(patch.mobile !== undefined && { mobile: patch.mobile }),
    ...(patch.ext !== undefined && { ext: JSON.stringify(patch.ext) }),
  };
}

/** The upsert of a user's sealed session_key; a login runs it inside its session's transaction (sessions/store.ts). */
export function sessionKeyUpsert(connection: Connection) {
  return compiledOnce(connection, (p: { userId: number; sessionKeyEnc: string; now: number }) =>
    connection.db.insertInto("wechat_sessions").values({ user_id: p.userId, session_key_enc: p.sessionKeyEnc, updated_at: p.now })
      .onConflict((oc) => oc.column("user_id").doUpdateSet((eb) => ({ session_key_enc: eb.ref("excluded.session_key_enc"), updated_at: eb.ref("excluded.updated_at") }))),
  );
}

export function createAccountsStore(connection: Connection): AccountsStore {
  const { db } = connection;
  const findTenant = (subDomain: string) =>
    db.selectFrom("tenants").select(["id", "sub_domain"]).where("sub_domain", "=", subDomain).executeTakeFirst()
      .then((row) => row && { id: row.id, subDomain: row.sub_domain });
  const usersByOpenid = compiledOnce(connection, (p: { tenantId: number; openid: string }) =>
    db.selectFrom("users").selectAll().where("tenant_id", "=", p.tenantId).where("openid", "=", p.openid),
  );
  // PostgreSQL: the users logins look up in one turn of the event loop, in
  // one query (storage/turn-loader.ts: a round trip costs more than the lookup).
  const userRowByOpenid =
    connection.dialect === "postgres"
      ? batchedUsersByOpenid(db)
      : (tenantId: number, openid: string) => usersByOpenid({ tenantId, openid }).then(([row]) => row);
  const findUserByOpenid = async (tenantId: number, openid: string) => {
    const row = await userRowByOpenid(tenantId, openid);
    return row && toUser(row);
  };
  const upsertSessionKey = sessionKeyUpsert(connection);

  return {
    async ensureTenant(subDomain, now) {
      await db.insertInto("tenants").values({ sub_domain: subDomain, created_at: now })
        .onConflict((oc) => oc.column("sub_domain").doNothing()).execute();
      return (await findTenant(subDomain))!;
    },
    findTenant,
    async listTenants() {
      const tenants = await db.selectFrom("tenants").select(["id", "sub_domain"]).orderBy("id").execute();
      const apps = await db.selectFrom("apps").select(["tenant_id", "appid"]).orderBy("id").execute();
      return tenants.map((t) => ({
        id: t.id,
        subDomain: t.sub_domain,
        appids: apps.filter((a) => a.tenant_id === t.id).map((a) => a.appid),
      }));
    },
    async saveApp(tenantId, app, now) {
      // Re-keys only this tenant's app: one statement, no check-then-write.
      const saved = await db.insertInto("apps").values({ tenant_id: tenantId, appid: app.appid, secret_enc: app.secretEnc, created_at: now })
        .onConflict((oc) => oc.column("appid").doUpdateSet({ secret_enc: app.secretEnc }).where("apps.tenant_id", "=", tenantId))
        .returning("id").executeTakeFirst();
      if (saved) return;
      const owner = await db.selectFrom("apps").innerJoin("tenants", "tenants.id", "apps.tenant_id")
        .select("tenants.sub_domain").where("apps.appid", "=", app.appid).executeTakeFirst();
      throw new AppidTakenError(app.appid, owner?.sub_domain ?? "?");
    },
    async listApps(tenantId) {
      const rows = await db.selectFrom("apps").select(["appid", "secret_enc"]).where("tenant_id", "=", tenantId).orderBy("id").execute();
      return rows.map((r) => ({ appid: r.appid, secretEnc: r.secret_enc }));
    },

    async findUserById(tenantId, id) {
      const row = await db.selectFrom("users").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
      return row && toUser(row);
    },
    findUserByOpenid,
    async createUserIfAbsent(tenantId, user, now) {
      // Returning users (most logins) are found without taking the write lock.
      const existing = await findUserByOpenid(tenantId, user.openid);
      if (existing) return { user: existing, created: false };
      // One statement, no read-then-write: the unique (tenant_id, openid) index
      // decides the race, so parallel first logins produce a single user.
      const inserted = await db
        .insertInto("users")
        .values({
          tenant_id: tenantId,
          openid: user.openid,
          unionid: user.unionid ?? null,
          nick: user.nick ?? "",
          avatar_url: user.avatarUrl ?? "",
          gender: user.gender ?? 0,
          city: user.city ?? "",
          province: user.province ?? "",
          country: user.country ?? "",
          mobile: "",
          referrer_id: user.referrerId ?? null,
          ext: JSON.stringify(user.ext ?? {}),
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.columns(["tenant_id", "openid"]).doNothing())
        .returningAll()
        .executeTakeFirst();
      if (inserted) return { user: toUser(inserted), created: true };
      return { user: (await findUserByOpenid(tenantId, user.openid))!, created: false };
    },
    async updateUser(userId, patch, now) {
      await db.updateTable("users").set({ ...profileColumns(patch), updated_at: now }).where("id", "=", userId).execute();
    },
    async saveSessionKey(userId, sessionKeyEnc, now) {
      await upsertSessionKey({ userId, sessionKeyEnc, now });
    },
    async findSessionKey(userId) {
      const row = await db.selectFrom("wechat_sessions").select("session_key_enc").where("user_id", "=", userId).executeTakeFirst();
      return row?.session_key_enc;
    },
  };
}
