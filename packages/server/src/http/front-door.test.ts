import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Harness, startHarness } from "../testing/harness";
import { testDatabases } from "../testing/databases";

async function logIn(h: Harness, user: string): Promise<string> {
  const reply = await h.post("/shop-a/user/wxapp/authorize", { code: h.code(user) });
  assert.equal(reply.body.code, 0, reply.text);
  return reply.body.data.token;
}

for (const database of testDatabases()) {
  describe(`the front door (${database})`, () => {
    describe("non-finite and non-integer numbers are refused by the schema layer, on every route", () => {
      let h: Harness;
      let token: string;
      before(async () => {
        h = await startHarness({ database, demoCatalogue: true });
        token = await logIn(h, "alice");
      });
      after(() => h.close());

      for (const value of ["-1e309", "1e309", "Infinity", "-Infinity", "NaN", "1.5"]) {
        test(`number=${value} on cart add (form): 300, nothing stored, the cart stays valid JSON`, async () => {
          const reply = await h.post("/shop-a/shopping-cart/add", { token, goodsId: 2, number: value }, { form: true });
          assert.equal(reply.status, 400, reply.text);
          assert.equal(reply.body.code, 300);
          const cart = await h.get("/shop-a/shopping-cart/info", { token });
          assert.equal(cart.body.code, 700, cart.text);
        });
      }

      test("a JSON body's 1e309 (JSON.parse makes it Infinity) is refused too", async () => {
        const reply = await h.post("/shop-a/shopping-cart/add", JSON.parse('{"goodsId":2,"number":1}'), { headers: { "x-token": token } });
        assert.equal(reply.body.code, 0, reply.text);
        const raw = await fetch(`${h.url}/shop-a/shopping-cart/modifyNumber`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-token": token },
          body: `{"key":"${reply.body.data.items[0].key}","number":1e309}`,
        });
        assert.equal(raw.status, 400);
        assert.equal(((await raw.json()) as { code: number }).code, 300);
        assert.equal((await h.get("/shop-a/shopping-cart/info", { token })).body.data.number, 1);
        await h.post("/shop-a/shopping-cart/empty", { token });
      });

      test("gender=-Infinity on /user/modify: 300, and /user/detail still answers", async () => {
        const reply = await h.post("/shop-a/user/modify", { token, gender: "-Infinity" }, { form: true });
        assert.equal(reply.status, 400, reply.text);
        assert.equal(reply.body.code, 300);
        const detail = await h.get("/shop-a/user/detail", { token });
        assert.equal(detail.status, 200, detail.text);
        assert.equal(detail.body.data.base.gender, 0);
      });

      test("page=1e309 on goods and favorites lists: 300, not 500", async () => {
        for (const [path, params] of [
          ["/shop-a/shop/goods/list", { page: "1e309" }],
          ["/shop-a/shop/goods/fav/list", { token, page: "1e309" }],
          ["/shop-a/shop/goods/list", { pageSize: "Infinity" }],
        ] as const) {
          const reply = await h.post(path, params, { form: true });
          assert.equal(reply.status, 400, `${path}: ${reply.text}`);
          assert.equal(reply.body.code, 300);
        }
        const query = await h.get("/shop-a/shop/goods/detail", { id: "Infinity" });
        assert.equal(query.status, 400, query.text);
      });
    });

    describe("text and nulls", () => {
      let h: Harness;
      before(async () => {
        h = await startHarness({ database, demoCatalogue: true });
      });
      after(() => h.close());

      test("a NUL in a text field is refused, not stored or cut", async () => {
        const token = await logIn(h, "dave");
        const modify = await h.post("/shop-a/user/modify", { token, nick: "a\u0000b" }, { form: true });
        assert.equal(modify.status, 400, modify.text);
        assert.equal(modify.body.code, 300);
        const search = await h.post("/shop-a/shop/goods/list", { nameLike: "\u0000" }, { form: true });
        assert.equal(search.status, 400, search.text);
        assert.equal((await h.get("/shop-a/user/detail", { token })).body.data.base.nick, "");
      });

      test("a JSON null is an absent field: nothing stored is overwritten", async () => {
        const token = await logIn(h, "erin");
        assert.equal((await h.post("/shop-a/user/modify", { token, gender: 2, city: "杭州" })).body.code, 0);
        const reply = await h.post("/shop-a/user/modify", { token, gender: null, city: null, nick: "Erin" });
        assert.equal(reply.body.code, 0, reply.text);
        const base = (await h.get("/shop-a/user/detail", { token })).body.data.base;
        assert.deepEqual([base.gender, base.city, base.nick], [2, "杭州", "Erin"]);
      });
    });

    describe("messages are whole in the request's language", () => {
      let h: Harness;
      let token: string;
      before(async () => {
        h = await startHarness({ database, demoCatalogue: true });
        token = await logIn(h, "bob");
      });
      after(() => h.close());

      test("out of stock: Chinese by default, English with Accept-Language: en, details included", async () => {
        const stock = (await h.get("/shop-a/shop/goods/detail", { id: 2 })).body.data.basicInfo.stores as number;
        const zh = await h.post("/shop-a/shopping-cart/add", { token, goodsId: 2, number: stock + 1 });
        assert.equal(zh.body.code, 301);
        assert.equal(zh.body.msg, `库存不足: 仅剩 ${stock} 件`);
        const en = await h.post("/shop-a/shopping-cart/add", { token, goodsId: 2, number: stock + 1 }, { headers: { "accept-language": "en-US,en" } });
        assert.equal(en.body.msg, `Not enough stock: only ${stock} left`);
      });

      test("validation messages: no English words in the Chinese one, the field named in both", async () => {
        const zh = await h.post("/shop-a/shopping-cart/add", { token, goodsId: 2, number: 0 });
        assert.equal(zh.body.code, 300);
        assert.match(zh.body.msg, /^参数错误: number /);
        assert.doesNotMatch(zh.body.msg.replace("number", ""), /[A-Za-z]{2,}/, zh.body.msg);
        const en = await h.post("/shop-a/shopping-cart/add", { token, goodsId: 2, number: 0 }, { headers: { "accept-language": "en" } });
        assert.equal(en.body.msg, "Invalid parameters: number must be >= 1");
        const missing = await h.post("/shop-a/shopping-cart/add", { token, goodsId: 2 });
        assert.equal(missing.body.msg, "参数错误: 缺少参数 number");
      });
    });

    describe("framework answers are the envelope", () => {
      let h: Harness;
      before(async () => {
        h = await startHarness({ database });
      });
      after(() => h.close());

      test("a text/plain body: 415", async () => {
        const reply = await fetch(`${h.url}/shop-a/user/wxapp/login`, { method: "POST", headers: { "content-type": "text/plain" }, body: "code=abc" });
        assert.equal(reply.status, 415);
        assert.deepEqual(await reply.json(), { code: 415, msg: "不支持的请求格式" });
      });

      test("a subDomain over 100 characters: 414", async () => {
        const reply = await h.get(`/${"a".repeat(101)}/user/check-token`);
        assert.equal(reply.status, 414);
        assert.deepEqual(reply.body, { code: 414, msg: "请求地址过长" });
      });

      test("a bad percent-encoding in the path: 400 with code 400", async () => {
        const reply = await h.get("/shop-a/user/detail%ff");
        assert.equal(reply.status, 400);
        assert.equal(reply.body.code, 400, reply.text);
      });

      test("a 100 kB query string: 431 with code 431", async () => {
        const reply = await h.get("/shop-a/shop/goods/list", { nameLike: "x".repeat(100_000) });
        assert.equal(reply.status, 431);
        assert.deepEqual(reply.body, { code: 431, msg: "请求头或查询参数过长" });
      });
    });

    describe("log lines never carry secrets, however the parameter names are spelled", () => {
      let h: Harness;
      before(async () => {
        h = await startHarness({ database, logLevel: "info" });
      });
      after(() => h.close());

      test("%74oken= and %63ode= are cut out of the logged URL", async () => {
        const token = await logIn(h, "carol");
        const checked = await fetch(`${h.url}/shop-a/user/check-token?%74oken=${encodeURIComponent(token)}`);
        assert.equal(((await checked.json()) as { code: number }).code, 0, "the parsed name is token");
        const code = h.code("carol");
        await fetch(`${h.url}/shop-a/user/wxapp/login?%63ode=${code}`, { method: "POST" });
        await fetch(`${h.url}/shop-a/user/check-token?ToKeN=${encodeURIComponent(token)}&page=2`);
        const logs = h.logs.join("\n");
        assert.ok(!logs.includes(token), "the token is not logged");
        assert.ok(!logs.includes(encodeURIComponent(token)), "nor its encoded form");
        assert.ok(!logs.includes(code), "the wx.login code is not logged");
        assert.match(logs, /check-token\?token=\[redacted\]/);
        assert.match(logs, /ToKeN=\[redacted\]&page=2/, "allowlisted values stay");
      });
    });
  });
}
