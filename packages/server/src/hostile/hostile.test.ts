/**
 * The hostile-input corpus (corpus.ts) against a real server on SQLite and on
 * PostgreSQL: each request gets exactly its expected status and envelope
 * code, the server stays up, and the rows stored before the run are the same
 * after it.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { errors } from "../errors";
import { type TestDatabase, testDatabases } from "../testing/databases";
import { type Harness, startHarness } from "../testing/harness";
import { documentedAdminRoutes, documentedTenantRoutes, hostileCorpus, type OpenApi, requestLineOf, uncoveredAdminRoutes, uncoveredRoutes } from "./corpus";
import { type Seeded, seedUsers, snapshot, type Snapshot } from "./fixtures";
import { describeResult, placeholders, runCase } from "./run-case";

const corpus = hostileCorpus();
const catalogueCodes = new Set(Object.values(errors).map((entry) => entry.code));

test("the corpus has at least 200 cases, each named once", () => {
  assert.ok(corpus.length >= 200, `${corpus.length} cases`);
  const names = corpus.map((c) => c.name);
  assert.deepEqual(names.filter((name, i) => names.indexOf(name) !== i), []);
});

test("every tenant route the API documents has cases in the corpus", async () => {
  const h = await startHarness();
  try {
    const documented = documentedTenantRoutes((await (await fetch(`${h.url}/openapi.json`)).json()) as OpenApi);
    assert.deepEqual(uncoveredRoutes(documented, corpus.flatMap((c) => requestLineOf(c) ?? [])), []);
  } finally {
    await h.close();
  }
});

test("every console route the API documents has cases in the corpus", async () => {
  const h = await startHarness();
  try {
    const documented = documentedAdminRoutes((await (await fetch(`${h.url}/openapi.json`)).json()) as OpenApi);
    assert.ok(documented.length >= 20, `${documented.length} console routes documented`);
    assert.deepEqual(uncoveredAdminRoutes(documented, corpus.flatMap((c) => requestLineOf(c) ?? [])), []);
  } finally {
    await h.close();
  }
});

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** Each database, and PostgreSQL with Redis as a fleet runs it (sessions, carts and goods cached in every instance). */
interface Setup {
  name: string;
  database: TestDatabase;
  redisUrl?: string;
}

const setups = testDatabases().flatMap<Setup>((database) =>
  database === "postgres" ? [{ name: database, database }, { name: "postgres + redis", database, redisUrl: REDIS_URL }] : [{ name: database, database }],
);

for (const { name, ...setup } of setups) {
  describe(`hostile corpus on ${name}`, () => {
    let h: Harness;
    let seeded: Seeded;
    let before_: Snapshot;
    before(async () => {
      h = await startHarness({ ...setup, demoCatalogue: true });
      seeded = await seedUsers(h);
      before_ = await snapshot(h, seeded);
    });
    after(() => h?.close());

    for (const c of corpus) {
      test(c.name, async () => {
        const result = await runCase(h, placeholders(h, seeded), c);
        const expected = `HTTP ${c.status}, code ${c.code}`;
        assert.equal(result.notEnvelope, undefined, `expected ${expected}; got ${describeResult(result)}`);
        if (c.code !== null) assert.ok(catalogueCodes.has(result.code!), `code ${result.code} is not in the catalogue`);
        assert.deepEqual({ status: result.status, code: result.code }, { status: c.status, code: c.code }, `got ${describeResult(result)}`);
      });
    }

    test("the server is still up and every stored row is as before", async () => {
      assert.equal((await h.get("/healthz")).body.code, 0);
      assert.deepEqual(await snapshot(h, seeded), before_);
    });
  });
}
