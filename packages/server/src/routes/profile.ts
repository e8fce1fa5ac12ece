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

/** Control characters (NUL among them: PostgreSQL text cannot hold it) have no place in a name or a place. */
const CONTROL = /[\u0000-\u001f\u007f]/g;

function text(value: unknown, max: number): string {
  return typeof value === "string" ? [...value.replace(CONTROL, "").trim()].slice(0, max).join("") : "";
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/**
 * A path that names a file on the phone itself: what chooseAvatar, chooseMedia
 * and the like hand out (`http://tmp/...` in the simulator and newer base
 * libraries, `wxfile://...` on devices; `http://usr/...` and `http://store/...`
 * for the user data and saved files). No one else can ever load one.
 */
export function isPhoneLocalPath(value: string): boolean {
  if (/^wxfile:/i.test(value)) return true;
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && ["tmp", "usr", "store"].includes(url.hostname);
  } catch {
    return false;
  }
}

/** What getUserInfo/getUserProfile answer for every user since late 2022: no real profile. */
const ANONYMOUS_NICK = "微信用户";
const GREY_AVATAR_PATH = "/mmopen/vi_32/POgEwh4mIHO4nibH0KlMECNjjGxQUq24ZEaGT4poC6icRiccVGKSyXwibcPq4BWmiaIGuG1icwxaQX6grC9VemZoJ8rg/";

function isGreyAvatar(value: string): boolean {
  try {
    const url = new URL(value);
    return /(^|\.)qlogo\.cn$/.test(url.hostname) && url.pathname.startsWith(GREY_AVATAR_PATH);
  } catch {
    return false;
  }
}

/**
 * Profile fields from WeChat's decrypted user info, clipped to what we store.
 * The anonymous "微信用户" and the grey default avatar count as absent (""):
 * they are not the user's, and an empty field is what makes a mini program
 * ask for the real ones (avatar and nickname fill-in).
 */
export function profileFromWechat(info: WxUserInfo): UserProfile {
  const avatarUrl = text(info.avatarUrl, 1024);
  const nick = text(info.nickName, NICK_MAX);
  const gender = Number(info.gender);
  return {
    nick: nick === ANONYMOUS_NICK ? "" : nick,
    avatarUrl: isHttpUrl(avatarUrl) && !isGreyAvatar(avatarUrl) && !isPhoneLocalPath(avatarUrl) ? avatarUrl : "",
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
