import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, test } from "node:test";
import type { NewGoods } from "./store";
import { heldBack } from "../testing/held-back";
import { type TempSqlite, tempSqliteStorage } from "../testing/sqlite";
import { type ChangeFeed, DEFAULT_POLL_MS } from "../storage/changes";
import { withShopCache } from "./cache";
import { openStorage } from "../storage/open";
import { type Storage } from "../storage/storage";

const now = Date.UTC(2026, 10, 24);
let temp: TempSqlite;
let file: string;
let inner: Storage;
let tenantId: number;
let nextUser = 0;
const goods = (name: string, price = 100): NewGoods => ({
  categoryId: null, name, pics: [`https://img.example/${name}.png`], price, originalPrice: price, stock: 50, content: "", options: [],
});

/** The real SQLite storage, counting the reads the cache should save. */
function counted(storage: Storage) {
  const reads = { carts: 0, goods: 0 };
  const wrapped: Storage = {
    ...storage,
    cartLines: (userId) => (reads.carts++, storage.cartLines(userId)),
    findGoods: (tenant, id) => (reads.goods++, storage.findGoods(tenant, id)),
  };
  return { storage: wrapped, reads };
}

/** A feed that hears nothing: changes made elsewhere are tested through openStorage. */
const quiet: ChangeFeed = { listen: () => () => {}, hearing: true, emit() {}, publish() {}, close: async () => {} };

async function cachedShop(storage: Storage): Promise<Storage> {
  return { ...storage, ...withShopCache(storage, { changes: quiet }) };
}

async function newUser() {
  return (await inner.createUserIfAbsent(tenantId, { openid: `o-shop-${nextUser++}` }, now)).user.id;
}

before(async () => {
  temp = await tempSqliteStorage("shop-cache");
  ({ file, storage: inner } = temp);
  tenantId = (await inner.ensureTenant("shop-cache", now)).id;
});
after(() => temp.remove());

