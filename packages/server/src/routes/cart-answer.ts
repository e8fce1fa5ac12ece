import { Type } from "typebox";
import { errors } from "../errors";
import type { CartLine } from "../shop/store";
import { Envelope, Yuan, yuan } from "./schemas";
import { skuChoices } from "./sku";

/** The cart every /shopping-cart/* route answers with. */
export const Cart = Type.Object({
  number: Type.Integer({ description: "Items in the cart" }),
  price: { ...Yuan, description: "Total of the selected lines, yuan" },
  items: Type.Array(
    Type.Object({
      key: Type.String(),
      goodsId: Type.Integer(),
      number: Type.Integer(),
      price: { ...Yuan, description: "Unit price, yuan" },
      pic: Type.String(),
      name: Type.String(),
      sku: Type.Array(Type.Object({ optionId: Type.Integer(), optionValueId: Type.Integer(), optionName: Type.String(), optionValueName: Type.String() })),
      selected: Type.Boolean(),
      stores: Type.Integer({ description: "Stock" }),
    }),
  ),
});

export const CartEnvelope = Envelope(Cart);

/**
 * What a line shows of its goods and sku, as UTF-8 JSON: the text from
 * `"price":` to the end of the line's object, selected or not.
 */
interface Shown {
  selected: Buffer;
  unselected: Buffer;
}

/** Per frozen goods object (the shop cache shares one per goods), per sku key. */
const shownByGoods = new WeakMap<CartLine["goods"], Map<string, Shown>>();
const MAX_SKUS_PER_GOODS = 256;

function shownOf(goods: CartLine["goods"], skuKey: string): Shown {
  let bySku = shownByGoods.get(goods);
  let shown = bySku?.get(skuKey);
  if (shown) return shown;
  const item = (selected: boolean) => ({
    price: yuan(goods.price),
    pic: goods.pics[0] ?? "",
    name: goods.name,
    sku: skuChoices(skuKey, goods.options),
    selected,
    stores: goods.stock,
  });
  shown = { selected: Buffer.from(JSON.stringify(item(true)).slice(1)), unselected: Buffer.from(JSON.stringify(item(false)).slice(1)) };
  if (Object.isFrozen(goods)) {
    if (!bySku) shownByGoods.set(goods, (bySku = new Map()));
    if (bySku.size < MAX_SKUS_PER_GOODS) bySku.set(skuKey, shown);
  }
  return shown;
}

const ENVELOPE_START = Buffer.from(`{"code":0,"msg":${JSON.stringify(errors.ok.zh)},"data":`);
const ENVELOPE_END = Buffer.from("]}}");

/** Copies an ASCII string into `target` at `at`; returns its length. (Buffer.write's call into C++ costs more than these few bytes.) */
function writeAscii(target: Buffer, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) target[at + i] = text.charCodeAt(i);
  return text.length;
}

/**
 * The cart's data as the route's schema (Cart) describes it, built field by
 * field: the readable statement of what a cart answer says. cartAnswer below
 * makes the same bytes faster; the property test compares the two.
 */
export function cartOf(lines: readonly CartLine[]) {
  let number = 0;
  let cents = 0;
  for (const line of lines) {
    number += line.number;
    if (line.selected) cents += line.goods.price * line.number;
  }
  return {
    number,
    price: yuan(cents),
    items: lines.map((line) => ({
      key: String(line.id),
      goodsId: line.goodsId,
      number: line.number,
      price: yuan(line.goods.price),
      pic: line.goods.pics[0] ?? "",
      name: line.goods.name,
      sku: skuChoices(line.skuKey, line.goods.options),
      selected: line.selected,
      stores: line.goods.stock,
    })),
  };
}

/**
 * The success envelope of a cart, as bytes: the same bytes as the route's
 * schema serializer makes of `ok(cartOf(lines))` (cart-answer.test.ts checks
 * it), assembled from what each line shows of its goods, kept as JSON per
 * goods and sku. Serializing whole carts was the largest source of garbage of
 * a cart add (BENCHMARKS.md): goods names and sku names are
 * mostly Chinese, which makes every piece of the answer a two-byte string
 * that is then copied whole twice on its way to the socket.
 */
export function cartAnswer(lines: readonly CartLine[]): Buffer {
  let number = 0;
  let cents = 0;
  for (const line of lines) {
    number += line.number;
    if (line.selected) cents += line.goods.price * line.number;
  }
  // ASCII strings (their length is their size in bytes) and UTF-8 buffers.
  const parts: Array<string | Buffer> = [ENVELOPE_START, `{"number":${number},"price":${yuan(cents)},"items":[`];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const shown = shownOf(line.goods, line.skuKey);
    parts.push(`${i === 0 ? "" : ","}{"key":"${line.id}","goodsId":${line.goodsId},"number":${line.number},`, line.selected ? shown.selected : shown.unselected);
  }
  parts.push(ENVELOPE_END);
  let size = 0;
  for (const part of parts) size += part.length;
  const answer = Buffer.allocUnsafe(size);
  let at = 0;
  for (const part of parts) {
    if (typeof part === "string") at += writeAscii(answer, at, part);
    else {
      answer.set(part, at);
      at += part.length;
    }
  }
  return answer;
}
