/** The `wegate` CLI as a user runs it: real processes, real ports, real files. */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { createWx, startWechatSim, type RunningSim } from "@wegate/wechat-sim";
import { openStorage } from "./storage/storage";

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
    const goods = (await (await fetch(`${url}/demo/shop/goods/list`, { method: "POST" })).json()) as any;
    assert.equal(goods.code, 0, "the demo tenant has the seeded demo catalogue");
    assert.ok(goods.data.some((g: any) => g.name === "纯棉圆领 T恤"));
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

test("goods import: bad rows are reported, the rest are imported", async () => {
  const env = { DATABASE_URL: `sqlite:${join(dir, "goods.db")}` };
  const csv = join(dir, "goods.csv");
  writeFileSync(csv, [
    "\uFEFFname,category,price,originalPrice,stock,pics,options,content",
    'T恤,服饰,59.90,89,100,https://img.example.com/t.jpg,颜色:白|黑;尺码:S|M|L,"<p>纯棉, 200g</p>"',
    "坏价格,服饰,abc,,5,,,",
    "咖啡豆,食品,68,,200,,,",
    "负库存,数码,10,,-3,,,",
  ].join("\n"));

  const result = run(["goods", "import", csv], env);
  assert.equal(result.status, 1, result.err);
  assert.equal(result.out, [
    "imported 2 goods (2 new, 0 updated); 2 rows failed:",
    '  row 3 (name "坏价格"): price "abc" is not an amount in yuan (like 19.99)',
    '  row 5 (name "负库存"): stock "-3" is not a whole number ≥ 0',
    "",
  ].join("\n"));
  assert.match(result.err, /importing 4 rows from .*goods\.csv into tenant demo/);
  assert.ok(!result.err.includes("\r") && !result.err.includes("\x1b"), "no progress bar redraws when stderr is not a terminal");

  const storage = openStorage(env.DATABASE_URL);
  try {
    const tenant = (await storage.findTenant("demo"))!;
    const goods = await storage.listGoods(tenant.id, { offset: 0, limit: 100 });
    assert.deepEqual(goods.map((g) => [g.name, g.price, g.stock]).sort(), [["T恤", 5990, 100], ["咖啡豆", 6800, 200]]);
    assert.equal(goods.find((g) => g.name === "T恤")!.content, "<p>纯棉, 200g</p>");
  } finally {
    await storage.close();
  }
});

test("goods import: a JSON file into a named tenant, again to update", async () => {
  const env = { DATABASE_URL: `sqlite:${join(dir, "goods-json.db")}` };
  assert.equal(run(["tenant", "add", "tea-shop", "--appid", "wxtea0000000000009", "--secret", "s"], env).status, 0);
  const json = join(dir, "tea.json");
  writeFileSync(json, JSON.stringify({
    goods: [
      { name: "龙井", category: "绿茶", price: 198, stock: 40, pics: ["https://img.example.com/lj.jpg"], options: [{ name: "规格", values: ["50g", "100g"] }] },
      { name: "普洱", category: "黑茶", price: "268.00", originalPrice: "300", stock: 12 },
    ],
  }));
  const first = run(["goods", "import", json, "--tenant", "tea-shop"], env);
  assert.equal(first.status, 0, first.err);
  assert.equal(first.out, "imported 2 goods (2 new, 0 updated)\n");
  const again = run(["goods", "import", "--tenant", "tea-shop", json], env);
  assert.equal(again.status, 0, again.err);
  assert.equal(again.out, "imported 2 goods (0 new, 2 updated)\n");

  const storage = openStorage(env.DATABASE_URL);
  try {
    const tenant = (await storage.findTenant("tea-shop"))!;
    const goods = await storage.listGoods(tenant.id, { offset: 0, limit: 100 });
    assert.deepEqual(goods.map((g) => g.name).sort(), ["普洱", "龙井"]);
    assert.equal(goods.find((g) => g.name === "普洱")!.originalPrice, 30000);
    assert.equal(await storage.findTenant("demo"), undefined, "only the named tenant was touched");
  } finally {
    await storage.close();
  }
});

test("goods import: unknown tenant, missing or broken file, bad arguments", () => {
  const env = { DATABASE_URL: `sqlite:${join(dir, "goods-errors.db")}` };
  const json = join(dir, "one.json");
  writeFileSync(json, '[{"name": "a", "price": 1, "stock": 1}]');

  const unknown = run(["goods", "import", json, "--tenant", "nope"], env);
  assert.equal(unknown.status, 1);
  assert.equal(unknown.err, 'wegate: no tenant "nope": see wegate tenant list, or add it with wegate tenant add\n');
  assert.equal(unknown.out, "");

  const missing = run(["goods", "import", join(dir, "nothing.csv")], env);
  assert.equal(missing.status, 1);
  assert.match(missing.err, /^wegate: cannot read .*nothing\.csv: no such file\n$/);

  writeFileSync(join(dir, "typo.csv"), "name,prise,stock\na,1,1\n");
  const typo = run(["goods", "import", join(dir, "typo.csv")], env);
  assert.equal(typo.status, 1);
  assert.match(typo.err, /unknown column "prise"/);

  assert.match(run(["goods", "import"], env).err, /goods import needs one file/);
  assert.match(run(["goods", "export", json], env).err, /unknown goods action "export"/);
  assert.match(run(["goods", "import", json, "--tennant", "x"], env).err, /Unknown option '--tennant'/);
  assert.match(run(["help"]).out, /wegate goods import <file\.json\|file\.csv> \[--tenant <subDomain>\]/);
});
