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
 * better-sqlite3 for kysely, with two changes to kysely's own SQLite driver
 * that matter under load: statements are prepared once per SQL text (not on
 * every query), and writes are group-committed (see GroupCommit).
 */
export class SqliteDialect extends KyselySqliteDialect {
  readonly #db: SQLite.Database;
  #group: GroupCommit | undefined;

  constructor(db: SQLite.Database) {
    super({ database: db });
    this.#db = db;
  }

  override createDriver(): Driver {
    this.#group = new GroupCommit(this.#db);
    return new SqliteDriver(this.#group);
  }

  /**
   * Runs a compiled query outside any transaction, as kysely would, without
   * kysely's connection round (acquire, run, release: a few promises a query,
   * which the hot queries feel). For kysely instances without plugins.
   */
  readonly run = (query: CompiledQuery): QueryResult<unknown> | Promise<QueryResult<unknown>> => {
    const group = this.#started();
    return group.query(group.prepare(query.sql), query.parameters as unknown[]);
  };

  /**
   * A transaction without kysely's: `steps` runs its queries with `run`, at
   * once, synchronously (it must not await), as a savepoint of the turn's
   * write transaction, in its place among the turn's queries. If it throws,
   * its own writes are rolled back and the promise rejects; otherwise it
   * resolves with what `steps` returned, after the commit. Unlike a kysely
   * transaction, it takes no turn of the event loop for itself: a login's
   * statements run back to back with the rest of the batch.
   */
  readonly atomically = <T>(steps: (run: RunNow) => T): Promise<T> => this.#started().atomically(steps);

  #started(): GroupCommit {
    if (!this.#group) throw new Error("SqliteDialect: kysely has not created its driver yet");
    return this.#group;
  }
}

/** Settles once the turn's write transaction is committed (or rejects when it is not). */
interface Batch {
  committed: Promise<void>;
  settle(error?: unknown): void;
}

function newBatch(): Batch {
  let settle!: Batch["settle"];
  const committed = new Promise<void>((resolve, reject) => {
    settle = (error) => (error === undefined ? resolve() : reject(error));
  });
  // Its transactions await it; this only keeps a batch nobody waits for from crashing the process.
  committed.catch(() => {});
  return { committed, settle };
}

/** Runs a compiled query at once, inside `atomically`'s steps. */
export type RunNow = (query: CompiledQuery) => QueryResult<unknown>;

/**
 * A query (a statement and its values), or the steps of `atomically`, waiting
 * for the end of the turn; once run, its outcome waits for the commit.
 */
interface Queued {
  statement?: SQLite.Statement;
  parameters?: unknown[];
  steps?: (run: RunNow) => unknown;
  outcome?: { result: unknown } | { error: unknown };
  resolve(result: any): void;
  reject(error: unknown): void;
}

function execute(statement: SQLite.Statement, parameters: unknown[]): QueryResult<unknown> {
  if (statement.reader) return { rows: statement.all(parameters) };
  const { changes, lastInsertRowid } = statement.run(parameters);
  return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
}

/**
 * Group commit. A SQLite commit costs more than the statements it commits
 * (WAL frames, file locks, now and then a checkpoint), and a statement costs
 * several times more when request handling runs between two of them (the CPU
 * caches go cold). So the queries of one turn of the event loop wait for its
 * end (`setImmediate`), then run back to back, in the order they were asked,
 * in one write transaction, committed once.
 *
 * - No query is answered before that commit, reads included (they may have
 *   seen the turn's writes). A failed statement is undone by SQLite on its
 *   own and fails only its caller; if the commit fails, or SQLite rolls the
 *   whole transaction back (disk full, I/O error), every query of the batch
 *   fails and none of it is stored.
 * - A read in a quiet turn (nothing waiting, no transaction) runs at once.
 * - A kysely transaction needs its answers as it goes: it runs at once, as a
 *   savepoint in the turn's transaction (after the queries asked before it),
 *   and its rollback undoes its own writes only. One at a time; the commit
 *   waits for it, and its caller is answered after the commit too.
 * - `atomically` (a transaction whose steps need no awaiting) waits for the
 *   end of the turn like a query and runs there as a savepoint, in its place.
 */
class GroupCommit {
  readonly #db: SQLite.Database;
  readonly #begin: SQLite.Statement;
  readonly #commit: SQLite.Statement;
  readonly #rollback: SQLite.Statement;
  readonly #savepoint: SQLite.Statement;
  readonly #release: SQLite.Statement;
  readonly #rollbackToSavepoint: SQLite.Statement;
  readonly #statements = new Map<string, SQLite.Statement>();
  /** Asked this turn, not run yet. */
  #queued: Queued[] = [];
  /** Run in the open transaction, answered at its commit. */
  #ran: Queued[] = [];
  /** The turn's write transaction, when open. */
  #batch: Batch | undefined;
  #flushScheduled = false;
  /** A kysely transaction's savepoint is open; others wait in line, and so does the commit. */
  #inTransaction = false;
  readonly #transactionsWaiting: Array<() => void> = [];
  #flushWhenTransactionEnds = false;

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

