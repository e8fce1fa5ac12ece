/**
 * The log scan: the whole hostile corpus, malformed requests that carry
 * secrets, normal logins and phone bindings, and WeChat failing in every way
 * on every endpoint the server calls — all at debug level. Then every token,
 * wx.login code, phone code, session_key, access_token, app secret,
 * encryptedData, iv and phone number that was used is looked for in every log line: none may appear.
 * The corpus's answers are searched too: none may carry a secret its own request did not send.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CODE2SESSION_PATH, GET_USER_PHONE_NUMBER_PATH, type SimFault, STABLE_TOKEN_PATH } from "@wegate/wechat-sim";
import { errors } from "../errors";
import { testDatabases } from "../testing/databases";
import { type Harness, type Reply, startHarness } from "../testing/harness";
import { hostileCorpus } from "./corpus";
import { logIn, type Seeded, seedUsers } from "./fixtures";
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
  });
}

test("rate-limited requests (HTTP 429) log no token, code or phone number either", async () => {
  const limit = (max: number) => ({ max, windowMs: 60_000 });
  const limited = await startHarness({
    logLevel: "debug",
    rateLimits: { login: limit(3), phone: limit(2), token: limit(4), ip: limit(40), upload: limit(1), uploadDaily: limit(2) },
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
    assert.ok(statuses.has(429), `some requests were limited: ${[...statuses].join(", ")}`);
    used.set(limited.world.phone("lena").purePhoneNumber, "lena's phone number");
    used.set(limited.tenants.a.secret, "the app secret of shop-a");
    const leaks = [...used].flatMap(([value, what]) => limited.logs.filter((line) => line.includes(value)).map((line) => `${what} in: ${line.slice(0, 400)}`));
    assert.deepEqual(leaks, []);
  } finally {
    await limited.close();
  }
});

