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
import { logIn, type Seeded, seedUsers, snapshot, type Snapshot } from "./fixtures";
import { documentedTenantRoutes, type OpenApi, uncoveredRoutes } from "./corpus";
import { type Encoding, encodeText, extraFields, type FieldValue, FUZZ_ROUTES, type FuzzRoute, multipartBody, requestOf, TOKEN_PLACEHOLDER, urlEncoded } from "./fuzz-routes";
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
