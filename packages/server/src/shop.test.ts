import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Harness, startHarness, type TestTenant } from "./testing/harness";
import { testDatabases } from "./testing/databases";

interface Seeded {
  /** No options, plenty of stock. */
  mug: number;
  /** Options 颜色 (红 1, 蓝 2) and 尺码 (S 3, M 4); stock 5. */
  shirt: number;
}

async function seedGoods(h: Harness, tenant: TestTenant = h.tenants.a): Promise<Seeded> {
  const { id: tenantId } = (await h.storage.findTenant(tenant.subDomain))!;
  const category = await h.storage.ensureCategory(tenantId, "家居", h.clock());
  const mug = await h.storage.saveGoods(
    tenantId,
    {
      categoryId: category.id,
      name: "陶瓷马克杯",
      pics: ["https://img.example.com/mug-1.jpg", "https://img.example.com/mug-2.jpg"],
      price: 3990,
      originalPrice: 4990,
      stock: 500,
      content: "<p>350ml</p>",
      options: [],
    },
    h.clock(),
  );
  const shirt = await h.storage.saveGoods(
    tenantId,
    {
      categoryId: null,
      name: "纯棉T恤",
      pics: ["https://img.example.com/shirt.jpg"],
      price: 9900,
      originalPrice: 9900,
      stock: 5,
      content: "",
      options: [
        { id: 1, name: "颜色", values: [{ id: 1, name: "红" }, { id: 2, name: "蓝" }] },
        { id: 2, name: "尺码", values: [{ id: 3, name: "S" }, { id: 4, name: "M" }] },
      ],
    },
    h.clock(),
  );
  return { mug: mug.id, shirt: shirt.id };
}

async function logIn(h: Harness, user: string, tenant: TestTenant = h.tenants.a): Promise<string> {
  const reply = await h.post(`/${tenant.subDomain}/user/wxapp/authorize`, { code: h.code(user, tenant) });
  assert.equal(reply.body.code, 0, reply.text);
  return reply.body.data.token;
}

const red = (size: "S" | "M") => JSON.stringify([{ optionId: 1, optionValueId: 1 }, { optionId: 2, optionValueId: size === "S" ? 3 : 4 }]);

