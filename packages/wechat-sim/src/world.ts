import { createHash, randomBytes, randomInt } from "node:crypto";
import { newSessionKey, safeEqual, sessionKeySignature } from "@wegate/wechat";
import { AccessTokenLedger, type IssuedAccessToken } from "./access-tokens";
import { wechatErrorBody, type WechatErrorBody } from "./errors";
import { defaultPhone, phoneInfo, type SimPhone } from "./phones";

export interface SimUserProfile {
  nickName: string;
  avatarUrl: string;
  gender: 0 | 1 | 2;
  language: string;
  city: string;
  province: string;
  country: string;
}

export type SimFault =
  | { kind: "hang" } // never answer (until the server closes)
  | { kind: "reset" } // destroy the socket
  | { kind: "http"; status: number } // e.g. 502 with an HTML body
  | { kind: "html" } // HTTP 200 with an HTML page
  | { kind: "invalid-json" } // HTTP 200, JSON content-type, a truncated body
  | { kind: "errcode"; errcode: number; errmsg?: string }
  | { kind: "slow"; delayMs: number }; // answer normally after a delay

export type SimFaultSetting = SimFault & { times?: number };

export interface WechatWorldOptions {
  /** Epoch milliseconds; default Date.now. Drives code expiry, rate limits and watermarks. */
  clock?: () => number;
  codeTtlMs?: number;
  loginsPerMinute?: number;
}

export interface Code2SessionQuery {
  appid?: string;
  secret?: string;
  js_code?: string;
}

export type Code2SessionBody = { openid: string; session_key: string; unionid?: string } | WechatErrorBody;

/** The JSON body of POST /cgi-bin/stable_token, or the query of GET /cgi-bin/token. */
export interface AccessTokenRequest {
  grant_type?: unknown;
  appid?: unknown;
  secret?: unknown;
  force_refresh?: unknown;
}

export type AccessTokenBody = { access_token: string; expires_in: number } | WechatErrorBody;

export type PhoneNumberBody =
  | {
      errcode: 0;
      errmsg: "ok";
      phone_info: { phoneNumber: string; purePhoneNumber: string; countryCode: number; watermark: { timestamp: number; appid: string } };
    }
  | WechatErrorBody;

/** The query of GET /wxa/checksession and GET /wxa/resetusersessionkey. */
export interface SessionKeyQuery {
  access_token?: string;
  openid?: string;
  signature?: string;
  sig_method?: string;
}

export type ResetSessionKeyBody = { errcode: 0; errmsg: "ok"; openid: string; session_key: string } | WechatErrorBody;

/** The grey avatar every user gets since WeChat stopped handing out real profiles (late 2022). */
export const DEFAULT_AVATAR_URL =
  "https://thirdwx.qlogo.cn/mmopen/vi_32/POgEwh4mIHO4nibH0KlMECNjjGxQUq24ZEaGT4poC6icRiccVGKSyXwibcPq4BWmiaIGuG1icwxaQX6grC9VemZoJ8rg/132";

const DEFAULT_PROFILE: SimUserProfile = {
  nickName: "微信用户",
  avatarUrl: DEFAULT_AVATAR_URL,
  gender: 0,
  language: "zh_CN",
  city: "",
  province: "",
  country: "",
};

const MINUTE_MS = 60_000;
const CODE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

interface SimApp {
  secret: string;
  unionBound: boolean;
}

interface IssuedCode {
  appid: string;
  userId: string;
  /** The session_key made at wx.login time; code2Session hands out exactly this one. */
  sessionKey: string;
  issuedAt: number;
  used: boolean;
}

type IssuedPhoneCode = Omit<IssuedCode, "sessionKey">;

/** WeChat's server-side state, in memory: apps, users, codes, session keys, faults and call counts. */
export class WechatWorld {
  readonly clock: () => number;
  readonly codeTtlMs: number;
  readonly loginsPerMinute: number;
  /** Paths (without query) that were rejected as unknown. */
  readonly unknownCalls: string[] = [];

