/**
 * The hostile-input corpus: fixed requests over every route, each with the
 * exact answer it must get (HTTP status and envelope code). Every request
 * that would change something is one the server must refuse, so the data of
 * the seeded users (fixtures.ts) is the same after the run as before it.
 *
 * Placeholders `__NAME__` stand for values known only at run time (see
 * `Placeholders`); they are replaced in the request's bytes, after encoding.
 */

import { createHash } from "node:crypto";

export interface HostileCase {
  name: string;
  method: string;
  /** Path and query, as sent (nothing is normalised or re-encoded). */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** The whole request, for malformed HTTP; `__HOST__` is the server's host:port. */
  raw?: string;
  status: number;
  /** The envelope's code; null where the answer is by design not the envelope (/docs, /openapi.json). */
  code: number | null;
}

/** Run-time values: alice's token etc. (fixtures.ts), a fresh wx.login code per use. */
export type Placeholder = "TOKEN" | "TOKENB" | "LINE" | "BOBLINE" | "BOBFAV" | "BOBUID" | "CODE" | "CODEB" | "HOST";

const T = "__TOKEN__";
const FORM = { "content-type": "application/x-www-form-urlencoded" };
const JSON_TYPE = { "content-type": "application/json" };

const BAD_INPUT = { status: 400, code: 300 } as const;
const NOT_LOGGED_IN = { status: 401, code: 2000 } as const;
const NOT_FOUND = { status: 404, code: 700 } as const;
const NO_DATA = { status: 200, code: 700 } as const;
const OK = { status: 200, code: 0 } as const;
const OUT_OF_STOCK = { status: 409, code: 301 } as const;
const ROUTE_NOT_FOUND = { status: 404, code: 404 } as const;
const TENANT_NOT_FOUND = { status: 404, code: 901 } as const;
const UNSUPPORTED_TYPE = { status: 415, code: 415 } as const;
const TOO_LARGE = { status: 413, code: 413 } as const;
/** errors.ts: malformedRequest (what Node's HTTP parser or the router cannot read). */
const MALFORMED = { status: 400, code: 400 } as const;
/** errors.ts: headersTooLarge. */
const HEADERS_TOO_LARGE = { status: 431, code: 431 } as const;
/** errors.ts: uriTooLong. */
const URI_TOO_LONG = { status: 414, code: 414 } as const;

type Expect = { status: number; code: number | null };
type Fields = Record<string, string>;

const formOf = (fields: Fields) => new URLSearchParams(fields).toString();
/** A readable name; a long request keeps its start and a digest of the whole, so names stay unique. */
const short = (text: string) =>
  text.length > 100 ? `${text.slice(0, 90)}... #${createHash("sha256").update(text).digest("hex").slice(0, 8)}` : text;

function get(path: string, query: Fields | string, expect: Expect, headers?: Record<string, string>): HostileCase {
  const search = typeof query === "string" ? query : formOf(query);
  const full = search ? `${path}?${search}` : path;
  return { name: short(`GET ${full}${headers ? ` ${JSON.stringify(headers)}` : ""}`), method: "GET", path: full, headers, ...expect };
}

function form(path: string, fields: Fields | string, expect: Expect, headers?: Record<string, string>): HostileCase {
  const body = typeof fields === "string" ? fields : formOf(fields);
  return { name: short(`POST ${path} form ${body}`), method: "POST", path, headers: { ...FORM, ...headers }, body, ...expect };
}

function json(path: string, body: unknown, expect: Expect, headers?: Record<string, string>): HostileCase {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return { name: short(`POST ${path} json ${text}`), method: "POST", path, headers: { ...JSON_TYPE, ...headers }, body: text, ...expect };
}

function raw(name: string, request: string, expect: Expect): HostileCase {
  return { name, method: "", path: "", raw: request, ...expect };
}

function request(method: string, path: string, expect: Expect, headers?: Record<string, string>, body?: string): HostileCase {
  return { name: short(`${method} ${path}${body ? ` ${body}` : ""}`), method, path, headers, body, ...expect };
}

// ---------------------------------------------------------------------------
// 1. Numbers: non-finite, fractional, out of range, not numbers. fastify's ajv
// turns `1e309` and `Infinity` into ±Infinity, which integer schemas let by.

/** Values that must never pass as an integer (defect 1 first). */
const NON_FINITE = ["1e309", "-1e309", "Infinity", "-Infinity", "NaN", "1.5"];
const NOT_INTEGERS = [...NON_FINITE, "-1", "2147483648", "abc", "1,2"];
/** As JSON literals (JSON.parse makes 1e309 Infinity). */
const JSON_NOT_INTEGERS = ["1e309", "-1e309", "1.5", '"Infinity"', "[1e309]", '{"$gt":0}'];

interface IntegerField {
  method: "GET" | "POST";
  path: string;
  field: string;
  /** The other fields, valid. */
  base: Fields;
}

