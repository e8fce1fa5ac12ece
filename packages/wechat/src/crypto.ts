import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { WechatError } from "./errors";

/** A decrypted WeChat payload always carries the watermark of the app it was made for. */
export interface Watermark {
  appid: string;
  timestamp: number;
}

export interface DecryptOptions {
  encryptedData: string;
  iv: string;
  /** session_key as WeChat returns it: base64 of 16 bytes. */
  sessionKey: string;
  /** The appid the data must be made for (watermark.appid). */
  appid: string;
  /** When set, reject data whose watermark is older than this. Off by default. */
  maxAgeSeconds?: number;
  /** Epoch milliseconds, for the max-age check. */
  now?: number;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeBase64(value: string, bytes: number | undefined, kind: "illegal_aes_key" | "illegal_iv" | "illegal_buffer"): Buffer {
  const clean = typeof value === "string" ? value.trim() : "";
  // Buffer.from(..., "base64") silently skips junk; WeChat data is strict base64.
  if (clean.length === 0 || clean.length % 4 !== 0 || !BASE64.test(clean)) {
    throw new WechatError(kind, `${kind.replace(/_/g, " ")}: not base64`);
  }
  const buffer = Buffer.from(clean, "base64");
  if (bytes !== undefined && buffer.length !== bytes) {
    throw new WechatError(kind, `${kind.replace(/_/g, " ")}: expected ${bytes} bytes`);
  }
  return buffer;
}

/**
 * Decrypts encryptedData from getUserInfo / getPhoneNumber (old style) /
 * getWeRunData: AES-128-CBC with the user's session_key, PKCS#7 padding checked,
 * JSON plaintext whose watermark.appid must be ours — data made for another app
 * (or replayed from one) is rejected.
 */
export function decryptData<T extends object = Record<string, unknown>>(options: DecryptOptions): T & { watermark: Watermark } {
  const key = decodeBase64(options.sessionKey, 16, "illegal_aes_key");
  const iv = decodeBase64(options.iv, 16, "illegal_iv");
  const ciphertext = decodeBase64(options.encryptedData, undefined, "illegal_buffer");
  if (ciphertext.length === 0 || ciphertext.length % 16 !== 0) {
    throw new WechatError("illegal_buffer", "illegal buffer: ciphertext is not whole AES blocks");
  }

  let plaintext: Buffer;
  try {
    // Node checks PKCS#7 padding in final() and throws on a bad pad — the usual
    // symptom of a session_key that is not the one the data was made with.
    const decipher = createDecipheriv("aes-128-cbc", key, iv);
    plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw new WechatError("illegal_buffer", "illegal buffer: bad padding (wrong session_key or iv?)");
  }

  let data: unknown;
  try {
    data = JSON.parse(plaintext.toString("utf8"));
  } catch {
    throw new WechatError("illegal_buffer", "illegal buffer: plaintext is not JSON");
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new WechatError("illegal_buffer", "illegal buffer: plaintext is not a JSON object");
  }

  const watermark = (data as { watermark?: Partial<Watermark> }).watermark;
  if (!watermark || typeof watermark.appid !== "string" || !safeEqual(watermark.appid, options.appid)) {
    throw new WechatError("watermark_mismatch", "watermark appid does not match this app");
  }
  if (options.maxAgeSeconds !== undefined) {
    const now = options.now ?? Date.now();
    const timestamp = Number(watermark.timestamp);
    if (!Number.isFinite(timestamp) || now / 1000 - timestamp > options.maxAgeSeconds) {
      throw new WechatError("data_expired", "encrypted data is older than allowed");
    }
  }
  return data as T & { watermark: Watermark };
}

export interface EncryptOptions {
  data: object;
  sessionKey: string;
  /** base64 of 16 bytes; random when omitted. */
  iv?: string;
}

/** The inverse of decryptData — what WeChat does on the phone. Used by the simulator and tests. */
export function encryptData(options: EncryptOptions): { encryptedData: string; iv: string } {
  const key = decodeBase64(options.sessionKey, 16, "illegal_aes_key");
  const iv = options.iv ? decodeBase64(options.iv, 16, "illegal_iv") : randomBytes(16);
  const cipher = createCipheriv("aes-128-cbc", key, iv);
  const plaintext = Buffer.from(JSON.stringify(options.data), "utf8");
  const encrypted = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { encryptedData: encrypted.toString("base64"), iv: iv.toString("base64") };
}

/** signature = sha1(rawData + session_key), hex; session_key as its base64 string. */
export function signRawData(rawData: string, sessionKey: string): string {
  return createHash("sha1").update(rawData + sessionKey, "utf8").digest("hex");
}

/** Checks the signature wx.getUserInfo returns for its rawData, in constant time. */
export function verifySignature(rawData: string, sessionKey: string, signature: string): boolean {
  return safeEqual(signRawData(rawData, sessionKey), String(signature).toLowerCase());
}

/**
 * The user-state signature for /wxa/checksession and /wxa/resetusersessionkey:
 * hex(HMAC-SHA256(key = the session_key's base64 string, message)). WeChat signs
 * the empty message.
 */
export function sessionKeySignature(sessionKey: string, message = ""): string {
  return createHmac("sha256", Buffer.from(sessionKey, "utf8")).update(message, "utf8").digest("hex");
}

/** A fresh session_key the way WeChat makes them: 16 random bytes, base64. */
export function newSessionKey(): string {
  return randomBytes(16).toString("base64");
}

/** Constant-time string comparison (length leaks, content does not). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  return left.length === right.length && timingSafeEqual(left, right);
}
