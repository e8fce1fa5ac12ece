/**
 * `npm run bench`: wegate under load against a bare-fastify baseline, in one run.
 *
 *   npm run bench -- [--duration 10] [--warmup 2] [--connections 50] [--database sqlite|postgres]
 *                    [--instances 2] [--out bench/results/latest.json] [--cpu-prof] [--no-doc]
 *                    [--only check-token,cart-info] [--node-flags=--max-semi-space-size=16]
 *                    [--server-log wegate.log] [--rate-limits on|off]
 *
 * Starts the baseline server, the WeChat simulator, the login floor (a bare
 * route with one code2Session, authorize's reference) and `wegate serve` as
 * separate processes, seeds users, tokens, goods and carts, measures each
 * scenario, prints a Markdown table, writes JSON and updates BENCHMARKS.md.
 * `--cpu-prof` profiles the wegate process (see bench/profile-summary.ts);
 * `--only` runs some scenarios (and the baseline, which the ratios need) and
 * leaves BENCHMARKS.md alone, and so does `--node-flags` (extra flags for the
 * wegate process, to try V8 settings). `--server-log` appends what the wegate
 * process prints to a file (with `--node-flags=--trace-gc`, its collections).
 * Rate limits are on, as `npm start` has them, except that the per-IP ones
 * are raised: every request of the bench comes from 127.0.0.1.
 * `--rate-limits off` measures without them (RATE_LIMITS=off).
 *
 * `--database postgres` runs wegate on a fresh PostgreSQL database and an
 * empty Redis logical database (bench/databases.ts), both removed afterwards;
 * then the limiter counts in Redis. After the one-instance scenarios it starts
 * `--instances` - 1 more `wegate serve` processes on the same database and
 * Redis (2 in all unless told) and measures the token check, the cart and
 * the cart add again with the connections spread over all of them
 * (`check-token-x2`...).
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { databases } from "./databases";
import { type BenchReport, describeMachine, judge, markdownTable, RSS_LIMIT_MB, type ScenarioResult, TARGETS, updateBenchmarksDoc, writeJson } from "./report";
import { load, type Measured, onInstances, probe, type Scenario, scenarios } from "./scenarios";
import { seed } from "./seed";
import { type BenchProcess, cpuSecondsOf, killAllNow, machineBusySeconds, startBaseline, startSim, startWegate, stopAll } from "./servers";

const root = fileURLToPath(new URL("..", import.meta.url));
const TENANT = "bench";
const USERS = 10_000;
const CART_USERS = 2_000;
/**
 * Single-use request lists are sized for this multiple of the expected
 * requests: the machine's speed can double between the warm-up and the run,
 * and a list that runs out sends used codes (non-2xx).
 */
const MARGIN = 3;
/**
 * Requests of a single-use scenario's warm-up (its throughput is not known
 * yet): enough for a few seconds, so its busiest second is not a cold start.
 */
const SINGLE_USE_WARMUP = 20_000;
/** The scenarios measured again on several instances. */
const MULTI_INSTANCE_SCENARIOS = ["check-token", "cart-info", "cart-add"];

const { values: args } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    warmup: { type: "string", default: "2" },
    connections: { type: "string", default: "50" },
    database: { type: "string", default: "sqlite" },
    out: { type: "string" },
    "cpu-prof": { type: "boolean", default: false },
    "no-doc": { type: "boolean", default: false },
    only: { type: "string" },
    "node-flags": { type: "string", default: "" },
    "server-log": { type: "string" },
    "rate-limits": { type: "string", default: "on" },
    instances: { type: "string" },
  },
});

