import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { openStorage } from "../storage/open";
import { seedDemoCatalogue } from "./demo";

test("the demo catalogue is seeded once, into an empty tenant only", async () => {
  const dir = mkdtempSync(join(tmpdir(), "wegate-demo-"));
  const storage = openStorage(`sqlite:${join(dir, "wegate.db")}`);
  try {
    await storage.migrate();
    const now = Date.UTC(2026, 10, 24);
    const demo = await storage.ensureTenant("demo", now);
    const other = await storage.ensureTenant("other", now);

    const report = await seedDemoCatalogue(storage, demo.id, now);
    assert.deepEqual(report, { created: 10, updated: 0, failed: [] });
    const goods = await storage.listGoods(demo.id, { offset: 0, limit: 100 });
    assert.equal(goods.length, 10);
    assert.deepEqual((await storage.listCategories(demo.id)).map((c) => c.name).sort(), ["数码", "服饰", "食品"].sort());
    const shirt = goods.find((g) => g.name === "纯棉圆领 T恤")!;
    assert.deepEqual(shirt.options.map((o) => o.name), ["颜色", "尺码"]);
    assert.equal(shirt.price, 5990);
    for (const g of goods) {
      assert.ok(g.pics.length > 0 && g.pics.every((p) => p.startsWith("https://")), g.name);
      assert.match(g.content, /^<p>/);
      assert.ok(g.originalPrice >= g.price);
    }

    assert.equal(await seedDemoCatalogue(storage, demo.id, now + 1000), undefined, "a restart adds nothing");
    assert.equal(await storage.countGoods(demo.id), 10);
    assert.equal(await storage.countGoods(other.id), 0);

    // A shop whose owner imported their own goods is left alone too.
    await storage.saveGoods(other.id, { categoryId: null, name: "自己的商品", pics: [], price: 100, originalPrice: 100, stock: 1, content: "", options: [] }, now);
    assert.equal(await seedDemoCatalogue(storage, other.id, now), undefined);
    assert.equal(await storage.countGoods(other.id), 1);
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
