import type SQLite from "better-sqlite3";
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  SqliteDialect as KyselySqliteDialect,
} from "kysely";

/** Distinct SQL texts kept prepared; wegate has a few dozen, `in (?, ?, ...)` lists add some. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * better-sqlite3 for kysely, with three changes to kysely's own SQLite driver
 * that matter under load: statements are prepared once per SQL text (not on
 * every query), requests waiting for the single connection queue up in order
 * instead of all waking at every release, and writes are group-committed
 * (see GroupCommit).
 */
export class SqliteDialect extends KyselySqliteDialect {
  readonly #db: SQLite.Database;

  constructor(db: SQLite.Database) {
    super({ database: db });
    this.#db = db;
  }

  override createDriver(): Driver {
    return new SqliteDriver(this.#db);
  }
}

/** A write transaction shared by the queries of one turn of the event loop. */
interface Batch {
  /** Settles once the batch is committed (or rolled back: rejects). */
  committed: Promise<void>;
  settle(error?: unknown): void;
}

function newBatch(): Batch {
  let settle!: Batch["settle"];
  const committed = new Promise<void>((resolve, reject) => {
    settle = (error) => (error === undefined ? resolve() : reject(error));
  });
  // Every member awaits it; this only keeps a batch nobody waits for from crashing the process.
  committed.catch(() => {});
  return { committed, settle };
}

/**
 * Group commit. A SQLite commit costs more than the statements it commits
 * (WAL frames, file locks, now and then a checkpoint), so every query made
 * while a write transaction is open joins it, and it is committed once, at
 * the end of the turn of the event loop (`setImmediate`) that opened it.
 *
 * - No caller is answered before its writes are committed: a query that ran
 *   in a batch (a read too, since it may have seen the batch's writes) gets
 *   its result only when the batch is committed, and an error if it is not.
 * - A kysely transaction is a savepoint in the batch: its rollback undoes its
 *   own writes only. The batch is not committed while one is open.
 * - A failed statement is undone by SQLite on its own and fails only its
 *   caller, unless SQLite rolled the whole transaction back (disk full, I/O
 *   error): then every query of the batch fails.
 * - A read made while no batch is open runs on its own, as before.
 */
class GroupCommit {
  readonly #db: SQLite.Database;
  readonly #begin: SQLite.Statement;
  readonly #commit: SQLite.Statement;
  readonly #rollback: SQLite.Statement;
  readonly #savepoint: SQLite.Statement;
  readonly #release: SQLite.Statement;
  readonly #rollbackToSavepoint: SQLite.Statement;
  #batch: Batch | undefined;
  /** The batch the current holder of the connection ran queries in: it answers once that batch is committed. */
  #joined: Batch | undefined;
  /** A kysely transaction's savepoint is open: the batch waits for it. */
  #inSavepoint = false;
  #commitWhenReleased = false;

  constructor(db: SQLite.Database) {
    this.#db = db;
    // IMMEDIATE takes the write lock up front (waiting up to busy_timeout for
    // another process), so a batch cannot fail later on a lock.
    this.#begin = db.prepare("begin immediate");
    this.#commit = db.prepare("commit");
    this.#rollback = db.prepare("rollback");
    this.#savepoint = db.prepare("savepoint trx");
    this.#release = db.prepare("release trx");
    this.#rollbackToSavepoint = db.prepare("rollback to trx");
  }

  /** Runs a statement: in the open batch, or in a new one if it writes. */
  run<T>(statement: SQLite.Statement, execute: () => T): T {
    if (!this.#batch && !statement.readonly) this.#open();
    const batch = this.#batch;
    if (!batch) return execute();
    this.#joined = batch;
    try {
      return execute();
    } catch (error) {
      if (!this.#db.inTransaction) this.#fail(batch, error);
      throw error;
    }
  }

  beginSavepoint() {
    if (!this.#batch) this.#open();
    this.#joined = this.#batch;
    this.#savepoint.run();
    this.#inSavepoint = true;
  }

  endSavepoint(outcome: "release" | "rollback") {
    this.#inSavepoint = false;
    // After SQLite rolled the whole batch back there is no savepoint left to end.
    if (this.#db.inTransaction) {
      if (outcome === "rollback") this.#rollbackToSavepoint.run();
      this.#release.run();
    }
    if (this.#commitWhenReleased) {
      this.#commitWhenReleased = false;
      setImmediate(this.#commitNow);
    }
  }

  /** Called as the connection is handed on: what its holder must wait for before answering. */
  takeJoined(): Promise<void> | undefined {
    const joined = this.#joined;
    this.#joined = undefined;
    return joined?.committed;
  }

  #open() {
    this.#begin.run();
    this.#batch = newBatch();
    setImmediate(this.#commitNow);
  }

  #fail(batch: Batch, error: unknown) {
    if (this.#batch === batch) this.#batch = undefined;
    batch.settle(error);
  }

  readonly #commitNow = () => {
    const batch = this.#batch;
    if (!batch) return;
    if (this.#inSavepoint) {
      this.#commitWhenReleased = true;
      return;
    }
    this.#batch = undefined;
    try {
      this.#commit.run();
      batch.settle();
    } catch (error) {
      if (this.#db.inTransaction) this.#rollback.run();
      batch.settle(error);
    }
  };

  /** Commits what is open now (before the database is closed). */
  flush() {
    this.#inSavepoint = false;
    this.#commitNow();
  }
}

class SqliteDriver implements Driver {
  readonly #db: SQLite.Database;
  readonly #group: GroupCommit;
  readonly #connection: SqliteConnection;
  /** SQLite has one connection; a transaction holds it across awaits, so every query takes turns. */
  #busy = false;
  readonly #waiting: Array<() => void> = [];

  constructor(db: SQLite.Database) {
    this.#db = db;
    this.#group = new GroupCommit(db);
    this.#connection = new SqliteConnection(db, this.#group);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.#busy) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#busy = true;
    return this.#connection;
  }

  async releaseConnection(): Promise<void> {
    const committed = this.#group.takeJoined();
    const next = this.#waiting.shift();
    // Hand the connection straight to the next in line (it stays busy), so it
    // can join the same batch, and only then wait for the commit.
    if (next) next();
    else this.#busy = false;
    await committed;
  }

  async beginTransaction(): Promise<void> {
    this.#group.beginSavepoint();
  }

  async commitTransaction(): Promise<void> {
    this.#group.endSavepoint("release");
  }

  async rollbackTransaction(): Promise<void> {
    this.#group.endSavepoint("rollback");
  }

  async destroy(): Promise<void> {
    this.#group.flush();
    this.#db.close();
  }
}

class SqliteConnection implements DatabaseConnection {
  readonly #db: SQLite.Database;
  readonly #group: GroupCommit;
  readonly #statements = new Map<string, SQLite.Statement>();

  constructor(db: SQLite.Database, group: GroupCommit) {
    this.#db = db;
    this.#group = group;
  }

  #prepare(sql: string): SQLite.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      if (this.#statements.size >= STATEMENT_CACHE_SIZE) this.#statements.delete(this.#statements.keys().next().value!);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const statement = this.#prepare(compiledQuery.sql);
    const parameters = compiledQuery.parameters as unknown[];
    if (statement.reader) return { rows: this.#group.run(statement, () => statement.all(parameters)) as R[] };
    const { changes, lastInsertRowid } = this.#group.run(statement, () => statement.run(parameters));
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("wegate does not stream SQLite queries");
  }
}
