import { Type } from "typebox";
import { errors } from "../errors";
import type { CartLine } from "../storage/shop";
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

/** The cart's data, as the route's schema (Cart) describes it. */
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

/** What a line shows of its goods and sku, as UTF-8 JSON: the text from `"price":` to `"selected":`, and `,"stores":…}`. */
interface Shown {
  middle: Buffer;
  end: Buffer;
}

/** Per frozen goods object (the shop cache shares one per goods), per sku key. */
const shownByGoods = new WeakMap<CartLine["goods"], Map<string, Shown>>();
const MAX_SKUS_PER_GOODS = 256;

function shownOf(goods: CartLine["goods"], skuKey: string): Shown {
  let bySku = shownByGoods.get(goods);
  let shown = bySku?.get(skuKey);
  if (shown) return shown;
  const item = { price: yuan(goods.price), pic: goods.pics[0] ?? "", name: goods.name, sku: skuChoices(skuKey, goods.options) };
  const json = JSON.stringify(item);
  shown = {
    middle: Buffer.from(`${json.slice(1, -1)},"selected":`),
    end: Buffer.from(`,"stores":${JSON.stringify(goods.stock)}}`),
  };
  if (Object.isFrozen(goods)) {
    if (!bySku) shownByGoods.set(goods, (bySku = new Map()));
    if (bySku.size < MAX_SKUS_PER_GOODS) bySku.set(skuKey, shown);
  }
  return shown;
}

const ENVELOPE_START = Buffer.from(`{"code":0,"msg":${JSON.stringify(errors.ok.zh)},"data":`);

/**
 * The success envelope of a cart, as bytes: the same bytes as the route's
 * schema serializer makes of `ok(cartOf(lines))` (cart-answer.test.ts checks
 * it), assembled from what each line shows of its goods, kept as JSON per
 * goods and sku. Serializing whole carts was the largest source of garbage of
 * a cart add (~13 of ~30 KB per request): goods names and sku names are
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
  const totals = `{"number":${number},"price":${yuan(cents)},"items":[`;
  const parts: Array<string | Buffer> = [ENVELOPE_START, totals];
  let size = ENVELOPE_START.length + totals.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const shown = shownOf(line.goods, line.skuKey);
    const start = `${i === 0 ? "" : ","}{"key":"${line.id}","goodsId":${line.goodsId},"number":${line.number},`;
    const selected = line.selected ? "true" : "false";
    parts.push(start, shown.middle, selected, shown.end);
    size += start.length + shown.middle.length + selected.length + shown.end.length;
  }
  parts.push("]}}");
  size += 3;
  const answer = Buffer.allocUnsafe(size);
  let at = 0;
  for (const part of parts) at += typeof part === "string" ? answer.write(part, at, "latin1") : part.copy(answer, at);
  return answer;
}
