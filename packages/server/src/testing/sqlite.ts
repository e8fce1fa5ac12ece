import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStorage } from "../storage/open";
import { type Storage } from "../storage/storage";

export interface TempSqlite {
  /** The temp directory (other database files may go in it too). */
  dir: string;
  /** The database file. */
  file: string;
  /** Its storage, migrated. */
  storage: Storage;
  /** Closes the storage and deletes the directory. */
  remove(): Promise<void>;
}

/** A migrated SQLite storage in a fresh temp directory. */
export async function tempSqliteStorage(name: string): Promise<TempSqlite> {
  const dir = mkdtempSync(join(tmpdir(), `wegate-${name}-`));
  const file = join(dir, "wegate.db");
  const storage = openStorage(`sqlite:${file}`);
  await storage.migrate();
  return {
    dir,
    file,
    storage,
    async remove() {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
