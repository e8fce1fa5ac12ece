import { WechatError } from "./errors";
import type { Clock } from "./http";

/** A cached access_token (a secret: never log it). Times are epoch ms. */
export interface CachedAccessToken {
  accessToken: string;
  /** When WeChat stops accepting it. */
  expiresAt: number;
  /** When to fetch a new one instead of using it. */
  refreshAt: number;
}

/** What a token fetch answers: WeChat's access_token and expires_in (seconds). */
export interface FetchedAccessToken {
  accessToken: string;
  expiresIn: number;
}

/**
 * Where tokens are kept between calls, by key (the appid). In memory for one
 * process; a Redis store can implement the same verbs to share tokens between
 * instances.
 */
export interface AccessTokenStore {
  get(key: string): Promise<CachedAccessToken | undefined>;
  set(key: string, token: CachedAccessToken): Promise<void>;
  /**
   * Removes the entry only while it still holds `accessToken`, atomically: a
   * caller whose call failed must not drop a newer token another caller stored.
   */
  deleteIfCurrent(key: string, accessToken: string): Promise<void>;
}

export function createMemoryAccessTokenStore(): AccessTokenStore {
  const tokens = new Map<string, CachedAccessToken>();
  return {
    get: async (key) => tokens.get(key),
    set: async (key, token) => {
      tokens.set(key, token);
    },
    deleteIfCurrent: async (key, accessToken) => {
      if (tokens.get(key)?.accessToken === accessToken) tokens.delete(key);
    },
  };
}

export interface AccessTokenManagerOptions {
  store?: AccessTokenStore;
  /** Epoch milliseconds; default Date.now. */
  clock?: Clock;
  /** Fetch a new token this long before the cached one expires; default 5 minutes. */
  refreshBeforeMs?: number;
}

export interface AccessTokenManager {
  /**
   * Runs `call` with a cached or freshly fetched token for `key`. When WeChat
   * rejects the token (40001/40014/42001), fetches anew and retries `call` once.
   */
  withToken<T>(key: string, fetchToken: () => Promise<FetchedAccessToken>, call: (accessToken: string) => Promise<T>): Promise<T>;
}

const DEFAULT_REFRESH_BEFORE_MS = 300_000;

/**
 * Meant to be shared by every client of a process: tokens are cached per key,
 * refreshed before they expire, and fetched by ONE request per key at a time
 * (concurrent callers await the same fetch). A failed fetch is not cached.
 */
export function createAccessTokenManager(options: AccessTokenManagerOptions = {}): AccessTokenManager {
  const store = options.store ?? createMemoryAccessTokenStore();
  const clock = options.clock ?? Date.now;
  const refreshBeforeMs = options.refreshBeforeMs ?? DEFAULT_REFRESH_BEFORE_MS;
  const inFlight = new Map<string, Promise<string>>();

  const fetchOnce = (key: string, fetchToken: () => Promise<FetchedAccessToken>): Promise<string> => {
    const pending = inFlight.get(key);
    if (pending) return pending;
    const fetching = (async () => {
      const startedAt = clock();
      const { accessToken, expiresIn } = await fetchToken();
      const lifeMs = expiresIn * 1000;
      // Counted from before the request, so the cache never outlives the token.
      // A token handed out near its end (stable_token guarantees only 300 s) is
      // used for half its life rather than refetched on every call.
      const refreshAt = startedAt + lifeMs - Math.min(refreshBeforeMs, lifeMs / 2);
      await store.set(key, { accessToken, expiresAt: startedAt + lifeMs, refreshAt });
      return accessToken;
    })().finally(() => inFlight.delete(key));
    inFlight.set(key, fetching);
    return fetching;
  };

  const token = async (key: string, fetchToken: () => Promise<FetchedAccessToken>): Promise<string> => {
    const cached = await store.get(key);
    if (cached && clock() < cached.refreshAt) return cached.accessToken;
    return fetchOnce(key, fetchToken);
  };

  return {
    async withToken(key, fetchToken, call) {
      const first = await token(key, fetchToken);
      try {
        return await call(first);
      } catch (error) {
        if (!(error instanceof WechatError && error.kind === "invalid_credential")) throw error;
        await store.deleteIfCurrent(key, first);
        return call(await token(key, fetchToken));
      }
    },
  };
}
