/**
 * Generated requests, 1,000 per route (fuzz-routes.ts): whatever comes in,
 * the answer is below 500, it is the envelope with a catalogue code, the
 * server stays up, and what other users stored is untouched. The requests
 * carry the token of a user of their own (carol), so they reach the handlers;
 * her rows are the only ones they may change.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import { errors } from "../errors";
import { testDatabases } from "../testing/databases";
import { type Harness, startHarness } from "../testing/harness";
import { type ConsoleSession, logIn, type Seeded, seedUsers, snapshot, type Snapshot } from "./fixtures";
import { documentedAdminRoutes, documentedTenantRoutes, type OpenApi, uncoveredAdminRoutes, uncoveredRoutes } from "./corpus";
import {
  ADMIN_FUZZ_ROUTES,
  type AdminFuzzRoute,
  adminRequestOf,
  type Encoding,
  encodeText,
  extraFields,
  type FieldValue,
  FUZZ_ROUTES,
  type FuzzRoute,
  multipartBody,
  requestOf,
  SESSION_PLACEHOLDER,
  TOKEN_PLACEHOLDER,
  urlEncoded,
} from "./fuzz-routes";
import { envelopeCode } from "./run-case";

/**
 * 1,000 runs per route on SQLite; a quarter of that on PostgreSQL, which
 * refuses what SQLite stores (a NUL in text) and so fails in its own ways.
 */
const RUNS = { sqlite: 1000, postgres: 250 } as const;
/** Requests in flight at once: each route's runs are split into this many properties run side by side (a whole number of runs each). */
const CONCURRENCY = 4;

const catalogueCodes = new Set(Object.values(errors).map((entry) => entry.code));

/** Some other tenant now and then: shop-b has no goods, "nope" does not exist. */
const tenant = fc.oneof({ arbitrary: fc.constant("shop-a"), weight: 10 }, fc.constantFrom("shop-b", "nope"));

