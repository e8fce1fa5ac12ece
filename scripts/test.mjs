#!/usr/bin/env node
// Builds what tests load as built (the SDK's dist, the demo mini program's JS),
// then runs every test file (packages/*/src/**/*.test.ts and e2e/**/*.test.ts)
// with node:test through tsx. Node 20's --test does not expand globs itself.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === "node_modules" || entry.name === "dist") return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith(".test.ts") ? [relative(root, path)] : [];
  });
}

// Optional filters: `npm test -- server e2e` runs files whose path contains a word.
const filters = process.argv.slice(2);
const files = [...readdirSync(join(root, "packages")).flatMap((p) => testFiles(join(root, "packages", p, "src"))), ...testFiles(join(root, "e2e"))]
  .filter((file) => filters.length === 0 || filters.some((word) => file.includes(word)))
  .sort();
if (files.length === 0) {
  console.error("no test files found");
  process.exit(1);
}
// TEST_DATABASES picks the databases the HTTP-level suites run on (both by
// default; packages/server/src/testing/databases.ts reads it): a typo stops
// the run here, before the build, rather than failing every test file.
const databases = (process.env.TEST_DATABASES ?? "").split(",").map((name) => name.trim().toLowerCase()).filter(Boolean);
const unknown = databases.filter((name) => name !== "sqlite" && name !== "postgres");
if (unknown.length > 0 || (databases.length === 0 && process.env.TEST_DATABASES?.trim())) {
  console.error(`TEST_DATABASES: unknown database in ${JSON.stringify(process.env.TEST_DATABASES)} (known: sqlite, postgres)`);
  process.exit(1);
}
console.log(`databases: ${databases.length > 0 ? [...new Set(databases)].join(", ") : "sqlite, postgres"}`);
const build = spawnSync("npm", ["run", "build", "--silent"], { cwd: root, stdio: "inherit" });
if (build.status !== 0) {
  console.error("build failed");
  process.exit(build.status ?? 1);
}
const result = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", ...files], { cwd: root, stdio: "inherit" });
process.exit(result.status ?? 1);
