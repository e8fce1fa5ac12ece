/**
 * The operator console's API (/admin/api): the session cookie, the CSRF
 * token and the Origin check; every text and number field; bodies of the
 * wrong shape or type; paths that climb or hide slashes; another tenant's
 * objects; pictures and catalogue imports. Each request is one the server
 * refuses (or a read that changes nothing), so what is stored — goods,
 * users, operators and their sessions — is the same after the run
 * (fixtures.ts). The requests carry root's session (`__ACOOKIE__`,
 * `__CSRF__`) unless a case says otherwise.
 */
import { BAD_INPUT, type Expect, FILE_MISSING, type HostileCase, MALFORMED, multipart, NOT_FOUND, OK, type Part, raw, ROUTE_NOT_FOUND, short, TOO_LARGE, UNSUPPORTED_TYPE } from "./build";

const API = "/admin/api";
type Headers = Record<string, string>;

/** root (a global operator): the cookie and the CSRF token of its session. */
const ROOT: Headers = { cookie: "wegate_admin=__ACOOKIE__", "x-csrf-token": "__CSRF__" };
/** shopb-op, an operator of shop-b only. */
const SHOP_B: Headers = { cookie: "wegate_admin=__BCOOKIE__", "x-csrf-token": "__BCSRF__" };
const NOBODY: Headers = {};

const ADMIN_NOT_LOGGED_IN = { status: 401, code: 60001 } as const;
const LOGIN_FAILED = { status: 401, code: 60002 } as const;
const FORBIDDEN = { status: 403, code: 60003 } as const;
const CSRF_FAILED = { status: 403, code: 60004 } as const;
const TENANT_EXISTS = { status: 409, code: 60010 } as const;
const APPID_TAKEN = { status: 409, code: 60011 } as const;
const GOODS_NAME_TAKEN = { status: 409, code: 60020 } as const;
const CATEGORY_NOT_FOUND = { status: 400, code: 60021 } as const;
const CATEGORY_IN_USE = { status: 409, code: 60022 } as const;
const CATEGORY_NAME_TAKEN = { status: 409, code: 60023 } as const;
const OPTIONS_INVALID = { status: 400, code: 60024 } as const;
const PRICE_INVALID = { status: 400, code: 60025 } as const;
const PIC_INVALID = { status: 400, code: 60026 } as const;
const IMPORT_INVALID = { status: 400, code: 60027 } as const;

/**
 * Secrets the cases send (passwords, app secrets): the log scan looks for
 * each in every log line and in every answer, their own included.
 */
export const ADMIN_CASE_SECRETS = {
  password: "hostile-password-Wq81xZ",
  /** Well-formed app secrets (32 hex digits), sent where the request is refused all the same. */
  appSecret: "5e0b6f1c9a2d47e8b3c1f0a9d8e7c6b5",
  appSecretB: "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
  /** Malformed ones: refused without being repeated (a real secret with a typo). */
  shortSecret: "5e0b6f1c9a2d47e8b3c1f0a9d8e7c6b",
  nonHexSecret: "zz0b6f1c9a2d47e8b3c1f0a9d8e7c6b5",
};
const S = ADMIN_CASE_SECRETS;

interface CallOptions {
  /** Whose session (root's by default). */
  as?: Headers;
  headers?: Headers;
}

/** A console request; a body other than a string is sent as JSON. */
function call(method: string, path: string, body: unknown, expect: Expect, options: CallOptions = {}): HostileCase {
  const as = options.as ?? ROOT;
  const text = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
  const who = as === ROOT ? "" : as === SHOP_B ? " as shopb-op" : as === NOBODY ? " without a session" : ` as ${JSON.stringify(as)}`;
  const shown = options.headers ? ` ${JSON.stringify(options.headers)}` : "";
  return {
    name: short(`${method} ${API}${path}${who}${shown}${text === undefined ? "" : ` ${text}`}`),
    method,
    path: `${API}${path}`,
    headers: { ...as, ...(text !== undefined && { "content-type": "application/json" }), ...options.headers },
    body: text,
    ...expect,
  };
}

const get = (path: string, expect: Expect, options?: CallOptions) => call("GET", path, undefined, expect, options);
const post = (path: string, body: unknown, expect: Expect, options?: CallOptions) => call("POST", path, body, expect, options);
const put = (path: string, body: unknown, expect: Expect, options?: CallOptions) => call("PUT", path, body, expect, options);
const del = (path: string, expect: Expect, options?: CallOptions) => call("DELETE", path, undefined, expect, options);

/** Values no integer field takes, as JSON literals (1e309 parses to Infinity). */
const NOT_INTEGERS = ["1e309", "-1e309", "1.5", "-1", '"NaN"', '"Infinity"', '"abc"', "[1, 2]", '{"$gt":0}', "2147483648"];
/** The same in a query string or a path segment. */
const NOT_INTEGER_TEXTS = ["1e309", "-1e309", "Infinity", "NaN", "1.5", "-1", "0", "abc", "2147483648", "1,2", "%00"];

// ---------------------------------------------------------------------------
// Sessions: every route without one, or with one that is not (any more) valid.

const ROUTES: Array<[method: string, path: string]> = [
  ["POST", "/logout"],
  ["GET", "/me"],
  ["GET", "/tenants"],
  ["POST", "/tenants"],
  ["POST", "/tenants/shop-a/apps"],
  ["POST", "/tenants/shop-a/apps/wxa000000000000001/check"],
  ["GET", "/users?tenant=shop-a"],
  ["GET", "/users/__BOBUID__?tenant=shop-a"],
  ["POST", "/users/__BOBUID__/revoke-sessions"],
  ["POST", "/users/__BOBUID__/sessions/1/revoke"],
  ["POST", "/users/__BOBUID__/disable"],
  ["POST", "/users/__BOBUID__/enable"],
  ["GET", "/dashboard"],
  ["GET", "/audit"],
  ["GET", "/settings/rate-limits"],
  ["GET", "/goods?tenant=shop-a"],
  ["GET", "/goods/1?tenant=shop-a"],
  ["POST", "/goods"],
  ["PUT", "/goods/1"],
  ["DELETE", "/goods/1?tenant=shop-a"],
  ["GET", "/categories?tenant=shop-a"],
  ["POST", "/categories"],
  ["PUT", "/categories/1"],
  ["DELETE", "/categories/1?tenant=shop-a"],
  ["POST", "/pictures?tenant=shop-a"],
  ["POST", "/goods/import"],
];

const BAD_SESSIONS: Headers[] = [
  NOBODY,
  // root's cookie after its logout, with the CSRF token of a live session.
  { cookie: "wegate_admin=__AREVOKED__", "x-csrf-token": "__CSRF__" },
  { cookie: "wegate_admin=x", "x-csrf-token": "__CSRF__" },
];

function sessionCases(): HostileCase[] {
  const cases: HostileCase[] = [];
  for (const [method, path] of ROUTES) {
    const write = method !== "GET" && method !== "DELETE";
    for (const as of BAD_SESSIONS) cases.push(call(method, path, write ? { tenant: "shop-a" } : undefined, ADMIN_NOT_LOGGED_IN, { as }));
  }
  return cases;
}