for (const database of testDatabases()) describe(`generated requests on every route (${database})`, () => {
  const RUNS_PER_ROUTE = RUNS[database];
  let h: Harness;
  let seeded: Seeded;
  let carol: { token: string; uid: number };
  let before_: Snapshot;
  /** Carol's rows are hers to change; goods' favorite counts follow hers. */
  const carolsRows = (table: string, row: Record<string, unknown>) =>
    (table === "users" && row.id === carol.uid) ||
    (["favorites", "cart_items", "sessions", "wechat_sessions"].includes(table) && row.user_id === carol.uid) ||
    // Stored images belong to the tenant, not to a user: carol's uploads are the only ones.
    table === "media_images";
  const withoutFavoriteCounts = (rows: Snapshot) => ({
    ...rows,
    goods: (rows.goods as Array<Record<string, unknown>>).map(({ number_fav: _count, ...goods }) => goods),
  });

  before(async () => {
    h = await startHarness({ database, demoCatalogue: true });
    seeded = await seedUsers(h);
    carol = await logIn(h, "carol");
    before_ = withoutFavoriteCounts(await snapshot(h, seeded, { skip: carolsRows }));
  });
  after(() => h?.close());

  async function send(route: FuzzRoute, subDomain: string, params: Record<string, FieldValue>, encoding: Encoding, file: Buffer, headers: Record<string, string>) {
    const { name, ...rest } = params;
    const filled = route.path.includes(":name") ? route.path.replace(":name", encodeText(typeof name === "string" ? name : JSON.stringify(name ?? ""))) : route.path;
    if (route.path.includes(":name")) params = rest;
    const path = `${h.url}/${encodeText(subDomain)}${filled}`;
    if (encoding === "query") {
      const search = urlEncoded(params);
      const url = search ? `${path}?${search}` : path;
      // A POST with its parameters in the query string, as normalizeParams allows, and an empty form.
      return route.method === "GET"
        ? fetch(url, { headers })
        : fetch(url, { method: "POST", body: "", headers: { ...headers, "content-type": "application/x-www-form-urlencoded" } });
    }
    if (encoding === "multipart") {
      const { body, contentType } = multipartBody(params, file);
      return fetch(path, { method: "POST", body, headers: { ...headers, "content-type": contentType } });
    }
    const body = encoding === "json" ? JSON.stringify(params) : urlEncoded(params);
    const contentType = encoding === "json" ? "application/json" : "application/x-www-form-urlencoded";
    return fetch(path, { method: "POST", body, headers: { ...headers, "content-type": contentType } });
  }

  for (const route of FUZZ_ROUTES) {
    test(`${route.method} /{subDomain}${route.path}: ${RUNS_PER_ROUTE} requests, never a 500, always the envelope`, async () => {
      const property = fc.asyncProperty(tenant, requestOf(route), async (subDomain, { fields, extra, headers, encoding, file }) => {
        const params = Object.fromEntries(Object.entries({ ...extra, ...fields }).filter(([, value]) => value !== undefined)) as Record<string, FieldValue>;
        if (params.token === TOKEN_PLACEHOLDER) params.token = carol.token;
        const token = route.endsSession ? "made-up" : carol.token;
        const withToken = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, value.replace(TOKEN_PLACEHOLDER, token)]));
        const response = await send(route, subDomain, params, encoding, file, withToken);
        const text = await response.text();
        assert.ok(response.status < 500, `HTTP ${response.status}: ${text.slice(0, 300)}`);
        const parsed = envelopeCode(text);
        assert.ok("code" in parsed, `HTTP ${response.status}: ${"notEnvelope" in parsed ? parsed.notEnvelope : ""}`);
        assert.ok(catalogueCodes.has(parsed.code), `code ${parsed.code} is not in the catalogue: ${text.slice(0, 300)}`);
      });
      await Promise.all(
        Array.from({ length: CONCURRENCY }, () => fc.assert(property, { numRuns: Math.ceil(RUNS_PER_ROUTE / CONCURRENCY), endOnFailure: true })),
      );
      assert.equal((await h.get("/healthz")).body.code, 0, "the server is still up");
    });
  }

  test("every tenant route the API documents is among the fuzzed ones", async () => {
    const documented = documentedTenantRoutes((await (await fetch(`${h.url}/openapi.json`)).json()) as OpenApi);
    assert.deepEqual(uncoveredRoutes(documented, FUZZ_ROUTES.map((route) => `${route.method} /shop-a${route.path}`)), []);
  });

  test(`any method on any path: ${RUNS_PER_ROUTE} requests, never a 500, always the envelope`, async () => {
    const segment = fc.oneof(
      fc.constantFrom("shop-a", "shop-b", "user", "detail", "healthz", "readyz", "shop", "goods", "..", ".", "", "%00", "%2e%2e", "%ff", "%", "~"),
      fc.string({ maxLength: 12 }),
      fc.integer({ min: 1, max: 300 }).map((n) => "a".repeat(n)),
    );
    const property = fc.asyncProperty(
      fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"),
      fc.array(segment, { minLength: 1, maxLength: 5 }),
      extraFields,
      async (method, segments, query) => {
        const path = `/${segments.map((s) => (/^(%[0-9a-f]{0,2}|\.\.?|~)$/i.test(s) ? s : encodeText(s))).join("/")}`;
        // The documentation pages answer HTML and the OpenAPI document, by design.
        fc.pre(!/^\/(docs|openapi\.json)/.test(path));
        const search = urlEncoded(query);
        const response = await fetch(`${h.url}${path}${search ? `?${search}` : ""}`, { method });
        const text = await response.text();
        assert.ok(response.status < 500, `${method} ${path}: HTTP ${response.status}: ${text.slice(0, 300)}`);
        // A HEAD answer has the head of the GET answer and no body.
        if (method === "HEAD") return;
        const parsed = envelopeCode(text);
        assert.ok("code" in parsed && catalogueCodes.has(parsed.code), `${method} ${path}: HTTP ${response.status}: ${text.slice(0, 300)}`);
      },
    );
    await Promise.all(Array.from({ length: CONCURRENCY }, () => fc.assert(property, { numRuns: Math.ceil(RUNS_PER_ROUTE / CONCURRENCY), endOnFailure: true })));
  });

  test("what other users stored is unchanged, and goods' favorite counts match the favorites", async () => {
    assert.equal((await h.get("/healthz")).body.code, 0);
    assert.equal((await h.get("/shop-a/user/check-token", { token: carol.token })).body.code, 0, "carol's session lasted the whole run");
    assert.deepEqual(withoutFavoriteCounts(await snapshot(h, seeded, { skip: carolsRows })), before_);
    const all = await snapshot(h, seeded);
    const favorites = all.favorites as Array<{ goods_id: number }>;
    for (const goods of all.goods as Array<{ id: number; number_fav: number }>) {
      assert.equal(goods.number_fav, favorites.filter((f) => f.goods_id === goods.id).length, `goods ${goods.id}`);
    }
  });
});

/**
 * The console's routes, with root's session (seeded): fewer runs than the
 * mini program's, on a harness of their own, since what an operator may do
 * (delete goods, disable users, re-key apps) changes what the shop fuzzing
 * above relies on. Before the runs: formula cells and unknown fields.
 */
const ADMIN_RUNS = { sqlite: 400, postgres: 150 } as const;

