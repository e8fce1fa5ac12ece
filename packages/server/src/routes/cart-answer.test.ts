import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import fc from "fast-check";
import Fastify, { type FastifyInstance } from "fastify";
import { ok } from "../http/envelope";
import type { CartLine, SkuOption } from "../shop/store";
import { CartEnvelope, cartAnswer, cartOf } from "./cart-answer";

/** fastify's own serializer for the cart routes' response schema: the bytes cartAnswer must make. */
let app: FastifyInstance;
let lines: readonly CartLine[] = [];
before(async () => {
  app = Fastify();
  app.get("/cart", { schema: { response: { 200: CartEnvelope } } }, async () => ok(cartOf(lines)));
  await app.ready();
});
after(() => app.close());

async function schemaBytes(cart: readonly CartLine[]): Promise<string> {
  lines = cart;
  return (await app.inject("/cart")).payload;
}

const text = fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), fc.string({ unit: "binary" }), fc.constantFrom("颜色", '"q" \\ \n\t\u2028', "\ud800"));
const options: fc.Arbitrary<SkuOption[]> = fc.array(
  fc.record({ id: fc.integer({ min: 1, max: 9 }), name: text, values: fc.array(fc.record({ id: fc.integer({ min: 1, max: 9 }), name: text }), { maxLength: 3 }) }),
  { maxLength: 3 },
);
const goods = fc.record({
  name: text,
  pics: fc.array(text, { maxLength: 2 }),
  price: fc.integer({ min: 0, max: 999_999_999 }),
  stock: fc.integer({ min: 0, max: 1_000_000 }),
  options,
});
const line = fc
  .record({
    id: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    goodsId: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    number: fc.integer({ min: 1, max: 1_000_000 }),
    selected: fc.boolean(),
    goods: fc.oneof(goods, goods.map((g) => Object.freeze(g))),
  })
  // A sku key names choices of the goods' own options, or is empty ("no sku").
  .chain((l) =>
    fc
      .subarray(l.goods.options.flatMap((o) => o.values.map((v) => `${o.id}:${v.id}`)))
      .map((pairs) => ({ ...l, skuKey: pairs.join(",") }) satisfies CartLine),
  );

test("cartAnswer makes the bytes fastify's serializer makes of the route's schema, for any cart", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(line, { maxLength: 6 }), async (cart) => {
      assert.equal(cartAnswer(cart).toString("utf8"), await schemaBytes(cart));
    }),
    { numRuns: 300 },
  );
});

test("frozen goods shared by lines and carts answer the same after their JSON is kept", async () => {
  const shared = Object.freeze({ name: "T恤 \"经典\"", pics: ["https://example.com/1.jpg"], price: 5990, stock: 7, options: [{ id: 1, name: "颜色", values: [{ id: 2, name: "蓝" }] }] });
  const cart = (number: number, selected: boolean): CartLine[] => [
    { id: 1, goodsId: 3, number, selected, skuKey: "1:2", goods: shared },
    { id: 2, goodsId: 3, number: 1, selected: true, skuKey: "", goods: shared },
  ];
  for (const [number, selected] of [[1, true], [2, false], [3, true]] as const) {
    assert.equal(cartAnswer(cart(number, selected)).toString("utf8"), await schemaBytes(cart(number, selected)));
  }
  assert.equal(cartAnswer([]).toString("utf8"), await schemaBytes([]));
});
