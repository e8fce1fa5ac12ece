import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { AdminContext } from "../context";

/** How the shops are doing: counts and per-day series. */
export const adminDashboardRoutes: FastifyPluginAsyncTypebox<{ context: AdminContext }> = async () => {};