// ---------------------------------------------------------------------------
// The cookie header in odd shapes (GET /tenants answers 0 with root's session).

const cookieCases: HostileCase[] = [
  get("/tenants", OK, { as: { cookie: "wegate_admin=__ACOOKIE__" } }),
  get("/tenants", ADMIN_NOT_LOGGED_IN, { as: { cookie: "wegate_admin=__ACOOKIE__x" } }),
  get("/tenants", ADMIN_NOT_LOGGED_IN, { as: { cookie: "wegate_admin=x; wegate_admin=__ACOOKIE__" } }),
  get("/tenants", OK, { as: { cookie: "wegate_admin=__ACOOKIE__; wegate_admin=x" } }),
  get("/tenants", OK, { as: { cookie: "a=1;wegate_admin=__ACOOKIE__;b" } }),
  get("/tenants", ADMIN_NOT_LOGGED_IN, { as: { cookie: "WEGATE_ADMIN=__ACOOKIE__" } }),
  get("/tenants", ADMIN_NOT_LOGGED_IN, { as: { cookie: "wegate_admin2=__ACOOKIE__" } }),
  get("/tenants", ADMIN_NOT_LOGGED_IN, { as: { cookie: 'wegate_admin="__ACOOKIE__"' } }),
  get("/tenants", ADMIN_NOT_LOGGED_IN, { as: { cookie: "wegate_admin" } }),
  get("/tenants", ADMIN_NOT_LOGGED_IN, { as: { cookie: "wegate_admin=" } }),
  get("/tenants", ADMIN_NOT_LOGGED_IN, { as: { cookie: "=__ACOOKIE__" } }),
  get("/tenants", ADMIN_NOT_LOGGED_IN, { as: { cookie: ";;;;=;=" } }),
  get("/tenants", ADMIN_NOT_LOGGED_IN, { as: { cookie: "wegate_admin=%00" } }),
  get("/tenants", ADMIN_NOT_LOGGED_IN, { as: { cookie: "wegate_admin=__ACOOKIE__%00" } }),
  get("/tenants", ADMIN_NOT_LOGGED_IN, { as: { cookie: `wegate_admin=${"a".repeat(8192)}` } }),
  get("/tenants", ADMIN_NOT_LOGGED_IN, { as: { cookie: Array.from({ length: 500 }, (_, i) => `c${i}=1`).join("; ") } }),
  // The token is taken from the cookie only: not from a header, nor the query string.
  get("/tenants", ADMIN_NOT_LOGGED_IN, { as: { authorization: "Bearer __ACOOKIE__" } }),
  get("/tenants?wegate_admin=__ACOOKIE__", ADMIN_NOT_LOGGED_IN, { as: NOBODY }),
  // shopb-op's session does not reach shop-a's goods.
  get("/goods?tenant=shop-a", NOT_FOUND, { as: SHOP_B }),
  raw(
    "console: two Cookie headers (joined, the first pair of the name counts)",
    `GET ${API}/tenants HTTP/1.1\r\nHost: __HOST__\r\nCookie: a=1\r\nCookie: wegate_admin=__ACOOKIE__\r\nConnection: close\r\n\r\n`,
    OK,
  ),
  raw(
    "console: two Cookie headers, a made-up session first",
    `GET ${API}/tenants HTTP/1.1\r\nHost: __HOST__\r\nCookie: wegate_admin=x\r\nCookie: wegate_admin=__ACOOKIE__\r\nConnection: close\r\n\r\n`,
    ADMIN_NOT_LOGGED_IN,
  ),
  raw(
    "console: a 17 kB cookie",
    `GET ${API}/tenants HTTP/1.1\r\nHost: __HOST__\r\nCookie: wegate_admin=__ACOOKIE__; pad=${"c".repeat(17 * 1024)}\r\nConnection: close\r\n\r\n`,
    { status: 431, code: 431 },
  ),
  raw("console: a control character in the cookie", `GET ${API}/tenants HTTP/1.1\r\nHost: __HOST__\r\nCookie: wegate_admin=__ACOOKIE__\x01\r\nConnection: close\r\n\r\n`, MALFORMED),
];

// ---------------------------------------------------------------------------
// CSRF token and Origin: writes that would succeed with them right.

/** Writes that change something when let through (each refusal below must stop them). */
const WRITES: Array<{ method: string; path: string; body?: unknown }> = [
  { method: "POST", path: "/users/__BOBUID__/disable", body: { tenant: "shop-a" } },
  { method: "POST", path: "/users/__BOBUID__/revoke-sessions", body: { tenant: "shop-a" } },
  { method: "DELETE", path: "/goods/3?tenant=shop-a" },
  { method: "POST", path: "/categories", body: { tenant: "shop-a", name: "hostile", sort: 0 } },
  { method: "POST", path: "/tenants", body: { subDomain: "hostile-shop" } },
  { method: "POST", path: "/tenants/shop-a/apps", body: { appid: "wxc000000000000003", secret: S.appSecret } },
  { method: "POST", path: "/logout" },
];

const CSRF_REFUSALS: Array<{ as: Headers; headers?: Headers }> = [
  { as: { cookie: "wegate_admin=__ACOOKIE__" } },
  { as: { cookie: "wegate_admin=__ACOOKIE__", "x-csrf-token": "" } },
  { as: { cookie: "wegate_admin=__ACOOKIE__", "x-csrf-token": "x" } },
  { as: { cookie: "wegate_admin=__ACOOKIE__", "x-csrf-token": "__CSRF__x" } },
  // shopb-op's token with root's cookie: a token belongs to its session.
  { as: { cookie: "wegate_admin=__ACOOKIE__", "x-csrf-token": "__BCSRF__" } },
  { as: { cookie: "wegate_admin=__ACOOKIE__", "x-csrf-token": "__ACOOKIE__" } },
  { as: { cookie: "wegate_admin=__ACOOKIE__", "x-xsrf-token": "__CSRF__", "csrf-token": "__CSRF__" } },
  { as: ROOT, headers: { origin: "https://evil.example" } },
  { as: ROOT, headers: { origin: "null" } },
  { as: ROOT, headers: { origin: "http://__HOST__.evil.example" } },
  { as: ROOT, headers: { origin: "https://__HOST__" } },
  { as: ROOT, headers: { "sec-fetch-site": "cross-site" } },
];

