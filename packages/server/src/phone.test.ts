import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { GET_USER_PHONE_NUMBER_PATH, STABLE_TOKEN_PATH } from "@wegate/wechat-sim";
import { type Harness, startHarness, type TestTenant } from "./testing/harness";
import { testDatabases } from "./testing/databases";

for (const database of testDatabases()) {
  describe(`binding the phone number (${database})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness({ database });
    });
    after(() => h.close());

    /** Logs `user` in through the phone's wx.login and returns the token. */
    async function logIn(user: string, tenant: TestTenant = h.tenants.a): Promise<string> {
      const { code } = await h.wx(user, tenant).login();
      const reply = await h.post(`/${tenant.subDomain}/user/wxapp/authorize`, { code });
      assert.equal(reply.body.code, 0, reply.text);
      return reply.body.data.token;
    }

    const mobileOf = async (token: string, tenant = h.tenants.a) =>
      (await h.get(`/${tenant.subDomain}/user/detail`, { token })).body.data.base.mobile;

    test("bindMobile/v2 trades the getPhoneNumber code and stores the number", async () => {
      h.world.setPhone("pat", { countryCode: "86", purePhoneNumber: "13912345678" });
      const token = await logIn("pat");
      const { code } = await h.wx("pat").getPhoneNumber();
      const reply = await h.post("/shop-a/user/wxapp/bindMobile/v2", { token, code }, { form: true });
      assert.deepEqual(reply.body, { code: 0, msg: "success", data: "13912345678" });
      assert.equal(await mobileOf(token), "13912345678");

      const again = await h.post("/shop-a/user/wxapp/bindMobile/v2", { token, code });
      assert.equal(again.body.code, 30008, "a phone code is single use");
      assert.equal((await h.post("/shop-a/user/wxapp/bindMobile/v2", { token, code: "made-up" })).body.code, 30008);
      assert.equal((await h.post("/shop-a/user/wxapp/bindMobile/v2", { code })).body.code, 2000);
      assert.equal((await h.post("/shop-a/user/wxapp/bindMobile/v2", { token })).body.code, 300);
    });

    test("a phone code of another tenant's mini program is refused, and nothing is stored", async () => {
      const token = await logIn("quinn");
      await h.wx("quinn", h.tenants.b).login();
      const { code } = await h.wx("quinn", h.tenants.b).getPhoneNumber();
      const reply = await h.post("/shop-a/user/wxapp/bindMobile/v2", { token, code });
      assert.equal(reply.body.code, 30008);
      assert.equal(await mobileOf(token), "");
    });

    test("20 parallel bindings across users fetch ONE access_token", async () => {
      h.world.resetCounters();
      const users = Array.from({ length: 20 }, (_, i) => `crowd-${i}`);
      // A fresh tenant b app, so no access_token is cached yet.
      const tokens = await Promise.all(users.map((user) => logIn(user, h.tenants.b)));
      const codes = await Promise.all(users.map(async (user) => (await h.wx(user, h.tenants.b).getPhoneNumber()).code));
      const replies = await Promise.all(tokens.map((token, i) => h.post("/shop-b/user/wxapp/bindMobile/v2", { token, code: codes[i] })));
      assert.deepEqual(replies.map((r) => r.body.code), users.map(() => 0));
      assert.deepEqual(replies.map((r) => r.body.data), users.map((user) => h.world.phone(user).purePhoneNumber));
      assert.equal(h.world.callCount(STABLE_TOKEN_PATH), 1);
      assert.equal(h.world.callCount(GET_USER_PHONE_NUMBER_PATH), 20);
    });

    test("a 40001 makes the manager fetch a new token once and succeed", async () => {
      const token = await logIn("rita");
      await h.post("/shop-a/user/wxapp/bindMobile/v2", { token, code: (await h.wx("rita").getPhoneNumber()).code });
      h.world.resetCounters();
      h.world.invalidateAccessTokens(h.tenants.a.appid);
      const reply = await h.post("/shop-a/user/wxapp/bindMobile/v2", { token, code: (await h.wx("rita").getPhoneNumber()).code });
      assert.equal(reply.body.code, 0, reply.text);
      assert.equal(h.world.callCount(STABLE_TOKEN_PATH), 1);
      assert.equal(h.world.callCount(GET_USER_PHONE_NUMBER_PATH), 2);

      h.world.resetCounters();
      h.world.setFault(GET_USER_PHONE_NUMBER_PATH, { kind: "errcode", errcode: 40001, times: 2 });
      const stuck = await h.post("/shop-a/user/wxapp/bindMobile/v2", { token, code: (await h.wx("rita").getPhoneNumber()).code });
      assert.equal(stuck.body.code, 30009, "a second 40001 is not retried again");
      assert.equal(stuck.status, 502);
      assert.equal(h.world.callCount(GET_USER_PHONE_NUMBER_PATH), 2);
    });

    test("WeChat trouble while binding is a clear code, and the stored number stays", async () => {
      const token = await logIn("sam");
      await h.post("/shop-a/user/wxapp/bindMobile/v2", { token, code: (await h.wx("sam").getPhoneNumber()).code });
      const before = await mobileOf(token);
      assert.notEqual(before, "");
      for (const [fault, code] of [[{ kind: "http", status: 502 }, 30005], [{ kind: "errcode", errcode: -1 }, 30005], [{ kind: "errcode", errcode: 45011 }, 30003]] as const) {
        // Held until the answer, however often the server retries.
        h.world.setFault(GET_USER_PHONE_NUMBER_PATH, fault);
        const reply = await h.post("/shop-a/user/wxapp/bindMobile/v2", { token, code: (await h.wx("sam").getPhoneNumber()).code });
        h.world.setFault(GET_USER_PHONE_NUMBER_PATH, undefined);
        assert.equal(reply.body.code, code, reply.text);
      }
      assert.equal(await mobileOf(token), before);
    });

    test("legacy bindMobile decrypts with the stored session_key, or with a fresh code's", async () => {
      h.world.setPhone("tess", { countryCode: "86", purePhoneNumber: "13700000001" });
      const token = await logIn("tess");
      const stored = await h.wx("tess").getPhoneNumber();
      const reply = await h.post("/shop-a/user/wxapp/bindMobile", { token, encryptedData: stored.encryptedData, iv: stored.iv }, { form: true });
      assert.equal(reply.body.data, "13700000001", reply.text);

      // The phone logged in again without telling the server: the stored key is stale...
      h.world.setPhone("tess", { countryCode: "86", purePhoneNumber: "13700000002" });
      const { code } = await h.wx("tess").login();
      const fresh = await h.wx("tess").getPhoneNumber();
      const stale = await h.post("/shop-a/user/wxapp/bindMobile", { token, encryptedData: fresh.encryptedData, iv: fresh.iv });
      assert.equal(stale.body.code, 30007);
      assert.equal(await mobileOf(token), "13700000001");
      // ...so the client sends the code of that login with the data.
      const withCode = await h.post("/shop-a/user/wxapp/bindMobile", { token, encryptedData: fresh.encryptedData, iv: fresh.iv, code });
      assert.equal(withCode.body.data, "13700000002", withCode.text);
      assert.equal(await mobileOf(token), "13700000002");

      const other = await h.wx("ulla").login();
      const foreign = await h.post("/shop-a/user/wxapp/bindMobile", { token, encryptedData: fresh.encryptedData, iv: fresh.iv, code: other.code });
      assert.equal(foreign.body.code, 300, "a code of another user is refused");
      const junk = await h.post("/shop-a/user/wxapp/bindMobile", { token, encryptedData: "bm90IGRhdGE=", iv: "AAAAAAAAAAAAAAAAAAAAAA==" });
      assert.equal(junk.body.code, 30007);
      assert.equal(await mobileOf(token), "13700000002");
    });

    test("phone codes and encryptedData stay out of the logs", async () => {
      const token = await logIn("vera");
      const phone = await h.wx("vera").getPhoneNumber();
      await h.post("/shop-a/user/wxapp/bindMobile/v2", { token, code: phone.code });
      await h.post("/shop-a/user/wxapp/bindMobile", { token, encryptedData: phone.encryptedData, iv: phone.iv });
      const logs = h.logs.join("\n");
      for (const secret of [token, phone.code, phone.encryptedData, h.world.accessTokenFor(h.tenants.a.appid)]) {
        assert.ok(!logs.includes(secret));
      }
    });
  });
}
