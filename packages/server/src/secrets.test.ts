import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Harness, startHarness } from "./testing/harness";
import { testDatabases } from "./testing/databases";

for (const database of testDatabases()) {
  describe(`secrets stay secret (${database})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness({ database, logLevel: "trace" });
    });
    after(() => h.close());

    test("no response and no log line contains a session_key, the app secret, a token or encryptedData", async () => {
      const bodies: string[] = [];
      const secrets = new Set<string>([h.tenants.a.secret, h.tenants.b.secret]);
      const keep = (text: string) => bodies.push(text);

      // The whole flow, including failures that log (bad input, WeChat errors, reused codes).
      const wx = h.wx("wendy");
      const { code } = await wx.login();
      const info = await wx.getUserInfo({ withCredentials: true });
      secrets.add(h.world.sessionKey(h.tenants.a.appid, "wendy")!);
      secrets.add(info.encryptedData);
      keep((await h.post("/shop-a/user/wxapp/register/complex", { code, encryptedData: info.encryptedData, iv: info.iv })).text);
      keep((await h.post("/shop-a/user/wxapp/register/complex", { code, encryptedData: info.encryptedData, iv: info.iv })).text);

      const loginCode = h.code("wendy");
      secrets.add(h.world.sessionKey(h.tenants.a.appid, "wendy")!);
      const login = await h.post("/shop-a/user/wxapp/login", { code: loginCode }, { form: true });
      for (const secret of secrets) assert.ok(!login.text.includes(secret), "the login response has no session_key or secret");
      // From here on the token is a secret too: only the login response may carry it.
      const token: string = login.body.data.token;
      secrets.add(token);
      keep((await h.get("/shop-a/user/check-token", { token })).text);
      keep((await h.get("/shop-a/user/detail", {}, { authorization: `Bearer ${token}` })).text);
      keep((await h.get("/shop-a/user/detail", {}, { "x-token": token })).text);
      keep((await h.post("/shop-a/user/modify", { token, nick: 42, gender: 9 })).text);
      keep((await h.post("/shop-b/user/modify", { token, nick: "x" }, { form: true })).text);
      h.world.setFault("/sns/jscode2session", { kind: "errcode", errcode: 40125, times: 1 });
      keep((await h.post("/shop-a/user/wxapp/authorize", { code: h.code("wendy") })).text);
      secrets.add(h.world.sessionKey(h.tenants.a.appid, "wendy")!);
      keep((await h.get("/shop-a/user/loginout", { token })).text);

      assert.ok(h.logs.length > 20, "the server logged the requests");
      assert.ok(h.logs.some((line) => line.includes("/shop-a/user/check-token")), "request URLs are logged");
      const requestLines = h.logs.filter((line) => line.includes('"msg":"incoming request"') || line.includes('"msg":"request completed"'));
      assert.ok(requestLines.length >= 20 && requestLines.every((line) => /"reqId":"req-\w+"/.test(line)), "request lines carry the request's id");
      for (const secret of secrets) {
        assert.ok(secret.length >= 16);
        for (const body of bodies) assert.ok(!body.includes(secret), `a response contains a secret: ${body.slice(0, 80)}`);
        for (const line of h.logs) assert.ok(!line.includes(secret), `a log line contains a secret: ${line.slice(0, 200)}`);
      }
    });

    test("session_keys and app secrets are stored sealed, tokens only as hashes", async () => {
      const wx = h.wx("xena");
      const { code } = await wx.login();
      const sessionKey = h.world.sessionKey(h.tenants.a.appid, "xena")!;
      const { token, uid } = (await h.post("/shop-a/user/wxapp/authorize", { code })).body.data;
      const sealed = await h.storage.findSessionKey(uid);
      assert.ok(sealed && !sealed.includes(sessionKey));
      assert.equal(h.app.secretBox.open(sealed), sessionKey);
      const tenant = await h.storage.findTenant("shop-a");
      const [app] = await h.storage.listApps(tenant!.id);
      assert.ok(!app.secretEnc.includes(h.tenants.a.secret));
      assert.equal(h.app.secretBox.open(app.secretEnc), h.tenants.a.secret);
      const { hashToken } = await import("./tokens");
      assert.ok(await h.storage.findSessionByTokenHash(hashToken(token)));
      assert.equal(await h.storage.findSessionByTokenHash(token), undefined);
    });
  });
}
