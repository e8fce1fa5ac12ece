/** The `wegate` CLI as a user runs it: real processes, real ports, real files. */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { createWx, startWechatSim, type RunningSim } from "@wegate/wechat-sim";

const cli = join(import.meta.dirname, "cli.ts");
// The processes run in a temp folder, so name tsx by its resolved location.
const tsx = import.meta.resolve("tsx");
let dir: string;
let baseEnv: NodeJS.ProcessEnv;

before(() => {
  dir = mkdtempSync(join(tmpdir(), "wegate-cli-"));
  const { WECHAT_APPID, WECHAT_APP_SECRET, WEGATE_SECRET, DATABASE_URL, ...rest } = process.env;
  void [WECHAT_APPID, WECHAT_APP_SECRET, WEGATE_SECRET, DATABASE_URL];
  baseEnv = { ...rest, DATABASE_URL: `sqlite:${join(dir, "wegate.db")}`, LOG_LEVEL: "warn" };
});
after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, ["--import", tsx, cli, ...args], { env: { ...baseEnv, ...env }, encoding: "utf8", cwd: dir });
  return { status: result.status, out: result.stdout, err: result.stderr };
}

/** Starts `wegate serve` and resolves once it prints its URL. */
function serve(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ["--import", tsx, cli, "serve"], { env: { ...baseEnv, PORT: "0", ...env }, cwd: dir });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${output}`)), 20_000);
    child.stdout!.on("data", (chunk) => {
      output += chunk;
      const match = /listening on (http:\/\/[\d.:]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1], output: () => output });
      }
    });
    child.stderr!.on("data", (chunk) => (output += chunk));
    child.on("exit", (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
  });
}

async function stop(child: ChildProcess) {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

test("help, migrate, tenant add and list", () => {
  assert.match(run(["help"]).out, /wegate serve/);
  const unknown = run(["frobnicate"]);
  assert.equal(unknown.status, 1);
  assert.match(unknown.err, /unknown command "frobnicate"/);

  assert.match(run(["migrate"]).out, /applied: 0001_login_core/);
  assert.match(run(["migrate"]).out, /up to date/);
  const added = run(["tenant", "add", "tea-shop", "--appid", "wxtea0000000000001", "--secret", "tea-secret"]);
  assert.equal(added.status, 0, added.err);
  assert.match(added.out, /tenant tea-shop serves appid wxtea0000000000001/);
  assert.ok(!added.out.includes("tea-secret"));
  const listed = run(["tenant", "list"]);
  assert.match(listed.out, /tea-shop\twxtea0000000000001/);
  assert.equal(run(["tenant", "add", "Bad_Name", "--appid", "x", "--secret", "y"]).status, 1);
  assert.match(run(["tenant", "add", "ok-name"]).err, /--appid and --secret/);
});

test("serve in demo mode: the embedded simulator, the demo tenant, a login", async () => {
  const { child, url, output } = await serve({});
  try {
    assert.match(output(), /embedded simulator/);
    assert.match(output(), /curl/);
    const { code } = (await (await fetch(`${url}/_sim/__sim/login`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"user":"zoe"}' })).json()) as { code: string };
    const login = (await (await fetch(`${url}/demo/user/wxapp/authorize`, { method: "POST", body: new URLSearchParams({ code }) })).json()) as any;
    assert.equal(login.code, 0);
    const check = (await (await fetch(`${url}/demo/user/check-token?token=${login.data.token}`)).json()) as any;
    assert.equal(check.code, 0);
    assert.equal((await fetch(`${url}/readyz`)).status, 200);
    // a tenant added by the CLI is served too
    assert.equal(((await (await fetch(`${url}/tea-shop/user/check-token`)).json()) as any).code, 2000);
  } finally {
    await stop(child);
  }
});

test("serve with WECHAT_APPID etc. serves that tenant against that WeChat endpoint", async () => {
  let sim: RunningSim | undefined;
  const secret = randomBytes(16).toString("hex");
  sim = await startWechatSim();
  sim.world.addApp({ appid: "wxprod000000000001", secret });
  const { child, url, output } = await serve({
    WECHAT_APPID: "wxprod000000000001",
    WECHAT_APP_SECRET: secret,
    WECHAT_API_BASE_URL: sim.url,
    DEFAULT_TENANT: "prod-shop",
    DATABASE_URL: `sqlite:${join(dir, "prod.db")}`,
    WEGATE_SECRET: randomBytes(32).toString("base64"),
  });
  try {
    assert.ok(!output().includes(secret));
    const wx = createWx({ world: sim.world, appid: "wxprod000000000001", user: "yan" });
    const { code } = await wx.login();
    const reply = (await (await fetch(`${url}/prod-shop/user/wxapp/authorize`, { method: "POST", body: new URLSearchParams({ code }) })).json()) as any;
    assert.equal(reply.code, 0);
    assert.equal(sim.world.callCount("/sns/jscode2session"), 1, "the configured endpoint was called");
    assert.equal(((await (await fetch(`${url}/demo/user/check-token`)).json()) as any).code, 901, "no demo tenant in production mode");
    assert.equal((await fetch(`${url}/_sim/sns/jscode2session`)).status, 404, "no embedded simulator in production mode");
  } finally {
    await stop(child);
    await sim.close();
  }
});

test("serve refuses bad configuration with a clear message", () => {
  const result = run(["serve"], { WECHAT_APPID: "wx1", WECHAT_APP_SECRET: "s" });
  assert.equal(result.status, 1);
  assert.match(result.err, /WEGATE_SECRET is required/);
});
