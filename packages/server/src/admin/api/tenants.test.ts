/** The console's tenants and apps API on both databases: add a tenant, add or re-key an app, check it against WeChat; the rate limits shown. */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { DEFAULT_RATE_LIMITS } from "../../http/limits-config";
import { testDatabases } from "../../testing/databases";
import { type Harness, startHarness } from "../../testing/harness";
import { consoleClient, type OperatorSession } from "./test-client";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const APPID = "wxc000000000000003";

for (const database of testDatabases()) {
  describe(`console tenants and apps: ${database}`, () => {
    let h: Harness;
    const client = consoleClient(() => h);
    let root: OperatorSession;
    let alice: OperatorSession;
    const secret = randomBytes(16).toString("hex");

    /** A mini program user's silent login on shop-c: the app's stored secret at work. */
    const authorizeOnC = async (user: string) => (await h.post("/shop-c/user/wxapp/authorize", { code: h.world.login(APPID, user), appid: APPID })).body.code;
    const check = (as: OperatorSession, subDomain = "shop-c", appid = APPID) => client.post(`/admin/api/tenants/${subDomain}/apps/${appid}/check`, {}, as);

    before(async () => {
      h = await startHarness({ database, redisUrl: REDIS_URL, trustProxy: true, rateLimits: DEFAULT_RATE_LIMITS });
      h.world.addApp({ appid: APPID, secret });
      await client.addOperator("root");
      await client.addOperator("alice", "shop-a");
      root = await client.login("root");
      alice = await client.login("alice");
    });
    after(() => h.close());

    test("a global operator adds a tenant (the CLI's subDomain rule); a taken one, a bad one or a tenant's operator is refused", async () => {
      const added = await client.post("/admin/api/tenants", { subDomain: "shop-c" }, root);
      assert.equal(added.body.code, 0, added.text);
      const { id } = (await h.storage.findTenant("shop-c"))!;
      assert.deepEqual(added.body.data, { id, subDomain: "shop-c", appids: [] });
      assert.ok((await client.get("/admin/api/tenants", root)).body.data.some((t: { subDomain: string }) => t.subDomain === "shop-c"), "listed");

      const again = await client.post("/admin/api/tenants", { subDomain: "shop-c" }, root);
      assert.deepEqual([again.status, again.body], [409, { code: 60010, msg: "A tenant of that subDomain already exists" }]);
      // The last ones are the server's own paths (/admin is the console): a tenant there would lose its GET routes.
      for (const subDomain of ["Shop-D", "-shop", "shop_d", "", "a".repeat(64), "shop d", "admin", "docs", "healthz"]) {
        const answer = await client.post("/admin/api/tenants", { subDomain }, root);
        assert.deepEqual([subDomain, answer.status, answer.body.code], [subDomain, 400, 300]);
      }
      const forbidden = await client.post("/admin/api/tenants", { subDomain: "shop-d" }, alice);
      assert.deepEqual([forbidden.status, forbidden.body.code], [403, 60003]);
      const noCsrf = await client.post("/admin/api/tenants", { subDomain: "shop-d" }, root, null);
      assert.deepEqual([noCsrf.status, noCsrf.body.code], [403, 60004]);
      assert.equal(await h.storage.findTenant("shop-d"), undefined, "neither made shop-d");
    });

    test("an app added with its secret serves logins and checks ok; the secret is never answered, logged or audited", async () => {
      const added = await client.post("/admin/api/tenants/shop-c/apps", { appid: APPID, secret }, root);
      assert.deepEqual(added.body, { code: 0, msg: "success", data: { appid: APPID } });
      assert.equal(await authorizeOnC("c-user"), 0);
      const calls = h.world.callCount("/cgi-bin/stable_token");
      const checked = await check(root);
      assert.deepEqual(checked.body, { code: 0, msg: "success", data: { ok: true } });
      assert.equal(h.world.callCount("/cgi-bin/stable_token"), calls + 1, "a real stable_token call");

      const audit = await client.get("/admin/api/audit?tenant=shop-c", root);
      assert.deepEqual(
        audit.body.data.map((e: Record<string, unknown>) => [e.action, e.target, e.detail]).reverse(),
        [
          ["add-tenant", "shop-c", {}],
          ["add-app", `shop-c/app/${APPID}`, { appid: APPID }],
          ["check-app", `shop-c/app/${APPID}`, { ok: true }],
        ],
      );
      const stored = (await h.storage.listApps((await h.storage.findTenant("shop-c"))!.id))[0];
      assert.ok(!stored.secretEnc.includes(secret), "sealed");
      for (const text of [added.text, checked.text, audit.text, ...h.logs]) assert.ok(!text.includes(secret), "no secret anywhere");
    });

    test("re-keying takes at once; a wrong secret checks ok:false with WeChat's errcode and errmsg, never the secret", async () => {
      const wrong = randomBytes(16).toString("hex");
      assert.equal((await client.post("/admin/api/tenants/shop-c/apps", { appid: APPID, secret: wrong }, root)).body.code, 0);
      const checked = await check(root);
      assert.deepEqual(checked.body.data, { ok: false, errcode: 40125, errmsg: checked.body.data.errmsg });
      assert.match(checked.body.data.errmsg, /invalid appsecret/);
      assert.equal(await authorizeOnC("c-user"), 30009, "the new (wrong) secret is the one used");
      assert.equal((await client.post("/admin/api/tenants/shop-c/apps", { appid: APPID, secret }, root)).body.code, 0);
      assert.equal(await authorizeOnC("c-user"), 0);
      assert.deepEqual((await check(root)).body.data, { ok: true });
      const audit = await client.get("/admin/api/audit?tenant=shop-c&limit=4", root);
      assert.deepEqual(audit.body.data.map((e: { action: string }) => e.action).reverse(), ["rekey-app", "check-app", "rekey-app", "check-app"]);
      assert.deepEqual(audit.body.data[1].detail, { appid: APPID });
      for (const text of [checked.text, audit.text, ...h.logs]) assert.ok(!text.includes(wrong) && !text.includes(secret), "no secret anywhere");
    });

    test("bad appids and secrets are a clear 400 that never repeats the secret; another tenant's appid is 60011 without its name", async () => {
      const badSecret = "my-real-secret-with-a-typo-0123456";
      for (const body of [{ appid: "wx123", secret }, { appid: "WXC000000000000003", secret }, { appid: APPID, secret: badSecret }, { appid: APPID, secret: secret.slice(1) }, { appid: APPID }]) {
        const answer = await client.post("/admin/api/tenants/shop-c/apps", body, root);
        assert.deepEqual([answer.status, answer.body.code], [400, 300]);
        assert.ok(!answer.text.includes(badSecret) && !answer.text.includes(secret.slice(1)), "the secret is not repeated");
      }
      const taken = await client.post("/admin/api/tenants/shop-c/apps", { appid: h.tenants.a.appid, secret }, root);
      assert.deepEqual([taken.status, taken.body], [409, { code: 60011, msg: "That AppID belongs to another tenant" }]);
      assert.equal((await h.post("/shop-a/user/wxapp/authorize", { code: h.code("still-a") })).body.code, 0, "shop-a keeps its app");
      const unknown = await check(root, "shop-c", "wxc00000000000000f");
      assert.deepEqual([unknown.status, unknown.body.code], [404, 700]);
      const noTenant = await client.post("/admin/api/tenants/no-such-shop/apps", { appid: APPID, secret }, root);
      assert.deepEqual([noTenant.status, noTenant.body.code], [404, 700]);
    });

    test("a tenant's operator manages its own apps only", async () => {
      for (const answer of [
        await client.post("/admin/api/tenants/shop-b/apps", { appid: "wxb00000000000000e", secret }, alice),
        await check(alice, "shop-b", h.tenants.b.appid),
        await check(alice, "shop-c"),
      ]) {
        assert.deepEqual([answer.status, answer.body.code], [404, 700]);
      }
      assert.deepEqual((await h.storage.listApps((await h.storage.findTenant("shop-b"))!.id)).map((a) => a.appid), [h.tenants.b.appid]);
      assert.deepEqual((await check(alice, "shop-a", h.tenants.a.appid)).body.data, { ok: true });
    });

    test("the rate limits in force, and where each counts", async () => {
      const answer = await client.get("/admin/api/settings/rate-limits", alice);
      const where = (group: string) => (["token", "ip"].includes(group) ? "process" : "redis");
      assert.deepEqual(
        answer.body.data,
        Object.entries(DEFAULT_RATE_LIMITS).map(([group, { max, windowMs }]) => ({ group, limit: max, per: windowMs, where: where(group) })),
      );
    });
  });
}

describe("console rate limits with RATE_LIMITS=off and no Redis", () => {
  let h: Harness;
  const client = consoleClient(() => h);
  before(async () => {
    h = await startHarness({ trustProxy: true });
    await client.addOperator("root");
  });
  after(() => h.close());

  test("none in force: an empty list", async () => {
    const answer = await client.get("/admin/api/settings/rate-limits", await client.login("root"));
    assert.deepEqual(answer.body, { code: 0, msg: "success", data: [] });
  });
});
