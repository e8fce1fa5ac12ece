import { type CreateTableBuilder, type Kysely, type Migration, type MigrationProvider, Migrator, sql } from "kysely";
import type { Dialect } from "./schema";

/** Migrations live in code (no files to ship); ids sort by name. */
function migrations(dialect: Dialect): Record<string, Migration> {
  // Auto-increment ids are the one DDL difference between the two dialects.
  const withId = <T extends CreateTableBuilder<string, never>>(table: T) =>
    dialect === "postgres"
      ? table.addColumn("id", "serial", (c) => c.primaryKey())
      : table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
  return {
    "0001_login_core": {
      async up(db: Kysely<any>) {
        await withId(db.schema.createTable("tenants"))
          .addColumn("sub_domain", "varchar(63)", (c) => c.notNull().unique())
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .execute();
        await withId(db.schema.createTable("apps"))
          .addColumn("tenant_id", "integer", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
          .addColumn("appid", "varchar(64)", (c) => c.notNull().unique())
          .addColumn("secret_enc", "text", (c) => c.notNull())
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .execute();
        await withId(db.schema.createTable("users"))
          .addColumn("tenant_id", "integer", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
          .addColumn("openid", "varchar(128)", (c) => c.notNull())
          .addColumn("unionid", "varchar(128)")
          .addColumn("nick", "varchar(64)", (c) => c.notNull().defaultTo(""))
          .addColumn("avatar_url", "text", (c) => c.notNull().defaultTo(""))
          .addColumn("gender", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("city", "varchar(64)", (c) => c.notNull().defaultTo(""))
          .addColumn("province", "varchar(64)", (c) => c.notNull().defaultTo(""))
          .addColumn("country", "varchar(64)", (c) => c.notNull().defaultTo(""))
          .addColumn("mobile", "varchar(32)", (c) => c.notNull().defaultTo(""))
          .addColumn("referrer_id", "integer")
          .addColumn("ext", "text", (c) => c.notNull().defaultTo("{}"))
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addColumn("updated_at", "bigint", (c) => c.notNull())
          .addUniqueConstraint("users_tenant_openid", ["tenant_id", "openid"])
          .execute();
        await db.schema
          .createTable("wechat_sessions")
          .addColumn("user_id", "integer", (c) => c.primaryKey().references("users.id").onDelete("cascade"))
          .addColumn("session_key_enc", "text", (c) => c.notNull())
          .addColumn("updated_at", "bigint", (c) => c.notNull())
          .execute();
        await withId(db.schema.createTable("sessions"))
          .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
          .addColumn("tenant_id", "integer", (c) => c.notNull())
          .addColumn("token_hash", "varchar(64)", (c) => c.notNull().unique())
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addColumn("expires_at", "bigint", (c) => c.notNull())
          .addColumn("last_renewed_at", "bigint", (c) => c.notNull())
          .addColumn("revoked_at", "bigint")
          .execute();
        await db.schema.createIndex("sessions_user_live").on("sessions").columns(["user_id", "revoked_at"]).execute();
      },
      async down(db: Kysely<any>) {
        for (const table of ["sessions", "wechat_sessions", "users", "apps", "tenants"]) {
          await db.schema.dropTable(table).ifExists().execute();
        }
      },
    },
    "0002_shop": {
      async up(db: Kysely<any>) {
        await withId(db.schema.createTable("categories"))
          .addColumn("tenant_id", "integer", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
          .addColumn("name", "varchar(64)", (c) => c.notNull())
          .addColumn("sort", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addUniqueConstraint("categories_tenant_name", ["tenant_id", "name"])
          .execute();
        await withId(db.schema.createTable("goods"))
          .addColumn("tenant_id", "integer", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
          .addColumn("category_id", "integer", (c) => c.references("categories.id").onDelete("set null"))
          .addColumn("name", "varchar(128)", (c) => c.notNull())
          .addColumn("pics", "text", (c) => c.notNull().defaultTo("[]"))
          .addColumn("price", "integer", (c) => c.notNull())
          .addColumn("original_price", "integer", (c) => c.notNull())
          .addColumn("stock", "integer", (c) => c.notNull())
          .addColumn("content", "text", (c) => c.notNull().defaultTo(""))
          .addColumn("options", "text", (c) => c.notNull().defaultTo("[]"))
          .addColumn("number_fav", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("views", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("sort", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addColumn("updated_at", "bigint", (c) => c.notNull())
          // Import matches goods by name within a tenant, so re-importing a file updates in place.
          .addUniqueConstraint("goods_tenant_name", ["tenant_id", "name"])
          .execute();
        await db.schema.createIndex("goods_tenant_category").on("goods").columns(["tenant_id", "category_id"]).execute();
        await withId(db.schema.createTable("favorites"))
          .addColumn("tenant_id", "integer", (c) => c.notNull())
          .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
          .addColumn("goods_id", "integer", (c) => c.notNull().references("goods.id").onDelete("cascade"))
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addUniqueConstraint("favorites_user_goods", ["user_id", "goods_id"])
          .execute();
        await withId(db.schema.createTable("cart_items"))
          .addColumn("tenant_id", "integer", (c) => c.notNull())
          .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
          .addColumn("goods_id", "integer", (c) => c.notNull().references("goods.id").onDelete("cascade"))
          .addColumn("sku_key", "varchar(255)", (c) => c.notNull())
          .addColumn("number", "integer", (c) => c.notNull())
          .addColumn("selected", "integer", (c) => c.notNull().defaultTo(1))
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addColumn("updated_at", "bigint", (c) => c.notNull())
          .addUniqueConstraint("cart_items_line", ["user_id", "goods_id", "sku_key"])
          .execute();
      },
      async down(db: Kysely<any>) {
        for (const table of ["cart_items", "favorites", "goods", "categories"]) {
          await db.schema.dropTable(table).ifExists().execute();
        }
      },
    },
    "0003_sessions_of_user_covering": {
      // A login reads its user's sessions to end the oldest beyond the cap.
      // With expires_at in the index that read stays inside one index page
      // instead of fetching each session's row from the table.
      async up(db: Kysely<any>) {
        await db.schema.createIndex("sessions_of_user").on("sessions").columns(["user_id", "revoked_at", "expires_at"]).execute();
        await db.schema.dropIndex("sessions_user_live").execute();
      },
      async down(db: Kysely<any>) {
        await db.schema.createIndex("sessions_user_live").on("sessions").columns(["user_id", "revoked_at"]).execute();
        await db.schema.dropIndex("sessions_of_user").execute();
      },
    },
    "0004_meta": {
      // Holds a value sealed with WEGATE_SECRET, so a server started with
      // another key stops at once instead of failing requests (key-check.ts).
      async up(db: Kysely<any>) {
        await db.schema.createTable("meta")
          .addColumn("name", "varchar(64)", (c) => c.primaryKey())
          .addColumn("value", "text", (c) => c.notNull())
          .execute();
      },
      async down(db: Kysely<any>) {
        await db.schema.dropTable("meta").ifExists().execute();
      },
    },
    "0005_media_images": {
      // Uploaded images live in the database, so every instance serves every
      // file with no shared disk; named by the SHA-256 of their bytes within a
      // tenant, so the same picture uploaded twice is stored once.
      async up(db: Kysely<any>) {
        await db.schema.createTable("media_images")
          .addColumn("tenant_id", "integer", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
          .addColumn("hash", "varchar(64)", (c) => c.notNull())
          .addColumn("format", "varchar(8)", (c) => c.notNull())
          .addColumn("bytes", dialect === "postgres" ? "bytea" : "blob", (c) => c.notNull())
          .addColumn("size", "integer", (c) => c.notNull())
          .addColumn("width", "integer", (c) => c.notNull())
          .addColumn("height", "integer", (c) => c.notNull())
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addPrimaryKeyConstraint("media_images_pk", ["tenant_id", "hash"])
          .execute();
      },
      async down(db: Kysely<any>) {
        await db.schema.dropTable("media_images").ifExists().execute();
      },
    },
    "0006_operators": {
      // The operator console (admin/): its accounts, their sessions and what they did.
      async up(db: Kysely<any>) {
        await withId(db.schema.createTable("operators"))
          .addColumn("username", "varchar(64)", (c) => c.notNull().unique())
          .addColumn("password_hash", "text", (c) => c.notNull())
          .addColumn("tenant_id", "integer", (c) => c.references("tenants.id").onDelete("cascade"))
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addColumn("failed_logins", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("locked_until", "bigint")
          .addColumn("disabled", "integer", (c) => c.notNull().defaultTo(0))
          .execute();
        await withId(db.schema.createTable("admin_sessions"))
          .addColumn("token_hash", "varchar(64)", (c) => c.notNull().unique())
          .addColumn("operator_id", "integer", (c) => c.notNull().references("operators.id").onDelete("cascade"))
          .addColumn("csrf_token", "varchar(64)", (c) => c.notNull())
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addColumn("last_seen_at", "bigint", (c) => c.notNull())
          .addColumn("expires_at", "bigint", (c) => c.notNull())
          .addColumn("revoked_at", "bigint")
          .execute();
        // Kept when its operator is removed: the log outlives the account (operator_id then points nowhere).
        await withId(db.schema.createTable("audit_log"))
          .addColumn("operator_id", "integer")
          .addColumn("tenant_id", "integer")
          .addColumn("action", "varchar(64)", (c) => c.notNull())
          .addColumn("target", "varchar(255)", (c) => c.notNull())
          .addColumn("detail", "text", (c) => c.notNull().defaultTo("{}"))
          .addColumn("ip", "varchar(64)", (c) => c.notNull())
          .addColumn("at", "bigint", (c) => c.notNull())
          .execute();
        await db.schema.createIndex("audit_log_at").on("audit_log").columns(["at"]).execute();
      },
      async down(db: Kysely<any>) {
        for (const table of ["audit_log", "admin_sessions", "operators"]) {
          await db.schema.dropTable(table).ifExists().execute();
        }
      },
    },
    "0007_user_disabled": {
      // An operator can disable a mini program user (the console): their logins are refused.
      // And logins counted per tenant and China day for the console's dashboard: sessions
      // themselves cannot tell, a user's ended ones are deleted at their next login.
      async up(db: Kysely<any>) {
        await db.schema.alterTable("users").addColumn("disabled_at", "bigint").execute();
        await db.schema
          .createTable("daily_logins")
          .addColumn("tenant_id", "integer", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
          .addColumn("day", "integer", (c) => c.notNull())
          .addColumn("logins", "integer", (c) => c.notNull())
          .addPrimaryKeyConstraint("daily_logins_pk", ["tenant_id", "day"])
          .execute();
      },
      async down(db: Kysely<any>) {
        await db.schema.dropTable("daily_logins").ifExists().execute();
        await db.schema.alterTable("users").dropColumn("disabled_at").execute();
      },
    },
    "0008_goods_shelf": {
      // On or off the shelf (API Factory's status 0 上架 / 1 下架): off-shelf
      // goods stay in the console and in carts that hold them, and leave the shop's lists.
      async up(db: Kysely<any>) {
        await db.schema.alterTable("goods").addColumn("on_shelf", "integer", (c) => c.notNull().defaultTo(1)).execute();
      },
      async down(db: Kysely<any>) {
        await db.schema.alterTable("goods").dropColumn("on_shelf").execute();
      },
    },
    "0009_operator_totp": {
      // An operator's optional second factor (admin/totp.ts): the secret sealed with
      // WEGATE_SECRET, and the last time step used so a code works only once.
      async up(db: Kysely<any>) {
        await db.schema.alterTable("operators").addColumn("totp_secret_enc", "text").execute();
        await db.schema.alterTable("operators").addColumn("totp_last_step", "bigint").execute();
      },
      async down(db: Kysely<any>) {
        await db.schema.alterTable("operators").dropColumn("totp_last_step").execute();
        await db.schema.alterTable("operators").dropColumn("totp_secret_enc").execute();
      },
    },
  };
}

export async function createMigrator(db: Kysely<any>, dialect: Dialect): Promise<Migrator> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  // On PostgreSQL, name the schema the tables go to (the search_path's first):
  // without it kysely takes a migration table in ANY schema of the database
  // as ours, and another wegate's schema beside this one would hide it.
  const migrationTableSchema =
    dialect === "postgres" ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0].schema : undefined;
  return new Migrator({
    db,
    provider,
    migrationTableName: "wegate_migrations",
    migrationLockTableName: "wegate_migrations_lock",
    migrationTableSchema,
  });
}

/** Brings the schema to the latest version; returns the names applied now. */
export async function migrateToLatest(db: Kysely<any>, dialect: Dialect): Promise<string[]> {
  const { error, results } = await (await createMigrator(db, dialect)).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

export async function ping(db: Kysely<any>): Promise<void> {
  await sql`select 1`.execute(db);
}
