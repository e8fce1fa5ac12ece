import { createHash } from "node:crypto";
import { encryptData } from "@wegate/wechat";
import type { WechatWorld } from "./world";

/** A user's bound phone number; countryCode without "+", e.g. "86". */
export interface SimPhone {
  countryCode: string;
  purePhoneNumber: string;
}

/** The three fields WeChat reports for a phone number (both the code and the encrypted style). */
export interface SimPhoneInfo {
  phoneNumber: string;
  purePhoneNumber: string;
  countryCode: string;
}

/** A stable mainland number per user ("138" + 8 digits), so tests can predict it. */
export function defaultPhone(userId: string): SimPhone {
  const digits = BigInt("0x" + createHash("sha256").update(`phone\0${userId}`, "utf8").digest("hex").slice(0, 15)) % 100_000_000n;
  return { countryCode: "86", purePhoneNumber: "138" + digits.toString().padStart(8, "0") };
}

/**
 * WeChat documents phoneNumber as "the bound number; numbers outside mainland
 * China carry the country code". Mainland numbers come bare; for the others the
 * simulator writes "+<countryCode><purePhoneNumber>". Servers should store
 * countryCode and purePhoneNumber rather than parse phoneNumber.
 */
export function phoneInfo(phone: SimPhone): SimPhoneInfo {
  const { countryCode, purePhoneNumber } = phone;
  const phoneNumber = countryCode === "86" ? purePhoneNumber : `+${countryCode}${purePhoneNumber}`;
  return { phoneNumber, purePhoneNumber, countryCode };
}

/**
 * The old-style encryptedData of `<button open-type="getPhoneNumber">`, made
 * with the user's CURRENT session_key (countryCode is a string in this style).
 * undefined when the user has no live session_key.
 */
export function encryptedPhoneNumber(world: WechatWorld, appid: string, userId: string): { encryptedData: string; iv: string } | undefined {
  const sessionKey = world.sessionKey(appid, userId);
  if (!sessionKey) return undefined;
  const plaintext = { ...phoneInfo(world.phone(userId)), watermark: { appid, timestamp: Math.floor(world.clock() / 1000) } };
  return encryptData({ data: plaintext, sessionKey });
}
