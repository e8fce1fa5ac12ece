/**
 * The hostile-input corpus: fixed requests over every route, each with the
 * exact answer it must get (HTTP status and envelope code). Every request
 * that would change something is one the server must refuse, so the data of
 * the seeded users (fixtures.ts) is the same after the run as before it.
 *
 * Placeholders `__NAME__` stand for values known only at run time (see
 * `Placeholders`); they are replaced in the request's bytes, after encoding.
 */
import { encodedNameCases, tokenCases, wechatCases } from "./cases/auth";
import type { HostileCase } from "./cases/build";
import { numberCases } from "./cases/numbers";
import { frameworkCases } from "./cases/protocol";
import { routingCases } from "./cases/routing";
import { bodyCases, nulCases, shopCases } from "./cases/shop";

export type { HostileCase, Placeholder } from "./cases/build";

export interface OpenApi {
  paths: Record<string, Record<string, unknown>>;
}

export function documentedTenantRoutes(openapi: OpenApi): string[] {
  return Object.entries(openapi.paths)
    .filter(([path]) => path.startsWith("/{subDomain}/"))
    .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
}

/** "METHOD /{subDomain}/..." of the tenant route a case is addressed to. */
export function tenantRouteOf(c: HostileCase): string | undefined {
  const match = /^\/[^/?]+(\/[^?]*)/.exec(c.path);
  return c.raw === undefined && match ? `${c.method} /{subDomain}${match[1]}` : undefined;
}

export function hostileCorpus(): HostileCase[] {
  return [...numberCases(), ...frameworkCases, ...encodedNameCases, ...tokenCases(), ...wechatCases, ...shopCases, ...nulCases, ...bodyCases, ...routingCases];
}
