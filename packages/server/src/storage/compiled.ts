import type { CompiledQuery, Compilable, Kysely, QueryResult } from "kysely";
import type { Database, Dialect } from "./schema";

/** What a driver can do without kysely's per-query machinery (SqliteDialect's `run` and `atomically`). */
export interface DirectDriver {
  /** Runs a compiled query outside transactions exactly as `db.executeQuery` would (no plugins). */
  run(query: CompiledQuery): QueryResult<unknown> | Promise<QueryResult<unknown>>;
  /** Runs `steps` as one transaction; `steps` is synchronous and runs its queries at once. */
  atomically<T>(steps: (run: (query: CompiledQuery) => QueryResult<unknown>) => T): Promise<T>;
}

/** An open database: kysely over it, its dialect, and its driver's direct path where it has one (SQLite). */
export interface Connection {
  db: Kysely<Database>;
  dialect: Dialect;
  direct?: DirectDriver;
}

/** Where a named parameter goes in a query being built: found again, by identity, among the compiled parameters. */
class Slot {
  constructor(readonly name: string) {}
}

export interface Compiled<Row, Params> {
  (params: Params): Promise<Row[]>;
  /** The query bound to `params`, for a `transaction()` step. */
  with(params: Params): CompiledQuery<Row>;
}

/**
 * A query built and compiled once; each call binds new values to its named
 * parameters. For the queries nearly every request runs (the token lookup,
 * the cart, a login's writes), kysely's building and compiling cost more
 * than the database's answer. Same query for every dialect, like any other.
 *
 *     const byOpenid = compiledOnce(connection, (p: { tenantId: number; openid: string }) =>
 *       db.selectFrom("users").selectAll().where("tenant_id", "=", p.tenantId).where("openid", "=", p.openid));
 *     const rows = await byOpenid({ tenantId, openid });
 *
 * Outside transactions, on SQLite, the call goes straight to the driver
 * (`Connection.direct`): it reaches the group commit at once, where a kysely
 * query takes a few microtasks. So of two queries asked in the same tick, the
 * second not awaiting the first, the compiled one (or a `transaction()`) may
 * run first; storage verbs await each query before asking the next.
 */
export function compiledOnce<Row, Params extends Record<string, unknown>>(
  connection: Connection,
  build: (params: Params) => Compilable<Row>,
): Compiled<Row, Params> {
  const slots = new Proxy({} as Params, { get: (_target, name) => new Slot(String(name)) });
  const compiled = build(slots).compile();
  // Each compiled parameter is either a named one's slot or a constant the query was built with.
  const names = compiled.parameters.map((value) => (value instanceof Slot ? value.name : undefined));
  const constants = compiled.parameters;
  const bind = (params: Params): CompiledQuery<Row> => ({
    ...compiled,
    parameters: names.map((name, i) => (name === undefined ? constants[i] : params[name])),
  });
  const { db, direct } = connection;
  const run = direct
    ? async (params: Params): Promise<Row[]> => (await direct.run(bind(params))).rows as Row[]
    : async (params: Params): Promise<Row[]> => (await db.executeQuery<Row>(bind(params))).rows;
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
export function transaction<T>(connection: Connection, steps: () => Steps<T>): Promise<T> {
  const { db, direct } = connection;
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
