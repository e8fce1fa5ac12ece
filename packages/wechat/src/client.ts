import { code2Session, type Code2SessionResult } from "./code2session";
import { decryptData, type DecryptOptions, type Watermark } from "./crypto";
import type { TransportOptions } from "./http";

export interface WechatClientOptions extends TransportOptions {
  appid: string;
  secret: string;
  /** Reject encrypted data whose watermark is older than this (seconds). Off by default. */
  dataMaxAgeSeconds?: number;
}

export interface WechatClient {
  readonly appid: string;
  code2Session(code: string): Promise<Code2SessionResult>;
  /** decryptData bound to this app's appid, max age and clock. */
  decrypt<T extends object = Record<string, unknown>>(
    data: Pick<DecryptOptions, "encryptedData" | "iv" | "sessionKey">,
  ): T & { watermark: Watermark };
}

/** A client for one mini program (appid + secret). */
export function createWechatClient(options: WechatClientOptions): WechatClient {
  const { appid, secret, dataMaxAgeSeconds, ...transport } = options;
  const clock = transport.clock ?? Date.now;
  return {
    appid,
    code2Session: (code) => code2Session(transport, { appid, secret }, code),
    decrypt: (data) => decryptData({ ...data, appid, maxAgeSeconds: dataMaxAgeSeconds, now: clock() }),
  };
}