  prepare(sql: string): SQLite.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      if (this.#statements.size >= STATEMENT_CACHE_SIZE) this.#statements.delete(this.#statements.keys().next().value!);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /** A query outside any transaction: run at once if it is a read in a quiet turn, else at the end of the turn. */
  query(statement: SQLite.Statement, parameters: unknown[]): QueryResult<unknown> | Promise<QueryResult<unknown>> {
    if (statement.readonly && !this.#batch && !this.#inTransaction && this.#queued.length === 0) return execute(statement, parameters);
    return new Promise((resolve, reject) => {
      this.#queued.push({ statement, parameters, resolve, reject });
      this.#scheduleFlush();
    });
  }

  /** See SqliteDialect.atomically. */
  atomically<T>(steps: (run: RunNow) => T): Promise<T> {
    return new Promise((resolve, reject) => {
      this.#queued.push({ steps, resolve, reject });
      this.#scheduleFlush();
    });
  }

  /** A query of the kysely transaction holding the savepoint: at once. */
  queryInTransaction(statement: SQLite.Statement, parameters: unknown[]): QueryResult<unknown> {
    try {
      return execute(statement, parameters);
    } catch (error) {
      if (!this.#db.inTransaction) this.#lose(error);
      throw error;
    }
  }

  /** Opens a savepoint for a kysely transaction; returns the batch whose commit its caller must wait for. */
  async beginTransaction(): Promise<Batch> {
    if (this.#inTransaction) await new Promise<void>((resolve) => this.#transactionsWaiting.push(resolve));
    this.#inTransaction = true;
    try {
      this.#runQueued();
      const batch = this.#batch ?? this.#open();
      this.#savepoint.run();
      return batch;
    } catch (error) {
      this.#handOn();
      throw error;
    }
  }

  endTransaction(outcome: "release" | "rollback") {
    this.#endSavepoint(outcome);
    this.#handOn();
  }

  /** Ends the open savepoint, undoing its writes first on a rollback. */
  #endSavepoint(outcome: "release" | "rollback") {
    // After SQLite rolled the whole batch back there is no savepoint left to end.
    if (!this.#db.inTransaction) return;
    if (outcome === "rollback") this.#rollbackToSavepoint.run();
    this.#release.run();
  }

  /** Runs and commits what is waiting, then closes the database. */
  close() {
    this.#inTransaction = false;
    this.#flush();
    this.#db.close();
  }

  #handOn() {
    const next = this.#transactionsWaiting.shift();
    if (next) return next(); // still this turn: the same batch
    this.#inTransaction = false;
    if (this.#flushWhenTransactionEnds) {
      this.#flushWhenTransactionEnds = false;
      this.#scheduleFlush();
    }
  }

  #open(): Batch {
    this.#begin.run();
    this.#batch = newBatch();
    this.#scheduleFlush();
    return this.#batch;
  }

  #scheduleFlush() {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(this.#flush);
  }

  /** Runs the queued queries, in order, in the open transaction (opened if one of them writes). */
  #runQueued() {
    if (this.#queued.length === 0) return;
    const queued = this.#queued;
    this.#queued = [];
    if (!this.#batch && queued.some((q) => !q.statement?.readonly)) this.#open();
    for (const [i, q] of queued.entries()) {
      try {
        q.outcome = { result: q.statement ? execute(q.statement, q.parameters!) : this.#runSteps(q.steps!) };
      } catch (error) {
        q.outcome = { error };
      }
      this.#ran.push(q);
      if (this.#batch && !this.#db.inTransaction) {
        this.#lose((q.outcome as { error: unknown }).error, queued.slice(i + 1));
        return;
      }
    }
    if (!this.#batch) this.#answer(undefined); // reads only, no transaction to wait for
  }

  readonly #runNow: RunNow = (query) => execute(this.prepare(query.sql), query.parameters as unknown[]);

  /** `atomically`'s steps, as a savepoint: rolled back to it if they throw. */
  #runSteps(steps: (run: RunNow) => unknown): unknown {
    this.#savepoint.run();
    try {
      const result = steps(this.#runNow);
      if (typeof (result as PromiseLike<unknown> | undefined)?.then === "function") throw new Error("atomically: the steps must not be async");
      this.#release.run();
      return result;
    } catch (error) {
      this.#endSavepoint("rollback");
      throw error;
    }
  }

  readonly #flush = () => {
    this.#flushScheduled = false;
    if (this.#inTransaction) {
      this.#flushWhenTransactionEnds = true;
      return;
    }
    this.#runQueued();
    const batch = this.#batch;
    if (!batch) return;
    this.#batch = undefined;
    try {
      this.#commit.run();
    } catch (error) {
      if (this.#db.inTransaction) this.#rollback.run();
      this.#answer(error);
      batch.settle(error);
      return;
    }
    this.#answer(undefined);
    batch.settle();
  };

  /** Hands every query that ran its outcome, or `error` for all when their transaction was lost. */
  #answer(error: unknown) {
    const ran = this.#ran;
    this.#ran = [];
    for (const q of ran) {
      const outcome = error === undefined ? q.outcome! : { error };
      if ("result" in outcome) q.resolve(outcome.result);
      else q.reject(outcome.error);
    }
  }

  /** SQLite rolled the whole transaction back: everything in it, and what was still to run, fails. */
  #lose(error: unknown, notRun: Queued[] = []) {
    const batch = this.#batch;
    this.#batch = undefined;
    this.#answer(error);
    for (const q of notRun) q.reject(error);
    batch?.settle(error);
  }
}

class SqliteDriver implements Driver {
  readonly #group: GroupCommit;

  constructor(group: GroupCommit) {
    this.#group = group;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new SqliteConnection(this.#group);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    // A transaction's caller is answered once the batch it ran in is committed.
    await (connection as SqliteConnection).transactionBatch?.committed;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    (connection as SqliteConnection).transactionBatch = await this.#group.beginTransaction();
  }

  async commitTransaction(): Promise<void> {
    this.#group.endTransaction("release");
  }

  async rollbackTransaction(): Promise<void> {
    this.#group.endTransaction("rollback");
  }

  async destroy(): Promise<void> {
    this.#group.close();
  }
}

/** One per query or transaction (kysely acquires one for each): queries go through the group commit. */
class SqliteConnection implements DatabaseConnection {
  readonly #group: GroupCommit;
  /** Set while this connection holds a kysely transaction. */
  transactionBatch: Batch | undefined;

  constructor(group: GroupCommit) {
    this.#group = group;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const statement = this.#group.prepare(compiledQuery.sql);
    const parameters = compiledQuery.parameters as unknown[];
    const result = this.transactionBatch ? this.#group.queryInTransaction(statement, parameters) : this.#group.query(statement, parameters);
    return result as QueryResult<R> | Promise<QueryResult<R>>;
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("wegate does not stream SQLite queries");
  }
}
