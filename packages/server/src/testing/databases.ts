/**
 * The databases the HTTP-level suites run on: `TEST_DATABASES` (a comma list),
 * both by default, so `npm test` and CI cover SQLite and PostgreSQL alike and a
 * developer can narrow a run with `TEST_DATABASES=sqlite`.
 */
export type TestDatabase = "sqlite" | "postgres";

const KNOWN: readonly TestDatabase[] = ["sqlite", "postgres"];

export function parseTestDatabases(value: string | undefined): TestDatabase[] {
  if (value === undefined || value.trim() === "") return [...KNOWN];
  const names = value.split(",").map((name) => name.trim().toLowerCase()).filter(Boolean);
  // A typo must not silently run nothing (or only one database) and pass.
  if (names.length === 0) throw new Error(`TEST_DATABASES: no database named in ${JSON.stringify(value)}`);
  const unknown = names.filter((name) => !KNOWN.includes(name as TestDatabase));
  if (unknown.length > 0) {
    throw new Error(`TEST_DATABASES: unknown database ${unknown.map((n) => JSON.stringify(n)).join(", ")} (known: ${KNOWN.join(", ")})`);
  }
  return KNOWN.filter((name) => names.includes(name));
}

export function testDatabases(): TestDatabase[] {
  return parseTestDatabases(process.env.TEST_DATABASES);
}

/**
 * For suites that need one database (a fleet needs PostgreSQL): the `skip`
 * option of their describe or test when TEST_DATABASES leaves it out, so a run
 * narrowed to SQLite needs no PostgreSQL and says what it skipped.
 */
export function onlyOn(database: TestDatabase): { skip?: string } {
  return testDatabases().includes(database) ? {} : { skip: `TEST_DATABASES leaves out ${database}` };
}
