import type { CompiledQuery, Compilable, Kysely, QueryResult } from "kysely";

/** What a driver can do without kysely's per-query machinery (SqliteDialect's `run` and `atomically`). */
export interface DirectDriver {
  /** Runs a compiled query outside transactions exactly as `db.executeQuery` would (no plugins). */
  run(query: CompiledQuery): QueryResult<unknown> | Promise<QueryResult<unknown>>;
  /** Runs `steps` as one transaction; `steps` is synchronous and runs its queries at once. */
  atomically<T>(steps: (run: (query: CompiledQuery) => QueryResult<unknown>) => T): Promise<T>;
}

const directDrivers = new WeakMap<Kysely<any>, DirectDriver>();

export function useDirectDriver(db: Kysely<any>, driver: DirectDriver): void {
  directDrivers.set(db, driver);
}

/**
 * A query built and compiled once; each call binds new values where the
 * query was built with the `placeholders` (distinct values, in the order they
 * appear in the SQL). For the queries nearly every request runs (the token
 * lookup, the cart, a login's writes), kysely's building and compiling cost
 * more than the database's answer. Same query for every dialect, like any
 * other. `.with(...)` binds it for a `transaction()` step.
 *
 * Outside transactions, on SQLite, the call goes straight to the driver
 * (`useDirectDriver`): it reaches the group commit at once, where a kysely
 * query takes a few microtasks. So of two queries asked in the same tick, the
 * second not awaiting the first, the compiled one (or a `transaction()`) may
 * run first; storage verbs await each query before asking the next.
 */
export function compiledOnce<Row, Params extends unknown[]>(db: Kysely<any>, query: Compilable<Row>, placeholders: [...Params]) {
  const compiled = query.compile();
  const same = compiled.parameters.length === placeholders.length && compiled.parameters.every((value, i) => value === placeholders[i]);
  if (!same) throw new Error(`compiledOnce: the SQL's parameters ${JSON.stringify(compiled.parameters)} are not the placeholders`);
  const bind = (...parameters: Params): CompiledQuery<Row> => ({ ...compiled, parameters });
  const direct = directDrivers.get(db);
  const run = direct
    ? async (...parameters: Params): Promise<Row[]> => (await direct.run(bind(...parameters))).rows as Row[]
    : async (...parameters: Params): Promise<Row[]> => (await db.executeQuery<Row>(bind(...parameters))).rows;
  return Object.assign(run, { with: bind });
}

/** A transaction's steps: each `yield* rowsOf(query)` runs one query and gives its rows. */
type Steps<T> = Generator<CompiledQuery, T, unknown[]>;

export function* rowsOf<Row>(query: CompiledQuery<Row>): Generator<CompiledQuery, Row[], unknown[]> {
  return (yield query) as Row[];
}

/**
 * Runs `steps` in one transaction, written once for every dialect: on SQLite
 * synchronously inside the group commit (DirectDriver.atomically: no kysely
 * transaction, no event-loop turn of its own), elsewhere in a kysely
 * transaction, one awaited query after another.
 */
export function transaction<T>(db: Kysely<any>, steps: () => Steps<T>): Promise<T> {
  const direct = directDrivers.get(db);
  if (direct) {
    return direct.atomically((run) => {
      const running = steps();
      let step = running.next();
      while (!step.done) step = running.next(run(step.value).rows);
      return step.value;
    });
  }
  return db.transaction().execute(async (trx) => {
    const running = steps();
    let step = running.next();
    while (!step.done) step = running.next((await trx.executeQuery(step.value)).rows);
    return step.value;
  });
}
