import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Harness, startHarness } from "./testing/harness";
import { testDatabases } from "./testing/databases";

/**
 * A referrer uid is kept only when it is a user of the same tenant: a stale
 * share link (no such user) or another tenant's uid registers the user with
 * no referrer, on every route that registers.
 */
for (const database of testDatabases()) {
  describe(`referrer on registration (${database})`, () => {
    let h: Harness;
    /** A real user of shop-a, and one of shop-b. */
    let ownUid: number;
    let otherTenantUid: number;
    let nextUser = 0;

    before(async () => {
      h = await startHarness({ database, logLevel: "warn" });
      ownUid = (await h.post("/shop-a/user/wxapp/authorize", { code: h.code("referrer-a") })).body.data.uid;
      otherTenantUid = (await h.post("/shop-b/user/wxapp/authorize", { code: h.code("referrer-b", h.tenants.b) })).body.data.uid;
      assert.ok(ownUid && otherTenantUid);
    });
    after(() => h.close());

    /** Registers a new user of shop-a by `route` with `referrer`; answers that user's token. */
    const routes: Record<string, (referrer: number) => Promise<string>> = {
      async "register/complex"(referrer) {
        const wx = h.wx(`complex-${nextUser++}`);
        const { code } = await wx.login();
        const { encryptedData, iv } = await wx.getUserInfo({ withCredentials: true });
        const reply = await h.post("/shop-a/user/wxapp/register/complex", { code, encryptedData, iv, referrer });
        assert.equal(reply.body.code, 0, reply.text);
        return logIn(wx);
      },
      async "register/simple"(referrer) {
        const wx = h.wx(`simple-${nextUser++}`);
        const reply = await h.post("/shop-a/user/wxapp/register/simple", { code: (await wx.login()).code, referrer }, { form: true });
        assert.equal(reply.body.code, 0, reply.text);
        return logIn(wx);
      },
      async authorize(referrer) {
        const reply = await h.post("/shop-a/user/wxapp/authorize", { code: h.code(`authorize-${nextUser++}`), referrer });
        assert.equal(reply.body.code, 0, reply.text);
        return reply.body.data.token;
      },
    };

    async function logIn(wx: ReturnType<Harness["wx"]>) {
      const reply = await h.post("/shop-a/user/wxapp/login", { code: (await wx.login()).code });
      assert.equal(reply.body.code, 0, reply.text);
      return reply.body.data.token as string;
    }

    async function referrerOf(token: string) {
      const detail = await h.get("/shop-a/user/detail", { token });
      assert.equal(detail.body.code, 0, detail.text);
      return detail.body.data.base.referrer;
    }

    for (const [route, register] of Object.entries(routes)) {
      test(`${route}: a user of this tenant is recorded`, async () => {
        assert.equal(await referrerOf(await register(ownUid)), ownUid);
      });

      test(`${route}: a uid that does not exist is recorded as none`, async () => {
        assert.equal(await referrerOf(await register(otherTenantUid + 1_000)), null);
      });

      test(`${route}: another tenant's user is recorded as none`, async () => {
        assert.equal(await referrerOf(await register(otherTenantUid)), null);
      });
    }

    test("check-referrer agrees: only this tenant's users", async () => {
      assert.equal((await h.get("/shop-a/user/check-referrer", { referrer: ownUid })).body.code, 0);
      assert.equal((await h.get("/shop-a/user/check-referrer", { referrer: otherTenantUid })).body.code, 700);
      assert.equal((await h.get("/shop-a/user/check-referrer", { referrer: otherTenantUid + 1_000 })).body.code, 700);
    });
  });
}
