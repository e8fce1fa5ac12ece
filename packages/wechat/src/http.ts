import { EventEmitter } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { BrokenCircuitError, CircuitState } from "cockatiel";
import { Pool } from "undici";
import { errorFromErrcode, WechatError } from "./errors";
import { type AppGuards, backoffMs, DEFAULT_RETRY, isRetryable } from "./resilience";

export type Fetch = typeof globalThis.fetch;

/** Thrown by a Send when WeChat did not answer in time. */
class NoAnswerInTime extends Error {}

/**
 * One HTTP exchange: the answer's status and text. Rejects with
 * NoAnswerInTime when it takes longer than `timeoutMs`, with anything else
 * when WeChat cannot be reached.
 */
type Send = (url: URL, init: { method: string; headers?: Record<string, string>; body?: string; timeoutMs: number }) => Promise<{ status: number; text: string }>;

/**
 * Runs an exchange that `abort` cancels, calling it after `timeoutMs`: then the
 * exchange's rejection becomes NoAnswerInTime. A timer cleared on the answer,
 * not AbortSignal.timeout(), which lives for the whole timeout and keeps the
 * finished request reachable.
 */
async function inTime<T>(timeoutMs: number, abort: () => void, exchange: () => Promise<T>): Promise<T> {
  let late = false;
  const timer = setTimeout(() => {
    late = true;
    abort();
  }, timeoutMs);
  try {
    return await exchange();
  } catch (error) {
    throw late ? new NoAnswerInTime() : error;
  } finally {
    clearTimeout(timer);
  }
}

const pools = new Map<string, Pool>();

/**
 * The default client: an undici Pool of keep-alive connections per origin,
 * cancelled through an EventEmitter, which undici accepts as a signal (an
 * AbortSignal's listeners are costly per call on Node 20). Under login load
 * a call costs less CPU than undici's top-level request() with an
 * AbortSignal, and far less than fetch (measured in BENCHMARKS.md).
 */
const sendPooled: Send = (url, { method, headers, body, timeoutMs }) => {
  let pool = pools.get(url.origin);
  if (!pool) pools.set(url.origin, (pool = new Pool(url.origin)));
  const signal = new EventEmitter();
  return inTime(timeoutMs, () => signal.emit("abort"), async () => {
    const response = await pool.request({ path: url.pathname + url.search, method: method as "GET" | "POST", headers, body, signal });
    return { status: response.statusCode, text: await response.body.text() };
  });
};

/** A `fetch` as a Send, cancelled through an AbortSignal. */
const sendWith = (fetch: Fetch): Send => (url, { method, headers, body, timeoutMs }) => {
  const controller = new AbortController();
  return inTime(timeoutMs, () => controller.abort(), async () => {
    const response = await fetch(url, { method, headers, body, signal: controller.signal });
    return { status: response.status, text: await response.text() };
  });
};

export type Clock = () => number;

export interface TransportOptions {
  /** WeChat API origin, e.g. https://api.weixin.qq.com or a simulator URL. */
  baseURL?: string;
  /** Another HTTP client (tests rewrite answers with one); a keep-alive undici Pool per origin by default. */
  fetch?: Fetch;
  /** The caller's budget for a whole call in milliseconds, retries included. */
  timeoutMs?: number;
  /** Epoch milliseconds; injected so tests control time. */
  clock?: Clock;
  /** Retry policy and circuit breakers of the app; without them, DEFAULT_RETRY and no breaker. */
  guards?: AppGuards;
}

export const DEFAULT_BASE_URL = "https://api.weixin.qq.com";
export const DEFAULT_TIMEOUT_MS = 5000;

export interface WechatRequest {
  method: "GET" | "POST";
  path: string;
  query?: Record<string, string>;
  body?: unknown;
}

/**
 * One WeChat API call: WeChat answers errors as HTTP 200 + {errcode, errmsg},
 * so the body decides; HTTP 5xx, resets and hangs become "unavailable" /
 * "timeout", an answer that is not WeChat's JSON "bad_answer". Busy (-1),
 * 5xx and network errors are retried within the budget; with guards, an
 * endpoint that keeps failing is refused at once for a while. The URL (which
 * carries the secret) never goes into an error message.
 */
