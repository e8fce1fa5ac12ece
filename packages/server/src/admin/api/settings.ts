import { Type } from "typebox";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { localGroups, type LimitGroup } from "../../http/limits";
import { DEFAULT_RATE_LIMITS } from "../../http/limits-config";
import { ok } from "../../http/envelope";
import { Envelope } from "../../routes/schemas";

const RateLimitRow = Type.Object({
  group: Type.String(),
  limit: Type.Integer({ description: "requests allowed per window" }),
  per: Type.Integer({ description: "the window, in milliseconds" }),
  where: Type.Union([Type.Literal("redis"), Type.Literal("process")], { description: "counted in Redis across instances, or in each process" }),
});

/** The server's settings an operator may look at (not change: they come from the environment). */
export const adminSettingsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/settings/rate-limits",
    {
      schema: {
        tags: ["admin"],
        summary: "The rate limits in force (RATE_LIMIT_* in the environment), read-only; empty with RATE_LIMITS=off",
        response: { 200: Envelope(Type.Array(RateLimitRow)) },
      },
    },
    async () => {
      const config = app.rateLimitsConfig;
      if (!config) return ok([]);
      // As http/limits.ts applies them: adminLogin has its default when not set.
      const limits = { ...config, adminLogin: config.adminLogin ?? DEFAULT_RATE_LIMITS.adminLogin };
      return ok(
        (Object.keys(limits) as LimitGroup[]).map((group) => ({
          group,
          limit: limits[group]!.max,
          per: limits[group]!.windowMs,
          where: app.redis && !localGroups.has(group) ? ("redis" as const) : ("process" as const),
        })),
      );
    },
  );
};
