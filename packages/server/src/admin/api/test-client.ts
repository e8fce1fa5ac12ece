/** For the console API's tests: operators, their logins and calls, mini program users (as admin/routes.test.ts does). */
import type { Harness } from "../../testing/harness";
import { hashPassword } from "../password";

export const PASSWORD = "correct horse battery";

export interface Answer {
  status: number;
  body: { code: number; msg: string; data?: any };
  text: string;
  setCookie: string[];
}

export interface OperatorSession {
  cookie: string;
  csrf: string;
}

export function consoleClient(harness: () => Harness) {
  let nextIp = 1;
  /** Each call from its own address (TRUST_PROXY), so no per-IP limit counts across tests. */
  const freshIp = () => `10.9.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 1}`;

  async function call(method: string, path: string, options: { body?: unknown; as?: OperatorSession; csrf?: string | null; headers?: Record<string, string> } = {}): Promise<Answer> {
    const headers: Record<string, string> = { "x-forwarded-for": freshIp(), "accept-language": "en", ...options.headers };
    if (options.body !== undefined) headers["content-type"] = "application/json";
    if (options.as) headers.cookie = options.as.cookie;
    // The session's CSRF token on writes, unless a test says otherwise (null: none).
    const csrf = options.csrf === undefined ? options.as?.csrf : options.csrf;
    if (csrf !== null && csrf !== undefined && method !== "GET") headers["x-csrf-token"] = csrf;
    const response = await fetch(`${harness().url}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const text = await response.text();
    return { status: response.status, body: JSON.parse(text) as Answer["body"], text, setCookie: response.headers.getSetCookie() };
  }

  return {
    call,
    get: (path: string, as?: OperatorSession) => call("GET", path, { as }),
    post: (path: string, body: unknown, as?: OperatorSession, csrf?: string | null) => call("POST", path, { body, as, csrf }),

    async addOperator(username: string, tenant?: string) {
      const h = harness();
      const tenantId = tenant ? (await h.storage.findTenant(tenant))!.id : null;
      await h.admin.addOperator({ username, passwordHash: await hashPassword(PASSWORD), tenantId }, h.clock());
    },

    async login(username: string, password = PASSWORD): Promise<OperatorSession> {
      const answer = await call("POST", "/admin/api/login", { body: { username, password } });
      if (answer.body.code !== 0) throw new Error(`login ${username}: ${answer.text}`);
      return { cookie: answer.setCookie[0].split(";")[0], csrf: answer.body.data.csrfToken };
    },
  };
}

/** A mini program user's login through /user/wxapp/authorize: their token and uid. */
export async function userToken(h: Harness, user: string, subDomain = "shop-a", extra: Record<string, unknown> = {}) {
  const tenant = subDomain === "shop-a" ? h.tenants.a : h.tenants.b;
  const answer = (await h.post(`/${subDomain}/user/wxapp/authorize`, { code: h.code(user, tenant), ...extra })).body;
  if (answer.code !== 0) throw new Error(`authorize ${user}: ${JSON.stringify(answer)}`);
  return answer.data as { token: string; uid: number; openid: string };
}

/** The code /user/check-token answers for a token, on this instance or another's `url`. */
export async function tokenCode(h: Harness, token: string, subDomain = "shop-a", url = h.url): Promise<number> {
  return ((await (await fetch(`${url}/${subDomain}/user/check-token?token=${token}`)).json()) as { code: number }).code;
}
