import assert from "node:assert/strict";
import { encryptData } from "@wegate/wechat";
import { after, before, describe, test } from "node:test";
import { type Harness, startHarness } from "./testing/harness";
import { testDatabases } from "./testing/databases";

for (const database of testDatabases()) {
  describe(`login and registration (${database})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness({ database, wechatTimeoutMs: 300 });
    });
    after(() => h.close());

    test("authorize registers silently once, then logs the same user in", async () => {
      const first = await h.post("/shop-a/user/wxapp/authorize", { code: h.code("erin") });
      assert.equal(first.body.code, 0);
      const second = await h.post("/shop-a/user/wxapp/authorize", { code: h.code("erin") });
      assert.equal(second.body.code, 0);
      assert.equal(second.body.data.uid, first.body.data.uid);
      assert.notEqual(second.body.data.token, first.body.data.token, "every login issues a new token");
      // authorize registered the user, so login works too
      assert.equal((await h.post("/shop-a/user/wxapp/login", { code: h.code("erin") })).body.data.uid, first.body.data.uid);
      // and register/simple says already registered
      const simple = await h.post("/shop-a/user/wxapp/register/simple", { code: h.code("erin") });
      assert.equal(simple.body.code, 10000);
      assert.equal(simple.status, 409);
    });

    test("register/simple registers with the openid only", async () => {
      const registered = await h.post("/shop-a/user/wxapp/register/simple", { code: h.code("frank"), postJsonString: '{"source":"poster","level":3}' });
      assert.equal(registered.body.code, 0);
      const { token } = (await h.post("/shop-a/user/wxapp/login", { code: h.code("frank") })).body.data;
      const detail = await h.get("/shop-a/user/detail", { token });
      assert.equal(detail.body.data.base.nick, "");
      assert.deepEqual(detail.body.data.ext, { source: "poster", level: "3" });
    });

    test("the same code used twice fails with the mapped WeChat code, not a 500", async () => {
      const code = h.code("gina");
      assert.equal((await h.post("/shop-a/user/wxapp/authorize", { code })).body.code, 0);
      const reused = await h.post("/shop-a/user/wxapp/authorize", { code });
      assert.equal(reused.status, 400);
      assert.equal(reused.body.code, 30002);
      assert.match(reused.body.msg, /登录凭证已被使用/);
      const unknown = await h.post("/shop-a/user/wxapp/login", { code: "no-such-code" }, { headers: { "accept-language": "en-US,en;q=0.9" } });
      assert.deepEqual(unknown.body, { code: 30001, msg: "Invalid or expired wx.login code" });
    });

    test("a code expires after 5 minutes", async () => {
      const code = h.code("hank");
      h.clock.advance(5 * 60_000 + 1);
      assert.equal((await h.post("/shop-a/user/wxapp/authorize", { code })).body.code, 30001);
    });

    describe("register/complex rejects encrypted data it cannot trust", () => {
      test("data made with an older session_key (wx.login called again before sending)", async () => {
        const wx = h.wx("ivan");
        await wx.login();
        const info = await wx.getUserInfo({ withCredentials: true });
        const { code } = await wx.login(); // replaces the session_key the data was made with
        const reply = await h.post("/shop-a/user/wxapp/register/complex", { code, encryptedData: info.encryptedData, iv: info.iv });
        assert.equal(reply.status, 400);
        assert.equal(reply.body.code, 30007);
        assert.equal((await h.post("/shop-a/user/wxapp/login", { code: h.code("ivan") })).body.code, 10000, "no user was created");
      });

      test("a tampered iv", async () => {
        const wx = h.wx("judy");
        const { code } = await wx.login();
        const info = await wx.getUserInfo({ withCredentials: true });
        const iv = Buffer.from(info.iv, "base64");
        iv[0] ^= 0xff; // garbles the first block: `{"openId":...` is no longer JSON
        const reply = await h.post("/shop-a/user/wxapp/register/complex", { code, encryptedData: info.encryptedData, iv: iv.toString("base64") });
        assert.equal(reply.body.code, 30007);
        const junk = await h.post("/shop-a/user/wxapp/register/complex", { code: h.code("judy"), encryptedData: info.encryptedData, iv: "not-an-iv" });
        assert.equal(junk.body.code, 30007);
      });

      test("another appid's watermark", async () => {
        const user = "kate";
        const code = h.code(user);
        const sessionKey = h.world.sessionKey(h.tenants.a.appid, user)!;
        const sealed = encryptData({
          data: { openId: h.world.openid(h.tenants.a.appid, user), nickName: "Kate", watermark: { appid: h.tenants.b.appid, timestamp: 1 } },
          sessionKey,
        });
        const reply = await h.post("/shop-a/user/wxapp/register/complex", { code, ...sealed }, { headers: { "accept-language": "en" } });
        assert.equal(reply.body.code, 30007);
        assert.equal(reply.body.msg, "The encrypted data was made for another app");
      });

      test("another user's profile under our watermark", async () => {
        const code = h.code("leo");
        const sealed = encryptData({
          data: { openId: "o-somebody-else", nickName: "Mallory", watermark: { appid: h.tenants.a.appid, timestamp: 1 } },
          sessionKey: h.world.sessionKey(h.tenants.a.appid, "leo")!,
        });
        assert.equal((await h.post("/shop-a/user/wxapp/register/complex", { code, ...sealed })).body.code, 30007);
      });
    });

    test("a token of tenant A is not logged in on tenant B", async () => {
      const { token } = (await h.post("/shop-a/user/wxapp/authorize", { code: h.code("mia") })).body.data;
      assert.equal((await h.get("/shop-a/user/check-token", { token })).body.code, 0);
      assert.equal((await h.get("/shop-b/user/check-token", { token })).body.code, 2000);
      assert.equal((await h.get("/shop-b/user/detail", { token })).body.code, 2000);
      // logging out on B does not end the session on A
      await h.get("/shop-b/user/loginout", { token });
      assert.equal((await h.get("/shop-a/user/check-token", { token })).body.code, 0);
      // the same person in B's mini program is a different user of B
      const inB = (await h.post("/shop-b/user/wxapp/authorize", { code: h.code("mia", h.tenants.b) })).body.data;
      assert.notEqual(inB.openid, h.world.openid(h.tenants.a.appid, "mia"));
      // a code made for A's mini program is not accepted by B's
      assert.equal((await h.post("/shop-b/user/wxapp/authorize", { code: h.code("mia") })).body.code, 30001);
    });

    test("unknown tenants and routes answer in the envelope", async () => {
      const tenant = await h.get("/no-such-shop/user/check-token");
      assert.equal(tenant.status, 404);
      assert.equal(tenant.body.code, 901);
      assert.equal((await h.get("/Bad_Tenant!/user/check-token")).body.code, 901);
      const route = await h.get("/shop-a/user/no-such-route");
      assert.equal(route.status, 404);
      assert.equal(route.body.code, 404);
    });

    describe("WeChat trouble maps to clear codes", () => {
      const path = "/sns/jscode2session";
      const cases = [
        { fault: { kind: "errcode", errcode: -1 }, status: 503, code: 30005 },
        { fault: { kind: "errcode", errcode: 45011 }, status: 429, code: 30003 },
        { fault: { kind: "errcode", errcode: 40226 }, status: 403, code: 30004 },
        { fault: { kind: "errcode", errcode: 40125 }, status: 502, code: 30009 },
        { fault: { kind: "errcode", errcode: 99999 }, status: 502, code: 30010 },
        // The daily quota is spent: WeChat will not serve us for a while, like an outage.
        { fault: { kind: "errcode", errcode: 45009 }, status: 503, code: 30005 },
        // Our appid is wrong, or this server's IP is not on the app's whitelist: the operator's to fix.
        { fault: { kind: "errcode", errcode: 40013 }, status: 502, code: 30009 },
        { fault: { kind: "errcode", errcode: 40164 }, status: 502, code: 30009 },
        // An answer code2Session should never give: WeChat misbehaving, not the user's code.
        { fault: { kind: "errcode", errcode: 87009 }, status: 502, code: 30010 },
        // "missing code": for the user, the same as a code WeChat does not know.
        { fault: { kind: "errcode", errcode: 41008 }, status: 400, code: 30001 },
        { fault: { kind: "http", status: 502 }, status: 503, code: 30005 },
        { fault: { kind: "html" }, status: 503, code: 30005 },
        { fault: { kind: "invalid-json" }, status: 503, code: 30005 },
        { fault: { kind: "reset" }, status: 503, code: 30005 },
        { fault: { kind: "hang" }, status: 504, code: 30006 },
      ] as const;
      for (const { fault, status, code } of cases) {
        test(`${JSON.stringify(fault)} -> HTTP ${status}, code ${code}`, async () => {
          // Held until the answer, however often the server retries.
          h.world.setFault(path, fault);
          const reply = await h.post("/shop-a/user/wxapp/authorize", { code: h.code("nina") });
          h.world.setFault(path, undefined);
          assert.equal(reply.status, status);
          assert.equal(reply.body.code, code);
          // the next call goes through
          assert.equal((await h.post("/shop-a/user/wxapp/authorize", { code: h.code("nina") })).body.code, 0);
        });
      }
    });

    describe("bad input gets code 300 and a message naming the field, never a 500", () => {
      const cases: Array<[string, string, Record<string, unknown>]> = [
        ["login without code", "/shop-a/user/wxapp/login", {}],
        ["login with an empty code", "/shop-a/user/wxapp/login", { code: "" }],
        ["login with a huge code", "/shop-a/user/wxapp/login", { code: "x".repeat(500) }],
        ["register/complex without encryptedData", "/shop-a/user/wxapp/register/complex", { code: "abc", iv: "x" }],
        ["authorize with a non-numeric referrer", "/shop-a/user/wxapp/authorize", { code: "abc", referrer: "me" }],
        ["authorize with bad postJsonString", "/shop-a/user/wxapp/authorize", { code: "abc", postJsonString: "{nope" }],
        ["authorize with an array postJsonString", "/shop-a/user/wxapp/authorize", { code: "abc", postJsonString: "[1,2]" }],
      ];
      for (const [name, path, body] of cases) {
        test(name, async () => {
          const reply = await h.post(path, body);
          assert.equal(reply.status, 400, reply.text);
          assert.equal(reply.body.code, 300);
          assert.match(reply.body.msg, /^参数错误/);
        });
      }

      test("malformed JSON and unsupported bodies", async () => {
        const broken = await fetch(`${h.url}/shop-a/user/wxapp/login`, { method: "POST", headers: { "content-type": "application/json" }, body: "{" });
        assert.equal(broken.status, 400);
        assert.equal(((await broken.json()) as { code: number }).code, 300);
        const text = await fetch(`${h.url}/shop-a/user/wxapp/login`, { method: "POST", headers: { "content-type": "text/plain" }, body: "code=1" });
        assert.equal(text.status, 415, "a text body is not a format the API takes (as front-door.test.ts says)");
        assert.equal(((await text.json()) as { code: number }).code, 415);
        const xml = await fetch(`${h.url}/shop-a/user/wxapp/login`, { method: "POST", headers: { "content-type": "application/xml" }, body: "<code/>" });
        assert.equal(xml.status, 415);
        assert.equal(((await xml.json()) as { code: number }).code, 415);
        const huge = await h.post("/shop-a/user/wxapp/login", { code: "x".repeat(100_000) });
        assert.equal(huge.status, 413);
      });

      test("modify validates the profile and keeps what is stored", async () => {
        const { token } = (await h.post("/shop-a/user/wxapp/authorize", { code: h.code("olga") })).body.data;
        assert.equal((await h.post("/shop-a/user/modify", { token, nick: "Olga", avatarUrl: "https://example.com/o.png" })).body.code, 0);
        const bad: Array<Record<string, unknown>> = [
          { nick: "   " },
          { nick: "字".repeat(33) },
          { avatarUrl: "javascript:alert(1)" },
          { avatarUrl: "ftp://example.com/a.png" },
          { gender: 3 },
          { gender: "x" },
          { extJsonStr: "nope" },
        ];
        for (const patch of bad) {
          const reply = await h.post("/shop-a/user/modify", { token, ...patch });
          assert.equal(reply.body.code, 300, JSON.stringify(patch));
          assert.equal(reply.status, 400, JSON.stringify(patch));
        }
        const detail = (await h.get("/shop-a/user/detail", { token })).body.data.base;
        assert.equal(detail.nick, "Olga");
        assert.equal(detail.avatarUrl, "https://example.com/o.png");
        assert.equal((await h.post("/shop-a/user/modify", { nick: "x" })).body.code, 2000);

        // the fill-in flow, as apifm-wxapi sends it: a form, unused fields empty
        const nick = `  ${"😀".repeat(2)}${"字".repeat(30)}  `;
        const fill = { token, nick, avatarUrl: "http://example.com/a.png", gender: 2, city: " 广州 ", province: "广东", extJsonStr: "" };
        assert.equal((await h.post("/shop-a/user/modify", fill, { form: true })).body.code, 0, "32 characters (emoji count once) fit");
        const filled = (await h.get("/shop-a/user/detail", { token })).body.data.base;
        assert.deepEqual(
          [filled.nick, filled.avatarUrl, filled.gender, filled.city, filled.province],
          [nick.trim(), "http://example.com/a.png", 2, "广州", "广东"],
        );
      });
    });

    test("an appid of another tenant is refused, not served with the default app, and logs nobody in", async () => {
      const calls = h.world.callCount("/sns/jscode2session");
      const code = h.code("pia");
      for (const path of ["/shop-a/user/wxapp/authorize", "/shop-a/user/wxapp/register/simple", "/shop-a/user/wxapp/login"]) {
        const reply = await h.post(path, { code, appid: h.tenants.b.appid });
        assert.equal(reply.status, 400, `${path}: ${reply.text}`);
        assert.equal(reply.body.code, 300, path);
        assert.equal(reply.body.data, undefined, `${path}: no token`);
      }
      assert.equal(h.world.callCount("/sns/jscode2session"), calls, "refused before the code was spent");
      assert.equal((await h.post("/shop-a/user/wxapp/login", { code })).body.code, 10000, "nobody was registered");
      assert.equal((await h.post("/shop-a/user/wxapp/authorize", { code: h.code("pia"), appid: h.tenants.a.appid })).body.code, 0, "its own appid is served");
    });
  });
}
