/**
 * Tokens, codes and encrypted data: under percent-encoded names, missing, made
 * up, of another tenant or user, in odd places and shapes.
 */
import { BAD_INPUT, form, get, json, NOT_LOGGED_IN, OK, T, type Fields, type HostileCase } from "./build";

// Secret parameters under percent-encoded names (the log scan checks the log;
// here: the same answer as with the plain name).
export const encodedNameCases: HostileCase[] = [
  get("/shop-a/user/check-token", `%74oken=${T}`, OK),
  get("/shop-a/user/check-token", `t%6Fken=${T}`, OK),
  get("/shop-a/user/detail", `%74%6f%6b%65%6e=${T}`, OK),
  form("/shop-a/user/wxapp/authorize", "%63ode=not-a-code", { status: 400, code: 30001 }),
  form("/shop-a/user/wxapp/login", "c%6Fde=not-a-code", { status: 400, code: 30001 }),
  form("/shop-a/user/wxapp/bindMobile/v2", `%74oken=${T}&%63ode=made-up`, { status: 400, code: 30008 }),
];

// ---------------------------------------------------------------------------
// Tokens: missing, made up, of another tenant, in odd places and shapes.

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

export function tokenCases(): HostileCase[] {
  const cases: HostileCase[] = [];
  for (const { method, path, fields } of PROTECTED) {
    for (const token of [undefined, "__TOKENB__", "__REVOKED__", "x"]) {
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
    get(check, `%2574oken=${T}`, NOT_LOGGED_IN),
    // The parameter comes first, as API Factory clients send it: a bad one is not rescued by a good header.
    get(check, "token=x", NOT_LOGGED_IN, { authorization: `Bearer ${T}` }),
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
// Login, registration and phone binding with bad codes and data.

export const wechatCases: HostileCase[] = [
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
