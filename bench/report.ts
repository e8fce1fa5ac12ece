/** Targets, the Markdown table, the JSON file and BENCHMARKS.md. */
import { readFileSync, writeFileSync, existsSync, mkdirSync } from "node:fs";
import { cpus, loadavg, release, totalmem, type } from "node:os";
import { dirname } from "node:path";
import type { Measured } from "./scenarios";
import { CART_LINES } from "./seed";

/** Ratios to the baseline's req/s measured in the same run (issue 5). */
export const TARGETS: Record<string, { ratio: number; p99Ms?: number }> = {
  "check-token": { ratio: 0.7, p99Ms: 10 },
  "cart-info": { ratio: 0.5 },
  "cart-add": { ratio: 0.35 },
  authorize: { ratio: 0.2 },
};
export const RSS_LIMIT_MB = 150;
/** Scenarios measured for comparison only, on the baseline server: no target. */
const REFERENCES: Record<string, string> = { "login-floor": "reference for authorize" };

export interface ScenarioResult extends Measured {
  name: string;
  route: string;
  /** What the ratio is to: the mean of the baseline runs just before and after the scenario (for a baseline run, of all of them). */
  baselineRps: number;
  /** req/s over baselineRps. */
  ratio: number;
  /** The serving process's resident memory right after the scenario. */
  rssMb?: number;
  /** The serving process's CPU time (user + system) per request; steadier than req/s on a busy machine. */
  cpuUsPerRequest?: number;
  /** The WeChat simulator's CPU time per request (only the login scenarios call it). */
  simCpuUsPerRequest?: number;
  /** The bench process's CPU time per request: autocannon, the load generator. */
  loadCpuUsPerRequest?: number;
  /** How busy all the machine's cores were during the run, 0-1 (/proc/stat): near 1, the machine itself is the limit. */
  machineBusy?: number;
  /** Target misses, empty when every target of the scenario is met. */
  misses: string[];
}

export interface Machine {
  cpu: string;
  cores: number;
  ramGb: number;
  node: string;
  os: string;
  /** 1-minute load average when the run started: above ~0.5, something else was using the CPU. */
  loadAverage: number;
}

export interface BenchReport {
  date: string;
  machine: Machine;
  settings: { database: string; connections: number; durationSeconds: number; warmupSeconds: number; users: number; cartUsers: number; seedSeconds: number };
  /** The mean of all the baseline's runs (one before each scenario and one after the last). */
  baselineRps: number;
  results: ScenarioResult[];
  /** wegate's resident memory right after its last scenario, and its peak. */
  wegateRss: { afterMb?: number; peakMb?: number };
  /** Every target met, zero errors and non-2xx everywhere, RSS under the limit. */
  allMet: boolean;
  misses: string[];
}

export function describeMachine(): Machine {
  let cpu = cpus()[0]?.model ?? "unknown";
  let os = `${type()} ${release()}`;
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpu;
    const pretty = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(readFileSync("/etc/os-release", "utf8"))?.[1];
    if (pretty) os = `${pretty} (${type()} ${release()})`;
  } catch {
    // not Linux: os.cpus() and os.type() are enough
  }
  return { cpu, cores: cpus().length, ramGb: Math.round((totalmem() / 2 ** 30) * 10) / 10, node: process.version, os, loadAverage: loadavg()[0] };
}

/** What a scenario misses, given its ratio to the baseline. */
export function judge(name: string, measured: Measured, ratio: number): string[] {
  const misses: string[] = [];
  if (measured.errors > 0) misses.push(`${measured.errors} errors`);
  if (measured.non2xx > 0) misses.push(`${measured.non2xx} non-2xx`);
  const target = TARGETS[name];
  if (!target) return misses;
  if (ratio < target.ratio) misses.push(`ratio ${ratio.toFixed(2)} < ${target.ratio}`);
  if (target.p99Ms !== undefined && measured.p99 > target.p99Ms) misses.push(`p99 ${measured.p99} ms > ${target.p99Ms} ms`);
  return misses;
}

const fixed = (value: number | undefined, digits: number) => (value === undefined || Number.isNaN(value) ? "-" : value.toFixed(digits));

function targetText(name: string): string {
  const target = TARGETS[name];
  if (!target) return REFERENCES[name] ?? "ceiling";
  return `>= ${target.ratio.toFixed(2)}${target.p99Ms === undefined ? "" : `, p99 <= ${target.p99Ms} ms`}`;
}

export function markdownTable(report: BenchReport): string {
  const rows = report.results.map(
    (r) =>
      `| ${r.name} | \`${r.route}\` | ${Math.round(r.rps)} | ${fixed(r.p50, 0)} | ${fixed(r.p99, 0)} | ${r.errors} | ${r.non2xx} | ${fixed(r.ratio, 2)} | ${fixed(r.cpuUsPerRequest, 0)} | ${fixed(r.simCpuUsPerRequest, 0)} / ${fixed(r.loadCpuUsPerRequest, 0)} | ${fixed(r.machineBusy === undefined ? undefined : r.machineBusy * 100, 0)} | ${fixed(r.rssMb, 0)} | ${targetText(r.name)} | ${r.misses.length ? `no: ${r.misses.join("; ")}` : "yes"} |`,
  );
  const rss = report.wegateRss;
  return [
    "| scenario | route | req/s | p50 ms | p99 ms | errors | non-2xx | ratio to baseline | server CPU µs/req | simulator / load CPU µs/req | machine busy % | RSS MB | target | met |",
    "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|---|",
    ...rows,
    "",
    "The baseline runs before each scenario and after the last; a scenario's ratio is to the mean of the baseline runs just before and after it, " +
      `a baseline run's to the mean of all of them (${Math.round(report.baselineRps)} req/s). ` +
      `wegate server RSS after the run: ${fixed(rss.afterMb, 0)} MB (peak ${fixed(rss.peakMb, 0)} MB; limit ${RSS_LIMIT_MB} MB). ` +
      (report.allMet ? "**All targets met.**" : `**Targets missed:** ${report.misses.join("; ")}.`),
  ].join("\n");
}

function resultsSection(report: BenchReport): string {
  const { machine, settings } = report;
  return [
    `Latest run: ${report.date}`,
    "",
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.ramGb} GB RAM; ${machine.os}; Node ${machine.node}; ` +
      `load average ${machine.loadAverage.toFixed(2)} at the start`,
    `- Database: ${settings.database}`,
    `- ${settings.connections} connections, ${settings.durationSeconds} s per scenario after a ${settings.warmupSeconds} s warm-up; ` +
      `${settings.users.toLocaleString("en-US")} users with a live token (${settings.cartUsers.toLocaleString("en-US")} of them with a ${CART_LINES}-line cart), ` +
      `seeded in ${settings.seedSeconds.toFixed(1)} s`,
    "",
    markdownTable(report),
  ].join("\n");
}

const START = "<!-- bench:results:start -->";
const END = "<!-- bench:results:end -->";

/** Replaces the results between the markers in BENCHMARKS.md; the rest of the file is prose kept by hand. */
export function updateBenchmarksDoc(path: string, report: BenchReport): void {
  const section = `${START}\n${resultsSection(report)}\n${END}`;
  const current = existsSync(path) ? readFileSync(path, "utf8") : `# Benchmarks\n\nRun \`npm run bench\`.\n\n${START}\n${END}\n`;
  const start = current.indexOf(START);
  const end = current.indexOf(END);
  const next = start >= 0 && end > start ? current.slice(0, start) + section + current.slice(end + END.length) : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(path, next);
}

export function writeJson(path: string, report: BenchReport): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(report, null, 2) + "\n");
}