for (const database of testDatabases()) {
  describe(`shop: the seed's goods detail and My pages (${database})`, () => {
    let h: Harness;
    let goods: Seeded;
    before(async () => {
      h = await startHarness({ database });
      goods = await seedGoods(h);
    });
    after(() => h.close());

    test("goods list -> detail, favorites and the cart, as API Factory's client calls them", async () => {
      const list = await h.post("/shop-a/shop/goods/list", { page: 1, pageSize: 20 }, { form: true });
      assert.equal(list.body.code, 0);
      const mug = list.body.data.find((g: { id: number }) => g.id === goods.mug);
      assert.equal(mug.minPrice, 39.9);
      assert.equal(mug.originalPrice, 49.9);
      assert.equal(mug.pic, "https://img.example.com/mug-1.jpg");

      const detail = await h.get("/shop-a/shop/goods/detail", { id: goods.shirt });
      assert.equal(detail.body.code, 0);
      assert.equal(detail.body.data.basicInfo.name, "纯棉T恤");
      assert.deepEqual(
        detail.body.data.properties.map((p: { name: string; childsCurGoods: Array<{ name: string }> }) => [p.name, p.childsCurGoods.map((c) => c.name)]),
        [["颜色", ["红", "蓝"]], ["尺码", ["S", "M"]]],
      );
      const again = await h.get("/shop-a/shop/goods/detail", { id: goods.shirt });
      assert.equal(again.body.data.basicInfo.views, detail.body.data.basicInfo.views + 1, "detail counts views");

      const anonymous = await h.post("/shop-a/shop/goods/fav/add", { goodsId: goods.mug }, { form: true });
      assert.equal(anonymous.body.code, 2000);
      assert.equal(anonymous.status, 401);

      const token = await logIn(h, "alice");
      assert.equal((await h.post("/shop-a/shop/goods/fav/add", { token, goodsId: goods.mug }, { form: true })).body.code, 0);
      assert.equal((await h.post("/shop-a/shop/goods/fav/add", { token, goodsId: goods.mug }, { form: true })).body.code, 0, "idempotent");
      const check = await h.get("/shop-a/shop/goods/fav/check", { token, goodsId: goods.mug });
      assert.deepEqual(check.body, { code: 0, msg: "已收藏" });
      const favorites = await h.post("/shop-a/shop/goods/fav/list", { token }, { form: true });
      assert.deepEqual(
        favorites.body.data.map((f: { goodsId: number; goodsName: string }) => [f.goodsId, f.goodsName]),
        [[goods.mug, "陶瓷马克杯"]],
      );
      const listed = await h.get("/shop-a/shop/goods/detail", { id: goods.mug });
      assert.equal(listed.body.data.basicInfo.numberFav, 1, "one favorite however often it is added");
      // apifm-wxapi sends id: '' next to goodsId
      assert.equal((await h.post("/shop-a/shop/goods/fav/delete", { token, id: "", goodsId: goods.mug }, { form: true })).body.code, 0);
      const unchecked = await h.get("/shop-a/shop/goods/fav/check", { token, goodsId: goods.mug });
      assert.equal(unchecked.body.code, -1);
      assert.equal(unchecked.body.msg, "未收藏");
      assert.equal((await h.post("/shop-a/shop/goods/fav/list", { token })).body.code, 700);

      const empty = await h.get("/shop-a/shopping-cart/info", { token });
      assert.equal(empty.body.code, 700);

      const add = (params: Record<string, unknown>) => h.post("/shop-a/shopping-cart/add", { token, ...params }, { form: true });
      assert.equal((await add({ goodsId: goods.mug, number: 1, sku: "", addition: "", type: "" })).body.code, 0);
      const twice = await add({ goodsId: goods.mug, number: 1 });
      assert.equal(twice.body.data.items.length, 1);
      assert.equal(twice.body.data.items[0].number, 2);
      assert.equal((await add({ goodsId: goods.shirt, number: 1, sku: red("S") })).body.code, 0);
      const reordered = JSON.stringify([{ optionId: 2, optionValueId: 4 }, { optionId: 1, optionValueId: 1 }]);
      const cart = (await add({ goodsId: goods.shirt, number: 2, sku: reordered })).body.data;
      assert.equal(cart.items.length, 3, "each sku is its own line");
      const medium = cart.items.find((i: { sku: Array<{ optionValueName: string }> }) => i.sku[1]?.optionValueName === "M");
      assert.deepEqual(
        medium.sku.map((s: { optionName: string; optionValueName: string }) => `${s.optionName}:${s.optionValueName}`),
        ["颜色:红", "尺码:M"],
      );
      assert.equal(cart.number, 5);
      assert.equal(cart.price, 2 * 39.9 + 3 * 99);

      const mugKey = cart.items.find((i: { goodsId: number }) => i.goodsId === goods.mug).key;
      const modified = await h.post("/shop-a/shopping-cart/modifyNumber", { token, key: mugKey, number: 7 }, { form: true });
      assert.equal(modified.body.data.items.find((i: { key: string }) => i.key === mugKey).number, 7);

      const selected = await h.post("/shop-a/shopping-cart/select", { token, key: mugKey, selected: false }, { form: true });
      assert.equal(selected.body.data.price, 3 * 99, "unselected lines are not in the total");
      assert.equal(selected.body.data.number, 10);

      const otherKeys = cart.items.filter((i: { key: string }) => i.key !== mugKey).map((i: { key: string }) => i.key);
      const removed = await h.post("/shop-a/shopping-cart/remove", { token, key: otherKeys.join(",") }, { form: true });
      assert.deepEqual(removed.body.data.items.map((i: { key: string }) => i.key), [mugKey]);

      assert.equal((await h.post("/shop-a/shopping-cart/empty", { token }, { form: true })).body.code, 0);
      assert.equal((await h.get("/shop-a/shopping-cart/info", { token })).body.code, 700);
    });

    test("a tenant's goods, favorites and carts are its own", async () => {
      const other = await h.get("/shop-b/shop/goods/detail", { id: goods.mug });
      assert.equal(other.body.code, 700);
      const token = await logIn(h, "bob", h.tenants.b);
      assert.equal((await h.post("/shop-b/shopping-cart/add", { token, goodsId: goods.mug, number: 1 })).body.code, 700);
      assert.equal((await h.post("/shop-b/shop/goods/list", {})).body.code, 700);
    });

    test("the cart never holds more than the stock", async () => {
      const token = await logIn(h, "carol");
      const add = (number: number) => h.post("/shop-a/shopping-cart/add", { token, goodsId: goods.shirt, number, sku: red("M") });
      assert.equal((await add(4)).body.code, 0);
      const over = await add(2);
      assert.equal(over.body.code, 301);
      assert.equal(over.status, 409);
      const cart = await h.get("/shop-a/shopping-cart/info", { token });
      assert.equal(cart.body.data.items[0].number, 4);
      const key = cart.body.data.items[0].key;
      assert.equal((await h.post("/shop-a/shopping-cart/modifyNumber", { token, key, number: 6 })).body.code, 301);
      assert.equal((await h.post("/shop-a/shopping-cart/modifyNumber", { token, key, number: 5 })).body.code, 0);
    });

    test("adds that reach the stock exactly are taken; one more is refused", async () => {
      const token = await logIn(h, "stock-exact");
      const add = (number: number) => h.post("/shop-a/shopping-cart/add", { token, goodsId: goods.shirt, number, sku: red("S") });
      assert.equal((await add(3)).body.code, 0);
      const full = await add(2);
      assert.equal(full.body.code, 0, `3 + 2 = the stock of 5: ${full.text}`);
      assert.equal(full.body.data.items[0].number, 5);
      const over = await add(1);
      assert.equal(over.body.code, 301);
      assert.equal(over.status, 409);
      assert.equal((await h.get("/shop-a/shopping-cart/info", { token })).body.data.items[0].number, 5);
      const blueS = JSON.stringify([{ optionId: 1, optionValueId: 2 }, { optionId: 2, optionValueId: 3 }]);
      const whole = await h.post("/shop-a/shopping-cart/add", { token, goodsId: goods.shirt, number: 5, sku: blueS });
      assert.equal(whole.body.code, 0, `the whole stock in one add: ${whole.text}`);
    });

    test("another user's real cart line key is refused by select, remove and modifyNumber, and the owner's cart stays", async () => {
      const owner = await logIn(h, "line-owner");
      const intruder = await logIn(h, "line-intruder");
      const cart = (await h.post("/shop-a/shopping-cart/add", { token: owner, goodsId: goods.mug, number: 2 })).body.data;
      const key = cart.items[0].key;
      const ownKey = (await h.post("/shop-a/shopping-cart/add", { token: intruder, goodsId: goods.mug, number: 1 })).body.data.items[0].key;
      const before = await h.get("/shop-a/shopping-cart/info", { token: owner });
      const attempts: Array<[string, Record<string, unknown>]> = [
        ["/shopping-cart/select", { key, selected: false }],
        ["/shopping-cart/select", { key: `${ownKey},${key}`, selected: false }],
        ["/shopping-cart/remove", { key }],
        ["/shopping-cart/remove", { key: `${ownKey},${key}` }],
        ["/shopping-cart/modifyNumber", { key, number: 4 }],
      ];
      for (const [path, params] of attempts) {
        const reply = await h.post(`/shop-a${path}`, { token: intruder, ...params });
        assert.equal(reply.body.code, 700, `${path} ${JSON.stringify(params)}: ${reply.text}`);
        assert.equal(reply.status, 404, path);
      }
      assert.deepEqual((await h.get("/shop-a/shopping-cart/info", { token: owner })).body, before.body, "the owner's cart is unchanged");
      const own = (await h.get("/shop-a/shopping-cart/info", { token: intruder })).body.data.items;
      assert.deepEqual(own.map((i: { key: number; number: number; selected: boolean }) => [i.key, i.number, i.selected]), [[ownKey, 1, true]]);
    });

    test("bad input on every shop route: a clear code, never a 500, the cart unchanged", async () => {
      const token = await logIn(h, "dave");
      await h.post("/shop-a/shopping-cart/add", { token, goodsId: goods.mug, number: 3 });
      const before = await h.get("/shop-a/shopping-cart/info", { token });
      const key = before.body.data.items[0].key;

      // One exact answer per case: code 300 is HTTP 400, 301 is 409, 700 (not found) is 404.
      const statusOf: Record<number, number> = { 300: 400, 301: 409, 700: 404 };
      const cases: Array<[string, "get" | "post", string, Record<string, unknown>, number]> = [
        ["goods list: page 0", "post", "/shop/goods/list", { page: 0 }, 300],
        ["goods list: pageSize huge", "post", "/shop/goods/list", { pageSize: 100000 }, 300],
        ["goods detail: no id", "get", "/shop/goods/detail", {}, 300],
        ["goods detail: id not a number", "get", "/shop/goods/detail", { id: "abc" }, 300],
        ["goods detail: unknown goods", "get", "/shop/goods/detail", { id: 999999 }, 700],
        ["fav add: unknown goods", "post", "/shop/goods/fav/add", { token, goodsId: 999999 }, 700],
        ["fav add: no goodsId", "post", "/shop/goods/fav/add", { token }, 300],
        ["fav check: negative goodsId", "get", "/shop/goods/fav/check", { token, goodsId: -1 }, 300],
        ["fav delete: neither id nor goodsId", "post", "/shop/goods/fav/delete", { token, id: "", goodsId: "" }, 300],
        ["fav list: page -1", "post", "/shop/goods/fav/list", { token, page: -1 }, 300],
        ["cart add: missing number", "post", "/shopping-cart/add", { token, goodsId: goods.mug }, 300],
        ["cart add: negative number", "post", "/shopping-cart/add", { token, goodsId: goods.mug, number: -2 }, 300],
        ["cart add: zero", "post", "/shopping-cart/add", { token, goodsId: goods.mug, number: 0 }, 300],
        ["cart add: float number", "post", "/shopping-cart/add", { token, goodsId: goods.mug, number: 1.5 }, 300],
        ["cart add: huge number", "post", "/shopping-cart/add", { token, goodsId: goods.mug, number: 1e12 }, 300],
        ["cart add: more than stock", "post", "/shopping-cart/add", { token, goodsId: goods.mug, number: 501 }, 301],
        ["cart add: number text", "post", "/shopping-cart/add", { token, goodsId: goods.mug, number: "two" }, 300],
        ["cart add: unknown goods", "post", "/shopping-cart/add", { token, goodsId: 999999, number: 1 }, 700],
        ["cart add: malformed sku JSON", "post", "/shopping-cart/add", { token, goodsId: goods.shirt, number: 1, sku: "[{optionId:1" }, 300],
        ["cart add: sku not an array", "post", "/shopping-cart/add", { token, goodsId: goods.shirt, number: 1, sku: '{"optionId":1}' }, 300],
        ["cart add: sku missing an option", "post", "/shopping-cart/add", { token, goodsId: goods.shirt, number: 1, sku: '[{"optionId":1,"optionValueId":1}]' }, 300],
        ["cart add: sku unknown value", "post", "/shopping-cart/add", { token, goodsId: goods.shirt, number: 1, sku: '[{"optionId":1,"optionValueId":9},{"optionId":2,"optionValueId":3}]' }, 300],
        ["cart add: sku on goods without options", "post", "/shopping-cart/add", { token, goodsId: goods.mug, number: 1, sku: red("S") }, 300],
        ["cart add: no sku on goods with options", "post", "/shopping-cart/add", { token, goodsId: goods.shirt, number: 1 }, 300],
        ["modifyNumber: unknown key", "post", "/shopping-cart/modifyNumber", { token, key: 999999, number: 1 }, 700],
        ["modifyNumber: key not a key", "post", "/shopping-cart/modifyNumber", { token, key: "abc", number: 1 }, 300],
        ["modifyNumber: negative", "post", "/shopping-cart/modifyNumber", { token, key, number: -1 }, 300],
        ["modifyNumber: float", "post", "/shopping-cart/modifyNumber", { token, key, number: 2.5 }, 300],
        ["modifyNumber: missing number", "post", "/shopping-cart/modifyNumber", { token, key }, 300],
        ["select: unknown key among known", "post", "/shopping-cart/select", { token, key: `${key},999999`, selected: false }, 700],
        ["select: selected not a boolean", "post", "/shopping-cart/select", { token, key, selected: "maybe" }, 300],
        ["remove: unknown key among known", "post", "/shopping-cart/remove", { token, key: `${key},999999` }, 700],
        ["remove: empty list", "post", "/shopping-cart/remove", { token, key: ",," }, 300],
        ["remove: no key", "post", "/shopping-cart/remove", { token }, 300],
      ];
      for (const [name, method, path, params, code] of cases) {
        for (const form of [false, true]) {
          const reply = method === "get" ? await h.get(`/shop-a${path}`, params) : await h.post(`/shop-a${path}`, params, { form });
          assert.equal(reply.body.code, code, `${name}: ${reply.text}`);
          assert.equal(reply.status, statusOf[code], `${name}: HTTP ${reply.status}`);
          assert.ok(reply.body.msg.length > 0, name);
        }
      }
      const afterwards = await h.get("/shop-a/shopping-cart/info", { token });
      assert.deepEqual(afterwards.body, before.body, "bad requests changed nothing");
    });

    test("every route behind the token answers 2000 without one", async () => {
      const routes: Array<["get" | "post", string, Record<string, unknown>]> = [
        ["post", "/shop/goods/fav/add", { goodsId: goods.mug }],
        ["get", "/shop/goods/fav/check", { goodsId: goods.mug }],
        ["post", "/shop/goods/fav/delete", { goodsId: goods.mug }],
        ["post", "/shop/goods/fav/list", {}],
        ["get", "/shopping-cart/info", {}],
        ["post", "/shopping-cart/add", { goodsId: goods.mug, number: 1 }],
        ["post", "/shopping-cart/modifyNumber", { key: 1, number: 1 }],
        ["post", "/shopping-cart/select", { key: 1, selected: true }],
        ["post", "/shopping-cart/remove", { key: 1 }],
        ["post", "/shopping-cart/empty", {}],
      ];
      for (const [method, path, params] of routes) {
        for (const token of [undefined, "not-a-token"]) {
          const all = token ? { ...params, token } : params;
          const reply = method === "get" ? await h.get(`/shop-a${path}`, all) : await h.post(`/shop-a${path}`, all);
          assert.equal(reply.body.code, 2000, `${path}: ${reply.text}`);
        }
      }
    });
  });
}

