import { ElMessage } from "element-plus";
import "element-plus/es/components/message/style/css";
import { currentLang } from "../i18n";
import { router } from "../router";
import { session } from "../session";

/** The server's envelope: code 0 is success, anything else carries a message for people. */
export interface Envelope<T> {
  code: number;
  msg: string;
  data?: T;
}

/** A refused call: the server's code and its message (already in the console's language). */
export class ApiFailure extends Error {
  constructor(
    readonly code: number,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const NOT_LOGGED_IN = 60001;

const BASE = "/admin/api";
const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);

type Query = Record<string, string | number | boolean | undefined | null>;

function withQuery(path: string, query?: Query): string {
  if (!query) return BASE + path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return BASE + path + (text ? `?${text}` : "");
}

interface CallOptions {
  query?: Query;
  /** JSON body, or a FormData (multipart: the browser sets its boundary). */
  body?: unknown;
  /** Leave showing the error to the caller (a page shows it in place of its data). */
  quiet?: boolean;
  /** Login and the first /me: "not logged in" is their ordinary answer, not a session that ended. */
  beforeLogin?: boolean;
}

/**
 * Every console call: the language the console shows (so `msg` comes back in
 * it), the CSRF token on writes, the envelope unwrapped. A refusal shows the
 * server's msg and throws; a lost session goes to the login page.
 */
export async function call<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { "Accept-Language": currentLang() === "en" ? "en" : "zh-CN" };
  if (WRITES.has(method) && session.csrfToken) headers["X-CSRF-Token"] = session.csrfToken;
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) body = options.body;
  else if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  let envelope: Envelope<T>;
  let status = 0;
  try {
    const response = await fetch(withQuery(path, options.query), { method, headers, body, credentials: "same-origin" });
    status = response.status;
    envelope = (await response.json()) as Envelope<T>;
  } catch {
    envelope = { code: -1, msg: currentLang() === "en" ? `Cannot reach the server (HTTP ${status || "-"})` : `无法连接服务器（HTTP ${status || "-"}）` };
  }
  if (envelope.code === 0) return envelope.data as T;
  const failure = new ApiFailure(envelope.code, status, envelope.msg);
  // The session ended (idle, expired, revoked, logged out in another tab): to the login page, back here after.
  if (envelope.code === NOT_LOGGED_IN && !options.beforeLogin) {
    session.clear();
    ElMessage.warning({ message: envelope.msg, grouping: true });
    const here = router.currentRoute.value;
    if (here.name !== "login") await router.replace({ name: "login", query: { next: here.fullPath } });
    throw failure;
  }
  if (!options.quiet) ElMessage.error({ message: envelope.msg, grouping: true });
  throw failure;
}

export const api = {
  get: <T>(path: string, query?: Query, quiet = false) => call<T>("GET", path, { query, quiet }),
  post: <T>(path: string, body: unknown = {}, query?: Query) => call<T>("POST", path, { body, query }),
  put: <T>(path: string, body: unknown) => call<T>("PUT", path, { body }),
  delete: <T>(path: string, query?: Query) => call<T>("DELETE", path, { query }),
};

/** Shows a success toast (ElMessage, the same place errors show). */
export function done(message: string) {
  ElMessage.success({ message, grouping: true });
}
