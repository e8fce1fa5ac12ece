import { Type } from "typebox";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { ApiError, detail } from "../../errors";
import { ok } from "../../http/envelope";
import type { MediaRoutesOptions } from "../../media/routes";
import { EmptyEnvelope, Envelope, GoodsId, Paging, pageOf } from "../../routes/schemas";
import type { AdminContext } from "../context";
import { adminCategoryRoutes } from "./categories";
import { adminGoodsImportRoutes } from "./goods-import";
import { CategoryId, categoryNotFound, checkGoods, GoodsBody, GoodsRow, goodsRow } from "./goods-schemas";
import { adminPictureRoutes } from "./pictures";
import { SubDomain } from "./schemas";

/** Goods carry HTML content (up to 200 000 characters): more than the server's default body limit. */
const GOODS_BODY_LIMIT = 1024 * 1024;

const notFound = (id: number) => new ApiError("notFound", detail(`商品 ${id}`, `goods ${id}`));

/**
 * A tenant's catalogue: goods, categories, pictures, import. Every write goes
 * through the cached storage (shop/cache.ts), which forgets what it showed of
 * the goods and tells the other instances (Redis), so the shop shows the
 * change at once everywhere.
 */
export const adminGoodsRoutes: FastifyPluginAsyncTypebox<{ context: AdminContext; media?: MediaRoutesOptions }> = async (app, { context, media }) => {
  const { storage } = app;
  const Params = Type.Object({ id: GoodsId });
  const TenantQuery = Type.Object({ tenant: SubDomain });

  app.get(
    "/goods",
    {
      schema: {
        tags: ["admin"],
        summary: "A tenant's goods, on the shelf or not: name search (contains, case-insensitive), category and shelf filters, a page and the total",
        querystring: Type.Object({
          tenant: SubDomain,
          q: Type.Optional(Type.String({ maxLength: 64 })),
          categoryId: Type.Optional(CategoryId),
          shelf: Type.Optional(Type.Union([Type.Literal("all"), Type.Literal("on"), Type.Literal("off")], { default: "all" })),
          ...Paging,
        }),
        response: { 200: Envelope(Type.Object({ items: Type.Array(GoodsRow), total: Type.Integer() })) },
      },
    },
    async (request) => {
      const { tenant: subDomain, q, categoryId, shelf } = request.query;
      const tenant = await context.visibleTenant(request.admin.operator, subDomain);
      const [{ items, total }, categories] = await Promise.all([
        storage.searchGoods(tenant.id, { ...pageOf(request.query), categoryId, nameLike: q?.trim(), shelf: shelf ?? "all" }),
        storage.listCategories(tenant.id),
      ]);
      return ok({ items: items.map((g) => goodsRow(g, categories)), total });
    },
  );

  app.get(
    "/goods/:id",
    { schema: { tags: ["admin"], summary: "One goods", params: Params, querystring: TenantQuery, response: { 200: Envelope(GoodsRow) } } },
    async (request) => {
      const tenant = await context.visibleTenant(request.admin.operator, request.query.tenant);
      const goods = await storage.findGoods(tenant.id, request.params.id);
      if (!goods) throw notFound(request.params.id);
      return ok(goodsRow(goods, await storage.listCategories(tenant.id)));
    },
  );

  app.post(
    "/goods",
    { bodyLimit: GOODS_BODY_LIMIT, schema: { tags: ["admin"], summary: "Create a goods (prices in integer cents)", body: GoodsBody, response: { 200: Envelope(GoodsRow) } } },
    async (request) => {
      const { operator } = request.admin;
      const tenant = await context.visibleTenant(operator, request.body.tenant);
      const categories = await storage.listCategories(tenant.id);
      const goods = checkGoods(request.body, categories);
      const created = await storage.createGoods(tenant.id, goods, app.clock());
      if (created === "name-taken") throw new ApiError("goodsNameTaken", detail(goods.name, goods.name));
      if (created === "category-gone") throw categoryNotFound(goods.categoryId);
      await context.audit(request, { operatorId: operator.id, tenantId: tenant.id, action: "goods-create", target: `${tenant.subDomain}/goods/${created.id}`, detail: { name: goods.name } });
      return ok(goodsRow((await storage.findGoods(tenant.id, created.id))!, categories));
    },
  );

  app.put(
    "/goods/:id",
    { bodyLimit: GOODS_BODY_LIMIT, schema: { tags: ["admin"], summary: "Replace a goods' fields (on/off shelf included)", params: Params, body: GoodsBody, response: { 200: Envelope(GoodsRow) } } },
    async (request) => {
      const { operator } = request.admin;
      const { id } = request.params;
      const tenant = await context.visibleTenant(operator, request.body.tenant);
      const categories = await storage.listCategories(tenant.id);
      const goods = checkGoods(request.body, categories);
      const updated = await storage.updateGoods(tenant.id, id, goods, app.clock());
      if (updated === "not-found") throw notFound(id);
      if (updated === "name-taken") throw new ApiError("goodsNameTaken", detail(goods.name, goods.name));
      if (updated === "category-gone") throw categoryNotFound(goods.categoryId);
      await context.audit(request, { operatorId: operator.id, tenantId: tenant.id, action: "goods-update", target: `${tenant.subDomain}/goods/${id}`, detail: { name: goods.name, onShelf: goods.onShelf } });
      return ok(goodsRow((await storage.findGoods(tenant.id, id))!, categories));
    },
  );

  app.delete(
    "/goods/:id",
    {
      schema: {
        tags: ["admin"],
        summary: "Delete a goods, with the favorites and cart lines that hold it (to keep those, take it off the shelf instead)",
        params: Params,
        querystring: TenantQuery,
        response: { 200: EmptyEnvelope },
      },
    },
    async (request) => {
      const { operator } = request.admin;
      const { id } = request.params;
      const tenant = await context.visibleTenant(operator, request.query.tenant);
      if (!(await storage.deleteGoods(tenant.id, id))) throw notFound(id);
      await context.audit(request, { operatorId: operator.id, tenantId: tenant.id, action: "goods-delete", target: `${tenant.subDomain}/goods/${id}`, detail: {} });
      return ok();
    },
  );

  await app.register(adminCategoryRoutes, { context });
  await app.register(adminGoodsImportRoutes, { context });
  if (media) await app.register(adminPictureRoutes, { context, media });
};
