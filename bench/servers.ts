/**
 * The processes a bench run starts: the wegate server (the real CLI, `wegate
 * serve`), the WeChat simulator and the baseline server. Every one is tracked
 * so that stopAll() ends them, whatever happened.
 */
import { type ChildProcess, fork, spawn } from "node:child_process";
import { createWriteStream, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { SimMessage, SimReply } from "./sim-process";

const root = fileURLToPath(new URL("..", import.meta.url));
const TSX = ["--import", "tsx"];
const READY_TIMEOUT_MS = 30_000;

export interface BenchProcess {
  name: string;
  url: string;
  pid: number;
  /** Resident set size now, and its peak (VmHWM), in bytes; undefined where /proc is missing. */
  memory(): { rss: number; peak: number } | undefined;
  /** CPU time (user + system) the process has used, in seconds; undefined where /proc is missing. */
  cpuSeconds(): number | undefined;
  /** The last lines it printed (warnings, errors). */
  log(): string;
  stop(): Promise<void>;
}

export interface BenchSim extends BenchProcess {
  /** One fresh wx.login code per user id, in order. */
  mint(users: string[]): Promise<string[]>;
}

const running = new Set<ChildProcess>();

function memoryOf(pid: number): { rss: number; peak: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kb("VmRSS"), peak: kb("VmHWM") };
  } catch {
    return undefined;
  }
}

/** utime + stime from /proc/<pid>/stat, in clock ticks (100 a second on Linux); any process the bench can see. */
export function cpuSecondsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/**
 * The machine's CPU time since boot from /proc/stat, all cores, in seconds:
 * busy (everything but idle and iowait) and total. Undefined where /proc is missing.
 */
export function machineBusySeconds(): { busy: number; total: number } | undefined {
  try {
    const ticks = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1, 9).map(Number);
    const total = ticks.reduce((sum, t) => sum + t, 0);
    return { busy: (total - ticks[3] - ticks[4]) / 100, total: total / 100 };
  } catch {
    return undefined;
  }
}

function track(name: string, child: ChildProcess, output: string[]): void {
  running.add(child);
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  child.once("exit", () => running.delete(child));
  child.once("error", (error) => output.push(`${name}: ${error.message}`));
}

/** SIGTERM (a graceful close, which also writes a --cpu-prof profile), then SIGKILL after 10 s. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map(stopChild));
}

/** Last resort when the bench process exits without stopAll() (an uncaught error). */
export function killAllNow(): void {
  for (const child of running) child.kill("SIGKILL");
}

function handle(name: string, child: ChildProcess, url: string, output: string[]): BenchProcess {
  return { name, url, pid: child.pid!, memory: () => memoryOf(child.pid!), cpuSeconds: () => cpuSecondsOf(child.pid!), log: () => output.join(""), stop: () => stopChild(child) };
}

function waitFor<T>(name: string, child: ChildProcess, output: string[], ready: (resolve: (value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`${name} did not start (${why}):\n${output.join("").trim()}`));
    };
    const timer = setTimeout(() => fail("timeout"), READY_TIMEOUT_MS);
    child.once("exit", (code, signal) => fail(`exited with ${signal ?? code}`));
    ready((value) => {
      clearTimeout(timer);
      child.removeAllListeners("exit");
      child.once("exit", () => running.delete(child));
      resolve(value);
    });
  });
}

function forkReady(name: string, script: string, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string; output: string[] }> {
  const output: string[] = [];
  const child = fork(fileURLToPath(new URL(script, import.meta.url)), [], {
    cwd: root,
    env: { ...process.env, ...env },
    execArgv: TSX,
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  track(name, child, output);
  return waitFor(name, child, output, (resolve) => {
    const onMessage = (message: SimReply) => {
      if (message.type !== "ready") return;
      child.off("message", onMessage);
      resolve({ child, url: message.url, output });
    };
    child.on("message", onMessage);
  });
}

/** The baseline server; given the simulator, the login floor's instead (see baseline-server.ts). */
export async function startBaseline(sim?: { url: string; app: { appid: string; secret: string } }): Promise<BenchProcess> {
  const name = sim ? "login floor" : "baseline";
  const env = sim ? { BENCH_SIM_URL: sim.url, BENCH_APPID: sim.app.appid, BENCH_APP_SECRET: sim.app.secret } : {};
  const { child, url, output } = await forkReady(name, "./baseline-server.ts", env);
  return handle(name, child, url, output);
}

export async function startSim(app: { appid: string; secret: string }): Promise<BenchSim> {
  const { child, url, output } = await forkReady("simulator", "./sim-process.ts", { BENCH_APPID: app.appid, BENCH_APP_SECRET: app.secret });
  let nextId = 0;
  const pending = new Map<number, (codes: string[]) => void>();
  child.on("message", (message: SimReply) => {
    if (message.type === "codes") pending.get(message.id)?.(message.codes);
  });
  return {
    ...handle("simulator", child, url, output),
    mint(users) {
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, (codes) => {
          pending.delete(id);
          resolve(codes);
        });
        child.send({ type: "mint", id, users } satisfies SimMessage);
      });
    },
  };
}

/** The server as `npm start` runs it (build it first: `npm run build -w @wegate/server`). */
export const WEGATE_BUNDLE = "packages/server/dist/cli.js";

/**
 * The node flags of `npm start`, read from package.json so the bench runs what
 * users run (V8's semi-spaces, old-space growth: see BENCHMARKS.md).
 */
function startFlags(): string[] {
  const { scripts } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { scripts: { start: string } };
  const command = /node ((?:--\S+ )*)packages\/server\/dist\/cli\.js serve/.exec(scripts.start);
  if (!command) throw new Error(`package.json's start script no longer runs node ... ${WEGATE_BUNDLE} serve: update bench/servers.ts`);
  return command[1].trim().split(" ").filter(Boolean);
}

/**
 * `wegate serve` as a user runs it; env carries its configuration. Ready once
 * it prints its banner. `logFile` gets everything it prints, appended.
 */
export async function startWegate(env: Record<string, string>, nodeFlags: string[] = [], logFile?: string): Promise<BenchProcess> {
  const output: string[] = [];
  const child = spawn(process.execPath, [...startFlags(), ...nodeFlags, WEGATE_BUNDLE, "serve"], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  track("wegate", child, output);
  if (logFile) {
    const file = createWriteStream(logFile, { flags: "a" });
    child.stdout!.pipe(file, { end: false });
    child.stderr!.pipe(file, { end: false });
    child.once("exit", () => file.end());
  }
  const url = await waitFor<string>("wegate", child, output, (resolve) => {
    const onData = () => {
      const match = /wegate is listening on (http:\/\/\S+)/.exec(output.join(""));
      if (!match) return;
      child.stdout!.off("data", onData);
      resolve(match[1]);
    };
    child.stdout!.on("data", onData);
  });
  return handle("wegate", child, url, output);
}
