import { createHash, randomInt } from "node:crypto";
import { newSessionKey } from "@wegate/wechat";
import { wechatErrorBody, type WechatErrorBody } from "./errors";

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

  constructor(options: WechatWorldOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.codeTtlMs = options.codeTtlMs ?? 300_000;
    this.loginsPerMinute = options.loginsPerMinute ?? 100;
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
    if (!this.#apps.has(appid)) throw new Error(`wechat-sim: unknown appid ${appid}; call world.addApp() first`);
    const sessionKey = newSessionKey();
    this.#liveSessionKeys.set(userKey(appid, userId), sessionKey);
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
    if (!query.appid) return wechatErrorBody(41002, "appid missing");
    const app = this.#apps.get(query.appid);
    if (!app) return wechatErrorBody(40013, "invalid appid");
    if (!query.secret) return wechatErrorBody(41004, "appsecret missing");
    if (query.secret !== app.secret) return wechatErrorBody(40125, "invalid appsecret");
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
