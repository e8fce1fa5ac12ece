import type { FastifyInstance, FastifyRequest } from "fastify";
import { SUBDOMAIN_PATTERN } from "../config";
import { ApiError } from "../errors";
import { cartRoutes } from "../routes/cart";
import { phoneRoutes } from "../routes/phone";
import { shopRoutes } from "../routes/shop";
import { userRoutes } from "../routes/user";
import { wxappRoutes } from "../routes/wxapp";

const subDomainRegex = new RegExp(SUBDOMAIN_PATTERN);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function withoutEmptyStrings(params: Record<string, unknown>): Record<string, unknown> {
  // Most requests have no empty field: keep their object as it is.
  if (!Object.values(params).includes("")) return params;
  return Object.fromEntries(Object.entries(params).filter(([, value]) => value !== ""));
}

/**
 * API Factory's client sends empty strings for unused optional fields
 * (`referrer: ''`) — empty means absent. A POST may also carry its parameters
 * in the query string; body fields win.
 */
async function normalizeParams(request: FastifyRequest) {
  const query = isPlainObject(request.query) ? withoutEmptyStrings(request.query) : {};
  request.query = query;
  if (request.method !== "GET" && request.method !== "HEAD") {
    const body = isPlainObject(request.body) ? request.body : request.body == null ? {} : undefined;
    if (body) request.body = withoutEmptyStrings({ ...query, ...body });
  }
}

/** Everything under /{subDomain}: resolves the tenant, then the tenant's routes. */
export async function tenantScope(app: FastifyInstance) {
  app.addHook("onRequest", async (request) => {
    const { subDomain } = request.params as { subDomain?: string };
    const tenant = subDomain && subDomainRegex.test(subDomain) ? await app.tenants.resolve(subDomain) : undefined;
    if (!tenant) throw new ApiError("tenantNotFound");
    request.tenant = tenant;
  });
  app.addHook("preValidation", normalizeParams);
  await app.register(wxappRoutes);
  await app.register(userRoutes);
  await app.register(phoneRoutes);
  await app.register(shopRoutes);
  await app.register(cartRoutes);
}
