import { Type } from "typebox";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { ConsoleUser } from "../../accounts/admin-queries";
import { ApiError } from "../../errors";
import { ok } from "../../http/envelope";
import { EmptyEnvelope, Envelope, Paging, pageOf, Uid } from "../../routes/schemas";
import type { AdminContext } from "../context";
import { SubDomain } from "./schemas";

const UserRowFields = {
  uid: Type.Integer(),
  nick: Type.String(),
  avatarUrl: Type.String(),
  mobile: Type.String(),
  openid: Type.String(),
  createdAt: Type.Integer(),
  disabled: Type.Boolean(),
  lastLoginAt: Type.Union([Type.Integer(), Type.Null()]),
};
const UserRow = Type.Object(UserRowFields);

const UserDetail = Type.Object({
  user: Type.Object({
    ...UserRowFields,
    gender: Type.Integer(),
    city: Type.String(),
    province: Type.String(),
    country: Type.String(),
    referrer: Type.Union([Type.Object({ uid: Type.Integer(), nick: Type.String() }), Type.Null()]),
  }),
  favorites: Type.Array(Type.Object({ goodsId: Type.Integer(), goodsName: Type.String(), pic: Type.String(), createdAt: Type.Integer() })),
  cart: Type.Array(Type.Object({ goodsId: Type.Integer(), goodsName: Type.String(), number: Type.Integer(), price: Type.Integer(), skuKey: Type.String() })),
  // Live sessions only, and never their tokens (only hashes are stored anyway) nor the session_key.
  sessions: Type.Array(Type.Object({ id: Type.Integer(), createdAt: Type.Integer(), expiresAt: Type.Integer() })),
});

const SessionId = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });

const userRow = (u: ConsoleUser) => ({
  uid: u.id,
  nick: u.nick,
  avatarUrl: u.avatarUrl,
  mobile: u.mobile,
  openid: u.openid,
  createdAt: u.createdAt,
  disabled: u.disabledAt !== null,
  lastLoginAt: u.lastLoginAt,
});

