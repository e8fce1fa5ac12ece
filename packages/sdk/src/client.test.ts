/**
 * The SDK against a real wegate server and the WeChat simulator, through the
 * simulated phone's `wx` (real HTTP all the way).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CODE2SESSION_PATH, type SimWx } from "@wegate/wechat-sim";
import { type Harness, startHarness } from "../../server/src/testing/harness";
import { testDatabases } from "../../server/src/testing/databases";
import { createClient, ErrorCode, needsRegistration, type WegateClient } from "./index";

for (const database of testDatabases()) {
  describe(`the SDK client (${database})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness({ database, demoCatalogue: true });
    });
    after(() => h.close());

    function phone(user: string): { wx: SimWx; client: WegateClient } {
      const wx = h.wx(user);
      return { wx, client: createClient({ baseURL: h.url, subDomain: h.tenants.a.subDomain, wx }) };
    }

    /** The wx APIs called since `from`, without storage reads and writes. */
    const wxCallsSince = (wx: SimWx, from = 0) => wx.__sim.calls.slice(from).filter((name) => !name.includes("Storage"));

    /** How many requests for `path` the server logged since log line `from`. */
    function serverHits(path: string, from: number): number {
      return h.logs.slice(from).filter((line) => {
        const entry = JSON.parse(line);
        return entry.msg === "incoming request" && entry.req?.url?.split("?")[0] === `/${h.tenants.a.subDomain}${path}`;
      }).length;
    }

    test("login of an unregistered user fails with 10000; register (wx.login first) then logs in", async () => {
      const { client: referrerClient } = phone("sdk-referrer");
      const referrer = await referrerClient.authorize();
      assert.ok(referrer.ok);

      h.world.setProfile("sdk-alice", { nickName: "Alice", gender: 2, city: "Shenzhen", province: "Guangdong", country: "China" });
      const { wx, client } = phone("sdk-alice");
      const first = await client.login();
      assert.equal(first.ok, false);
      assert.ok(!first.ok && needsRegistration(first.error) && first.error.kind === "api" && first.error.status === 404);
      assert.equal(client.token(), undefined);

      const mark = wx.__sim.calls.length;
      const registered = await client.register({ referrer: referrer.data.uid });
      assert.ok(registered.ok, JSON.stringify(registered));
      // wx.login, then the encrypted profile, then straight to the server: no wx.login in between
      // (it would change the session_key the profile is sealed with).
      assert.deepEqual(wxCallsSince(wx, mark), ["login", "getUserProfile", "request", "login", "request"]);
      assert.equal(client.token(), registered.data.token);
      assert.equal(client.uid(), registered.data.uid);
      assert.equal(wx.getStorageSync("token"), registered.data.token, "kept where API Factory's templates keep it");

      const detail = await client.user.detail();
      assert.ok(detail.ok);
      assert.equal(detail.data.base.nick, "Alice");
      assert.equal(detail.data.base.referrer, referrer.data.uid);

      // Registering again is not an error for the user: they are simply logged in.
      const again = await client.register();
      assert.ok(again.ok);
      assert.notEqual(again.data.token, registered.data.token);
    });

    test("registerSimple registers with the openid only, then logs in; again it just logs in", async () => {
      const { wx, client } = phone("sdk-simple");
      const mark = wx.__sim.calls.length;
      const first = await client.registerSimple();
      assert.ok(first.ok, JSON.stringify(first));
      assert.deepEqual(wxCallsSince(wx, mark), ["login", "request", "login", "request"]);
      const again = await client.registerSimple();
      assert.ok(again.ok && again.data.uid === first.data.uid);
    });

    test("register surfaces a refused getUserProfile as a wx error and sends nothing", async () => {
      const { wx } = phone("sdk-refuser");
      const refusing: SimWx = { ...wx, getUserProfile: ((options: { fail?: (e: { errMsg: string }) => void }) => options.fail?.({ errMsg: "getUserProfile:fail auth deny" })) as SimWx["getUserProfile"] };
      const client = createClient({ baseURL: h.url, subDomain: h.tenants.a.subDomain, wx: refusing });
      const hits = h.logs.length;
      const result = await client.register();
      assert.deepEqual(result, { ok: false, error: { kind: "wx", api: "getUserProfile", message: "getUserProfile:fail auth deny" } });
      assert.equal(serverHits("/user/wxapp/register/complex", hits), 0);
    });

    test("10 concurrent requests with a revoked token: 1 wx.login, 1 login call, all 10 succeed", async () => {
      const { wx, client } = phone("sdk-concurrent");
      assert.ok((await client.authorize()).ok);
      const dead = client.token()!;
      assert.equal((await h.get(`/${h.tenants.a.subDomain}/user/loginout`, { token: dead })).body.code, 0);

      const callsMark = wx.__sim.calls.length;
      const logMark = h.logs.length;
      h.world.resetCounters();
      const results = await Promise.all([
        ...Array.from({ length: 4 }, () => client.cart.add({ goodsId: 2, number: 1 })),
        ...Array.from({ length: 3 }, () => client.shop.favAdd(3)),
        ...Array.from({ length: 3 }, () => client.user.detail()),
      ]);

      for (const result of results) assert.ok(result.ok, JSON.stringify(result));
      assert.equal(wxCallsSince(wx, callsMark).filter((name) => name === "login").length, 1, "one wx.login");
      assert.equal(h.world.callCount(CODE2SESSION_PATH), 1, "one code2Session at the simulator");
      assert.equal(serverHits("/user/wxapp/login", logMark), 1, "one login call at the server");
      assert.equal(serverHits("/shopping-cart/add", logMark), 8, "each add sent twice: with the dead token, then once more");
      assert.notEqual(client.token(), dead);

      const cart = await client.cart.info();
      assert.ok(cart.ok);
      assert.equal(cart.data.items.find((item) => item.goodsId === 2)?.number, 4);
      assert.deepEqual(await client.shop.favCheck(3), { ok: true, data: true });
    });

    test("a failed re-login surfaces login_required once, without looping, and forgets the dead token", async () => {
      const { wx, client } = phone("sdk-relogin-fails");
      assert.ok((await client.authorize()).ok);
      await h.get(`/${h.tenants.a.subDomain}/user/loginout`, { token: client.token() });

      const callsMark = wx.__sim.calls.length;
      h.world.resetCounters();
      h.world.setFault(CODE2SESSION_PATH, { kind: "errcode", errcode: 40029, errmsg: "invalid code", times: 1 });
      const results = await Promise.all(Array.from({ length: 5 }, () => client.cart.info()));
      for (const result of results) {
        assert.equal(result.ok, false);
        assert.ok(!result.ok && result.error.kind === "login_required");
        assert.ok(!result.ok && result.error.kind === "login_required" && result.error.cause?.kind === "api" && result.error.cause.code === 30001);
      }
      assert.equal(wxCallsSince(wx, callsMark).filter((name) => name === "login").length, 1);
      assert.equal(h.world.callCount(CODE2SESSION_PATH), 1);
      assert.equal(client.token(), undefined);

      const requestsBefore = wxCallsSince(wx).filter((name) => name === "request").length;
      const later = await client.cart.info();
      assert.deepEqual(later, { ok: false, error: { kind: "login_required", message: "请先登录", cause: undefined } });
      assert.equal(wxCallsSince(wx).filter((name) => name === "request").length, requestsBefore, "no token: nothing is sent");
    });

    test("a request still rejected after the re-login ends in login_required, not a loop", async () => {
      const { wx, client } = phone("sdk-no-loop");
      assert.ok((await client.authorize()).ok);
      const callsMark = wx.__sim.calls.length;
      // A call that ignores the token it is given is rejected every time.
      const result = await client.authorized(() => client.request.get("/user/check-token", { token: "not-a-token" }));
      assert.ok(!result.ok && result.error.kind === "login_required");
      assert.ok(!result.ok && result.error.kind === "login_required" && result.error.cause?.kind === "api" && result.error.cause.code === ErrorCode.notLoggedIn);
      assert.deepEqual(wxCallsSince(wx, callsMark), ["request", "login", "request", "request"]);
    });

    test("checkHasLogined: token present, wx.checkSession, server check-token", async () => {
      const { client } = phone("sdk-check");
      assert.equal(await client.checkHasLogined(), false, "no token");
      assert.ok((await client.authorize()).ok);
      assert.equal(await client.checkHasLogined(), true);

      h.world.expireSession(h.tenants.a.appid, "sdk-check");
      assert.equal(await client.checkHasLogined(), false, "WeChat session expired");
      assert.ok((await client.login()).ok);
      assert.equal(await client.checkHasLogined(), true);

      await h.get(`/${h.tenants.a.subDomain}/user/loginout`, { token: client.token() });
      assert.equal(await client.checkHasLogined(), false, "revoked on the server");
      assert.equal(client.token(), undefined, "a rejected token is forgotten");
    });

    test("logout revokes the token on the server, then clears storage", async () => {
      const { wx, client } = phone("sdk-logout");
      assert.ok((await client.authorize()).ok);
      const token = client.token();
      assert.deepEqual(await client.logout(), { ok: true, data: undefined });
      assert.equal(wx.getStorageSync("token"), "");
      assert.equal(wx.getStorageSync("uid"), "");
      assert.equal((await h.get(`/${h.tenants.a.subDomain}/user/check-token`, { token })).body.code, 2000);
      assert.deepEqual(await client.logout(), { ok: true, data: undefined }, "logging out twice is fine");
    });

    test("typed routes: goods, favorites, cart, profile; 700 lists come back empty", async () => {
      const { client } = phone("sdk-shopper");
      assert.ok((await client.authorize()).ok);

      const categories = await client.shop.categories();
      assert.ok(categories.ok && categories.data.length > 0);
      const goods = await client.shop.goodsList({ pageSize: 5 });
      assert.ok(goods.ok && goods.data.length === 5);
      assert.deepEqual(await client.shop.goodsList({ nameLike: "no such goods" }), { ok: true, data: [] });
      const detail = await client.shop.goodsDetail(1);
      assert.ok(detail.ok && detail.data.properties.length > 0);
      const missing = await client.shop.goodsDetail(999_999);
      assert.ok(!missing.ok && missing.error.kind === "api" && missing.error.code === ErrorCode.noData && missing.error.status === 404);

      assert.deepEqual(await client.shop.favList(), { ok: true, data: [] });
      assert.deepEqual(await client.shop.favCheck(1), { ok: true, data: false });
      assert.ok((await client.shop.favAdd(1)).ok);
      assert.deepEqual(await client.shop.favCheck(1), { ok: true, data: true });
      const favorites = await client.shop.favList();
      assert.ok(favorites.ok && favorites.data[0].goodsId === 1);
      assert.ok((await client.shop.favDelete({ goodsId: 1 })).ok);
      assert.deepEqual(await client.shop.favCheck(1), { ok: true, data: false });

      assert.deepEqual(await client.cart.info(), { ok: true, data: { number: 0, price: 0, items: [] } });
      const sku = detail.data.properties.map((option) => ({ optionId: option.id, optionValueId: option.childsCurGoods[0].id }));
      const added = await client.cart.add({ goodsId: 1, number: 2, sku });
      assert.ok(added.ok, JSON.stringify(added));
      assert.equal(added.data.number, 2);
      const withPowerBank = await client.cart.add({ goodsId: 2 });
      assert.ok(withPowerBank.ok);
      const [line1, line2] = withPowerBank.data.items;
      assert.equal((await client.cart.modifyNumber(line2.key, 3)).ok, true);
      const unselected = await client.cart.select([line1.key], false);
      assert.ok(unselected.ok);
      assert.equal(unselected.data.price, 3 * 129);
      const removed = await client.cart.remove(line1.key);
      assert.ok(removed.ok && removed.data.items.length === 1);
      const badSku = await client.cart.add({ goodsId: 1 });
      assert.ok(!badSku.ok && badSku.error.kind === "api" && badSku.error.code === ErrorCode.badInput && badSku.error.message.length > 0);
      assert.deepEqual(await client.cart.empty(), { ok: true, data: { number: 0, price: 0, items: [] } });

      assert.ok((await client.user.modify({ nick: "小明", avatarUrl: "https://example.com/a.png", ext: { city: "杭州" } })).ok);
      const user = await client.user.detail();
      assert.ok(user.ok && user.data.base.nick === "小明" && user.data.ext.city === "杭州");
      const phoneCode = h.world.phoneCode(h.tenants.a.appid, "sdk-shopper");
      const bound = await client.user.bindMobile(phoneCode);
      assert.ok(bound.ok && bound.data.length > 0, JSON.stringify(bound));
      assert.deepEqual(await client.user.checkReferrer(user.data.base.id), { ok: true, data: true });
      assert.deepEqual(await client.user.checkReferrer(999_999), { ok: true, data: false });
    });

    test("API Factory's wire style: form bodies with the token as a field; English messages on request", async () => {
      const { wx } = phone("sdk-wire");
      const sent: { url: string; method?: string; data?: unknown; header?: Record<string, string | number> }[] = [];
      const recording: SimWx = { ...wx, request: (options) => (sent.push(options), wx.request(options)) };
      const client = createClient({ baseURL: `${h.url}/`, subDomain: h.tenants.a.subDomain, wx: recording, language: "en" });
      assert.ok((await client.authorize()).ok);
      const result = await client.cart.add({ goodsId: 999_999 });
      assert.ok(!result.ok && result.error.kind === "api" && /goods/i.test(result.error.message), JSON.stringify(result));

      const add = sent.at(-1)!;
      assert.equal(add.url, `${h.url}/${h.tenants.a.subDomain}/shopping-cart/add`);
      assert.equal(add.method, "POST");
      assert.equal(add.header?.["content-type"], "application/x-www-form-urlencoded");
      assert.deepEqual(add.data, { goodsId: 999_999, number: 1, token: client.token() });
    });

    test("network failures are results, not exceptions; bad options are programmer errors", async () => {
      const wx = h.wx("sdk-offline");
      const client = createClient({ baseURL: "http://127.0.0.1:9", subDomain: "demo", wx, timeoutMs: 2000 });
      const result = await client.shop.goodsList();
      assert.ok(!result.ok && result.error.kind === "network" && result.error.message.startsWith("request:fail"));

      assert.throws(() => createClient({ baseURL: "ftp://x", subDomain: "demo", wx }), TypeError);
      assert.throws(() => createClient({ baseURL: h.url, subDomain: "", wx }), TypeError);
      assert.throws(() => createClient({ baseURL: h.url, subDomain: "demo", wx: undefined as unknown as SimWx }), TypeError);
    });

    test("a request in flight during logout ends in login_required and does not log the user back in", async () => {
      const { wx } = phone("sdk-logout-race");
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      // Holds the cart request back until after the logout, as a slow network would.
      const slow: SimWx = {
        ...wx,
        request: (options) => {
          if (!options.url.includes("/shopping-cart/info")) return wx.request(options);
          void gate.then(() => wx.request(options));
          return { abort() {} };
        },
      };
      const client = createClient({ baseURL: h.url, subDomain: h.tenants.a.subDomain, wx: slow });
      assert.ok((await client.authorize()).ok);
      const callsMark = wx.__sim.calls.length;

      const pending = client.cart.info();
      assert.ok((await client.logout()).ok);
      release();
      const result = await pending;
      assert.ok(!result.ok && result.error.kind === "login_required", JSON.stringify(result));
      assert.equal(wxCallsSince(wx, callsMark).filter((name) => name === "login").length, 0);
      assert.equal(client.token(), undefined);
    });
  });
}
