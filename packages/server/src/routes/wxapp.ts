import type { FastifyRequest } from "fastify";
import { Type } from "typebox";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { ApiError } from "../errors";
import { ok } from "../http/envelope";
import type { NewUser, User } from "../storage/storage";
import { parseExt, profileFromWechat, type WxUserInfo } from "./profile";
import { Appid, Envelope, LoginResult, WxCode } from "./schemas";

const RegisterFields = {
  code: WxCode,
  appid: Type.Optional(Appid),
  referrer: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647, description: "uid of the user who referred this one" })),
  postJsonString: Type.Optional(Type.String({ maxLength: 8192, description: "JSON object of extra fields, kept in the user's ext" })),
};

/** The wx.login / register flow of API Factory's /user/wxapp/* routes. */
export const wxappRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { storage, sessions, secretBox, clock } = app;

  async function exchange(request: FastifyRequest, code: string, appid?: string) {
    const wechat = request.tenant.wechat(appid);
    return { wechat, ...(await wechat.code2Session(code)) };
  }

  /**
   * Registration is one atomic upsert on (tenant, openid). A referrer that is
   * not a user of this tenant is dropped, not an error: registration must not
   * fail on a stale share link.
   */
  async function register(request: FastifyRequest, user: Omit<NewUser, "referrerId">, referrerUid: number | undefined) {
    const referrer = referrerUid ? await storage.findUserById(request.tenant.id, referrerUid) : undefined;
    return storage.createUserIfAbsent(request.tenant.id, { ...user, referrerId: referrer?.id }, clock());
  }

  async function signIn(user: User, sessionKey: string) {
    // Disabled by an operator (the console), who also ended their sessions: no new one.
    if (user.disabledAt !== null) throw new ApiError("userDisabled");
    // Keep only the newest session_key (for legacy bindMobile), sealed: it
    // decrypts the user's data, so it is never returned or logged. It is
    // saved with the new session, in one transaction.
    const token = await sessions.issue(user, { sessionKeyEnc: secretBox.seal(sessionKey) });
    return { token, uid: user.id, openid: user.openid };
  }

  app.post(
    "/user/wxapp/login",
    {
      config: { limit: "login" },
      schema: {
        tags: ["user"],
        summary: "Log in with a wx.login code (10000 when the user is not registered)",
        body: Type.Object({ code: WxCode, appid: Type.Optional(Appid) }),
        response: { 200: Envelope(LoginResult) },
      },
    },
    async (request) => {
      const { openid, sessionKey } = await exchange(request, request.body.code, request.body.appid);
      const user = await storage.findUserByOpenid(request.tenant.id, openid);
      if (!user) throw new ApiError("notRegistered");
      return ok(await signIn(user, sessionKey));
    },
  );

  app.post(
    "/user/wxapp/register/complex",
    {
      config: { limit: "login" },
      schema: {
        tags: ["user"],
        summary: "Register with the profile from wx.getUserInfo (code + encryptedData + iv)",
        body: Type.Object({
          ...RegisterFields,
          encryptedData: Type.String({ minLength: 1, maxLength: 16384 }),
          iv: Type.String({ minLength: 1, maxLength: 64 }),
        }),
        response: { 200: Envelope(Type.Object({ uid: Type.Integer() })) },
      },
    },
    async (request) => {
      const { code, appid, encryptedData, iv, referrer } = request.body;
      const ext = parseExt(request.body.postJsonString, "postJsonString"); // before the code is spent
      const { wechat, openid, unionid, sessionKey } = await exchange(request, code, appid);
      // Decrypt with the session_key of THIS code: the client fetched the data
      // right after this wx.login, and any later login replaces the key on
      // WeChat's side. A stored (older or newer) key would not match.
      const info = wechat.decrypt<WxUserInfo>({ encryptedData, iv, sessionKey });
      if (info.openId !== undefined && info.openId !== openid) throw new ApiError("decryptFailed");
      const { user, created } = await register(
        request,
        { openid, unionid: unionid ?? (typeof info.unionId === "string" ? info.unionId : undefined), ...profileFromWechat(info), ext },
        referrer,
      );
      if (!created) throw new ApiError("alreadyRegistered");
      await storage.saveSessionKey(user.id, secretBox.seal(sessionKey), clock());
      return ok({ uid: user.id });
    },
  );

  app.post(
    "/user/wxapp/register/simple",
    {
      config: { limit: "login" },
      schema: {
        tags: ["user"],
        summary: "Register with the openid only",
        body: Type.Object(RegisterFields),
        response: { 200: Envelope(Type.Object({ uid: Type.Integer() })) },
      },
    },
    async (request) => {
      const ext = parseExt(request.body.postJsonString, "postJsonString"); // before the code is spent
      const { openid, unionid, sessionKey } = await exchange(request, request.body.code, request.body.appid);
      const { user, created } = await register(request, { openid, unionid, ext }, request.body.referrer);
      if (!created) throw new ApiError("alreadyRegistered");
      await storage.saveSessionKey(user.id, secretBox.seal(sessionKey), clock());
      return ok({ uid: user.id });
    },
  );

  app.post(
    "/user/wxapp/authorize",
    {
      config: { limit: "login" },
      schema: {
        tags: ["user"],
        summary: "Silent register-or-login with a wx.login code",
        body: Type.Object(RegisterFields),
        response: { 200: Envelope(LoginResult) },
      },
    },
    async (request) => {
      const ext = parseExt(request.body.postJsonString, "postJsonString"); // before the code is spent
      const { openid, unionid, sessionKey } = await exchange(request, request.body.code, request.body.appid);
      const { user } = await register(request, { openid, unionid, ext }, request.body.referrer);
      return ok(await signIn(user, sessionKey));
    },
  );
};
