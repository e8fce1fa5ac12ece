import { type Kysely, type Selectable, sql } from "kysely";
import { compiledOnce, type Connection } from "../storage/compiled";
import { batchedByUser, batchedCartAdds, type CartAdd } from "./batched";
import type { Database } from "../storage/schema";

/** A goods' choosable option (颜色, 尺码) and its values; ids are unique within the goods. */
export interface SkuOption {
  id: number;
  name: string;
  values: Array<{ id: number; name: string }>;
}

export interface Category {
  id: number;
  name: string;
  sort: number;
}

export interface NewGoods {
  categoryId: number | null;
  name: string;
  pics: string[];
  /** Integer cents, as every price inside wegate. */
  price: number;
  originalPrice: number;
  stock: number;
  content: string;
  options: SkuOption[];
  sort?: number;
  /** Off-shelf goods are not in the shop's lists nor its detail; absent: on when new, unchanged when updated. */
  onShelf?: boolean;
}

export interface Goods extends NewGoods {
  id: number;
  onShelf: boolean;
  tenantId: number;
  numberFav: number;
  views: number;
  sort: number;
  createdAt: number;
}

export interface Favorite {
  id: number;
  goodsId: number;
  goodsName: string;
  pic: string;
  createdAt: number;
}

export interface CartLine {
  id: number;
  goodsId: number;
  skuKey: string;
  number: number;
  selected: boolean;
  goods: Pick<Goods, "name" | "pics" | "price" | "stock" | "options">;
}

export interface Page {
  offset: number;
  limit: number;
}

/** The console's goods filter: off-shelf goods too, unless asked otherwise. */
export interface GoodsSearch extends Page {
  categoryId?: number;
  nameLike?: string;
  shelf: "all" | "on" | "off";
}

export type CategoryWithCount = Category & { goodsCount: number };

/** Why a console goods write changed nothing: a name clash, or a category deleted meanwhile. */
export type GoodsRefusal = "name-taken" | "category-gone";

/** Cart and favorites verbs act on one user's rows only; goods verbs on one tenant's. */
export interface ShopStorage {
  listCategories(tenantId: number): Promise<Category[]>;
  /** The category of that name, created when missing. */
  ensureCategory(tenantId: number, name: string, now: number): Promise<Category>;
  /** Inserts, or updates the tenant's goods of the same name. */
  saveGoods(tenantId: number, goods: NewGoods, now: number): Promise<{ id: number; created: boolean }>;
  countGoods(tenantId: number): Promise<number>;
  /** Readonly: the cache (shop/cache.ts) hands every caller the same frozen goods. */
  findGoods(tenantId: number, id: number): Promise<Readonly<Goods> | undefined>;
  /** The shop's list: goods on the shelf only. */
  listGoods(tenantId: number, filter: Page & { categoryId?: number; nameLike?: string }): Promise<Goods[]>;
  countGoodsView(goodsId: number): Promise<void>;

  // The console's verbs (admin/api): goods by id, categories by id.
  searchGoods(tenantId: number, filter: GoodsSearch): Promise<{ items: Goods[]; total: number }>;
  /**
   * "name-taken" when the tenant has goods of that name (names are unique per
   * tenant: import matches by them); "category-gone" when its category was
   * deleted after the caller checked it.
   */
  createGoods(tenantId: number, goods: NewGoods, now: number): Promise<{ id: number } | GoodsRefusal>;
  /** Replaces every field but the counts; onShelf absent keeps the shelf state. */
  updateGoods(tenantId: number, id: number, goods: NewGoods, now: number): Promise<"updated" | "not-found" | GoodsRefusal>;
  /** Removes the goods with the favorites and cart lines that name it. */
  deleteGoods(tenantId: number, id: number): Promise<boolean>;
  listCategoriesWithCounts(tenantId: number): Promise<CategoryWithCount[]>;
  createCategory(tenantId: number, category: { name: string; sort: number }, now: number): Promise<Category | "name-taken">;
  updateCategory(tenantId: number, id: number, category: { name: string; sort: number }): Promise<Category | "not-found" | "name-taken">;
  /** "in-use" (nothing changed) while goods, on the shelf or not, name the category. */
  deleteCategory(tenantId: number, id: number): Promise<"deleted" | "not-found" | "in-use">;

  /** Idempotent; false when it was already a favorite. */
  addFavorite(tenantId: number, userId: number, goodsId: number, now: number): Promise<boolean>;
  /** Idempotent; false when there was nothing to remove. */
  removeFavorite(userId: number, which: { id: number } | { goodsId: number }): Promise<boolean>;
  isFavorite(userId: number, goodsId: number): Promise<boolean>;
  listFavorites(userId: number, filter: Page & { nameLike?: string }): Promise<Favorite[]>;

