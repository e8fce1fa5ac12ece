import assert from "node:assert/strict";
import { test } from "node:test";
import { parseTestDatabases } from "./databases";

test("TEST_DATABASES: both by default, a comma list narrows, unknown names fail loudly", () => {
  assert.deepEqual(parseTestDatabases(undefined), ["sqlite", "postgres"]);
  assert.deepEqual(parseTestDatabases(""), ["sqlite", "postgres"]);
  assert.deepEqual(parseTestDatabases("sqlite"), ["sqlite"]);
  assert.deepEqual(parseTestDatabases(" postgres "), ["postgres"]);
  assert.deepEqual(parseTestDatabases("postgres,sqlite"), ["sqlite", "postgres"]);
  assert.throws(() => parseTestDatabases("sqlite,postgress"), /unknown database "postgress"/);
  assert.throws(() => parseTestDatabases("mysql"), /unknown database "mysql"/);
  assert.throws(() => parseTestDatabases(","), /no database/);
});
