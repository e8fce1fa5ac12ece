import { type ConsoleAccountsStore, createConsoleAccountsStore } from "../accounts/admin-queries";
import { type AccountsStore, createAccountsStore } from "../accounts/store";
import { createSealedStorage, type SealedStorage } from "../accounts/sealed";
import { createTenantAdminStorage, type TenantAdminStorage } from "../accounts/tenant-admin";
import { createSessionsStore, type SessionsStore } from "../sessions/store";
import { createShopStorage, type ShopStorage } from "../shop/store";
import type { Connection } from "./compiled";
import { migrateToLatest, ping } from "./migrations";
import type { Dialect } from "./schema";

export type { NewUser, StoredApp, Tenant, User, UserPatch, UserProfile } from "../accounts/store";
export type { NewSession, Session } from "../sessions/store";

/** The database itself: its schema, whether it answers, closing it. */
export interface Lifecycle {
  readonly dialect: Dialect;
  migrate(): Promise<string[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Every store over one database, one per concern: accounts (tenants, apps,
 * users, session_keys, and the operator's verbs on them), the console's
 * reads of users and shops, sessions, shop (goods, favorites, carts). Each
 * has its own interface, its own kysely implementation for SQLite and
 * PostgreSQL and, where a server keeps one, its own cache wrapper (openStorage).
 */
export type Storage = Lifecycle & AccountsStore & TenantAdminStorage & ConsoleAccountsStore & SealedStorage & SessionsStore & ShopStorage;

/** The stores over `db`, uncached. */
export function createStorage(connection: Connection): Storage {
  const { db, dialect } = connection;
  return {
    dialect,
    migrate: () => migrateToLatest(db, dialect),
    ping: () => ping(db),
    close: () => db.destroy(),
    ...createAccountsStore(connection),
    ...createTenantAdminStorage(db),
    ...createConsoleAccountsStore(connection),
    ...createSealedStorage(db),
    ...createSessionsStore(connection),
    ...createShopStorage(connection),
  };
}

