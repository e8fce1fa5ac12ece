import { Type } from "typebox";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { ApiError, detail } from "../../errors";
import { ok } from "../../http/envelope";
import { EmptyEnvelope, Envelope, Label } from "../../routes/schemas";
import type { AdminContext } from "../context";
import { CategoryId, categoryNotFound as notFound } from "./goods-schemas";
import { SubDomain } from "./schemas";

const CategoryRow = Type.Object({ id: Type.Integer(), name: Type.String(), sort: Type.Integer(), goodsCount: Type.Integer() });
const CategoryBody = Type.Object({
  tenant: SubDomain,
  name: Label(64),
  sort: Type.Integer({ minimum: -999_999_999, maximum: 999_999_999, description: "Lower first" }),
});

function nameOf(body: { name: string }): string {
  const name = body.name.trim();
  if (!name) throw new ApiError("badInput", detail("name 不能为空", "name is empty"));
  return name;
}

/** A tenant's goods categories (the shop's /shop/goods/category/all reads them each time: nothing to forget). */
export const adminCategoryRoutes: FastifyPluginAsyncTypebox<{ context: AdminContext }> = async (app, { context }) => {
  const { storage } = app;
  const Params = Type.Object({ id: CategoryId });

  app.get(
    "/categories",
    {
      schema: { tags: ["admin"], summary: "A tenant's categories with how many goods each holds", querystring: Type.Object({ tenant: SubDomain }), response: { 200: Envelope(Type.Array(CategoryRow)) } },
    },
    async (request) => {
      const tenant = await context.visibleTenant(request.admin.operator, request.query.tenant);
      return ok(await storage.listCategoriesWithCounts(tenant.id));
    },
  );

  app.post(
    "/categories",
    { schema: { tags: ["admin"], summary: "Add a category", body: CategoryBody, response: { 200: Envelope(CategoryRow) } } },
    async (request) => {
      const { operator } = request.admin;
      const tenant = await context.visibleTenant(operator, request.body.tenant);
      const name = nameOf(request.body);
      const created = await storage.createCategory(tenant.id, { name, sort: request.body.sort }, app.clock());
      if (created === "name-taken") throw new ApiError("categoryNameTaken", detail(name, name));
      await context.audit(request, { operatorId: operator.id, tenantId: tenant.id, action: "category-create", target: `${tenant.subDomain}/category/${created.id}`, detail: { name } });
      return ok({ ...created, goodsCount: 0 });
    },
  );

  app.put(
    "/categories/:id",
    { schema: { tags: ["admin"], summary: "Rename or re-sort a category", params: Params, body: CategoryBody, response: { 200: Envelope(CategoryRow) } } },
    async (request) => {
      const { operator } = request.admin;
      const { id } = request.params;
      const tenant = await context.visibleTenant(operator, request.body.tenant);
      const name = nameOf(request.body);
      const updated = await storage.updateCategory(tenant.id, id, { name, sort: request.body.sort });
      if (updated === "not-found") throw notFound(id);
      if (updated === "name-taken") throw new ApiError("categoryNameTaken", detail(name, name));
      await context.audit(request, { operatorId: operator.id, tenantId: tenant.id, action: "category-update", target: `${tenant.subDomain}/category/${id}`, detail: { name, sort: updated.sort } });
      const counted = (await storage.listCategoriesWithCounts(tenant.id)).find((c) => c.id === id);
      return ok({ ...updated, goodsCount: counted?.goodsCount ?? 0 });
    },
  );

  app.delete(
    "/categories/:id",
    {
      schema: {
        tags: ["admin"],
        summary: "Delete a category: refused (60022) while goods, on the shelf or off, are in it",
        params: Params,
        querystring: Type.Object({ tenant: SubDomain }),
        response: { 200: EmptyEnvelope },
      },
    },
    async (request) => {
      const { operator } = request.admin;
      const { id } = request.params;
      const tenant = await context.visibleTenant(operator, request.query.tenant);
      const deleted = await storage.deleteCategory(tenant.id, id);
      if (deleted === "not-found") throw notFound(id);
      if (deleted === "in-use") throw new ApiError("categoryInUse");
      await context.audit(request, { operatorId: operator.id, tenantId: tenant.id, action: "category-delete", target: `${tenant.subDomain}/category/${id}`, detail: {} });
      return ok();
    },
  );
};
