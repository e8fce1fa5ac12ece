import { randomBytes } from "node:crypto";

export const ACCESS_TOKEN_TTL_MS = 7_200_000;
/** How long a replaced token keeps working, and how early stable_token rotates. */
export const ACCESS_TOKEN_OVERLAP_MS = 300_000;
const FORCE_REFRESH_GAP_MS = 30_000;
const FORCE_REFRESHES_PER_DAY = 20;
const DAY_MS = 86_400_000;
/** WeChat's quota day is the calendar day in China (UTC+8). */
const CHINA_OFFSET_MS = 8 * 3_600_000;

/**
 * The two token families are isolated, as WeChat documents: fetching one kind
 * never invalidates a token of the other kind.
 */
type TokenFamily = "stable" | "plain";

export interface IssuedAccessToken {
  token: string;
  appid: string;
  expiresAt: number;
  /** Set when a newer token replaced it or it was invalidated: it answers 40001 from then on. */
  deadAfter?: number;
}

/** Every access_token WeChat has handed out, by app and family, against the world clock. */
export class AccessTokenLedger {
  readonly #tokens = new Map<string, IssuedAccessToken>();
  readonly #latest = new Map<string, IssuedAccessToken>();
  readonly #forcedRefreshes = new Map<string, number[]>();
  readonly #clock: () => number;

  constructor(clock: () => number) {
    this.#clock = clock;
  }

  /** stable_token, normal mode: the same token until its last 5 minutes, then a new one. */
  stable(appid: string): IssuedAccessToken {
    const latest = this.#live(appid, "stable");
    if (latest && this.#clock() < latest.expiresAt - ACCESS_TOKEN_OVERLAP_MS) return latest;
    // The old token simply runs out its own life, so the overlap is the 5 minutes it has left.
    return this.#mint(appid, "stable");
  }

  /**
   * stable_token with force_refresh: WeChat documents that the previous token
   * dies at once. Forced refreshes closer than 30 s apart "do not refresh"
   * (the current token comes back); more than 20 a day are refused.
   */
  forceStable(appid: string): IssuedAccessToken | "quota_exceeded" {
    const now = this.#clock();
    const today = (this.#forcedRefreshes.get(appid) ?? []).filter((time) => chinaDay(time) === chinaDay(now));
    const latest = this.#live(appid, "stable");
    if (latest && today.length > 0 && now - today[today.length - 1] < FORCE_REFRESH_GAP_MS) return latest;
    if (today.length >= FORCE_REFRESHES_PER_DAY) return "quota_exceeded";
    this.#forcedRefreshes.set(appid, [...today, now]);
    if (latest) latest.deadAfter = now;
    return this.#mint(appid, "stable");
  }

  /** /cgi-bin/token: a new token every call; the previous one works 5 more minutes. */
  plain(appid: string): IssuedAccessToken {
    const latest = this.#live(appid, "plain");
    if (latest) latest.deadAfter = this.#clock() + ACCESS_TOKEN_OVERLAP_MS;
    return this.#mint(appid, "plain");
  }

  check(token: string): { appid: string } | { errcode: 40001 | 42001 } {
    const issued = this.#tokens.get(token);
    if (!issued) return { errcode: 40001 };
    const now = this.#clock();
    if (issued.deadAfter !== undefined && now >= issued.deadAfter) return { errcode: 40001 };
    if (now >= issued.expiresAt) return { errcode: 42001 };
    return { appid: issued.appid };
  }

  /** Kills every token of the app now (both families). */
  invalidate(appid: string): void {
    const now = this.#clock();
    for (const issued of this.#tokens.values()) {
      if (issued.appid === appid && (issued.deadAfter === undefined || issued.deadAfter > now)) issued.deadAfter = now;
    }
  }

  /** The seconds WeChat reports as expires_in: counts down with the clock. */
  expiresIn(issued: IssuedAccessToken): number {
    return Math.floor((issued.expiresAt - this.#clock()) / 1000);
  }

  /** The family's newest token while it still works. */
  #live(appid: string, family: TokenFamily): IssuedAccessToken | undefined {
    const latest = this.#latest.get(`${family}\0${appid}`);
    return latest && "appid" in this.check(latest.token) ? latest : undefined;
  }

  #mint(appid: string, family: TokenFamily): IssuedAccessToken {
    const issued: IssuedAccessToken = { token: newAccessToken(), appid, expiresAt: this.#clock() + ACCESS_TOKEN_TTL_MS };
    this.#tokens.set(issued.token, issued);
    this.#latest.set(`${family}\0${appid}`, issued);
    return issued;
  }
}

function chinaDay(time: number): number {
  return Math.floor((time + CHINA_OFFSET_MS) / DAY_MS);
}

/** Real tokens are long opaque strings; WeChat asks for at least 512 characters of storage. */
function newAccessToken(): string {
  return "89_" + randomBytes(96).toString("base64url");
}
