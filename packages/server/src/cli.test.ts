/** The `wegate` CLI as a user runs it: real processes, real ports, real files. */
import assert from "node:assert/strict";
import { type ChildProcess, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { createWx, startWechatSim, type RunningSim } from "@wegate/wechat-sim";
import { openStorage } from "./storage/open";
import { startServing } from "./testing/serve-process";
import { onlyOn } from "./testing/databases";
import { freshPostgresSchema } from "./testing/postgres";

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

/** Runs a command to its end (killed after 30 s: a `serve` that should have refused to start). */
function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, ["--import", tsx, cli, ...args], { env: { ...baseEnv, ...env }, encoding: "utf8", cwd: dir, timeout: 30_000 });
  return { status: result.status, out: result.stdout, err: result.stderr };
}

/** Starts `wegate serve` and resolves once it prints its URL. */
const serve = (env: NodeJS.ProcessEnv) => startServing(["--import", tsx, cli, "serve"], { cwd: dir, env: { ...baseEnv, PORT: "0", ...env } });

async function stop(child: ChildProcess) {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

const teaSecret = "7ea5ec7e7ea5ec7e7ea5ec7e7ea5ec7e";

test("help, migrate, tenant add and list", () => {
  assert.match(run(["help"]).out, /wegate serve/);
  const unknown = run(["frobnicate"]);
  assert.equal(unknown.status, 1);
  assert.match(unknown.err, /unknown command "frobnicate"/);

  assert.match(run(["migrate"]).out, /applied: 0001_login_core/);
  assert.match(run(["migrate"]).out, /up to date/);
  const added = run(["tenant", "add", "tea-shop", "--appid", "wx7ea0000000000001", "--secret", teaSecret]);
  assert.equal(added.status, 0, added.err);
  assert.match(added.out, /tenant tea-shop serves appid wx7ea0000000000001/);
  assert.ok(!added.out.includes(teaSecret));
  const listed = run(["tenant", "list"]);
  assert.match(listed.out, /tea-shop\twx7ea0000000000001/);
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
  sim.world.addApp({ appid: "wx9d0d000000000001", secret });
  const { child, url, output } = await serve({
    WECHAT_APPID: "wx9d0d000000000001",
    WECHAT_APP_SECRET: secret,
    WECHAT_API_BASE_URL: sim.url,
    DEFAULT_TENANT: "prod-shop",
    DATABASE_URL: `sqlite:${join(dir, "prod.db")}`,
    WEGATE_SECRET: randomBytes(32).toString("base64"),
  });
  try {
    assert.ok(!output().includes(secret));
    const wx = createWx({ world: sim.world, appid: "wx9d0d000000000001", user: "yan" });
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
  const result = run(["serve"], { WECHAT_APPID: "wx0123456789abcdef", WECHAT_APP_SECRET: teaSecret });
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
  assert.equal(run(["tenant", "add", "tea-shop", "--appid", "wx7ea0000000000009", "--secret", teaSecret], env).status, 0);
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

test("bad settings stop every command with a config error, not a failure to start", () => {
  for (const [env, message] of [
    [{ LOG_LEVEL: "verbose" }, /^wegate: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"\n$/],
    [{ DATABASE_URL: "./data/wegate.db" }, /^wegate: DATABASE_URL has no scheme: for a SQLite file write sqlite:\.\/data\/wegate\.db/],
    [{ WECHAT_APPID: "nope", WECHAT_APP_SECRET: teaSecret, WEGATE_SECRET: randomBytes(32).toString("base64") }, /^wegate: WECHAT_APPID "nope" is not an AppID/],
  ] as const) {
    const result = run(["serve"], env);
    assert.equal(result.status, 1);
    assert.match(result.err, message);
  }
});

test("tenant add refuses a bad appid or secret, and an appid of another tenant, leaving nothing behind", () => {
  const env = { DATABASE_URL: `sqlite:${join(dir, "tenant-add.db")}` };
  const cases: Array<[string[], RegExp]> = [
    [["--appid", "nope", "--secret", teaSecret], /^wegate: --appid "nope" is not an AppID: an AppID is "wx" and 16 lower-case hex digits/],
    [["--appid", "wx7EA0000000000001", "--secret", teaSecret], /is not an AppID/],
    [["--appid", "wx7ea0000000000001", "--secret", "hunter2"], /^wegate: --secret is not an AppSecret: an AppSecret is 32 hex digits/],
  ];
  for (const [options, message] of cases) {
    const result = run(["tenant", "add", "bad-shop", ...options], env);
    assert.equal(result.status, 1);
    assert.match(result.err, message);
    assert.ok(!result.err.includes("failed to start") && !result.err.includes("hunter2") && !result.err.includes("Usage:"), result.err);
  }
  const reserved = run(["tenant", "add", "admin", "--appid", "wx7ea0000000000001", "--secret", teaSecret], env);
  assert.deepEqual([reserved.status, reserved.err.split("\n")[0]], [1, 'wegate: "admin" is the server\'s own path (/admin): pick another subDomain']);
  assert.equal(run(["tenant", "add", "tea-shop", "--appid", "wx7ea0000000000001", "--secret", teaSecret], env).status, 0);
  const taken = run(["tenant", "add", "copy-shop", "--appid", "wx7ea0000000000001", "--secret", teaSecret], env);
  assert.equal(taken.status, 1);
  assert.equal(taken.err, 'wegate: appid wx7ea0000000000001 already belongs to another tenant, "tea-shop"\n');
  const listed = run(["tenant", "list"], env).out;
  assert.equal(listed, "tea-shop\twx7ea0000000000001\n", "neither the refused tenants nor a half-made one");
  const second = run(["tenant", "add", "tea-shop", "--appid", "wx7ea0000000000002", "--secret", teaSecret], env);
  assert.match(second.out, /tenant tea-shop serves appid wx7ea0000000000002 \(app added;/);
  assert.equal(run(["tenant", "list"], env).out, "tea-shop\twx7ea0000000000001, wx7ea0000000000002\n");
});

test("tenant show and remove: counts, never secrets; remove needs --yes and spares DEFAULT_TENANT", async () => {
  const env = { DATABASE_URL: `sqlite:${join(dir, "tenant-remove.db")}` };
  assert.equal(run(["tenant", "add", "tea-shop", "--appid", "wx7ea0000000000001", "--secret", teaSecret], env).status, 0);
  assert.equal(run(["tenant", "add", "cafe", "--appid", "wxcafe000000000001", "--secret", teaSecret], env).status, 0);
  writeFileSync(join(dir, "tea-goods.json"), '[{"name": "龙井", "price": 198, "stock": 4}, {"name": "普洱", "price": 268, "stock": 2}]');
  assert.equal(run(["goods", "import", join(dir, "tea-goods.json"), "--tenant", "tea-shop"], env).status, 0);
  const storage = openStorage(env.DATABASE_URL);
  try {
    const tenant = (await storage.findTenant("tea-shop"))!;
    const { user } = await storage.createUserIfAbsent(tenant.id, { openid: "o-tea" }, Date.now());
    await storage.createSession({ userId: user.id, tenantId: tenant.id, tokenHash: "tea-token", createdAt: Date.now(), expiresAt: Date.now() + 60_000 }, 10);
  } finally {
    await storage.close();
  }

  const shown = run(["tenant", "show", "tea-shop"], env);
  assert.equal(shown.status, 0, shown.err);
  assert.match(shown.out, /^tenant   tea-shop\ncreated  \d{4}-\d\d-\d\dT[\d:.]+Z\nappids   wx7ea0000000000001 \(added \d{4}-[^)]+\)\nusers    1\ngoods    2\n$/);
  assert.ok(!shown.out.includes(teaSecret));
  assert.equal(run(["tenant", "show", "nope"], env).err, 'wegate: no tenant "nope": see wegate tenant list\n');

  const unconfirmed = run(["tenant", "remove", "tea-shop"], env);
  assert.equal(unconfirmed.status, 1);
  assert.match(unconfirmed.err, /^wegate: tenant remove deletes tenant tea-shop and everything it owns \(1 app, 1 user, 2 goods, .*run it again with --yes\n$/);
  assert.match(run(["tenant", "list"], env).out, /tea-shop/, "not removed without --yes");

  const removed = run(["tenant", "remove", "tea-shop", "--yes"], env);
  assert.equal(removed.status, 0, removed.err);
  assert.match(removed.out, /^removed tenant tea-shop: 1 app, 1 user, 1 session, 2 goods, 0 categories, 0 favorites, 0 cart lines/);
  assert.equal(run(["tenant", "list"], env).out, "cafe\twxcafe000000000001\n", "the other tenant stays");
  assert.equal(run(["tenant", "remove", "tea-shop", "--yes"], env).err, 'wegate: no tenant "tea-shop": see wegate tenant list\n');

  const defaultTenant = run(["tenant", "remove", "cafe", "--yes"], { ...env, DEFAULT_TENANT: "cafe" });
  assert.equal(defaultTenant.status, 1);
  assert.match(defaultTenant.err, /^wegate: "cafe" is DEFAULT_TENANT, which wegate serve creates at every start/);
  assert.match(run(["tenant", "list"], env).out, /cafe/);
  assert.match(run(["tenant", "remove"], env).err, /tenant remove needs a subDomain/);
  assert.match(run(["help"]).out, /wegate tenant remove <subDomain> --yes/);
  assert.match(run(["help"]).out, /wegate tenant show <subDomain>/);
});

test("the start banner never shows the database's or Redis's password", onlyOn("postgres"), async () => {
  const schema = await freshPostgresSchema();
  try {
    const url = new URL(schema.url);
    url.password = "hunter2pw";
    // The local servers ask for no password (PostgreSQL trusts, Redis has none): any will do.
    const { child, output } = await serve({ DATABASE_URL: url.toString(), REDIS_URL: "redis://default:hunter2pw@127.0.0.1:6379/0" });
    try {
      assert.match(output(), /database +postgres:\/\/127\.0\.0\.1:5432\/test\n/);
      assert.match(output(), /cache +Redis at redis:\/\/127\.0\.0\.1:6379\/0 /);
      assert.ok(!output().includes("hunter2pw"), output());
      assert.ok(!output().includes("postgres@"), "nor the user");
    } finally {
      await stop(child);
    }
  } finally {
    await schema.drop();
  }
});

test("a changed WEGATE_SECRET stops the start with what to do; WEGATE_SECRET_PREVIOUS and secret rotate move the data", async () => {
  // The README's path: demo mode first, then a real mini program on the same data directory.
  const data = join(dir, "keys");
  const env = { DATABASE_URL: `sqlite:${join(data, "wegate.db")}` };
  const demo = await serve(env);
  try {
    const { code } = (await (await fetch(`${demo.url}/_sim/__sim/login`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"user":"old"}' })).json()) as { code: string };
    assert.equal(((await (await fetch(`${demo.url}/demo/user/wxapp/authorize`, { method: "POST", body: new URLSearchParams({ code }) })).json()) as any).code, 0);
  } finally {
    await stop(demo.child);
  }
  const oldKey = readFileSync(join(data, "wegate.secret"), "utf8").trim();
  const newKey = randomBytes(32).toString("base64");
  const appSecret = randomBytes(16).toString("hex");
  const sim = await startWechatSim();
  sim.world.addApp({ appid: "wx9d0d000000000002", secret: appSecret });
  const production = { ...env, WECHAT_APPID: "wx9d0d000000000002", WECHAT_APP_SECRET: appSecret, WECHAT_API_BASE_URL: sim.url, WEGATE_SECRET: newKey };
  const login = async (url: string, user: string) => {
    const { code } = await createWx({ world: sim.world, appid: "wx9d0d000000000002", user }).login();
    // No appid: the tenant's own app answers, not the demo one it served before.
    const body = new URLSearchParams({ code });
    return ((await (await fetch(`${url}/demo/user/wxapp/authorize`, { method: "POST", body })).json()) as any).code;
  };
  try {
    const refused = run(["serve"], production);
    assert.equal(refused.status, 1, `serve must refuse to start:\n${refused.out}${refused.err}`);
    assert.match(refused.err, /^wegate: WEGATE_SECRET does not open what this database holds/);
    assert.ok(refused.err.includes(join(data, "wegate.secret")), "names the demo key's file");
    assert.match(refused.err, /WEGATE_SECRET_PREVIOUS=<old> wegate secret rotate/);
    assert.match(refused.err, /empty database/);
    assert.ok(!refused.err.includes("failed to start") && !refused.err.includes(oldKey) && !refused.err.includes(newKey));
    assert.match(run(["tenant", "add", "tea-shop", "--appid", "wx7ea0000000000001", "--secret", teaSecret], { ...env, WEGATE_SECRET: newKey }).err, /WEGATE_SECRET does not open/);
    assert.doesNotMatch(run(["tenant", "list"], env).out, /tea-shop/, "nothing sealed with the wrong key was stored");

    // Mid-rotation: both keys open, new values are sealed with the new one.
    const rotating = await serve({ ...production, WEGATE_SECRET_PREVIOUS: oldKey });
    try {
      assert.match(rotating.output(), /WEGATE_SECRET_PREVIOUS is set/);
      assert.equal(await login(rotating.url, "new"), 0);
    } finally {
      await stop(rotating.child);
    }
    assert.match(run(["serve"], production).err, /WEGATE_SECRET does not open/, "dropping the previous key before rotating is caught too");

    const noPrevious = run(["secret", "rotate"], production);
    assert.equal(noPrevious.status, 1);
    assert.match(noPrevious.err, /^wegate: 2 sealed values do not open: the session_key of user 1, meta "key_check", with WEGATE_SECRET\. Nothing was changed\. Set WEGATE_SECRET_PREVIOUS/);

    const rotated = run(["secret", "rotate"], { ...production, WEGATE_SECRET_PREVIOUS: oldKey });
    assert.equal(rotated.status, 0, rotated.err);
    assert.match(rotated.out, /^re-sealed with WEGATE_SECRET: 0 app secrets, 1 session_key, 1 key check; 2 values already sealed with it\nEvery server now needs only WEGATE_SECRET/);
    const again = run(["secret", "rotate"], { ...production, WEGATE_SECRET_PREVIOUS: oldKey });
    assert.match(again.out, /^re-sealed with WEGATE_SECRET: 0 app secrets, 0 session_keys, 0 key checks; 4 values already sealed with it\n/, "idempotent");

    const after = await serve(production);
    try {
      assert.equal(await login(after.url, "new"), 0);
      assert.equal(await login(after.url, "third"), 0);
    } finally {
      await stop(after.child);
    }
    assert.match(run(["serve"], { ...production, WEGATE_SECRET: oldKey }).err, /WEGATE_SECRET does not open/, "the old key alone no longer does");
  } finally {
    await sim.close();
  }
});
