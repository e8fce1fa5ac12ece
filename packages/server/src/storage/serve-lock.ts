import SQLite from "better-sqlite3";

export class AlreadyServingError extends Error {
  constructor(file: string) {
    super(
      `another wegate server is already serving ${file}. ` +
        "With SQLite, one server process serves a database (it keeps sessions in memory); " +
        "to run several instances, use PostgreSQL (DATABASE_URL=postgres://...) with REDIS_URL.",
    );
    this.name = "AlreadyServingError";
  }
}

export { sqliteFileOf } from "./dialects/sqlite";

/**
 * Claims a SQLite database for this server process until `release()` (or the
 * process's end: the operating system drops the lock, so a crash leaves none
 * behind). The lock is an exclusive lock on a small SQLite file beside the
 * database, `<file>-server.lock`; the CLI's commands (tenant, goods, migrate)
 * do not take it and keep working while the server runs.
 */
export function lockForServing(file: string): { release(): void } {
  const lock = new SQLite(`${file}-server.lock`, { timeout: 0 });
  try {
    // In exclusive locking mode the lock taken by the first write is kept;
    // the file holds nothing, so it needs no journal beside it.
    lock.pragma("journal_mode = OFF");
    lock.pragma("locking_mode = EXCLUSIVE");
    lock.exec("BEGIN EXCLUSIVE; COMMIT");
  } catch (error) {
    lock.close();
    if ((error as { code?: string }).code === "SQLITE_BUSY") throw new AlreadyServingError(file);
    throw error;
  }
  return { release: () => lock.close() };
}
