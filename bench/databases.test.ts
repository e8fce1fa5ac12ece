import assert from "node:assert/strict";
import { test } from "node:test";
import { Redis } from "ioredis";
import pg from "pg";
import { databases } from "./databases";
import { claimRedisDatabase } from "./redis-db";

const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";

test("--database postgres: a fresh database and an empty Redis database, both gone after cleanup", async () => {
  const prepared = await databases.postgres.prepare(() => {});
  const name = new URL(prepared.url).pathname.slice(1);
  assert.match(name, /^wegate_bench_[0-9a-f]{12}$/);
  // The database is usable as DATABASE_URL, and its backends are found for the CPU column.
  const client = new pg.Client({ connectionString: prepared.url });
  await client.connect();
  await client.query("create table t (id int)");
  const pids = await prepared.serverPids!();
  assert.ok(pids.database.includes((await client.query<{ pid: number }>("select pg_backend_pid() as pid")).rows[0].pid));
  await client.end();
  const redis = new Redis(prepared.redisUrl!);
  const admin = new pg.Client({ connectionString: process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres" });
  await admin.connect();
  try {
    assert.equal(await redis.dbsize(), 1, "only the claim marker");
    await redis.set("wegate:rate:anything", "1");

    await prepared.cleanup();
    const left = await admin.query("select 1 from pg_database where datname = $1", [name]);
    assert.equal(left.rowCount, 0, "database dropped");
    assert.equal(await redis.dbsize(), 0, "Redis database emptied");
  } finally {
    redis.disconnect();
    await admin.end();
  }
});

test("two runs at once never share a Redis database, and a release leaves the other's alone", async () => {
  const first = await claimRedisDatabase(REDIS_URL);
  const second = await claimRedisDatabase(REDIS_URL);
  try {
    assert.notEqual(first.index, second.index);
    const redis = new Redis(second.url);
    await redis.set("wegate:kept", "1");
    await first.release();
    assert.equal(await redis.get("wegate:kept"), "1");
    redis.disconnect();
  } finally {
    await Promise.all([first.release(), second.release()]);
  }
});

test("a Redis database holding someone else's keys is not claimed", async () => {
  const probe = await claimRedisDatabase(REDIS_URL);
  await probe.release();
  // The database the next claim would take, now with a foreign key (and no claim marker).
  const foreign = new Redis(probe.url);
  await foreign.set("someone:else", "1");
  try {
    const claimed = await claimRedisDatabase(REDIS_URL);
    await claimed.release();
    assert.notEqual(claimed.index, probe.index);
    assert.equal(await foreign.get("someone:else"), "1");
  } finally {
    await foreign.del("someone:else");
    foreign.disconnect();
  }
});
