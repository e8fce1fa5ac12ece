import { withSessionCache } from "../sessions/cache";
import { withShopCache } from "../shop/cache";
import { type Connection, connect } from "./connect";
import { isSqliteUrl, sqliteChanges } from "./dialects/sqlite";
import { createStorage, type Storage } from "./storage";

/**
 * Opens DATABASE_URL and returns its Storage (call migrate() before use).
 * `cache` keeps sessions, carts and goods in memory (sessions/cache.ts,
 * shop/cache.ts): only for the one process that writes them, the server on
 * its locked SQLite file, which hears other processes' commits through
 * `PRAGMA data_version`.
 */
export function openStorage(databaseUrl: string, options: { cache?: boolean; connection?: Connection } = {}): Storage {
  if (options.cache && !isSqliteUrl(databaseUrl)) throw new Error("the in-memory caches are for a single server on SQLite");
  // `connection`: one already opened, which other stores (media) share; closed with this storage.
  const connection = options.connection ?? connect(databaseUrl);
  const storage = createStorage(connection);
  if (!options.cache) return storage;
  const changes = sqliteChanges(connection.db);
  return {
    ...storage,
    ...withSessionCache(storage, { changes }),
    ...withShopCache(storage, { changes }),
    // A removed tenant takes sessions, goods and carts with it: every cache forgets.
    async removeTenant(subDomain) {
      try {
        return await storage.removeTenant(subDomain);
      } finally {
        changes.emit({ kind: "everything" });
      }
    },
    async close() {
      await changes.close();
      await storage.close();
    },
  };
}
