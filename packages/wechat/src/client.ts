import { createAccessTokenManager, type AccessTokenManager } from "./access-token";
import { code2Session, type Code2SessionResult } from "./code2session";
import { decryptData, type DecryptOptions, type Watermark } from "./crypto";
import type { TransportOptions } from "./http";
import { getPhoneNumber, type PhoneNumber } from "./phone-number";
import { createWechatResilience, type WechatResilience } from "./resilience";
import { checkSessionKey, resetUserSessionKey } from "./session-key";
import { stableToken } from "./stable-token";

export interface WechatClientOptions extends Omit<TransportOptions, "guards"> {
  appid: string;
  secret: string;
  /** Reject encrypted data whose watermark is older than this (seconds). Off by default. */
  dataMaxAgeSeconds?: number;
  /** Share one manager between all clients of a process; by default the client has its own. */
  accessTokens?: AccessTokenManager;
  /**
   * Retries and circuit breakers (per appid + endpoint). Share one between
   * all clients of a process, so that recreating a client keeps its circuits;
   * by default the client has its own.
   */
  resilience?: WechatResilience;
}

export interface WechatClient {
  readonly appid: string;
  code2Session(code: string): Promise<Code2SessionResult>;
  /** decryptData bound to this app's appid, max age and clock. */
  decrypt<T extends object = Record<string, unknown>>(
    data: Pick<DecryptOptions, "encryptedData" | "iv" | "sessionKey">,
  ): T & { watermark: Watermark };
  /** The number behind a getPhoneNumber button code; a bad, used or foreign code is kind "invalid_code". */
  getPhoneNumber(code: string): Promise<PhoneNumber>;
  /** false when `sessionKey` is no longer the user's current session_key. */
  checkSessionKey(openid: string, sessionKey: string): Promise<boolean>;
  /** A new session_key for the user; `sessionKey` (the current one) dies. */
  resetUserSessionKey(openid: string, sessionKey: string): Promise<string>;
}

/** A client for one mini program (appid + secret). */
export function createWechatClient(options: WechatClientOptions): WechatClient {
  const { appid, secret, dataMaxAgeSeconds, accessTokens: shared, resilience, ...rest } = options;
  const clock = rest.clock ?? Date.now;
  const accessTokens = shared ?? createAccessTokenManager({ clock });
  const transport: TransportOptions = { ...rest, guards: (resilience ?? createWechatResilience()).forApp(appid) };
  const withToken = <T>(call: (accessToken: string) => Promise<T>) =>
    accessTokens.withToken(appid, () => stableToken(transport, { appid, secret }), call);
  return {
    appid,
    code2Session: (code) => code2Session(transport, { appid, secret }, code),
    decrypt: (data) => decryptData({ ...data, appid, maxAgeSeconds: dataMaxAgeSeconds, now: clock() }),
    getPhoneNumber: (code) => withToken((accessToken) => getPhoneNumber(transport, accessToken, code)),
    checkSessionKey: (openid, sessionKey) => withToken((accessToken) => checkSessionKey(transport, accessToken, openid, sessionKey)),
    resetUserSessionKey: (openid, sessionKey) => withToken((accessToken) => resetUserSessionKey(transport, accessToken, openid, sessionKey)),
  };
}
