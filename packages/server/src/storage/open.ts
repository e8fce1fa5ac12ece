import { withSessionCache } from "../sessions/cache";
import { withShopCache } from "../shop/cache";
import type { ChangeFeed } from "./changes";
import { type Connection, connect } from "./connect";
import { isSqliteUrl, sqliteChanges } from "./dialects/sqlite";
import { createStorage, type Storage } from "./storage";

/**
 * Opens DATABASE_URL and returns its Storage (call migrate() before use).
 * `cache` keeps sessions, carts and goods in memory (sessions/cache.ts,
 * shop/cache.ts), kept right by what `changes` hears: on SQLite, the one
 * server on its locked file hears other processes' commits through
 * `PRAGMA data_version`; on PostgreSQL, instances tell each other what they
 * change through Redis (storage/redis-changes.ts), so a cache needs that feed.
 */
export function openStorage(databaseUrl: string, options: { cache?: boolean; changes?: ChangeFeed; connection?: Connection } = {}): Storage {
  if (options.cache && !isSqliteUrl(databaseUrl) && !options.changes) throw new Error("on PostgreSQL the in-memory caches need REDIS_URL: instances tell each other what changed through it");
  // `connection`: one already opened, which other stores (media) share; closed with this storage.
  const connection = options.connection ?? connect(databaseUrl);
  const storage = createStorage(connection);
  if (!options.cache) return storage;
  const changes = options.changes ?? sqliteChanges(connection.db);
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
        changes.publish({ kind: "everything" });
      }
    },
    async close() {
      await changes.close();
      await storage.close();
    },
  };
}