function csrfCases(): HostileCase[] {
  const cases: HostileCase[] = [];
  for (const write of WRITES) {
    for (const refusal of CSRF_REFUSALS) cases.push(call(write.method, write.path, write.body, CSRF_FAILED, refusal));
    // The token in the query string or the body is not the header.
    const body = write.body === undefined ? { csrfToken: "__CSRF__" } : { ...write.body, csrfToken: "__CSRF__" };
    cases.push(call(write.method, `${write.path}${write.path.includes("?") ? "&" : "?"}csrfToken=__CSRF__`, body, CSRF_FAILED, { as: { cookie: "wegate_admin=__ACOOKIE__" } }));
  }
  cases.push(
    // The same origin passes the check; the request is then refused for what it asks.
    post("/users/__BOBUID__/disable", { tenant: "nope" }, NOT_FOUND, { headers: { origin: "http://__HOST__" } }),
    post("/users/__BOBUID__/disable", { tenant: "nope" }, NOT_FOUND, { headers: { "sec-fetch-site": "same-origin" } }),
    post("/login", { username: "nobody", password: S.password }, CSRF_FAILED, { as: NOBODY, headers: { origin: "https://evil.example" } }),
    post("/login", { username: "nobody", password: S.password }, CSRF_FAILED, { as: NOBODY, headers: { "sec-fetch-site": "cross-site" } }),
    // A method override is not a way around the token.
    post("/users/__BOBUID__/disable", { tenant: "shop-a" }, CSRF_FAILED, { as: { cookie: "wegate_admin=__ACOOKIE__" }, headers: { "x-http-method-override": "GET" } }),
    post("/users/__BOBUID__/disable?_method=GET", { tenant: "shop-a" }, CSRF_FAILED, { as: { cookie: "wegate_admin=__ACOOKIE__" } }),
    raw(
      "console: the CSRF header twice (joined into one value, which is not the token)",
      `POST ${API}/users/__BOBUID__/disable HTTP/1.1\r\nHost: __HOST__\r\nCookie: wegate_admin=__ACOOKIE__\r\nX-CSRF-Token: __CSRF__\r\nX-CSRF-Token: __CSRF__\r\nContent-Type: application/json\r\nContent-Length: 19\r\nConnection: close\r\n\r\n{"tenant":"shop-a"}`,
      CSRF_FAILED,
    ),
    raw(
      "console: a wrong CSRF header, then the right one",
      `POST ${API}/users/__BOBUID__/disable HTTP/1.1\r\nHost: __HOST__\r\nCookie: wegate_admin=__ACOOKIE__\r\nX-CSRF-Token: x\r\nX-CSRF-Token: __CSRF__\r\nContent-Type: application/json\r\nContent-Length: 19\r\nConnection: close\r\n\r\n{"tenant":"shop-a"}`,
      CSRF_FAILED,
    ),
    raw(
      "console: two Origin headers, one of them cross-site",
      `POST ${API}/users/__BOBUID__/disable HTTP/1.1\r\nHost: __HOST__\r\nCookie: wegate_admin=__ACOOKIE__\r\nX-CSRF-Token: __CSRF__\r\nOrigin: http://__HOST__\r\nOrigin: https://evil.example\r\nContent-Type: application/json\r\nContent-Length: 19\r\nConnection: close\r\n\r\n{"tenant":"shop-a"}`,
      CSRF_FAILED,
    ),
  );
  return cases;
}

// ---------------------------------------------------------------------------
// Login: bodies of every wrong shape, names that are not an operator's.

const login = (body: unknown, expect: Expect, headers?: Headers) => post("/login", body, expect, { as: NOBODY, headers });

const loginCases: HostileCase[] = [
  login({}, BAD_INPUT),
  login({ username: "nobody" }, BAD_INPUT),
  login({ password: S.password }, BAD_INPUT),
  login({ username: "", password: S.password }, BAD_INPUT),
  login({ username: "nobody", password: "" }, BAD_INPUT),
  login({ username: "x".repeat(65), password: S.password }, BAD_INPUT),
  login({ username: "nobody", password: "x".repeat(1025) }, BAD_INPUT),
  login({ username: "nobody\u0000", password: S.password }, BAD_INPUT),
  login({ username: "nobody", password: `${S.password}\u0000` }, BAD_INPUT),
  login({ username: "nobody", password: S.password, otp: "1\u00002" }, BAD_INPUT),
  login({ username: "nobody", password: S.password, otp: "1".repeat(17) }, BAD_INPUT),
  login({ username: "nobody", password: S.password, otp: ["123456", "654321"] }, BAD_INPUT),
  login({ username: ["root", "nobody"], password: S.password }, BAD_INPUT),
  login({ username: { $ne: null }, password: S.password }, BAD_INPUT),
  login({ username: "nobody", password: { $gt: "" } }, BAD_INPUT),
  login(`{"__proto__":{"username":"root"},"password":"${S.password}"}`, BAD_INPUT),
  login(`{"username":"nobody","password":"${S.password}","constructor":{"prototype":{"isAdmin":true}}}`, BAD_INPUT),
  login("[]", BAD_INPUT),
  login("null", BAD_INPUT),
  login("{", BAD_INPUT),
  login("", BAD_INPUT),
  login(`{"username":"nobody","password":"${S.password}"}x`, BAD_INPUT),
  login({ username: "nobody", password: S.password }, LOGIN_FAILED),
  login({ username: "nobody", password: S.password, otp: "123456" }, LOGIN_FAILED),
  login({ username: "nobody", password: S.password, tenantId: null, isAdmin: true }, LOGIN_FAILED),
  login({ username: "no\u0001body\u001b[2J", password: S.password }, LOGIN_FAILED),
  login({ username: "' OR 1=1 --", password: S.password }, LOGIN_FAILED),
  login({ username: "%", password: S.password }, LOGIN_FAILED),
  login({ username: "nobody", password: "x".repeat(1024) }, LOGIN_FAILED),
  login(`{"username":"nobody","password":"${"x".repeat(100 * 1024)}"}`, TOO_LARGE),
  { ...login(`username=nobody&password=${S.password}`, LOGIN_FAILED), headers: { "content-type": "application/x-www-form-urlencoded" }, name: "POST /admin/api/login form" },
  { ...login(`username=nobody&password=${S.password}`, UNSUPPORTED_TYPE), headers: { "content-type": "text/plain" }, name: "POST /admin/api/login text/plain" },
  // The body is read, not the query string.
  post(`/login?username=nobody&password=${S.password}`, {}, BAD_INPUT, { as: NOBODY }),
];

// ---------------------------------------------------------------------------
// Goods: each field of a create (POST /goods) and of an update of goods 1
// (PUT /goods/1) made wrong in turn.

const GOODS = {
  tenant: "shop-a",
  name: "hostile goods",
  categoryId: 1,
  pics: [] as string[],
  price: 100,
  originalPrice: 200,
  stock: 5,
  sort: 0,
  onShelf: true,
  options: [] as unknown[],
  content: "",
};
type GoodsField = keyof typeof GOODS;

/** A goods body with `field` set to the JSON `literal`. */
const goodsWith = (field: GoodsField, literal: string) => {
  const { [field]: _left, ...rest } = GOODS;
  return `${JSON.stringify(rest).slice(0, -1)},${JSON.stringify(field)}:${literal}}`;
};
const withoutField = (field: GoodsField) => {
  const { [field]: _left, ...rest } = GOODS;
  return rest;
};

const option = (id: number, name: string, values: Array<[number, string]>) => ({ id, name, values: values.map(([valueId, valueName]) => ({ id: valueId, name: valueName })) });