export async function callWechat<T>(options: TransportOptions, request: WechatRequest): Promise<T> {
  const breaker = options.guards?.breaker(request.path);
  if (!breaker) return withRetries<T>(options, request);
  // While one call tests a half-open circuit, cockatiel would make the others
  // wait for its answer, up to a whole timeout if WeChat still hangs: they are
  // refused at once instead, as while it is open.
  if (breaker.state === CircuitState.HalfOpen) throw circuitOpen(request.path);
  try {
    return await breaker.execute(() => withRetries<T>(options, request));
  } catch (error) {
    throw error instanceof BrokenCircuitError ? circuitOpen(request.path) : error;
  }
}

const circuitOpen = (path: string) => new WechatError("circuit_open", `WeChat ${path} failed repeatedly; calls are paused for a while`);

/**
 * The attempts of one call, all within `timeoutMs`: each gets what is left
 * of it, and a retry is not started when too little would be left for it.
 * A timeout is not retried: the budget is spent.
 */
async function withRetries<T>(options: TransportOptions, request: WechatRequest): Promise<T> {
  const base = (options.baseURL ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
  const query = new URLSearchParams(request.query).toString();
  const url = new URL(base + request.path + (query && `?${query}`));
  const send = options.fetch ? sendWith(options.fetch) : sendPooled;
  const budgetMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const retry = options.guards?.retry ?? DEFAULT_RETRY;
  const headers = request.body === undefined ? undefined : JSON_HEADERS;
  const body = request.body === undefined ? undefined : JSON.stringify(request.body);
  const startedAt = performance.now();
  for (let attempt = 0; ; attempt++) {
    const timeoutMs = attempt === 0 ? budgetMs : budgetMs - (performance.now() - startedAt);
    try {
      return await exchange<T>(send, url, { method: request.method, headers, body, timeoutMs }, request.path, budgetMs);
    } catch (error) {
      if (attempt >= retry.retries || !(error instanceof WechatError) || !isRetryable(error.kind)) throw error;
      const delayMs = backoffMs(retry, attempt);
      if (budgetMs - (performance.now() - startedAt) - delayMs < retry.minAttemptMs) throw error;
      await sleep(delayMs);
    }
  }
}

const JSON_HEADERS = { "content-type": "application/json" };

/** One attempt: one HTTP exchange and what its answer means. */
async function exchange<T>(send: Send, url: URL, init: Parameters<Send>[1], path: string, budgetMs: number): Promise<T> {
  let response: Awaited<ReturnType<Send>>;
  try {
    response = await send(url, init);
  } catch (error) {
    if (error instanceof NoAnswerInTime) throw new WechatError("timeout", `WeChat ${path} did not answer within ${budgetMs} ms`);
    throw new WechatError("unavailable", `WeChat ${path} could not be reached`);
  }

  if (response.status >= 500) {
    throw new WechatError("unavailable", `WeChat ${path} answered HTTP ${response.status}`);
  }
  // An HTML page or a truncated body with HTTP 200 is a proxy or WeChat's
  // edge misbehaving, not WeChat saying "busy": its own kind, which callers
  // report like "unavailable" but which is neither retried nor counted
  // toward the breaker.
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch {
    throw new WechatError("bad_answer", `WeChat ${path} answered a non-JSON body (HTTP ${response.status})`);
  }
  if (typeof body !== "object" || body === null) {
    throw new WechatError("bad_answer", `WeChat ${path} answered an unexpected body`);
  }
  const { errcode, errmsg } = body as { errcode?: unknown; errmsg?: unknown };
  if (errcode !== undefined && errcode !== 0 && errcode !== "0") {
    throw errorFromErrcode(Number(errcode), errmsg);
  }
  if (response.status >= 400) {
    throw new WechatError("bad_answer", `WeChat ${path} answered HTTP ${response.status}`);
  }
  return body as T;
}