function positive(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number, got "${raw}"`);
  return value;
}

const duration = positive("duration", args.duration);
const warmup = positive("warmup", args.warmup);
const connections = Math.round(positive("connections", args.connections));
const only = args.only?.split(",").map((name) => name.trim());
const rateLimits = args["rate-limits"];
if (rateLimits !== "on" && rateLimits !== "off") throw new Error(`--rate-limits must be on or off, got "${rateLimits}"`);
const updateDoc = !args["no-doc"] && !only && !args["node-flags"] && rateLimits === "on";
const database = databases[args.database];
if (!database) throw new Error(`--database must be one of: ${Object.keys(databases).join(", ")}`);
const instances = Math.round(positive("instances", args.instances ?? (database.multiInstance ? "2" : "1")));
if (instances > 1 && !database.multiInstance) throw new Error(`--instances ${instances}: ${args.database} is served by one process (use --database postgres)`);

const mb = (bytes: number | undefined) => (bytes === undefined ? undefined : bytes / 2 ** 20);
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

/** The database's and Redis's server processes, when they are not wegate itself (bench/databases.ts). */
let serverPids: (() => Promise<{ database: number[]; redis?: number }>) | undefined;

/** CPU seconds of each pid now (those /proc shows). */
function cpuByPid(pids: number[]): Map<number, number> {
  const cpu = new Map<number, number>();
  for (const pid of pids) {
    const seconds = cpuSecondsOf(pid);
    if (seconds !== undefined) cpu.set(pid, seconds);
  }
  return cpu;
}

/**
 * Measures the CPU the database server (its backends for this database) and
 * Redis spend while `run` runs. A backend that started during the run counts
 * whole; one that ended during it is lost (the pools keep theirs open under load).
 */
async function backingCpu<T>(run: () => Promise<T>): Promise<{ value: T; databaseSeconds?: number; redisSeconds?: number }> {
  if (!serverPids) return { value: await run() };
  const before = await serverPids();
  const [databaseBefore, redisBefore] = [cpuByPid(before.database), before.redis === undefined ? undefined : cpuSecondsOf(before.redis)];
  const value = await run();
  const after = await serverPids();
  const databaseAfter = cpuByPid(after.database);
  const databaseSeconds = [...databaseAfter].reduce((sum, [pid, cpu]) => sum + cpu - (databaseBefore.get(pid) ?? 0), 0);
  const redisAfter = after.redis === undefined ? undefined : cpuSecondsOf(after.redis);
  return { value, databaseSeconds, redisSeconds: redisBefore === undefined || redisAfter === undefined ? undefined : redisAfter - redisBefore };
}

/** Removes the bench database once the processes using it are gone. */
let dropDatabase: (() => Promise<void>) | undefined;
let cleaningUp: Promise<void> | undefined;
/** Ends every process the bench started and removes its database; once, whoever asks first. */
const cleanUp = () => (cleaningUp ??= stopAll().then(() => dropDatabase?.()));
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping`);
    void cleanUp().finally(() => process.exit(130));
  });
}
process.once("exit", killAllNow);

/** The bench runs the server as `npm start` does: the bundle, built from the current sources. */
function buildServer(): void {
  try {
    execFileSync("npm", ["run", "build", "-w", "@wegate/server", "--silent"], { cwd: root, stdio: "pipe" });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`building the server failed:\n${stdout ?? ""}${stderr ?? ""}`);
  }
}

/** What a scenario loads: one process, or several wegate instances sharing the connections. */
interface Servers {
  urls: string[];
  /** All of them together. */
  cpuSeconds(): number | undefined;
  /** The largest one's. */
  memory(): { rss: number; peak: number } | undefined;
}

function serversOf(processes: BenchProcess[]): Servers {
  return {
    urls: processes.map((p) => p.url),
    cpuSeconds() {
      const each = processes.map((p) => p.cpuSeconds());
      return each.some((s) => s === undefined) ? undefined : each.reduce((sum: number, s) => sum + s!, 0);
    },
    memory() {
      const each = processes.map((p) => p.memory());
      if (each.some((m) => m === undefined)) return undefined;
      return { rss: Math.max(...each.map((m) => m!.rss)), peak: Math.max(...each.map((m) => m!.peak)) };
    },
  };
}

async function measure(scenario: Scenario, servers: Servers, sim: BenchProcess): Promise<Omit<ScenarioResult, "baselineRps" | "ratio" | "misses">> {
  // Each instance answers one request right before the load.
  for (const url of servers.urls) await probe(url, (await scenario.requests(1, 1))[0][0], scenario.check);

  if (!scenario.singleUse) {
    const lists = await scenario.requests(connections, 0);
    await load(servers.urls, lists, { duration: warmup });
    return measured(scenario, servers, sim, () => load(servers.urls, lists, { duration }));
  }
  // Single-use requests (login codes): warm up with a fixed number, then size
  // the lists for the measured run from the warm-up's busiest second.
  const perConnection = SINGLE_USE_WARMUP / connections;
  const warm = await load(servers.urls, await scenario.requests(connections, perConnection), { amount: SINGLE_USE_WARMUP });
  const lists = await scenario.requests(connections, Math.ceil((warm.peakRps * duration * MARGIN) / connections) + 2);
  return measured(scenario, servers, sim, () => load(servers.urls, lists, { duration }));
}