/** Each field's values that must be refused, with the code. */
const GOODS_FIELD_CASES: Array<{ field: GoodsField; literal: string; expect: Expect }> = [
  ...["name", "tenant", "categoryId", "pics", "price", "originalPrice", "stock", "sort", "onShelf", "options", "content"].map((field) => ({ field: field as GoodsField, literal: "", expect: BAD_INPUT })),
  // (-1 is a sort like any other.)
  ...(["price", "originalPrice", "stock", "sort", "categoryId"] as const).flatMap((field) =>
    NOT_INTEGERS.filter((literal) => field !== "sort" || literal !== "-1").map((literal) => ({ field, literal, expect: BAD_INPUT })),
  ),
  { field: "price", literal: "1000000000", expect: BAD_INPUT },
  { field: "originalPrice", literal: "1000000000", expect: BAD_INPUT },
  { field: "stock", literal: "1000000000", expect: BAD_INPUT },
  { field: "sort", literal: "-1000000000", expect: BAD_INPUT },
  { field: "price", literal: "201", expect: PRICE_INVALID },
  { field: "categoryId", literal: "99999", expect: CATEGORY_NOT_FOUND },
  { field: "name", literal: '""', expect: BAD_INPUT },
  { field: "name", literal: '"   "', expect: BAD_INPUT },
  { field: "name", literal: '"a\\u0000b"', expect: BAD_INPUT },
  { field: "name", literal: JSON.stringify("x".repeat(129)), expect: BAD_INPUT },
  { field: "name", literal: '["a","b"]', expect: BAD_INPUT },
  { field: "name", literal: '{"a":"b"}', expect: BAD_INPUT },
  { field: "name", literal: "null", expect: BAD_INPUT },
  { field: "name", literal: '"无线蓝牙耳机 Pro"', expect: GOODS_NAME_TAKEN },
  { field: "content", literal: '"<p>a\\u0000</p>"', expect: BAD_INPUT },
  { field: "content", literal: JSON.stringify("x".repeat(200_001)), expect: BAD_INPUT },
  { field: "content", literal: '{"html":"x"}', expect: BAD_INPUT },
  { field: "tenant", literal: '"nope"', expect: NOT_FOUND },
  { field: "tenant", literal: '"shop-a\\u0000"', expect: BAD_INPUT },
  { field: "tenant", literal: JSON.stringify("a".repeat(64)), expect: BAD_INPUT },
  { field: "tenant", literal: '["shop-a","shop-b"]', expect: BAD_INPUT },
  { field: "tenant", literal: '"../shop-a"', expect: NOT_FOUND },
  { field: "onShelf", literal: '"maybe"', expect: BAD_INPUT },
  { field: "onShelf", literal: "2", expect: BAD_INPUT },
  { field: "onShelf", literal: "{}", expect: BAD_INPUT },
  { field: "pics", literal: '["javascript:alert(1)"]', expect: PIC_INVALID },
  { field: "pics", literal: '["//evil.example/a.png"]', expect: PIC_INVALID },
  { field: "pics", literal: '["file:///etc/passwd"]', expect: PIC_INVALID },
  { field: "pics", literal: '["data:image/png;base64,AAAA"]', expect: PIC_INVALID },
  { field: "pics", literal: '["a.png"]', expect: PIC_INVALID },
  { field: "pics", literal: '["https://img.example/a\\u0000.png"]', expect: BAD_INPUT },
  { field: "pics", literal: '[""]', expect: BAD_INPUT },
  { field: "pics", literal: JSON.stringify([`https://img.example/${"a".repeat(1024)}`]), expect: BAD_INPUT },
  { field: "pics", literal: JSON.stringify(Array.from({ length: 21 }, (_, i) => `https://img.example/${i}.png`)), expect: BAD_INPUT },
  { field: "pics", literal: '[{"url":"https://img.example/a.png"}]', expect: BAD_INPUT },
  { field: "pics", literal: '{"0":"https://img.example/a.png"}', expect: BAD_INPUT },
  { field: "options", literal: "{}", expect: BAD_INPUT },
  { field: "options", literal: "[{}]", expect: BAD_INPUT },
  { field: "options", literal: '"[]"', expect: BAD_INPUT },
  { field: "options", literal: JSON.stringify([option(1, "颜色", [[1, "红"]]), option(1, "尺码", [[2, "L"]])]), expect: OPTIONS_INVALID },
  { field: "options", literal: JSON.stringify([option(1, "颜色", [[1, "红"]]), option(2, "尺码", [[1, "L"]])]), expect: OPTIONS_INVALID },
  { field: "options", literal: JSON.stringify([option(1, "颜色", [[1, "红"], [2, "红"]])]), expect: OPTIONS_INVALID },
  { field: "options", literal: JSON.stringify([option(1, "  ", [[1, "红"]])]), expect: OPTIONS_INVALID },
  { field: "options", literal: JSON.stringify([option(1, "颜色", [])]), expect: BAD_INPUT },
  { field: "options", literal: JSON.stringify([option(1, "颜\u0000色", [[1, "红"]])]), expect: BAD_INPUT },
  { field: "options", literal: JSON.stringify([option(1, "x".repeat(33), [[1, "红"]])]), expect: BAD_INPUT },
  { field: "options", literal: JSON.stringify(Array.from({ length: 11 }, (_, i) => option(i + 1, `o${i}`, [[i + 1, "v"]]))), expect: BAD_INPUT },
  { field: "options", literal: '[{"id":1e309,"name":"颜色","values":[{"id":1,"name":"红"}]}]', expect: BAD_INPUT },
  { field: "options", literal: '[{"id":1,"name":"颜色","values":[{"id":-1,"name":"红"}]}]', expect: BAD_INPUT },
];

