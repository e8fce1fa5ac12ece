import type { ChangeFeed } from "../storage/changes";
import type { CartLine, Goods, ShopStorage } from "./store";

/** Carts kept (about 1-2 KB each); beyond this the oldest cached ones are dropped and read again when used. */
const MAX_CARTS = 20_000;
const MAX_GOODS = 10_000;

type ShownGoods = CartLine["goods"];

const sameShownGoods = (a: ShownGoods, b: ShownGoods) =>
  a.name === b.name && a.pics === b.pics && a.price === b.price && a.stock === b.stock && a.options === b.options;

/** A Map that drops its oldest entry when full. */
function boundedSet<K, V>(map: Map<K, V>, max: number, key: K, value: V) {
  if (map.size >= max && !map.has(key)) map.delete(map.keys().next().value!);
  map.set(key, value);
}

/**
 * Carts and goods read once and then answered from memory: the cart page and
 * every cart change skip the reads. Like the session cache, only correct in
 * the one process that writes carts (the server on its locked SQLite file).
 *
 * - A cart write forgets that user's cart; an add updates it in place from
 *   the upsert's answer, so adding costs one statement.
 * - Other processes may change goods (`wegate goods import`): what `changes`
 *   hears (SQLite's `PRAGMA data_version`, polled: storage/changes.ts)
 *   empties both caches. A goods change made elsewhere shows in carts within
 *   the poll's interval.
 * - A favorite changes its goods' count (numberFav): that goods is read
 *   again; carts, which do not show the count, stay.
 * - A read that raced with a write is not kept.
 *
 * Every verb's rule is written out below; there is no default.
 */
