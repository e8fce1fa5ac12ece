import { createRequire } from "node:module";
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler, preHandlerHookHandler, RouteOptions } from "fastify";
import rateLimit, { normalizeIP } from "@fastify/rate-limit";
import type { Redis } from "ioredis";
import { ApiError } from "../errors";
import { requireSession } from "./auth";
import { DEFAULT_RATE_LIMITS, type RateLimits } from "./limits-config";

export type LimitGroup = keyof RateLimits;

declare module "fastify" {
  interface FastifyContextConfig {
    /** Which rate limits count this route (each counts it); by default `token` behind the token, `ip` otherwise. */
    limit?: LimitGroup | LimitGroup[];
  }
}

export interface LimitsOptions {
  limits: RateLimits;
  /** Counters in Redis hold across instances; in-process otherwise. */
  redis?: Redis;
  redisPrefix?: string;
}

/** Who a group counts: the key, from what the request is known by at that point. */
const keyOf: Record<LimitGroup, (request: FastifyRequest) => string> = {
  login: (request) => `login:${normalizeIP(request.ip)}`,
  ip: (request) => `ip:${normalizeIP(request.ip)}`,
  phone: (request) => `phone:${request.session.userId}`,
  token: (request) => `token:${request.session.id}`,
  upload: (request) => `upload:${request.session.userId}`,
  uploadDaily: (request) => `uploadDaily:${request.session.userId}`,
  adminLogin: (request) => `adminLogin:${normalizeIP(request.ip)}`,
};

/**
 * The in-process counters' keys: each group has a store of its own, so no
 * prefix, and a token's key is its session's id as a number, which a Map
 * hashes and compares without building and hashing a string per request.
 */
const localKeyOf: Partial<Record<LimitGroup, (request: FastifyRequest) => string | number>> = {
  token: (request) => request.session.id,
  ip: (request) => normalizeIP(request.ip),
};

/** Groups whose refusal says more than "too many requests". */
const refusalOf: Partial<Record<LimitGroup, () => ApiError>> = {
  uploadDaily: () => new ApiError("uploadQuotaExceeded"),
};

/**
 * Groups counted in the process even with Redis: they guard against floods
 * (a token or an address sending too much), and a count in Redis costs every
 * request behind the token a Redis round trip (BENCHMARKS.md). Behind a load
 * balancer a client spread over N instances gets up to N times these limits.
 * Logins, phone binding and uploads spend WeChat calls, money and storage:
 * counted in Redis, they hold across instances.
 */
export const localGroups = new Set<LimitGroup>(["token", "ip"]);

interface CountingStore {
  incr(key: string | number, callback: (error: Error | null, counted: { current: number; ttl: number }) => void, timeWindow: number, max: number): void;
}

const require = createRequire(import.meta.url);

/** Room for the keys of every active user; older ones are forgotten first. */
const CACHED_KEYS = 100_000;

/** Groups counted before the body is read (their key is the IP); the others after requireSession. */
const beforeBody = new Set<LimitGroup>(["login", "ip", "adminLogin"]);

function behindToken(route: RouteOptions): boolean {
  const hooks = route.preHandler;
  return hooks === requireSession || (Array.isArray(hooks) && hooks.includes(requireSession));
}

function append<T>(hooks: T | T[] | undefined, hook: T): T[] {
  return hooks === undefined ? [hook] : [...(Array.isArray(hooks) ? hooks : [hooks]), hook];
}

/**
 * Registers @fastify/rate-limit (its Redis store when a client is given, for
 * the groups that are not counted in the process) and
 * returns a function that puts the right limit on every route added to a
 * scope after it. A limited request is answered 429 with the catalogue's
 * code and Retry-After.
 */
export async function rateLimits(app: FastifyInstance, options: LimitsOptions) {
  const limits: Required<RateLimits> = { adminLogin: DEFAULT_RATE_LIMITS.adminLogin, ...options.limits };
  await app.register(rateLimit, {
    global: false,
    ...(options.redis && { redis: options.redis, nameSpace: `${options.redisPrefix ?? "wegate:"}rate:` }),
    // Redis down must not take the shops down with it: requests then go unlimited (and /readyz says Redis is down).
    skipOnError: true,
    cache: CACHED_KEYS,
    // Only limited answers carry the headers: the counts are of no use to a mini program, and every answer would pay for them.
    addHeadersOnExceeding: { "x-ratelimit-limit": false, "x-ratelimit-remaining": false, "x-ratelimit-reset": false },
    errorResponseBuilder: () => new ApiError("rateLimited"),
  });
  const limiters = Object.fromEntries(
    (Object.keys(limits) as LimitGroup[]).map((group) => {
      const { max, windowMs } = limits[group];
      const refusal = refusalOf[group];
      return [group, app.rateLimit({ max, timeWindow: windowMs, keyGenerator: keyOf[group], ...(refusal && { errorResponseBuilder: refusal }) })];
    }),
  ) as unknown as Record<LimitGroup, preHandlerHookHandler>;

  // @fastify/rate-limit counts a request once, with the first of its limiters
  // that runs; a route's further groups count through these checks.
  const furtherLimiters = Object.fromEntries(
    (Object.keys(limits) as LimitGroup[]).map((group) => {
      const { max, windowMs } = limits[group];
      const check = app.createRateLimit({ max, timeWindow: windowMs, keyGenerator: keyOf[group] });
      const limiter: preHandlerHookHandler = async (request, reply) => {
        const counted = await check(request);
        if (counted.isAllowed || !counted.isExceeded) return;
        reply.header("retry-after", counted.ttlInSeconds);
        throw refusalOf[group]?.() ?? new ApiError("rateLimited");
      };
      return [group, limiter];
    }),
  ) as Record<LimitGroup, preHandlerHookHandler>;

  /**
   * The groups counted in the process run nearly every request: their hooks
   * count synchronously in the plugin's own in-memory store (LocalStore
   * answers at once), without the plugin's promise-based hook.
   */
  const LocalStore = require("@fastify/rate-limit/store/LocalStore.js") as new (continueExceeding: boolean, exponentialBackoff: boolean, cache: number) => CountingStore;
  const inProcess = Object.fromEntries(
    [...localGroups].map((group) => {
      const { max, windowMs } = limits[group];
      const store = new LocalStore(false, false, CACHED_KEYS);
      const keyOfGroup = localKeyOf[group] ?? keyOf[group];
      const hook = (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
        store.incr(keyOfGroup(request), (_error, counted) => {
          if (counted.current <= max) return done();
          reply.header("retry-after", Math.ceil(counted.ttl / 1000));
          done(new ApiError("rateLimited"));
        }, windowMs, max);
      };
      return [group, hook];
    }),
  ) as Record<LimitGroup, preHandlerHookHandler>;

  /** The onRoute hook of a scope: each route gets its groups' limiters. */
  return (route: RouteOptions) => {
    const groups = [route.config?.limit ?? (behindToken(route) ? "token" : "ip")].flat();
    for (const [i, group] of groups.entries()) {
      const limiter = inProcess[group] ?? (i === 0 ? limiters[group] : furtherLimiters[group]);
      if (beforeBody.has(group)) route.onRequest = append(route.onRequest, limiter as unknown as onRequestHookHandler);
      else route.preHandler = append(route.preHandler, limiter);
    }
  };
}