function goodsCases(): HostileCase[] {
  const cases: HostileCase[] = [];
  for (const { field, literal, expect } of GOODS_FIELD_CASES) {
    const body = literal === "" ? withoutField(field) : goodsWith(field, literal);
    cases.push(post("/goods", body, expect));
    // Goods 2's own name is no conflict for goods 2: the update's taken name is goods 1's.
    cases.push(put("/goods/2", body, expect));
  }
  const good = JSON.stringify(GOODS);
  for (const id of NOT_INTEGER_TEXTS) {
    cases.push(put(`/goods/${id}`, good, BAD_INPUT), get(`/goods/${id}?tenant=shop-a`, BAD_INPUT), del(`/goods/${id}?tenant=shop-a`, BAD_INPUT));
  }
  cases.push(
    put("/goods/99999", good, NOT_FOUND),
    get("/goods/99999?tenant=shop-a", NOT_FOUND),
    del("/goods/99999?tenant=shop-a", NOT_FOUND),
    // Goods 1 is shop-a's: not found through shop-b, nor by shopb-op.
    put("/goods/1", { ...GOODS, tenant: "shop-b", categoryId: null }, NOT_FOUND),
    get("/goods/1?tenant=shop-b", NOT_FOUND),
    del("/goods/1?tenant=shop-b", NOT_FOUND),
    get("/goods/1?tenant=shop-a", NOT_FOUND, { as: SHOP_B }),
    put("/goods/1", GOODS, NOT_FOUND, { as: SHOP_B }),
    put("/goods/1", { ...GOODS, tenant: "shop-b", categoryId: null, tenantId: 1, id: 1 }, NOT_FOUND, { as: SHOP_B }),
    del("/goods/1?tenant=shop-a", NOT_FOUND, { as: SHOP_B }),
    post("/goods", GOODS, NOT_FOUND, { as: SHOP_B }),
    get("/goods/1", BAD_INPUT),
    del("/goods/1", BAD_INPUT),
    del("/goods/1?tenant=shop-a&tenant=shop-b", BAD_INPUT),
    // A DELETE's tenant is its query's: a body does not name another one.
    call("DELETE", "/goods/1?tenant=shop-b", { tenant: "shop-a" }, NOT_FOUND),
    call("DELETE", "/goods/1", { tenant: "shop-a" }, BAD_INPUT),
    del("/goods/1?tenant=", BAD_INPUT),
    get("/goods/..%2f..%2fetc%2fpasswd?tenant=shop-a", BAD_INPUT),
    get("/goods/1%2f2?tenant=shop-a", BAD_INPUT),
    get("/goods/%2e%2e?tenant=shop-a", BAD_INPUT),
    del("/goods/1%2f..%2f2?tenant=shop-a", BAD_INPUT),
    get("/goods/1/?tenant=shop-a", OK),
    get("/goods/1/x?tenant=shop-a", ROUTE_NOT_FOUND),
    call("PATCH", "/goods/1", { onShelf: false }, ROUTE_NOT_FOUND),
  );
  // Bodies that are not a goods object; prototype keys.
  for (const body of ["[]", `[${good}]`, '"x"', "null", "1e309", "", "{", `${good}x`, `${good.slice(0, -1)}`, `${"[".repeat(5000)}${"]".repeat(5000)}`]) {
    cases.push(post("/goods", body, BAD_INPUT), put("/goods/1", body, BAD_INPUT));
  }
  cases.push(
    post("/goods", `{"__proto__":${good}}`, BAD_INPUT),
    put("/goods/1", `${good.slice(0, -1)},"__proto__":{"onShelf":false}}`, BAD_INPUT),
    put("/goods/1", `${good.slice(0, -1)},"constructor":{"prototype":{"onShelf":false}}}`, BAD_INPUT),
    post("/goods", `{"constructor":{"prototype":${good}}}`, BAD_INPUT),
    put("/goods/1", { ...GOODS, price: -1, numberFav: 9999, views: 9999, id: 2, createdAt: 0 }, BAD_INPUT),
  );
  // Content types and sizes.
  const typed = (type: string | undefined, body: string, expect: Expect): HostileCase => {
    const c = post("/goods", body, expect);
    const { "content-type": _json, ...headers } = c.headers!;
    return { ...c, name: `${c.name.slice(0, 60)} as ${type ?? "no type"}`, headers: type === undefined ? headers : { ...headers, "content-type": type } };
  };
  cases.push(
    typed("text/plain", good, UNSUPPORTED_TYPE),
    typed("application/xml", "<goods><name>x</name></goods>", UNSUPPORTED_TYPE),
    typed("multipart/form-data; boundary=x", `--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--x--\r\n`, UNSUPPORTED_TYPE),
    typed(undefined, good, UNSUPPORTED_TYPE),
    typed("application/jsonx", good, UNSUPPORTED_TYPE),
    typed("application/x-www-form-urlencoded", "tenant=shop-a&name=x&price=1", BAD_INPUT),
    typed("application/x-www-form-urlencoded", "tenant=shop-a&name=x%00y", BAD_INPUT),
    post("/goods", { ...GOODS, content: "x".repeat(1024 * 1024) }, TOO_LARGE),
    post("/categories", { tenant: "shop-a", name: "x", sort: 0, pad: "x".repeat(70 * 1024) }, TOO_LARGE),
  );
  return cases;
}

// ---------------------------------------------------------------------------
// The goods list's query: search text, filters, paging.

function goodsListCases(): HostileCase[] {
  const list = (query: string, expect: Expect, options?: CallOptions) => get(`/goods?tenant=shop-a&${query}`, expect, options);
  const cases: HostileCase[] = [];
  for (const field of ["page", "pageSize", "categoryId"]) {
    for (const value of NOT_INTEGER_TEXTS) cases.push(list(`${field}=${value}`, BAD_INPUT));
  }
  cases.push(
    list("page=100001", BAD_INPUT),
    list("pageSize=101", BAD_INPUT),
    list("page=1&page=2", BAD_INPUT),
    list("shelf=maybe", BAD_INPUT),
    list("shelf=on&shelf=off", BAD_INPUT),
    list("q=%00", BAD_INPUT),
    list(`q=${"x".repeat(65)}`, BAD_INPUT),
    list("q=%", OK),
    list("q=%25", OK),
    list("q=_", OK),
    list("q=%27%20OR%201%3D1%20--", OK),
    list("q=%01%1B%5B2J", OK),
    list("q=%ED%A0%80", OK),
    // Not an operator: an unknown parameter, dropped.
    list("q[$ne]=x", OK),
    list("tenant=shop-b", BAD_INPUT),
    list("page=100000&pageSize=100", OK),
    list("__proto__[x]=1&constructor=1", OK),
    get("/goods", BAD_INPUT),
    get("/goods?tenant=nope", NOT_FOUND),
    get("/goods?tenant=%00", BAD_INPUT),
    get(`/goods?tenant=${"a".repeat(64)}`, BAD_INPUT),
  );
  return cases;
}

// ---------------------------------------------------------------------------
// Categories.

const CATEGORY = { tenant: "shop-a", name: "hostile category", sort: 0 };

