/**
 * Every failure that crosses the WeChat boundary becomes a WechatError with a
 * `kind`. Callers switch on `kind`, never on errcode numbers or message text.
 * Messages never contain the secret, a session_key or user data.
 */
export type WechatErrorKind =
  // code2Session / phone codes
  | "invalid_code" // 40029: unknown or expired code; 40013 from getuserphonenumber: code of another appid
  | "code_used" // 40163: code already exchanged
  | "rate_limited" // 45011: too many calls for this user
  | "risk_blocked" // 40226: high-risk user blocked by WeChat
  // credentials and configuration of our own app
  | "config" // 40013 bad appid, 40125 bad secret, 40164 IP not whitelisted, 41002/41004 missing
  | "invalid_credential" // 40001/40014/42001: access_token invalid or expired
  | "quota_exceeded" // 45009: daily quota reached
  | "invalid_signature" // 87009: checksession signature does not match
  // transport
  | "busy" // -1: WeChat says try later
  | "unavailable" // network error, HTTP 5xx
  | "timeout" // no answer within the timeout
  | "bad_answer" // an answer that is not WeChat's JSON (an HTML page, truncated JSON, a 4xx, missing fields)
  | "circuit_open" // this endpoint failed repeatedly; calls are refused without asking WeChat for a while
  | "unknown" // any other errcode
  // decryptData
  | "illegal_aes_key"
  | "illegal_iv"
  | "illegal_buffer"
  | "watermark_mismatch"
  | "data_expired";

export class WechatError extends Error {
  override readonly name = "WechatError";
  constructor(
    readonly kind: WechatErrorKind,
    message: string,
    readonly errcode?: number,
  ) {
    super(message);
  }
}

export function isWechatError(error: unknown): error is WechatError {
  return error instanceof WechatError;
}

const kindByErrcode: Record<number, WechatErrorKind> = {
  [-1]: "busy",
  40029: "invalid_code",
  40163: "code_used",
  41008: "invalid_code", // missing code
  45011: "rate_limited",
  40226: "risk_blocked",
  40013: "config",
  40125: "config",
  40164: "config",
  41002: "config",
  41004: "config",
  40001: "invalid_credential",
  40014: "invalid_credential",
  42001: "invalid_credential",
  45009: "quota_exceeded",
  87009: "invalid_signature",
};

/** Maps a WeChat `{errcode, errmsg}` body to a typed error. */
export function errorFromErrcode(errcode: number, errmsg: unknown): WechatError {
  const kind = kindByErrcode[errcode] ?? "unknown";
  // errmsg is WeChat's own text (with a rid for support tickets); it never
  // echoes our secret, so it is safe to keep for logs.
  const text = typeof errmsg === "string" ? errmsg.slice(0, 200) : "";
  return new WechatError(kind, `WeChat errcode ${errcode}: ${text}`, errcode);
}
