import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { envelopeFor, langOf, ok } from "../http/envelope";
import { errors } from "../errors";
import { EmptyEnvelope } from "./schemas";

/** Operations routes, outside any tenant. */
export const opsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get("/healthz", { schema: { tags: ["ops"], summary: "Alive", response: { 200: EmptyEnvelope } } }, async () => ok());

  app.get(
    "/readyz",
    { schema: { tags: ["ops"], summary: "Ready: the database answers", response: { 200: EmptyEnvelope, 503: EmptyEnvelope } } },
    async (request, reply) => {
      try {
        await app.storage.ping();
        return ok();
      } catch (error) {
        request.log.warn({ err: error }, "readiness check failed: database");
        return reply.status(503).send(envelopeFor(errors.notReady, langOf(request), "database"));
      }
    },
  );
};
