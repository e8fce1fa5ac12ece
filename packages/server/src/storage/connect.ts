import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, PostgresDialect } from "kysely";
import { createRequire } from "node:module";
import type { Database, Dialect } from "./schema";
import { sqliteFileOf } from "./serve-lock";
import { useDirectDriver } from "./compiled";
import { SqliteDialect } from "./sqlite";

export interface Connection {
  db: Kysely<Database>;
  dialect: Dialect;
}

const require = createRequire(import.meta.url);

/** pg, loaded for the first PostgreSQL URL only: a SQLite server does not carry it (a few MB of memory). */
function loadPg(): typeof import("pg") {
  const pg = require("pg") as typeof import("pg");
  // PostgreSQL returns int8 (our epoch-ms columns and count(*)) as strings; epoch
  // milliseconds fit a double exactly, so parse them as numbers.
  pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));
  return pg;
}

/** Opens the database named by DATABASE_URL: `sqlite:<file>`, `sqlite::memory:` or `postgres://...`. */
export function connect(databaseUrl: string, options: { poolSize?: number } = {}): Connection {
  if (databaseUrl.startsWith("postgres://") || databaseUrl.startsWith("postgresql://")) {
    const pool = new (loadPg().Pool)({ connectionString: databaseUrl, max: options.poolSize ?? 10 });
    // An idle client's connection can drop (a PostgreSQL restart); unhandled,
    // that 'error' event would crash the server. The pool replaces the client,
    // and queries in flight fail on their own and surface through /readyz.
    pool.on("error", () => {});
    return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), dialect: "postgres" };
  }
  if (!databaseUrl.startsWith("sqlite:")) throw new Error(`unsupported DATABASE_URL scheme: ${databaseUrl.split(":")[0]}`);
  const file = sqliteFileOf(databaseUrl);
  if (file) mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SQLite(file ?? ":memory:");
  // WAL lets readers (and the CLI) work while the server writes; NORMAL sync is
  // durable across process crashes, which is what a login store needs.
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  // better-sqlite3 builds SQLite with a 16 MB page cache. The server answers
  // token checks, carts and goods from its own caches, so SQLite mostly needs
  // the pages writes touch; 4 MB holds them, and the 12 MB of RSS saved pay
  // for V8's larger young generation (BENCHMARKS.md).
  sqlite.pragma("cache_size = -4000");
  const dialect = new SqliteDialect(sqlite);
  const db = new Kysely<Database>({ dialect });
  useDirectDriver(db, dialect);
  return { db, dialect: "sqlite" };
}
