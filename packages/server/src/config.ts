import { ConfigError } from "./config-error";
import { type RateLimits, rateLimitsFromEnv, trustProxyFromEnv } from "./http/limits-config";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { DEFAULT_BASE_URL } from "@wegate/wechat";
import { type MediaConfig, mediaConfigFromEnv } from "./media/config";
import { isPostgresUrl } from "./storage/dialects/postgres";
import { isSqliteUrl, sqliteFileOf } from "./storage/dialects/sqlite";

/** Everything wegate reads from the environment, parsed and checked once at start. */
export interface Config {
  port: number;
  host: string;
  /** `sqlite:<path>` (or `sqlite::memory:`) or `postgres://...` */
  databaseUrl: string;
  /** Shared cache (access_tokens and their refresh lock); undefined = in-process. */
  redisUrl?: string;
  /** Prefix of wegate's Redis keys and channel (REDIS_PREFIX), so deployments can share one Redis. */
  redisPrefix: string;
  /** Where demo-mode files live (the SQLite file, the generated secret). */
  dataDir: string;
  /** 32-byte key that encrypts session_keys and app secrets at rest. */
  secret: Buffer;
  /** Where the secret came from, for the start-up banner (never the value). */
  secretSource: "env" | "generated" | "data-dir";
  /** WEGATE_SECRET_PREVIOUS: the key being rotated out, still opened (never used to seal). */
  previousSecret?: Buffer;
  defaultTenant: string;
  /** The default tenant's mini program; undefined = demo mode (embedded simulator). */
  wechatApp?: { appid: string; secret: string };
  /** WeChat API origin; undefined in demo mode (the embedded simulator's URL is known after listen). */
  wechatApiBaseUrl?: string;
  wechatTimeoutMs: number;
  tokenTtlSeconds: number;
  tokenMaxAgeSeconds: number;
  logLevel: string;
  /** PUBLIC_URL and the upload limits (UPLOAD_MAX_BYTES, UPLOAD_MAX_PIXELS, UPLOAD_MAX_DIMENSION). */
  media: MediaConfig;
  demo: boolean;
  /** undefined = RATE_LIMITS=off */
  rateLimits?: RateLimits;
  trustProxy: boolean | number | string[];
  /** How long in-flight requests may take to finish after SIGTERM. */
  shutdownTimeoutMs: number;
}

export { ConfigError };

export const SUBDOMAIN_PATTERN = "^[a-z0-9][a-z0-9-]{0,62}$";
const subDomainRegex = new RegExp(SUBDOMAIN_PATTERN);
/** First path segments the server itself answers (the console, the docs, health): no tenant may take them. */
export const RESERVED_SUBDOMAINS: ReadonlySet<string> = new Set(["admin", "docs", "healthz", "readyz"]);

/** A mini program's AppID as WeChat issues it: "wx" and 16 lower-case hex digits. */
export const isAppid = (appid: string) => /^wx[0-9a-f]{16}$/.test(appid);
/** An AppSecret as WeChat issues it: 32 hex digits. */
export const isAppSecret = (secret: string) => /^[0-9a-fA-F]{32}$/.test(secret);
export const APPID_RULE = 'an AppID is "wx" and 16 lower-case hex digits, as shown in the mini program admin (开发管理 > 开发设置)';
export const APP_SECRET_RULE = "an AppSecret is 32 hex digits, as shown (once) in the mini program admin (开发管理 > 开发设置)";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** DATABASE_URL checked; the messages show its scheme only, never a password. */
function checkDatabaseUrl(databaseUrl: string): string {
  if (isSqliteUrl(databaseUrl) || isPostgresUrl(databaseUrl)) return databaseUrl;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(databaseUrl)?.[1];
  if (scheme) throw new ConfigError(`DATABASE_URL must start with sqlite: or postgres://, got "${scheme}:..."`);
  // No scheme: most likely a file path meant for SQLite.
  const path = /[@\s]/.test(databaseUrl) ? "./data/wegate.db" : databaseUrl;
  throw new ConfigError(`DATABASE_URL has no scheme: for a SQLite file write sqlite:${path}, for PostgreSQL postgres://user:password@host:5432/database`);
}

function sqliteDataDir(databaseUrl: string): string | undefined {
  const file = sqliteFileOf(databaseUrl);
  return file && dirname(file);
}

function decodeSecret(raw: string, source: string): Buffer {
  const key = Buffer.from(raw.trim(), "base64");
  if (key.length !== 32) {
    throw new ConfigError(`${source} must be 32 random bytes in base64 (try: openssl rand -base64 32)`);
  }
  return key;
}

