/** The console's catalogue API (/admin/api goods, categories, pictures, import) over HTTP, on both databases and across instances. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { png } from "../../media/fixtures";
import { tokenOf } from "../../media/upload-client";
import { type Harness, startHarness } from "../../testing/harness";
import { testDatabases } from "../../testing/databases";
import { hashPassword } from "../password";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const PASSWORD = "correct horse battery";

interface Answer {
  status: number;
  body: { code: number; msg: string; data?: any };
}

interface Session {
  cookie: string;
  csrf: string;
}

const goodsBody = (fields: Record<string, unknown> = {}) => ({
  tenant: "shop-a",
  name: "Blue Mug 蓝色马克杯",
  categoryId: null,
  pics: [],
  price: 1999,
  originalPrice: 2999,
  stock: 10,
  sort: 0,
  onShelf: true,
  options: [],
  content: "<p>mug</p>",
  ...fields,
});

/** Polls `read` until `done` says yes, for what another instance hears through Redis; the last value either way. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 5000;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    value = await read();
  }
  return value;
}

for (const database of testDatabases()) {
  describe(`console catalogue API: ${database}`, () => {
    let h: Harness;
    let root: Session;
    let alice: Session;
    let bob: Session;

    async function call(method: string, path: string, options: { body?: unknown; session?: Session; csrf?: string | null; form?: FormData } = {}): Promise<Answer> {
      const headers: Record<string, string> = { "accept-language": "en" };
      if (options.body !== undefined) headers["content-type"] = "application/json";
      if (options.session) headers.cookie = options.session.cookie;
      const csrf = options.csrf === undefined ? options.session?.csrf : options.csrf;
      if (csrf) headers["x-csrf-token"] = csrf;
      const body = options.form ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
      const response = await fetch(`${h.url}${path}`, { method, headers, body });
      return { status: response.status, body: (await response.json()) as Answer["body"] };
    }

    async function login(username: string): Promise<Session> {
      const response = await fetch(`${h.url}/admin/api/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username, password: PASSWORD }),
      });
      const body = (await response.json()) as Answer["body"];
      assert.equal(body.code, 0, `${username} logs in`);
      return { cookie: response.headers.getSetCookie()[0].split(";")[0], csrf: body.data.csrfToken };
    }

    async function addOperator(username: string, tenant?: string) {
      const tenantId = tenant ? (await h.storage.findTenant(tenant))!.id : null;
      await h.admin.addOperator({ username, passwordHash: await hashPassword(PASSWORD), tenantId }, h.clock());
    }

    const createGoods = async (fields: Record<string, unknown> = {}, session = root) => call("POST", "/admin/api/goods", { body: goodsBody(fields), session });

    /** The names /shop/goods/list shows (the mini program's list), at `url`. */
    async function shopList(url = h.url, params: Record<string, unknown> = {}): Promise<string[]> {
      const response = await fetch(`${url}/shop-a/shop/goods/list`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ pageSize: 100, ...params }) });
      const body = (await response.json()) as Answer["body"];
      if (body.code === 700) return [];
      assert.equal(body.code, 0, "the shop's list answers");
      return body.data.map((g: { name: string }) => g.name);
    }

    async function shopDetail(id: number, url = h.url): Promise<Answer["body"]> {
      return (await fetch(`${url}/shop-a/shop/goods/detail?id=${id}`)).json() as Promise<Answer["body"]>;
    }

    async function auditActions(): Promise<Array<{ action: string; target: string }>> {
      return (await call("GET", "/admin/api/audit?limit=200", { session: root })).body.data;
    }

    before(async () => {
      h = await startHarness({ database, redisUrl: REDIS_URL });
      await addOperator("root");
      await addOperator("alice", "shop-a");
      await addOperator("bob", "shop-b");
      root = await login("root");
      alice = await login("alice");
      bob = await login("bob");
    });
    after(() => h.close());

    test("goods round trip: create, read, search, filter, page, edit, delete; each write in the audit log", async () => {
      const category = await call("POST", "/admin/api/categories", { body: { tenant: "shop-a", name: "Cups", sort: 1 }, session: root });
      assert.equal(category.body.code, 0);
      const options = [{ id: 1, name: "颜色", values: [{ id: 1, name: "红" }, { id: 2, name: "蓝" }] }, { id: 2, name: "Size", values: [{ id: 3, name: "S" }] }];
      const pics = ["https://cdn.example/mug.jpg", "/shop-a/dfs/files/" + "a".repeat(64) + ".png"];
      const created = await createGoods({ categoryId: category.body.data.id, options, pics, name: "  Round Trip Mug  " });
      assert.equal(created.body.code, 0, created.body.msg);
      const row = created.body.data;
      const { tenant: _tenant, ...sent } = goodsBody({ categoryId: category.body.data.id, options, pics, name: "Round Trip Mug" });
      assert.deepEqual(
        { ...row, id: typeof row.id },
        {
          ...sent,
          id: "number",
          categoryName: "Cups",
          numberFav: 0,
          views: 0,
          createdAt: h.clock(),
        },
      );
      assert.deepEqual((await call("GET", `/admin/api/goods/${row.id}?tenant=shop-a`, { session: alice })).body.data, row);
      await createGoods({ name: "Teapot", price: 5000, originalPrice: 5000, sort: 2 });

      const search = async (query: string) => (await call("GET", `/admin/api/goods?tenant=shop-a&${query}`, { session: root })).body.data;
      const names = async (query: string) => (await search(query)).items.map((g: { name: string }) => g.name);
      assert.deepEqual(await names("q=round%20TRIP"), ["Round Trip Mug"], "name contains, case-insensitive");
      assert.deepEqual(await names("q=%25"), [], "a % in the search is a character, not a wildcard");
      assert.deepEqual(await names(`categoryId=${category.body.data.id}`), ["Round Trip Mug"]);
      const firstPage = await search("pageSize=1&page=2");
      assert.equal(firstPage.items.length, 1);
      assert.equal(firstPage.total, (await search("pageSize=100")).total);

      const edited = await call("PUT", `/admin/api/goods/${row.id}`, { body: goodsBody({ name: "Round Trip Mug", price: 1500, stock: 3, categoryId: null, options: [] }), session: root });
      assert.deepEqual([edited.body.code, edited.body.data.price, edited.body.data.stock, edited.body.data.categoryName], [0, 1500, 3, null]);
      assert.deepEqual((await call("DELETE", `/admin/api/goods/${row.id}?tenant=shop-a`, { session: root })).body, { code: 0, msg: "success" });
      const gone = await call("GET", `/admin/api/goods/${row.id}?tenant=shop-a`, { session: root });
      assert.deepEqual([gone.status, gone.body.code], [404, 700]);
      const again = await call("DELETE", `/admin/api/goods/${row.id}?tenant=shop-a`, { session: root });
      assert.deepEqual([again.status, again.body.code], [404, 700]);

      const audit = await auditActions();
      for (const action of ["category-create", "goods-create", "goods-update", "goods-delete"]) {
        assert.ok(audit.some((e) => e.action === action && e.target.startsWith("shop-a/")), `${action} is in the audit log`);
      }
      assert.ok(audit.some((e) => e.action === "goods-delete" && e.target === `shop-a/goods/${row.id}`), "the delete names its goods");
    });

    test("bad goods get a clear code, never a 500, and nothing is stored", async () => {
      const before = (await call("GET", "/admin/api/goods?tenant=shop-a", { session: root })).body.data.total;
      const otherCategory = await call("POST", "/admin/api/categories", { body: { tenant: "shop-b", name: "B only", sort: 0 }, session: root });
      await createGoods({ name: "Taken Name" });
      const cases: Array<[string, Record<string, unknown>, number]> = [
        ["negative price", { price: -1 }, 300],
        ["cents that are not whole", { price: 12.5 }, 300],
        ["price as yuan text", { price: "19.99" }, 300],
        ["a name too long", { name: "长".repeat(129) }, 300],
        ["an empty name", { name: "   " }, 300],
        ["a name of two lines", { name: "Mug\nFREE" }, 300],
        ["a terminal escape in a name", { name: "Mug \u001b[31mred" }, 300],
        ["a C1 control in an option value", { options: [{ id: 1, name: "a", values: [{ id: 1, name: "x\u0085" }] }] }, 300],
        ["no stock", { stock: undefined }, 300],
        ["an unknown category", { categoryId: 999_999 }, 60021],
        ["another tenant's category", { categoryId: otherCategory.body.data.id }, 60021],
        ["option ids twice", { options: [{ id: 1, name: "a", values: [{ id: 1, name: "x" }] }, { id: 1, name: "b", values: [{ id: 2, name: "y" }] }] }, 60024],
        ["value ids twice", { options: [{ id: 1, name: "a", values: [{ id: 1, name: "x" }] }, { id: 2, name: "b", values: [{ id: 1, name: "y" }] }] }, 60024],
        ["an option without values", { options: [{ id: 1, name: "a", values: [] }] }, 300],
        ["a list price below the price", { price: 2000, originalPrice: 1000 }, 60025],
        ["a script URL as picture", { pics: ["javascript:alert(1)"] }, 60026],
        ["a protocol-relative picture", { pics: ["//evil.example/x.png"] }, 60026],
        ["a name already used", { name: "Taken Name" }, 60020],
      ];
      for (const [what, fields, code] of cases) {
        const answer = await createGoods(fields);
        assert.deepEqual([what, answer.body.code], [what, code], answer.body.msg);
        assert.ok(answer.status >= 400 && answer.status < 500, `${what}: ${answer.status} is a client error`);
        assert.ok(answer.body.msg.length > "Invalid parameters".length || code !== 300, `${what}: the message says which field (${answer.body.msg})`);
      }
      const taken = await createGoods({ name: "Another Name" });
      const renamed = await call("PUT", `/admin/api/goods/${taken.body.data.id}`, { body: goodsBody({ name: "Taken Name" }), session: root });
      assert.equal(renamed.body.code, 60020, "an edit cannot take another goods' name either");
      const tooBig = await createGoods({ content: "x".repeat(200_001) });
      assert.equal(tooBig.body.code, 300);
      assert.equal((await call("GET", "/admin/api/goods?tenant=shop-a", { session: root })).body.data.total, before + 2, "only the two good ones were stored");
      const badQuery = await call("GET", "/admin/api/goods?tenant=shop-a&shelf=maybe&page=0", { session: root });
      assert.deepEqual([badQuery.status, badQuery.body.code], [400, 300]);
    });

    test("without a session 401; without the CSRF token refused; another tenant's operator gets 404 and changes nothing", async () => {
      const mine = await createGoods({ name: "Alice's Goods" }, alice);
      assert.equal(mine.body.code, 0, "alice manages shop-a");
      const id = mine.body.data.id;
      const noSession = await call("GET", "/admin/api/goods?tenant=shop-a");
      assert.deepEqual([noSession.status, noSession.body.code], [401, 60001]);
      const noCsrf = await call("PUT", `/admin/api/goods/${id}`, { body: goodsBody({ name: "Alice's Goods", price: 1 }), session: alice, csrf: null });
      assert.deepEqual([noCsrf.status, noCsrf.body.code], [403, 60004]);
      const wrongCsrf = await call("DELETE", `/admin/api/goods/${id}?tenant=shop-a`, { session: alice, csrf: bob.csrf });
      assert.deepEqual([wrongCsrf.status, wrongCsrf.body.code], [403, 60004]);

      const form = new FormData();
      form.append("file", new Blob([await png()], { type: "image/png" }), "p.png");
      const asBob: Array<[string, string, { body?: unknown; form?: FormData }]> = [
        ["GET", "/admin/api/goods?tenant=shop-a", {}],
        ["GET", `/admin/api/goods/${id}?tenant=shop-a`, {}],
        ["POST", "/admin/api/goods", { body: goodsBody({ name: "Bob's intrusion" }) }],
        ["PUT", `/admin/api/goods/${id}`, { body: goodsBody({ name: "Alice's Goods", price: 1 }) }],
        ["DELETE", `/admin/api/goods/${id}?tenant=shop-a`, {}],
        ["GET", "/admin/api/categories?tenant=shop-a", {}],
        ["POST", "/admin/api/categories", { body: { tenant: "shop-a", name: "Bob's", sort: 0 } }],
        ["POST", "/admin/api/goods/import", { body: { tenant: "shop-a", format: "csv", text: "name,price,stock\nBob's,1,1\n" } }],
        ["POST", "/admin/api/pictures?tenant=shop-a", { form }],
      ];
      for (const [method, path, options] of asBob) {
        const answer = await call(method, path, { ...options, session: bob });
        assert.deepEqual([method, path, answer.status, answer.body.code], [method, path, 404, 700]);
      }
      // Bob's own tenant does not reach shop-a's goods by id either.
      const byId = await call("GET", `/admin/api/goods/${id}?tenant=shop-b`, { session: bob });
      assert.deepEqual([byId.status, byId.body.code], [404, 700]);
      const byIdDelete = await call("DELETE", `/admin/api/goods/${id}?tenant=shop-b`, { session: bob });
      assert.deepEqual([byIdDelete.status, byIdDelete.body.code], [404, 700]);
      const kept = (await call("GET", `/admin/api/goods/${id}?tenant=shop-a`, { session: alice })).body.data;
      assert.deepEqual([kept.name, kept.price], ["Alice's Goods", 1999], "unchanged");
      assert.ok(!(await shopList()).includes("Bob's intrusion"));
    });

    test("off the shelf: gone from /shop/goods/list and the detail, back when put on; carts take no new lines of it", async () => {
      const created = await createGoods({ name: "Shelf Lamp" });
      const { id } = created.body.data;
      assert.ok((await shopList()).includes("Shelf Lamp"));
      assert.equal((await shopDetail(id)).code, 0, "the detail is read (and cached)");
      const off = await call("PUT", `/admin/api/goods/${id}`, { body: goodsBody({ name: "Shelf Lamp", onShelf: false }), session: root });
      assert.deepEqual([off.body.code, off.body.data.onShelf], [0, false]);
      assert.ok(!(await shopList()).includes("Shelf Lamp"), "not in the list");
      assert.ok(!(await shopList(h.url, { nameLike: "shelf lamp" })).includes("Shelf Lamp"), "not found by name either");
      assert.equal((await shopDetail(id)).code, 700, "no detail");
      const token = await tokenOf(h, "shelf-shopper");
      const add = await h.post("/shop-a/shopping-cart/add", { token, goodsId: id, number: 1 });
      assert.equal(add.body.code, 700, "not added to a cart");
      const names = async (shelf: string) => (await call("GET", `/admin/api/goods?tenant=shop-a&q=shelf%20lamp&shelf=${shelf}`, { session: root })).body.data.items.map((g: { name: string }) => g.name);
      assert.deepEqual([await names("off"), await names("on"), await names("all")], [["Shelf Lamp"], [], ["Shelf Lamp"]], "the console still has it");
      await call("PUT", `/admin/api/goods/${id}`, { body: goodsBody({ name: "Shelf Lamp", onShelf: true }), session: root });
      assert.ok((await shopList()).includes("Shelf Lamp"));
      assert.equal((await shopDetail(id)).code, 0);
    });

    test("deleting goods takes its favorites and cart lines with it, cached carts included", async () => {
      const { id } = (await createGoods({ name: "Doomed Vase" })).body.data;
      const keep = (await createGoods({ name: "Kept Vase" })).body.data.id;
      const token = await tokenOf(h, "vase-lover");
      for (const goodsId of [id, keep]) {
        assert.equal((await h.post("/shop-a/shopping-cart/add", { token, goodsId, number: 1 })).body.code, 0);
        assert.equal((await h.post("/shop-a/shop/goods/fav/add", { token, goodsId })).body.code, 0);
      }
      const cartGoods = async () => ((await h.get("/shop-a/shopping-cart/info", { token })).body.data?.items ?? []).map((l: { goodsId: number }) => l.goodsId);
      assert.deepEqual(await cartGoods(), [id, keep], "the cart is read (and cached)");
      assert.equal((await call("DELETE", `/admin/api/goods/${id}?tenant=shop-a`, { session: root })).body.code, 0);
      assert.deepEqual(await cartGoods(), [keep]);
      const favorites = (await h.post("/shop-a/shop/goods/fav/list", { token })).body.data.map((f: { goodsId: number }) => f.goodsId);
      assert.deepEqual(favorites, [keep]);
    });

    test("categories: list with counts, add, rename, refuse a taken name, refuse deleting one in use", async () => {
      const add = (name: string, sort = 0) => call("POST", "/admin/api/categories", { body: { tenant: "shop-a", name, sort }, session: root });
      const shoes = (await add("Shoes", 5)).body.data;
      assert.deepEqual({ ...shoes, id: typeof shoes.id }, { id: "number", name: "Shoes", sort: 5, goodsCount: 0 });
      assert.equal((await add("Shoes")).body.code, 60023);
      const twoLines = await add("Shoes\r\nHats");
      assert.deepEqual([twoLines.status, twoLines.body.code], [400, 300]);
      assert.match(twoLines.body.msg, /name must be one line without control characters/);
      const hats = (await add("Hats", 6)).body.data;
      const renamed = await call("PUT", `/admin/api/categories/${hats.id}`, { body: { tenant: "shop-a", name: "Caps", sort: 7 }, session: root });
      assert.deepEqual(renamed.body.data, { id: hats.id, name: "Caps", sort: 7, goodsCount: 0 });
      assert.equal((await call("PUT", `/admin/api/categories/${hats.id}`, { body: { tenant: "shop-a", name: "Shoes", sort: 7 }, session: root })).body.code, 60023);
      const boot = (await createGoods({ name: "Boot", categoryId: shoes.id, onShelf: false })).body.data;
      const listed = (await call("GET", "/admin/api/categories?tenant=shop-a", { session: root })).body.data;
      assert.deepEqual(listed.filter((c: { id: number }) => c.id === shoes.id || c.id === hats.id).map((c: { name: string; goodsCount: number }) => [c.name, c.goodsCount]), [["Shoes", 1], ["Caps", 0]]);
      const refused = await call("DELETE", `/admin/api/categories/${shoes.id}?tenant=shop-a`, { session: root });
      assert.deepEqual([refused.status, refused.body.code], [409, 60022], "an off-shelf goods still uses it");
      await call("PUT", `/admin/api/goods/${boot.id}`, { body: goodsBody({ name: "Boot", categoryId: hats.id, onShelf: false }), session: root });
      assert.equal((await call("DELETE", `/admin/api/categories/${shoes.id}?tenant=shop-a`, { session: root })).body.code, 0);
      const missing = await call("DELETE", `/admin/api/categories/${shoes.id}?tenant=shop-a`, { session: root });
      assert.equal(missing.body.code, 60021);
      const shopCategories = (await h.get("/shop-a/shop/goods/category/all")).body.data.map((c: { name: string }) => c.name);
      assert.ok(shopCategories.includes("Caps") && !shopCategories.includes("Shoes") && !shopCategories.includes("Hats"), "the shop shows the change");
    });

    test("a category deleted while goods are saved into it: each side gets its code, never a 500, and no goods is left without its category", async () => {
      for (let round = 0; round < 8; round++) {
        const category = (await call("POST", "/admin/api/categories", { body: { tenant: "shop-a", name: `Race ${round}`, sort: 0 }, session: root })).body.data;
        const [deleted, ...saved] = await Promise.all([
          call("DELETE", `/admin/api/categories/${category.id}?tenant=shop-a`, { session: root }),
          ...[0, 1, 2].map((i) => createGoods({ name: `Race goods ${round}-${i}`, categoryId: category.id })),
        ]);
        for (const answer of [deleted, ...saved]) assert.ok(answer.status < 500, `${answer.status} ${answer.body.msg}`);
        assert.ok([0, 60022].includes(deleted.body.code), `delete answered ${deleted.body.code} ${deleted.body.msg}`);
        for (const answer of saved) assert.ok([0, 60021].includes(answer.body.code), `save answered ${answer.body.code} ${answer.body.msg}`);
        const made = saved.filter((answer) => answer.body.code === 0).length;
        // Either the category went first and no goods could join it, or goods joined and the delete was refused.
        assert.equal(deleted.body.code === 0, made === 0, `delete ${deleted.body.code} with ${made} goods made`);
        const listed = (await call("GET", `/admin/api/goods?tenant=shop-a&categoryId=${category.id}&pageSize=50`, { session: root })).body.data;
        assert.equal(listed.total, made);
      }
    });

    test("a picture goes through the upload pipeline and its URL serves the image; a bad file is refused like the mini program's", async () => {
      const form = (bytes: Buffer, field = "file") => {
        const data = new FormData();
        data.append(field, new Blob([bytes], { type: "image/png" }), "pic.png");
        return data;
      };
      const bytes = await png(120, 80);
      const uploaded = await call("POST", "/admin/api/pictures?tenant=shop-a", { form: form(bytes), session: alice });
      assert.equal(uploaded.body.code, 0, uploaded.body.msg);
      const { url, hash, width, height } = uploaded.body.data;
      assert.deepEqual([width, height], [120, 80]);
      assert.equal(url, `${h.url}/shop-a/dfs/files/${hash}.png`);
      const served = await fetch(url);
      assert.deepEqual([served.status, served.headers.get("content-type")], [200, "image/png"]);
      assert.equal((await h.media.findImage((await h.storage.findTenant("shop-a"))!.id, hash))?.width, 120);
      const withPicture = await createGoods({ name: "Pictured", pics: [url] });
      assert.deepEqual(withPicture.body.data.pics, [url]);

      const notImage = await call("POST", "/admin/api/pictures?tenant=shop-a", { form: form(Buffer.from("<svg></svg>")), session: alice });
      assert.deepEqual([notImage.status, notImage.body.code], [415, 41006]);
      const wrongField = await call("POST", "/admin/api/pictures?tenant=shop-a", { form: form(bytes, "upfile"), session: alice });
      assert.deepEqual([wrongField.status, wrongField.body.code, wrongField.body.msg], [400, 41002, "No file: send the image in the form field file"]);
      const noCsrf = await call("POST", "/admin/api/pictures?tenant=shop-a", { form: form(bytes), session: alice, csrf: null });
      assert.deepEqual([noCsrf.status, noCsrf.body.code], [403, 60004]);
      const json = await call("POST", "/admin/api/pictures?tenant=shop-a", { body: { file: "x" }, session: alice });
      assert.equal(json.body.code, 41001);
      assert.ok((await auditActions()).some((e) => e.action === "picture-upload" && e.target === `shop-a/picture/${hash}`));
    });

    test("import: the CLI's importer and row report; unreadable text gets 60027", async () => {
      const csv = "name,category,price,stock,options\nImported Kettle,Kitchen,49.90,5,颜色:白|黑\nImported Pan,Kitchen,abc,5,\nImported Kettle,Kitchen,1,1,\n";
      const imported = await call("POST", "/admin/api/goods/import", { body: { tenant: "shop-a", format: "csv", text: csv }, session: root });
      assert.equal(imported.body.code, 0, imported.body.msg);
      const report = imported.body.data;
      assert.deepEqual([report.created, report.updated, report.failed.map((f: { row: number; name: string }) => [f.row, f.name])], [1, 0, [[3, "Imported Pan"], [4, "Imported Kettle"]]]);
      assert.match(report.failed[0].errors.join(";"), /price "abc" is not an amount in yuan/);
      const kettle = (await call("GET", "/admin/api/goods?tenant=shop-a&q=imported%20kettle", { session: root })).body.data.items[0];
      assert.deepEqual([kettle.price, kettle.categoryName, kettle.onShelf, kettle.options[0].values.map((v: { name: string }) => v.name)], [4990, "Kitchen", true, ["白", "黑"]]);
      assert.ok((await shopList()).includes("Imported Kettle"));

      const json = await call("POST", "/admin/api/goods/import", { body: { tenant: "shop-a", format: "json", text: JSON.stringify([{ name: "Imported Kettle", price: "39.90", stock: 2 }]) }, session: root });
      assert.deepEqual([json.body.data.created, json.body.data.updated], [0, 1]);
      for (const [format, text] of [["json", "{not json"], ["csv", "title,price\nx,1\n"], ["json", "[]"]]) {
        const bad = await call("POST", "/admin/api/goods/import", { body: { tenant: "shop-a", format, text }, session: root });
        assert.deepEqual([format, text, bad.status, bad.body.code], [format, text, 400, 60027]);
      }
      const huge = await call("POST", "/admin/api/goods/import", { body: { tenant: "shop-a", format: "csv", text: "x".repeat(1_000_001) }, session: root });
      assert.equal(huge.body.code, 300, "longer than allowed");
      assert.ok((await auditActions()).some((e) => e.action === "goods-import"));
    });

    test("another instance shows every change at once: create, edit, off the shelf, delete", async () => {
      const replica = await h.startReplica();
      const { id } = (await createGoods({ name: "Fleet Chair", price: 10000, originalPrice: 10000 })).body.data;
      assert.ok((await shopList(replica.url)).includes("Fleet Chair"), "created: in the other instance's list");
      assert.equal((await shopDetail(id, replica.url)).data.basicInfo.minPrice, 100, "the other instance reads (and caches) the detail");

      await call("PUT", `/admin/api/goods/${id}`, { body: goodsBody({ name: "Fleet Chair", price: 8000, originalPrice: 10000 }), session: root });
      const edited = await eventually(() => shopDetail(id, replica.url), (b) => b.data?.basicInfo.minPrice === 80);
      assert.equal(edited.data.basicInfo.minPrice, 80, "edited: the other instance forgot its cached goods");

      await call("PUT", `/admin/api/goods/${id}`, { body: goodsBody({ name: "Fleet Chair", price: 8000, originalPrice: 10000, onShelf: false }), session: root });
      assert.ok(!(await shopList(replica.url)).includes("Fleet Chair"), "off the shelf: gone from the other instance's list");
      assert.equal((await eventually(() => shopDetail(id, replica.url), (b) => b.code === 700)).code, 700, "and from its detail");

      await call("PUT", `/admin/api/goods/${id}`, { body: goodsBody({ name: "Fleet Chair", price: 8000, originalPrice: 10000, onShelf: true }), session: root });
      assert.equal((await eventually(() => shopDetail(id, replica.url), (b) => b.code === 0)).code, 0, "back on the shelf");
      await call("DELETE", `/admin/api/goods/${id}?tenant=shop-a`, { session: root });
      assert.equal((await eventually(() => shopDetail(id, replica.url), (b) => b.code === 700)).code, 700, "deleted");
    });
  });
}
