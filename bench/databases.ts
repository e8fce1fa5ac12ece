/**
 * The configurations a bench run can use (`--database`). Each gives a fresh,
 * empty DATABASE_URL (and, for PostgreSQL, a REDIS_URL of its own) and
 * removes them afterwards, also when the run fails or is interrupted.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { claimRedisDatabase } from "./redis-db";

export interface PreparedDatabase {
  url: string;
  /** REDIS_URL for wegate; undefined = no Redis (in-process limits and caches). */
  redisUrl?: string;
  /** For the report: which Redis, which logical database. */
  redisDescribe?: string;
  /**
   * The database and Redis server processes whose CPU a scenario costs:
   * PostgreSQL's backends serving this database now, and the Redis server
   * (all of it: other users of the same Redis count too). SQLite runs inside
   * wegate: none.
   */
  serverPids?(): Promise<{ database: number[]; redis?: number }>;
  cleanup(): Promise<void>;
}

export interface BenchDatabase {
  /** For the report, e.g. "SQLite (better-sqlite3, WAL) in a temp file". */
  describe: string;
  /** Several `wegate serve` processes may serve it at once (SQLite: one server per file, enforced by a lock). */
  multiInstance: boolean;
  /** How many seeding calls run at once: PostgreSQL answers each over a round trip. */
  seedConcurrency: number;
  prepare(log: (line: string) => void): Promise<PreparedDatabase>;
}

/** The local PostgreSQL's maintenance database, where the bench creates and drops its own. */
const POSTGRES_ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
/** The URLs as they may be printed: without a user or password. */
const shown = (url: string) => url.replace(/\/\/[^@/]*@/, "//");

async function adminQuery<Row extends object = object>(text: string, values: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as Row[];
  } finally {
    await client.end();
  }
}

export const databases: Record<string, BenchDatabase> = {
  sqlite: {
    describe: "SQLite (better-sqlite3, WAL, synchronous=NORMAL), a fresh file under the OS temp dir",
    multiInstance: false,
    seedConcurrency: 1,
    async prepare() {
      const dir = await mkdtemp(join(tmpdir(), "wegate-bench-"));
      return { url: `sqlite:${join(dir, "wegate.db")}`, cleanup: () => rm(dir, { recursive: true, force: true }) };
    },
  },
  postgres: {
    describe: "PostgreSQL (pg, a pool of 10 per wegate process) on this machine, a fresh database",
    multiInstance: true,
    seedConcurrency: 10,
    async prepare(log) {
      // A database of its own (not a schema): wegate's URL stays plain, and dropping it leaves nothing behind.
      const name = `wegate_bench_${randomBytes(6).toString("hex")}`;
      await adminQuery(`create database ${name}`);
      log(`created PostgreSQL database ${name} (dropped at the end; if the bench is killed, drop it by hand)`);
      const dropDatabase = async () => {
        // FORCE: connections of a wegate process that did not close cleanly must not keep it.
        await adminQuery(`drop database if exists ${name} with (force)`);
        log(`dropped PostgreSQL database ${name}`);
      };
      let redis: Awaited<ReturnType<typeof claimRedisDatabase>>;
      try {
        redis = await claimRedisDatabase(REDIS_URL);
      } catch (error) {
        await dropDatabase();
        throw error;
      }
      log(`Redis: logical database ${redis.index} of ${shown(REDIS_URL)} (emptied at the end)`);
      const url = new URL(POSTGRES_ADMIN_URL);
      url.pathname = `/${name}`;
      return {
        url: url.toString(),
        redisUrl: redis.url,
        redisDescribe: `${shown(REDIS_URL)} on this machine, logical database ${redis.index}, key prefix wegate: (the server's default)`,
        async serverPids() {
          const rows = await adminQuery<{ pid: number }>("select pid from pg_stat_activity where datname = $1", [name]);
          return { database: rows.map((row) => row.pid), redis: redis.pid };
        },
        async cleanup() {
          const results = await Promise.allSettled([dropDatabase(), redis.release()]);
          const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
          if (failed.length) throw new Error(`cleaning up the bench's PostgreSQL or Redis failed: ${failed.map((f) => String(f.reason)).join("; ")}`);
        },
      };
    },
  },
};