  readonly #apps = new Map<string, SimApp>();
  readonly #codes = new Map<string, IssuedCode>();
  readonly #liveSessionKeys = new Map<string, string>();
  readonly #exchangeTimes = new Map<string, number[]>();
  readonly #profiles = new Map<string, Partial<SimUserProfile>>();
  readonly #faults = new Map<string, SimFaultSetting>();
  readonly #calls = new Map<string, number>();
  readonly #accessTokens: AccessTokenLedger;
  readonly #phoneCodes = new Map<string, IssuedPhoneCode>();
  readonly #phones = new Map<string, SimPhone>();
  /** openid -> userId, for the endpoints that name the user by openid. */
  readonly #openidOwners = new Map<string, string>();

  constructor(options: WechatWorldOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.codeTtlMs = options.codeTtlMs ?? 300_000;
    this.loginsPerMinute = options.loginsPerMinute ?? 100;
    this.#accessTokens = new AccessTokenLedger(this.clock);
  }

  addApp(app: { appid: string; secret: string; unionBound?: boolean }): void {
    this.#apps.set(app.appid, { secret: app.secret, unionBound: app.unionBound ?? false });
  }

  hasApp(appid: string): boolean {
    return this.#apps.has(appid);
  }

  /** Registered appids, in the order they were added. */
  appids(): string[] {
    return [...this.#apps.keys()];
  }

  isUnionBound(appid: string): boolean {
    return this.#apps.get(appid)?.unionBound ?? false;
  }

  /**
   * The phone's side of wx.login: a new single-use code for (appid, userId).
   * A new session_key is made now and becomes the user's only live one.
   */
  login(appid: string, userId: string): string {
    this.#requireApp(appid);
    const sessionKey = newSessionKey();
    this.#liveSessionKeys.set(userKey(appid, userId), sessionKey);
    this.#openidOwners.set(this.openid(appid, userId), userId);
    const code = newCode();
    this.#codes.set(code, { appid, userId, sessionKey, issuedAt: this.clock(), used: false });
    return code;
  }

  openid(appid: string, userId: string): string {
    return "o" + digest(`openid\0${appid}\0${userId}`).slice(0, 27);
  }

  unionid(userId: string): string {
    return "o" + digest(`unionid\0${userId}`).slice(0, 27);
  }

  sessionKey(appid: string, userId: string): string | undefined {
    return this.#liveSessionKeys.get(userKey(appid, userId));
  }

  isSessionValid(appid: string, userId: string): boolean {
    return this.#liveSessionKeys.has(userKey(appid, userId));
  }

  expireSession(appid: string, userId: string): void {
    this.#liveSessionKeys.delete(userKey(appid, userId));
  }

  profile(userId: string): SimUserProfile {
    return { ...DEFAULT_PROFILE, ...this.#profiles.get(userId) };
  }

  setProfile(userId: string, profile: Partial<SimUserProfile>): void {
    this.#profiles.set(userId, { ...this.#profiles.get(userId), ...profile });
  }

  /** GET /sns/jscode2session, minus HTTP: the body WeChat would answer. */
  code2Session(query: Code2SessionQuery): Code2SessionBody {
    const app = this.#authenticateApp(query.appid, query.secret);
    if ("errcode" in app) return app;
    if (!query.js_code) return wechatErrorBody(41008, "missing code");

    const issued = this.#codes.get(query.js_code);
    // A code is only valid for the app whose mini program called wx.login.
    if (!issued || issued.appid !== query.appid) return wechatErrorBody(40029, "invalid code");
    if (!this.#countExchange(issued.userId)) {
      return wechatErrorBody(45011, "api minute-quota reach limit  mustslower  retry next minute");
    }
    if (issued.used) return wechatErrorBody(40163, "code been used");
    if (this.clock() - issued.issuedAt > this.codeTtlMs) return wechatErrorBody(40029, "invalid code");

    issued.used = true;
    return {
      openid: this.openid(issued.appid, issued.userId),
      session_key: issued.sessionKey,
      ...(app.unionBound ? { unionid: this.unionid(issued.userId) } : {}),
    };
  }

  /** POST /cgi-bin/stable_token, minus HTTP. */
  stableToken(request: AccessTokenRequest): AccessTokenBody {
    const appid = this.#grant(request);
    if (typeof appid !== "string") return appid;
    if (request.force_refresh !== true) return this.#accessTokenBody(this.#accessTokens.stable(appid));
    const forced = this.#accessTokens.forceStable(appid);
    if (forced === "quota_exceeded") return wechatErrorBody(45009, "reach max api daily quota limit");
    return this.#accessTokenBody(forced);
  }

  /** GET /cgi-bin/token, minus HTTP: a new token every call. */
  token(query: AccessTokenRequest): AccessTokenBody {
    const appid = this.#grant(query);
    return typeof appid === "string" ? this.#accessTokenBody(this.#accessTokens.plain(appid)) : appid;
  }

  /** The token a normal-mode stable_token call would answer now, without counting a call. */
  accessTokenFor(appid: string): string {
    this.#requireApp(appid);
    return this.#accessTokens.stable(appid).token;
  }

  /** Every access_token of the app answers 40001 from now on; the next stable_token call mints a new one. */
  invalidateAccessTokens(appid: string): void {
    this.#accessTokens.invalidate(appid);
  }

  /** The phone's side of `<button open-type="getPhoneNumber">`: a single-use code for getuserphonenumber. */
  phoneCode(appid: string, userId: string): string {
    this.#requireApp(appid);
    const code = randomBytes(32).toString("hex");
    this.#phoneCodes.set(code, { appid, userId, issuedAt: this.clock(), used: false });
    return code;
  }

  phone(userId: string): SimPhone {
    return { ...(this.#phones.get(userId) ?? defaultPhone(userId)) };
  }

  setPhone(userId: string, phone: SimPhone): void {
    this.#phones.set(userId, { ...phone });
  }

  /** POST /wxa/business/getuserphonenumber, minus HTTP. */
  getUserPhoneNumber(accessToken: string | undefined, request: { code?: unknown }): PhoneNumberBody {
    const caller = this.#tokenOwner(accessToken);
    if ("errcode" in caller) return caller;
    if (typeof request.code !== "string" || !request.code) return wechatErrorBody(41008, "missing code");
    const issued = this.#phoneCodes.get(request.code);
    if (!issued) return wechatErrorBody(40029, "invalid code");
    // A phone code only works with the access_token of the app that asked for it.
    if (issued.appid !== caller.appid) return wechatErrorBody(40013, "invalid appid");
    if (issued.used || this.clock() - issued.issuedAt > this.codeTtlMs) return wechatErrorBody(40029, "invalid code");

    issued.used = true;
    const info = phoneInfo(this.phone(issued.userId));
    const watermark = { timestamp: Math.floor(this.clock() / 1000), appid: issued.appid };
    return { errcode: 0, errmsg: "ok", phone_info: { ...info, countryCode: Number(info.countryCode), watermark } };
  }

  /** GET /wxa/checksession, minus HTTP: ok while the signature is of the user's current session_key. */
  checkSession(query: SessionKeyQuery): WechatErrorBody {
    const user = this.#signedUser(query);
    return "errcode" in user ? user : { errcode: 0, errmsg: "ok" };
  }

  /** GET /wxa/resetusersessionkey, minus HTTP: a new session_key replaces the current one. */
  resetUserSessionKey(query: SessionKeyQuery): ResetSessionKeyBody {
    const user = this.#signedUser(query);
    if ("errcode" in user) return user;
    const sessionKey = newSessionKey();
    this.#liveSessionKeys.set(userKey(user.appid, user.userId), sessionKey);
    return { errcode: 0, errmsg: "ok", openid: user.openid, session_key: sessionKey };
  }

  #requireApp(appid: string): void {
    if (!this.#apps.has(appid)) throw new Error(`wechat-sim: unknown appid ${appid}; call world.addApp() first`);
  }

  #authenticateApp(appid: unknown, secret: unknown): SimApp | WechatErrorBody {
    if (typeof appid !== "string" || !appid) return wechatErrorBody(41002, "appid missing");
    const app = this.#apps.get(appid);
    if (!app) return wechatErrorBody(40013, "invalid appid");
    if (typeof secret !== "string" || !secret) return wechatErrorBody(41004, "appsecret missing");
    if (secret !== app.secret) return wechatErrorBody(40125, "invalid appsecret");
    return app;
  }

  /** The appid a token request may have a token for, or why not. */
  #grant(request: AccessTokenRequest): string | WechatErrorBody {
    if (request.grant_type !== "client_credential") return wechatErrorBody(40002, "invalid grant_type");
    const app = this.#authenticateApp(request.appid, request.secret);
    return "errcode" in app ? app : (request.appid as string);
  }

  #accessTokenBody(issued: IssuedAccessToken): AccessTokenBody {
    return { access_token: issued.token, expires_in: this.#accessTokens.expiresIn(issued) };
  }

  /** The app an access_token belongs to; the text never echoes the token. */
  #tokenOwner(accessToken: string | undefined): { appid: string } | WechatErrorBody {
    if (!accessToken) return wechatErrorBody(41001, "access_token missing");
    const check = this.#accessTokens.check(accessToken);
    if ("appid" in check) return check;
    if (check.errcode === 42001) return wechatErrorBody(42001, "access_token expired");
    return wechatErrorBody(40001, "invalid credential, access_token is invalid or not latest");
  }

  /** The user named by openid, once the signature proves the caller holds their current session_key. */
  #signedUser(query: SessionKeyQuery): { appid: string; userId: string; openid: string } | WechatErrorBody {
    const caller = this.#tokenOwner(query.access_token);
    if ("errcode" in caller) return caller;
    if (!query.openid) return wechatErrorBody(41009, "missing openid");
    const userId = this.#openidOwners.get(query.openid);
    // openids are per app: another app's openid is as unknown as a made-up one.
    if (userId === undefined || this.openid(caller.appid, userId) !== query.openid) return wechatErrorBody(40003, "invalid openid");
    const sessionKey = this.sessionKey(caller.appid, userId);
    const signature = (query.signature ?? "").toLowerCase();
    const valid = query.sig_method === "hmac_sha256" && sessionKey !== undefined && safeEqual(sessionKeySignature(sessionKey), signature);
    if (!valid) return wechatErrorBody(87009, "invalid signature");
    return { appid: caller.appid, userId, openid: query.openid };
  }

