/** SIGTERM on a real `wegate serve`: not ready at once, requests in flight finish, exit 0. */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CODE2SESSION_PATH, type RunningSim, startWechatSim } from "@wegate/wechat-sim";
import { type Serving, startServing } from "./testing/serve-process";
import { type TestDatabase, testDatabases } from "./testing/databases";
import { freshPostgresSchema } from "./testing/postgres";

const cli = join(import.meta.dirname, "cli.ts");
const tsx = import.meta.resolve("tsx");
const app = { appid: "wx5e1f2a3b4c5d6e7f", secret: randomBytes(16).toString("hex") };
let dir: string;
let sim: RunningSim;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "wegate-shutdown-"));
  sim = await startWechatSim();
  sim.world.addApp(app);
});
after(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh database for one `serve`: a SQLite file, or a PostgreSQL schema dropped once the server exited. */
async function freshDatabase(database: TestDatabase, t: { after(fn: () => Promise<void>): void }): Promise<string> {
  if (database === "sqlite") return `sqlite:${join(dir, `${randomBytes(4).toString("hex")}.db`)}`;
  const pg = await freshPostgresSchema();
  t.after(() => pg.drop());
  return pg.url;
}

function serve(env: NodeJS.ProcessEnv): Promise<Serving> {
  const { WECHAT_APPID, WECHAT_APP_SECRET, WEGATE_SECRET, DATABASE_URL, REDIS_URL, ...rest } = process.env;
  void [WECHAT_APPID, WECHAT_APP_SECRET, WEGATE_SECRET, DATABASE_URL, REDIS_URL];
  return startServing(["--import", tsx, cli, "serve"], {
    cwd: dir,
    env: {
      ...rest,
      PORT: "0",
      LOG_LEVEL: "info",
      WECHAT_APPID: app.appid,
      WECHAT_APP_SECRET: app.secret,
      WEGATE_SECRET: randomBytes(32).toString("base64"),
      WECHAT_API_BASE_URL: sim.url,
      ...env,
    },
  });
}

const authorize = (url: string) =>
  fetch(`${url}/${"demo"}/user/wxapp/authorize`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ code: sim.world.login(app.appid, "late-user") }),
  });

for (const database of testDatabases()) {
  describe(`wegate serve on SIGTERM (${database})`, () => {
    test("SIGTERM: /readyz fails at once, the login in flight still succeeds, the process exits 0", async (t) => {
      const server = await serve({ DATABASE_URL: await freshDatabase(database, t), SHUTDOWN_TIMEOUT_MS: "5000" });
      assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
      sim.world.setFault(CODE2SESSION_PATH, { kind: "slow", delayMs: 800, times: 1 });
      const before = sim.world.callCount(CODE2SESSION_PATH);
      const inFlight = authorize(server.url);
      while (sim.world.callCount(CODE2SESSION_PATH) === before) await new Promise((resolve) => setTimeout(resolve, 10));

      server.child.kill("SIGTERM");
      await new Promise((resolve) => setTimeout(resolve, 100));
      const ready = await fetch(`${server.url}/readyz`).then((reply) => reply.status, () => "refused");
      assert.notEqual(ready, 200, "not ready once shutdown began");

      const reply = await inFlight;
      assert.equal(reply.status, 200);
      assert.equal(((await reply.json()) as { code: number }).code, 0, "the request in flight finished");
      assert.equal(await server.exit, 0);
      assert.match(server.output(), /"cutOff":false/);
    });

    test("SIGTERM with a request that outlives SHUTDOWN_TIMEOUT_MS: cut off at the deadline, exit 0", async (t) => {
      const server = await serve({ DATABASE_URL: await freshDatabase(database, t), SHUTDOWN_TIMEOUT_MS: "300", WECHAT_TIMEOUT_MS: "20000" });
      sim.world.setFault(CODE2SESSION_PATH, { kind: "slow", delayMs: 5000, times: 1 });
      const before = sim.world.callCount(CODE2SESSION_PATH);
      const inFlight = authorize(server.url).then((reply) => reply.status, () => "cut off");
      while (sim.world.callCount(CODE2SESSION_PATH) === before) await new Promise((resolve) => setTimeout(resolve, 10));
      const started = performance.now();
      server.child.kill("SIGTERM");
      assert.equal(await server.exit, 0);
      assert.ok(performance.now() - started < 4000, "did not wait for the slow request");
      assert.equal(await inFlight, "cut off");
      assert.match(server.output(), /"cutOff":true/);
    });
  });
}
