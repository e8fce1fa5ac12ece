import { Type } from "typebox";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { ok } from "../../http/envelope";
import { Envelope } from "../../routes/schemas";
import type { AdminContext } from "../context";

const TenantRow = Type.Object({ id: Type.Integer(), subDomain: Type.String(), appids: Type.Array(Type.String()) });

/** Tenants and their mini program apps. */
export const adminTenantRoutes: FastifyPluginAsyncTypebox<{ context: AdminContext }> = async (app, { context }) => {
  app.get("/tenants", { schema: { tags: ["admin"], summary: "The tenants this operator may manage", response: { 200: Envelope(Type.Array(TenantRow)) } } }, async (request) => {
    const tenants = await context.tenantsInScope(request.admin.operator);
    return ok(tenants.map((t) => ({ id: t.id, subDomain: t.subDomain, appids: t.appids })));
  });
};