  /** Records one exchange attempt for the user; false when it is over the per-minute limit. */
  #countExchange(userId: string): boolean {
    const now = this.clock();
    const recent = (this.#exchangeTimes.get(userId) ?? []).filter((time) => now - time < MINUTE_MS);
    recent.push(now);
    this.#exchangeTimes.set(userId, recent);
    return recent.length <= this.loginsPerMinute;
  }

  /** `times` applies the fault to the next N calls only; undefined clears it. */
  setFault(path: string, fault: SimFaultSetting | undefined): void {
    if (fault === undefined || (fault.times !== undefined && fault.times <= 0)) this.#faults.delete(path);
    else this.#faults.set(path, { ...fault });
  }

  /** The fault for this call of `path`, if any, counting down `times`. */
  takeFault(path: string): SimFault | undefined {
    const setting = this.#faults.get(path);
    if (!setting) return undefined;
    const { times, ...fault } = setting;
    if (times !== undefined) {
      if (times <= 1) this.#faults.delete(path);
      else setting.times = times - 1;
    }
    return fault as SimFault;
  }

  recordCall(path: string): void {
    this.#calls.set(path, this.callCount(path) + 1);
  }

  callCount(path: string): number {
    return this.#calls.get(path) ?? 0;
  }

  resetCounters(): void {
    this.#calls.clear();
    this.unknownCalls.length = 0;
  }
}

function userKey(appid: string, userId: string): string {
  return `${appid}\0${userId}`;
}

function digest(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("base64url");
}

/** wx.login codes are 32 characters of [0-9A-Za-z]. */
function newCode(): string {
  let code = "";
  for (let i = 0; i < 32; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}
