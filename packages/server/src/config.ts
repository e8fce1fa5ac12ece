import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { DEFAULT_BASE_URL } from "@wegate/wechat";

/** Everything wegate reads from the environment, parsed and checked once at start. */
export interface Config {
  port: number;
  host: string;
  /** `sqlite:<path>` (or `sqlite::memory:`) or `postgres://...` */
  databaseUrl: string;
  /** Shared cache (access_tokens and their refresh lock); undefined = in-process. */
  redisUrl?: string;
  /** Where demo-mode files live (the SQLite file, the generated secret). */
  dataDir: string;
  /** 32-byte key that encrypts session_keys and app secrets at rest. */
  secret: Buffer;
  /** Where the secret came from, for the start-up banner (never the value). */
  secretSource: "env" | "generated" | "data-dir";
  defaultTenant: string;
  /** The default tenant's mini program; undefined = demo mode (embedded simulator). */
  wechatApp?: { appid: string; secret: string };
  /** WeChat API origin; undefined in demo mode (the embedded simulator's URL is known after listen). */
  wechatApiBaseUrl?: string;
  wechatTimeoutMs: number;
  tokenTtlSeconds: number;
  tokenMaxAgeSeconds: number;
  logLevel: string;
  demo: boolean;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

export const SUBDOMAIN_PATTERN = "^[a-z0-9][a-z0-9-]{0,62}$";
const subDomainRegex = new RegExp(SUBDOMAIN_PATTERN);

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function sqliteDataDir(databaseUrl: string): string | undefined {
  if (!databaseUrl.startsWith("sqlite:")) return undefined;
  const path = databaseUrl.slice("sqlite:".length);
  return path === ":memory:" ? undefined : dirname(resolve(path));
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

  const databaseUrl = env.DATABASE_URL?.trim() || "sqlite:./data/wegate.db";
  if (!/^(sqlite:|postgres:\/\/|postgresql:\/\/)/.test(databaseUrl)) {
    throw new ConfigError(`DATABASE_URL must start with sqlite: or postgres://, got "${databaseUrl.split(":")[0]}:..."`);
  }
  const dataDir = sqliteDataDir(databaseUrl) ?? resolve("data");
  const redisUrl = env.REDIS_URL?.trim() || undefined;
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) throw new ConfigError("REDIS_URL must start with redis:// or rediss://");

  const defaultTenant = env.DEFAULT_TENANT?.trim() || "demo";
  if (!subDomainRegex.test(defaultTenant)) {
    throw new ConfigError(`DEFAULT_TENANT must be lower-case letters, digits and dashes, got "${defaultTenant}"`);
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
    dataDir,
    secret,
    secretSource,
    defaultTenant,
    wechatApp: appid && appSecret ? { appid, secret: appSecret } : undefined,
    wechatApiBaseUrl: demo ? baseUrl : (baseUrl ?? DEFAULT_BASE_URL),
    wechatTimeoutMs: integer(env, "WECHAT_TIMEOUT_MS", 5000, 100, 60000),
    tokenTtlSeconds,
    tokenMaxAgeSeconds,
    logLevel: env.LOG_LEVEL?.trim() || "info",
    demo,
  };
}
