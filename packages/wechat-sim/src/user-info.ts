import { encryptData, signRawData } from "@wegate/wechat";
import type { SimUserProfile, WechatWorld } from "./world";

/** The plain profile as wx.getUserInfo returns it, fields in WeChat's order (rawData is its JSON). */
export type SimUserInfo = Pick<SimUserProfile, "nickName" | "gender" | "language" | "city" | "province" | "country" | "avatarUrl">;

export interface SimSignedUserInfo {
  userInfo: SimUserInfo;
  rawData: string;
  signature: string;
  encryptedData: string;
  iv: string;
}

export function plainUserInfo(profile: SimUserProfile): SimUserInfo {
  const { nickName, gender, language, city, province, country, avatarUrl } = profile;
  return { nickName, gender, language, city, province, country, avatarUrl };
}

/**
 * What wx.getUserInfo({withCredentials: true}) produces on the phone: the
 * profile signed and encrypted with the user's CURRENT session_key, so data
 * made before a later wx.login no longer decrypts with the newer key.
 * undefined when the user has no live session_key.
 */
export function signedUserInfo(world: WechatWorld, appid: string, userId: string): SimSignedUserInfo | undefined {
  const sessionKey = world.sessionKey(appid, userId);
  if (!sessionKey) return undefined;
  const userInfo = plainUserInfo(world.profile(userId));
  const rawData = JSON.stringify(userInfo);
  const plaintext = {
    openId: world.openid(appid, userId),
    ...userInfo,
    ...(world.isUnionBound(appid) ? { unionId: world.unionid(userId) } : {}),
    watermark: { appid, timestamp: Math.floor(world.clock() / 1000) },
  };
  const { encryptedData, iv } = encryptData({ data: plaintext, sessionKey });
  return { userInfo, rawData, signature: signRawData(rawData, sessionKey), encryptedData, iv };
}
