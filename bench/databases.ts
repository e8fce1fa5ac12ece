/**
 * The databases a bench run can use (`--database`). Each gives a fresh, empty
 * DATABASE_URL and removes it afterwards. Only SQLite (wegate's default) for
 * now; a PostgreSQL entry would create and drop a schema or database here.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface BenchDatabase {
  /** For the report, e.g. "SQLite (better-sqlite3, WAL) in a temp file". */
  describe: string;
  prepare(): Promise<{ url: string; cleanup(): Promise<void> }>;
}

export const databases: Record<string, BenchDatabase> = {
  sqlite: {
    describe: "SQLite (better-sqlite3, WAL, synchronous=NORMAL), a fresh file under the OS temp dir",
    async prepare() {
      const dir = await mkdtemp(join(tmpdir(), "wegate-bench-"));
      return { url: `sqlite:${join(dir, "wegate.db")}`, cleanup: () => rm(dir, { recursive: true, force: true }) };
    },
  },
};
