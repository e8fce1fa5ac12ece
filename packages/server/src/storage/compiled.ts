import type { Compilable, Kysely } from "kysely";

/**
 * A query built and compiled once; each call binds new values where the
 * query was built with the `placeholders` (distinct values, in the order they
 * appear in the SQL). For the queries nearly every request runs (the token
 * lookup, the cart, a login's writes), kysely's building and compiling cost
 * more than the database's answer. Same query for every dialect, like any
 * other. `.in(trx)` runs it inside a transaction.
 */
export function compiledOnce<Row, Params extends unknown[]>(db: Kysely<any>, query: Compilable<Row>, placeholders: [...Params]) {
  const compiled = query.compile();
  const same = compiled.parameters.length === placeholders.length && compiled.parameters.every((value, i) => value === placeholders[i]);
  if (!same) throw new Error(`compiledOnce: the SQL's parameters ${JSON.stringify(compiled.parameters)} are not the placeholders`);
  const on = (executor: Kysely<any>) => async (...parameters: Params): Promise<Row[]> =>
    (await executor.executeQuery<Row>({ ...compiled, parameters })).rows;
  return Object.assign(on(db), { in: on });
}
