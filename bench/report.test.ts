import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { type BenchReport, judge, markdownTable, type ScenarioResult, TARGETS, updateBenchmarksDoc } from "./report";
import type { Measured } from "./scenarios";

const clean: Measured = { rps: 1000, peakRps: 1100, p50: 1, p99: 5, errors: 0, non2xx: 0, requests: 10_000 };

test("SQLite: a scenario misses once it falls more than 10 % below its reference ratio", () => {
  const context = { targets: TARGETS.sqlite, ratios: {} };
  // check-token's reference is 0.85: 0.765 is the lowest ratio kept.
  assert.deepEqual(judge({ name: "check-token" }, clean, 0.77, context), []);
  assert.deepEqual(judge({ name: "check-token" }, clean, 0.76, context), ["ratio 0.76 < 0.765"]);
  assert.deepEqual(judge({ name: "cart-info" }, clean, 0.64, context), []);
  assert.deepEqual(judge({ name: "cart-info" }, clean, 0.62, context), ["ratio 0.62 < 0.63"]);
  assert.deepEqual(judge({ name: "check-token" }, { ...clean, p99: 11 }, 0.9, context), ["p99 11 ms > 10 ms"]);
});

test("authorize is judged against the login floor of the same run, on both configurations", () => {
  for (const database of ["sqlite", "postgres"]) {
    const context = { targets: TARGETS[database], ratios: { "login-floor": 0.2 } };
    assert.deepEqual(judge({ name: "authorize" }, clean, 0.12, context), [], database);
    assert.deepEqual(judge({ name: "authorize" }, clean, 0.1, context), ["0.50 of the login floor < 0.55"], database);
    assert.deepEqual(judge({ name: "authorize" }, clean, 0.1, { ...context, ratios: {} }), ["login-floor not measured in this run"], database);
  }
});

test("PostgreSQL: one-instance targets, and several instances must serve at least as much as one", () => {
  const context = { targets: TARGETS.postgres, ratios: { "check-token": 0.62, "cart-info": 0.5 } };
  assert.deepEqual(judge({ name: "check-token" }, clean, 0.62, context), []);
  assert.deepEqual(judge({ name: "check-token" }, clean, 0.55, context), ["ratio 0.55 < 0.60"]);
  assert.deepEqual(judge({ name: "cart-add" }, clean, 0.19, context), ["ratio 0.19 < 0.20"]);
  assert.deepEqual(judge({ name: "check-token-x2", oneInstance: "check-token" }, clean, 0.7, context), []);
  assert.deepEqual(judge({ name: "check-token-x2", oneInstance: "check-token" }, clean, 0.6, context), ["ratio 0.60 < 0.62 (one instance)"]);
  assert.deepEqual(judge({ name: "cart-info-x2", oneInstance: "cart-info" }, { ...clean, errors: 3, non2xx: 2 }, 0.6, context), ["3 errors", "2 non-2xx"]);
});

function report(databaseKey: string, rps: number): BenchReport {
  const result: ScenarioResult = { ...clean, rps, name: "check-token", route: "GET /user/check-token", instances: 1, baselineRps: 2000, ratio: rps / 2000, misses: [] };
  return {
    date: "2026-12-04T00:00:00.000Z",
    machine: { cpu: "test", cores: 2, ramGb: 1, node: "v20", os: "test", loadAverage: 0 },
    settings: { databaseKey, database: databaseKey, rateLimits: "on", connections: 50, durationSeconds: 10, warmupSeconds: 2, users: 1, cartUsers: 1, seedSeconds: 1 },
    baselineRps: 2000,
    results: [result],
    wegateRss: {},
    allMet: true,
    misses: [],
  };
}

test("BENCHMARKS.md keeps one section per configuration: a run replaces its own only", () => {
  const path = join(mkdtempSync(join(tmpdir(), "bench-doc-")), "BENCHMARKS.md");
  writeFileSync(path, "# Benchmarks\n\n## SQLite\n\n<!-- bench:results:start -->\nold sqlite\n<!-- bench:results:end -->\n\n## PostgreSQL\n\n<!-- bench:results:postgres:start -->\nold postgres\n<!-- bench:results:postgres:end -->\n");
  updateBenchmarksDoc(path, report("postgres", 1234));
  let doc = readFileSync(path, "utf8");
  assert.match(doc, /start -->\nold sqlite\n<!-- bench:results:end/);
  assert.doesNotMatch(doc, /old postgres/);
  assert.match(doc, /bench:results:postgres:start -->\nLatest run[^]*\| 1234 \|[^]*<!-- bench:results:postgres:end -->\n$/);
  updateBenchmarksDoc(path, report("sqlite", 4321));
  doc = readFileSync(path, "utf8");
  assert.doesNotMatch(doc, /old sqlite/);
  assert.match(doc, /<!-- bench:results:start -->\nLatest run[^]*\| 4321 \|[^]*<!-- bench:results:end -->\n\n## PostgreSQL/);
  assert.match(doc, /\| 1234 \|/);
});

test("the PostgreSQL / Redis CPU column appears only when a run measured it", () => {
  const sqlite = report("sqlite", 1000);
  assert.doesNotMatch(markdownTable(sqlite), /PostgreSQL \/ Redis CPU/);
  const postgres = report("postgres", 1000);
  postgres.results[0].databaseCpuUsPerRequest = 42;
  postgres.results[0].redisCpuUsPerRequest = 7;
  assert.match(markdownTable(postgres), /PostgreSQL \/ Redis CPU µs\/req[^]*\| 42 \/ 7 \|/);
});
