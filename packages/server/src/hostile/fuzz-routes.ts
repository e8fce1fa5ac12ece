/**
 * What fuzz.test.ts generates: for every route, each of its fields as a
 * plausible value or a hostile one (non-finite and huge numbers, unicode with
 * lone surrogates, NUL, arrays, objects, nulls, kilobytes of text), plus
 * parameters the route does not know, sent as a query string, a form or JSON.
 * The console's routes (ADMIN_FUZZ_ROUTES) the same way, with an operator's
 * session, now and then a wrong one or another site's Origin.
 */
import fc from "fast-check";

export type Encoding = "query" | "form" | "json" | "multipart";
export type FieldValue = string | number | boolean | null | FieldValue[] | { [key: string]: FieldValue };

export interface FuzzRoute {
  method: "GET" | "POST";
  /** The path after the tenant; `:name` is filled from the field of that name. */
  path: string;
  /** A file upload: sent as multipart/form-data too, with a file part `upfile`. */
  upload?: boolean;
  /** Ends the session it is sent with: never sent with the fuzz user's token. */
  endsSession?: boolean;
  fields: Record<string, fc.Arbitrary<FieldValue>>;
}

/** Values that have broken servers like this one before. */
const SPECIAL = [
  "1e309", "-1e309", "Infinity", "-Infinity", "NaN", "1.5", "-1", "0", "-0", "2147483648", "9007199254740993", "1e3", "0x10",
  "", " ", "null", "true", "false", "[]", "{}", "[1e309]", '{"$gt":0}', "\u0000", "a\u0000b", "\ud800", "a\udfffb", "💩", "微信用户",
  "__proto__", "constructor", "prototype", "' OR 1=1 --", "%", "_", "\\", "..", "../..", "1,2", ",", "%00", "%ff", "\r\n", "<script>",
];

const text = fc.oneof(
  { arbitrary: fc.constantFrom(...SPECIAL), weight: 4 },
  { arbitrary: fc.string(), weight: 2 },
  { arbitrary: fc.string({ unit: "binary", maxLength: 40 }), weight: 2 },
  // Kilobytes: past field limits, the 16 kB of a request head (in a query) and the 64 kB body limit.
  { arbitrary: fc.integer({ min: 100, max: 80_000 }).map((n) => "x".repeat(n)), weight: 1 },
);

const number = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, -0, 2 ** 31, 2 ** 53 + 2, Number.MAX_VALUE),
);

/** Any value at all: what a field gets when it is not given a plausible one. */
export const hostileValue: fc.Arbitrary<FieldValue> = fc.letrec<{ value: FieldValue }>((tie) => ({
  value: fc.oneof(
    { arbitrary: text, weight: 6 },
    { arbitrary: number, weight: 3 },
    { arbitrary: fc.constantFrom<FieldValue>(true, false, null), weight: 1 },
    { arbitrary: fc.array(tie("value"), { maxLength: 3 }), weight: 1, depthSize: "small" },
    { arbitrary: fc.dictionary(fc.constantFrom("a", "$ne", "__proto__", "0", "token"), tie("value"), { maxKeys: 2 }), weight: 1 },
  ),
})).value;

/** A field that is mostly plausible, sometimes anything. */
function field(plausible: fc.Arbitrary<FieldValue>): fc.Arbitrary<FieldValue> {
  return fc.oneof({ arbitrary: plausible, weight: 2 }, { arbitrary: hostileValue, weight: 3 });
}

/** The fuzz user's token (run time), or none, or someone else's made-up one. */
export const TOKEN_PLACEHOLDER = "__TOKEN__";
const token = fc.oneof({ arbitrary: fc.constant(TOKEN_PLACEHOLDER), weight: 6 }, { arbitrary: hostileValue, weight: 1 });
const goodsId = field(fc.oneof(fc.integer({ min: 1, max: 11 }), fc.integer({ min: 1, max: 11 }).map(String)));
const page = field(fc.integer({ min: 1, max: 3 }).map(String));
const pageSize = field(fc.integer({ min: 1, max: 100 }));
const quantity = field(fc.integer({ min: 1, max: 400 }).map(String));
const lineKey = field(fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 3 }).map((keys) => keys.join(",")));
const wxCode = field(fc.string({ minLength: 1, maxLength: 40 }));
const base64 = field(fc.base64String({ maxLength: 64 }));
const json = field(fc.json({ maxDepth: 2 }));
const sku = field(
  fc.array(fc.record({ optionId: fc.integer({ min: 0, max: 3 }), optionValueId: fc.integer({ min: 0, max: 8 }) }), { maxLength: 3 }).map((s) => JSON.stringify(s)),
);
const referrer = field(fc.integer({ min: 0, max: 5 }));
const appid = field(fc.constantFrom("wxa000000000000001", "wxb000000000000002", "wx-unknown"));

