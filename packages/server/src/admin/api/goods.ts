import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { AdminContext } from "../context";

/** A tenant's catalogue: goods, categories, pictures, import. */
export const adminGoodsRoutes: FastifyPluginAsyncTypebox<{ context: AdminContext }> = async () => {};
