import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from "fastify";
import { SUBDOMAIN_PATTERN } from "../config";
import { ApiError } from "../errors";
import { mediaRoutes, type MediaRoutesOptions } from "../media/routes";
import { cartRoutes } from "../routes/cart";
import { phoneRoutes } from "../routes/phone";
import { shopRoutes } from "../routes/shop";
import { userRoutes } from "../routes/user";
import { wxappRoutes } from "../routes/wxapp";
import type { TenantContext } from "../tenants";

const subDomainRegex = new RegExp(SUBDOMAIN_PATTERN);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const absent = (value: unknown) => value === "" || value === null;

function withoutAbsent(params: Record<string, unknown>): Record<string, unknown> {
  // Most requests have no empty field: keep their object as it is.
  if (!Object.values(params).some(absent)) return params;
  return Object.fromEntries(Object.entries(params).filter(([, value]) => !absent(value)));
}

/**
 * API Factory's client sends empty strings for unused optional fields
 * (`referrer: ''`) — empty means absent, and so does a JSON null (ajv would
 * turn it into 0 or "" and overwrite what is stored). A POST may also carry its parameters
 * in the query string; body fields win.
 */
function normalizeParams(request: FastifyRequest, _reply: FastifyReply, done: () => void) {
  const query = isPlainObject(request.query) ? withoutAbsent(request.query) : {};
  request.query = query;
  if (request.method !== "GET" && request.method !== "HEAD") {
    const body = isPlainObject(request.body) ? request.body : request.body == null ? {} : undefined;
    if (body) request.body = withoutAbsent({ ...query, ...body });
  }
  done();
}

/** Everything under /{subDomain}: resolves the tenant, then the tenant's routes. */
export async function tenantScope(app: FastifyInstance, options: { limitRoute?: (route: RouteOptions) => void; media?: MediaRoutesOptions }) {
  if (options.limitRoute) app.addHook("onRoute", options.limitRoute);
  // Callback-style hooks: nearly every request finds its tenant cached and
  // goes on without a promise round trip.
  app.addHook("onRequest", (request, _reply, done) => {
    const { subDomain } = request.params as { subDomain?: string };
    if (!subDomain || !subDomainRegex.test(subDomain)) return done(new ApiError("tenantNotFound"));
    const found = (tenant: TenantContext | undefined) => {
      if (!tenant) return done(new ApiError("tenantNotFound"));
      request.tenant = tenant;
      done();
    };
    const cached = app.tenants.cached(subDomain);
    if (cached) found(cached);
    else app.tenants.resolve(subDomain).then(found, done);
  });
  app.addHook("preValidation", normalizeParams);
  await app.register(wxappRoutes);
  await app.register(userRoutes);
  await app.register(phoneRoutes);
  await app.register(shopRoutes);
  await app.register(cartRoutes);
  if (options.media) await app.register(mediaRoutes, options.media);
}
