import { ErrorCode, failedWith, failure, isTokenRejected, type Result, success, type WegateError } from "./result";
import type { LoginSession, TokenStore } from "./token-store";
import type { Transport } from "./transport";
import { wxCall, type WxLike, type WxUserProfileResult } from "./wx";

export interface RegisterOptions {
  /** uid of the user who shared the link; an unknown uid is ignored by the server. */
  referrer?: number;
  /** Which wx API supplies the encrypted profile; default "getUserProfile". */
  profileApi?: "getUserProfile" | "getUserInfo";
  /** The reason getUserProfile shows the user; default "用于完善会员资料". */
  desc?: string;
  /** Extra user fields, a JSON object string (API Factory's postJsonString). */
  postJsonString?: string;
}

export interface AuthorizeOptions {
  referrer?: number;
  postJsonString?: string;
}

export interface AuthOptions {
  /** How a dead token is replaced: "login" (default; an unregistered user must register) or "authorize" (registers silently). */
  relogin?: "login" | "authorize";
}

const isAlreadyRegistered = (result: Result<unknown>) => failedWith(result, ErrorCode.notRegistered);

const loginRequired = (cause?: WegateError): WegateError => ({ kind: "login_required", message: "请先登录", cause });

export function createAuth(transport: Transport, store: TokenStore, wx: WxLike, options: AuthOptions = {}) {
  /** The last re-login, and the dead token it replaced. */
  let relogin: { deadToken: string; result: Promise<Result<LoginSession>> } | undefined;

  async function wxLogin(): Promise<Result<string>> {
    const reply = await wxCall<{ code: string }>((callbacks) => wx.login(callbacks));
    return reply.ok ? success(reply.value.code) : failure({ kind: "wx", api: "login", message: reply.errMsg });
  }

  function wxProfile({ profileApi = "getUserProfile", desc = "用于完善会员资料" }: RegisterOptions): Promise<Result<WxUserProfileResult>> {
    const reply =
      profileApi === "getUserProfile" && wx.getUserProfile
        ? wxCall<WxUserProfileResult>((callbacks) => wx.getUserProfile!({ desc, lang: "zh_CN", ...callbacks }))
        : wxCall<WxUserProfileResult>((callbacks) => wx.getUserInfo!({ withCredentials: true, lang: "zh_CN", ...callbacks }));
    return reply.then((r) => (r.ok ? success(r.value) : failure({ kind: "wx", api: profileApi, message: r.errMsg })));
  }

  async function signIn(path: string, params: Record<string, string | number | undefined>): Promise<Result<LoginSession>> {
    const code = await wxLogin();
    if (!code.ok) return code;
    const result = await transport.post<LoginSession>(path, { ...params, code: code.data });
    if (result.ok) store.save(result.data);
    return result;
  }

  /** Logs a registered user in; fails with code 10000 (see needsRegistration) when they are not. */
  const login = () => signIn("/user/wxapp/login", { type: 2 });

  /** Registers or logs in without asking the user anything (openid only). */
  const authorize = ({ referrer, postJsonString }: AuthorizeOptions = {}) => signIn("/user/wxapp/authorize", { referrer, postJsonString });

  /**
   * Registers with the user's profile, then logs in. Call it straight from the
   * tap handler: getUserProfile only works there.
   */
  async function register(registerOptions: RegisterOptions = {}): Promise<Result<LoginSession>> {
    // wx.login FIRST. A login can change the session_key, and encryptedData is
    // sealed with the session_key current when it was made; the server decrypts
    // with the key of this code. Both start now, in this order, so the profile
    // request also stays inside the user's tap.
    const pendingCode = wxLogin();
    const pendingProfile = wxProfile(registerOptions);
    const [code, profile] = await Promise.all([pendingCode, pendingProfile]);
    if (!code.ok) return code;
    if (!profile.ok) return profile;
    const { referrer, postJsonString } = registerOptions;
    const registered = await transport.post<{ uid: number }>("/user/wxapp/register/complex", {
      code: code.data,
      encryptedData: profile.data.encryptedData,
      iv: profile.data.iv,
      referrer,
      postJsonString,
    });
    return registered.ok || isAlreadyRegistered(registered) ? login() : registered;
  }

  /** Registers with the openid only (no profile), then logs in. */
  async function registerSimple({ referrer, postJsonString }: AuthorizeOptions = {}): Promise<Result<LoginSession>> {
    const code = await wxLogin();
    if (!code.ok) return code;
    const registered = await transport.post<{ uid: number }>("/user/wxapp/register/simple", { code: code.data, referrer, postJsonString });
    return registered.ok || isAlreadyRegistered(registered) ? login() : registered;
  }

  /** Whether a usable login exists: a stored token, a live WeChat session and the server accepting the token. */
  async function checkHasLogined(): Promise<boolean> {
    const token = store.token();
    if (!token) return false;
    const session = await wxCall((callbacks) => wx.checkSession(callbacks));
    if (!session.ok) return false;
    const check = await transport.get("/user/check-token", { token });
    if (isTokenRejected(check)) store.clear();
    return check.ok;
  }

  /** Revokes the token on the server, then forgets it here (also when the server cannot be reached). */
  async function logout(): Promise<Result<void>> {
    const token = store.token();
    if (!token) return success(undefined);
    // Requests still in flight with this token must not log the user back in.
    relogin = { deadToken: token, result: Promise.resolve(failure(loginRequired())) };
    const result = await transport.get<void>("/user/loginout", { token });
    store.clear();
    return result;
  }

  /**
   * One silent re-login per dead token: every request that finds the same token
   * dead shares it, in flight or already done (a failed one is not retried).
   */
  function replace(deadToken: string): Promise<Result<LoginSession>> {
    if (!relogin || relogin.deadToken !== deadToken) {
      const result = (options.relogin === "authorize" ? authorize() : login()).then((renewed) => {
        if (!renewed.ok) store.clear();
        return renewed;
      });
      relogin = { deadToken, result };
    }
    return relogin.result;
  }

  /**
   * Runs a call that needs the token. If the server rejects the token (2000),
   * logs in again once, shared with concurrent callers, and retries once; a
   * second rejection or a failed re-login ends in `login_required`.
   */
  async function authorized<T>(call: (token: string) => Promise<Result<T>>): Promise<Result<T>> {
    const token = store.token();
    if (!token) return failure(loginRequired());
    const first = await call(token);
    if (!isTokenRejected(first)) return first;

    let fresh = store.token();
    if (fresh === undefined || fresh === token) {
      const renewed = await replace(token);
      if (!renewed.ok) return failure(loginRequired(renewed.error));
      fresh = renewed.data.token;
    } // else: a login since this call was sent already gave a new token
    const retried = await call(fresh);
    return isTokenRejected(retried) && !retried.ok ? failure(loginRequired(retried.error)) : retried;
  }

  return { login, register, registerSimple, authorize, checkHasLogined, logout, authorized };
}

export type Auth = ReturnType<typeof createAuth>;
