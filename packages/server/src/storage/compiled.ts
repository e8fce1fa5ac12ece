import type { CompiledQuery, Compilable, Kysely, QueryResult } from "kysely";

type Run = (query: CompiledQuery) => QueryResult<unknown> | Promise<QueryResult<unknown>>;

/** Drivers that can run a compiled query without kysely's per-query connection round (see SqliteDialect.run). */
const directRuns = new WeakMap<Kysely<any>, Run>();

/** `run` executes `db`'s compiled queries outside transactions exactly as `db.executeQuery` would (no plugins). */
export function runCompiledDirectly(db: Kysely<any>, run: Run): void {
  directRuns.set(db, run);
}

/**
 * A query built and compiled once; each call binds new values where the
 * query was built with the `placeholders` (distinct values, in the order they
 * appear in the SQL). For the queries nearly every request runs (the token
 * lookup, the cart, a login's writes), kysely's building and compiling cost
 * more than the database's answer. Same query for every dialect, like any
 * other. `.in(trx)` runs it inside a transaction.
 *
 * Outside transactions, on SQLite, the call goes straight to the driver
 * (`runCompiledDirectly`): it reaches the group commit at once, where a kysely
 * query takes a few microtasks. So of two queries asked in the same tick, the
 * second not awaiting the first, the compiled one may run first; storage verbs
 * await each query before asking the next.
 */
export function compiledOnce<Row, Params extends unknown[]>(db: Kysely<any>, query: Compilable<Row>, placeholders: [...Params]) {
  const compiled = query.compile();
  const same = compiled.parameters.length === placeholders.length && compiled.parameters.every((value, i) => value === placeholders[i]);
  if (!same) throw new Error(`compiledOnce: the SQL's parameters ${JSON.stringify(compiled.parameters)} are not the placeholders`);
  const on = (executor: Kysely<any>) => async (...parameters: Params): Promise<Row[]> =>
    (await executor.executeQuery<Row>({ ...compiled, parameters })).rows;
  const direct = directRuns.get(db);
  const outside = direct
    ? async (...parameters: Params): Promise<Row[]> => (await direct({ ...compiled, parameters })).rows as Row[]
    : on(db);
  return Object.assign(outside, { in: on });
}
