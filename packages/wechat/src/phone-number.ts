import { WechatError } from "./errors";
import { callWechat, type TransportOptions } from "./http";

/** A user's phone number. Store countryCode + purePhoneNumber; phoneNumber's format varies by country. */
export interface PhoneNumber {
  /** As WeChat shows it: bare for mainland China, with the country code otherwise. */
  phoneNumber: string;
  purePhoneNumber: string;
  /** Without "+", e.g. "86". */
  countryCode: string;
}

interface PhoneNumberBody {
  phone_info?: { phoneNumber?: unknown; purePhoneNumber?: unknown; countryCode?: unknown };
}

/**
 * POST /wxa/business/getuserphonenumber — trades the code of
 * `<button open-type="getPhoneNumber">` for the user's number.
 */
export async function getPhoneNumber(transport: TransportOptions, accessToken: string, code: string): Promise<PhoneNumber> {
  let body: PhoneNumberBody;
  try {
    body = await callWechat<PhoneNumberBody>(transport, {
      method: "POST",
      path: "/wxa/business/getuserphonenumber",
      query: { access_token: accessToken },
      body: { code },
    });
  } catch (error) {
    // Here 40013 means the code was made for another appid (a client bug or a
    // replay), not that our own appid is misconfigured.
    if (error instanceof WechatError && error.errcode === 40013) {
      throw new WechatError("invalid_code", `${error.message} (phone code of another appid)`, 40013);
    }
    throw error;
  }
  const info = body.phone_info;
  const countryCode = typeof info?.countryCode === "number" ? String(info.countryCode) : info?.countryCode;
  if (typeof info?.phoneNumber !== "string" || typeof info.purePhoneNumber !== "string" || typeof countryCode !== "string") {
    throw new WechatError("bad_answer", "WeChat /wxa/business/getuserphonenumber answered without phone_info");
  }
  return { phoneNumber: info.phoneNumber, purePhoneNumber: info.purePhoneNumber, countryCode };
}