/** Demo mode keeps a generated key in the data dir so restarts can still read stored session_keys. */
function demoSecret(dataDir: string): { secret: Buffer; source: "generated" | "data-dir" } {
  const file = join(dataDir, "wegate.secret");
  if (existsSync(file)) return { secret: decodeSecret(readFileSync(file, "utf8"), file), source: "data-dir" };
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32);
  writeFileSync(file, secret.toString("base64") + "\n", { mode: 0o600 });
  chmodSync(file, 0o600);
  return { secret, source: "generated" };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const appid = env.WECHAT_APPID?.trim() || undefined;
  const appSecret = env.WECHAT_APP_SECRET?.trim() || undefined;
  const demo = !appid;
  if (appid && !appSecret) throw new ConfigError("WECHAT_APPID is set but WECHAT_APP_SECRET is not: set both, or neither for demo mode");
  if (!appid && appSecret) throw new ConfigError("WECHAT_APP_SECRET is set but WECHAT_APPID is not: set both, or neither for demo mode");

  if (appid && !isAppid(appid)) throw new ConfigError(`WECHAT_APPID "${appid.slice(0, 40)}" is not an AppID: ${APPID_RULE}`);
  // The value itself is never repeated: it is a secret, even when malformed.
  if (appSecret && !isAppSecret(appSecret)) throw new ConfigError(`WECHAT_APP_SECRET is not an AppSecret: ${APP_SECRET_RULE}`);

  const databaseUrl = checkDatabaseUrl(env.DATABASE_URL?.trim() || "sqlite:./data/wegate.db");
  const dataDir = sqliteDataDir(databaseUrl) ?? resolve("data");
  const redisUrl = env.REDIS_URL?.trim() || undefined;
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) throw new ConfigError("REDIS_URL must start with redis:// or rediss://");
  const redisPrefix = env.REDIS_PREFIX?.trim() || "wegate:";
  if (!/^[\w.:-]{1,64}$/.test(redisPrefix)) throw new ConfigError(`REDIS_PREFIX must be 1 to 64 letters, digits, "_", ".", ":" or "-", got "${redisPrefix.slice(0, 70)}"`);

  const defaultTenant = env.DEFAULT_TENANT?.trim() || "demo";
  if (!subDomainRegex.test(defaultTenant) || RESERVED_SUBDOMAINS.has(defaultTenant)) {
    throw new ConfigError(`DEFAULT_TENANT must be lower-case letters, digits and dashes, and none of ${[...RESERVED_SUBDOMAINS].join(", ")}; got "${defaultTenant}"`);
  }

  let secret: Buffer;
  let secretSource: Config["secretSource"];
  if (env.WEGATE_SECRET?.trim()) {
    secret = decodeSecret(env.WEGATE_SECRET, "WEGATE_SECRET");
    secretSource = "env";
  } else if (demo) {
    ({ secret, source: secretSource } = demoSecret(dataDir));
  } else {
    throw new ConfigError("WEGATE_SECRET is required when WECHAT_APPID is set (32 random bytes in base64: openssl rand -base64 32)");
  }

  const previousSecret = env.WEGATE_SECRET_PREVIOUS?.trim() ? decodeSecret(env.WEGATE_SECRET_PREVIOUS, "WEGATE_SECRET_PREVIOUS") : undefined;
  if (previousSecret?.equals(secret)) {
    throw new ConfigError("WEGATE_SECRET_PREVIOUS is the same key as WEGATE_SECRET: set WEGATE_SECRET to the new key and WEGATE_SECRET_PREVIOUS to the old one, or unset WEGATE_SECRET_PREVIOUS");
  }

  const logLevel = env.LOG_LEVEL?.trim() || "info";
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, got "${logLevel.slice(0, 40)}"`);

  const baseUrl = env.WECHAT_API_BASE_URL?.trim() || undefined;
  if (baseUrl && !/^https?:\/\//.test(baseUrl)) throw new ConfigError("WECHAT_API_BASE_URL must be an http(s) URL");

  const tokenTtlSeconds = integer(env, "TOKEN_TTL_SECONDS", 7 * 24 * 3600, 60, 365 * 24 * 3600);
  const tokenMaxAgeSeconds = integer(env, "TOKEN_MAX_AGE_SECONDS", 30 * 24 * 3600, 60, 10 * 365 * 24 * 3600);
  if (tokenMaxAgeSeconds < tokenTtlSeconds) {
    throw new ConfigError("TOKEN_MAX_AGE_SECONDS must be at least TOKEN_TTL_SECONDS");
  }

  return {
    port: integer(env, "PORT", 3000, 0, 65535),
    host: env.HOST?.trim() || "127.0.0.1",
    databaseUrl,
    redisUrl,
    redisPrefix,
    dataDir,
    secret,
    secretSource,
    previousSecret,
    defaultTenant,
    wechatApp: appid && appSecret ? { appid, secret: appSecret } : undefined,
    wechatApiBaseUrl: demo ? baseUrl : (baseUrl ?? DEFAULT_BASE_URL),
    wechatTimeoutMs: integer(env, "WECHAT_TIMEOUT_MS", 5000, 100, 60000),
    tokenTtlSeconds,
    tokenMaxAgeSeconds,
    logLevel,
    media: mediaConfigFromEnv(env),
    demo,
    rateLimits: rateLimitsFromEnv(env),
    trustProxy: trustProxyFromEnv(env),
    shutdownTimeoutMs: integer(env, "SHUTDOWN_TIMEOUT_MS", 10_000, 0, 600_000),
  };
}

/**
 * A database or Redis URL as it may be shown (banner, logs): scheme, host,
 * port and database only. The user, password and query (libpq takes
 * `?password=` too) are left out.
 */
export function shownUrl(url: string): string {
  if (isSqliteUrl(url)) return url;
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === "/" ? "" : parsed.pathname}`;
  } catch {
    return `${url.split(":")[0]}://…`;
  }
}