function categoryCases(): HostileCase[] {
  const cases: HostileCase[] = [];
  const refused: Array<[body: unknown, expect: Expect]> = [
    [{ tenant: "shop-a", sort: 0 }, BAD_INPUT],
    [{ tenant: "shop-a", name: "x" }, BAD_INPUT],
    [{ name: "x", sort: 0 }, BAD_INPUT],
    [{ ...CATEGORY, name: "" }, BAD_INPUT],
    [{ ...CATEGORY, name: "   " }, BAD_INPUT],
    [{ ...CATEGORY, name: "a\u0000" }, BAD_INPUT],
    [{ ...CATEGORY, name: "x".repeat(65) }, BAD_INPUT],
    [{ ...CATEGORY, name: ["a", "b"] }, BAD_INPUT],
    [{ ...CATEGORY, name: { zh: "a" } }, BAD_INPUT],
    [{ ...CATEGORY, tenant: "nope" }, NOT_FOUND],
    [{ ...CATEGORY, tenant: "shop-a\u0000" }, BAD_INPUT],
    ...NOT_INTEGERS.filter((literal) => literal !== "-1").map((literal): [string, Expect] => [`{"tenant":"shop-a","name":"x","sort":${literal}}`, BAD_INPUT]),
    [`{"tenant":"shop-a","name":"x","sort":1000000000}`, BAD_INPUT],
    ["[]", BAD_INPUT],
    ["{", BAD_INPUT],
    [`{"__proto__":{"tenant":"shop-a","name":"x","sort":0}}`, BAD_INPUT],
  ];
  for (const [body, expect] of refused) cases.push(post("/categories", body, expect), put("/categories/1", body, expect));
  cases.push(
    post("/categories", { ...CATEGORY, name: "数码" }, CATEGORY_NAME_TAKEN),
    post("/categories", { ...CATEGORY, name: " 数码 " }, CATEGORY_NAME_TAKEN),
    put("/categories/2", { ...CATEGORY, name: "数码" }, CATEGORY_NAME_TAKEN),
    put("/categories/99999", CATEGORY, CATEGORY_NOT_FOUND),
    put("/categories/1", { ...CATEGORY, tenant: "shop-b" }, CATEGORY_NOT_FOUND),
    post("/categories", CATEGORY, NOT_FOUND, { as: SHOP_B }),
    put("/categories/1", CATEGORY, NOT_FOUND, { as: SHOP_B }),
    del("/categories/1?tenant=shop-a", CATEGORY_IN_USE),
    del("/categories/99999?tenant=shop-a", CATEGORY_NOT_FOUND),
    del("/categories/1?tenant=shop-b", CATEGORY_NOT_FOUND),
    del("/categories/1?tenant=shop-a", NOT_FOUND, { as: SHOP_B }),
    del("/categories/1", BAD_INPUT),
    get("/categories", BAD_INPUT),
    get("/categories?tenant=nope", NOT_FOUND),
    get("/categories?tenant=shop-a", NOT_FOUND, { as: SHOP_B }),
    get("/categories?tenant=shop-a", OK),
  );
  for (const id of NOT_INTEGER_TEXTS) cases.push(put(`/categories/${id}`, CATEGORY, BAD_INPUT), del(`/categories/${id}?tenant=shop-a`, BAD_INPUT));
  const typed = (type: string, body: string, expect: Expect, extra: Headers = {}): HostileCase => {
    const c = post("/categories", body, expect);
    return { ...c, name: `${c.name} as ${type}${Object.keys(extra).length ? ` ${JSON.stringify(extra)}` : ""}`, headers: { ...c.headers, "content-type": type, ...extra } };
  };
  const elsewhere = JSON.stringify({ ...CATEGORY, tenant: "nope" });
  cases.push(
    typed("application/json", `\uFEFF${elsewhere}`, NOT_FOUND),
    typed("application/json; charset=utf-16", elsewhere, NOT_FOUND),
    typed("text/json", JSON.stringify(CATEGORY), UNSUPPORTED_TYPE),
    // A compressed body is not read as one: it is no JSON.
    typed("application/json", "\x1f\x8b\x08\x00\x00\x00\x00\x00", BAD_INPUT, { "content-encoding": "gzip" }),
    // A name given twice: the last counts, and shopb-op's scope with it.
    post("/categories", `{"tenant":"shop-b","tenant":"shop-a","name":"x","sort":0}`, NOT_FOUND, { as: SHOP_B }),
    // The body's tenant, not the query's.
    post("/categories?tenant=shop-a", { ...CATEGORY, tenant: "nope" }, NOT_FOUND),
    post("/categories", { ...CATEGORY, tenant: "SHOP-A" }, NOT_FOUND),
    call("DELETE", "/categories/2?tenant=shop-a", "", BAD_INPUT),
    { ...post("/categories/2?tenant=shop-a", "", ROUTE_NOT_FOUND), headers: { ...ROOT, "x-http-method-override": "DELETE" }, name: "POST /admin/api/categories/2 with X-HTTP-Method-Override: DELETE" },
  );
  cases.push(put("/categories/..%2f1", CATEGORY, BAD_INPUT), del("/categories/1%2f..?tenant=shop-a", BAD_INPUT));
  return cases;
}

// ---------------------------------------------------------------------------
// Mini program users: search, detail, sessions, disable.

function userCases(): HostileCase[] {
  const cases: HostileCase[] = [];
  const writes = ["revoke-sessions", "disable", "enable"];
  for (const uid of [...NOT_INTEGER_TEXTS, "..%2f1", "1%2f2", "%2e%2e"]) {
    cases.push(get(`/users/${uid}?tenant=shop-a`, BAD_INPUT));
    for (const action of writes) cases.push(post(`/users/${uid}/${action}`, { tenant: "shop-a" }, BAD_INPUT));
    cases.push(post(`/users/${uid}/sessions/__ALICESESSION__/revoke`, { tenant: "shop-a" }, BAD_INPUT));
    cases.push(post(`/users/__BOBUID__/sessions/${uid}/revoke`, { tenant: "shop-a" }, BAD_INPUT));
  }
  for (const action of writes) {
    const path = `/users/__BOBUID__/${action}`;
    cases.push(
      post(path, { tenant: "shop-b" }, NOT_FOUND),
      post(path, { tenant: "nope" }, NOT_FOUND),
      post(path, { tenant: "shop-a" }, NOT_FOUND, { as: SHOP_B }),
      post(path, {}, BAD_INPUT),
      post(path, { tenant: ["shop-a", "shop-b"] }, BAD_INPUT),
      post(path, { tenant: "shop-a\u0000" }, BAD_INPUT),
      post(path, "[]", BAD_INPUT),
      post(path, `{"__proto__":{"tenant":"shop-a"}}`, BAD_INPUT),
      post(`/users/99999/${action}`, { tenant: "shop-a" }, NOT_FOUND),
    );
  }
  cases.push(
    // Alice's session, named under bob's uid: not bob's to end.
    post("/users/__BOBUID__/sessions/__ALICESESSION__/revoke", { tenant: "shop-a" }, NOT_FOUND),
    post("/users/__BOBUID__/sessions/99999/revoke", { tenant: "shop-a" }, NOT_FOUND),
    post("/users/__BOBUID__/sessions/__ALICESESSION__/revoke", { tenant: "shop-b" }, NOT_FOUND),
    get("/users/__BOBUID__?tenant=shop-b", NOT_FOUND),
    get("/users/__BOBUID__?tenant=shop-a", NOT_FOUND, { as: SHOP_B }),
    get("/users/99999?tenant=shop-a", NOT_FOUND),
    get("/users/__BOBUID__", BAD_INPUT),
    get("/users?tenant=shop-a&q=%00", BAD_INPUT),
    get(`/users?tenant=shop-a&q=${"x".repeat(129)}`, BAD_INPUT),
    get("/users?tenant=shop-a&q=%25", OK),
    get("/users?tenant=shop-a&q=_", OK),
    get("/users?tenant=shop-a&q=%27%20OR%201%3D1%20--", OK),
    get("/users?tenant=shop-a&q=1e309", OK),
    get("/users?tenant=shop-a&q=-1", OK),
    get("/users?tenant=shop-a&q=99999999999999999999", OK),
    get("/users?tenant=shop-a&q=%01", OK),
    get("/users?tenant=shop-a&q=a&q=b", BAD_INPUT),
    get("/users?tenant=shop-a", NOT_FOUND, { as: SHOP_B }),
    get("/users", BAD_INPUT),
  );
  for (const field of ["page", "pageSize"]) for (const value of NOT_INTEGER_TEXTS) cases.push(get(`/users?tenant=shop-a&${field}=${value}`, BAD_INPUT));
  return cases;
}

// ---------------------------------------------------------------------------
// Tenants and apps.

const APP = { appid: "wxc000000000000003", secret: S.appSecret };