  /**
   * Readonly: the cache hands every caller the same frozen lines until the
   * cart changes, so a caller may remember what it made of them by identity
   * (routes/cart.ts keeps each viewed cart's answer that way).
   */
  cartLines(userId: number): Promise<ReadonlyArray<Readonly<CartLine>>>;
  /**
   * Adds `number` to the line (goodsId, skuKey), creating it when missing, in
   * one statement: the line's id and new number, or undefined (and nothing
   * changed) when the line would pass `max`.
   */
  addToCart(
    tenantId: number,
    userId: number,
    line: { goodsId: number; skuKey: string; number: number; max: number },
    now: number,
  ): Promise<{ id: number; number: number } | undefined>;
  setCartNumber(userId: number, lineId: number, number: number, now: number): Promise<void>;
  /** All of `lineIds` or none: false (nothing changed) when one is not in the user's cart. */
  selectCartLines(userId: number, lineIds: number[], selected: boolean, now: number): Promise<boolean>;
  removeCartLines(userId: number, lineIds: number[]): Promise<boolean>;
  emptyCart(userId: number): Promise<void>;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

const PARSED_CACHE_SIZE = 1000;
const parsed = new Map<string, unknown[]>();

/**
 * The goods' JSON columns (pics, options), parsed once per distinct text:
 * carts and lists parse the same few goods on every request. Values are shared
 * between callers, so they are frozen.
 */
export function parseJsonArray<T>(text: string): T[] {
  let value = parsed.get(text);
  if (value === undefined) {
    try {
      const json = JSON.parse(text);
      value = deepFreeze(Array.isArray(json) ? json : []);
    } catch {
      // a hand-edited row must not break the shop
      value = deepFreeze([]);
    }
    if (parsed.size >= PARSED_CACHE_SIZE) parsed.delete(parsed.keys().next().value!);
    parsed.set(text, value);
  }
  return value as T[];
}

function toGoods(row: Selectable<Database["goods"]>): Goods {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    categoryId: row.category_id,
    name: row.name,
    pics: parseJsonArray<string>(row.pics),
    price: row.price,
    originalPrice: row.original_price,
    stock: row.stock,
    content: row.content,
    options: parseJsonArray<SkuOption>(row.options),
    numberFav: row.number_fav,
    views: row.views,
    sort: row.sort,
    onShelf: row.on_shelf === 1,
    createdAt: Number(row.created_at),
  };
}

/** The constraint that refused a write, by better-sqlite3's and node-postgres's codes: unique, or a foreign key whose row is gone. */
function refusingConstraint(error: unknown): "unique" | "foreign-key" | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "SQLITE_CONSTRAINT_UNIQUE" || code === "23505") return "unique";
  if (code === "SQLITE_CONSTRAINT_FOREIGNKEY" || code === "23503") return "foreign-key";
  return undefined;
}

const isUniqueViolation = (error: unknown) => refusingConstraint(error) === "unique";

/**
 * A console goods write refused by a constraint. The route checks the
 * category first, but a delete of it can commit in between: the goods'
 * foreign key is what refuses that, and the caller hears it as an answer.
 */
function goodsRefusal(error: unknown): GoodsRefusal {
  const constraint = refusingConstraint(error);
  if (constraint === "unique") return "name-taken";
  if (constraint === "foreign-key") return "category-gone";
  throw error;
}

/** The goods' columns as a write sets them (all but identity and counts). */
function goodsColumns(goods: NewGoods, now: number) {
  return {
    category_id: goods.categoryId,
    pics: JSON.stringify(goods.pics),
    price: goods.price,
    original_price: goods.originalPrice,
    stock: goods.stock,
    content: goods.content,
    options: JSON.stringify(goods.options),
    sort: goods.sort ?? 0,
    ...(goods.onShelf !== undefined && { on_shelf: goods.onShelf ? 1 : 0 }),
    updated_at: now,
  };
}

/** `%text%` for LIKE, with the text's own wildcards escaped. */
function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function nameContains(column: string, text: string) {
  return sql<boolean>`lower(${sql.ref(column)}) like ${containsPattern(text)} escape '\\'`;
}

