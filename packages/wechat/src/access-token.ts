import { setTimeout as sleep } from "node:timers/promises";
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
  /**
   * Stores shared between instances: takes the refresh lock of `key` for
   * `ttlMs` and returns its release, or undefined while another holder has it.
   * Without it, one fetch at a time holds within a process only.
   */
  lock?(key: string, ttlMs: number): Promise<(() => Promise<void>) | undefined>;
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
  /** With a shared store: how long one instance may hold the refresh lock (default 10 s); others wait up to that. */
  lockTtlMs?: number;
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
 * (concurrent callers await the same fetch; with a store that locks, one
 * across all instances). A failed fetch is not cached.
 */
export function createAccessTokenManager(options: AccessTokenManagerOptions = {}): AccessTokenManager {
  const store = options.store ?? createMemoryAccessTokenStore();
  const clock = options.clock ?? Date.now;
  const refreshBeforeMs = options.refreshBeforeMs ?? DEFAULT_REFRESH_BEFORE_MS;
  const inFlight = new Map<string, Promise<string>>();

  const lockTtlMs = options.lockTtlMs ?? 10_000;

  async function fetchAndStore(key: string, fetchToken: () => Promise<FetchedAccessToken>): Promise<string> {
    const startedAt = clock();
    const { accessToken, expiresIn } = await fetchToken();
    const lifeMs = expiresIn * 1000;
    // Counted from before the request, so the cache never outlives the token.
    // A token handed out near its end (stable_token guarantees only 300 s) is
    // used for half its life rather than refetched on every call.
    const refreshAt = startedAt + lifeMs - Math.min(refreshBeforeMs, lifeMs / 2);
    await store.set(key, { accessToken, expiresAt: startedAt + lifeMs, refreshAt });
    return accessToken;
  }

  async function usable(key: string): Promise<string | undefined> {
    const cached = await store.get(key);
    return cached && clock() < cached.refreshAt ? cached.accessToken : undefined;
  }

  /** With a shared store, one instance fetches under the lock; the others wait for what it stores. */
  async function refresh(key: string, fetchToken: () => Promise<FetchedAccessToken>): Promise<string> {
    if (!store.lock) return fetchAndStore(key, fetchToken);
    const giveUpAt = Date.now() + lockTtlMs;
    for (;;) {
      const release = await store.lock(key, lockTtlMs);
      if (release) {
        try {
          // The previous holder may have stored a new token while this one waited.
          return (await usable(key)) ?? (await fetchAndStore(key, fetchToken));
        } finally {
          await release();
        }
      }
      await sleep(25);
      const stored = await usable(key);
      if (stored) return stored;
      // The lock expires with a holder that died; past that, fetch regardless.
      if (Date.now() > giveUpAt) return fetchAndStore(key, fetchToken);
    }
  }

  const fetchOnce = (key: string, fetchToken: () => Promise<FetchedAccessToken>): Promise<string> => {
    const pending = inFlight.get(key);
    if (pending) return pending;
    const fetching = refresh(key, fetchToken).finally(() => inFlight.delete(key));
    inFlight.set(key, fetching);
    return fetching;
  };

  const token = async (key: string, fetchToken: () => Promise<FetchedAccessToken>): Promise<string> =>
    (await usable(key)) ?? fetchOnce(key, fetchToken);

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
