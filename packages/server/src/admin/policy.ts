import type { AdminSession } from "./store";

/** A console session unused this long ends (an unattended browser). */
export const ADMIN_IDLE_MS = 30 * 60_000;
/** And ends this long after login whatever the use. */
export const ADMIN_MAX_AGE_MS = 12 * 3_600_000;
/** Failed logins in a row that lock an account, and for how long. */
export const ADMIN_LOCKOUT = { maxFailures: 5, lockMs: 15 * 60_000 };
export const ADMIN_COOKIE = "wegate_admin";

export type AdminSessionState = "live" | "revoked" | "idle" | "expired";

/** Why a console session is or is not valid at `now`. */
export function adminSessionState(session: AdminSession, now: number): AdminSessionState {
  if (session.revokedAt !== null) return "revoked";
  if (now >= session.expiresAt) return "expired";
  if (now - session.lastSeenAt >= ADMIN_IDLE_MS) return "idle";
  return "live";
}
