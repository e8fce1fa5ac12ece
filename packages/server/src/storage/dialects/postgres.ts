import { createRequire } from "node:module";
import { Kysely, PostgresDialect } from "kysely";
import type { Connection } from "../compiled";
import type { Database } from "../schema";

/** Everything wegate knows of PostgreSQL, in one place: its URLs, its driver, its type parsers. */

const require = createRequire(import.meta.url);

export const isPostgresUrl = (databaseUrl: string) => databaseUrl.startsWith("postgres://") || databaseUrl.startsWith("postgresql://");

/** pg, loaded for the first PostgreSQL URL only: a SQLite server does not carry it (a few MB of memory). */
function loadPg(): typeof import("pg") {
  const pg = require("pg") as typeof import("pg");
  // PostgreSQL returns int8 (our epoch-ms columns and count(*)) as strings; epoch
  // milliseconds fit a double exactly, so parse them as numbers.
  pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));
  return pg;
}

export function openPostgres(databaseUrl: string, options: { poolSize?: number } = {}): Connection {
  const pool = new (loadPg().Pool)({ connectionString: databaseUrl, max: options.poolSize ?? 10 });
  // An idle client's connection can drop (a PostgreSQL restart); unhandled,
  // that 'error' event would crash the server. The pool replaces the client,
  // and queries in flight fail on their own and surface through /readyz.
  pool.on("error", () => {});
  return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), dialect: "postgres" };
}
