/** The SQLite driver's own rules (the conformance suite covers the verbs) and compiledOnce. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, test } from "node:test";
import SQLite from "better-sqlite3";
import { type Kysely, sql } from "kysely";
import { compiledOnce, type Connection, rowsOf, transaction } from "./compiled";
import { connect } from "./connect";

type T = Kysely<{ t: { a: number; b: string } }>;
const open = () => connect("sqlite::memory:").db as unknown as T;
/** A connection's kysely seen with the test table's type. */
const tableOf = (connection: Connection) => connection.db as unknown as T;

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

test("compiledOnce binds each call's values to its named parameters, wherever they stand in the SQL; constants stay", async () => {
  const connection = connect("sqlite::memory:");
  const db = tableOf(connection);
  try {
    await sql`create table t (a integer, b text)`.execute(db);
    await sql`insert into t values (1, 'x'), (2, 'y'), (2, 'z'), (3, 'k')`.execute(db);
    // `b` is used twice and named after `a` in the SQL; 3 is a constant of the query.
    const find = compiledOnce(connection, (p: { b: string; a: number }) =>
      db.selectFrom("t").select("b").where("a", "=", p.a).where("b", "!=", p.b).where("b", "<=", p.b).where("a", "<", 3),
    );
    assert.deepEqual(await find({ a: 2, b: "z" }), [{ b: "y" }]);
    assert.deepEqual(await find({ b: "y", a: 1 }), [{ b: "x" }]);
    assert.deepEqual(await find({ a: 3, b: "z" }), [], "the constant 3 is kept");
    assert.deepEqual(find.with({ a: 2, b: "q" }).parameters, [2, "q", "q", 3]);
  } finally {
    await connection.db.destroy();
  }
});

