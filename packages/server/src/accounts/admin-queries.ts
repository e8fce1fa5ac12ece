import { type Expression, type ExpressionBuilder, sql, type SqlBool } from "kysely";
import type { Connection } from "../storage/compiled";
import { parseJsonArray } from "../shop/store";
import type { Database } from "../storage/schema";
import { CHINA_OFFSET_MS, DAY_MS } from "./china-day";
import { type Tenant, toUser, type User } from "./store";

/** A user as the console lists them. */
export interface ConsoleUser extends User {
  /** When the user last logged in (their newest session); null: never since registering. */
  lastLoginAt: number | null;
}

export interface ConsoleFavorite {
  goodsId: number;
  goodsName: string;
  /** The goods' list picture, "" without one. */
  pic: string;
  createdAt: number;
}

export interface ConsoleCartLine {
  goodsId: number;
  goodsName: string;
  number: number;
  /** The goods' price now, integer cents. */
  price: number;
  skuKey: string;
}

export interface DashboardCounts {
  users: number;
  liveSessions: number;
  goods: number;
  favorites: number;
}

/**
 * The console's reads of users and shops (search, a user's detail, the
 * dashboard) and its few writes (disable a user, add a tenant). Straight from
 * the database: the mini program's hot paths never run these, and an
 * operator wants what is stored now, not a cache's copy.
 */
export interface ConsoleAccountsStore {
  /**
   * A tenant's users, newest first. `q` matches the uid (exact, when it is a
   * number), the openid (exact), the nick (contains, case-insensitive) or the
   * mobile (contains).
   */
  searchUsers(tenantId: number, filter: { q?: string; offset: number; limit: number }): Promise<{ items: ConsoleUser[]; total: number }>;
  findConsoleUser(tenantId: number, uid: number): Promise<ConsoleUser | undefined>;
  userFavorites(userId: number): Promise<ConsoleFavorite[]>;
  userCart(userId: number): Promise<ConsoleCartLine[]>;
  /** The user's sessions that are neither revoked nor expired at `now`, newest first. */
  liveSessions(userId: number, now: number): Promise<Array<{ id: number; createdAt: number; expiresAt: number }>>;
  /** Marks the user disabled (at `disabledAt`) or enabled (null); false when the tenant has no such user. */
  setUserDisabled(tenantId: number, userId: number, disabledAt: number | null): Promise<boolean>;
  /** A new tenant without apps; undefined when that subDomain is taken. */
  createTenant(subDomain: string, now: number): Promise<Tenant | undefined>;
  dashboardCounts(tenantIds: number[], now: number): Promise<DashboardCounts>;
  /**
   * Registrations and logins of China days `fromDay`..`toDay` (accounts/china-day.ts),
   * each as day -> count; days without any are absent.
   */
  dailyActivity(tenantIds: number[], fromDay: number, toDay: number): Promise<{ registrations: Map<number, number>; logins: Map<number, number> }>;
}

/** `%text%` for LIKE on a lowered column, with the text's own wildcards escaped (as the goods search does). */
function contains(column: "users.nick" | "users.mobile", text: string): Expression<SqlBool> {
  // lower() folds like JavaScript on both databases (see storage/dialects/sqlite.ts).
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<SqlBool>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
}

const MAX_UID = 2_147_483_647;

