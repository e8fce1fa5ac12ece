import type { Session } from "./store";

/** The limits a session lives within, in milliseconds. */
export interface Lifetimes {
  /** Absolute lifetime from login, whatever the use. */
  maxAgeMs: number;
  /** A live session is renewed once this long has passed since its last renewal. */
  renewEveryMs: number;
}

/**
 * Why a session may or may not be used at `now`, in one place: `dead` when it
 * is revoked, expired (sliding) or past its absolute lifetime; `renew` when it
 * is live and due for renewal; `live` otherwise.
 */
export function sessionState(session: Session, now: number, lifetimes: Lifetimes): "live" | "renew" | "dead" {
  if (session.revokedAt !== null || now >= session.expiresAt || now >= session.createdAt + lifetimes.maxAgeMs) return "dead";
  return now - session.lastRenewedAt >= lifetimes.renewEveryMs ? "renew" : "live";
}
