import { createHash, randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import type { AccessTokenStore, CachedAccessToken } from "@wegate/wechat";
import type { Redis } from "ioredis";
import type { SecretBox } from "./secret-box";

const require = createRequire(import.meta.url);

/**
 * REDIS_URL as a client that fails fast instead of queueing commands for ever
 * while Redis is down. ioredis is loaded here, on first use: a server without
 * REDIS_URL does not carry it (a few MB of memory).
 */
export function connectRedis(url: string): Redis {
  const { Redis } = require("ioredis") as typeof import("ioredis");
  const redis = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 2000 });
  // ioredis repeats connection errors as events while it reconnects; the
  // failed commands (warned about by their callers) and /readyz report them.
  redis.on("error", () => {});
  return redis;
}

// Compare-and-delete: only the holder of a value may remove it.
const DELETE_IF_HASH = `
local value = redis.call("get", KEYS[1])
if value and cjson.decode(value).hash == ARGV[1] then return redis.call("del", KEYS[1]) end
return 0`;
const RELEASE_LOCK = `
if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) end
return 0`;

const sha256 = (text: string) => createHash("sha256").update(text).digest("base64url");

interface StoredToken {
  /** The access_token sealed with WEGATE_SECRET: Redis never holds it in clear. */
  sealed: string;
  hash: string;
  expiresAt: number;
  refreshAt: number;
}

/**
 * access_tokens shared by every wegate instance on one Redis, with the refresh
 * lock, so a fleet fetches one token per appid. Redis trouble degrades to
 * "no cache, no lock" (each call fetches; stable_token keeps that correct),
 * reported through onError, never failing the request.
 */
export function createRedisAccessTokenStore(
  redis: Redis,
  options: { secretBox: SecretBox; prefix?: string; onError?: (error: unknown) => void },
): AccessTokenStore {
  const prefix = options.prefix ?? "wegate:";
  const tokenKey = (key: string) => `${prefix}access_token:${key}`;
  const lockKey = (key: string) => `${prefix}access_token_lock:${key}`;
  const degrade = async <T>(fallback: T, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      options.onError?.(error);
      return fallback;
    }
  };

  return {
    get: (key) =>
      degrade(undefined, async (): Promise<CachedAccessToken | undefined> => {
        const raw = await redis.get(tokenKey(key));
        if (!raw) return undefined;
        const stored = JSON.parse(raw) as StoredToken;
        return { accessToken: options.secretBox.open(stored.sealed), expiresAt: stored.expiresAt, refreshAt: stored.refreshAt };
      }),
    set: (key, token) =>
      degrade(undefined, async () => {
        const stored: StoredToken = {
          sealed: options.secretBox.seal(token.accessToken),
          hash: sha256(token.accessToken),
          expiresAt: token.expiresAt,
          refreshAt: token.refreshAt,
        };
        // The manager decides freshness by its own clock; the Redis expiry only clears out old apps' tokens.
        await redis.set(tokenKey(key), JSON.stringify(stored), "PX", 24 * 3600_000);
      }),
    deleteIfCurrent: (key, accessToken) =>
      degrade(undefined, async () => {
        await redis.eval(DELETE_IF_HASH, 1, tokenKey(key), sha256(accessToken));
      }),
    lock: (key, ttlMs) =>
      // Without Redis every instance is on its own: proceed as the holder.
      degrade(async () => {}, async () => {
        const holder = randomUUID();
        const taken = await redis.set(lockKey(key), holder, "PX", ttlMs, "NX");
        if (taken !== "OK") return undefined;
        return async () => {
          await degrade(undefined, async () => {
            await redis.eval(RELEASE_LOCK, 1, lockKey(key), holder);
          });
        };
      }),
  };
}
