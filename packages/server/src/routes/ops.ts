import { setTimeout as sleep } from "node:timers/promises";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { envelopeFor, langOf, ok } from "../http/envelope";
import { detail, errors } from "../errors";
import { EmptyEnvelope } from "./schemas";

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  return Promise.race([work, sleep(ms).then(() => Promise.reject(new Error(`no answer within ${ms} ms`)))]);
}

/** Operations routes, outside any tenant. */
export const opsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get("/healthz", { schema: { tags: ["ops"], summary: "Alive", response: { 200: EmptyEnvelope } } }, async () => ok());

  app.get(
    "/readyz",
    {
      schema: {
        tags: ["ops"],
        summary: "Ready: the database (and Redis, when configured) answers",
        response: { 200: EmptyEnvelope, 503: EmptyEnvelope },
      },
    },
    async (request, reply) => {
      if (app.draining) return reply.status(503).send(envelopeFor(errors.notReady, langOf(request), detail("正在关闭", "shutting down")));
      const checks: Array<[string, () => Promise<unknown>]> = [["database", () => app.storage.ping()]];
      if (app.redis) checks.push(["redis", () => app.redis!.ping()]);
      for (const [name, check] of checks) {
        try {
          await withTimeout(check(), 2000);
        } catch (error) {
          request.log.warn({ err: error }, `readiness check failed: ${name}`);
          return reply.status(503).send(envelopeFor(errors.notReady, langOf(request), detail(`${name} 不可用`, `${name} is unreachable`)));
        }
      }
      return ok();
    },
  );
};
