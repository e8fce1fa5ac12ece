import { ApiError, detail } from "../errors";
import type { UserProfile } from "../storage/storage";

export const NICK_MAX = 32;
const EXT_MAX_KEYS = 50;
const EXT_MAX_VALUE = 1024;

/** The plaintext of wx.getUserInfo's encryptedData. */
export interface WxUserInfo {
  openId?: string;
  unionId?: string;
  nickName?: unknown;
  avatarUrl?: unknown;
  gender?: unknown;
  city?: unknown;
  province?: unknown;
  country?: unknown;
}

function text(value: unknown, max: number): string {
  return typeof value === "string" ? [...value.trim()].slice(0, max).join("") : "";
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/** Profile fields from WeChat's decrypted user info, clipped to what we store. */
export function profileFromWechat(info: WxUserInfo): UserProfile {
  const avatarUrl = text(info.avatarUrl, 1024);
  const gender = Number(info.gender);
  return {
    nick: text(info.nickName, NICK_MAX),
    avatarUrl: isHttpUrl(avatarUrl) ? avatarUrl : "",
    gender: gender === 1 || gender === 2 ? gender : 0,
    city: text(info.city, 64),
    province: text(info.province, 64),
    country: text(info.country, 64),
  };
}

/**
 * API Factory's `postJsonString` / `extJsonStr`: a JSON object of extra user
 * fields, kept as strings in the user's `ext`.
 */
export function parseExt(json: string | undefined, field: string): Record<string, string> | undefined {
  if (json === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new ApiError("badInput", detail(`${field} 应当是 JSON 对象`, `${field} must be a JSON object`));
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ApiError("badInput", detail(`${field} 应当是 JSON 对象`, `${field} must be a JSON object`));
  }
  const entries = Object.entries(value);
  if (entries.length > EXT_MAX_KEYS) throw new ApiError("badInput", detail(`${field} 的字段超过 ${EXT_MAX_KEYS} 个`, `${field} has more than ${EXT_MAX_KEYS} fields`));
  return Object.fromEntries(
    entries.map(([key, raw]) => {
      const stringValue = typeof raw === "string" ? raw : JSON.stringify(raw);
      if (key.length > 64 || stringValue.length > EXT_MAX_VALUE) {
        throw new ApiError("badInput", detail(`${field}: 字段 ${key.slice(0, 64)} 过长`, `${field}: field ${key.slice(0, 64)} is too long`));
      }
      return [key, stringValue];
    }),
  );
}
