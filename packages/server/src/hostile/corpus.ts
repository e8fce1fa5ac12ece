/**
 * The hostile-input corpus: fixed requests over every route, each with the
 * exact answer it must get (HTTP status and envelope code). Every request
 * that would change something is one the server must refuse (or, like
 * deleting another user's favorite, must find nothing to change), so every
 * stored row (fixtures.ts) is the same after the run as before it.
 *
 * Placeholders `__NAME__` stand for values known only at run time (see
 * `Placeholder` in cases/build.ts, filled by run-case.ts); they are replaced
 * in the request's bytes, after encoding. The cases, by area, are in cases/.
 */
import { adminCases } from "./cases/admin";
import { encodedNameCases, tokenCases, wechatCases } from "./cases/auth";
import type { HostileCase } from "./cases/build";
import { mediaCases } from "./cases/media";
import { numberCases } from "./cases/numbers";
import { frameworkCases } from "./cases/protocol";
import { routingCases } from "./cases/routing";
import { bodyCases, nulCases, shopCases } from "./cases/shop";

export type { HostileCase, Placeholder } from "./cases/build";

export interface OpenApi {
  paths: Record<string, Record<string, unknown>>;
}

/** "METHOD /{subDomain}/..." of every tenant route in an OpenAPI document (the server's /openapi.json). */
export function documentedTenantRoutes(openapi: OpenApi): string[] {
  return Object.entries(openapi.paths)
    .filter(([path]) => path.startsWith("/{subDomain}/"))
    .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
}

/** The documented routes none of `requests` ("METHOD /path", tenant first) is addressed to. */
export function uncoveredRoutes(documented: string[], requests: string[]): string[] {
  return documented.filter((route) => {
    const [method, path] = route.split(" ");
    const pattern = new RegExp(`^${method} /[^/]+${path.slice("/{subDomain}".length).replace(/\{[^}]+\}/g, "[^/]+")}$`);
    return !requests.some((request) => pattern.test(request));
  });
}

/** "METHOD /admin/api/..." of every console route in an OpenAPI document. */
export function documentedAdminRoutes(openapi: OpenApi): string[] {
  return Object.entries(openapi.paths)
    .filter(([path]) => path.startsWith("/admin/api/"))
    .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
}

/** The documented console routes none of `requests` ("METHOD /admin/api/...") is addressed to. */
export function uncoveredAdminRoutes(documented: string[], requests: string[]): string[] {
  return documented.filter((route) => {
    const [method, path] = route.split(" ");
    const pattern = new RegExp(`^${method} ${path.replace(/\{[^}]+\}/g, "[^/]+")}$`);
    return !requests.some((request) => pattern.test(request));
  });
}

/** "METHOD /tenant/..." of a case, without its query; undefined for raw requests. */
export function requestLineOf(c: HostileCase): string | undefined {
  return c.raw === undefined ? `${c.method} ${c.path.split("?")[0]}` : undefined;
}

export function hostileCorpus(): HostileCase[] {
  return [...numberCases(), ...frameworkCases, ...encodedNameCases, ...tokenCases(), ...wechatCases, ...shopCases, ...nulCases, ...bodyCases, ...mediaCases, ...routingCases, ...adminCases()];
}