const registerFields = { code: wxCode, appid, referrer, postJsonString: json };

export const FUZZ_ROUTES: FuzzRoute[] = [
  { method: "POST", path: "/user/wxapp/login", fields: { code: wxCode, appid } },
  { method: "POST", path: "/user/wxapp/register/complex", fields: { ...registerFields, encryptedData: base64, iv: base64 } },
  { method: "POST", path: "/user/wxapp/register/simple", fields: registerFields },
  { method: "POST", path: "/user/wxapp/authorize", fields: registerFields },
  { method: "GET", path: "/user/check-token", fields: { token } },
  // Never with the fuzz user's token: it would end the session the other routes use.
  { method: "GET", path: "/user/loginout", endsSession: true, fields: { token: hostileValue } },
  { method: "GET", path: "/user/detail", fields: { token } },
  {
    method: "POST",
    path: "/user/modify",
    fields: {
      token,
      nick: field(fc.string({ maxLength: 40 })),
      avatarUrl: field(fc.webUrl()),
      gender: field(fc.integer({ min: 0, max: 2 })),
      city: text,
      province: text,
      country: text,
      extJsonStr: json,
    },
  },
  { method: "GET", path: "/user/check-referrer", fields: { referrer } },
  { method: "POST", path: "/user/wxapp/bindMobile/v2", fields: { token, code: wxCode, appid } },
  { method: "POST", path: "/user/wxapp/bindMobile", fields: { token, encryptedData: base64, iv: base64, code: wxCode, appid } },
  { method: "GET", path: "/shop/goods/category/all", fields: {} },
  { method: "POST", path: "/shop/goods/list", fields: { page, pageSize, categoryId: goodsId, nameLike: field(fc.string({ maxLength: 8 })) } },
  { method: "GET", path: "/shop/goods/detail", fields: { id: goodsId, token } },
  { method: "POST", path: "/shop/goods/fav/add", fields: { token, goodsId } },
  { method: "GET", path: "/shop/goods/fav/check", fields: { token, goodsId } },
  { method: "POST", path: "/shop/goods/fav/delete", fields: { token, id: goodsId, goodsId } },
  { method: "POST", path: "/shop/goods/fav/list", fields: { token, page, pageSize, nameLike: field(fc.string({ maxLength: 8 })) } },
  { method: "GET", path: "/shopping-cart/info", fields: { token } },
  { method: "POST", path: "/shopping-cart/add", fields: { token, goodsId, number: quantity, sku } },
  { method: "POST", path: "/shopping-cart/modifyNumber", fields: { token, key: lineKey, number: quantity } },
  { method: "POST", path: "/shopping-cart/select", fields: { token, key: lineKey, selected: field(fc.constantFrom("true", "false", true, false)) } },
  { method: "POST", path: "/shopping-cart/remove", fields: { token, key: lineKey } },
  { method: "POST", path: "/shopping-cart/empty", fields: { token } },
  { method: "POST", path: "/dfs/upload/file", upload: true, fields: { token } },
  { method: "GET", path: "/dfs/files/:name", fields: { name: field(fc.stringMatching(/^[0-9a-f]{64}\.(png|jpg|webp|gif)$/)) } },
];

/** A 1×1 PNG: a file an upload may store (the fuzz user's own row). */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=", "base64");

/** What an upload's file part holds: random bytes, an image, an image with bytes after it, or a cut one. */
export const fileBytes = fc.oneof(
  fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)),
  fc.constant(PNG),
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => Buffer.concat([PNG, bytes])),
  fc.integer({ min: 0, max: PNG.length - 1 }).map((n) => PNG.subarray(0, n)),
);

/** Parameters no route knows, added to a request now and then. */
export const extraFields = fc.dictionary(
  fc.oneof(fc.constantFrom("__proto__", "constructor", "hasOwnProperty", "toString", "%74oken", "a[b]", "a.b", ""), fc.string({ maxLength: 8 })),
  hostileValue,
  { maxKeys: 3 },
);