export function withShopCache(storage: ShopStorage, options: { changes: ChangeFeed }): ShopStorage {
  const { changes } = options;
  const carts = new Map<number, readonly CartLine[]>();
  const goodsById = new Map<number, Goods>();
  /**
   * Bumped before and after every write and change heard but carts' own; a
   * read is kept only if it saw none. Cart writes are told to the reads of
   * the same cart only (cartReads): under load some cart is always being
   * written, and a global count kept no cart read at all.
   */
  let writes = 0;
  /** The cart reads under way, by user: marked stale when that user's cart is written or changes meanwhile. */
  const cartReads = new Map<number, Set<{ stale: boolean }>>();

  function cartChanged(userId: number) {
    for (const read of cartReads.get(userId) ?? []) read.stale = true;
  }

  /**
   * What cart lines show of each goods (its pics and options are already
   * shared, see storage/shop.ts): one frozen object per goods while it does
   * not change, shared by every cached cart instead of one per line.
   */
  const shownGoods = new Map<number, ShownGoods>();

  function shown(goodsId: number, goods: ShownGoods): ShownGoods {
    const known = shownGoods.get(goodsId);
    if (known && sameShownGoods(known, goods)) return known;
    const { name, pics, price, stock, options } = goods;
    const frozen = Object.freeze({ name, pics, price, stock, options });
    boundedSet(shownGoods, MAX_GOODS, goodsId, frozen);
    return frozen;
  }

  /** A cart as the cache keeps it: frozen, its lines' goods shared. Lines already frozen are kept as they are. */
  function freezeLines(lines: CartLine[]): readonly CartLine[] {
    for (const line of lines) {
      if (Object.isFrozen(line)) continue;
      line.goods = shown(line.goodsId, line.goods);
      Object.freeze(line);
    }
    return Object.freeze(lines) as CartLine[];
  }

  function forgetAll() {
    carts.clear();
    goodsById.clear();
    shownGoods.clear();
  }

  /** A goods' counts changed: that goods is read again (any goods, when which is not known); carts do not show the counts. */
  function forgetCounts(goodsId: number | undefined) {
    if (goodsId === undefined) goodsById.clear();
    else goodsById.delete(goodsId);
  }

  // What another process changed. Reads under way may have seen it: none of them is kept.
  changes.listen((change) => {
    if (change.kind === "cart") {
      cartChanged(change.userId);
      carts.delete(change.userId);
      return;
    }
    writes++;
    if (change.kind === "goods-counts") forgetCounts(change.goodsId);
    // A goods change shows in every cart that holds it.
    else if (change.kind === "goods" || change.kind === "everything") forgetAll();
  });

  async function write<T>(change: () => Promise<T>, after: (result: T | undefined) => void): Promise<T> {
    writes++;
    let result: T | undefined;
    try {
      return (result = await change());
    } finally {
      writes++;
      after(result);
    }
  }

  async function cachedRead<K, Read, Kept>(map: Map<K, Kept>, max: number, key: K, read: () => Promise<Read | undefined>, keep: (value: Read) => Kept) {
    const cached = map.get(key);
    if (cached !== undefined) return cached;
    const seen = writes;
    const value = await read();
    if (value === undefined || writes !== seen || !changes.hearing) return value;
    const kept = keep(value);
    boundedSet(map, max, key, kept);
    return kept;
  }

  /** Cart writes of each user not finished yet. */
  const pendingCartWrites = new Map<number, number>();

  /**
   * A user's cart, from memory or read and kept: kept only if no write to
   * that cart began or ended during the read, none is still under way, and
   * no goods changed (cart lines show their goods).
   */
  async function readCart(userId: number): Promise<readonly CartLine[]> {
    const cached = carts.get(userId);
    if (cached !== undefined) return cached;
    const seen = writes;
    const read = { stale: false };
    const reads = cartReads.get(userId) ?? new Set();
    cartReads.set(userId, reads.add(read));
    let lines: CartLine[];
    try {
      lines = (await storage.cartLines(userId)) as CartLine[];
    } finally {
      reads.delete(read);
      if (reads.size === 0) cartReads.delete(userId);
    }
    // Frozen with shared goods even when not kept: what routes/cart-answer.ts
    // made of a goods' line is then reused instead of serialized again.
    const frozen = freezeLines(lines);
    if (!read.stale && writes === seen && !pendingCartWrites.has(userId) && changes.hearing) boundedSet(carts, MAX_CARTS, userId, frozen);
    return frozen;
  }

  /** A write to one user's cart; `after` gets whether another write to that cart was under way when it began. */
  async function cartWriteOf<T>(userId: number, change: () => Promise<T>, after: (result: T | undefined, overlapped: boolean) => void) {
    const overlapped = pendingCartWrites.has(userId);
    pendingCartWrites.set(userId, (pendingCartWrites.get(userId) ?? 0) + 1);
    cartChanged(userId);
    let result: T | undefined;
    try {
      return (result = await change());
    } finally {
      cartChanged(userId);
      const left = pendingCartWrites.get(userId)! - 1;
      if (left === 0) pendingCartWrites.delete(userId);
      else pendingCartWrites.set(userId, left);
      after(result, overlapped);
      changes.publish({ kind: "cart", userId });
    }
  }

  function countsChanged(goodsId: number | undefined) {
    forgetCounts(goodsId);
    changes.publish({ kind: "goods-counts", goodsId });
  }

  /** A console write to one goods (tenantId, id, ...): forgets both caches and tells the other instances. */
  const goodsWrite =
    <A extends [number, number, ...unknown[]], R>(verb: (...args: A) => Promise<R>) =>
    (...args: A) =>
      write(
        () => verb(...args),
        () => {
          forgetAll();
          changes.publish({ kind: "goods", goodsId: args[1] });
        },
      );

  const cartWrite =
    <A extends [number, ...unknown[]], R>(verb: (...args: A) => Promise<R>) =>
    (...args: A) =>
      cartWriteOf(
        args[0],
        () => verb(...args),
        () => carts.delete(args[0]),
      );

  /** A goods' favorites count changed (undefined: removed by favorite id, which goods is not known without a read). */
  const favoriteWrite =
    <A extends unknown[], R>(verb: (...args: A) => Promise<R>, goodsIdOf: (...args: A) => number | undefined) =>
    (...args: A) =>
      write(
        () => verb(...args),
        () => countsChanged(goodsIdOf(...args)),
      );

  /**
   * The rule of every verb, written out: an object literal that must name each
   * key of ShopStorage, so a verb added later does not compile until it gets
   * its rule here.
   */
  const wrapped: ShopStorage = {
    listCategories: storage.listCategories,
    // A new category changes no goods (a goods names its category by id).
    ensureCategory: storage.ensureCategory,

    // Reads that are not kept: lists and counts change with every import.
    countGoods: storage.countGoods,
    listGoods: storage.listGoods,
    isFavorite: storage.isFavorite,
    listFavorites: storage.listFavorites,

    // A goods change shows in every cart that holds it: forget both caches.
    saveGoods: (...args: Parameters<ShopStorage["saveGoods"]>) =>
      write(
        () => storage.saveGoods(...args),
        (saved) => {
          forgetAll();
          if (saved) changes.publish({ kind: "goods", goodsId: saved.id });
        },
      ),
    // The console's goods writes: an edit (shelf state included) or a delete
    // (which takes cart lines and favorites with it) changes what cached
    // goods and carts show, here and on every other instance.
    updateGoods: goodsWrite(storage.updateGoods),
    deleteGoods: goodsWrite(storage.deleteGoods),
    // A new goods is in no cache yet (a read that found nothing kept nothing).
    createGoods: storage.createGoods,
    // Not kept, like listGoods.
    searchGoods: storage.searchGoods,
    // Categories are not cached (the shop reads them each time) and goods
    // name them by id; a category in use is never deleted.
    listCategoriesWithCounts: storage.listCategoriesWithCounts,
    createCategory: storage.createCategory,
    updateCategory: storage.updateCategory,
    deleteCategory: storage.deleteCategory,

    async findGoods(tenantId: number, id: number) {
      const goods = await cachedRead(goodsById, MAX_GOODS, id, () => storage.findGoods(tenantId, id), (g) => Object.freeze(g));
      return goods?.tenantId === tenantId ? goods : undefined;
    },
    countGoodsView: (goodsId: number) =>
      write(
        () => storage.countGoodsView(goodsId),
        () => countsChanged(goodsId),
      ),

    addFavorite: favoriteWrite(storage.addFavorite, (_tenantId, _userId, goodsId) => goodsId),
    removeFavorite: favoriteWrite(storage.removeFavorite, (_userId, which) => ("goodsId" in which ? which.goodsId : undefined)),

    // The database store's lines are fresh objects, not yet frozen: freezeLines shares their goods, then freezes them.
    cartLines: readCart,
    setCartNumber: cartWrite(storage.setCartNumber),
    selectCartLines: cartWrite(storage.selectCartLines),
    removeCartLines: cartWrite(storage.removeCartLines),
    emptyCart: cartWrite(storage.emptyCart),

    addToCart(tenantId: number, userId: number, line: Parameters<ShopStorage["addToCart"]>[2], now: number) {
      const before = carts.get(userId);
      const goods = goodsById.get(line.goodsId);
      return cartWriteOf(
        userId,
        () => storage.addToCart(tenantId, userId, line, now),
        (added, overlapped) => {
          // The cart as it was, changed by the upsert's answer, when no other
          // write to this cart was under way as it began or ended meanwhile
          // (each one forgets or replaces the cached cart, and so does any
          // change to goods): no read needed. Writes to other carts, even in
          // the same commit, do not matter.
          const untouched = !overlapped && carts.get(userId) === before;
          carts.delete(userId);
          if (!added || !before || !untouched || !changes.hearing) return;
          const at = before.findIndex((l) => l.id === added.id);
          if (at < 0 && !goods) return;
          const changed: CartLine =
            at >= 0
              ? { ...before[at], number: added.number }
              : { id: added.id, goodsId: line.goodsId, skuKey: line.skuKey, number: added.number, selected: true, goods: shown(line.goodsId, goods!) };
          carts.set(userId, freezeLines(at >= 0 ? before.map((l, i) => (i === at ? changed : l)) : [...before, changed]));
        },
      );
    },
  } satisfies Record<keyof ShopStorage, unknown>;
  return wrapped;
}
