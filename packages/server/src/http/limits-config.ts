import { ConfigError } from "../config-error";

/** At most `max` requests per `windowMs` for one key (an IP, a user, a token). */
export interface RateLimit {
  max: number;
  windowMs: number;
}

/**
 * The groups of rate limits. Logins are counted per client IP (they spend a
 * WeChat call each); phone binding per user (each WeChat phone call costs the
 * shop money); routes behind the token per token; the public goods routes per
 * IP. Per-IP limits are generous: many phones share one carrier-NAT address.
 * Uploads are counted per user twice: a short window against bursts, and a
 * daily quota that bounds what one user can add to the tenant's storage.
 * Console logins are counted per IP, tightly: each one is a password guess.
 */
export interface RateLimits {
  login: RateLimit;
  phone: RateLimit;
  token: RateLimit;
  ip: RateLimit;
  upload: RateLimit;
  uploadDaily: RateLimit;
  /** Absent: DEFAULT_RATE_LIMITS' (so limits written before the console keep it limited). */
  adminLogin?: RateLimit;
}

export const DEFAULT_RATE_LIMITS: Required<RateLimits> = {
  login: { max: 600, windowMs: 60_000 },
  phone: { max: 10, windowMs: 3_600_000 },
  token: { max: 600, windowMs: 60_000 },
  ip: { max: 3000, windowMs: 60_000 },
  upload: { max: 30, windowMs: 60_000 },
  uploadDaily: { max: 300, windowMs: 86_400_000 },
  adminLogin: { max: 10, windowMs: 60_000 },
};

const UNITS: Record<string, number> = { s: 1000, sec: 1000, second: 1000, min: 60_000, minute: 60_000, h: 3_600_000, hour: 3_600_000, day: 86_400_000 };

/** "600/min" -> {max: 600, windowMs: 60000} */
export function parseRateLimit(name: string, raw: string): RateLimit {
  const match = /^\s*(\d{1,9})\s*\/\s*([a-z]+)\s*$/i.exec(raw);
  const windowMs = match && UNITS[match[2].toLowerCase()];
  if (!match || !windowMs || Number(match[1]) < 1) {
    throw new ConfigError(`${name} must be a count per time unit like 600/min (units: s, min, hour, day), got "${raw}"`);
  }
  return { max: Number(match[1]), windowMs };
}

/** RATE_LIMITS=off turns every limit off (benchmarks, load tests); RATE_LIMIT_<GROUP>=N/unit sets one. */
export function rateLimitsFromEnv(env: NodeJS.ProcessEnv): RateLimits | undefined {
  const switchValue = (env.RATE_LIMITS?.trim() || "on").toLowerCase();
  if (switchValue !== "on" && switchValue !== "off") throw new ConfigError(`RATE_LIMITS must be on or off, got "${env.RATE_LIMITS}"`);
  if (switchValue === "off") return undefined;
  const limits = { ...DEFAULT_RATE_LIMITS };
  for (const group of Object.keys(limits) as Array<keyof RateLimits>) {
    // uploadDaily -> RATE_LIMIT_UPLOAD_DAILY
    const name = `RATE_LIMIT_${group.replace(/[A-Z]/g, "_$&").toUpperCase()}`;
    const raw = env[name]?.trim();
    if (raw) limits[group] = parseRateLimit(name, raw);
  }
  return limits;
}

/**
 * TRUST_PROXY: off (default: the client IP is the connection's), on (trust
 * X-Forwarded-For from any hop: only when nothing but the proxy can reach
 * wegate), a number of proxy hops, or a comma list of proxy addresses/CIDRs.
 */
export function trustProxyFromEnv(env: NodeJS.ProcessEnv): boolean | number | string[] {
  const raw = env.TRUST_PROXY?.trim();
  if (!raw || /^(off|false|no|0)$/i.test(raw)) return false;
  if (/^(on|true|yes)$/i.test(raw)) return true;
  if (/^\d{1,2}$/.test(raw)) return Number(raw);
  const list = raw.split(",").map((entry) => entry.trim());
  if (list.every((entry) => /^[0-9a-f.:]+(\/\d{1,3})?$/i.test(entry))) return list;
  throw new ConfigError(`TRUST_PROXY must be off, on, a number of proxy hops, or a comma list of proxy addresses, got "${raw}"`);
}
