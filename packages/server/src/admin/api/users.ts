import { Type } from "typebox";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { ApiError } from "../../errors";
import { ok } from "../../http/envelope";
import { Envelope, Uid } from "../../routes/schemas";
import type { AdminContext } from "../context";
import { SubDomain } from "./schemas";

/** A tenant's mini program users: search, detail, sessions. */
export const adminUserRoutes: FastifyPluginAsyncTypebox<{ context: AdminContext }> = async (app, { context }) => {
  app.post(
    "/users/:uid/revoke-sessions",
    {
      schema: {
        tags: ["admin"],
        summary: "End every session of a user: their tokens answer 2000 at once",
        params: Type.Object({ uid: Uid }),
        body: Type.Object({ tenant: SubDomain }),
        response: { 200: Envelope(Type.Object({ revoked: Type.Integer() })) },
      },
    },
    async (request) => {
      const { operator } = request.admin;
      const tenant = await context.visibleTenant(operator, request.body.tenant);
      const user = await app.storage.findUserById(tenant.id, request.params.uid);
      if (!user) throw new ApiError("notFound");
      const revoked = await app.storage.revokeUserSessions(user.id, app.clock());
      await context.audit(request, { operatorId: operator.id, tenantId: tenant.id, action: "revoke-sessions", target: `${tenant.subDomain}/user/${user.id}`, detail: { revoked } });
      return ok({ revoked });
    },
  );
};
