/** `wegate admin` as an operator runs it: a real process, the password piped to stdin. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { connect } from "../storage/connect";
import { testDatabases } from "../testing/databases";
import { freshPostgresSchema } from "../testing/postgres";
import { verifyPassword } from "./password";
import { createAdminStore } from "./store";

const cli = join(import.meta.dirname, "..", "cli.ts");
const tsx = import.meta.resolve("tsx");

for (const database of testDatabases()) {
  describe(`wegate admin: ${database}`, () => {
    let dir: string;
    let env: NodeJS.ProcessEnv;
    let databaseUrl: string;
    let dropSchema: (() => Promise<void>) | undefined;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), "wegate-admin-cli-"));
      const schema = database === "postgres" ? await freshPostgresSchema() : undefined;
      dropSchema = schema?.drop;
      databaseUrl = schema?.url ?? `sqlite:${join(dir, "wegate.db")}`;
      const { WECHAT_APPID, WECHAT_APP_SECRET, WEGATE_SECRET, DATABASE_URL, REDIS_URL, ...rest } = process.env;
      void [WECHAT_APPID, WECHAT_APP_SECRET, WEGATE_SECRET, DATABASE_URL, REDIS_URL];
      env = { ...rest, DATABASE_URL: databaseUrl, LOG_LEVEL: "warn" };
    });
    after(async () => {
      await dropSchema?.();
      rmSync(dir, { recursive: true, force: true });
    });

    const run = (args: string[], input = "") => {
      const result = spawnSync(process.execPath, ["--import", tsx, cli, "admin", ...args], { env, input, encoding: "utf8", cwd: dir, timeout: 60_000 });
      return { status: result.status, out: result.stdout, err: result.stderr };
    };
    async function storedHash(username: string) {
      const connection = connect(databaseUrl);
      try {
        return (await createAdminStore(connection.db).findOperator(username))?.passwordHash;
      } finally {
        await connection.db.destroy();
      }
    }

    test("add (global and of a tenant), list, passwd, remove", async () => {
      // The tenant an operator is scoped to must exist.
      assert.equal(spawnSync(process.execPath, ["--import", tsx, cli, "tenant", "add", "tea-shop", "--appid", "wx7ea0000000000001", "--secret", "7ea5ec7e7ea5ec7e7ea5ec7e7ea5ec7e"], { env, cwd: dir }).status, 0);
      const root = run(["add", "root"], "first password!\n");
      assert.equal(root.status, 0, root.err);
      assert.match(root.out, /operator root added \(all tenants\)/);
      assert.ok(!root.out.includes("first password!") && !root.err.includes("first password!"), "the password is never printed");
      assert.equal(await verifyPassword("first password!", (await storedHash("root"))!), true, "the line, without its newline");
      const alice = run(["add", "alice", "--tenant", "tea-shop"], "alice's password\r\nignored second line\n");
      assert.equal(alice.status, 0, alice.err);
      assert.equal(await verifyPassword("alice's password", (await storedHash("alice"))!), true);

      assert.deepEqual(run(["list"]).out.trim().split("\n"), ["alice\ttea-shop", "root\t(all tenants)"]);

      const passwd = run(["passwd", "root"], "second password\n");
      assert.equal(passwd.status, 0, passwd.err);
      assert.equal(await verifyPassword("second password", (await storedHash("root"))!), true);
      assert.equal(await verifyPassword("first password!", (await storedHash("root"))!), false);

      assert.equal(run(["remove", "alice"]).status, 0);
      assert.deepEqual(run(["list"]).out.trim().split("\n"), ["root\t(all tenants)"]);
    });

    test("refusals: clear wegate: errors, exit status 1, nothing changed", async () => {
      const cases: Array<[string[], string, RegExp]> = [
        [["add", "shorty"], "too short\n", /^wegate: the password must be at least 10 characters long; nothing was changed$/m],
        [["add", "nopass"], "", /^wegate: no password on stdin/m],
        [["add", "root"], "another password\n", /^wegate: an operator named "root" already exists$/m],
        [["add", "bad name"], "a fine password\n", /^wegate: admin add needs a username/m],
        [["add", "scoped", "--tenant", "no-such-shop"], "a fine password\n", /^wegate: no tenant "no-such-shop"/m],
        [["remove", "nobody"], "", /^wegate: no operator "nobody": see wegate admin list$/m],
        [["passwd", "nobody"], "a fine password\n", /^wegate: no operator "nobody"/m],
        [["passwd", "root"], "short\n", /at least 10 characters/],
        [["frobnicate"], "", /^wegate: unknown admin action "frobnicate"/m],
        [["list", "--tenant", "x"], "", /^wegate: /m],
      ];
      const before = await storedHash("root");
      for (const [args, input, expected] of cases) {
        const result = run(args, input);
        assert.equal(result.status, 1, `${args.join(" ")}: ${result.out}`);
        assert.match(result.err, expected, args.join(" "));
      }
      assert.equal(await storedHash("root"), before);
      assert.deepEqual(run(["list"]).out.trim().split("\n"), ["root\t(all tenants)"]);
    });
  });
}
