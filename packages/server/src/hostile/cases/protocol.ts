/**
 * What fastify and Node's HTTP parser answer before any route runs.
 */
import { EXPECTATION_FAILED, form, get, HEADERS_TOO_LARGE, json, MALFORMED, OK, raw, request, T, ROUTE_NOT_FOUND, TENANT_NOT_FOUND, TOO_LARGE, type HostileCase, UNSUPPORTED_TYPE, URI_TOO_LONG } from "./build";

const hundredKb = "a".repeat(100 * 1024);

/** A JSON POST to the goods list with extra header lines. */
function post(headers: string, body: string): string {
  return `POST /shop-a/shop/goods/list HTTP/1.1\r\nHost: __HOST__\r\nContent-Type: application/json\r\n${headers}Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
}

export const frameworkCases: HostileCase[] = [
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
  request("POST", "/shop-a/shop/goods/list", UNSUPPORTED_TYPE, { "content-type": "" }, "{}"),
  request("POST", "/shop-a/shop/goods/list", UNSUPPORTED_TYPE, { "content-type": ";" }, "{}"),
  request("POST", "/shop-a/shop/goods/list", UNSUPPORTED_TYPE, { "content-type": "application/jsonx" }, "{}"),
  request("POST", "/shop-a/shop/goods/list", UNSUPPORTED_TYPE, { "content-type": "application/vnd.api+json" }, "{}"),
  request("POST", "/shop-a/shop/goods/list", OK, { "content-type": "APPLICATION/JSON; CHARSET=UTF-8" }, "{}"),
  raw("Expect: 100-continue", post("Expect: 100-continue\r\n", "{}"), OK),
  raw("an Expect the server cannot meet", post("Expect: 200-ok\r\n", "{}"), EXPECTATION_FAILED),
  raw("Transfer-Encoding: identity", "POST /shop-a/shop/goods/list HTTP/1.1\r\nHost: __HOST__\r\nContent-Type: application/json\r\nTransfer-Encoding: identity\r\nConnection: close\r\n\r\n{}", MALFORMED),
  raw("a lower-case method", "get /healthz HTTP/1.1\r\nHost: __HOST__\r\nConnection: close\r\n\r\n", MALFORMED),
  raw("Content-Length: -1", post("", "{}").replace("Content-Length: 2", "Content-Length: -1"), MALFORMED),
  raw("Content-Length: 1e1", post("", "{}").replace("Content-Length: 2", "Content-Length: 1e1"), MALFORMED),
  raw("Content-Length: +2", post("", "{}").replace("Content-Length: 2", "Content-Length: +2"), MALFORMED),
  raw("OPTIONS *", "OPTIONS * HTTP/1.1\r\nHost: __HOST__\r\nConnection: close\r\n\r\n", ROUTE_NOT_FOUND),
  raw("HTTP/1.2", "GET /healthz HTTP/1.2\r\nHost: __HOST__\r\nConnection: close\r\n\r\n", MALFORMED),
  raw("the HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", MALFORMED),
  raw("LF without CR", "GET /healthz HTTP/1.1\nHost: __HOST__\nConnection: close\n\n", MALFORMED),
  raw("a folded header line", "GET /healthz HTTP/1.1\r\nHost: __HOST__\r\nX-A: a\r\n b\r\nConnection: close\r\n\r\n", MALFORMED),
  raw("a space before a header's colon", "GET /healthz HTTP/1.1\r\nHost: __HOST__\r\nX-A : a\r\nConnection: close\r\n\r\n", MALFORMED),
  raw("NUL in the Host header", "GET /healthz HTTP/1.1\r\nHost: \0evil\r\nConnection: close\r\n\r\n", MALFORMED),
  raw("a 17 kB cookie", `GET /healthz HTTP/1.1\r\nHost: __HOST__\r\nCookie: a=${"c".repeat(17 * 1024)}\r\nConnection: close\r\n\r\n`, HEADERS_TOO_LARGE),
  json("/shop-a/shop/goods/list", `${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`, OK),
  form("/shop-a/shop/goods/list", Array.from({ length: 6000 }, (_, i) => `p${i}=1`).join("&"), OK),
  json("/shop-a/shop/goods/list", `{"nameLike":"${"x".repeat(70 * 1024)}"}`, TOO_LARGE),
  form("/shop-a/shop/goods/list", `nameLike=${"x".repeat(70 * 1024)}`, TOO_LARGE),
];