function tenantCases(): HostileCase[] {
  const cases: HostileCase[] = [];
  // The server's own first path segments too: a tenant there would be shadowed (or shadow them).
  for (const subDomain of ["", "A", "Shop-C", "-x", "a_b", "../x", "a/b", "a.b", "a b", "a\u0000", "a\u0001", "商店", "x".repeat(64), "admin", "docs", "healthz", "readyz"]) {
    cases.push(post("/tenants", { subDomain }, BAD_INPUT));
  }
  cases.push(
    post("/tenants", { subDomain: "shop-a" }, TENANT_EXISTS),
    post("/tenants", { subDomain: "hostile-shop" }, FORBIDDEN, { as: SHOP_B }),
    post("/tenants", {}, BAD_INPUT),
    post("/tenants", { subDomain: ["hostile-a", "hostile-b"] }, BAD_INPUT),
    post("/tenants", { subDomain: { $ne: null } }, BAD_INPUT),
    post("/tenants", "[]", BAD_INPUT),
    post("/tenants", `{"__proto__":{"subDomain":"hostile-shop"}}`, BAD_INPUT),
  );
  const apps = (subDomain: string) => `/tenants/${subDomain}/apps`;
  const refusedApps: Array<[body: unknown, expect: Expect]> = [
    [{ ...APP, appid: "wx123" }, BAD_INPUT],
    [{ ...APP, appid: "wxC000000000000003" }, BAD_INPUT],
    [{ ...APP, appid: "wxc00000000000000g" }, BAD_INPUT],
    [{ ...APP, appid: "wxc000000000000003\u0000" }, BAD_INPUT],
    [{ ...APP, appid: "../wxa000000000000001" }, BAD_INPUT],
    [{ ...APP, appid: "x".repeat(65) }, BAD_INPUT],
    [{ ...APP, appid: "wxc00000000000000\u0001" }, BAD_INPUT],
    [{ ...APP, appid: " wxc000000000000003" }, BAD_INPUT],
    [{ ...APP, appid: ["wxc000000000000003", "wxc000000000000004"] }, BAD_INPUT],
    [{ ...APP, secret: S.shortSecret }, BAD_INPUT],
    [{ ...APP, secret: `${S.appSecret}0` }, BAD_INPUT],
    [{ ...APP, secret: S.nonHexSecret }, BAD_INPUT],
    [{ ...APP, secret: `${S.appSecret.slice(0, 16)}\u0000${S.appSecret.slice(17)}` }, BAD_INPUT],
    [{ ...APP, secret: ` ${S.appSecret}` }, BAD_INPUT],
    [{ ...APP, secret: `${S.appSecret.slice(0, 31)}\u0001` }, BAD_INPUT],
    [{ ...APP, secret: `${S.appSecret}\n` }, BAD_INPUT],
    [{ ...APP, secret: "x".repeat(257) }, BAD_INPUT],
    [{ ...APP, secret: { $ne: "" } }, BAD_INPUT],
    [{ appid: APP.appid }, BAD_INPUT],
    [{ secret: S.appSecret }, BAD_INPUT],
    ["[]", BAD_INPUT],
    [`{"__proto__":{"appid":"wxc000000000000003","secret":"${S.appSecret}"}}`, BAD_INPUT],
    // shop-b's app, re-keyed from shop-a: not a way to take it.
    [{ appid: "wxb000000000000002", secret: S.appSecretB }, APPID_TAKEN],
  ];
  for (const [body, expect] of refusedApps) cases.push(post(apps("shop-a"), body, expect));
  cases.push(
    post(apps("nope"), APP, NOT_FOUND),
    post(apps("..%2fshop-a"), APP, NOT_FOUND),
    post(apps("shop-a%2fapps"), APP, NOT_FOUND),
    post(apps("shop-a%00"), APP, BAD_INPUT),
    post(apps("a".repeat(64)), APP, BAD_INPUT),
    post(apps("shop-a"), APP, NOT_FOUND, { as: SHOP_B }),
    post(apps("shop-a"), { ...APP, tenant: "shop-b", tenantId: 2 }, NOT_FOUND, { as: SHOP_B }),
    post(apps("shop-b"), { ...APP, appid: "wxa000000000000001" }, APPID_TAKEN, { as: SHOP_B }),
  );
  const check = (subDomain: string, appid: string) => `/tenants/${subDomain}/apps/${appid}/check`;
  cases.push(
    post(check("shop-a", "wxb000000000000002"), undefined, NOT_FOUND),
    post(check("shop-a", "..%2f..%2fshop-b%2fapps%2fwxb000000000000002"), undefined, NOT_FOUND),
    post(check("shop-a", "wxa000000000000001%00"), undefined, BAD_INPUT),
    post(check("shop-a", "x".repeat(65)), undefined, BAD_INPUT),
    post(check("nope", "wxa000000000000001"), undefined, NOT_FOUND),
    post(check("shop-a", "wxa000000000000001"), undefined, NOT_FOUND, { as: SHOP_B }),
    post(check("shop-a", "wxa000000000000001"), { secret: S.appSecret }, NOT_FOUND, { as: SHOP_B }),
  );
  return cases;
}

// ---------------------------------------------------------------------------
// Dashboard, audit log, settings, routing.

function otherCases(): HostileCase[] {
  const cases: HostileCase[] = [];
  for (const value of [...NOT_INTEGER_TEXTS, "367"]) cases.push(get(`/dashboard?days=${value}`, BAD_INPUT));
  for (const value of [...NOT_INTEGER_TEXTS, "501"]) cases.push(get(`/audit?limit=${value}`, BAD_INPUT));
  cases.push(
    get("/dashboard", OK),
    get("/dashboard?tenant=shop-a&days=366", OK),
    get("/dashboard?tenant=nope", NOT_FOUND),
    get("/dashboard?tenant=%00", BAD_INPUT),
    get("/dashboard?tenant=shop-a", NOT_FOUND, { as: SHOP_B }),
    get("/dashboard?tenant=shop-a&tenant=shop-b", BAD_INPUT),
    get("/audit?tenant=nope", NOT_FOUND),
    get("/audit?tenant=shop-a", FORBIDDEN, { as: SHOP_B }),
    get("/audit?tenant=%00", BAD_INPUT),
    get("/audit?limit=500", OK),
    get("/settings/rate-limits", OK),
    get("/settings/rate-limits?__proto__[x]=1", OK),
    get("/nope", ROUTE_NOT_FOUND),
    get("/nope", ROUTE_NOT_FOUND, { as: NOBODY }),
    get("/TENANTS", ROUTE_NOT_FOUND),
    get("/tenants/..%2fusers", ROUTE_NOT_FOUND),
    call("PUT", "/tenants", { subDomain: "hostile-shop" }, ROUTE_NOT_FOUND),
    call("DELETE", "/tenants/shop-a", undefined, ROUTE_NOT_FOUND),
    call("GET", "/login", undefined, ROUTE_NOT_FOUND, { as: NOBODY }),
    raw("console: dot segments in the path", `GET ${API}/../api/tenants HTTP/1.1\r\nHost: __HOST__\r\nCookie: wegate_admin=__ACOOKIE__\r\nConnection: close\r\n\r\n`, ROUTE_NOT_FOUND),
  );
  return cases;
}

// ---------------------------------------------------------------------------
// Goods pictures: multipart with the console's field `file`.

