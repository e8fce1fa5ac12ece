import { Type } from "typebox";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { ApiError, detail } from "../errors";
import { tokenOf, requireSession } from "../http/auth";
import { ok, sendSerialized } from "../http/envelope";
import type { User } from "../storage/storage";
import { isHttpUrl, isPhoneLocalPath, NICK_MAX, parseExt } from "./profile";
import { EmptyEnvelope, Envelope, Token, TokenQuery, Uid } from "./schemas";

const UserDetail = Type.Object({
  base: Type.Object({
    id: Type.Integer(),
    nick: Type.String(),
    avatarUrl: Type.String(),
    gender: Type.Integer(),
    city: Type.String(),
    province: Type.String(),
    country: Type.String(),
    mobile: Type.String(),
    referrer: Type.Union([Type.Integer(), Type.Null()]),
    dateAdd: Type.String({ description: "Registration time, China Standard Time (UTC+8), as API Factory gives it" }),
  }),
  ext: Type.Record(Type.String(), Type.String()),
});

/** "2026-11-24 11:45:10" in China Standard Time, the format API Factory clients display. */
export function formatDateAdd(epochMs: number): string {
  return new Date(epochMs + 8 * 3600_000).toISOString().slice(0, 19).replace("T", " ");
}

function detailOf(user: User) {
  return {
    base: {
      id: user.id,
      nick: user.nick,
      avatarUrl: user.avatarUrl,
      gender: user.gender,
      city: user.city,
      province: user.province,
      country: user.country,
      mobile: user.mobile,
      referrer: user.referrerId,
      dateAdd: formatDateAdd(user.createdAt),
    },
    ext: user.ext,
  };
}

const ProfileText = (max: number) => Type.String({ maxLength: max });

export const userRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { storage, sessions, clock } = app;

  async function currentUser(tenantId: number, userId: number): Promise<User> {
    const user = await storage.findUserById(tenantId, userId);
    // A session whose user was deleted is no login at all.
    if (!user) throw new ApiError("notLoggedIn");
    return user;
  }

  let validToken: Buffer | undefined;
  app.get(
    "/user/check-token",
    {
      schema: { tags: ["user"], summary: "0 while the token is valid, 2000 otherwise", querystring: TokenQuery, response: { 200: EmptyEnvelope } },
      preHandler: requireSession,
    },
    // Its answer never changes: serialized once by the route's schema, then its bytes are reused.
    (_request, reply) => {
      sendSerialized(reply, (validToken ??= Buffer.from(String(reply.serialize(ok())))));
    },
  );

  app.get(
    "/user/loginout",
    { schema: { tags: ["user"], summary: "Revoke the token at once", querystring: TokenQuery, response: { 200: EmptyEnvelope } } },
    async (request) => {
      const token = tokenOf(request);
      if (!token) throw new ApiError("notLoggedIn");
      // Idempotent: logging out a token that is already dead reaches the same state.
      await sessions.revoke(request.tenant.id, token);
      return ok();
    },
  );

  app.get(
    "/user/detail",
    {
      schema: { tags: ["user"], summary: "The logged-in user's profile", querystring: TokenQuery, response: { 200: Envelope(UserDetail) } },
      preHandler: requireSession,
    },
    async (request) => ok(detailOf(await currentUser(request.tenant.id, request.session.userId))),
  );

  app.post(
    "/user/modify",
    {
      schema: {
        tags: ["user"],
        summary: "Save the profile from the avatar/nickname fill-in components",
        body: Type.Object({
          token: Type.Optional(Token),
          nick: Type.Optional(ProfileText(256)),
          avatarUrl: Type.Optional(ProfileText(1024)),
          gender: Type.Optional(Type.Integer({ minimum: 0, maximum: 2, description: "0 unknown, 1 male, 2 female" })),
          city: Type.Optional(ProfileText(64)),
          province: Type.Optional(ProfileText(64)),
          country: Type.Optional(ProfileText(64)),
          extJsonStr: Type.Optional(Type.String({ maxLength: 8192, description: "JSON object merged into the user's ext" })),
        }),
        response: { 200: EmptyEnvelope },
      },
      preHandler: requireSession,
    },
    async (request) => {
      const { nick, avatarUrl, gender, city, province, country, extJsonStr } = request.body;
      const trimmedNick = nick?.trim();
      if (trimmedNick !== undefined && trimmedNick.length === 0) throw new ApiError("badInput", detail("昵称不能为空", "nick must not be blank"));
      if (trimmedNick !== undefined && [...trimmedNick].length > NICK_MAX) {
        throw new ApiError("badInput", detail(`昵称最多 ${NICK_MAX} 个字符`, `nick must be at most ${NICK_MAX} characters`));
      }
      // A temporary path from chooseAvatar loads only on the phone that chose it: the image must be uploaded first.
      if (avatarUrl !== undefined && isPhoneLocalPath(avatarUrl.trim())) throw new ApiError("avatarNotUploaded");
      if (avatarUrl !== undefined && !isHttpUrl(avatarUrl.trim())) throw new ApiError("badInput", detail("avatarUrl 应当是 http(s) 地址", "avatarUrl must be an http(s) URL"));
      const extPatch = parseExt(extJsonStr, "extJsonStr");
      const user = await currentUser(request.tenant.id, request.session.userId);
      await storage.updateUser(
        user.id,
        {
          nick: trimmedNick,
          avatarUrl: avatarUrl?.trim(),
          gender,
          city: city?.trim(),
          province: province?.trim(),
          country: country?.trim(),
          ext: extPatch && { ...user.ext, ...extPatch },
        },
        clock(),
      );
      return ok();
    },
  );

  app.get(
    "/user/check-referrer",
    {
      schema: {
        tags: ["user"],
        summary: "0 when the referrer uid is a user of this tenant, 700 otherwise",
        querystring: Type.Object({ referrer: Uid }),
        response: { 200: EmptyEnvelope },
      },
    },
    async (request) => {
      const user = await storage.findUserById(request.tenant.id, request.query.referrer);
      if (!user) throw new ApiError("notFound");
      return ok();
    },
  );
};
