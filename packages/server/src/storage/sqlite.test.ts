/** The SQLite driver's own rules (the conformance suite covers the verbs) and compiledOnce. */
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { test } from "node:test";
import { type Kysely, sql } from "kysely";
import { compiledOnce } from "./compiled";
import { connect } from "./connect";

const open = () => connect("sqlite::memory:").db as unknown as Kysely<{ t: { a: number; b: string } }>;

test("a query waits while another caller's transaction holds the connection, and never runs inside it", async () => {
  const db = open();
  try {
    await sql`create table t (a integer, b text)`.execute(db);
    const order: string[] = [];
    const transaction = db.transaction().execute(async (trx) => {
      await trx.insertInto("t").values({ a: 1, b: "x" }).execute();
      order.push("inserted");
      await sleep(20);
      order.push("rolling back");
      throw new Error("roll back");
    });
    await sleep(5);
    const outside = sql<{ count: number }>`select count(*) as count from t`.execute(db).then(({ rows }) => {
      order.push("counted");
      return rows[0].count;
    });
    await assert.rejects(transaction, /roll back/);
    assert.equal(await outside, 0, "the outside query ran after the rollback, not inside the transaction");
    assert.deepEqual(order, ["inserted", "rolling back", "counted"]);
  } finally {
    await db.destroy();
  }
});

test("many parallel queries all get their answer, in order", async () => {
  const db = open();
  try {
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => sql<{ n: number }>`select ${i} as n`.execute(db)));
    assert.deepEqual(answers.map(({ rows }) => rows[0].n), Array.from({ length: 200 }, (_, i) => i));
  } finally {
    await db.destroy();
  }
});

test("compiledOnce binds new values where the placeholders were, and refuses placeholders that are not the SQL's", async () => {
  const db = open();
  try {
    await sql`create table t (a integer, b text)`.execute(db);
    await sql`insert into t values (1, 'x'), (2, 'y'), (2, 'z')`.execute(db);
    const q = db.selectFrom("t").select("b").where("a", "=", -1).where("b", "!=", "?");
    const find = compiledOnce(db, q, [-1, "?"]);
    assert.deepEqual(await find(2, "y"), [{ b: "z" }]);
    assert.deepEqual(await find(1, "y"), [{ b: "x" }]);
    assert.throws(() => compiledOnce(db, q, ["?", -1]), /not the placeholders/);
    assert.throws(() => compiledOnce(db, q, [-1]), /not the placeholders/);
  } finally {
    await db.destroy();
  }
});