describe("withShopCache", () => {
  test("a cart and a goods are read once, then answered from memory", async () => {
    const { storage, reads } = counted(inner);
    const cached = await cachedShop(storage);
    const user = await newUser();
    const { id } = await inner.saveGoods(tenantId, goods("once"), now);
    await inner.addToCart(tenantId, user, { goodsId: id, skuKey: "", number: 2, max: 50 }, now);
    const first = await cached.cartLines(user);
    assert.deepEqual(await cached.cartLines(user), first);
    assert.equal(reads.carts, 1);
    assert.equal((await cached.findGoods(tenantId, id))?.name, "once");
    assert.equal((await cached.findGoods(tenantId, id))?.name, "once");
    assert.equal(reads.goods, 1);
    assert.equal(await cached.findGoods(tenantId + 1, id), undefined, "another tenant's goods is not found, cached or not");
    assert.ok(Object.isFrozen(first) && Object.isFrozen(first[0]), "shared answers cannot be changed by a caller");
  });

  test("every cart verb is seen by the next read, and an add updates the cart without reading it", async () => {
    const { storage, reads } = counted(inner);
    const cached = await cachedShop(storage);
    const user = await newUser();
    const [a, b] = [await inner.saveGoods(tenantId, goods("a", 300), now), await inner.saveGoods(tenantId, goods("b", 500), now)];
    const add = (goodsId: number, number: number, skuKey = "") => cached.addToCart(tenantId, user, { goodsId, skuKey, number, max: 50 }, now);
    const fresh = () => inner.cartLines(user);

    await add(a.id, 1);
    assert.deepEqual(await cached.cartLines(user), await fresh());
    await cached.findGoods(tenantId, b.id);
    const readsBefore = reads.carts;
    await add(a.id, 2); // the same line grows
    await add(b.id, 1); // a new line, its goods cached
    await add(b.id, 1, "1:2"); // another sku of it
    const afterAdds = await cached.cartLines(user);
    assert.equal(reads.carts, readsBefore, "adds changed the cached cart in place");
    assert.deepEqual(afterAdds, await fresh());
    assert.deepEqual((await cached.cartLines(user)).map((l) => [l.goods.name, l.number]), [["a", 3], ["b", 1], ["b", 1]]);
    await cached.findGoods(tenantId, a.id);
    await Promise.all([add(a.id, 1, "9:9"), add(b.id, 1, "9:9")]);
    assert.deepEqual(await cached.cartLines(user), await fresh(), "parallel adds to one cart both count");
    assert.equal(await add(a.id, 100), undefined, "past the stock: nothing changes");
    assert.deepEqual(await cached.cartLines(user), await fresh());

    const [lineA, lineB] = await cached.cartLines(user);
    await cached.setCartNumber(user, lineA.id, 7, now);
    assert.equal((await cached.cartLines(user))[0].number, 7);
    await cached.selectCartLines(user, [lineB.id], false, now);
    assert.equal((await cached.cartLines(user))[1].selected, false);
    await cached.removeCartLines(user, [lineB.id]);
    assert.deepEqual(await cached.cartLines(user), await fresh());
    await cached.emptyCart(user);
    assert.deepEqual(await cached.cartLines(user), []);
  });

  test("parallel adds to different carts (one commit) each update their cart in place; overlapping writes to one cart make it be read again", async () => {
    const { storage, reads } = counted(inner);
    const cached = await cachedShop(storage);
    const users = await Promise.all(Array.from({ length: 20 }, newUser));
    const { id } = await inner.saveGoods(tenantId, goods("busy", 200), now);
    await cached.findGoods(tenantId, id);
    const add = (user: number, skuKey = "") => cached.addToCart(tenantId, user, { goodsId: id, skuKey, number: 1, max: 50 }, now);
    for (const user of users) await cached.cartLines(user);
    const readsBefore = reads.carts;

    await Promise.all(users.map((user) => add(user)));
    for (const user of users) assert.deepEqual(await cached.cartLines(user), await inner.cartLines(user));
    assert.equal(reads.carts, readsBefore, "no cart was read again");
    const [first, second] = await Promise.all(users.slice(0, 2).map((user) => cached.cartLines(user)));
    assert.equal(first[0].goods, second[0].goods, "carts share one object per goods");
    assert.ok(Object.isFrozen(first[0].goods));

    const [user] = users;
    await Promise.all([add(user), add(user, "1:1"), cached.setCartNumber(user, (await cached.cartLines(user))[0].id, 5, now)]);
    const fresh = await inner.cartLines(user);
    assert.deepEqual(fresh.map((l) => l.number), [5, 1]);
    assert.deepEqual(await cached.cartLines(user), fresh);
    assert.equal(reads.carts, readsBefore + 1, "the cart written by overlapping writes was read again, once");
  });

  test("a goods change through the wrapper shows at once, and so do a favorite and a view in the goods' counts", async () => {
    const cached = await cachedShop(inner);
    const user = await newUser();
    const { id } = await cached.saveGoods(tenantId, goods("repriced", 100), now);
    await cached.addToCart(tenantId, user, { goodsId: id, skuKey: "", number: 1, max: 50 }, now);
    assert.equal((await cached.cartLines(user))[0].goods.price, 100);
    assert.equal((await cached.findGoods(tenantId, id))?.price, 100);
    await cached.saveGoods(tenantId, goods("repriced", 90), now);
    assert.equal((await cached.cartLines(user))[0].goods.price, 90);
    assert.equal((await cached.findGoods(tenantId, id))?.price, 90);
    await cached.addFavorite(tenantId, user, id, now);
    assert.equal((await cached.findGoods(tenantId, id))?.numberFav, 1);
    await cached.countGoodsView(id);
    assert.equal((await cached.findGoods(tenantId, id))?.views, 1);
  });

  test("a favorite added or removed keeps the cached carts and goods, and the favorites count stays right", async () => {
    const { storage, reads } = counted(inner);
    const cached = await cachedShop(storage);
    const [owner, fan] = [await newUser(), await newUser()];
    const [liked, other] = [await inner.saveGoods(tenantId, goods("liked"), now), await inner.saveGoods(tenantId, goods("other"), now)];
    await inner.addToCart(tenantId, owner, { goodsId: liked.id, skuKey: "", number: 1, max: 50 }, now);
    const cart = await cached.cartLines(owner);
    const otherGoods = await cached.findGoods(tenantId, other.id);
    const likedGoods = await cached.findGoods(tenantId, liked.id);
    assert.equal(likedGoods?.numberFav, 0);
    const readsBefore = { ...reads };

    const favorites = [
      ["add", () => cached.addFavorite(tenantId, fan, liked.id, now), 1],
      ["remove by goodsId", () => cached.removeFavorite(fan, { goodsId: liked.id }), 0],
      ["add again", () => cached.addFavorite(tenantId, fan, liked.id, now), 1],
    ] as const;
    for (const [what, favorite, numberFav] of favorites) {
      await favorite();
      assert.equal(await cached.cartLines(owner), cart, `${what}: the same frozen cart is handed out`);
      assert.equal(await cached.findGoods(tenantId, other.id), otherGoods, `${what}: another goods stays cached`);
      assert.equal((await cached.findGoods(tenantId, liked.id))?.numberFav, numberFav, `${what}: the count is right`);
    }
    assert.equal(reads.carts, readsBefore.carts, "no cart was read again");
    assert.equal(reads.goods, readsBefore.goods + favorites.length, "only the favorited goods was read again, once per change");

    // By favorite id the goods is not known: goods are read again, carts stay.
    const [{ id: favoriteId }] = await cached.listFavorites(fan, { offset: 0, limit: 10 });
    await cached.removeFavorite(fan, { id: favoriteId });
    assert.equal(await cached.cartLines(owner), cart, "remove by id: the same frozen cart is handed out");
    assert.equal((await cached.findGoods(tenantId, liked.id))?.numberFav, 0, "remove by id: the count is right");
    assert.equal(reads.carts, readsBefore.carts);
  });

  test("a cart read that raced with a write is not kept", async () => {
    const user = await newUser();
    const { id } = await inner.saveGoods(tenantId, goods("race"), now);
    await inner.addToCart(tenantId, user, { goodsId: id, skuKey: "", number: 1, max: 50 }, now);
    const { call, read, release } = heldBack(inner.cartLines);
    const slow: Storage = { ...inner, cartLines: call };
    const cached = await cachedShop(slow);
    const stale = cached.cartLines(user);
    await read;
    await cached.emptyCart(user);
    release();
    assert.equal((await stale).length, 1, "that read answers what it read");
    assert.deepEqual(await cached.cartLines(user), [], "the next one sees the empty cart");
  });

  test("a write to another cart during a read does not stop it being kept; a goods change does", async () => {
    const [user, other] = [await newUser(), await newUser()];
    const { id } = await inner.saveGoods(tenantId, goods("neighbour"), now);
    await inner.addToCart(tenantId, user, { goodsId: id, skuKey: "", number: 1, max: 50 }, now);
    const { storage, reads } = counted(inner);
    const held = heldBack(storage.cartLines);
    const cached = await cachedShop({ ...storage, cartLines: held.call });
    const first = cached.cartLines(user);
    await held.read;
    await cached.addToCart(tenantId, other, { goodsId: id, skuKey: "", number: 1, max: 50 }, now);
    held.release();
    const lines = await first;
    assert.ok(Object.isFrozen(lines) && Object.isFrozen(lines[0].goods), "lines come frozen, their goods shared");
    const before = reads.carts;
    assert.equal(await cached.cartLines(user), lines, "kept: answered from memory");
    assert.equal(reads.carts, before);

    const again = heldBack(inner.cartLines);
    const second = await cachedShop({ ...inner, cartLines: again.call });
    const racing = second.cartLines(user);
    await again.read;
    await second.updateGoods(tenantId, id, goods("neighbour", 250), now);
    again.release();
    await racing;
    assert.equal((await second.cartLines(user))[0].goods.price, 250, "a read that saw a goods change is not kept");
  });
});

