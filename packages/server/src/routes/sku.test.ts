import assert from "node:assert/strict";
import { test } from "node:test";
import type { SkuOption } from "../shop/store";
import { skuKeyOf } from "./sku";

const options = (): SkuOption[] => [
  { id: 2, name: "尺码", values: [{ id: 1, name: "S" }, { id: 3, name: "L" }] },
  { id: 1, name: "颜色", values: [{ id: 1, name: "红" }, { id: 2, name: "蓝" }] },
];
const deepFrozen = (value: SkuOption[]) => Object.freeze(value.map((o) => Object.freeze({ ...o, values: Object.freeze(o.values) })));

test("skuKeyOf: the same choice in any order is one key, for shared (frozen) options as for others, every time", () => {
  const shared = deepFrozen(options()) as SkuOption[];
  const json = JSON.stringify([{ optionId: 2, optionValueId: 3 }, { optionId: 1, optionValueId: 2 }]);
  const reordered = JSON.stringify([{ optionId: "1", optionValueId: "2" }, { optionId: 2, optionValueId: 3 }]);
  for (let round = 0; round < 3; round++) {
    for (const opts of [shared, options()]) {
      assert.equal(skuKeyOf(json, opts), "1:2,2:3");
      assert.equal(skuKeyOf(reordered, opts), "1:2,2:3");
    }
  }
  assert.equal(skuKeyOf(undefined, []), "");
});

test("skuKeyOf: a bad choice fails every time it is sent, not only the first", () => {
  const shared = deepFrozen(options()) as SkuOption[];
  for (let round = 0; round < 3; round++) {
    assert.throws(() => skuKeyOf('[{"optionId":1,"optionValueId":9}]', shared), /颜色 has no value 9/);
    assert.throws(() => skuKeyOf('[{"optionId":1,"optionValueId":2}]', shared), /must choose 尺码/);
    assert.throws(() => skuKeyOf("not json", shared), /JSON array/);
  }
});