export function createConsoleAccountsStore(connection: Connection): ConsoleAccountsStore {
  const { db } = connection;

  const matching = (tenantId: number, q: string | undefined) => (eb: ExpressionBuilder<Database, "users">) => {
    const text = q?.trim() ?? "";
    const ofTenant = eb("users.tenant_id", "=", tenantId);
    if (!text) return ofTenant;
    const any: Expression<SqlBool>[] = [eb("users.openid", "=", text), contains("users.nick", text), contains("users.mobile", text)];
    if (/^\d{1,10}$/.test(text) && Number(text) <= MAX_UID) any.push(eb("users.id", "=", Number(text)));
    return eb.and([ofTenant, eb.or(any)]);
  };

  const consoleUsers = () =>
    db.selectFrom("users").selectAll("users").select((eb) => [
      // A user's sessions are deleted only at their next login, which is newer: the newest one is the last login.
      eb.selectFrom("sessions").select((s) => s.fn.max("sessions.created_at").as("m")).whereRef("sessions.user_id", "=", "users.id").as("last_login_at"),
    ]);

  type Row = Awaited<ReturnType<ReturnType<typeof consoleUsers>["execute"]>>[number];
  const toConsoleUser = (row: Row): ConsoleUser => ({
    ...toUser(row),
    lastLoginAt: row.last_login_at === null || row.last_login_at === undefined ? null : Number(row.last_login_at),
  });

  const count = async (query: { executeTakeFirstOrThrow(): Promise<{ n: string | number | bigint }> }) => Number((await query.executeTakeFirstOrThrow()).n);

  return {
    async searchUsers(tenantId, { q, offset, limit }) {
      const where = matching(tenantId, q);
      const rows = await consoleUsers().where(where).orderBy("users.id", "desc").limit(limit).offset(offset).execute();
      const total = await count(db.selectFrom("users").select((eb) => eb.fn.countAll().as("n")).where(where));
      return { items: rows.map(toConsoleUser), total };
    },
    async findConsoleUser(tenantId, uid) {
      const row = await consoleUsers().where("users.tenant_id", "=", tenantId).where("users.id", "=", uid).executeTakeFirst();
      return row && toConsoleUser(row);
    },
    async userFavorites(userId) {
      const rows = await db.selectFrom("favorites").innerJoin("goods", "goods.id", "favorites.goods_id")
        .select(["favorites.goods_id", "goods.name", "goods.pics", "favorites.created_at"])
        .where("favorites.user_id", "=", userId).orderBy("favorites.id", "desc").execute();
      return rows.map((r) => ({ goodsId: r.goods_id, goodsName: r.name, pic: firstPic(r.pics), createdAt: Number(r.created_at) }));
    },
    async userCart(userId) {
      const rows = await db.selectFrom("cart_items").innerJoin("goods", "goods.id", "cart_items.goods_id")
        .select(["cart_items.goods_id", "goods.name", "cart_items.number", "goods.price", "cart_items.sku_key"])
        .where("cart_items.user_id", "=", userId).orderBy("cart_items.id").execute();
      return rows.map((r) => ({ goodsId: r.goods_id, goodsName: r.name, number: r.number, price: Number(r.price), skuKey: r.sku_key }));
    },
    async liveSessions(userId, now) {
      const rows = await db.selectFrom("sessions").select(["id", "created_at", "expires_at"])
        .where("user_id", "=", userId).where("revoked_at", "is", null).where("expires_at", ">", now).orderBy("id", "desc").execute();
      return rows.map((r) => ({ id: r.id, createdAt: Number(r.created_at), expiresAt: Number(r.expires_at) }));
    },
    async setUserDisabled(tenantId, userId, disabledAt) {
      const result = await db.updateTable("users").set({ disabled_at: disabledAt }).where("tenant_id", "=", tenantId).where("id", "=", userId).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async createTenant(subDomain, now) {
      const row = await db.insertInto("tenants").values({ sub_domain: subDomain, created_at: now })
        .onConflict((oc) => oc.column("sub_domain").doNothing()).returning("id").executeTakeFirst();
      return row && { id: row.id, subDomain };
    },
    async dashboardCounts(tenantIds, now) {
      if (tenantIds.length === 0) return { users: 0, liveSessions: 0, goods: 0, favorites: 0 };
      const countOf = (table: "users" | "goods" | "favorites") =>
        count(db.selectFrom(table).select((eb) => eb.fn.countAll().as("n")).where("tenant_id", "in", tenantIds));
      const liveSessions = count(
        db.selectFrom("sessions").select((eb) => eb.fn.countAll().as("n"))
          .where("tenant_id", "in", tenantIds).where("revoked_at", "is", null).where("expires_at", ">", now),
      );
      const [users, sessions, goods, favorites] = await Promise.all([countOf("users"), liveSessions, countOf("goods"), countOf("favorites")]);
      return { users, liveSessions: sessions, goods, favorites };
    },
    async dailyActivity(tenantIds, fromDay, toDay) {
      if (tenantIds.length === 0) return { registrations: new Map(), logins: new Map() };
      // The China day of created_at, in SQL: integer division on both databases (the times are positive).
      const day = sql<number>`(${sql.ref("created_at")} + ${sql.lit(CHINA_OFFSET_MS)}) / ${sql.lit(DAY_MS)}`;
      const registered = await db.selectFrom("users").select((eb) => [day.as("day"), eb.fn.countAll().as("n")])
        .where("tenant_id", "in", tenantIds)
        .where("created_at", ">=", fromDay * DAY_MS - CHINA_OFFSET_MS)
        .where("created_at", "<", (toDay + 1) * DAY_MS - CHINA_OFFSET_MS)
        .groupBy(day).execute();
      const logins = await db.selectFrom("daily_logins").select((eb) => ["day", eb.fn.sum<number>("logins").as("n")])
        .where("tenant_id", "in", tenantIds).where("day", ">=", fromDay).where("day", "<=", toDay)
        .groupBy("day").execute();
      return {
        registrations: new Map(registered.map((r) => [Number(r.day), Number(r.n)])),
        logins: new Map(logins.map((r) => [Number(r.day), Number(r.n)])),
      };
    },
  };
}

function firstPic(pics: string): string {
  const [first] = parseJsonArray<unknown>(pics);
  return typeof first === "string" ? first : "";
}
