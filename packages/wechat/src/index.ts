export {
  createAccessTokenManager,
  createMemoryAccessTokenStore,
  type AccessTokenManager,
  type AccessTokenManagerOptions,
  type AccessTokenStore,
  type CachedAccessToken,
  type FetchedAccessToken,
} from "./access-token";
export { createWechatClient, type WechatClient, type WechatClientOptions } from "./client";
export { code2Session, type Code2SessionResult } from "./code2session";
export {
  decryptData,
  encryptData,
  newSessionKey,
  safeEqual,
  sessionKeySignature,
  signRawData,
  verifySignature,
  type DecryptOptions,
  type EncryptOptions,
  type Watermark,
} from "./crypto";
export { errorFromErrcode, isWechatError, WechatError, type WechatErrorKind } from "./errors";
export { getPhoneNumber, type PhoneNumber } from "./phone-number";
export { checkSessionKey, resetUserSessionKey } from "./session-key";
export {
  createWechatResilience,
  DEFAULT_RETRY,
  type AppGuards,
  type ResilienceOptions,
  type RetryPolicy,
  type WechatResilience,
} from "./resilience";
export { stableToken } from "./stable-token";
export { callWechat, DEFAULT_BASE_URL, DEFAULT_TIMEOUT_MS, type Clock, type Fetch, type TransportOptions } from "./http";