/** A tenant's mini program users: search, detail, sessions, disable. */
export const adminUserRoutes: FastifyPluginAsyncTypebox<{ context: AdminContext }> = async (app, { context }) => {
  const { storage } = app;

  /** The tenant (if this operator may see it) and its user `uid` (else notFound). */
  async function visibleUser(operator: Parameters<AdminContext["visibleTenant"]>[0], subDomain: string, uid: number) {
    const tenant = await context.visibleTenant(operator, subDomain);
    const user = await storage.findConsoleUser(tenant.id, uid);
    if (!user) throw new ApiError("notFound");
    return { tenant, user };
  }

  app.get(
    "/users",
    {
      schema: {
        tags: ["admin"],
        summary: "Search a tenant's users by uid or openid (exact), nick (contains, any case) or mobile (contains); newest first",
        querystring: Type.Object({
          tenant: SubDomain,
          q: Type.Optional(Type.String({ maxLength: 128 })),
          ...Paging,
        }),
        response: { 200: Envelope(Type.Object({ items: Type.Array(UserRow), total: Type.Integer() })) },
      },
    },
    async (request) => {
      const tenant = await context.visibleTenant(request.admin.operator, request.query.tenant);
      const { items, total } = await storage.searchUsers(tenant.id, { q: request.query.q, ...pageOf(request.query) });
      return ok({ items: items.map(userRow), total });
    },
  );

  app.get(
    "/users/:uid",
    {
      schema: {
        tags: ["admin"],
        summary: "A user's profile, referrer, favorites, cart and live sessions",
        params: Type.Object({ uid: Uid }),
        querystring: Type.Object({ tenant: SubDomain }),
        response: { 200: Envelope(UserDetail) },
      },
    },
    async (request) => {
      const { user } = await visibleUser(request.admin.operator, request.query.tenant, request.params.uid);
      const [referrer, favorites, cart, sessions] = await Promise.all([
        user.referrerId === null ? undefined : storage.findUserById(user.tenantId, user.referrerId),
        storage.userFavorites(user.id),
        storage.userCart(user.id),
        storage.liveSessions(user.id, app.clock()),
      ]);
      return ok({
        user: {
          ...userRow(user),
          gender: user.gender,
          city: user.city,
          province: user.province,
          country: user.country,
          referrer: referrer ? { uid: referrer.id, nick: referrer.nick } : null,
        },
        favorites,
        cart,
        sessions,
      });
    },
  );

  app.post(
    "/users/:uid/revoke-sessions",
    {
      schema: {
        tags: ["admin"],
        summary: "End every session of a user: their tokens answer 2000 at once",
        params: Type.Object({ uid: Uid }),
        body: Type.Object({ tenant: SubDomain }),
        response: { 200: Envelope(Type.Object({ revoked: Type.Integer() })) },
      },
    },
    async (request) => {
      const { operator } = request.admin;
      const tenant = await context.visibleTenant(operator, request.body.tenant);
      const user = await storage.findUserById(tenant.id, request.params.uid);
      if (!user) throw new ApiError("notFound");
      const revoked = await storage.revokeUserSessions(user.id, app.clock());
      await context.audit(request, { operatorId: operator.id, tenantId: tenant.id, action: "revoke-sessions", target: `${tenant.subDomain}/user/${user.id}`, detail: { revoked } });
      return ok({ revoked });
    },
  );

  app.post(
    "/users/:uid/sessions/:sessionId/revoke",
    {
      schema: {
        tags: ["admin"],
        summary: "End one live session of a user (its token answers 2000 at once, on every instance)",
        params: Type.Object({ uid: Uid, sessionId: SessionId }),
        body: Type.Object({ tenant: SubDomain }),
        response: { 200: EmptyEnvelope },
      },
    },
    async (request) => {
      const { operator } = request.admin;
      const { tenant, user } = await visibleUser(operator, request.body.tenant, request.params.uid);
      const now = app.clock();
      // Only a live session of this very user: a session id is no way into another user's (or tenant's).
      const live = (await storage.liveSessions(user.id, now)).some((s) => s.id === request.params.sessionId);
      if (!live) throw new ApiError("notFound");
      // Through the session cache: it forgets the session and tells the other instances (Redis).
      await storage.revokeSession(request.params.sessionId, now);
      await context.audit(request, {
        operatorId: operator.id,
        tenantId: tenant.id,
        action: "revoke-session",
        target: `${tenant.subDomain}/user/${user.id}`,
        detail: { sessionId: request.params.sessionId },
      });
      return ok();
    },
  );

  app.post(
    "/users/:uid/disable",
    {
      schema: {
        tags: ["admin"],
        summary: "Disable a user: every session ends at once and their logins are refused (30012) until enabled",
        params: Type.Object({ uid: Uid }),
        body: Type.Object({ tenant: SubDomain }),
        response: { 200: EmptyEnvelope },
      },
    },
    async (request) => {
      const { operator } = request.admin;
      const { tenant, user } = await visibleUser(operator, request.body.tenant, request.params.uid);
      const now = app.clock();
      // Marked first, then the sessions end: no login checks the user after the mark and still
      // gets a session. (One past its check at this very moment may finish; disabling again ends it.)
      if (user.disabledAt === null) await storage.setUserDisabled(tenant.id, user.id, now);
      const revoked = await storage.revokeUserSessions(user.id, now);
      await context.audit(request, { operatorId: operator.id, tenantId: tenant.id, action: "disable-user", target: `${tenant.subDomain}/user/${user.id}`, detail: { revoked } });
      return ok();
    },
  );

  app.post(
    "/users/:uid/enable",
    {
      schema: {
        tags: ["admin"],
        summary: "Enable a disabled user: they may log in again",
        params: Type.Object({ uid: Uid }),
        body: Type.Object({ tenant: SubDomain }),
        response: { 200: EmptyEnvelope },
      },
    },
    async (request) => {
      const { operator } = request.admin;
      const { tenant, user } = await visibleUser(operator, request.body.tenant, request.params.uid);
      await storage.setUserDisabled(tenant.id, user.id, null);
      await context.audit(request, { operatorId: operator.id, tenantId: tenant.id, action: "enable-user", target: `${tenant.subDomain}/user/${user.id}`, detail: {} });
      return ok();
    },
  );
};
