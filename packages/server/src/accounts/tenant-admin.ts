import type { Kysely } from "kysely";
import type { Database } from "../storage/schema";
import { AppidTakenError } from "./appid-taken";
import type { StoredApp, Tenant } from "./store";

export { AppidTakenError };


export interface TenantSummary extends Tenant {
  createdAt: number;
  apps: Array<{ appid: string; createdAt: number }>;
  users: number;
  goods: number;
}

/** What `removeTenant` deleted, table by table. */
export interface RemovedTenant {
  apps: number;
  users: number;
  sessions: number;
  goods: number;
  categories: number;
  favorites: number;
  cartItems: number;
}

/** The operator's verbs on whole tenants (`wegate tenant ...`): each one transaction. */
export interface TenantAdminStorage {
  /**
   * Creates the tenant if missing and adds (or re-keys) its app, atomically:
   * when the appid is another tenant's (AppidTakenError) nothing is left behind.
   */
  addTenantApp(subDomain: string, app: StoredApp, now: number): Promise<{ tenant: Tenant; tenantCreated: boolean; appAdded: boolean }>;
  describeTenant(subDomain: string): Promise<TenantSummary | undefined>;
  /** Removes the tenant and everything it owns, atomically; undefined when there is no such tenant. */
  removeTenant(subDomain: string): Promise<RemovedTenant | undefined>;
  /** Stops a tenant serving one of its apps (its users stay); false when it had no such app. */
  removeApp(tenantId: number, appid: string): Promise<boolean>;
}

export function createTenantAdminStorage(db: Kysely<Database>): TenantAdminStorage {
  return {
    addTenantApp(subDomain, app, now) {
      return db.transaction().execute(async (trx) => {
        const inserted = await trx.insertInto("tenants").values({ sub_domain: subDomain, created_at: now })
          .onConflict((oc) => oc.column("sub_domain").doNothing()).returning("id").executeTakeFirst();
        const tenant = await trx.selectFrom("tenants").select("id").where("sub_domain", "=", subDomain).executeTakeFirstOrThrow();
        const before = await trx.selectFrom("apps").select("id").where("appid", "=", app.appid).executeTakeFirst();
        // One statement decides who owns the appid: the update happens only
        // when it is this tenant's, so a parallel add for another tenant
        // cannot slip in between a check and the write.
        const saved = await trx.insertInto("apps").values({ tenant_id: tenant.id, appid: app.appid, secret_enc: app.secretEnc, created_at: now })
          .onConflict((oc) => oc.column("appid").doUpdateSet({ secret_enc: app.secretEnc }).where("apps.tenant_id", "=", tenant.id))
          .returning("id").executeTakeFirst();
        if (!saved) {
          const owner = await trx.selectFrom("apps").innerJoin("tenants", "tenants.id", "apps.tenant_id")
            .select("tenants.sub_domain").where("apps.appid", "=", app.appid).executeTakeFirst();
          // Thrown inside the transaction: the tenant created above is rolled back with it.
          throw new AppidTakenError(app.appid, owner?.sub_domain ?? "?");
        }
        return { tenant: { id: tenant.id, subDomain }, tenantCreated: inserted !== undefined, appAdded: before === undefined };
      });
    },

    async describeTenant(subDomain) {
      const tenant = await db.selectFrom("tenants").selectAll().where("sub_domain", "=", subDomain).executeTakeFirst();
      if (!tenant) return undefined;
      const apps = await db.selectFrom("apps").select(["appid", "created_at"]).where("tenant_id", "=", tenant.id).orderBy("id").execute();
      const count = async (table: "users" | "goods") =>
        Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as("n")).where("tenant_id", "=", tenant.id).executeTakeFirstOrThrow()).n);
      return {
        id: tenant.id,
        subDomain: tenant.sub_domain,
        createdAt: Number(tenant.created_at),
        apps: apps.map((a) => ({ appid: a.appid, createdAt: Number(a.created_at) })),
        users: await count("users"),
        goods: await count("goods"),
      };
    },

    async removeApp(tenantId, appid) {
      const result = await db.deleteFrom("apps").where("tenant_id", "=", tenantId).where("appid", "=", appid).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    removeTenant(subDomain) {
      return db.transaction().execute(async (trx) => {
        const tenant = await trx.selectFrom("tenants").select("id").where("sub_domain", "=", subDomain).executeTakeFirst();
        if (!tenant) return undefined;
        const tenantId = tenant.id;
        const usersOfTenant = trx.selectFrom("users").select("id").where("tenant_id", "=", tenantId);
        // Child rows first, each table named: the same on both databases,
        // whether or not the foreign keys' cascades are enforced.
        const removed = async (query: { executeTakeFirst(): Promise<{ numDeletedRows: bigint }> }) => Number((await query.executeTakeFirst()).numDeletedRows);
        const favorites = await removed(trx.deleteFrom("favorites").where("tenant_id", "=", tenantId));
        const cartItems = await removed(trx.deleteFrom("cart_items").where("tenant_id", "=", tenantId));
        const sessions = await removed(trx.deleteFrom("sessions").where("tenant_id", "=", tenantId));
        await trx.deleteFrom("wechat_sessions").where("user_id", "in", usersOfTenant).execute();
        const users = await removed(trx.deleteFrom("users").where("tenant_id", "=", tenantId));
        const goods = await removed(trx.deleteFrom("goods").where("tenant_id", "=", tenantId));
        const categories = await removed(trx.deleteFrom("categories").where("tenant_id", "=", tenantId));
        const apps = await removed(trx.deleteFrom("apps").where("tenant_id", "=", tenantId));
        await trx.deleteFrom("daily_logins").where("tenant_id", "=", tenantId).execute();
        await trx.deleteFrom("tenants").where("id", "=", tenantId).execute();
        return { apps, users, sessions, goods, categories, favorites, cartItems };
      });
    },
  };
}