/** The commit measured, and whether packages/ (the server and what it bundles) had uncommitted changes. */
function describeCode(): string | undefined {
  try {
    const git = (...gitArgs: string[]) => execFileSync("git", gitArgs, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const head = git("rev-parse", "--short", "HEAD");
    return git("status", "--porcelain", "--", "packages") ? `${head} + uncommitted changes` : head;
  } catch {
    return undefined; // not a git checkout
  }
}

/** This process's CPU time: autocannon's, the load generator. */
function loadCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/**
 * The run's numbers, with the CPU time per request of each process on the
 * machine (the serving one, the simulator, this one's load generator), how
 * busy the machine's cores were, and the serving process's memory afterwards.
 */
async function measured(scenario: Scenario, server: Servers, sim: BenchProcess, run: () => Promise<Measured>) {
  const clocks = [server.cpuSeconds, sim.cpuSeconds, loadCpuSeconds];
  const before = clocks.map((clock) => clock());
  const busyBefore = machineBusySeconds();
  const { value: result, databaseSeconds, redisSeconds } = await backingCpu(run);
  const busyAfter = machineBusySeconds();
  const perRequest = (seconds: number | undefined) => (seconds === undefined ? undefined : (seconds * 1e6) / result.requests);
  const [cpuUsPerRequest, simCpuUsPerRequest, loadCpuUsPerRequest] = clocks.map((clock, i) => {
    const [start, end] = [before[i], clock()];
    return start === undefined || end === undefined ? undefined : ((end - start) * 1e6) / result.requests;
  });
  const machineBusy = busyBefore && busyAfter && (busyAfter.busy - busyBefore.busy) / (busyAfter.total - busyBefore.total);
  return {
    name: scenario.name,
    route: scenario.route,
    instances: scenario.instances ?? 1,
    oneInstance: scenario.oneInstance,
    ...result,
    cpuUsPerRequest,
    simCpuUsPerRequest,
    loadCpuUsPerRequest,
    databaseCpuUsPerRequest: scenario.server === "wegate" ? perRequest(databaseSeconds) : undefined,
    redisCpuUsPerRequest: scenario.server === "wegate" ? perRequest(redisSeconds) : undefined,
    machineBusy,
    rssMb: mb(server.memory()?.rss),
  };
}

/** What the table says of the rate limits: on or off, and where they count. */
function describeRateLimits(redis: boolean): string {
  if (rateLimits === "off") return "off (RATE_LIMITS=off)";
  return (
    `on, counted ${redis ? "per token and public per IP in each process, logins, phone binding and uploads in Redis (shared by the instances)" : "in process"}; ` +
    "the per-IP login and IP limits raised to 999999999/min (every bench request comes from 127.0.0.1), the per-token one at its default (600/min)"
  );
}

async function main(): Promise<number> {
  const machine = describeMachine();
  if (machine.loadAverage > 0.5) log(`load average ${machine.loadAverage.toFixed(2)} before the run: other work competes for the CPU`);
  log("building the server (npm run build -w @wegate/server)");
  const code = describeCode();
  buildServer();
  const db = await database!.prepare(log);
  dropDatabase = db.cleanup;
  serverPids = db.serverPids;
  try {
    const app = { appid: "wxbe4c000123456789", secret: randomBytes(16).toString("hex") };
    log(`seeding ${USERS} users (${args.database})`);
    const seeded = await seed({
      databaseUrl: db.url,
      tenant: TENANT,
      appid: app.appid,
      users: USERS,
      cartUsers: CART_USERS,
      concurrency: database!.seedConcurrency,
    });
    log(`seeded in ${seeded.seconds.toFixed(1)} s; starting the baseline, the simulator, the login floor and wegate`);

    const sim = await startSim(app);
    const [baseline, floor] = await Promise.all([startBaseline(), startBaseline({ url: sim.url, app })]);
    const profileDir = join(root, "bench/results/profiles");
    // Every instance seals with the same key, as a fleet must.
    const wegateSecret = randomBytes(32).toString("base64");
    const startInstance = () =>
      startWegate(
        {
          PORT: "0",
          HOST: "127.0.0.1",
          DATABASE_URL: db.url,
          WEGATE_SECRET: wegateSecret,
          DEFAULT_TENANT: TENANT,
          WECHAT_APPID: app.appid,
          WECHAT_APP_SECRET: app.secret,
          WECHAT_API_BASE_URL: sim.url,
          LOG_LEVEL: "warn",
          REDIS_URL: db.redisUrl ?? "",
          TOKEN_TTL_SECONDS: "",
          TOKEN_MAX_AGE_SECONDS: "",
          RATE_LIMITS: rateLimits,
          RATE_LIMIT_LOGIN: "999999999/min",
          RATE_LIMIT_IP: "999999999/min",
          RATE_LIMIT_TOKEN: "",
          RATE_LIMIT_PHONE: "",
        },
        [...args["node-flags"].split(/\s+/).filter(Boolean), ...(args["cpu-prof"] ? ["--cpu-prof", "--cpu-prof-dir", profileDir] : [])],
        args["server-log"],
      );
    const wegates = [await startInstance()];

    const all = scenarios({ tenant: TENANT, seeded, sim });
    const multi = instances > 1 ? all.filter((s) => MULTI_INSTANCE_SCENARIOS.includes(s.name)).map((s) => onInstances(s, instances)) : [];
    const unknown = only?.filter((name) => ![...all, ...multi].some((s) => s.name === name));
    if (unknown?.length) throw new Error(`--only: no scenario ${unknown.join(", ")}`);
    // The baseline runs before every scenario and once more after the last,
    // and each scenario's ratio is to the mean of the two baseline runs
    // around it: this machine's speed drifts by ±20 % within a run, and a
    // baseline measured minutes away, at a faster or slower moment, would
    // move the ratio with it. The scenarios on several instances come last,
    // once the other instances are started.
    const baselineScenario = all.find((s) => s.name === "baseline")!;
    const selected = [
      baselineScenario,
      ...[...all, ...multi].filter((s) => s.name !== "baseline" && (!only || only.includes(s.name))).flatMap((s) => [s, baselineScenario]),
    ];
    const measuredResults: Array<Awaited<ReturnType<typeof measure>> & { scenario: Scenario }> = [];
    // wegate's memory right after its last scenario (not after the baseline's last run, while it idles).
    let memory: ReturnType<BenchProcess["memory"]>;
    for (const scenario of selected) {
      const count = scenario.instances ?? 1;
      while (scenario.server === "wegate" && wegates.length < count) {
        log(`starting wegate instance ${wegates.length + 1} on the same database${db.redisUrl ? " and Redis" : ""}`);
        wegates.push(await startInstance());
      }
      const servers = serversOf(scenario.server === "wegate" ? wegates.slice(0, count) : [{ baseline, floor }[scenario.server]]);
      log(`${scenario.name}: ${warmup} s warm-up, ${duration} s measured${count > 1 ? ` over ${count} instances` : ""}`);
      measuredResults.push({ ...(await measure(scenario, servers, sim)), scenario });
      if (scenario.server === "wegate") memory = serversOf(wegates).memory();
    }
    await Promise.all([baseline.stop(), floor.stop()]);
    const baselines = measuredResults.filter((r) => r.name === "baseline");
    const baselineRps = baselines.reduce((sum, r) => sum + r.rps, 0) / baselines.length;
    // A baseline run's ratio is to the mean of them all: it shows the drift.
    const ratios = measuredResults.map((result, i) =>
      result.name === "baseline" ? baselineRps : (measuredResults[i - 1].rps + measuredResults[i + 1].rps) / 2,
    );
    const context = {
      targets: TARGETS[args.database] ?? {},
      ratios: Object.fromEntries(measuredResults.map((r, i) => [r.name, r.rps / ratios[i]])),
    };
    const results: ScenarioResult[] = measuredResults.map(({ scenario, ...result }, i) => {
      const ratio = result.rps / ratios[i];
      return { ...result, baselineRps: ratios[i], ratio, misses: judge(scenario, result, ratio, context) };
    });

    const wegateRss = { afterMb: mb(memory?.rss), peakMb: mb(memory?.peak), instances: wegates.length };
    const misses = results.flatMap((r) => r.misses.map((miss) => `${r.name}: ${miss}`));
    if (wegateRss.afterMb !== undefined && wegateRss.afterMb >= RSS_LIMIT_MB) misses.push(`RSS ${wegateRss.afterMb.toFixed(0)} MB >= ${RSS_LIMIT_MB} MB`);
    // Log lines (JSON, LOG_LEVEL=warn) mean something went wrong; the start-up banner does not.
    for (const [i, wegate] of wegates.entries()) {
      const warnings = wegate.log().split("\n").filter((line) => line.startsWith("{"));
      if (warnings.length) log(`wegate instance ${i + 1} logged ${warnings.length} warnings or errors, the last ones:\n${warnings.slice(-10).join("\n")}`);
    }

    const report: BenchReport = {
      date: new Date().toISOString(),
      code,
      machine,
      settings: {
        databaseKey: args.database,
        database: database!.describe,
        redis: db.redisDescribe,
        rateLimits: describeRateLimits(db.redisUrl !== undefined),
        connections,
        durationSeconds: duration,
        warmupSeconds: warmup,
        users: USERS,
        cartUsers: CART_USERS,
        seedSeconds: seeded.seconds,
      },
      baselineRps,
      results,
      wegateRss,
      allMet: misses.length === 0,
      misses,
    };
    const out = resolve(args.out ?? join(root, `bench/results/latest${args.database === "sqlite" ? "" : `-${args.database}`}.json`));
    writeJson(out, report);
    if (updateDoc) updateBenchmarksDoc(join(root, "BENCHMARKS.md"), report);
    process.stdout.write(markdownTable(report) + "\n");
    log(`JSON: ${out}${updateDoc ? "; BENCHMARKS.md updated" : ""}${args["cpu-prof"] ? `; CPU profile in ${profileDir}` : ""}`);
    return 0;
  } finally {
    await cleanUp();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    void cleanUp().finally(() => process.exit(1));
  },
);
