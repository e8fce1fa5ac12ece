import type { FastifyReply, FastifyRequest } from "fastify";
import { ApiError } from "../errors";

function firstString(value: unknown): string | undefined {
  if (typeof value === "string" && value !== "") return value;
  if (Array.isArray(value)) return firstString(value[0]);
  return undefined;
}

/**
 * The token as API Factory clients send it (a `token` query or body field), or
 * as other clients do (`Authorization: Bearer`, `X-Token`).
 */
export function tokenOf(request: FastifyRequest): string | undefined {
  const fromParams =
    firstString((request.query as Record<string, unknown> | undefined)?.token) ??
    firstString((request.body as Record<string, unknown> | undefined)?.token);
  if (fromParams) return fromParams;
  const authorization = request.headers.authorization;
  if (typeof authorization === "string" && /^bearer\s+/i.test(authorization)) return authorization.replace(/^bearer\s+/i, "").trim();
  return firstString(request.headers["x-token"]);
}

/**
 * preHandler for routes behind the token: sets request.session or answers
 * 2000. Callback style: a session held in memory goes on without a promise.
 */
export function requireSession(request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void): void {
  const { sessions } = request.server;
  const token = tokenOf(request);
  const cached = sessions.validateCached(request.tenant.id, token);
  if (cached) {
    request.session = cached;
    return done();
  }
  sessions.validate(request.tenant.id, token).then((session) => {
    if (!session) return done(new ApiError("notLoggedIn"));
    request.session = session;
    done();
  }, done);
}