/** Header text a client can send (visible ASCII and spaces). */
const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 });

/** The token's other ways in, and the language switch, now and then. */
export const headerFields = fc.record(
  {
    authorization: fc.oneof(headerText, headerText.map((text) => `Bearer ${text}`), fc.constant(`Bearer ${TOKEN_PLACEHOLDER}`)),
    "x-token": fc.oneof(headerText, fc.constant(TOKEN_PLACEHOLDER)),
    "accept-language": fc.oneof(headerText, fc.constantFrom("en", "en-US,en;q=0.9", "zh-CN", "*")),
  },
  { requiredKeys: [] },
);

/** The requests a route gets: its fields (each possibly left out), some unknown ones, headers, and an encoding. */
export function requestOf(route: FuzzRoute) {
  const fields = fc.record(route.fields, { requiredKeys: [] });
  const encodings: Encoding[] = route.method === "GET" ? ["query"] : route.upload ? ["multipart", "multipart", "multipart", "form", "json"] : ["form", "json", "query"];
  return fc.record({ fields, extra: extraFields, headers: headerFields, encoding: fc.constantFrom(...encodings), file: fileBytes });
}

/** Percent-encodes UTF-8 bytes (lone surrogates become U+FFFD, as a browser would send them). */
export function encodeText(value: string): string {
  let out = "";
  for (const byte of Buffer.from(value, "utf8")) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** A query string or form body as clients write them: arrays repeat the name, objects use `name[key]`. */
export function urlEncoded(params: Record<string, FieldValue>): string {
  const pairs: string[] = [];
  const add = (name: string, value: FieldValue) => {
    if (Array.isArray(value)) for (const item of value) add(name, item);
    else if (value !== null && typeof value === "object") for (const [key, item] of Object.entries(value)) add(`${name}[${key}]`, item);
    else pairs.push(`${encodeText(name)}=${encodeText(String(value))}`);
  };
  for (const [name, value] of Object.entries(params)) add(name, value);
  return pairs.join("&");
}

const BOUNDARY = "fuzz-boundary-Xq8Lr2";

/** A multipart/form-data body: each parameter a field (arrays and objects as JSON), then the file (`upfile`, the mini program's field). */
export function multipartBody(params: Record<string, FieldValue>, file: Buffer, fileField = "upfile"): { body: Buffer; contentType: string } {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(params)) {
    const text = typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
    parts.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name.replace(/["\r\n]/g, "_")}"\r\n\r\n${text}\r\n`));
  }
  parts.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${fileField}"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`), file);
  parts.push(Buffer.from(`\r\n--${BOUNDARY}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${BOUNDARY}` };
}

// ---------------------------------------------------------------------------
// The operator console's API (/admin/api), fuzzed with an operator's session.

export interface AdminFuzzRoute {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** The path after /admin/api; each `:name` is filled from the field of that name. */
  path: string;
  /** A picture upload: multipart/form-data, file field `file`. */
  upload?: boolean;
  /** Ends the session it is sent with: never sent with the fuzz operator's cookie. */
  endsSession?: boolean;
  /** Costs a password hash per request (login): fewer runs. */
  slow?: boolean;
  fields: Record<string, fc.Arbitrary<FieldValue>>;
}

/**
 * A console field: plausible six times in seven, so a request whose eleven
 * fields (a goods) are all plausible comes often enough to reach the handler.
 */
function mostly(plausible: fc.Arbitrary<FieldValue>): fc.Arbitrary<FieldValue> {
  return fc.oneof({ arbitrary: plausible, weight: 6 }, { arbitrary: hostileValue, weight: 1 });
}

const tenantName = mostly(fc.constantFrom("shop-a", "shop-a", "shop-b", "nope"));
const adminId = mostly(fc.integer({ min: 1, max: 14 }));
const uid = mostly(fc.integer({ min: 1, max: 6 }));
const shortText = mostly(fc.string({ minLength: 1, maxLength: 16 }));
const randomOptions = fc.array(
  fc.record({
    id: fc.integer({ min: 1, max: 4 }),
    name: fc.string({ minLength: 1, maxLength: 6 }),
    values: fc.array(fc.record({ id: fc.integer({ min: 1, max: 8 }), name: fc.string({ minLength: 1, maxLength: 6 }) }), { minLength: 1, maxLength: 3 }),
  }),
  { maxLength: 3 },
);
const someOptions = [
  { id: 1, name: "颜色", values: [{ id: 1, name: "红" }, { id: 2, name: "蓝" }] },
  { id: 2, name: "尺码", values: [{ id: 3, name: "M" }] },
];
const optionsValue = mostly(fc.oneof(fc.constant<FieldValue>([]), fc.constant<FieldValue>(someOptions), randomOptions));
const goodsFields = {
  tenant: tenantName,
  name: shortText,
  categoryId: mostly(fc.option(fc.integer({ min: 1, max: 5 }))),
  pics: mostly(fc.array(fc.oneof(fc.webUrl(), fc.constant("/shop-a/dfs/files/a.png")), { maxLength: 3 })),
  // The list price mostly at or above the price, as it must be.
  price: mostly(fc.integer({ min: 0, max: 1000 })),
  originalPrice: mostly(fc.integer({ min: 900, max: 100_000 })),
  stock: mostly(fc.integer({ min: 0, max: 1000 })),
  sort: mostly(fc.integer({ min: -10, max: 10 })),
  onShelf: mostly(fc.boolean()),
  options: optionsValue,
  content: mostly(fc.string({ maxLength: 200 })),
};
const catalogueRow = fc.record({ name: fc.string({ maxLength: 12 }), price: fc.oneof(fc.integer(), fc.string({ maxLength: 6 })), stock: fc.oneof(fc.integer(), fc.string({ maxLength: 4 })) }, { requiredKeys: [] });
const catalogueText = mostly(
  fc.oneof(
    fc.array(catalogueRow, { maxLength: 3 }).map((rows) => JSON.stringify(rows)),
    fc.array(catalogueRow, { maxLength: 3 }).map((rows) => ["name,price,stock", ...rows.map((r) => [r.name, r.price, r.stock].map((cell) => `"${String(cell ?? "").replaceAll('"', '""')}"`).join(","))].join("\n")),
    fc.json({ maxDepth: 3 }),
    fc.string({ maxLength: 200 }),
  ),
);
const appidValue = mostly(fc.oneof(fc.constantFrom("wxa000000000000001", "wxb000000000000002", "wxc000000000000003"), fc.stringMatching(/^wx[0-9a-f]{16}$/)));
const secretValue = mostly(fc.stringMatching(/^[0-9a-f]{32}$/));
const paging = { page: mostly(fc.integer({ min: 1, max: 3 })), pageSize: mostly(fc.integer({ min: 1, max: 100 })) };

export const ADMIN_FUZZ_ROUTES: AdminFuzzRoute[] = [
  { method: "POST", path: "/login", slow: true, fields: { username: mostly(fc.constantFrom("root", "nobody", "shopb-op")), password: text, otp: mostly(fc.stringMatching(/^\d{6}$/)) } },
  { method: "POST", path: "/logout", endsSession: true, fields: {} },
  { method: "GET", path: "/me", fields: {} },
  { method: "GET", path: "/tenants", fields: {} },
  { method: "POST", path: "/tenants", fields: { subDomain: mostly(fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/)) } },
  { method: "POST", path: "/tenants/:subDomain/apps", fields: { subDomain: tenantName, appid: appidValue, secret: secretValue } },
  { method: "POST", path: "/tenants/:subDomain/apps/:appid/check", fields: { subDomain: tenantName, appid: appidValue } },
  { method: "GET", path: "/users", fields: { tenant: tenantName, q: mostly(fc.string({ maxLength: 10 })), ...paging } },
  { method: "GET", path: "/users/:uid", fields: { uid, tenant: tenantName } },
  { method: "POST", path: "/users/:uid/revoke-sessions", fields: { uid, tenant: tenantName } },
  { method: "POST", path: "/users/:uid/sessions/:sessionId/revoke", fields: { uid, sessionId: mostly(fc.integer({ min: 1, max: 20 })), tenant: tenantName } },
  { method: "POST", path: "/users/:uid/disable", fields: { uid, tenant: tenantName } },
  { method: "POST", path: "/users/:uid/enable", fields: { uid, tenant: tenantName } },
  { method: "GET", path: "/dashboard", fields: { tenant: tenantName, days: mostly(fc.integer({ min: 1, max: 366 })) } },
  { method: "GET", path: "/audit", fields: { tenant: tenantName, limit: mostly(fc.integer({ min: 1, max: 500 })) } },
  { method: "GET", path: "/settings/rate-limits", fields: {} },
  {
    method: "GET",
    path: "/goods",
    fields: { tenant: tenantName, q: mostly(fc.string({ maxLength: 10 })), categoryId: adminId, shelf: mostly(fc.constantFrom("all", "on", "off")), ...paging },
  },
  { method: "GET", path: "/goods/:id", fields: { id: adminId, tenant: tenantName } },
  { method: "POST", path: "/goods", fields: goodsFields },
  { method: "PUT", path: "/goods/:id", fields: { id: adminId, ...goodsFields } },
  { method: "DELETE", path: "/goods/:id", fields: { id: adminId, tenant: tenantName } },
  { method: "GET", path: "/categories", fields: { tenant: tenantName } },
  { method: "POST", path: "/categories", fields: { tenant: tenantName, name: shortText, sort: mostly(fc.integer({ min: -10, max: 10 })) } },
  { method: "PUT", path: "/categories/:id", fields: { id: adminId, tenant: tenantName, name: shortText, sort: mostly(fc.integer({ min: -10, max: 10 })) } },
  { method: "DELETE", path: "/categories/:id", fields: { id: adminId, tenant: tenantName } },
  { method: "POST", path: "/pictures", upload: true, fields: { tenant: tenantName } },
  { method: "POST", path: "/goods/import", fields: { tenant: tenantName, format: mostly(fc.constantFrom("csv", "json")), text: catalogueText } },
];

/** Where a console request's parameters go: the query string (GET, DELETE, a picture's tenant) or a body. */
export function adminEncodings(route: AdminFuzzRoute): Encoding[] {
  if (route.method === "GET" || route.method === "DELETE") return ["query"];
  return route.upload ? ["multipart", "multipart", "multipart", "json"] : ["json", "json", "json", "form", "query"];
}

/** The fuzz operator's session (run time), mostly; now and then none, a made-up one, a wrong CSRF token, or a page of another site. */
export const SESSION_PLACEHOLDER = { cookie: "__COOKIE__", csrf: "__CSRF__", origin: "__ORIGIN__" } as const;
const sameSite: fc.Arbitrary<Record<string, string>> = fc.oneof(
  { arbitrary: fc.constant<Record<string, string>>({}), weight: 8 },
  { arbitrary: fc.constant<Record<string, string>>({ origin: SESSION_PLACEHOLDER.origin, "sec-fetch-site": "same-origin" }), weight: 3 },
  { arbitrary: fc.constantFrom<Record<string, string>>({ origin: "https://evil.example" }, { origin: "null" }, { "sec-fetch-site": "cross-site" }), weight: 1 },
  { arbitrary: headerText.map((origin) => ({ origin })), weight: 1 },
);
export const consoleHeaders = fc
  .tuple(
    fc.record(
      {
        cookie: fc.oneof(
          { arbitrary: fc.constant(`wegate_admin=${SESSION_PLACEHOLDER.cookie}`), weight: 12 },
          { arbitrary: headerText, weight: 1 },
          { arbitrary: headerText.map((value) => `wegate_admin=${value}`), weight: 1 },
        ),
        "x-csrf-token": fc.oneof({ arbitrary: fc.constant(SESSION_PLACEHOLDER.csrf), weight: 12 }, { arbitrary: headerText, weight: 1 }),
        "accept-language": fc.constantFrom("en", "zh-CN", "*"),
      },
      { requiredKeys: ["cookie", "x-csrf-token"] },
    ),
    sameSite,
  )
  .map(([session, site]) => ({ ...session, ...site }) as Record<string, string>);

/** A console route's requests: its fields (each possibly left out), unknown ones, headers and an encoding. */
export function adminRequestOf(route: AdminFuzzRoute) {
  return fc.record({
    // All the fields mostly (a goods has eleven, each required), some left out now and then.
    fields: fc.oneof({ arbitrary: fc.record(route.fields), weight: 3 }, { arbitrary: fc.record(route.fields, { requiredKeys: [] }), weight: 1 }),
    extra: fc.oneof({ arbitrary: fc.constant({}), weight: 3 }, { arbitrary: extraFields, weight: 1 }),
    headers: consoleHeaders,
    encoding: fc.constantFrom(...adminEncodings(route)),
    file: fileBytes,
  });
}
