import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestDatabase } from "./databases";
import { freshPostgresSchema } from "./postgres";

/** An empty database of the kind asked: a SQLite file in a temp directory, or a PostgreSQL schema of its own. */
export async function freshDatabase(database: TestDatabase, name = "test"): Promise<{ url: string; cleanup(): Promise<void> }> {
  if (database === "postgres") {
    const schema = await freshPostgresSchema();
    return { url: schema.url, cleanup: () => schema.drop() };
  }
  const dir = mkdtempSync(join(tmpdir(), `wegate-${name}-`));
  return { url: `sqlite:${join(dir, "test.db")}`, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}
