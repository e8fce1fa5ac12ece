import { type Static, Type } from "typebox";
import { ApiError, detail } from "../../errors";
import { Label } from "../../routes/schemas";
import type { Category, Goods, NewGoods, SkuOption } from "../../shop/store";
import { SubDomain } from "./schemas";

// The same bounds as a catalogue file's rows (catalogue/rows.ts) and the columns behind them.
const Cents = Type.Integer({ minimum: 0, maximum: 999_999_999, description: "Integer cents" });
const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });
const OptionText = Label(32);

export const CategoryId = Id;

/** A goods' options as the mini program's detail shows them (`properties`) and its cart takes them (`sku`). */
const Options = Type.Array(
  Type.Object({ id: Id, name: OptionText, values: Type.Array(Type.Object({ id: Id, name: OptionText }), { minItems: 1, maxItems: 100 }) }),
  { maxItems: 10, description: "Option ids unique; value ids unique across the whole goods (the cart's sku names a value by its id)" },
);

export const GoodsRow = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  categoryId: Type.Union([Type.Integer(), Type.Null()]),
  categoryName: Type.Union([Type.String(), Type.Null()]),
  pics: Type.Array(Type.String()),
  price: Type.Integer({ description: "Integer cents" }),
  originalPrice: Type.Integer({ description: "Integer cents" }),
  stock: Type.Integer(),
  sort: Type.Integer(),
  onShelf: Type.Boolean(),
  options: Options,
  content: Type.String(),
  numberFav: Type.Integer(),
  views: Type.Integer(),
  createdAt: Type.Integer(),
});

export const GoodsBody = Type.Object({
  tenant: SubDomain,
  name: Label(128),
  categoryId: Type.Union([CategoryId, Type.Null()]),
  pics: Type.Array(Type.String({ minLength: 1, maxLength: 1024 }), { maxItems: 20, description: "Picture URLs (POST /pictures answers them); the first is the list picture" }),
  price: Cents,
  originalPrice: Cents,
  stock: Type.Integer({ minimum: 0, maximum: 999_999_999 }),
  sort: Type.Integer({ minimum: -999_999_999, maximum: 999_999_999, description: "Lower first" }),
  onShelf: Type.Boolean({ description: "Off the shelf (API Factory's status 1 下架): not in the shop's list nor detail" }),
  options: Options,
  content: Type.String({ maxLength: 200_000, description: "HTML of the detail page" }),
});

export function goodsRow(goods: Readonly<Goods>, categories: Category[]) {
  return {
    id: goods.id,
    name: goods.name,
    categoryId: goods.categoryId,
    categoryName: categories.find((c) => c.id === goods.categoryId)?.name ?? null,
    pics: [...goods.pics],
    price: goods.price,
    originalPrice: goods.originalPrice,
    stock: goods.stock,
    sort: goods.sort,
    onShelf: goods.onShelf,
    options: goods.options.map((o) => ({ id: o.id, name: o.name, values: o.values.map((v) => ({ id: v.id, name: v.name })) })),
    content: goods.content,
    numberFav: goods.numberFav,
    views: goods.views,
    createdAt: goods.createdAt,
  };
}

const invalid = (name: "goodsOptionsInvalid" | "goodsPicInvalid", zh: string, en: string) => new ApiError(name, detail(zh, en));

/** An absolute http(s) URL, or a path on this server ("/shop-a/dfs/files/…"): what an <img> of the shop and of the console can load. */
function checkPic(pic: string, index: number) {
  const text = pic.trim();
  if (text.startsWith("/") && !text.startsWith("//")) return text;
  let protocol = "";
  try {
    protocol = new URL(text).protocol;
  } catch {
    // refused below
  }
  if (protocol !== "http:" && protocol !== "https:") throw invalid("goodsPicInvalid", `第 ${index + 1} 张图片不是 http(s) 地址`, `pics #${index + 1} is not an http(s) URL`);
  return text;
}

function checkOptions(options: SkuOption[]): SkuOption[] {
  const trimmed = options.map((o) => ({ id: o.id, name: o.name.trim(), values: o.values.map((v) => ({ id: v.id, name: v.name.trim() })) }));
  const optionIds = new Set<number>();
  const optionNames = new Set<string>();
  const valueIds = new Set<number>();
  for (const option of trimmed) {
    if (!option.name) throw invalid("goodsOptionsInvalid", "规格名称不能为空", "an option's name is empty");
    if (optionIds.has(option.id)) throw invalid("goodsOptionsInvalid", `规格 id ${option.id} 重复`, `option id ${option.id} appears twice`);
    if (optionNames.has(option.name)) throw invalid("goodsOptionsInvalid", `规格 ${option.name} 重复`, `option ${option.name} appears twice`);
    optionIds.add(option.id);
    optionNames.add(option.name);
    const valueNames = new Set<string>();
    for (const value of option.values) {
      if (!value.name) throw invalid("goodsOptionsInvalid", `规格 ${option.name} 有空的选项`, `option ${option.name} has an empty value`);
      if (valueIds.has(value.id)) throw invalid("goodsOptionsInvalid", `规格值 id ${value.id} 重复`, `option value id ${value.id} appears twice`);
      if (valueNames.has(value.name)) throw invalid("goodsOptionsInvalid", `规格 ${option.name} 的选项 ${value.name} 重复`, `option ${option.name} has ${value.name} twice`);
      valueIds.add(value.id);
      valueNames.add(value.name);
    }
  }
  return trimmed;
}

export const categoryNotFound = (id: number | null) => new ApiError("categoryNotFound", detail(`分类 ${id}`, `category ${id}`));

/**
 * What the schema cannot say: a name that is only spaces, a list price
 * below the price (almost always two swapped fields, refused as the import
 * refuses it), picture URLs, option ids used twice, a category of another
 * tenant or none.
 */
export function checkGoods(body: Static<typeof GoodsBody>, categories: Category[]): NewGoods {
  const name = body.name.trim();
  if (!name) throw new ApiError("badInput", detail("name 不能为空", "name is empty"));
  if (body.originalPrice < body.price) throw new ApiError("goodsPriceInvalid");
  if (body.categoryId !== null && !categories.some((c) => c.id === body.categoryId)) throw categoryNotFound(body.categoryId);
  return {
    name,
    categoryId: body.categoryId,
    pics: body.pics.map(checkPic),
    price: body.price,
    originalPrice: body.originalPrice,
    stock: body.stock,
    sort: body.sort,
    onShelf: body.onShelf,
    options: checkOptions(body.options),
    content: body.content,
  };
}
