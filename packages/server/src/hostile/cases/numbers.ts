/**
 * Numbers: non-finite, fractional, out of range, not numbers. fastify's ajv turns `1e309` and
 * `Infinity` into ±Infinity, which integer schemas let by.
 */
import { BAD_INPUT, form, get, json, T, type Fields, type HostileCase } from "./build";

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

export function numberCases(): HostileCase[] {
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