const INTEGER_FIELDS: IntegerField[] = [
  { method: "POST", path: "/shop-a/shop/goods/list", field: "page", base: {} },
  { method: "POST", path: "/shop-a/shop/goods/list", field: "pageSize", base: {} },
  { method: "POST", path: "/shop-a/shop/goods/list", field: "categoryId", base: {} },
  { method: "GET", path: "/shop-a/shop/goods/detail", field: "id", base: {} },
  { method: "POST", path: "/shop-a/shop/goods/fav/add", field: "goodsId", base: { token: T } },
  { method: "GET", path: "/shop-a/shop/goods/fav/check", field: "goodsId", base: { token: T } },
  { method: "POST", path: "/shop-a/shop/goods/fav/delete", field: "id", base: { token: T } },
  { method: "POST", path: "/shop-a/shop/goods/fav/delete", field: "goodsId", base: { token: T } },
  { method: "POST", path: "/shop-a/shop/goods/fav/list", field: "page", base: { token: T } },
  { method: "POST", path: "/shop-a/shop/goods/fav/list", field: "pageSize", base: { token: T } },
  { method: "POST", path: "/shop-a/shopping-cart/add", field: "goodsId", base: { token: T, number: "1" } },
  { method: "POST", path: "/shop-a/shopping-cart/add", field: "number", base: { token: T, goodsId: "2" } },
  { method: "POST", path: "/shop-a/shopping-cart/modifyNumber", field: "number", base: { token: T, key: "__LINE__" } },
  { method: "POST", path: "/shop-a/user/modify", field: "gender", base: { token: T } },
  { method: "GET", path: "/shop-a/user/check-referrer", field: "referrer", base: {} },
  { method: "POST", path: "/shop-a/user/wxapp/authorize", field: "referrer", base: { code: "not-a-code" } },
  { method: "POST", path: "/shop-a/user/wxapp/register/simple", field: "referrer", base: { code: "not-a-code" } },
];

