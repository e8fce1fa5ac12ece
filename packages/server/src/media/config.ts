import { ConfigError } from "../config-error";

/** Upload settings, parsed once at start. */
export interface MediaConfig {
  /**
   * PUBLIC_URL: the origin (and path prefix, behind a reverse proxy) phones
   * reach this server at; upload answers carry absolute URLs built on it,
   * because a phone loads them from outside. undefined = the listen address.
   */
  publicUrl?: string;
  /** UPLOAD_MAX_BYTES: the largest file accepted. */
  maxBytes: number;
  /** UPLOAD_MAX_PIXELS: width x height an image may declare, checked before it is decoded. */
  maxPixels: number;
  /** UPLOAD_MAX_DIMENSION: stored images are scaled down to fit this many pixels on each side. */
  maxDimension: number;
}

export const DEFAULT_MEDIA_CONFIG: MediaConfig = {
  maxBytes: 5 * 1024 * 1024,
  maxPixels: 40_000_000,
  maxDimension: 2048,
};

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return value;
}

/** "https://shop.example.com/api/" -> "https://shop.example.com/api" */
export function parsePublicUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`PUBLIC_URL must be an absolute http(s) URL like https://api.example.com, got "${raw.slice(0, 80)}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new ConfigError(`PUBLIC_URL must start with http:// or https://, got "${url.protocol}"`);
  if (url.username || url.password || url.search || url.hash) throw new ConfigError("PUBLIC_URL must have no user, password, query or fragment");
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

export function mediaConfigFromEnv(env: NodeJS.ProcessEnv): MediaConfig {
  const publicUrl = env.PUBLIC_URL?.trim();
  return {
    publicUrl: publicUrl ? parsePublicUrl(publicUrl) : undefined,
    maxBytes: integer(env, "UPLOAD_MAX_BYTES", DEFAULT_MEDIA_CONFIG.maxBytes, 1024, 50 * 1024 * 1024),
    maxPixels: integer(env, "UPLOAD_MAX_PIXELS", DEFAULT_MEDIA_CONFIG.maxPixels, 10_000, 268_402_689),
    maxDimension: integer(env, "UPLOAD_MAX_DIMENSION", DEFAULT_MEDIA_CONFIG.maxDimension, 64, 8192),
  };
}
