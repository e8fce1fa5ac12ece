/**
 * `npm start` runs the built bundle (dist/cli.js) with plain Node, not the
 * sources through tsx: what loads under tsx may not load there (an ESM
 * import of a directory, a file the bundle must carry). `npm test` builds it
 * first; this starts it as `npm start` does and logs in through its demo.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { startServing } from "./testing/serve-process";
import { testDatabases } from "./testing/databases";
import { freshPostgresSchema } from "./testing/postgres";

const bundle = join(import.meta.dirname, "..", "dist", "cli.js");
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

for (const database of testDatabases()) {
  // On PostgreSQL with Redis too, as a fleet runs it: the bundle must carry (or
  // find) pg and ioredis, which the sources load only for such URLs.
  test(`the built bundle serves demo mode: the simulator, a login, the docs (${database === "sqlite" ? "SQLite, the default" : "PostgreSQL and Redis"})`, { skip: !existsSync(bundle) && "run npm run build first" }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "wegate-bundle-"));
    const { WECHAT_APPID, WECHAT_APP_SECRET, WEGATE_SECRET, DATABASE_URL, REDIS_URL: _redis, ...env } = process.env;
    void [WECHAT_APPID, WECHAT_APP_SECRET, WEGATE_SECRET, DATABASE_URL, _redis];
    const pg = database === "postgres" ? await freshPostgresSchema() : undefined;
    const fleet = pg ? { DATABASE_URL: pg.url, REDIS_URL } : {};
    const server = await startServing([bundle, "serve"], { cwd: dir, env: { ...env, ...fleet, PORT: "0", LOG_LEVEL: "warn" } });
    const { url } = server;
    try {
      const { code } = (await (await fetch(`${url}/_sim/__sim/login`, { method: "POST", body: new URLSearchParams({ user: "bundle" }) })).json()) as { code: string };
      const login = (await (await fetch(`${url}/demo/user/wxapp/authorize`, { method: "POST", body: new URLSearchParams({ code }) })).json()) as { code: number };
      assert.equal(login.code, 0, JSON.stringify(login));
      // A validation error goes through ajv-i18n's Chinese messages, loaded as the bundle loads them.
      const bad = (await (await fetch(`${url}/demo/shop/goods/list`, { method: "POST", body: new URLSearchParams({ page: "0" }) })).json()) as { msg: string };
      assert.match(bad.msg, /^参数错误: page /);
      assert.equal((await fetch(`${url}/docs`)).status, 200);
      assert.equal((await fetch(`${url}/readyz`)).status, 200, "the database (and Redis) answer");
    } finally {
      server.child.kill("SIGTERM");
      const code = await server.exit;
      rmSync(dir, { recursive: true, force: true });
      await pg?.drop();
      assert.equal(code, 0, server.output());
    }
  });
}
