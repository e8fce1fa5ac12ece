/**
 * A real `wegate serve` process for the console's browser tests: demo mode
 * (the embedded WeChat simulator), a temp SQLite database, the console at
 * /admin. Operators and a second tenant are made with the real CLI before it
 * starts, as an operator of a new install would.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Serving, startServing } from "../../packages/server/src/testing/serve-process";

const cli = join(import.meta.dirname, "..", "..", "packages", "server", "src", "cli.ts");
// The processes run in a temp folder, so name tsx by its resolved location.
const tsx = import.meta.resolve("tsx");

export interface CliResult {
  status: number | null;
  out: string;
  err: string;
}

export interface ConsoleServer {
  url: string;
  /** The demo tenant, served by the embedded simulator's mini program. */
  tenant: string;
  /** Runs `wegate <args>` on the same database, `input` on its stdin (killed after a minute). */
  cli(args: string[], input?: string): Promise<CliResult>;
  /** Starts the server (after the CLI has set things up). */
  serve(): Promise<void>;
  /** A mini program user of the demo tenant logged in through the simulator: their token. */
  phoneLogin(user: string): Promise<string>;
  /** The mini program API, as a phone calls it. */
  miniProgram(path: string, form?: Record<string, string>): Promise<{ code: number; msg: string; data?: any }>;
  output(): string;
  close(): Promise<void>;
}

/** `env`: settings over the suite's (an empty value unsets one). */
export function consoleServer(overrides: NodeJS.ProcessEnv = {}): ConsoleServer {
  const dir = mkdtempSync(join(tmpdir(), "wegate-console-"));
  const { WECHAT_APPID, WECHAT_APP_SECRET, WEGATE_SECRET, DATABASE_URL, REDIS_URL, DEFAULT_TENANT, PUBLIC_URL, ...rest } = process.env;
  void [WECHAT_APPID, WECHAT_APP_SECRET, WEGATE_SECRET, DATABASE_URL, REDIS_URL, DEFAULT_TENANT, PUBLIC_URL];
  const tenant = "shop-a";
  const env: NodeJS.ProcessEnv = {
    ...rest,
    DATABASE_URL: `sqlite:${join(dir, "wegate.db")}`,
    DEFAULT_TENANT: tenant,
    LOG_LEVEL: "warn",
    // Rate limits on, as deployed; the per-IP console login limit roomy
    // enough for a suite of logins from one address, so what the lockout
    // test meets is the account lock.
    RATE_LIMIT_ADMIN_LOGIN: "1000/min",
    ...overrides,
  };
  let serving: Serving | undefined;
  let url = "";

  const self: ConsoleServer = {
    get url() {
      return url;
    },
    tenant,
    cli(args, input) {
      // Not spawnSync: commands that do not depend on each other run side by side.
      const child = spawn(process.execPath, ["--import", tsx, cli, ...args], { env, cwd: dir, timeout: 60_000 });
      let out = "";
      let err = "";
      child.stdout.on("data", (chunk) => (out += chunk));
      child.stderr.on("data", (chunk) => (err += chunk));
      child.stdin.end(input ?? "");
      return new Promise((resolve, reject) => {
        child.once("error", reject);
        child.once("close", (status) => resolve({ status, out, err }));
      });
    },
    async serve() {
      serving = await startServing(["--import", tsx, cli, "serve"], { cwd: dir, env: { ...env, PORT: "0" } });
      url = serving.url;
    },
    async phoneLogin(user) {
      const { code } = (await (await fetch(`${url}/_sim/__sim/login`, { method: "POST", body: new URLSearchParams({ user }) })).json()) as { code: string };
      const login = await self.miniProgram("/user/wxapp/authorize", { code });
      if (login.code !== 0) throw new Error(`the phone's login failed: ${JSON.stringify(login)}`);
      return login.data.token as string;
    },
    async miniProgram(path, form) {
      const response = await fetch(`${url}/${tenant}${path}`, form ? { method: "POST", body: new URLSearchParams(form) } : {});
      return (await response.json()) as { code: number; msg: string; data?: any };
    },
    output: () => serving?.output() ?? "",
    async close() {
      if (serving) {
        serving.child.kill("SIGTERM");
        await serving.exit;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return self;
}
