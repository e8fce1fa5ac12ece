import { Type } from "typebox";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { ApiError } from "../../errors";
import { ok } from "../../http/envelope";
import { Envelope } from "../../routes/schemas";
import type { AdminContext } from "../context";
import { SubDomain } from "./schemas";

const AuditRow = Type.Object({
  id: Type.Integer(),
  username: Type.Union([Type.String(), Type.Null()]),
  tenant: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  target: Type.String(),
  detail: Type.Record(Type.String(), Type.Unknown()),
  ip: Type.String(),
  at: Type.Integer(),
});

/** The audit log: every console write, who, what, when, from where. */
export const adminAuditRoutes: FastifyPluginAsyncTypebox<{ context: AdminContext }> = async (app, { context }) => {
  app.get(
    "/audit",
    {
      schema: {
        tags: ["admin"],
        summary: "What operators did, newest first (a tenant's operator sees its tenant's entries)",
        querystring: Type.Object({ tenant: Type.Optional(SubDomain), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) }),
        response: { 200: Envelope(Type.Array(AuditRow)) },
      },
    },
    async (request) => {
      const { operator } = request.admin;
      const asked = request.query.tenant === undefined ? undefined : await app.storage.findTenant(request.query.tenant);
      if (request.query.tenant !== undefined && (!asked || (operator.tenantId !== null && asked.id !== operator.tenantId))) {
        // Another tenant's log is not this operator's to read.
        throw new ApiError(operator.tenantId === null ? "notFound" : "adminForbidden");
      }
      const tenantId = operator.tenantId ?? asked?.id;
      const [entries, tenants] = await Promise.all([context.store.listAudit({ tenantId, limit: request.query.limit ?? 100 }), app.storage.listTenants()]);
      const subDomainOf = new Map(tenants.map((t) => [t.id, t.subDomain]));
      return ok(
        entries.map((e) => ({
          id: e.id,
          username: e.username,
          tenant: e.tenantId === null ? null : (subDomainOf.get(e.tenantId) ?? null),
          action: e.action,
          target: e.target,
          detail: e.detail,
          ip: e.ip,
          at: e.at,
        })),
      );
    },
  );
};
