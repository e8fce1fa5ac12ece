/**
 * The log scan: the whole hostile corpus, malformed requests that carry
 * secrets, normal logins and phone bindings, and WeChat failing in every way
 * on every endpoint the server calls — all at debug level. Then every token,
 * wx.login code, phone code, session_key, access_token, app secret,
 * encryptedData, iv and phone number that was used is looked for in every log line: none may appear.
 * The corpus's answers are searched too: none may carry a secret its own request did not send.
 * The console's secrets the same way: operators' passwords, TOTP secrets and
 * codes, app secrets added through the console, session cookies and CSRF tokens.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CODE2SESSION_PATH, GET_USER_PHONE_NUMBER_PATH, type SimFault, STABLE_TOKEN_PATH } from "@wegate/wechat-sim";
import { errors } from "../errors";
import { testDatabases } from "../testing/databases";
import { type Harness, type Reply, startHarness } from "../testing/harness";
import { Secret, TOTP } from "otpauth";
import { hashPassword } from "../admin/password";
import { newTotpSecret } from "../admin/totp";
import { ADMIN_CASE_SECRETS } from "./cases/admin";
import { hostileCorpus } from "./corpus";
import { consoleLogIn, logIn, type Seeded, seedUsers } from "./fixtures";
import { rawRequest } from "./raw-http";
import { placeholders, runCase } from "./run-case";

const catalogueCodes = new Set(Object.values(errors).map((entry) => entry.code));

const FAULTS: SimFault[] = [
  { kind: "errcode", errcode: -1 },
  { kind: "errcode", errcode: 40029 },
  { kind: "errcode", errcode: 45011 },
  { kind: "errcode", errcode: 40226 },
  { kind: "errcode", errcode: 40125 },
  { kind: "errcode", errcode: 40001 },
  { kind: "errcode", errcode: 99999, errmsg: "something odd, hints: [ req_id: abc ]" },
  { kind: "http", status: 502 },
  { kind: "html" },
  { kind: "invalid-json" },
  { kind: "reset" },
  { kind: "hang" },
];

for (const database of testDatabases()) {
  describe(`log scan on ${database}`, () => {
    let h: Harness;
    /** Every secret value the run used, with what it is (for the failure message). */
    const secrets = new Map<string, string>();
    const phoneUsers = new Set<string>();

    function secret(value: string | undefined, what: string) {
      if (value) secrets.set(value, what);
    }

    before(async () => {
      h = await startHarness({
        database,
        logLevel: "debug",
        demoCatalogue: true,
        wechatTimeoutMs: 300,
        // Quick retries, and a breaker that stays closed: every fault below reaches the server's error paths.
        wechatResilience: { retries: 1, backoffBaseMs: 1, backoffCapMs: 2, breakerThreshold: 1_000_000 },
      });
      // Whatever the phones are given: wx.login codes with their session_keys, getPhoneNumber codes.
      const { world } = h;
      const login = world.login.bind(world);
      world.login = (appid, user) => {
        const code = login(appid, user);
        secret(code, `wx.login code of ${user}`);
        secret(world.sessionKey(appid, user), `session_key of ${user}`);
        return code;
      };
      const phoneCode = world.phoneCode.bind(world);
      world.phoneCode = (appid, user) => {
        phoneUsers.add(user);
        const code = phoneCode(appid, user);
        secret(code, `phone code of ${user}`);
        return code;
      };
      for (const tenant of Object.values(h.tenants)) secret(tenant.secret, `app secret of ${tenant.subDomain}`);
    });
    after(() => h?.close());

    async function seededUsers(): Promise<Seeded> {
      const seeded = await seedUsers(h);
      for (const user of [seeded.alice, seeded.bob]) secret(user.token, `token of ${user.name}`);
      secret(seeded.aliceInB, "alice's token in shop-b");
      secret(seeded.revoked, "alice's logged-out token");
      for (const [name, session] of [["root", seeded.admin.root], ["shopb-op", seeded.admin.shopB]] as const) {
        secret(session.cookie, `${name}'s console cookie`);
        secret(session.csrf, `${name}'s CSRF token`);
      }
      secret(seeded.admin.revoked, "root's logged-out console cookie");
      // Sent in the console cases' bodies: never in a log line, nor in any answer (their own included).
      for (const [name, value] of Object.entries(ADMIN_CASE_SECRETS)) secret(value, `the console cases' ${name}`);
      return seeded;
    }

    /** The normal flows: registration with encrypted profile data, logins, both ways of binding a phone number, logout. */
    async function normalFlows() {
      const wx = h.wx("dora");
      const { code } = await wx.login();
      const info = await wx.getUserInfo({ withCredentials: true });
      secret(info.encryptedData, "dora's encrypted profile");
      secret(info.iv, "dora's profile iv");
      assert.equal((await h.post("/shop-a/user/wxapp/register/complex", { code, encryptedData: info.encryptedData, iv: info.iv }, { form: true })).body.code, 0);
      const { token } = await logIn(h, "dora");
      secret(token, "dora's token");
      const phone = await wx.getPhoneNumber();
      secret(phone.encryptedData, "dora's encrypted phone number");
      secret(phone.iv, "dora's phone iv");
      const legacy = await h.post("/shop-a/user/wxapp/bindMobile", { token, encryptedData: phone.encryptedData, iv: phone.iv }, { form: true });
      assert.equal(legacy.body.code, 0, legacy.text);
      assert.equal((await h.post("/shop-a/user/wxapp/bindMobile/v2", { token, code: phone.code })).body.code, 0);
      // The same secrets again, where they are refused: a used code, used encrypted data, a revoked token.
      await h.post("/shop-a/user/wxapp/register/complex", { code, encryptedData: info.encryptedData, iv: info.iv });
      await h.post("/shop-a/user/wxapp/bindMobile/v2", { token, code: phone.code });
      assert.equal((await h.get("/shop-a/user/loginout", { token })).body.code, 0);
      await h.get("/shop-a/user/detail", { token });
      await h.post("/shop-a/user/modify", { token, nick: "x" }, { form: true });
    }

    /** Requests Node's HTTP parser or the router refuse, each carrying a token or a code. */
    async function malformedWithSecrets(token: string) {
      const host = new URL(h.url).host;
      const code = h.code("mallory");
      const requests = [
        `GET /shop-a/user/detail?token=${token} HTTP/1.1\r\nHost: ${host}\r\nContent-Length: abc\r\nConnection: close\r\n\r\n`,
        `GET /shop-a/user/detail?token=${token}\0 HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
        `GET /shop-a/user/detail?token=${token}&pad=${"p".repeat(100 * 1024)} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
        `GET /shop-a/user/detail HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${token}\r\nX-Pad: ${"p".repeat(20 * 1024)}\r\nConnection: close\r\n\r\n`,
        `GET /shop-a/user/detail HTTP/1.1\r\nHost: ${host}\r\nX-Token: ${token}\x01\r\nConnection: close\r\n\r\n`,
        `GET /shop-a/user/detail%ff?token=${token} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
        `GET /${"a".repeat(120)}/user/detail?token=${token} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
        `GET /shop-a/user/detail?token=${token} HTTP/1.1\r\nConnection: close\r\n\r\n`,
        `POST /shop-a/user/wxapp/login?code=${code} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n`,
        `POST /shop-a/user/wxapp/login HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: 5\r\nConnection: close\r\n\r\n{"code":"${code}"}`,
        `POST /shop-a/user/wxapp/login HTTP/1.1\r\nHost: ${host}\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: ${code.length + 5}\r\n\r\ncode=${code}`,
      ];
      for (const request of requests) await rawRequest(h.url, request);
    }

    /** Every fault on each WeChat endpoint the server calls: code2Session, stable_token, getuserphonenumber. */
    async function wechatFaults(token: string) {
      const { appid } = h.tenants.a;
      /** What each faulty call answered that is not a WeChat-class envelope (an HTTP 500, or a code outside the catalogue). */
      const wrong: string[] = [];
      const check = (what: string, reply: Reply) => {
        if (reply.status === 500 || !catalogueCodes.has(reply.body.code)) wrong.push(`${what}: HTTP ${reply.status} ${reply.text.slice(0, 200)}`);
      };
      for (const fault of FAULTS) {
        const name = JSON.stringify(fault);
        h.world.setFault(CODE2SESSION_PATH, fault);
        check(`authorize, ${name}`, await h.post("/shop-a/user/wxapp/authorize", { code: h.code("erin") }, { form: true }));
        const legacy = { token, encryptedData: "AAAA", iv: "AAAA", code: h.code("alice") };
        check(`bindMobile, ${name}`, await h.post("/shop-a/user/wxapp/bindMobile", legacy, { form: true }));
        h.world.setFault(CODE2SESSION_PATH, undefined);

        h.world.setFault(GET_USER_PHONE_NUMBER_PATH, fault);
        check(`bindMobile/v2, ${name}`, await h.post("/shop-a/user/wxapp/bindMobile/v2", { token, code: h.world.phoneCode(appid, "alice") }));
        h.world.setFault(GET_USER_PHONE_NUMBER_PATH, undefined);

        // A token WeChat no longer takes: the server fetches a new one, into the fault.
        secret(h.world.accessTokenFor(appid), "access_token of shop-a");
        h.world.invalidateAccessTokens(appid);
        h.world.setFault(STABLE_TOKEN_PATH, fault);
        check(`stable_token, ${name}`, await h.post("/shop-a/user/wxapp/bindMobile/v2", { token, code: h.world.phoneCode(appid, "alice") }));
        h.world.setFault(STABLE_TOKEN_PATH, undefined);
      }
      assert.deepEqual(wrong, []);
      const { body } = await h.post("/shop-a/user/wxapp/authorize", { code: h.code("erin") });
      assert.equal(body.code, 0, "WeChat answers again once the faults are gone");
      secret(body.data.token, "erin's token");
    }

    test("no log line holds a token, code, session_key, access_token, app secret, encrypted data or phone number", async () => {
      const seeded = await seededUsers();
      await normalFlows();
      const fill = placeholders(h, seeded);
      // Answers may echo what their own request sent, never any other secret.
      const answers: Array<{ name: string; text: string; used: string[] }> = [];
      for (const c of hostileCorpus()) {
        const result = await runCase(h, fill, c);
        answers.push({ name: c.name, text: result.reply.raw, used: result.used });
      }
      await malformedWithSecrets(seeded.alice.token);
      await wechatFaults(seeded.alice.token);
      for (const tenant of Object.values(h.tenants)) secret(h.world.accessTokenFor(tenant.appid), `access_token of ${tenant.subDomain}`);
      for (const user of phoneUsers) {
        const phone = h.world.phone(user);
        secret(phone.purePhoneNumber, `phone number of ${user}`);
        secret(`${phone.countryCode}${phone.purePhoneNumber}`, `phone number of ${user} with its country code`);
      }

      // The scan must have something to scan: request lines and WeChat failures, at debug level.
      assert.equal(h.app.log.level, "debug");
      assert.ok(h.logs.filter((line) => line.includes('"msg":"incoming request"')).length > hostileCorpus().length / 2, "requests were logged");
      assert.ok(h.logs.some((line) => line.includes("WeChat")), "WeChat failures were logged");
      assert.ok(secrets.size > 100, `${secrets.size} secrets`);

      const leaks: string[] = [];
      for (const [value, what] of secrets) {
        assert.ok(value.length >= 11, `${what} is long enough to search for`);
        const line = h.logs.find((l) => l.includes(value));
        if (line) leaks.push(`${what} in: ${line.slice(0, 400)}`);
      }
      assert.deepEqual(leaks, []);

      const echoed: string[] = [];
      for (const [value, what] of secrets) {
        // A phone number is the user's own data (/user/detail answers it).
        if (what.startsWith("phone number")) continue;
        const answer = answers.find((a) => !a.used.includes(value) && a.text.includes(value));
        if (answer) echoed.push(`${what} in the answer to ${answer.name}: ${answer.text.slice(0, 300)}`);
      }
      assert.deepEqual(echoed, []);
    });

    test("console: no log line holds a password, a TOTP secret or code, an app secret, a session cookie or a CSRF token", async () => {
      const now = h.clock();
      /** Secrets no answer may carry either (a session's cookie and CSRF token are its login's answer). */
      const neverAnswered = new Map<string, string>();
      const hidden = (value: string, what: string) => {
        secret(value, what);
        neverAnswered.set(value, what);
      };
      const answers: Array<{ what: string; text: string }> = [];
      const send = async (what: string, method: string, path: string, options: { body?: unknown; cookie?: string; csrf?: string; headers?: Record<string, string> } = {}) => {
        const headers: Record<string, string> = { ...options.headers };
        if (options.body !== undefined) headers["content-type"] = "application/json";
        if (options.cookie) headers.cookie = `wegate_admin=${options.cookie}`;
        if (options.csrf) headers["x-csrf-token"] = options.csrf;
        const response = await fetch(`${h.url}/admin/api${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
        const text = await response.text();
        answers.push({ what, text: `${[...response.headers].map(([name, value]) => `${name}: ${value}`).join("\n")}\n${text}` });
        return JSON.parse(text) as { code: number; msg: string; data?: any };
      };

      // A password login, a wrong password, and the password where it does not belong.
      const password = "olga-password-Xk39pQ";
      hidden(password, "olga's password");
      hidden("olga-wrong-password-5Tz", "a wrong password of olga's");
      await h.admin.addOperator({ username: "olga", passwordHash: await hashPassword(password), tenantId: null }, now);
      assert.equal((await send("a wrong password", "POST", "/login", { body: { username: "olga", password: "olga-wrong-password-5Tz" } })).code, 60002);
      assert.equal((await send("the password in the query", "POST", `/login?username=olga&password=${password}`, { body: {} })).code, 300);
      assert.equal((await send("the password beside a bad name", "POST", "/login", { body: { username: "olga\u0000", password } })).code, 300);
      const olga = await consoleLogIn(h, "olga", password);
      secret(olga.cookie, "olga's console cookie");
      secret(olga.csrf, "olga's CSRF token");

      // TOTP: no code, a wrong one, the right one, the right one again.
      const totpSecret = newTotpSecret();
      hidden(totpSecret, "tom's TOTP secret");
      await h.admin.addOperator({ username: "tom", passwordHash: await hashPassword(password), tenantId: null }, now);
      assert.ok(await h.admin.setTotp("tom", h.app.secretBox.seal(totpSecret), now));
      const totp = new TOTP({ algorithm: "SHA1", digits: 6, period: 30, secret: Secret.fromBase32(totpSecret) });
      const code = totp.generate({ timestamp: now });
      const wrongCode = [1, 2, 3, 4, 5].map((steps) => totp.generate({ timestamp: now + steps * 3_600_000 })).find((c) => c !== code)!;
      assert.equal((await send("tom without a code", "POST", "/login", { body: { username: "tom", password } })).code, 60030);
      assert.equal((await send("tom with a wrong code", "POST", "/login", { body: { username: "tom", password, otp: wrongCode } })).code, 60031);
      const tom = await consoleLogIn(h, "tom", password, code);
      secret(tom.cookie, "tom's console cookie");
      secret(tom.csrf, "tom's CSRF token");
      assert.equal((await send("tom's code again", "POST", "/login", { body: { username: "tom", password, otp: code } })).code, 60031);
      assert.equal((await send("tom's code in the query", "POST", `/login?otp=${code}`, { body: { username: "tom", password: "x", otp: ` ${code} ` } })).code, 60002);

      // App secrets: added, checked (WeChat knows the first), re-keyed, refused when malformed.
      const appid = "wxc000000000000003";
      const appSecret = "3a9c1f0e7b5d2468ace0fdb97531eca8";
      const rekeyed = "b7e1d2c3a4f5069788796a5b4c3d2e1f";
      const malformed = "3a9c1f0e7b5d2468ace0fdb97531ecaZ";
      hidden(appSecret, "the app secret added through the console");
      hidden(rekeyed, "the app secret the app was re-keyed with");
      hidden(malformed, "a malformed app secret");
      h.world.addApp({ appid, secret: appSecret });
      const as = { cookie: olga.cookie, csrf: olga.csrf };
      assert.equal((await send("add an app", "POST", "/tenants/shop-a/apps", { ...as, body: { appid, secret: appSecret } })).code, 0);
      assert.deepEqual((await send("check it", "POST", `/tenants/shop-a/apps/${appid}/check`, as)).data, { ok: true });
      // WeChat failing every way while it checks: ok:false with WeChat's words, the secret in no log line.
      for (const fault of FAULTS) {
        h.world.setFault(STABLE_TOKEN_PATH, fault);
        const checked = await send(`check it, ${JSON.stringify(fault)}`, "POST", `/tenants/shop-a/apps/${appid}/check`, as);
        assert.equal(checked.data?.ok, false, `${JSON.stringify(fault)}: ${checked.msg}`);
      }
      h.world.setFault(STABLE_TOKEN_PATH, undefined);
      assert.equal((await send("re-key it", "POST", "/tenants/shop-a/apps", { ...as, body: { appid, secret: rekeyed } })).code, 0);
      assert.equal((await send("check the wrong key", "POST", `/tenants/shop-a/apps/${appid}/check`, as)).data.ok, false);
      assert.equal((await send("a malformed secret", "POST", "/tenants/shop-a/apps", { ...as, body: { appid, secret: malformed } })).code, 300);
      assert.equal((await send("a secret without the CSRF token", "POST", "/tenants/shop-a/apps", { cookie: olga.cookie, body: { appid, secret: appSecret } })).code, 60004);
      assert.equal((await send("a secret from another site", "POST", "/tenants/shop-a/apps", { ...as, headers: { origin: "https://evil.example" }, body: { appid, secret: appSecret } })).code, 60004);
      assert.equal((await send("a secret in the query", "POST", `/tenants/shop-a/apps?secret=${appSecret}`, { ...as, body: { appid } })).code, 300);

      // Cookies and CSRF tokens where they do not belong, and after logout.
      assert.equal((await send("the cookie in the query", "GET", `/tenants?wegate_admin=${olga.cookie}&csrf=${olga.csrf}`)).code, 60001);
      assert.equal((await send("a wrong CSRF token", "POST", "/users/1/disable", { cookie: olga.cookie, csrf: tom.csrf, body: { tenant: "shop-a" } })).code, 60004);
      assert.equal((await send("logout", "POST", "/logout", as)).code, 0);
      assert.equal((await send("after logout", "GET", "/me", as)).code, 60001);
      const host = new URL(h.url).host;
      for (const request of [
        `GET /admin/api/me HTTP/1.1\r\nHost: ${host}\r\nCookie: wegate_admin=${tom.cookie}\x01\r\nConnection: close\r\n\r\n`,
        `GET /admin/api/me HTTP/1.1\r\nHost: ${host}\r\nCookie: wegate_admin=${tom.cookie}\r\nX-Pad: ${"p".repeat(20 * 1024)}\r\nConnection: close\r\n\r\n`,
        `POST /admin/api/login?password=${password} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: abc\r\nConnection: close\r\n\r\n{}`,
        `POST /admin/api/logout HTTP/1.1\r\nHost: ${host}\r\nCookie: wegate_admin=${tom.cookie}\r\nX-CSRF-Token: ${tom.csrf}\0\r\nConnection: close\r\n\r\n`,
      ]) {
        await rawRequest(h.url, request);
      }

      assert.equal(h.app.log.level, "debug");
      assert.ok(h.logs.some((line) => line.includes("/admin/api/login")), "console requests were logged");
      const leaks: string[] = [];
      for (const [value, what] of secrets) {
        const line = h.logs.find((l) => l.includes(value));
        if (line) leaks.push(`${what} in: ${line.slice(0, 400)}`);
      }
      // Six digits: looked for as a number of its own, not inside a longer one.
      for (const [value, what] of [[code, "tom's TOTP code"], [wrongCode, "a wrong TOTP code"]]) {
        const line = h.logs.find((l) => new RegExp(`(?<!\\d)${value}(?!\\d)`).test(l));
        if (line) leaks.push(`${what} in: ${line.slice(0, 400)}`);
      }
      assert.deepEqual(leaks, []);
      const echoed = answers.flatMap(({ what, text }) => [...neverAnswered].filter(([value]) => text.includes(value)).map(([, secretName]) => `${secretName} in the answer to ${what}`));
      assert.deepEqual(echoed, []);
    });
  });
}

test("rate-limited requests (HTTP 429) log no token, code or phone number either", async () => {
  const limit = (max: number) => ({ max, windowMs: 60_000 });
  const limited = await startHarness({
    logLevel: "debug",
    rateLimits: { login: limit(3), phone: limit(2), token: limit(4), ip: limit(40), upload: limit(1), uploadDaily: limit(2), adminLogin: limit(2) },
  });
  try {
    const used = new Map<string, string>();
    const { token } = await logIn(limited, "lena");
    used.set(token, "lena's token");
    const statuses = new Set<number>();
    for (let i = 0; i < 5; i++) {
      const code = limited.code("lena");
      used.set(code, "a wx.login code of lena");
      statuses.add((await limited.post("/shop-a/user/wxapp/authorize", { code }, { form: true })).status);
      const phoneCode = limited.world.phoneCode(limited.tenants.a.appid, "lena");
      used.set(phoneCode, "a phone code of lena");
      statuses.add((await limited.post("/shop-a/user/wxapp/bindMobile/v2", { token, code: phoneCode })).status);
      statuses.add((await limited.get("/shop-a/user/check-token", { token })).status);
      statuses.add((await limited.get("/shop-a/user/detail", {}, { authorization: `Bearer ${token}` })).status);
    }
    // Console logins, past their limit: the password (and the name, which may be one typed in the wrong field) are in no line.
    const password = "lena-console-password-Rk7";
    used.set(password, "a console password");
    used.set("lena-operator-name", "a console username");
    const consoleStatuses = new Set<number>();
    for (let i = 0; i < 4; i++) {
      const response = await fetch(`${limited.url}/admin/api/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "lena-operator-name", password, otp: "123456" }),
      });
      consoleStatuses.add(response.status);
    }
    assert.ok(statuses.has(429), `some requests were limited: ${[...statuses].join(", ")}`);
    assert.ok(consoleStatuses.has(429), `some console logins were limited: ${[...consoleStatuses].join(", ")}`);
    used.set(limited.world.phone("lena").purePhoneNumber, "lena's phone number");
    used.set(limited.tenants.a.secret, "the app secret of shop-a");
    const leaks = [...used].flatMap(([value, what]) => limited.logs.filter((line) => line.includes(value)).map((line) => `${what} in: ${line.slice(0, 400)}`));
    assert.deepEqual(leaks, []);
  } finally {
    await limited.close();
  }
});