export function createShopStorage(connection: Connection): ShopStorage {
  const { db } = connection;
  const goodsWhere = (tenantId: number, filter: Omit<GoodsSearch, keyof Page>) => {
    let query = db.selectFrom("goods").where("tenant_id", "=", tenantId);
    if (filter.categoryId !== undefined) query = query.where("category_id", "=", filter.categoryId);
    if (filter.nameLike) query = query.where(nameContains("name", filter.nameLike));
    if (filter.shelf !== "all") query = query.where("on_shelf", "=", filter.shelf === "on" ? 1 : 0);
    return query;
  };
  // The cart routes run these on every request.
  const goodsById = compiledOnce(connection, (p: { tenantId: number; id: number }) =>
    db.selectFrom("goods").selectAll().where("tenant_id", "=", p.tenantId).where("id", "=", p.id),
  );
  const cartColumns = (query: ReturnType<typeof cartItemsWithGoods>) =>
    query.select([
      "cart_items.id",
      "cart_items.user_id",
      "cart_items.goods_id",
      "cart_items.sku_key",
      "cart_items.number",
      "cart_items.selected",
      "goods.name",
      "goods.pics",
      "goods.price",
      "goods.stock",
      "goods.options",
    ]);
  const cartItemsWithGoods = () => db.selectFrom("cart_items").innerJoin("goods", "goods.id", "cart_items.goods_id");
  const cartRows = compiledOnce(connection, (p: { userId: number }) => cartColumns(cartItemsWithGoods()).where("cart_items.user_id", "=", p.userId).orderBy("cart_items.id"));
  // PostgreSQL: the carts read in one turn of the event loop, in one query (see batched.ts for why).
  const rowsOfCart =
    connection.dialect === "postgres"
      ? batchedByUser((userIds) => cartColumns(cartItemsWithGoods()).where(sql<boolean>`cart_items.user_id = any(${userIds}::int[])`).orderBy("cart_items.id").execute())
      : (userId: number) => cartRows({ userId });
  // One upsert: parallel adds to one line serialize on its unique key, and the
  // WHERE keeps the sum within `max` without a read-then-write race.
  const addLine = compiledOnce(connection, (p: { tenantId: number; userId: number; goodsId: number; skuKey: string; number: number; now: number; max: number }) =>
    db
      .insertInto("cart_items")
      .values({ tenant_id: p.tenantId, user_id: p.userId, goods_id: p.goodsId, sku_key: p.skuKey, number: p.number, selected: 1, created_at: p.now, updated_at: p.now })
      .onConflict((oc) =>
        oc
          .columns(["user_id", "goods_id", "sku_key"])
          .doUpdateSet((eb) => ({ number: eb("cart_items.number", "+", eb.ref("excluded.number")), updated_at: eb.ref("excluded.updated_at") }))
          .where((eb) => eb(eb("cart_items.number", "+", eb.ref("excluded.number")), "<=", p.max)),
      )
      .returning(["id", "number"]),
  );

  const addOneAlone = async (add: CartAdd) => (await addLine(add))[0];
  const addOne = connection.dialect === "postgres" ? batchedCartAdds(db, addOneAlone) : addOneAlone;

  /** Ids that are all in the user's cart, checked and changed in one transaction. */
  async function withOwnLines(userId: number, lineIds: number[], change: (trx: Kysely<Database>) => Promise<unknown>) {
    const unique = [...new Set(lineIds)];
    return db.transaction().execute(async (trx) => {
      const { count } = await trx
        .selectFrom("cart_items")
        .select((eb) => eb.fn.countAll<number>().as("count"))
        .where("user_id", "=", userId)
        .where("id", "in", unique)
        .executeTakeFirstOrThrow();
      if (Number(count) !== unique.length) return false;
      await change(trx);
      return true;
    });
  }

  return {
    async listCategories(tenantId) {
      return db.selectFrom("categories").select(["id", "name", "sort"]).where("tenant_id", "=", tenantId).orderBy("sort").orderBy("id").execute();
    },
    async ensureCategory(tenantId, name, now) {
      await db.insertInto("categories").values({ tenant_id: tenantId, name, sort: 0, created_at: now })
        .onConflict((oc) => oc.columns(["tenant_id", "name"]).doNothing()).execute();
      return db.selectFrom("categories").select(["id", "name", "sort"]).where("tenant_id", "=", tenantId).where("name", "=", name)
        .executeTakeFirstOrThrow();
    },
    async saveGoods(tenantId, goods, now) {
      const columns = goodsColumns(goods, now);
      return db.transaction().execute(async (trx) => {
        const existing = await trx.selectFrom("goods").select("id").where("tenant_id", "=", tenantId).where("name", "=", goods.name)
          .executeTakeFirst();
        if (existing) {
          await trx.updateTable("goods").set(columns).where("id", "=", existing.id).execute();
          return { id: existing.id, created: false };
        }
        const row = await trx
          .insertInto("goods")
          .values({ ...columns, tenant_id: tenantId, name: goods.name, number_fav: 0, views: 0, created_at: now })
          .returning("id")
          .executeTakeFirstOrThrow();
        return { id: row.id, created: true };
      });
    },
    async countGoods(tenantId) {
      const { count } = await db.selectFrom("goods").select((eb) => eb.fn.countAll<number>().as("count"))
        .where("tenant_id", "=", tenantId).executeTakeFirstOrThrow();
      return Number(count);
    },
    async findGoods(tenantId, id) {
      const [row] = await goodsById({ tenantId, id });
      return row && toGoods(row);
    },
    async listGoods(tenantId, { offset, limit, categoryId, nameLike }) {
      const rows = await goodsWhere(tenantId, { categoryId, nameLike, shelf: "on" }).selectAll().orderBy("sort").orderBy("id").offset(offset).limit(limit).execute();
      return rows.map(toGoods);
    },
    async searchGoods(tenantId, { offset, limit, ...filter }) {
      const rows = await goodsWhere(tenantId, filter).selectAll().orderBy("sort").orderBy("id").offset(offset).limit(limit).execute();
      const { count } = await goodsWhere(tenantId, filter).select((eb) => eb.fn.countAll<number>().as("count")).executeTakeFirstOrThrow();
      return { items: rows.map(toGoods), total: Number(count) };
    },
    async createGoods(tenantId, goods, now) {
      try {
        const row = await db
          .insertInto("goods")
          .values({ ...goodsColumns(goods, now), tenant_id: tenantId, name: goods.name, number_fav: 0, views: 0, created_at: now })
          .returning("id")
          .executeTakeFirstOrThrow();
        return { id: row.id };
      } catch (error) {
        return goodsRefusal(error);
      }
    },
    async updateGoods(tenantId, id, goods, now) {
      try {
        const updated = await db.updateTable("goods").set({ ...goodsColumns(goods, now), name: goods.name })
          .where("tenant_id", "=", tenantId).where("id", "=", id).returning("id").executeTakeFirst();
        return updated ? "updated" : "not-found";
      } catch (error) {
        return goodsRefusal(error);
      }
    },
    // Favorites and cart lines go with their goods (the schema's ON DELETE
    // CASCADE): a line of goods that no longer exists could be neither shown
    // nor bought. To keep a goods' favorites and carts, take it off the shelf.
    async deleteGoods(tenantId, id) {
      const deleted = await db.deleteFrom("goods").where("tenant_id", "=", tenantId).where("id", "=", id).returning("id").executeTakeFirst();
      return deleted !== undefined;
    },
    async listCategoriesWithCounts(tenantId) {
      const rows = await db
        .selectFrom("categories")
        .leftJoin("goods", "goods.category_id", "categories.id")
        .select((eb) => ["categories.id", "categories.name", "categories.sort", eb.fn.count<number>("goods.id").as("goodsCount")])
        .where("categories.tenant_id", "=", tenantId)
        .groupBy(["categories.id", "categories.name", "categories.sort"])
        .orderBy("categories.sort")
        .orderBy("categories.id")
        .execute();
      return rows.map((row) => ({ ...row, goodsCount: Number(row.goodsCount) }));
    },
    async createCategory(tenantId, { name, sort }, now) {
      try {
        return await db.insertInto("categories").values({ tenant_id: tenantId, name, sort, created_at: now }).returning(["id", "name", "sort"]).executeTakeFirstOrThrow();
      } catch (error) {
        if (isUniqueViolation(error)) return "name-taken";
        throw error;
      }
    },
    async updateCategory(tenantId, id, { name, sort }) {
      try {
        const row = await db.updateTable("categories").set({ name, sort }).where("tenant_id", "=", tenantId).where("id", "=", id)
          .returning(["id", "name", "sort"]).executeTakeFirst();
        return row ?? "not-found";
      } catch (error) {
        if (isUniqueViolation(error)) return "name-taken";
        throw error;
      }
    },
    async deleteCategory(tenantId, id) {
      // The category is locked before goods are looked for. A goods write
      // naming it holds a key-share lock until it commits, so the look (a
      // new snapshot on PostgreSQL) sees it, and one that comes later waits
      // and then fails its foreign key. SQLite runs one write transaction at
      // a time. A single DELETE ... WHERE NOT EXISTS looked at a snapshot
      // taken before such a goods committed, and the schema's ON DELETE SET
      // NULL then took the category off it unnoticed.
      return db.transaction().execute(async (trx) => {
        const found = await trx.selectFrom("categories").select("id").where("tenant_id", "=", tenantId).where("id", "=", id)
          .$if(connection.dialect === "postgres", (query) => query.forUpdate())
          .executeTakeFirst();
        if (!found) return "not-found";
        const used = await trx.selectFrom("goods").select("id").where("category_id", "=", id).limit(1).executeTakeFirst();
        if (used) return "in-use";
        await trx.deleteFrom("categories").where("id", "=", id).execute();
        return "deleted";
      });
    },
    async countGoodsView(goodsId) {
      await db.updateTable("goods").set((eb) => ({ views: eb("views", "+", 1) })).where("id", "=", goodsId).execute();
    },

    async addFavorite(tenantId, userId, goodsId, now) {
      return db.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto("favorites")
          .values({ tenant_id: tenantId, user_id: userId, goods_id: goodsId, created_at: now })
          .onConflict((oc) => oc.columns(["user_id", "goods_id"]).doNothing())
          .returning("id")
          .executeTakeFirst();
        if (!inserted) return false;
        await trx.updateTable("goods").set((eb) => ({ number_fav: eb("number_fav", "+", 1) })).where("id", "=", goodsId).execute();
        return true;
      });
    },
    async removeFavorite(userId, which) {
      return db.transaction().execute(async (trx) => {
        const removed = await trx
          .deleteFrom("favorites")
          .where("user_id", "=", userId)
          .where("id" in which ? "id" : "goods_id", "=", "id" in which ? which.id : which.goodsId)
          .returning("goods_id")
          .executeTakeFirst();
        if (!removed) return false;
        await trx.updateTable("goods").set((eb) => ({ number_fav: eb("number_fav", "-", 1) }))
          .where("id", "=", removed.goods_id).where("number_fav", ">", 0).execute();
        return true;
      });
    },
    async isFavorite(userId, goodsId) {
      const row = await db.selectFrom("favorites").select("id").where("user_id", "=", userId).where("goods_id", "=", goodsId).executeTakeFirst();
      return row !== undefined;
    },
    async listFavorites(userId, { offset, limit, nameLike }) {
      let query = db
        .selectFrom("favorites")
        .innerJoin("goods", "goods.id", "favorites.goods_id")
        .select(["favorites.id", "favorites.goods_id", "favorites.created_at", "goods.name", "goods.pics"])
        .where("favorites.user_id", "=", userId);
      if (nameLike) query = query.where(nameContains("goods.name", nameLike));
      const rows = await query.orderBy("favorites.id", "desc").offset(offset).limit(limit).execute();
      return rows.map((row) => ({
        id: row.id,
        goodsId: row.goods_id,
        goodsName: row.name,
        pic: parseJsonArray<string>(row.pics)[0] ?? "",
        createdAt: Number(row.created_at),
      }));
    },

    async cartLines(userId) {
      const rows = await rowsOfCart(userId);
      return rows.map((row) => ({
        id: row.id,
        goodsId: row.goods_id,
        skuKey: row.sku_key,
        number: row.number,
        selected: row.selected === 1,
        goods: {
          name: row.name,
          pics: parseJsonArray<string>(row.pics),
          price: row.price,
          stock: row.stock,
          options: parseJsonArray<SkuOption>(row.options),
        },
      }));
    },
    addToCart: (tenantId, userId, line, now) => addOne({ tenantId, userId, ...line, now }),
    async setCartNumber(userId, lineId, number, now) {
      await db.updateTable("cart_items").set({ number, updated_at: now }).where("user_id", "=", userId).where("id", "=", lineId).execute();
    },
    async selectCartLines(userId, lineIds, selected, now) {
      return withOwnLines(userId, lineIds, (trx) =>
        trx.updateTable("cart_items").set({ selected: selected ? 1 : 0, updated_at: now })
          .where("user_id", "=", userId).where("id", "in", lineIds).execute(),
      );
    },
    async removeCartLines(userId, lineIds) {
      return withOwnLines(userId, lineIds, (trx) =>
        trx.deleteFrom("cart_items").where("user_id", "=", userId).where("id", "in", lineIds).execute(),
      );
    },
    async emptyCart(userId) {
      await db.deleteFrom("cart_items").where("user_id", "=", userId).execute();
    },
  };
}
