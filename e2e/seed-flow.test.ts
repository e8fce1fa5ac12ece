/**
 * The seed mini program's auth flow, end to end: a simulated phone (`wx`) talks
 * over real HTTP to a real wegate server, which talks to the WeChat simulator.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { SimWx } from "@wegate/wechat-sim";
import { type Harness, startHarness } from "../packages/server/src/testing/harness";
import { testDatabases } from "../packages/server/src/testing/databases";
import { wxRequest } from "./wx-request";

for (const database of testDatabases()) {
  describe(`the seed's flow (${database})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness({ database });
    });
    after(() => h.close());

    const api = (path: string) => `${h.url}/${h.tenants.a.subDomain}${path}`;

    async function login(wx: SimWx, form = false) {
      const { code } = await wx.login();
      return wxRequest(wx, { url: api("/user/wxapp/login"), method: "POST", data: { code, type: 2 }, form });
    }

    async function registerComplex(wx: SimWx, referrer: number | "", form = false) {
      // The right order: wx.login first, then the encrypted profile, then send both.
      const { code } = await wx.login();
      const info = await wx.getUserInfo({ withCredentials: true });
      return wxRequest(wx, {
        url: api("/user/wxapp/register/complex"),
        method: "POST",
        data: { code, encryptedData: info.encryptedData, iv: info.iv, referrer, postJsonString: "" },
        form,
      });
    }

    for (const style of ["json", "form (apifm-wxapi)"] as const) {
      const form = style !== "json";

      test(`seed flow: register, login, check-token, detail, loginout — ${style} bodies`, async () => {
        // A referrer who is already a user.
        const referrerWx = h.wx(`referrer-${style}`);
        const { code: referrerCode } = await referrerWx.login();
        const referrer = await wxRequest(referrerWx, { url: api("/user/wxapp/authorize"), method: "POST", data: { code: referrerCode }, form });
        assert.equal(referrer.data.code, 0);
        const referrerUid = referrer.data.data.uid;

        const user = `alice-${style}`;
        h.world.setProfile(user, { nickName: "Alice 爱丽丝", gender: 2, city: "Guangzhou", province: "Guangdong", country: "China", avatarUrl: "https://thirdwx.qlogo.cn/mmopen/alice/132" });
        const wx = h.wx(user);

        const unregistered = await login(wx, form);
        assert.equal(unregistered.data.code, 10000);
        assert.equal(unregistered.statusCode, 404);

        const registered = await registerComplex(wx, referrerUid, form);
        assert.equal(registered.data.code, 0, registered.data.msg);
        assert.ok(registered.data.data.uid > 0);

        const again = await registerComplex(wx, referrerUid, form);
        assert.equal(again.data.code, 10000, "registering twice says already registered");

        const loggedIn = await login(wx, form);
        assert.equal(loggedIn.data.code, 0);
        const { token, uid, openid } = loggedIn.data.data;
        assert.equal(uid, registered.data.data.uid);
        assert.equal(openid, h.world.openid(h.tenants.a.appid, user));
        assert.match(token, /^[A-Za-z0-9_-]{43}$/);

        // API Factory's client sends the token as a parameter.
        const checked = await wxRequest(wx, { url: api("/user/check-token"), data: { token } });
        assert.deepEqual(checked.data, { code: 0, msg: "success" });

        const detail = await wxRequest(wx, { url: api("/user/detail"), data: { token } });
        assert.equal(detail.data.code, 0);
        assert.deepEqual(
          { ...detail.data.data.base, dateAdd: undefined },
          {
            id: uid,
            nick: "Alice 爱丽丝",
            avatarUrl: "https://thirdwx.qlogo.cn/mmopen/alice/132",
            gender: 2,
            city: "Guangzhou",
            province: "Guangdong",
            country: "China",
            mobile: "",
            referrer: referrerUid,
            dateAdd: undefined,
          },
        );
        assert.match(detail.data.data.base.dateAdd, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);

        const out = await wxRequest(wx, { url: api("/user/loginout"), data: { token } });
        assert.equal(out.data.code, 0);
        const afterLogout = await wxRequest(wx, { url: api("/user/check-token"), data: { token } });
        assert.equal(afterLogout.data.code, 2000);
        assert.equal(afterLogout.statusCode, 401);
        const detailAfter = await wxRequest(wx, { url: api("/user/detail"), data: { token } });
        assert.equal(detailAfter.data.code, 2000);
      });
    }

    test("apifm-wxapi style: token as a form field on POST, unknown fields ignored, empty optionals absent", async () => {
      const wx = h.wx("bob-form");
      const { code } = await wx.login();
      const authorized = await wxRequest(wx, {
        url: api("/user/wxapp/authorize"),
        method: "POST",
        data: { code, referrer: "", postJsonString: "", type: 2, unknownField: "x" },
        form: true,
      });
      assert.equal(authorized.data.code, 0, authorized.data.msg);
      const { token } = authorized.data.data;

      const modified = await wxRequest(wx, {
        url: api("/user/modify"),
        method: "POST",
        data: { token, nick: "  Bob  ", avatarUrl: "https://example.com/bob.png", gender: "1", city: "", province: "", extJsonStr: "" },
        form: true,
      });
      assert.equal(modified.data.code, 0, modified.data.msg);
      const detail = await wxRequest(wx, { url: api("/user/detail"), data: { token } });
      assert.equal(detail.data.data.base.nick, "Bob");
      assert.equal(detail.data.data.base.gender, 1);
      assert.equal(detail.data.data.base.referrer, null, "an empty referrer is no referrer");
    });

    test("the token also works as Authorization: Bearer and X-Token", async () => {
      const authorized = await h.post("/shop-a/user/wxapp/authorize", { code: h.code("carol") });
      const { token } = authorized.body.data;
      assert.equal((await h.get("/shop-a/user/check-token", {}, { authorization: `Bearer ${token}` })).body.code, 0);
      assert.equal((await h.get("/shop-a/user/check-token", {}, { "x-token": token })).body.code, 0);
      assert.equal((await h.get("/shop-a/user/check-token", {}, { authorization: "Bearer nope" })).body.code, 2000);
      assert.equal((await h.get("/shop-a/user/check-token")).body.code, 2000);
    });

    test("check-referrer: 0 for a user of this tenant, 700 otherwise", async () => {
      const { uid } = (await h.post("/shop-a/user/wxapp/authorize", { code: h.code("dave") })).body.data;
      assert.equal((await h.get("/shop-a/user/check-referrer", { referrer: uid })).body.code, 0);
      const missing = await h.get("/shop-a/user/check-referrer", { referrer: 999_999 });
      assert.equal(missing.body.code, 700);
      assert.equal((await h.get("/shop-b/user/check-referrer", { referrer: uid })).body.code, 700, "another tenant's user is not a referrer here");
      assert.equal((await h.get("/shop-a/user/check-referrer", { referrer: "abc" })).body.code, 300);
    });
  });
}