function numberCases(): HostileCase[] {
  const cases: HostileCase[] = [];
  for (const { method, path, field, base } of INTEGER_FIELDS) {
    for (const value of NOT_INTEGERS) {
      const fields = { ...base, [field]: value };
      cases.push(method === "GET" ? get(path, fields, BAD_INPUT) : form(path, fields, BAD_INPUT));
    }
    if (method === "POST") {
      for (const literal of JSON_NOT_INTEGERS) {
        const members = Object.entries(base).map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`);
        cases.push(json(path, `{${[...members, `${JSON.stringify(field)}:${literal}`].join(",")}}`, BAD_INPUT));
      }
      // A POST's parameters may come in its query string too.
      cases.push(form(`${path}?${field}=1e309`, base, BAD_INPUT));
    }
  }
  for (const value of ["1e309", "Infinity", "NaN", "2", "yes", "on"]) {
    cases.push(form("/shop-a/shopping-cart/select", { token: T, key: "__LINE__", selected: value }, BAD_INPUT));
  }
  // The issue's own examples are among these, byte for byte: cart add `token=T&goodsId=2&number=-1e309`,
  // modify `gender=-Infinity`, goods list and favorites list `page=1e309`.
  return cases;
}

// ---------------------------------------------------------------------------
// 2. What fastify and Node's HTTP parser answer before any route runs.

const hundredKb = "a".repeat(100 * 1024);

const frameworkCases: HostileCase[] = [
  get("/shop-a/shop/goods/detail", `id=1&pad=${hundredKb}`, HEADERS_TOO_LARGE),
  raw("20 kB header", `GET /healthz HTTP/1.1\r\nHost: __HOST__\r\nX-Pad: ${"b".repeat(20 * 1024)}\r\nConnection: close\r\n\r\n`, HEADERS_TOO_LARGE),
  raw("NUL in the request line", "GET /healthz\0 HTTP/1.1\r\nHost: __HOST__\r\nConnection: close\r\n\r\n", MALFORMED),
  raw(
    "Content-Length: abc",
    "POST /shop-a/shop/goods/list HTTP/1.1\r\nHost: __HOST__\r\nContent-Type: application/json\r\nContent-Length: abc\r\nConnection: close\r\n\r\n{}",
    MALFORMED,
  ),
  raw(
    "chunked and Content-Length",
    "POST /shop-a/shop/goods/list HTTP/1.1\r\nHost: __HOST__\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
    MALFORMED,
  ),
  raw(
    "two different Content-Lengths",
    "POST /shop-a/shop/goods/list HTTP/1.1\r\nHost: __HOST__\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\nConnection: close\r\n\r\n{} ",
    MALFORMED,
  ),
  raw(
    "a chunk size that is not hex",
    "POST /shop-a/shop/goods/list HTTP/1.1\r\nHost: __HOST__\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
    MALFORMED,
  ),
  raw("no Host header", "GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n", MALFORMED),
  raw("a method with @", "G@T /healthz HTTP/1.1\r\nHost: __HOST__\r\nConnection: close\r\n\r\n", MALFORMED),
  raw("a control character in a header value", "GET /healthz HTTP/1.1\r\nHost: __HOST__\r\nX-A: b\x01c\r\nConnection: close\r\n\r\n", MALFORMED),
  raw("a header line without a colon", "GET /healthz HTTP/1.1\r\nHost: __HOST__\r\nno colon here\r\nConnection: close\r\n\r\n", MALFORMED),
  raw("HTTP/1.0", "GET /healthz HTTP/1.0\r\n\r\n", OK),
  get("/shop-a/user/detail%ff", "", MALFORMED),
  get("/shop-a/user/detail%ff", { token: T }, MALFORMED),
  get("/shop-a%ff/user/detail", { token: T }, MALFORMED),
  get("/shop-a/user/detail%", { token: T }, MALFORMED),
  get(`/${"a".repeat(101)}/user/detail`, { token: T }, URI_TOO_LONG),
  get(`/${"a".repeat(5000)}/shop/goods/category/all`, "", URI_TOO_LONG),
  get(`/${"a".repeat(64)}/user/detail`, { token: T }, TENANT_NOT_FOUND),
  get(`/${"a".repeat(100)}/user/detail`, { token: T }, TENANT_NOT_FOUND),
  form("/shop-a/shop/goods/list", "page=1", UNSUPPORTED_TYPE, { "content-type": "text/plain" }),
  form("/shop-a/shop/goods/fav/add", `token=${T}&goodsId=3`, UNSUPPORTED_TYPE, { "content-type": "text/plain;charset=UTF-8" }),
  form("/shop-a/shopping-cart/add", `{"token":"${T}","goodsId":2,"number":1}`, UNSUPPORTED_TYPE, { "content-type": "text/plain" }),
  form("/shop-a/shop/goods/list", "<page>1</page>", UNSUPPORTED_TYPE, { "content-type": "application/xml" }),
  form("/shop-a/shop/goods/list", "--x\r\nContent-Disposition: form-data; name=\"page\"\r\n\r\n1\r\n--x--\r\n", UNSUPPORTED_TYPE, {
    "content-type": "multipart/form-data; boundary=x",
  }),
  request("POST", "/shop-a/shop/goods/list", UNSUPPORTED_TYPE, {}, "page=1"),
  json("/shop-a/shop/goods/list", `{"nameLike":"${"x".repeat(70 * 1024)}"}`, TOO_LARGE),
  form("/shop-a/shop/goods/list", `nameLike=${"x".repeat(70 * 1024)}`, TOO_LARGE),
];

// ---------------------------------------------------------------------------
// 3. Secret parameters under percent-encoded names (the log scan checks the
// log; here: the same answer as with the plain name).

const encodedNameCases: HostileCase[] = [
  get("/shop-a/user/check-token", `%74oken=${T}`, OK),
  get("/shop-a/user/check-token", `t%6Fken=${T}`, OK),
  get("/shop-a/user/detail", `%74%6f%6b%65%6e=${T}`, OK),
  form("/shop-a/user/wxapp/authorize", "%63ode=not-a-code", { status: 400, code: 30001 }),
  form("/shop-a/user/wxapp/login", "c%6Fde=not-a-code", { status: 400, code: 30001 }),
  form("/shop-a/user/wxapp/bindMobile/v2", `%74oken=${T}&%63ode=made-up`, { status: 400, code: 30008 }),
];

// ---------------------------------------------------------------------------
// 4. Tokens: missing, made up, of another tenant, in odd places and shapes.

const PROTECTED: Array<{ method: "GET" | "POST"; path: string; fields: Fields }> = [
  { method: "GET", path: "/shop-a/user/check-token", fields: {} },
  { method: "GET", path: "/shop-a/user/detail", fields: {} },
  { method: "POST", path: "/shop-a/user/modify", fields: { nick: "mallory" } },
  { method: "POST", path: "/shop-a/user/wxapp/bindMobile/v2", fields: { code: "made-up" } },
  { method: "POST", path: "/shop-a/user/wxapp/bindMobile", fields: { encryptedData: "AAAA", iv: "AAAA" } },
  { method: "POST", path: "/shop-a/shop/goods/fav/add", fields: { goodsId: "3" } },
  { method: "GET", path: "/shop-a/shop/goods/fav/check", fields: { goodsId: "1" } },
  { method: "POST", path: "/shop-a/shop/goods/fav/delete", fields: { goodsId: "1" } },
  { method: "POST", path: "/shop-a/shop/goods/fav/list", fields: {} },
  { method: "GET", path: "/shop-a/shopping-cart/info", fields: {} },
  { method: "POST", path: "/shop-a/shopping-cart/add", fields: { goodsId: "2", number: "1" } },
  { method: "POST", path: "/shop-a/shopping-cart/modifyNumber", fields: { key: "__LINE__", number: "1" } },
  { method: "POST", path: "/shop-a/shopping-cart/select", fields: { key: "__LINE__", selected: "false" } },
  { method: "POST", path: "/shop-a/shopping-cart/remove", fields: { key: "__LINE__" } },
  { method: "POST", path: "/shop-a/shopping-cart/empty", fields: {} },
];

function tokenCases(): HostileCase[] {
  const cases: HostileCase[] = [];
  for (const { method, path, fields } of PROTECTED) {
    for (const token of [undefined, "__TOKENB__", "x"]) {
      const all = token === undefined ? fields : { ...fields, token };
      cases.push(method === "GET" ? get(path, all, NOT_LOGGED_IN) : form(path, all, NOT_LOGGED_IN));
    }
  }
  const check = "/shop-a/user/check-token";
  cases.push(
    get(check, { token: "a".repeat(4096) }, NOT_LOGGED_IN),
    get(check, { token: "a".repeat(4097) }, BAD_INPUT),
    get(check, `token=${T}%20`, NOT_LOGGED_IN),
    get(check, `TOKEN=${T}`, NOT_LOGGED_IN),
    get(check, `token[]=${T}`, NOT_LOGGED_IN),
    get(check, `token=x&token=y`, BAD_INPUT),
    get(check, "", NOT_LOGGED_IN, { authorization: "Bearer x" }),
    get(check, "", NOT_LOGGED_IN, { authorization: "Bearer " }),
    get(check, "", NOT_LOGGED_IN, { authorization: `Basic ${T}` }),
    get(check, "", NOT_LOGGED_IN, { "x-token": "x" }),
    get(check, "", NOT_LOGGED_IN, { authorization: "Bearer __TOKENB__" }),
    get(check, "", OK, { authorization: `Bearer ${T}` }),
    get(check, "", OK, { "x-token": T }),
    get("/shop-b/user/check-token", { token: T }, NOT_LOGGED_IN),
    get("/shop-a/user/detail", { token: "a".repeat(4096) }, NOT_LOGGED_IN),
    json("/shop-a/shop/goods/fav/list", { token: { $ne: null } }, BAD_INPUT),
    json("/shop-a/user/modify", { token: { $gt: "" }, nick: "mallory" }, BAD_INPUT),
    json("/shop-a/user/modify", { token: null, nick: "mallory" }, NOT_LOGGED_IN),
    json("/shop-a/user/modify", { token: ["x", "y"], nick: "mallory" }, BAD_INPUT),
    json("/shop-a/user/modify", { token: 12345, nick: "mallory" }, NOT_LOGGED_IN),
    // Logging out a token that is not this tenant's (or no one's) changes nothing.
    get("/shop-a/user/loginout", { token: "__TOKENB__" }, OK),
    get("/shop-a/user/loginout", { token: "x" }, OK),
    get("/shop-a/user/loginout", "", NOT_LOGGED_IN),
    get("/shop-a/user/loginout", { token: "a".repeat(4097) }, BAD_INPUT),
  );
  return cases;
}

// ---------------------------------------------------------------------------
// 5. Login, registration and phone binding with bad codes and data.

const wechatCases: HostileCase[] = [
  form("/shop-a/user/wxapp/login", { code: "not-a-code" }, { status: 400, code: 30001 }),
  form("/shop-a/user/wxapp/login", { code: "a".repeat(128) }, { status: 400, code: 30001 }),
  form("/shop-a/user/wxapp/login", { code: "a".repeat(129) }, BAD_INPUT),
  form("/shop-a/user/wxapp/login", { code: "" }, BAD_INPUT),
  form("/shop-a/user/wxapp/login", {}, BAD_INPUT),
  form("/shop-a/user/wxapp/login", { code: "x&js_code=y&appid=wxb000000000000002" }, { status: 400, code: 30001 }),
  form("/shop-a/user/wxapp/login", { code: "../../cgi-bin/token?grant_type=client_credential" }, { status: 400, code: 30001 }),
  form("/shop-a/user/wxapp/login", "code=x&code=y", BAD_INPUT),
  json("/shop-a/user/wxapp/login", { code: ["x", "y"] }, BAD_INPUT),
  json("/shop-a/user/wxapp/login", { code: { $ne: "" } }, BAD_INPUT),
  form("/shop-a/user/wxapp/login", { code: "__CODE__", appid: "wx-not-an-app" }, BAD_INPUT),
  form("/shop-a/user/wxapp/login", { code: "__CODE__", appid: "wxb000000000000002" }, BAD_INPUT),
  form("/shop-a/user/wxapp/login", { code: "__CODE__", appid: "a".repeat(65) }, BAD_INPUT),
  // A registered user logs in; an unregistered one gets 10000 and is not created.
  form("/shop-a/user/wxapp/login", { code: "__CODE__" }, { status: 404, code: 10000 }),
  form("/shop-a/user/wxapp/authorize", { code: "__CODEB__" }, { status: 400, code: 30001 }),
  form("/shop-a/user/wxapp/register/simple", { code: "__CODEB__" }, { status: 400, code: 30001 }),
  form("/shop-a/user/wxapp/authorize", { code: "__CODE__", postJsonString: "[]" }, BAD_INPUT),
  form("/shop-a/user/wxapp/authorize", { code: "__CODE__", postJsonString: "{" }, BAD_INPUT),
  form("/shop-a/user/wxapp/authorize", { code: "__CODE__", postJsonString: "1e309" }, BAD_INPUT),
  form("/shop-a/user/wxapp/authorize", { code: "__CODE__", postJsonString: JSON.stringify({ a: "x".repeat(1025) }) }, BAD_INPUT),
  form(
    "/shop-a/user/wxapp/register/simple",
    { code: "__CODE__", postJsonString: JSON.stringify(Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"]))) },
    BAD_INPUT,
  ),
  form("/shop-a/user/wxapp/register/simple", { code: "__CODE__", postJsonString: "x".repeat(8193) }, BAD_INPUT),
  form("/shop-a/user/wxapp/register/complex", { code: "__CODE__", encryptedData: "AAAA", iv: "AAAA" }, { status: 400, code: 30007 }),
  form("/shop-a/user/wxapp/register/complex", { code: "__CODE__", encryptedData: "not base64!", iv: "AAAAAAAAAAAAAAAAAAAAAA==" }, { status: 400, code: 30007 }),
  form(
    "/shop-a/user/wxapp/register/complex",
    { code: "__CODE__", encryptedData: "A".repeat(64), iv: "AAAAAAAAAAAAAAAAAAAAAA==" },
    { status: 400, code: 30007 },
  ),
  form("/shop-a/user/wxapp/register/complex", { code: "__CODE__", encryptedData: "A".repeat(16385), iv: "AAAA" }, BAD_INPUT),
  form("/shop-a/user/wxapp/register/complex", { code: "__CODE__", encryptedData: "AAAA", iv: "A".repeat(65) }, BAD_INPUT),
  form("/shop-a/user/wxapp/register/complex", { code: "__CODE__", iv: "AAAA" }, BAD_INPUT),
  form("/shop-a/user/wxapp/bindMobile/v2", { token: T, code: "made-up" }, { status: 400, code: 30008 }),
  form("/shop-a/user/wxapp/bindMobile/v2", { token: T, code: "a".repeat(129) }, BAD_INPUT),
  form("/shop-a/user/wxapp/bindMobile/v2", { token: T }, BAD_INPUT),
  form("/shop-a/user/wxapp/bindMobile/v2", { token: T, code: "__CODE__" }, { status: 400, code: 30008 }),
  form("/shop-a/user/wxapp/bindMobile", { token: T, encryptedData: "AAAA", iv: "AAAA" }, { status: 400, code: 30007 }),
  form("/shop-a/user/wxapp/bindMobile", { token: T, encryptedData: "A".repeat(64), iv: "AAAAAAAAAAAAAAAAAAAAAA==" }, { status: 400, code: 30007 }),
  form("/shop-a/user/wxapp/bindMobile", { token: T, encryptedData: "AAAA", iv: "AAAA", code: "__CODE__" }, BAD_INPUT),
  form("/shop-a/user/wxapp/bindMobile", { token: T, encryptedData: "AAAA", iv: "AAAA", code: "not-a-code" }, { status: 400, code: 30001 }),
  form("/shop-a/user/wxapp/bindMobile", { token: T, encryptedData: "AAAA", iv: "A".repeat(65) }, BAD_INPUT),
];

// ---------------------------------------------------------------------------
// 6. Shop, favorites, cart and profile: other users' rows, other tenants'
// goods, stock, sku, text limits.

const SKU_33 = JSON.stringify(Array.from({ length: 33 }, () => ({ optionId: 1, optionValueId: 1 })));
const KEYS_201 = Array.from({ length: 201 }, (_, i) => String(i + 1)).join(",");

const shopCases: HostileCase[] = [
  get("/shop-a/shop/goods/detail", { id: "99999" }, NOT_FOUND),
  get("/shop-b/shop/goods/detail", { id: "1" }, NOT_FOUND),
  get("/shop-a/shop/goods/detail", { id: "1" }, OK),
  get("/shop-a/shop/goods/detail", { id: "1", token: "x" }, OK),
  get("/shop-a/shop/goods/detail", {}, BAD_INPUT),
  get("/shop-b/shop/goods/category/all", {}, NO_DATA),
  form("/shop-b/shop/goods/list", {}, NO_DATA),
  form("/shop-a/shop/goods/list", { categoryId: "99999" }, NO_DATA),
  form("/shop-a/shop/goods/list", { nameLike: "%" }, NO_DATA),
  form("/shop-a/shop/goods/list", { nameLike: "_" }, NO_DATA),
  form("/shop-a/shop/goods/list", { nameLike: "' OR 1=1 --" }, NO_DATA),
  form("/shop-a/shop/goods/list", { nameLike: '"); DROP TABLE goods; --' }, NO_DATA),
  form("/shop-a/shop/goods/list", { nameLike: "x".repeat(65) }, BAD_INPUT),
  form("/shop-a/shop/goods/list", "nameLike=%00", BAD_INPUT),
  form("/shop-a/shop/goods/list", "nameLike=%ED%A0%80", NO_DATA),
  form("/shop-a/shop/goods/list", { page: "100000", pageSize: "100" }, NO_DATA),
  form("/shop-a/shop/goods/list", { pageSize: "101" }, BAD_INPUT),
  form("/shop-a/shop/goods/list", { page: "0" }, BAD_INPUT),
  form("/shop-a/shop/goods/list", "page=1&page=2", BAD_INPUT),
  form("/shop-a/shop/goods/list", "page[]=1", OK),
  json("/shop-a/shop/goods/list", { nameLike: ["%"] }, NO_DATA),
  json("/shop-a/shop/goods/list", { nameLike: { toString: "x" } }, BAD_INPUT),

  form("/shop-a/shop/goods/fav/add", { token: T, goodsId: "99999" }, NOT_FOUND),
  get("/shop-a/shop/goods/fav/check", { token: T, goodsId: "1" }, { status: 200, code: 0 }),
  get("/shop-a/shop/goods/fav/check", { token: T, goodsId: "3" }, { status: 200, code: -1 }),
  get("/shop-a/shop/goods/fav/check", { token: T, goodsId: "99999" }, NOT_FOUND),
  get("/shop-a/shop/goods/fav/check", { token: T }, BAD_INPUT),
  form("/shop-a/shop/goods/fav/delete", { token: T }, BAD_INPUT),
  // bob's favorite, by its id, from alice's token: answered like any absent favorite, and bob keeps it.
  form("/shop-a/shop/goods/fav/delete", { token: T, id: "__BOBFAV__" }, OK),
  form("/shop-a/shop/goods/fav/delete", { token: T, goodsId: "99999" }, OK),
  form("/shop-a/shop/goods/fav/list", { token: T, page: "100000" }, NO_DATA),
  form("/shop-a/shop/goods/fav/list", { token: T, pageSize: "101" }, BAD_INPUT),
  form("/shop-a/shop/goods/fav/list", { token: T, nameLike: "x".repeat(65) }, BAD_INPUT),
  form("/shop-a/shop/goods/fav/list", { token: T, nameLike: "%" }, NO_DATA),
  form("/shop-a/shop/goods/fav/list", `token=${T}&nameLike=%00`, BAD_INPUT),

  form("/shop-a/shopping-cart/add", { token: T, goodsId: "99999", number: "1" }, NOT_FOUND),
  form("/shop-a/shopping-cart/add", { token: T, goodsId: "10", number: "1" }, OUT_OF_STOCK),
  form("/shop-a/shopping-cart/add", { token: T, goodsId: "2", number: "1000000" }, OUT_OF_STOCK),
  form("/shop-a/shopping-cart/add", { token: T, goodsId: "2", number: "298" }, OUT_OF_STOCK),
  form("/shop-a/shopping-cart/add", { token: T, goodsId: "2", number: "1000001" }, BAD_INPUT),
  form("/shop-a/shopping-cart/add", { token: T, goodsId: "2" }, BAD_INPUT),
  form("/shop-a/shopping-cart/add", { token: T, goodsId: "1", number: "1" }, BAD_INPUT),
  form("/shop-a/shopping-cart/add", { token: T, goodsId: "1", number: "1", sku: "{" }, BAD_INPUT),
  form("/shop-a/shopping-cart/add", { token: T, goodsId: "1", number: "1", sku: "null" }, BAD_INPUT),
  form("/shop-a/shopping-cart/add", { token: T, goodsId: "1", number: "1", sku: '{"optionId":1,"optionValueId":1}' }, BAD_INPUT),
  form("/shop-a/shopping-cart/add", { token: T, goodsId: "1", number: "1", sku: '[{"optionId":1,"optionValueId":99}]' }, BAD_INPUT),
  form("/shop-a/shopping-cart/add", { token: T, goodsId: "1", number: "1", sku: '[{"optionId":9,"optionValueId":1}]' }, BAD_INPUT),
  form("/shop-a/shopping-cart/add", { token: T, goodsId: "1", number: "1", sku: '[{"optionId":1e309,"optionValueId":1}]' }, BAD_INPUT),
  form("/shop-a/shopping-cart/add", { token: T, goodsId: "1", number: "1", sku: '[{"optionId":"1e309","optionValueId":"1"}]' }, BAD_INPUT),
  form("/shop-a/shopping-cart/add", { token: T, goodsId: "1", number: "1", sku: '[{"optionId":1,"optionValueId":1},{"optionId":1,"optionValueId":2}]' }, BAD_INPUT),
  form("/shop-a/shopping-cart/add", { token: T, goodsId: "1", number: "1", sku: SKU_33 }, BAD_INPUT),
  form("/shop-a/shopping-cart/add", { token: T, goodsId: "1", number: "1", sku: "x".repeat(4097) }, BAD_INPUT),
  form("/shop-a/shopping-cart/add", { token: T, goodsId: "2", number: "1", sku: '[{"optionId":1,"optionValueId":1}]' }, BAD_INPUT),
  form("/shop-a/shopping-cart/add", { token: T, goodsId: "2", number: "1", sku: '[{"__proto__":{"optionId":1}}]' }, BAD_INPUT),

  form("/shop-a/shopping-cart/modifyNumber", { token: T, key: "__BOBLINE__", number: "1" }, NOT_FOUND),
  form("/shop-a/shopping-cart/modifyNumber", { token: T, key: "__LINE__,__BOBLINE__", number: "1" }, BAD_INPUT),
  form("/shop-a/shopping-cart/modifyNumber", { token: T, key: "__LINE__", number: "1000000" }, OUT_OF_STOCK),
  form("/shop-a/shopping-cart/modifyNumber", { token: T, key: "__LINE__", number: "0" }, BAD_INPUT),
  form("/shop-a/shopping-cart/modifyNumber", { token: T, key: "0", number: "1" }, BAD_INPUT),
  form("/shop-a/shopping-cart/modifyNumber", { token: T, key: "-1", number: "1" }, BAD_INPUT),
  form("/shop-a/shopping-cart/modifyNumber", { token: T, key: "2147483648", number: "1" }, BAD_INPUT),
  form("/shop-a/shopping-cart/modifyNumber", { token: T, key: "1e309", number: "1" }, BAD_INPUT),
  form("/shop-a/shopping-cart/modifyNumber", { token: T, key: " ", number: "1" }, BAD_INPUT),
  form("/shop-a/shopping-cart/modifyNumber", { token: T, key: "99999", number: "1" }, NOT_FOUND),
  form("/shop-a/shopping-cart/select", { token: T, key: "__BOBLINE__", selected: "false" }, NOT_FOUND),
  form("/shop-a/shopping-cart/select", { token: T, key: "__LINE__,__BOBLINE__", selected: "false" }, NOT_FOUND),
  form("/shop-a/shopping-cart/select", { token: T, key: "__LINE__", selected: "" }, BAD_INPUT),
  form("/shop-a/shopping-cart/remove", { token: T, key: "__BOBLINE__" }, NOT_FOUND),
  form("/shop-a/shopping-cart/remove", { token: T, key: "__LINE__,__BOBLINE__" }, NOT_FOUND),
  form("/shop-a/shopping-cart/remove", { token: T, key: "__LINE__,abc" }, BAD_INPUT),
  form("/shop-a/shopping-cart/remove", { token: T, key: "__LINE__,,__LINE__" }, BAD_INPUT),
  form("/shop-a/shopping-cart/remove", { token: T, key: KEYS_201 }, BAD_INPUT),
  form("/shop-a/shopping-cart/remove", { token: T, key: "x".repeat(4097) }, BAD_INPUT),
  form("/shop-a/shopping-cart/remove", { token: T }, BAD_INPUT),

  form("/shop-a/user/modify", { token: T, gender: "3" }, BAD_INPUT),
  form("/shop-a/user/modify", { token: T, nick: "x".repeat(33) }, BAD_INPUT),
  form("/shop-a/user/modify", { token: T, nick: "x".repeat(257) }, BAD_INPUT),
  form("/shop-a/user/modify", { token: T, nick: "   " }, BAD_INPUT),
  form("/shop-a/user/modify", `token=${T}&nick=a%00b`, BAD_INPUT),
  form("/shop-a/user/modify", { token: T, avatarUrl: "javascript:alert(1)" }, BAD_INPUT),
  form("/shop-a/user/modify", { token: T, avatarUrl: "http://" }, BAD_INPUT),
  form("/shop-a/user/modify", { token: T, avatarUrl: "file:///etc/passwd" }, BAD_INPUT),
  form("/shop-a/user/modify", { token: T, city: "x".repeat(65) }, BAD_INPUT),
  form("/shop-a/user/modify", { token: T, extJsonStr: "[1]" }, BAD_INPUT),
  form("/shop-a/user/modify", { token: T, extJsonStr: "{" }, BAD_INPUT),
  form("/shop-a/user/modify", { token: T, extJsonStr: "1e309" }, BAD_INPUT),
  form("/shop-a/user/modify", { token: T, extJsonStr: "null" }, BAD_INPUT),
  form("/shop-a/user/modify", { token: T, extJsonStr: JSON.stringify({ ["k".repeat(65)]: "v" }) }, BAD_INPUT),
  form("/shop-a/user/modify", { token: T, extJsonStr: "x".repeat(8193) }, BAD_INPUT),
  json("/shop-a/user/modify", { token: T, nick: ["a", "b"] }, BAD_INPUT),
  // A JSON null is an absent field, as an empty form field is: nothing changes.
  json("/shop-a/user/modify", { token: T, gender: null }, OK),
  json("/shop-a/user/modify", { token: T, city: null, province: null }, OK),

  get("/shop-a/user/check-referrer", { referrer: "__BOBUID__" }, OK),
  get("/shop-b/user/check-referrer", { referrer: "__BOBUID__" }, NOT_FOUND),
  get("/shop-a/user/check-referrer", { referrer: "2147483647" }, NOT_FOUND),
  get("/shop-a/user/check-referrer", { referrer: "0" }, BAD_INPUT),
  get("/shop-a/user/check-referrer", {}, BAD_INPUT),
];

// ---------------------------------------------------------------------------
// 6b. NUL in text that would be stored or searched: PostgreSQL cannot hold it
// in text (and SQLite cuts the string there), so it is bad input.

const nulCases: HostileCase[] = [
  form("/shop-a/user/modify", `token=${T}&city=a%00`, BAD_INPUT),
  form("/shop-a/user/modify", `token=${T}&province=%00`, BAD_INPUT),
  form("/shop-a/user/modify", `token=${T}&country=x%00y`, BAD_INPUT),
  form("/shop-a/user/modify", `token=${T}&avatarUrl=https%3A%2F%2Fimg.example.com%2Fa%00b.png`, BAD_INPUT),
  json("/shop-a/user/modify", `{"token":"${T}","nick":"a\u0000b"}`, BAD_INPUT),
  json("/shop-a/shop/goods/list", `{"nameLike":"\u0000"}`, BAD_INPUT),
  form("/shop-a/shop/goods/list", "nameLike=%E8%80%B3%00", BAD_INPUT),
];

// ---------------------------------------------------------------------------
// 7. Bodies that are not an object, prototype pollution, nesting.

const bodyCases: HostileCase[] = [
  json("/shop-a/shop/goods/fav/add", "null", BAD_INPUT, { "x-token": T }),
  json("/shop-a/shop/goods/fav/add", "[]", BAD_INPUT, { "x-token": T }),
  json("/shop-a/shop/goods/fav/add", '"goodsId=3"', BAD_INPUT, { "x-token": T }),
  json("/shop-a/shop/goods/fav/add", "1e309", BAD_INPUT, { "x-token": T }),
  json("/shop-a/shop/goods/fav/add", "{", BAD_INPUT, { "x-token": T }),
  json("/shop-a/shop/goods/fav/add", "", BAD_INPUT, { "x-token": T }),
  json("/shop-a/shop/goods/fav/add", `{"__proto__":{"goodsId":3}}`, BAD_INPUT, { "x-token": T }),
  json("/shop-a/shop/goods/fav/add", `{"constructor":{"prototype":{"goodsId":3}}}`, BAD_INPUT, { "x-token": T }),
  json("/shop-a/shop/goods/fav/add", `${"[".repeat(20000)}${"]".repeat(20000)}`, BAD_INPUT, { "x-token": T }),
  json("/shop-a/shop/goods/fav/add", `{"goodsId":${"[".repeat(5000)}3${"]".repeat(5000)}}`, BAD_INPUT, { "x-token": T }),
  json("/shop-a/shop/goods/fav/add", `{"goodsId":"3\u0000"}`, BAD_INPUT, { "x-token": T }),
  json("/shop-a/user/modify", `{"token":"${T}","__proto__":{"gender":9}}`, BAD_INPUT),
  form("/shop-a/user/modify", `token=${T}&__proto__[gender]=9`, OK),
  form("/shop-a/shop/goods/fav/add", "goodsId=3&goodsId=4", BAD_INPUT, { "x-token": T }),
  form("/shop-a/shop/goods/fav/add", "goodsId[]=3", BAD_INPUT, { "x-token": T }),
  form("/shop-a/shop/goods/fav/add", "%", BAD_INPUT, { "x-token": T }),
  form("/shop-a/shop/goods/fav/add", "goodsId=%zz", BAD_INPUT, { "x-token": T }),
  form("/shop-a/shop/goods/fav/add", "=&&=&goodsId", BAD_INPUT, { "x-token": T }),
  get("/shop-a/shop/goods/fav/check", `__proto__=1&token=${T}&goodsId=1`, { status: 200, code: 0 }),
  get("/shop-a/shop/goods/fav/check", `constructor=1&hasOwnProperty=1&token=${T}&goodsId=3`, { status: 200, code: -1 }),
];

// ---------------------------------------------------------------------------
// 8. Operations routes, unknown routes, methods and tenants.

const routingCases: HostileCase[] = [
  get("/healthz", "", OK),
  get("/healthz", "token=x&__proto__=1", OK),
  get("/readyz", "", OK),
  get("/openapi.json", "", { status: 200, code: null }),
  get("/docs", "", { status: 200, code: null }),
  get("/docs/json", "", { status: 200, code: null }),
  get("/docs/static/index.html", "", { status: 302, code: null }),
  get("/docs/static/%2e%2e/%2e%2e/package.json", "", MALFORMED),
  get("/docs/static/..%2f..%2fpackage.json", "", ROUTE_NOT_FOUND),
  get("/", "", ROUTE_NOT_FOUND),
  get("/favicon.ico", "", ROUTE_NOT_FOUND),
  get("/_sim/sns/jscode2session", "appid=wxa000000000000001", ROUTE_NOT_FOUND),
  get("/admin/api/users", "", ROUTE_NOT_FOUND),
  get("/shop-a", "", ROUTE_NOT_FOUND),
  get("/shop-a/", "", ROUTE_NOT_FOUND),
  get("/shop-a/no/such/route", { token: T }, ROUTE_NOT_FOUND),
  get("/shop-a/user/detail/", { token: T }, OK),
  get("/shop-a/user/detail/x", { token: T }, ROUTE_NOT_FOUND),
  get("/shop-a/user/../user/detail", { token: T }, ROUTE_NOT_FOUND),
  get("/shop-a/USER/DETAIL", { token: T }, ROUTE_NOT_FOUND),
  get("/nope/user/detail", { token: T }, TENANT_NOT_FOUND),
  get("/SHOP-A/user/detail", { token: T }, TENANT_NOT_FOUND),
  get("/shop-a%00/user/detail", { token: T }, TENANT_NOT_FOUND),
  get("/shop_a/user/detail", { token: T }, TENANT_NOT_FOUND),
  get("/-shop/user/detail", { token: T }, TENANT_NOT_FOUND),
  get("/%E5%95%86%E5%BA%97/user/detail", { token: T }, TENANT_NOT_FOUND),
  get("/nope/shop/goods/category/all", "", TENANT_NOT_FOUND),
  form("/nope/user/wxapp/authorize", { code: "__CODE__" }, TENANT_NOT_FOUND),
  request("POST", "/shop-a/user/detail", ROUTE_NOT_FOUND, FORM, `token=${T}`),
  request("GET", "/shop-a/shop/goods/list", ROUTE_NOT_FOUND),
  request("DELETE", "/shop-a/shopping-cart/info", ROUTE_NOT_FOUND, { "x-token": T }),
  request("PUT", "/shop-a/user/modify", ROUTE_NOT_FOUND, FORM, `token=${T}&nick=x`),
  request("PATCH", "/shop-a/user/modify", ROUTE_NOT_FOUND, FORM, `token=${T}&nick=x`),
  request("OPTIONS", "/shop-a/user/detail", ROUTE_NOT_FOUND),
  request("POST", "/healthz", ROUTE_NOT_FOUND, FORM, "x=1"),
  request("TRACE", "/healthz", ROUTE_NOT_FOUND),
  raw("a request-target in absolute form", "GET http://__HOST__/healthz HTTP/1.1\r\nHost: __HOST__\r\nConnection: close\r\n\r\n", OK),
  raw("dot segments in the path", `GET /shop-a/../healthz HTTP/1.1\r\nHost: __HOST__\r\nConnection: close\r\n\r\n`, ROUTE_NOT_FOUND),
];

/** "METHOD /{subDomain}/..." of every tenant route in an OpenAPI document (the server's /openapi.json). */
export interface OpenApi {
  paths: Record<string, Record<string, unknown>>;
}

export function documentedTenantRoutes(openapi: OpenApi): string[] {
  return Object.entries(openapi.paths)
    .filter(([path]) => path.startsWith("/{subDomain}/"))
    .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
}

/** "METHOD /{subDomain}/..." of the tenant route a case is addressed to. */
export function tenantRouteOf(c: HostileCase): string | undefined {
  const match = /^\/[^/?]+(\/[^?]*)/.exec(c.path);
  return c.raw === undefined && match ? `${c.method} /{subDomain}${match[1]}` : undefined;
}

export function hostileCorpus(): HostileCase[] {
  return [...numberCases(), ...frameworkCases, ...encodedNameCases, ...tokenCases(), ...wechatCases, ...shopCases, ...nulCases, ...bodyCases, ...routingCases];
}
