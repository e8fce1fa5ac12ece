/** Codes of the wegate (and API Factory) envelope that clients act on. */
export const ErrorCode = {
  ok: 0,
  notFavorited: -1,
  badInput: 300,
  noData: 700,
  notLoggedIn: 2000,
  /** Login: the user is not registered yet. Register: already registered. */
  notRegistered: 10000,
} as const;

/**
 * What can go wrong, as data:
 * - `api`: the server answered with a non-zero code (`code`, `message` from `msg`, HTTP `status`);
 * - `network`: wx.request or wx.uploadFile failed (offline, timeout, DNS, a temp file not found) or the answer was not an envelope;
 * - `wx`: a wx API failed, e.g. the user refused `getUserProfile` (`api`, `message` from errMsg);
 * - `login_required`: no token, or it died and the one silent re-login failed (`cause` says why).
 */
export type WegateError =
  | { kind: "api"; code: number; message: string; status: number }
  | { kind: "network"; message: string }
  | { kind: "wx"; api: string; message: string }
  | { kind: "login_required"; message: string; cause?: WegateError };

export type Result<T> = { ok: true; data: T } | { ok: false; error: WegateError };

export const success = <T>(data: T): Result<T> => ({ ok: true, data });
export const failure = <T = never>(error: WegateError): Result<T> => ({ ok: false, error });

/** True when the server answered with this code. */
export function failedWith(result: Result<unknown>, code: number): boolean {
  return !result.ok && result.error.kind === "api" && result.error.code === code;
}

/** True when the server said the token is missing, expired or revoked. */
export const isTokenRejected = (result: Result<unknown>) => failedWith(result, ErrorCode.notLoggedIn);

/** True when a login failed only because the user has not registered (show the login popup). */
export function needsRegistration(error: WegateError): boolean {
  const reason = error.kind === "login_required" && error.cause ? error.cause : error;
  return reason.kind === "api" && reason.code === ErrorCode.notRegistered;
}
