import { Type } from "typebox";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { isWechatError, type PhoneNumber } from "@wegate/wechat";
import { ApiError, detail } from "../errors";
import { requireSession } from "../http/auth";
import { ok } from "../http/envelope";
import { Appid, Envelope, Token, WxCode } from "./schemas";

const Mobile = Type.String({ description: "The phone number as WeChat gives it: bare for mainland China, +countrycode otherwise" });

/** What to keep of WeChat's answer (new or old style): its phoneNumber, checked. */
function mobileOf(phone: Partial<Record<keyof PhoneNumber, unknown>>): string {
  const { phoneNumber } = phone;
  if (typeof phoneNumber !== "string" || !/^\+?[\d -]{3,30}$/.test(phoneNumber)) {
    throw new ApiError("decryptFailed", detail("数据中没有手机号", "the data holds no phone number"));
  }
  return phoneNumber;
}

/** Binding the user's phone number: /user/wxapp/bindMobile(/v2). */
export const phoneRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { storage, secretBox, clock } = app;

  app.post(
    "/user/wxapp/bindMobile/v2",
    {
      config: { limit: "phone" },
      schema: {
        tags: ["user"],
        summary: "Bind the phone number behind a getPhoneNumber button code (WeChat getuserphonenumber)",
        body: Type.Object({
          token: Type.Optional(Token),
          code: Type.String({ minLength: 1, maxLength: 128, description: "e.detail.code of <button open-type=\"getPhoneNumber\">" }),
          appid: Type.Optional(Appid),
        }),
        response: { 200: Envelope(Mobile) },
      },
      preHandler: requireSession,
    },
    async (request) => {
      const wechat = request.tenant.wechat(request.body.appid);
      let phone: PhoneNumber;
      try {
        phone = await wechat.getPhoneNumber(request.body.code);
      } catch (error) {
        // A bad phone code is the user's to retry, not a login problem.
        if (isWechatError(error) && (error.kind === "invalid_code" || error.kind === "code_used")) throw new ApiError("phoneCodeInvalid");
        throw error;
      }
      const mobile = mobileOf(phone);
      await storage.updateUser(request.session.userId, { mobile }, clock());
      return ok(mobile);
    },
  );

  app.post(
    "/user/wxapp/bindMobile",
    {
      config: { limit: "phone" },
      schema: {
        tags: ["user"],
        summary: "Bind the phone number from old-style encryptedData + iv (with a fresh wx.login code, or the stored session_key)",
        body: Type.Object({
          token: Type.Optional(Token),
          encryptedData: Type.String({ minLength: 1, maxLength: 16384 }),
          iv: Type.String({ minLength: 1, maxLength: 64 }),
          code: Type.Optional(WxCode),
          appid: Type.Optional(Appid),
        }),
        response: { 200: Envelope(Mobile) },
      },
      preHandler: requireSession,
    },
    async (request) => {
      const { encryptedData, iv, code, appid } = request.body;
      const { userId } = request.session;
      const wechat = request.tenant.wechat(appid);
      let sessionKey: string;
      if (code) {
        const user = await storage.findUserById(request.tenant.id, userId);
        const session = await wechat.code2Session(code);
        if (!user || session.openid !== user.openid) throw new ApiError("badInput", detail("code 属于另一个用户", "code was made for another user"));
        sessionKey = session.sessionKey;
        await storage.saveSessionKey(userId, secretBox.seal(sessionKey), clock());
      } else {
        const sealed = await storage.findSessionKey(userId);
        if (!sealed) throw new ApiError("noSessionKey");
        sessionKey = secretBox.open(sealed);
      }
      const mobile = mobileOf(wechat.decrypt({ encryptedData, iv, sessionKey }));
      await storage.updateUser(userId, { mobile }, clock());
      return ok(mobile);
    },
  );
};
