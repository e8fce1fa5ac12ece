import { Type } from "typebox";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { ApiError, detail, errors } from "../errors";
import { requireSession } from "../http/auth";
import { envelopeFor, langOf, ok } from "../http/envelope";
import type { Goods } from "../shop/store";
import { formatDateAdd } from "./user";
import { EmptyEnvelope, Envelope, GoodsId, NameLike, pageOf, Paging, Token, Yuan, yuan } from "./schemas";

const GoodsSummary = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  pic: Type.String(),
  categoryId: Type.Union([Type.Integer(), Type.Null()]),
  minPrice: Yuan,
  originalPrice: Yuan,
  stores: Type.Integer({ description: "Stock" }),
  numberFav: Type.Integer(),
  views: Type.Integer(),
  dateAdd: Type.String(),
});

const GoodsDetail = Type.Object({
  basicInfo: GoodsSummary,
  pics: Type.Array(Type.Object({ id: Type.Integer(), pic: Type.String() })),
  content: Type.String({ description: "HTML" }),
  category: Type.Union([Type.Object({ id: Type.Integer(), name: Type.String() }), Type.Null()]),
  properties: Type.Array(
    Type.Object({
      id: Type.Integer(),
      name: Type.String(),
      childsCurGoods: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), propertyId: Type.Integer() })),
    }),
    { description: "Options to choose; send the choice as sku=[{optionId, optionValueId}] to /shopping-cart/add" },
  ),
});

const Favorite = Type.Object({ id: Type.Integer(), goodsId: Type.Integer(), goodsName: Type.String(), pic: Type.String(), dateAdd: Type.String() });

function summaryOf(goods: Goods) {
  return {
    id: goods.id,
    name: goods.name,
    pic: goods.pics[0] ?? "",
    categoryId: goods.categoryId,
    minPrice: yuan(goods.price),
    originalPrice: yuan(goods.originalPrice),
    stores: goods.stock,
    numberFav: goods.numberFav,
    views: goods.views,
    dateAdd: formatDateAdd(goods.createdAt),
  };
}

/** Goods and favorites: /shop/goods/*. Browsing is public; favorites need the token. */
export const shopRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { storage, clock } = app;

  async function goodsOf(tenantId: number, id: number): Promise<Goods> {
    const goods = await storage.findGoods(tenantId, id);
    // Off the shelf (API Factory's status 1 下架): gone from the shop, as from its list.
    if (!goods?.onShelf) throw new ApiError("notFound", detail(`商品 ${id}`, `goods ${id}`));
    return goods;
  }

  app.get(
    "/shop/goods/category/all",
    {
      schema: {
        tags: ["shop"],
        summary: "All categories",
        response: { 200: Envelope(Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), sort: Type.Integer() }))) },
      },
    },
    async (request) => {
      const categories = await storage.listCategories(request.tenant.id);
      if (categories.length === 0) throw new ApiError("noData");
      return ok(categories);
    },
  );

  app.post(
    "/shop/goods/list",
    {
      schema: {
        tags: ["shop"],
        summary: "Goods, a page at a time (700 when none match)",
        body: Type.Object({ ...Paging, categoryId: Type.Optional(GoodsId), nameLike: Type.Optional(NameLike) }),
        response: { 200: Envelope(Type.Array(GoodsSummary)) },
      },
    },
    async (request) => {
      const { categoryId, nameLike } = request.body;
      const goods = await storage.listGoods(request.tenant.id, { ...pageOf(request.body), categoryId, nameLike });
      if (goods.length === 0) throw new ApiError("noData");
      return ok(goods.map(summaryOf));
    },
  );

  app.get(
    "/shop/goods/detail",
    {
      schema: {
        tags: ["shop"],
        summary: "One goods with pictures, HTML content and options; counts a view",
        querystring: Type.Object({ id: GoodsId, token: Type.Optional(Token) }),
        response: { 200: Envelope(GoodsDetail) },
      },
    },
    async (request) => {
      const { id: tenantId } = request.tenant;
      const goods = await goodsOf(tenantId, request.query.id);
      await storage.countGoodsView(goods.id);
      const category = goods.categoryId === null ? undefined : (await storage.listCategories(tenantId)).find((c) => c.id === goods.categoryId);
      return ok({
        basicInfo: { ...summaryOf(goods), views: goods.views + 1 },
        pics: goods.pics.map((pic, index) => ({ id: index + 1, pic })),
        content: goods.content,
        category: category ? { id: category.id, name: category.name } : null,
        properties: goods.options.map((option) => ({
          id: option.id,
          name: option.name,
          childsCurGoods: option.values.map((value) => ({ id: value.id, name: value.name, propertyId: option.id })),
        })),
      });
    },
  );

  const FavoriteOf = Type.Object({ token: Type.Optional(Token), goodsId: GoodsId });

  app.post(
    "/shop/goods/fav/add",
    {
      schema: { tags: ["favorites"], summary: "Favorite a goods (idempotent)", body: FavoriteOf, response: { 200: EmptyEnvelope } },
      preHandler: requireSession,
    },
    async (request) => {
      const goods = await goodsOf(request.tenant.id, request.body.goodsId);
      await storage.addFavorite(request.tenant.id, request.session.userId, goods.id, clock());
      return ok();
    },
  );

  app.get(
    "/shop/goods/fav/check",
    {
      schema: { tags: ["favorites"], summary: '0 "已收藏" or -1 "未收藏"', querystring: FavoriteOf, response: { 200: EmptyEnvelope } },
      preHandler: requireSession,
    },
    async (request) => {
      const goods = await goodsOf(request.tenant.id, request.query.goodsId);
      if (!(await storage.isFavorite(request.session.userId, goods.id))) throw new ApiError("notFavorited");
      return envelopeFor(errors.favorited, langOf(request));
    },
  );

  app.post(
    "/shop/goods/fav/delete",
    {
      schema: {
        tags: ["favorites"],
        summary: "Remove a favorite by its id or by goodsId (idempotent)",
        body: Type.Object({ token: Type.Optional(Token), id: Type.Optional(GoodsId), goodsId: Type.Optional(GoodsId) }),
        response: { 200: EmptyEnvelope },
      },
      preHandler: requireSession,
    },
    async (request) => {
      const { id, goodsId } = request.body;
      if (id === undefined && goodsId === undefined) throw new ApiError("badInput", detail("缺少参数 id 或 goodsId", "id or goodsId is required"));
      await storage.removeFavorite(request.session.userId, id !== undefined ? { id } : { goodsId: goodsId! });
      return ok();
    },
  );

  app.post(
    "/shop/goods/fav/list",
    {
      schema: {
        tags: ["favorites"],
        summary: "The user's favorites, newest first (700 when none)",
        body: Type.Object({ token: Type.Optional(Token), ...Paging, nameLike: Type.Optional(NameLike) }),
        response: { 200: Envelope(Type.Array(Favorite)) },
      },
      preHandler: requireSession,
    },
    async (request) => {
      const favorites = await storage.listFavorites(request.session.userId, { ...pageOf(request.body), nameLike: request.body.nameLike });
      if (favorites.length === 0) throw new ApiError("noData");
      return ok(favorites.map(({ createdAt, ...favorite }) => ({ ...favorite, dateAdd: formatDateAdd(createdAt) })));
    },
  );
};