describe("group commit: the writes of one turn of the event loop share one transaction", () => {
  let dir: string;
  let connection: Connection;
  let db: T;
  /** Another connection to the same file: it sees only what is committed. */
  let other: SQLite.Database;
  const committedRows = () => (other.prepare("select a from t order by a").all() as Array<{ a: number }>).map((r) => r.a);
  const insert = (a: number, executor: Kysely<{ t: { a: number; b: string } }> = db) => executor.insertInto("t").values({ a, b: "x" }).execute();
  /** The same insert and count, compiled once. */
  const compiled = () => ({
    insertCompiled: compiledOnce(connection, (p: { a: number; b: string }) => db.insertInto("t").values({ a: p.a, b: p.b }).returning("a")),
    count: compiledOnce(connection, (p: { above: number }) => db.selectFrom("t").select((eb) => eb.fn.countAll<number>().as("n")).where("a", ">", p.above)),
  });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "wegate-group-commit-"));
    connection = connect(`sqlite:${join(dir, "t.db")}`);
    db = tableOf(connection);
    await sql`create table t (a integer primary key, b text not null)`.execute(db);
    other = new SQLite(join(dir, "t.db"));
  });
  afterEach(async () => {
    other.close();
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  test("no write answers before all of its turn's writes are committed together", async () => {
    const seenByOther: number[][] = [];
    const writes = Array.from({ length: 20 }, (_, i) => insert(i + 1).then(() => seenByOther.push(committedRows())));
    assert.deepEqual(committedRows(), [], "nothing is committed while the turn runs");
    await Promise.all(writes);
    const all = Array.from({ length: 20 }, (_, i) => i + 1);
    assert.equal(seenByOther.length, 20);
    for (const seen of seenByOther) assert.deepEqual(seen, all, "each write answered after the one commit of all 20");
  });

  test("a turn's queries run in the order they were asked, a transaction after the queries asked before it", async () => {
    await insert(1);
    const count = (executor: Kysely<{ t: { a: number; b: string } }> = db) =>
      sql<{ n: number }>`select count(*) as n from t`.execute(executor).then(({ rows }) => rows[0].n);
    const first = count();
    const written = insert(2);
    const after = count();
    const inTransaction = db.transaction().execute(async (trx) => {
      const seen = await count(trx);
      await insert(3, trx);
      return seen;
    });
    const last = count();
    assert.deepEqual(await Promise.all([first, after, inTransaction, last]), [1, 2, 2, 3]);
    await written;
    assert.deepEqual(committedRows(), [1, 2, 3]);
  });

  test("a transaction that fails rolls back its own writes only; a failed statement fails only its caller", async () => {
    await insert(1);
    const results = await Promise.allSettled([
      insert(2),
      db.transaction().execute(async (trx) => {
        await insert(3, trx);
        throw new Error("changed my mind");
      }),
      insert(1), // primary key taken
      db.transaction().execute(async (trx) => {
        await insert(4, trx);
        await sleep(10); // a real wait inside a transaction: the batch waits for it
        await insert(5, trx);
      }),
      insert(6),
    ]);
    assert.deepEqual(results.map((r) => r.status), ["fulfilled", "rejected", "rejected", "fulfilled", "fulfilled"]);
    assert.match(String((results[2] as PromiseRejectedResult).reason), /UNIQUE|PRIMARY KEY/);
    assert.deepEqual(committedRows(), [1, 2, 4, 5, 6]);
  });

  test("when the commit fails, every query of the batch fails and nothing of it is stored", async () => {
    // A deferred foreign key is checked at commit: one bad row fails the whole commit.
    await sql`create table parent (id integer primary key)`.execute(db);
    await sql`create table child (id integer primary key, parent_id integer references parent (id) deferrable initially deferred)`.execute(db);
    await sql`insert into parent (id) values (1)`.execute(db);
    await insert(1);
    const results = await Promise.allSettled([
      insert(2),
      sql`insert into child (id, parent_id) values (1, 99)`.execute(db),
      sql`select count(*) as n from t`.execute(db),
    ]);
    assert.deepEqual(results.map((r) => r.status), ["rejected", "rejected", "rejected"], "the read saw uncommitted rows: it fails too");
    assert.match(String((results[0] as PromiseRejectedResult).reason), /FOREIGN KEY/);
    assert.deepEqual(committedRows(), [1], "what was stored before is still there");
    await insert(3);
    assert.deepEqual(committedRows(), [1, 3], "the next turn writes again");
  });

  test("compiledOnce queries skip kysely's connection round and keep the group commit's rules: order, one commit", async () => {
    const { insertCompiled, count: countCompiled } = compiled();
    await insert(1);
    const seenByOther: number[][] = [];
    const answers = await Promise.all([
      insertCompiled({ a: 2, b: "y" }).then((rows) => (seenByOther.push(committedRows()), rows)),
      countCompiled({ above: 0 }),
      insert(3).then(() => seenByOther.push(committedRows())),
    ]);
    assert.deepEqual(answers.slice(0, 2), [[{ a: 2 }], [{ n: 2 }]], "each query saw the ones asked before it");
    assert.deepEqual(seenByOther, [[1, 2, 3], [1, 2, 3]], "answered after the one commit of the turn");
    await assert.rejects(insertCompiled({ a: 2, b: "again" }), /UNIQUE|PRIMARY KEY/);
    assert.deepEqual(await countCompiled({ above: 0 }), [{ n: 3 }]);
  });

  test("transaction(): its steps run at once, in their place in the turn, as a savepoint; answered after the one commit", async () => {
    const { insertCompiled, count } = compiled();
    await insert(1);
    const seenByOther: number[][] = [];
    const results = await Promise.allSettled([
      insertCompiled({ a: 2, b: "y" }),
      transaction(connection, function* () {
        const [{ a }] = yield* rowsOf(insertCompiled.with({ a: 3, b: "z" }));
        const [{ n }] = yield* rowsOf(count.with({ above: 0 }));
        return { a, n };
      }).then((answer) => (seenByOther.push(committedRows()), answer)),
      transaction(connection, function* () {
        yield* rowsOf(insertCompiled.with({ a: 4, b: "z" }));
        yield* rowsOf(insertCompiled.with({ a: 1, b: "taken" })); // primary key taken: this transaction's writes go, 4 included
      }),
      count({ above: 0 }),
      insert(5),
    ]);
    assert.deepEqual(results.map((r) => r.status), ["fulfilled", "fulfilled", "rejected", "fulfilled", "fulfilled"]);
    const value = (i: number) => (results[i] as PromiseFulfilledResult<unknown>).value;
    assert.deepEqual(value(1), { a: 3, n: 3 }, "the steps saw the write asked before them");
    assert.deepEqual(value(3), [{ n: 3 }], "the failed transaction left nothing; the read after it sees the first one");
    assert.match(String((results[2] as PromiseRejectedResult).reason), /UNIQUE|PRIMARY KEY/);
    assert.deepEqual(seenByOther, [[1, 2, 3, 5]], "answered after the commit of the whole turn");
    assert.deepEqual(committedRows(), [1, 2, 3, 5]);
  });

  test("transaction() refuses steps that are not synchronous, and stores none of their writes", async () => {
    const { insertCompiled } = compiled();
    await assert.rejects(
      transaction(connection, function* () {
        yield* rowsOf(insertCompiled.with({ a: 7, b: "x" }));
        return Promise.resolve("later") as unknown as string;
      }),
      /must not be async/,
    );
    assert.deepEqual(committedRows(), []);
  });

  test("a read in a turn without writes answers at once; in a turn with writes it waits for their commit", async () => {
    await insert(1);
    let turnEnded = false;
    setImmediate(() => (turnEnded = true));
    assert.equal((await sql<{ n: number }>`select count(*) as n from t`.execute(db)).rows[0].n, 1);
    assert.equal(turnEnded, false, "the read alone did not wait for the end of the turn");

    const writing = insert(2);
    const reading = sql<{ n: number }>`select count(*) as n from t`.execute(db);
    assert.equal((await reading).rows[0].n, 2);
    assert.deepEqual(committedRows(), [1, 2], "the read that saw the write answered after its commit");
    await writing;
  });
});