for (const database of testDatabases()) describe(`generated requests on every console route (${database})`, () => {
  const runs = ADMIN_RUNS[database];
  let h: Harness;
  let root: ConsoleSession;

  before(async () => {
    h = await startHarness({ database, demoCatalogue: true });
    root = (await seedUsers(h)).admin.root;
  });
  after(() => h?.close());

  /** A console call as root, JSON in and out. */
  async function consoleCall(method: string, path: string, body?: unknown) {
    const headers: Record<string, string> = { cookie: `wegate_admin=${root.cookie}`, "x-csrf-token": root.csrf };
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${h.url}/admin/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return (await response.json()) as { code: number; msg: string; data?: any };
  }

  test("import: CSV cells a spreadsheet would run as formulas (=, +, -, @) are stored as the text they are", async () => {
    const names = ["=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3", "@A1", '=HYPERLINK("http://evil.example","x")'];
    const cell = (text: string) => `"${text.replaceAll('"', '""')}"`;
    const text = ["name,price,stock,content", ...names.map((name) => `${cell(name)},1.00,1,${cell("=1+1")}`)].join("\n");
    const answer = await consoleCall("POST", "/goods/import", { tenant: "shop-a", format: "csv", text });
    assert.equal(answer.code, 0, answer.msg);
    assert.deepEqual({ created: answer.data.created, failed: answer.data.failed }, { created: names.length, failed: [] });
    for (const name of names) {
      const list = await consoleCall("GET", `/goods?tenant=shop-a&q=${encodeURIComponent(name)}`);
      const stored = list.data.items.find((goods: { name: string }) => goods.name === name);
      assert.ok(stored, `${name} is stored as it was written: ${JSON.stringify(list.data.items.map((goods: { name: string }) => goods.name))}`);
      assert.equal(stored.content, "=1+1");
    }
  });

  test("import: JSON that holds no goods rows (numbers, a nameless row, nesting deeper than the stack) answers the row report", async () => {
    const deepArray = `${"[".repeat(5000)}${"]".repeat(5000)}`;
    const deepObject = `${'{"a":'.repeat(5000)}1${"}".repeat(5000)}`;
    for (const text of ["[1,2]", '{"goods":[{"name":"x"}]}', deepArray, `[${deepObject}]`, `[{"name":${deepArray},"price":1,"stock":1}]`]) {
      const answer = await consoleCall("POST", "/goods/import", { tenant: "shop-a", format: "json", text });
      assert.equal(answer.code, 0, `${text.slice(0, 40)}: ${answer.msg}`);
      assert.equal(answer.data.created + answer.data.updated, 0);
      assert.ok(answer.data.failed.length > 0);
    }
  });

  test("fields a body may not set (ids, counts, another tenant) are dropped, not stored", async () => {
    const before_ = (await consoleCall("GET", "/goods/1?tenant=shop-a")).data;
    const { id: _id, categoryName: _name, numberFav: _fav, views: _views, createdAt: _created, ...fields } = before_;
    const body = { ...fields, tenant: "shop-a", sort: before_.sort + 1, id: 7, numberFav: 999, views: 999, createdAt: 0, tenantId: 2, tenant_id: 2 };
    const answer = await consoleCall("PUT", "/goods/1", body);
    assert.equal(answer.code, 0, answer.msg);
    assert.deepEqual(
      { id: answer.data.id, numberFav: answer.data.numberFav, createdAt: answer.data.createdAt, sort: answer.data.sort },
      { id: 1, numberFav: before_.numberFav, createdAt: before_.createdAt, sort: before_.sort + 1 },
    );
    assert.equal((await consoleCall("GET", "/goods/1?tenant=shop-b")).code, 700, "goods 1 stays shop-a's");
    const category = await consoleCall("POST", "/categories", { tenant: "shop-a", name: "extra fields", sort: 0, id: 1, goodsCount: 99, tenantId: 2 });
    assert.equal(category.code, 0, category.msg);
    assert.notEqual(category.data.id, 1);
    assert.equal(category.data.goodsCount, 0);
  });

  async function send(route: AdminFuzzRoute, params: Record<string, FieldValue>, encoding: Encoding, file: Buffer, headers: Record<string, string>) {
    const path = route.path.replace(/:(\w+)/g, (_whole, name: string) => {
      const value = params[name];
      delete params[name];
      return encodeText(typeof value === "string" ? value : JSON.stringify(value ?? ""));
    });
    const url = `${h.url}/admin/api${path}`;
    if (encoding === "query") {
      const search = urlEncoded(params);
      const full = search ? `${url}?${search}` : url;
      return route.method === "GET" || route.method === "DELETE"
        ? fetch(full, { method: route.method, headers })
        : fetch(full, { method: route.method, body: "", headers: { ...headers, "content-type": "application/x-www-form-urlencoded" } });
    }
    if (encoding === "multipart") {
      // The tenant is in the query string; whatever else there is goes into the form.
      const { tenant, ...rest } = params;
      const search = tenant === undefined ? "" : `?${urlEncoded({ tenant })}`;
      const { body, contentType } = multipartBody(rest, file, "file");
      return fetch(`${url}${search}`, { method: route.method, body, headers: { ...headers, "content-type": contentType } });
    }
    const body = encoding === "json" ? JSON.stringify(params) : urlEncoded(params);
    const contentType = encoding === "json" ? "application/json" : "application/x-www-form-urlencoded";
    return fetch(url, { method: route.method, body, headers: { ...headers, "content-type": contentType } });
  }

  for (const route of ADMIN_FUZZ_ROUTES) {
    const routeRuns = route.slow ? Math.ceil(runs / 4) : runs;
    test(`${route.method} /admin/api${route.path}: ${routeRuns} requests, never a 500, always the envelope`, async () => {
      const origin = new URL(h.url).origin;
      const property = fc.asyncProperty(adminRequestOf(route), async ({ fields, extra, headers, encoding, file }) => {
        const params = Object.fromEntries(Object.entries({ ...extra, ...fields }).filter(([, value]) => value !== undefined)) as Record<string, FieldValue>;
        const cookie = route.endsSession ? "made-up" : root.cookie;
        const filled = Object.fromEntries(
          Object.entries(headers).map(([name, value]) => [
            name,
            value.replace(SESSION_PLACEHOLDER.cookie, cookie).replace(SESSION_PLACEHOLDER.csrf, root.csrf).replace(SESSION_PLACEHOLDER.origin, origin),
          ]),
        );
        const response = await send(route, params, encoding, file, filled);
        const text = await response.text();
        assert.ok(response.status < 500, `HTTP ${response.status}: ${text.slice(0, 300)}`);
        const parsed = envelopeCode(text);
        assert.ok("code" in parsed, `HTTP ${response.status}: ${"notEnvelope" in parsed ? parsed.notEnvelope : ""}`);
        assert.ok(catalogueCodes.has(parsed.code), `code ${parsed.code} is not in the catalogue: ${text.slice(0, 300)}`);
      });
      await Promise.all(Array.from({ length: CONCURRENCY }, () => fc.assert(property, { numRuns: Math.ceil(routeRuns / CONCURRENCY), endOnFailure: true })));
      assert.equal((await h.get("/healthz")).body.code, 0, "the server is still up");
    });
  }

  test("every console route the API documents is among the fuzzed ones", async () => {
    const documented = documentedAdminRoutes((await (await fetch(`${h.url}/openapi.json`)).json()) as OpenApi);
    assert.deepEqual(uncoveredAdminRoutes(documented, ADMIN_FUZZ_ROUTES.map((route) => `${route.method} /admin/api${route.path}`)), []);
  });

  test(`any method on any path under /admin/api, with root's session: ${runs} requests, never a 500, always the envelope`, async () => {
    const segment = fc.oneof(
      // Not "logout": the run needs root's session to the end.
      fc.constantFrom("goods", "categories", "users", "tenants", "apps", "check", "import", "pictures", "shop-a", "1", "..", ".", "", "%00", "%2e%2e", "%2f", "%ff", "%", "~"),
      fc.string({ maxLength: 12 }),
      fc.integer({ min: 1, max: 300 }).map((n) => "a".repeat(n)),
    );
    const property = fc.asyncProperty(
      fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"),
      fc.array(segment, { minLength: 1, maxLength: 4 }),
      extraFields,
      async (method, segments, query) => {
        const path = `/admin/api/${segments.map((s) => (/^(%[0-9a-f]{0,2}|\.\.?|~)$/i.test(s) ? s : encodeText(s))).join("/")}`;
        const url = new URL(`${h.url}${path}`);
        // Dot segments can climb out of /admin/api, to the console's pages (HTML, by design).
        fc.pre(url.pathname.startsWith("/admin/api/") || url.pathname === "/admin/api");
        const search = urlEncoded(query);
        const response = await fetch(`${url}${search ? `?${search}` : ""}`, { method, headers: { cookie: `wegate_admin=${root.cookie}`, "x-csrf-token": root.csrf } });
        const text = await response.text();
        assert.ok(response.status < 500, `${method} ${path}: HTTP ${response.status}: ${text.slice(0, 300)}`);
        if (method === "HEAD") return;
        const parsed = envelopeCode(text);
        assert.ok("code" in parsed && catalogueCodes.has(parsed.code), `${method} ${path}: HTTP ${response.status}: ${text.slice(0, 300)}`);
      },
    );
    await Promise.all(Array.from({ length: CONCURRENCY }, () => fc.assert(property, { numRuns: Math.ceil(runs / CONCURRENCY), endOnFailure: true })));
  });

  test("root's session lasted the whole run", async () => {
    assert.equal((await consoleCall("GET", "/me")).code, 0);
  });
});