for (const database of testDatabases()) {
  describe(`cart concurrency on ${database}`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness({ database, logLevel: "warn" });
    });
    after(() => h.close());

    test("100 parallel adds of 1 end with number 100 exactly, in one line", async () => {
      const { mug } = await seedGoods(h);
      const token = await logIn(h, "erin");
      const replies = await Promise.all(
        Array.from({ length: 100 }, () => h.post("/shop-a/shopping-cart/add", { token, goodsId: mug, number: 1 })),
      );
      assert.deepEqual(new Set(replies.map((r) => r.body.code)), new Set([0]));
      const cart = await h.get("/shop-a/shopping-cart/info", { token });
      assert.equal(cart.body.data.items.length, 1);
      assert.equal(cart.body.data.items[0].number, 100);
    });

    test("parallel favorites of one goods make one favorite", async () => {
      const { shirt } = await seedGoods(h);
      const token = await logIn(h, "frank");
      await Promise.all(Array.from({ length: 20 }, () => h.post("/shop-a/shop/goods/fav/add", { token, goodsId: shirt })));
      const favorites = await h.post("/shop-a/shop/goods/fav/list", { token });
      assert.equal(favorites.body.data.length, 1);
      const detail = await h.get("/shop-a/shop/goods/detail", { id: shirt });
      assert.equal(detail.body.data.basicInfo.numberFav, 1);
    });
  });
}
