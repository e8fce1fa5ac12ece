import type { Connection } from "./compiled";
import { isPostgresUrl, openPostgres } from "./dialects/postgres";
import { isSqliteUrl, openSqlite } from "./dialects/sqlite";

export type { Connection } from "./compiled";

/** Opens the database named by DATABASE_URL: `sqlite:<file>`, `sqlite::memory:` or `postgres://...`. */
export function connect(databaseUrl: string, options: { poolSize?: number } = {}): Connection {
  if (isPostgresUrl(databaseUrl)) return openPostgres(databaseUrl, options);
  if (isSqliteUrl(databaseUrl)) return openSqlite(databaseUrl);
  throw new Error(`unsupported DATABASE_URL scheme: ${databaseUrl.split(":")[0]}`);
}
