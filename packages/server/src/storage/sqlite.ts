import type SQLite from "better-sqlite3";
import {
  CompiledQuery,
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
 * every query), and requests waiting for the single connection queue up in
 * order instead of all waking at every release.
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

class SqliteDriver implements Driver {
  readonly #db: SQLite.Database;
  readonly #connection: SqliteConnection;
  /** SQLite has one connection; a transaction holds it across awaits, so every query takes turns. */
  #busy = false;
  readonly #waiting: Array<() => void> = [];

  constructor(db: SQLite.Database) {
    this.#db = db;
    this.#connection = new SqliteConnection(db);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.#busy) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#busy = true;
    return this.#connection;
  }

  async releaseConnection(): Promise<void> {
    const next = this.#waiting.shift();
    // Hand the connection straight to the next in line (it stays busy).
    if (next) next();
    else this.#busy = false;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin"));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("commit"));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("rollback"));
  }

  async destroy(): Promise<void> {
    this.#db.close();
  }
}

class SqliteConnection implements DatabaseConnection {
  readonly #db: SQLite.Database;
  readonly #statements = new Map<string, SQLite.Statement>();

  constructor(db: SQLite.Database) {
    this.#db = db;
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
    if (statement.reader) return { rows: statement.all(parameters) as R[] };
    const { changes, lastInsertRowid } = statement.run(parameters);
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("wegate does not stream SQLite queries");
  }
}
