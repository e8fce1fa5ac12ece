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
const build = spawnSync("npm", ["run", "build", "--silent"], { cwd: root, stdio: "inherit" });
if (build.status !== 0) {
  console.error("build failed");
  process.exit(build.status ?? 1);
}
const result = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", ...files], { cwd: root, stdio: "inherit" });
process.exit(result.status ?? 1);
