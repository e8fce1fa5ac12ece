import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { type CatalogueGoods, checkRow } from "./rows";

const base = { name: "T恤", price: "59.90", stock: "10" };

function goods(fields: Record<string, unknown>): CatalogueGoods {
  const checked = checkRow({ ...base, ...fields });
  assert.ok(checked.ok, `expected a good row, got ${JSON.stringify(checked)}`);
  return checked.goods;
}

function errors(fields: Record<string, unknown>): string[] {
  const checked = checkRow({ ...base, ...fields });
  assert.ok(!checked.ok, "expected a bad row");
  return checked.errors;
}

test("prices in yuan become exact integer cents", () => {
  assert.equal(goods({ price: "19.99" }).price, 1999);
  assert.equal(goods({ price: 19.99 }).price, 1999);
  assert.equal(goods({ price: 19.9 }).price, 1990);
  assert.equal(goods({ price: "19.9" }).price, 1990);
  assert.equal(goods({ price: " 7 " }).price, 700);
  assert.equal(goods({ price: 0 }).price, 0);
  assert.equal(goods({ price: "0.01" }).price, 1);
  assert.equal(goods({ price: "1.10", originalPrice: "1.1" }).originalPrice, 110);
  assert.equal(goods({ price: "9999999.99" }).price, 999_999_999);
  // 0.29 * 100 is 28.999999999999996 in floating point
  assert.equal(goods({ price: "0.29" }).price, 29);
  assert.equal(goods({ price: "4.35" }).price, 435);
});

test("every two-decimal amount round-trips exactly", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 999_999_999 }), (cents) => {
      const text = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
      assert.equal(goods({ price: text, originalPrice: text }).price, cents);
      assert.equal(goods({ price: Number(text), originalPrice: Number(text) }).price, cents);
    }),
  );
});

test("bad prices are refused with the field and the value", () => {
  assert.deepEqual(errors({ price: "abc" }), ['price "abc" is not an amount in yuan (like 19.99)']);
  assert.deepEqual(errors({ price: "1.999" }), ['price "1.999" has more than 2 decimals']);
  assert.deepEqual(errors({ price: 0.1 + 0.2 }), ['price 0.30000000000000004 has more than 2 decimals']);
  assert.deepEqual(errors({ price: "-1" }), ['price "-1" is negative']);
  assert.deepEqual(errors({ price: -0.5 }), ['price -0.5 is negative']);
  assert.deepEqual(errors({ price: "10000000" }), ['price "10000000" is more than the maximum of 9999999.99 yuan']);
  assert.deepEqual(errors({ price: "123456789012345678901234567890" }), ['price "123456789012345678901234567890" is more than the maximum of 9999999.99 yuan']);
  assert.deepEqual(errors({ price: 1e21 }), ['price 1e+21 is not an amount in yuan (like 19.99)']);
  assert.deepEqual(errors({ price: "1,299.00" }), ['price "1,299.00" is not an amount in yuan (like 19.99)']);
  assert.deepEqual(errors({ price: "¥5" }), ['price "¥5" is not an amount in yuan (like 19.99)']);
  assert.deepEqual(errors({ price: true }), ["price true is not an amount in yuan (like 19.99)"]);
  assert.deepEqual(errors({ originalPrice: "1.5" }), ['originalPrice "1.5" is below price "59.90" (leave it empty to use the price)']);
});

test("originalPrice defaults to the price", () => {
  assert.equal(goods({ originalPrice: "" }).originalPrice, 5990);
  assert.equal(goods({}).originalPrice, 5990);
  assert.equal(goods({ originalPrice: "89" }).originalPrice, 8900);
});

test("required fields, stock, sort, name and category", () => {
  assert.deepEqual(checkRow({}), { ok: false, errors: ["name is required", "price is required", "stock is required"] });
  assert.deepEqual(checkRow({ name: "  ", price: "", stock: null }), { ok: false, errors: ["name is required", "price is required", "stock is required"] });
  assert.equal(goods({ name: "  T恤 " }).name, "T恤");
  assert.equal(goods({ stock: 0 }).stock, 0);
  assert.deepEqual(errors({ stock: "1.5" }), ['stock "1.5" is not a whole number ≥ 0']);
  assert.deepEqual(errors({ stock: -1 }), ['stock -1 is not a whole number ≥ 0']);
  assert.deepEqual(errors({ stock: "2000000000" }), ['stock "2000000000" is not a whole number ≥ 0']);
  assert.equal(goods({ sort: "-3" }).sort, -3);
  assert.equal(goods({}).sort, 0);
  assert.deepEqual(errors({ sort: "first" }), ['sort "first" is not a whole number from -999999999 to 999999999']);
  assert.equal(goods({ name: "衣".repeat(128) }).name.length, 128);
  assert.deepEqual(errors({ name: "衣".repeat(129) }), ["name is longer than 128 characters"]);
  assert.deepEqual(errors({ name: 42 }), ["name must be text, got 42"]);
  assert.deepEqual(errors({ name: "T恤\n包邮" }), ["name must be one line without control characters"]);
  assert.deepEqual(errors({ category: "服饰\u001b[2J" }), ["category must be one line without control characters"]);
  assert.equal(goods({ category: " 服饰 " }).category, "服饰");
  assert.equal(goods({ category: "" }).category, null);
  assert.deepEqual(errors({ prise: "1" }), ['unknown field "prise" (known: name, category, price, originalPrice, stock, pics, content, options, sort)']);
  assert.deepEqual(checkRow("T恤,59.90"), { ok: false, errors: ['must be an object with name, price, stock, got "T恤,59.90"'] });
});

