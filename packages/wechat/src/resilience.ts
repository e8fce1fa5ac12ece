import { type CircuitBreakerPolicy, circuitBreaker, ConsecutiveBreaker, handleWhen } from "cockatiel";
import { WechatError, type WechatErrorKind } from "./errors";

export interface ResilienceOptions {
  /** Retries after a first attempt that failed with -1, HTTP 5xx or a network error; default 2. */
  retries?: number;
  /** The first backoff (before jitter); it doubles per retry up to `backoffCapMs`. Default 50 ms. */
  backoffBaseMs?: number;
  /** Default 400 ms. */
  backoffCapMs?: number;
  /**
   * A retry starts only if at least this much of the caller's budget is left
   * after its backoff: a retry that cannot get its answer in time would only
   * turn a clear "unavailable" into a "timeout". Default 100 ms.
   */
  minAttemptMs?: number;
  /** Consecutive failed calls (retries included) that open an endpoint's circuit; default 5. */
  breakerThreshold?: number;
  /**
   * How long an open circuit refuses calls before one call may test WeChat
   * again; default 10 s. Wall time (cockatiel reads Date.now), not the
   * injected clock: a fake clock that stands still must not hold it open.
   */
  halfOpenAfterMs?: number;
  /** Uniform in [0, 1), for jitter; Math.random by default. */
  random?: () => number;
}

export interface RetryPolicy {
  readonly retries: number;
  readonly backoffBaseMs: number;
  readonly backoffCapMs: number;
  readonly minAttemptMs: number;
  readonly random: () => number;
}

/** The protection of one app's calls: how they retry, and one circuit breaker per endpoint. */
export interface AppGuards {
  readonly retry: RetryPolicy;
  breaker(path: string): CircuitBreakerPolicy;
}

/**
 * Per-process state: breakers must outlive the WechatClient objects (the
 * server recreates them whenever it reloads its tenants), or a reload would
 * close every open circuit.
 */
export interface WechatResilience {
  /** The same object for the same appid, for the life of this WechatResilience. */
  forApp(appid: string): AppGuards;
}

export const DEFAULT_RETRY: RetryPolicy = {
  retries: 2,
  backoffBaseMs: 50,
  backoffCapMs: 400,
  minAttemptMs: 100,
  random: Math.random,
};

/** Worth another attempt: WeChat said "busy", or the exchange failed before WeChat could decide anything. */
export function isRetryable(kind: WechatErrorKind): boolean {
  return kind === "busy" || kind === "unavailable";
}

/**
 * What says WeChat itself is in trouble. A user's bad or used code, a blocked
 * or rate-limited user, our own misconfiguration and odd bodies say nothing
 * about WeChat's health, so they never open a circuit. A timeout is not
 * retried (the budget is spent) but counts.
 */
export function countsTowardBreaker(error: unknown): boolean {
  return error instanceof WechatError && (isRetryable(error.kind) || error.kind === "timeout");
}

/** "Equal jitter": half the capped exponential delay, plus up to as much again at random. */
export function backoffMs(policy: RetryPolicy, retryIndex: number): number {
  const ceiling = Math.min(policy.backoffCapMs, policy.backoffBaseMs * 2 ** retryIndex);
  return ceiling / 2 + (policy.random() * ceiling) / 2;
}

export function createWechatResilience(options: ResilienceOptions = {}): WechatResilience {
  const retry: RetryPolicy = {
    retries: options.retries ?? DEFAULT_RETRY.retries,
    backoffBaseMs: options.backoffBaseMs ?? DEFAULT_RETRY.backoffBaseMs,
    backoffCapMs: options.backoffCapMs ?? DEFAULT_RETRY.backoffCapMs,
    minAttemptMs: options.minAttemptMs ?? DEFAULT_RETRY.minAttemptMs,
    random: options.random ?? DEFAULT_RETRY.random,
  };
  const threshold = options.breakerThreshold ?? 5;
  const halfOpenAfter = options.halfOpenAfterMs ?? 10_000;
  const policy = handleWhen(countsTowardBreaker);
  const apps = new Map<string, AppGuards>();

  function guardsOf(): AppGuards {
    const breakers = new Map<string, CircuitBreakerPolicy>();
    return {
      retry,
      breaker(path) {
        let breaker = breakers.get(path);
        if (!breaker) breakers.set(path, (breaker = circuitBreaker(policy, { halfOpenAfter, breaker: new ConsecutiveBreaker(threshold) })));
        return breaker;
      },
    };
  }

  return {
    forApp(appid) {
      let guards = apps.get(appid);
      if (!guards) apps.set(appid, (guards = guardsOf()));
      return guards;
    },
  };
}