/** A 1×1 PNG. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=", "base64");
const bytes = (buffer: Buffer) => buffer.toString("latin1");
const file = (content: string, options: { name?: string; filename?: string; type?: string } = {}): Part => ({
  name: options.name ?? "file",
  filename: options.filename ?? "a.png",
  type: options.type ?? "image/png",
  content,
});

function pictureCases(): HostileCase[] {
  const PICTURES = `${API}/pictures`;
  const upload = (parts: Part[], expect: Expect, options: { query?: string; as?: Headers; end?: string } = {}) => {
    const c = multipart(`${PICTURES}?${options.query ?? "tenant=shop-a"}`, parts, expect, { headers: options.as ?? ROOT, end: options.end });
    const who = options.as === undefined ? "" : options.as === SHOP_B ? " as shopb-op" : ` as ${JSON.stringify(options.as)}`;
    return { ...c, name: `${c.name}${who}` };
  };
  return [
    upload([file(bytes(PNG))], ADMIN_NOT_LOGGED_IN, { as: NOBODY }),
    upload([file(bytes(PNG))], CSRF_FAILED, { as: { cookie: "wegate_admin=__ACOOKIE__" } }),
    upload([file(bytes(PNG))], CSRF_FAILED, { as: { ...ROOT, origin: "https://evil.example" } }),
    // The tenant first: shopb-op learns nothing of shop-a, and nothing is stored.
    upload([file(bytes(PNG))], NOT_FOUND, { as: SHOP_B }),
    upload([file(bytes(PNG))], NOT_FOUND, { query: "tenant=nope" }),
    upload([file(bytes(PNG))], BAD_INPUT, { query: "" }),
    upload([file(bytes(PNG))], BAD_INPUT, { query: "tenant=%00" }),
    // No file in the field `file`: 41002, as the mini program's upload, its message naming `file`.
    upload([{ name: "x", content: "y" }], FILE_MISSING),
    upload([], FILE_MISSING),
    upload([file(bytes(PNG), { name: "upfile" })], FILE_MISSING),
    upload([{ name: "file", content: bytes(PNG) }], FILE_MISSING),
    upload([file(bytes(PNG)), file(bytes(PNG), { filename: "b.png" })], { status: 400, code: 41003 }),
    upload([file("")], { status: 400, code: 41005 }),
    upload([file("not a png")], { status: 415, code: 41006 }),
    upload([file("GIF89a not really")], { status: 400, code: 41007 }),
    upload([file("<html><script>alert(document.cookie)</script></html>", { filename: "a.html", type: "text/html" })], { status: 415, code: 41006 }),
    upload([file('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', { filename: "a.svg", type: "image/svg+xml" })], { status: 415, code: 41006 }),
    upload([file("not a png", { filename: "../../../etc/passwd" })], { status: 415, code: 41006 }),
    upload([file("not a png", { filename: "a\u0000.png" })], { status: 415, code: 41006 }),
    upload([file(bytes(PNG.subarray(0, 40)))], { status: 400, code: 41007 }),
    upload([file(bytes(PNG.subarray(0, 8)))], { status: 400, code: 41007 }),
    upload([file(bytes(Buffer.concat([PNG, Buffer.from("<?php system($_GET['c']); ?>")])))], { status: 400, code: 41008 }),
    // Past the upload limit (UPLOAD_MAX_BYTES): cut off, not stored.
    upload([file(bytes(PNG) + "\0".repeat(5 * 1024 * 1024))], { status: 413, code: 41004 }),
    upload([{ name: "__proto__", content: "x" }, file(bytes(PNG))], BAD_INPUT),
    upload([...Array.from({ length: 21 }, (_, i) => ({ name: `f${i}`, content: "x" })), file(bytes(PNG))], BAD_INPUT),
    upload([file(bytes(PNG))], MALFORMED, { end: "--hostile-boundary-7MA4YWxkTrZu0gW" }),
    upload([file(bytes(PNG))], MALFORMED, { end: "" }),
    post("/pictures?tenant=shop-a", { file: bytes(PNG) }, { status: 415, code: 41001 }),
    { ...post("/pictures?tenant=shop-a", "file=x", { status: 415, code: 41001 }), headers: { ...ROOT, "content-type": "application/x-www-form-urlencoded" }, name: "POST /admin/api/pictures form" },
    { ...post("/pictures?tenant=shop-a", "--x--\r\n", MALFORMED), headers: { ...ROOT, "content-type": "multipart/form-data" }, name: "POST /admin/api/pictures multipart without a boundary" },
    call("POST", "/pictures?tenant=shop-a", undefined, { status: 415, code: 41001 }),
  ];
}

// ---------------------------------------------------------------------------
// Catalogue import: text that is not a catalogue.

function importCases(): HostileCase[] {
  const imp = (body: unknown, expect: Expect, options?: CallOptions) => post("/goods/import", body, expect, options);
  const csv = (text: string, expect: Expect) => imp({ tenant: "shop-a", format: "csv", text }, expect);
  const json = (text: string, expect: Expect) => imp({ tenant: "shop-a", format: "json", text }, expect);
  return [
    csv("not a catalogue", IMPORT_INVALID),
    csv("hello,world\n1,2", IMPORT_INVALID),
    csv("name,price", IMPORT_INVALID),
    csv('name,price\n"unclosed,1', IMPORT_INVALID),
    csv('[{"name":"x","price":1}]', IMPORT_INVALID),
    csv("<goods><name>x</name></goods>", IMPORT_INVALID),
    csv("\uFEFF", IMPORT_INVALID),
    csv("=cmd|'/C calc'!A0", IMPORT_INVALID),
    json("hello", IMPORT_INVALID),
    json("{}", IMPORT_INVALID),
    json("[]", IMPORT_INVALID),
    json("null", IMPORT_INVALID),
    json("1e309", IMPORT_INVALID),
    json("name,price\nx,1", IMPORT_INVALID),
    csv("", BAD_INPUT),
    csv("name,price\nx\u0000,1", BAD_INPUT),
    csv("x".repeat(1_000_001), BAD_INPUT),
    imp({ tenant: "shop-a", format: "xml", text: "<a/>" }, BAD_INPUT),
    imp({ tenant: "shop-a", format: ["csv", "json"], text: "name,price\nx,1" }, BAD_INPUT),
    imp({ tenant: "shop-a", format: "csv", text: { name: "x" } }, BAD_INPUT),
    imp({ tenant: "shop-a", format: "csv" }, BAD_INPUT),
    imp({ format: "csv", text: "name,price\nx,1" }, BAD_INPUT),
    imp({ tenant: "nope", format: "csv", text: "name,price\nx,1" }, NOT_FOUND),
    imp({ tenant: "shop-a", format: "csv", text: "name,price\nx,1" }, NOT_FOUND, { as: SHOP_B }),
    imp("[]", BAD_INPUT),
    imp(`{"tenant":"shop-a","format":"csv","text":"${"x".repeat(4 * 1024 * 1024)}"}`, TOO_LARGE),
  ];
}

export function adminCases(): HostileCase[] {
  return [
    ...sessionCases(),
    ...cookieCases,
    ...csrfCases(),
    ...loginCases,
    ...goodsCases(),
    ...goodsListCases(),
    ...categoryCases(),
    ...userCases(),
    ...tenantCases(),
    ...otherCases(),
    ...pictureCases(),
    ...importCases(),
  ];
}
