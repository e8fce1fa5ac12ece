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
export { callWechat, DEFAULT_BASE_URL, DEFAULT_TIMEOUT_MS, type Clock, type Fetch, type TransportOptions } from "./http";
