import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { loadConfig } from "./config";
import { DEMO_APPID, start } from "./runtime";
import { testDatabases } from "./testing/databases";
import { fakeClock } from "./testing/harness";
import { freshPostgresSchema } from "./testing/postgres";

for (const database of testDatabases()) {
  test(`start() applies TOKEN_TTL_SECONDS and TOKEN_MAX_AGE_SECONDS from the environment (${database})`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "wegate-runtime-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const pg = database === "postgres" ? await freshPostgresSchema() : undefined;
    const databaseUrl = pg?.url ?? `sqlite:${join(dir, "wegate.db")}`;
    const config = loadConfig({ DATABASE_URL: databaseUrl, PORT: "0", TOKEN_TTL_SECONDS: "120", TOKEN_MAX_AGE_SECONDS: "300" });
    const clock = fakeClock();
    const running = await start(config, { logger: false, clock });
    t.after(async () => {
      await running.close();
      await pg?.drop();
    });

    const login = async () => {
      const code = running.world!.login(DEMO_APPID, "tina");
      const reply = await fetch(`${running.url}/demo/user/wxapp/authorize`, { method: "POST", body: new URLSearchParams({ code }) });
      return ((await reply.json()) as { data: { token: string } }).data.token;
    };
    const check = async (token: string) =>
      ((await (await fetch(`${running.url}/demo/user/check-token?token=${token}`)).json()) as { code: number }).code;

    const idle = await login();
    clock.advance(121_000);
    assert.equal(await check(idle), 2000, "unused for longer than the TTL");

    const busy = await login();
    for (let elapsed = 0; elapsed < 280; elapsed += 60) {
      assert.equal(await check(busy), 0, `in use, ${elapsed} s after login`);
      clock.advance(60_000);
    }
    clock.advance(20_000);
    assert.equal(await check(busy), 2000, "past the max age however often it is used");
  });
}

test("a second server on the same SQLite file refuses to start, and names the way to run several", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "wegate-runtime-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const config = loadConfig({ DATABASE_URL: `sqlite:${join(dir, "wegate.db")}`, PORT: "0" });
  const first = await start(config, { logger: false });
  await assert.rejects(start(config, { logger: false }), /another wegate server is already serving .*wegate\.db.*PostgreSQL/);
  const check = await fetch(`${first.url}/healthz`);
  assert.equal(check.status, 200, "the first one keeps serving");
  await first.close();
  const again = await start(config, { logger: false });
  await again.close();
});