describe("openStorage({ cache: true })", () => {
  test("a goods change committed by another process (the CLI's import) reaches cached carts within the poll interval", async () => {
    const server = openStorage(`sqlite:${file}`, { cache: true });
    const cli = openStorage(`sqlite:${file}`);
    try {
      const user = await newUser();
      const { id } = await cli.saveGoods(tenantId, goods("imported", 100), now);
      await sleep(DEFAULT_POLL_MS / 5);
      await server.addToCart(tenantId, user, { goodsId: id, skuKey: "", number: 1, max: 50 }, now);
      assert.equal((await server.cartLines(user))[0].goods.price, 100);
      assert.equal((await server.findGoods(tenantId, id))?.price, 100);
      await cli.saveGoods(tenantId, goods("imported", 80), now);
      const started = Date.now();
      while ((await server.cartLines(user))[0].goods.price !== 80 && Date.now() - started < 5 * DEFAULT_POLL_MS) await sleep(10);
      assert.equal((await server.cartLines(user))[0].goods.price, 80);
      assert.equal((await server.findGoods(tenantId, id))?.price, 80);
      assert.ok(Date.now() - started <= 2 * DEFAULT_POLL_MS, `seen after ${Date.now() - started} ms`);
    } finally {
      await cli.close();
      await server.close();
    }
  });

  test("is refused on PostgreSQL without a change feed, where several servers share the data", () => {
    assert.throws(() => openStorage("postgres://127.0.0.1:1/none", { cache: true }), /on PostgreSQL the in-memory caches need REDIS_URL/);
  });
});
