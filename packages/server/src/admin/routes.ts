import { Type } from "typebox";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyRequest, RouteOptions } from "fastify";
import { ApiError } from "../errors";
import { ok } from "../http/envelope";
import { randomBytes } from "../random";
import { EmptyEnvelope, Envelope } from "../routes/schemas";
import { hashToken, newToken } from "../tokens";
import { adminCookie, clearedAdminCookie } from "./cookie";
import { authenticate, checkOrigin, isStateChanging } from "./guard";
import { dummyHash, verifyPassword } from "./password";
import { ADMIN_LOCKOUT, ADMIN_MAX_AGE_MS } from "./policy";
import { matchTotp } from "./totp";
import { adminAuditRoutes } from "./api/audit";
import { adminDashboardRoutes } from "./api/dashboard";
import { adminGoodsRoutes } from "./api/goods";
import type { MediaRoutesOptions } from "../media/routes";
import { adminTenantRoutes } from "./api/tenants";
import { adminSettingsRoutes } from "./api/settings";
import { adminUserRoutes } from "./api/users";
import { adminContext } from "./context";
import type { AdminStore, Operator } from "./store";

export interface AdminRoutesOptions {
  store: AdminStore;
  /** PUBLIC_URL when set: its scheme decides the cookie's Secure flag, and its origin is the console's own. */
  publicUrl?: string;
  limitRoute?: (route: RouteOptions) => void;
  /** The uploads' store and pipeline, for goods pictures (POST /pictures); without it there is none. */
  media?: MediaRoutesOptions;
}

const Me = Type.Object({ csrfToken: Type.String(), username: Type.String(), tenant: Type.Union([Type.String(), Type.Null()]) });

/** The operator console's API under /admin/api: its own cookie session, CSRF token and audit log. */
export const adminRoutes: FastifyPluginAsyncTypebox<AdminRoutesOptions> = async (app, options) => {
  const { store } = options;
  const secure = options.publicUrl?.startsWith("https:") ?? false;
  const ownOrigins = (request: FastifyRequest) => [
    ...(options.publicUrl ? [new URL(options.publicUrl).origin] : []),
    `${request.protocol}://${request.host}`,
  ];

  app.decorateRequest("admin", null as never);
  if (options.limitRoute) app.addHook("onRoute", options.limitRoute);
  app.addHook("onRequest", async (request) => {
    if (isStateChanging(request)) checkOrigin(request, ownOrigins);
  });
  // Every route but login needs the session (opted out by `config.adminPublic`),
  // checked before the parameters: without one, every request answers 401.
  app.addHook("preValidation", async (request) => {
    if (request.routeOptions.config.adminPublic) return;
    await authenticate(request, store, app.clock());
  });

  const context = adminContext(app, store);
  const { audit } = context;

  app.post(
    "/login",
    {
      config: { adminPublic: true, limit: "adminLogin" },
      schema: {
        tags: ["admin"],
        summary: "Log in: sets the wegate_admin cookie and answers the CSRF token to send with every write",
        description: "An operator with TOTP on (wegate admin totp) also sends `otp`, the authenticator's code: without it the answer is 60030, with a wrong or used one 60031 (both count as failed logins).",
        body: Type.Object({
          username: Type.String({ minLength: 1, maxLength: 64 }),
          password: Type.String({ minLength: 1, maxLength: 1024 }),
          otp: Type.Optional(Type.String({ maxLength: 16 })),
        }),
        response: { 200: Envelope(Me) },
      },
    },
    async (request, reply) => {
      const { username, password, otp } = request.body;
      const now = app.clock();
      const failed = async (operator: Operator, detail: Record<string, unknown>) => {
        const { lockedUntil } = await store.recordFailedLogin(operator.id, now, ADMIN_LOCKOUT);
        await audit(request, { operatorId: operator.id, tenantId: operator.tenantId, action: "login-failed", target: operator.username, detail: { ...detail, locked: lockedUntil !== null } });
      };
      const operator = await store.findOperator(username);
      // Locked whatever the password and wherever the guess comes from: a lock only per address would let a botnet go on guessing.
      if (operator?.lockedUntil && operator.lockedUntil > now) {
        reply.header("retry-after", Math.ceil((operator.lockedUntil - now) / 1000));
        await audit(request, { operatorId: operator.id, tenantId: operator.tenantId, action: "login-locked", target: operator.username, detail: {} });
        throw new ApiError("adminAccountLocked");
      }
      // An unknown name costs one hash too, and every failure has the same answer: no way to learn which names exist.
      const matches = await verifyPassword(password, operator?.passwordHash ?? (await dummyHash()));
      if (!operator || !matches || operator.disabled) {
        if (operator) {
          await failed(operator, {});
        } else {
          // The name tried is not kept: it may be a password typed in the wrong field.
          await audit(request, { operatorId: null, tenantId: null, action: "login-failed", target: "", detail: { unknownUser: true } });
        }
        throw new ApiError("adminLoginFailed");
      }
      if (operator.totpSecretEnc !== null) {
        // Asked for only once the password is right; a missing code counts as a failure too, so the lockout bounds code guessing.
        const code = otp?.trim() ?? "";
        const step = code === "" ? null : matchTotp(app.secretBox.open(operator.totpSecretEnc), code, now);
        if (step === null || !(await store.useTotpStep(operator.id, step))) {
          await failed(operator, { totp: code === "" ? "missing" : step === null ? "wrong" : "reused" });
          throw new ApiError(code === "" ? "adminTotpRequired" : "adminTotpInvalid");
        }
      }
      await store.recordLogin(operator.id);
      const token = newToken();
      const csrfToken = randomBytes(32).toString("base64url");
      await store.createAdminSession({ operatorId: operator.id, tokenHash: hashToken(token), csrfToken, createdAt: now, expiresAt: now + ADMIN_MAX_AGE_MS });
      await audit(request, { operatorId: operator.id, tenantId: operator.tenantId, action: "login", target: operator.username, detail: {} });
      reply.header("set-cookie", adminCookie(token, secure));
      return ok({ csrfToken, username: operator.username, tenant: operator.tenant });
    },
  );

  app.post("/logout", { schema: { tags: ["admin"], summary: "End the console session", response: { 200: EmptyEnvelope } } }, async (request, reply) => {
    const { session, operator } = request.admin;
    await store.revokeAdminSession(session.id, app.clock());
    await audit(request, { operatorId: operator.id, tenantId: operator.tenantId, action: "logout", target: operator.username, detail: {} });
    reply.header("set-cookie", clearedAdminCookie(secure));
    return ok();
  });

  app.get("/me", { schema: { tags: ["admin"], summary: "Who is logged in (and the CSRF token again, after a page reload)", response: { 200: Envelope(Me) } } }, async (request) => {
    const { session, operator } = request.admin;
    return ok({ csrfToken: session.csrfToken, username: operator.username, tenant: operator.tenant });
  });

  await app.register(adminTenantRoutes, { context });
  await app.register(adminUserRoutes, { context });
  await app.register(adminGoodsRoutes, { context, media: options.media });
  await app.register(adminDashboardRoutes, { context });
  await app.register(adminAuditRoutes, { context });
  await app.register(adminSettingsRoutes);
};
