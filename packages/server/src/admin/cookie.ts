import type { FastifyRequest } from "fastify";
import { ADMIN_COOKIE, ADMIN_MAX_AGE_MS } from "./policy";

/** The console cookie's value, or undefined (the Cookie header's first pair of that name). */
export function adminCookieOf(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (typeof header !== "string") return undefined;
  for (const pair of header.split(";")) {
    const at = pair.indexOf("=");
    if (at > 0 && pair.slice(0, at).trim() === ADMIN_COOKIE) return pair.slice(at + 1).trim();
  }
  return undefined;
}

/**
 * HttpOnly: page scripts (and so an injected one) never read the token.
 * SameSite=Strict: no other site's page makes the browser send it. Path=/admin:
 * the shop API under /{subDomain} never receives it. Secure when the server is
 * reached over https, so it never travels in clear.
 */
export function adminCookie(token: string, secure: boolean): string {
  return [`${ADMIN_COOKIE}=${token}`, "Path=/admin", "HttpOnly", "SameSite=Strict", `Max-Age=${ADMIN_MAX_AGE_MS / 1000}`, ...(secure ? ["Secure"] : [])].join("; ");
}

export function clearedAdminCookie(secure: boolean): string {
  return [`${ADMIN_COOKIE}=`, "Path=/admin", "HttpOnly", "SameSite=Strict", "Max-Age=0", ...(secure ? ["Secure"] : [])].join("; ");
}