test("all problems of a row are reported together", () => {
  assert.deepEqual(errors({ price: "abc", stock: "many", pics: "ftp://x", options: "颜色" }), [
    'price "abc" is not an amount in yuan (like 19.99)',
    'stock "many" is not a whole number ≥ 0',
    'pics #1 "ftp://x" is not an http(s) URL',
    'options "颜色" is not like 颜色:红|蓝',
  ]);
});

test("pics: a JSON array or |-separated http(s) URLs", () => {
  const a = "https://img.example.com/a.jpg";
  const b = "http://img.example.com/b.jpg";
  assert.deepEqual(goods({ pics: [a, b] }).pics, [a, b]);
  assert.deepEqual(goods({ pics: ` ${a} | ${b} |` }).pics, [a, b]);
  assert.deepEqual(goods({ pics: "" }).pics, []);
  assert.deepEqual(errors({ pics: [a, "javascript:alert(1)", "img/c.jpg", 3] }), [
    'pics #2 "javascript:alert(1)" is not an http(s) URL',
    'pics #3 "img/c.jpg" is not an http(s) URL',
    "pics #4 3 is not an http(s) URL",
  ]);
  assert.match(errors({ pics: { url: a } })[0], /^pics must be a list of URLs \("url1\|url2" in CSV\), got \{"url"/);
  assert.match(errors({ pics: Array(21).fill(a) })[0], /at most 20/);
});

test("options: text and JSON forms give the same ids, unique within the goods", () => {
  const expected = [
    { id: 1, name: "颜色", values: [{ id: 1, name: "红" }, { id: 2, name: "蓝" }] },
    { id: 2, name: "尺码", values: [{ id: 3, name: "S" }, { id: 4, name: "M" }, { id: 5, name: "L" }] },
  ];
  assert.deepEqual(goods({ options: "颜色:红|蓝;尺码:S|M|L" }).options, expected);
  assert.deepEqual(goods({ options: " 颜色：红｜蓝；尺码: S | M | L ; " }).options, expected);
  assert.deepEqual(goods({ options: [{ name: "颜色", values: ["红", "蓝"] }, { name: "尺码", values: ["S", "M", "L"] }] }).options, expected);
  assert.deepEqual(goods({ options: [{ name: "鞋码", values: [38, 39] }] }).options, [
    { id: 1, name: "鞋码", values: [{ id: 1, name: "38" }, { id: 2, name: "39" }] },
  ]);
  assert.deepEqual(goods({ options: "" }).options, []);
});

test("bad options name the problem", () => {
  assert.deepEqual(errors({ options: "颜色:红|蓝;尺码" }), ['options "尺码" is not like 颜色:红|蓝']);
  assert.deepEqual(errors({ options: "颜色:" }), ["options: 颜色 has no values"]);
  assert.deepEqual(errors({ options: "颜色:红|红" }), ["options: 颜色 has 红 twice"]);
  assert.deepEqual(errors({ options: [{ name: "颜色", values: ["红\u0007"] }] }), ['options: 颜色 value "红\\u0007" must be one line without control characters']);
  assert.deepEqual(errors({ options: "颜色:红;颜色:蓝" }), ["options: 颜色 appears twice"]);
  assert.deepEqual(errors({ options: ":红" }), ['options: an option needs a name of 1 to 32 characters, got ""']);
  assert.deepEqual(errors({ options: [{ name: "颜色", values: "红|蓝" }] }), ["options: 颜色 needs its values as a list of text"]);
  assert.deepEqual(errors({ options: { 颜色: ["红"] } }), ['options must be a list like [{"name":"颜色","values":["红","蓝"]}], got {"颜色":["红"]}']);
});

test("content is kept as written", () => {
  assert.equal(goods({ content: "<p>纯棉 <b>200g</b></p>\n" }).content, "<p>纯棉 <b>200g</b></p>\n");
  assert.equal(goods({}).content, "");
  assert.deepEqual(errors({ content: ["<p>"] }), ['content must be HTML text, got ["<p>"]']);
});

test("a value nested deeper than JSON.stringify can go (JSON.parse reads it) is reported, not thrown", () => {
  const deep = JSON.parse(`${"[".repeat(5000)}${"]".repeat(5000)}`);
  assert.deepEqual(checkRow(deep), { ok: false, errors: ["must be an object with name, price, stock, got […]"] });
  assert.deepEqual(errors({ name: deep }), ["name must be text, got […]"]);
});
