import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, sql } from "kysely";
import { type ChangeFeed, pollingFeed } from "../changes";
import type { Connection } from "../compiled";
import type { Database } from "../schema";
import { SqliteDialect } from "../sqlite";

/** Everything wegate knows of SQLite, in one place: its URLs, how it is opened, how other processes' writes are heard. */

export const isSqliteUrl = (databaseUrl: string) => databaseUrl.startsWith("sqlite:");

/** The SQLite file a `sqlite:` DATABASE_URL names; undefined for PostgreSQL and in-memory databases. */
export function sqliteFileOf(databaseUrl: string): string | undefined {
  if (!isSqliteUrl(databaseUrl)) return undefined;
  const path = databaseUrl.slice("sqlite:".length);
  return path === ":memory:" ? undefined : resolve(path);
}

/** `sqlite:<file>` or `sqlite::memory:`, opened as the server uses it. */
export function openSqlite(databaseUrl: string): Connection {
  const file = sqliteFileOf(databaseUrl);
  if (file) mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SQLite(file ?? ":memory:");
  // WAL lets readers (and the CLI) work while the server writes; NORMAL sync is
  // durable across process crashes, which is what a login store needs.
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  // better-sqlite3 builds SQLite with a large page cache. The server answers
  // token checks, carts and goods from its own caches, so SQLite mostly needs
  // the pages writes touch; a small cache holds them, and the RSS saved pays
  // for V8's larger young generation (BENCHMARKS.md).
  sqlite.pragma("cache_size = -4000");
  // SQLite's lower() folds ASCII letters only; PostgreSQL's folds every
  // script. Name searches (`nameLike`) lower both sides, so on SQLite "été"
  // would not find "ÉTÉ": the same folding as JavaScript's on both databases.
  sqlite.function("lower", { deterministic: true }, (value: unknown) => (typeof value === "string" ? value.toLowerCase() : value));
  const dialect = new SqliteDialect(sqlite);
  return { db: new Kysely<Database>({ dialect }), dialect: "sqlite", direct: dialect };
}

/** Other processes' commits, heard through `PRAGMA data_version` (it moves when another connection commits). */
export function sqliteChanges(db: Kysely<Database>): ChangeFeed {
  return pollingFeed(async () => (await sql<{ data_version: number }>`pragma data_version`.execute(db)).rows[0].data_version);
}
