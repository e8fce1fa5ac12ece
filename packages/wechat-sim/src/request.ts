import type { WxFail } from "./wx-async";
import { runWxTask } from "./wx-task";

export type WxRequestMethod = "GET" | "POST" | "PUT" | "DELETE" | "HEAD" | "OPTIONS" | "TRACE" | "CONNECT";

export interface WxRequestSuccess<T = any> {
  data: T;
  statusCode: number;
  header: Record<string, string>;
  cookies: string[];
  errMsg: string;
}

export interface WxRequestOptions<T = any> {
  url: string;
  data?: string | object | ArrayBuffer;
  header?: Record<string, string | number>;
  method?: WxRequestMethod;
  dataType?: string;
  responseType?: "text" | "arraybuffer";
  timeout?: number;
  success?: (result: WxRequestSuccess<T>) => void;
  fail?: (error: WxFail) => void;
  complete?: (result: WxRequestSuccess<T> | WxFail) => void;
}

export interface WxRequestTask {
  abort(): void;
}


/**
 * wx.request over real HTTP. Like WeChat: any HTTP status is a success (the
 * caller reads statusCode), fail is only for network errors, timeouts and
 * abort, and it returns a task, not a promise.
 */
export function wxRequest(options: WxRequestOptions, defaults: { header: Record<string, string> }): WxRequestTask {
  return runWxTask(options, (signal) => send(options, defaults.header, signal), (reason) => ({ errMsg: `request:fail ${reason}` }));
}

async function send(options: WxRequestOptions, defaultHeader: Record<string, string>, signal: AbortSignal): Promise<WxRequestSuccess> {
  const method = (options.method ?? "GET").toUpperCase();
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.header ?? {})) headers[name] = String(value);
  for (const [name, value] of Object.entries(defaultHeader)) {
    if (findHeader(headers, name) === undefined) headers[name] = value;
  }

  let url = options.url;
  let body: string | ArrayBuffer | undefined;
  if (method === "GET" || method === "DELETE" || method === "HEAD") url = withQuery(url, options.data);
  else body = encodeBody(options.data, headers);

  const response = await fetch(url, { method, headers, body, signal });
  const header = Object.fromEntries(response.headers);
  const cookies = response.headers.getSetCookie();
  let data: unknown;
  if (options.responseType === "arraybuffer") data = await response.arrayBuffer();
  else data = parseText(await response.text(), options.dataType ?? "json");
  return { data, statusCode: response.status, header, cookies, errMsg: "request:ok" };
}

function withQuery(url: string, data: WxRequestOptions["data"]): string {
  if (data === undefined || data === null || data instanceof ArrayBuffer) return url;
  const query = typeof data === "string" ? data : encodeFields(data);
  if (!query) return url;
  return url + (url.includes("?") ? "&" : "?") + query;
}

/** WeChat sends JSON unless the caller set a form content-type. */
function encodeBody(data: WxRequestOptions["data"], headers: Record<string, string>): string | ArrayBuffer | undefined {
  const typeHeader = findHeader(headers, "content-type");
  if (typeHeader === undefined) headers["content-type"] = "application/json";
  if (data === undefined || data === null) return undefined;
  if (typeof data === "string" || data instanceof ArrayBuffer) return data;
  const isForm = typeHeader !== undefined && headers[typeHeader].toLowerCase().startsWith("application/x-www-form-urlencoded");
  return isForm ? encodeFields(data) : JSON.stringify(data);
}

function encodeFields(data: object): string {
  return Object.entries(data)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => {
      const text = typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
      return `${encodeURIComponent(name)}=${encodeURIComponent(text)}`;
    })
    .join("&");
}

function findHeader(headers: Record<string, string>, name: string): string | undefined {
  return Object.keys(headers).find((key) => key.toLowerCase() === name);
}

function parseText(text: string, dataType: string): unknown {
  if (dataType !== "json") return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
