import { timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { ApiError } from "../errors";
import { hashToken, isWellFormedToken } from "../tokens";
import { adminCookieOf } from "./cookie";
import { adminSessionState } from "./policy";
import type { AdminSession, AdminStore, Operator } from "./store";

declare module "fastify" {
  interface FastifyContextConfig {
    /** An /admin/api route open without the console session (login). */
    adminPublic?: boolean;
  }
  interface FastifyRequest {
    /** Set on /admin/api routes behind the console session. */
    admin: { session: AdminSession; operator: Operator };
  }
}

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export const isStateChanging = (request: FastifyRequest) => STATE_CHANGING.has(request.method);

/**
 * A browser names the page that sent a request in Origin (and
 * Sec-Fetch-Site): a write sent by another site's page is refused even
 * before the CSRF token is looked at. Clients that send neither (curl, the
 * CLI) are not browsers and cannot be tricked by one.
 */
export function checkOrigin(request: FastifyRequest, ownOrigins: (request: FastifyRequest) => string[]) {
  if (request.headers["sec-fetch-site"] === "cross-site") throw new ApiError("adminCsrfFailed");
  const origin = request.headers.origin;
  if (origin !== undefined && !ownOrigins(request).includes(origin)) throw new ApiError("adminCsrfFailed");
}

function sameSecret(sent: string, expected: string): boolean {
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Sets request.admin from the cookie's live session (refreshing its
 * last_seen_at) or answers adminNotLoggedIn; a write must also carry the
 * session's CSRF token in X-CSRF-Token, which another site's page cannot
 * read (the cookie it cannot send either, SameSite=Strict: two locks).
 */
export async function authenticate(request: FastifyRequest, store: AdminStore, now: number): Promise<void> {
  const token = adminCookieOf(request);
  const found = token && isWellFormedToken(token) ? await store.findAdminSession(hashToken(token)) : undefined;
  if (!found || found.operator.disabled || adminSessionState(found.session, now) !== "live") throw new ApiError("adminNotLoggedIn");
  if (isStateChanging(request)) {
    const sent = request.headers["x-csrf-token"];
    if (typeof sent !== "string" || !sameSecret(sent, found.session.csrfToken)) throw new ApiError("adminCsrfFailed");
  }
  await store.touchAdminSession(found.session.id, now);
  request.admin = found;
}
