/**
 * Cart adds asked together (PostgreSQL runs a turn's adds as one statement,
 * shop/cart-adds.ts): each answer is its own line's, the same line asked
 * twice adds twice, a line past its max changes nothing, and a failing add
 * fails alone; carts read together each get their own lines. The same tests
 * on SQLite, which adds and reads one by one.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { openStorage } from "../storage/open";
import type { Storage } from "../storage/storage";
import { testDatabases } from "../testing/databases";
import { freshDatabase } from "../testing/fresh-database";

const now = 1_800_000_000_000;

for (const database of testDatabases()) {
  describe(`cart adds asked together: ${database}`, () => {
    let storage: Storage;
    let cleanup: () => Promise<void>;
    let tenantId: number;
    let users: number[];
    let mug: number;
    let shirt: number;

    before(async () => {
      const fresh = await freshDatabase(database, "cart-batches");
      cleanup = fresh.cleanup;
      storage = openStorage(fresh.url);
      await storage.migrate();
      tenantId = (await storage.ensureTenant("shop", now)).id;
      users = [];
      for (const openid of ["o-1", "o-2", "o-3"]) users.push((await storage.createUserIfAbsent(tenantId, { openid }, now)).user.id);
      const goods = { categoryId: null, pics: [], price: 1000, originalPrice: 1000, content: "", options: [] };
      mug = (await storage.saveGoods(tenantId, { ...goods, name: "mug", stock: 10 }, now)).id;
      shirt = (await storage.saveGoods(tenantId, { ...goods, name: "shirt", stock: 3 }, now)).id;
    });
    after(async () => {
      await storage.close();
      await cleanup();
    });

    const add = (userId: number, goodsId: number, number: number, max: number, skuKey = "") => storage.addToCart(tenantId, userId, { goodsId, skuKey, number, max }, now);

    test("adds asked in one turn each get their own line's answer", async () => {
      const [a, b, c, again, past, sku] = await Promise.all([
        add(users[0], mug, 2, 10),
        add(users[1], mug, 3, 10),
        add(users[0], shirt, 1, 3),
        // The same line twice in one turn: both count, in the order asked.
        add(users[0], mug, 4, 10),
        // Past the max once the earlier adds are in: nothing changes.
        add(users[0], mug, 5, 10),
        add(users[0], mug, 1, 10, "1:2"),
      ]);
      assert.equal(a?.number, 2);
      assert.equal(b?.number, 3);
      assert.equal(c?.number, 1);
      assert.equal(again?.number, 6);
      assert.equal(again?.id, a?.id);
      assert.equal(past, undefined);
      assert.equal(sku?.number, 1);
      assert.notEqual(sku?.id, a?.id);
      const lines = await storage.cartLines(users[0]);
      assert.deepEqual(lines.map((l) => [l.goodsId, l.skuKey, l.number]).sort(), [[mug, "", 6], [mug, "1:2", 1], [shirt, "", 1]].sort());
      assert.deepEqual((await storage.cartLines(users[1])).map((l) => l.number), [3]);
    });

    test("an add that fails (its goods is gone) fails alone; the others of its turn are stored", async () => {
      const results = await Promise.allSettled([add(users[2], mug, 1, 10), add(users[2], 987654, 1, 10), add(users[2], shirt, 2, 3)]);
      assert.equal(results[0].status, "fulfilled");
      assert.equal(results[1].status, "rejected");
      assert.equal(results[2].status, "fulfilled");
      assert.deepEqual((await storage.cartLines(users[2])).map((l) => [l.goodsId, l.number]).sort(), [[mug, 1], [shirt, 2]].sort());
    });

    test("carts read in one turn each get their own lines, in line order; an empty cart is empty", async () => {
      const nobody = 99_999;
      const [first, second, third, none, firstAgain] = await Promise.all([...users, nobody, users[0]].map((userId) => storage.cartLines(userId)));
      const shape = (lines: typeof first) => lines.map((l) => [l.goodsId, l.skuKey, l.number, l.goods.name]);
      assert.deepEqual(shape(first), [[mug, "", 6, "mug"], [shirt, "", 1, "shirt"], [mug, "1:2", 1, "mug"]]);
      assert.deepEqual(shape(second), [[mug, "", 3, "mug"]]);
      assert.deepEqual(shape(third), [[mug, "", 1, "mug"], [shirt, "", 2, "shirt"]]);
      assert.deepEqual(none, []);
      assert.deepEqual(shape(firstAgain), shape(first));
    });

    test("many parallel adds to one line never pass its max", async () => {
      const answers = await Promise.all(Array.from({ length: 40 }, () => add(users[1], shirt, 1, 3)));
      assert.equal(answers.filter((a) => a !== undefined).length, 3);
      assert.deepEqual((await storage.cartLines(users[1])).find((l) => l.goodsId === shirt)?.number, 3);
    });
  });
}
