/**
 * The TOTP second factor end to end, on both databases: `wegate admin totp`
 * run as a real process on the server's database and key, then logins over
 * HTTP with codes computed from the secret it printed.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Secret, TOTP } from "otpauth";
import { randomBytes } from "../random";
import { createSecretBox } from "../secret-box";
import { type Harness, startHarness } from "../testing/harness";
import { testDatabases } from "../testing/databases";
import { hashPassword } from "./password";
import { ADMIN_LOCKOUT } from "./policy";

const PASSWORD = "correct horse battery";
const STEP_MS = 30_000;
const cliPath = join(import.meta.dirname, "..", "cli.ts");
const tsx = import.meta.resolve("tsx");

interface Answer {
  status: number;
  body: { code: number; msg: string; data?: any };
  cookie: string;
}

for (const database of testDatabases()) {
  describe(`console TOTP: ${database}`, () => {
    const key = randomBytes(32);
    let h: Harness;
    let dir: string;
    let env: NodeJS.ProcessEnv;

    before(async () => {
      h = await startHarness({ database, secret: key });
      dir = mkdtempSync(join(tmpdir(), "wegate-totp-"));
      const { WECHAT_APPID, WECHAT_APP_SECRET, WEGATE_SECRET, WEGATE_SECRET_PREVIOUS, DATABASE_URL, REDIS_URL, ...rest } = process.env;
      void [WECHAT_APPID, WECHAT_APP_SECRET, WEGATE_SECRET, WEGATE_SECRET_PREVIOUS, DATABASE_URL, REDIS_URL];
      env = { ...rest, DATABASE_URL: h.databaseUrl, WEGATE_SECRET: key.toString("base64"), LOG_LEVEL: "warn" };
    });
    after(async () => {
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const admin = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
      const result = spawnSync(process.execPath, ["--import", tsx, cliPath, "admin", ...args], { env: { ...env, ...extraEnv }, encoding: "utf8", cwd: dir, timeout: 60_000 });
      return { status: result.status, out: result.stdout, err: result.stderr };
    };

    /** `wegate admin totp <username>`: the secret it printed (checked against its URI). */
    function enable(username: string): string {
      const run = admin(["totp", username]);
      assert.equal(run.status, 0, run.err);
      const secret = /^secret: ([A-Z2-7]{32})$/m.exec(run.out)?.[1];
      const uri = /^otpauth:\/\/totp\/\S+$/m.exec(run.out)?.[0];
      assert.ok(secret && uri, `a secret and a URI on stdout: ${run.out}`);
      assert.equal(new URL(uri).searchParams.get("secret"), secret, "the URI carries the same secret");
      assert.ok(!run.err.includes(secret), "the secret goes to stdout only");
      return secret;
    }

    /** The code an authenticator app shows at the server's time, `steps` steps off. */
    const codeOf = (secret: string, steps = 0) => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: h.clock() + steps * STEP_MS });
    /** Six digits that are no code of the steps the server accepts now. */
    function wrongCode(secret: string): string {
      const near = new Set([-2, -1, 0, 1, 2].map((steps) => codeOf(secret, steps)));
      for (let n = 0; ; n++) {
        const code = String(n).padStart(6, "0");
        if (!near.has(code)) return code;
      }
    }

    async function login(username: string, otp?: string, password = PASSWORD): Promise<Answer> {
      const body = otp === undefined ? { username, password } : { username, password, otp };
      const response = await fetch(`${h.url}/admin/api/login`, { method: "POST", headers: { "content-type": "application/json", "accept-language": "en" }, body: JSON.stringify(body) });
      return { status: response.status, body: (await response.json()) as Answer["body"], cookie: response.headers.getSetCookie()[0]?.split(";")[0] ?? "" };
    }
    const me = async (cookie: string) => (await fetch(`${h.url}/admin/api/me`, { headers: { cookie } })).status;
    const failures = async (username: string) => (await h.admin.findOperator(username))!.failedLogins;
    const addOperator = async (username: string) => h.admin.addOperator({ username, passwordHash: await hashPassword(PASSWORD), tenantId: null }, h.clock());

    test("turned on by the CLI: the code is asked for, wrong ones count as failures, the right one logs in once, --off goes back to the password", async () => {
      await addOperator("tess");
      const before = await login("tess");
      assert.equal(before.body.code, 0, "the password alone, before TOTP is on");

      const secret = enable("tess");
      assert.equal(await me(before.cookie), 401, "turning it on ends the sessions opened without it");
      const sealed = (await h.admin.findOperator("tess"))!.totpSecretEnc!;
      assert.ok(sealed && !sealed.includes(secret) && !Buffer.from(sealed, "base64").toString("latin1").includes(secret), "kept sealed, not as is");
      assert.match(admin(["list"]).out, /^tess\t\(all tenants\)\ttotp$/m);

      const missing = await login("tess");
      assert.deepEqual([missing.status, missing.body, missing.cookie], [401, { code: 60030, msg: "Enter the code from your authenticator app" }, ""]);
      assert.equal((await login("tess", " ")).body.code, 60030, "an empty field is no code");
      assert.equal(await failures("tess"), 2, "a missing code counts as a failed login");

      const wrong = await login("tess", wrongCode(secret));
      assert.deepEqual([wrong.status, wrong.body, wrong.cookie], [401, { code: 60031, msg: "Wrong or already used authenticator code" }, ""]);
      assert.equal(await failures("tess"), 3, "a wrong code counts as a failed login");

      // A right code with a wrong password: the password's answer, and the code is not used up.
      const code = codeOf(secret);
      assert.equal((await login("tess", code, "not the password")).body.code, 60002);
      const right = await login("tess", code);
      assert.equal(right.body.code, 0, right.body.msg);
      assert.equal(await me(right.cookie), 200);
      assert.equal(await failures("tess"), 0, "a login starts the count again");

      const replay = await login("tess", code);
      assert.deepEqual([replay.status, replay.body.code, replay.cookie], [401, 60031, ""], "the same code again");
      assert.equal((await login("tess", codeOf(secret, -1))).body.code, 60031, "an older code, though within the drift window");

      h.clock.advance(STEP_MS);
      assert.equal((await login("tess", codeOf(secret, -1))).body.code, 60031, "the used code is still refused a step later");
      assert.equal((await login("tess", codeOf(secret))).body.code, 0, "the next step's code logs in");
      h.clock.advance(STEP_MS);
      assert.equal((await login("tess", codeOf(secret, 1))).body.code, 0, "a phone a step ahead");

      const failed = (await h.admin.listAudit({ limit: 50 })).filter((e) => e.target === "tess" && e.action === "login-failed").map((e) => e.detail.totp);
      assert.deepEqual(failed.reverse(), ["missing", "missing", "wrong", undefined, "reused", "reused", "reused"]);
      assert.ok(!h.logs.some((line) => line.includes(secret)), "the secret is in no log line");

      const off = admin(["totp", "tess", "--off"]);
      assert.equal(off.status, 0, off.err);
      assert.equal((await login("tess")).body.code, 0, "the password alone again");
      assert.equal((await h.admin.findOperator("tess"))!.totpSecretEnc, null);
      assert.match(admin(["list"]).out, /^tess\t\(all tenants\)$/m);
      const actions = (await h.admin.listAudit({ limit: 50 })).filter((e) => e.target === "tess" && e.action.startsWith("operator-totp"));
      assert.deepEqual(actions.map((e) => [e.action, e.ip, e.detail]), [["operator-totp-off", "cli", {}], ["operator-totp-on", "cli", {}]]);
    });

    test("wrong and missing codes lock the account like wrong passwords", async () => {
      await addOperator("lou");
      const secret = enable("lou");
      for (let i = 0; i < ADMIN_LOCKOUT.maxFailures; i++) assert.notEqual((await login("lou", i % 2 ? undefined : wrongCode(secret))).body.code, 0);
      const locked = await login("lou", codeOf(secret));
      assert.deepEqual([locked.status, locked.body.code], [429, 60005]);
      h.clock.advance(ADMIN_LOCKOUT.lockMs);
      assert.equal((await login("lou", codeOf(secret))).body.code, 0, "the code still works once the lock ends");
    });

    test("turning it on again replaces the secret: the old one's codes stop working", async () => {
      await addOperator("rex");
      const first = enable("rex");
      const second = enable("rex");
      assert.notEqual(second, first);
      h.clock.advance(STEP_MS);
      const old = codeOf(first);
      if (old !== codeOf(second)) assert.equal((await login("rex", old)).body.code, 60031);
      assert.equal((await login("rex", codeOf(second))).body.code, 0);
    });

    test("refusals: no such operator, --off when off or elsewhere, a key the database was not sealed with", async () => {
      await addOperator("ivy");
      const cases: Array<[string[], RegExp]> = [
        [["totp", "nobody"], /^wegate: no operator "nobody": see wegate admin list$/m],
        [["totp", "nobody", "--off"], /^wegate: no operator "nobody"/m],
        [["totp", "ivy", "--off"], /^wegate: ivy has no TOTP second factor; nothing was changed$/m],
        [["totp"], /^wegate: admin totp needs a username/m],
        [["list", "--off"], /^wegate: /m],
        [["remove", "ivy", "--off"], /^wegate: --off goes with admin totp only$/m],
      ];
      for (const [args, expected] of cases) {
        const run = admin(args);
        assert.equal(run.status, 1, `${args.join(" ")}: ${run.out}`);
        assert.match(run.err, expected, args.join(" "));
      }
      const otherKey = admin(["totp", "ivy"], { WEGATE_SECRET: randomBytes(32).toString("base64") });
      assert.equal(otherKey.status, 1, otherKey.out);
      assert.match(otherKey.err, /^wegate: WEGATE_SECRET does not open what this database holds/m);
      assert.equal(otherKey.out, "", "no secret printed");
      assert.equal((await h.admin.findOperator("ivy"))!.totpSecretEnc, null, "nothing was changed");
      assert.equal((await login("ivy")).body.code, 0);
    });

    // Last: the harness's server keeps the old key, so nothing after this logs in.
    test("wegate secret rotate re-seals the operators' TOTP secrets with the new key", async () => {
      await addOperator("kim");
      const secret = enable("kim");
      const newKey = randomBytes(32);
      const rotate = spawnSync(process.execPath, ["--import", tsx, cliPath, "secret", "rotate"], {
        env: { ...env, WEGATE_SECRET: newKey.toString("base64"), WEGATE_SECRET_PREVIOUS: key.toString("base64") },
        encoding: "utf8",
        cwd: dir,
        timeout: 60_000,
      });
      assert.equal(rotate.status, 0, rotate.stderr);
      const operators = (await h.admin.listOperators()).filter((o) => o.totpSecretEnc !== null);
      assert.match(rotate.stdout, new RegExp(`, ${operators.length} operator TOTP secrets; `));
      const kim = (await h.admin.findOperator("kim"))!.totpSecretEnc!;
      assert.equal(createSecretBox(newKey).open(kim), secret, "the new key alone opens it");
    });
  });
}
