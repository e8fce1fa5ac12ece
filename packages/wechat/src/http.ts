import { errorFromErrcode, WechatError } from "./errors";

export type Fetch = typeof globalThis.fetch;
export type Clock = () => number;

export interface TransportOptions {
  /** WeChat API origin, e.g. https://api.weixin.qq.com or a simulator URL. */
  baseURL?: string;
  fetch?: Fetch;
  /** Per-request timeout in milliseconds. */
  timeoutMs?: number;
  /** Epoch milliseconds; injected so tests control time. */
  clock?: Clock;
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
 * so the body decides; HTTP 5xx, HTML pages, resets and hangs become
 * "unavailable" / "timeout". The URL (which carries the secret) never goes
 * into an error message.
 */
export async function callWechat<T>(options: TransportOptions, request: WechatRequest): Promise<T> {
  const base = (options.baseURL ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
  const url = new URL(base + request.path);
  for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value);
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  let response: Response;
  let text: string;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    response = await doFetch(url, {
      method: request.method,
      headers: request.body === undefined ? undefined : { "content-type": "application/json" },
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal,
    });
    text = await response.text();
  } catch {
    if (signal.aborted) throw new WechatError("timeout", `WeChat ${request.path} did not answer within ${timeoutMs} ms`);
    throw new WechatError("unavailable", `WeChat ${request.path} could not be reached`);
  }

  if (response.status >= 500) {
    throw new WechatError("unavailable", `WeChat ${request.path} answered HTTP ${response.status}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new WechatError("unavailable", `WeChat ${request.path} answered a non-JSON body (HTTP ${response.status})`);
  }
  if (typeof body !== "object" || body === null) {
    throw new WechatError("unavailable", `WeChat ${request.path} answered an unexpected body`);
  }
  const { errcode, errmsg } = body as { errcode?: unknown; errmsg?: unknown };
  if (errcode !== undefined && errcode !== 0 && errcode !== "0") {
    throw errorFromErrcode(Number(errcode), errmsg);
  }
  if (response.status >= 400) {
    throw new WechatError("unavailable", `WeChat ${request.path} answered HTTP ${response.status}`);
  }
  return body as T;
}
