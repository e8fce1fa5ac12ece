import type { Clock } from "@wegate/wechat";
import { sessionState } from "./sessions/state";
import type { Session, Storage } from "./storage/storage";
import { hashToken, isWellFormedToken, newToken } from "./tokens";

export interface SessionPolicy {
  /** Sliding lifetime: a token used within this many seconds stays alive. */
  ttlSeconds: number;
  /** Absolute lifetime from login, whatever the use. */
  maxAgeSeconds: number;
  /** Live sessions per user; a new login beyond this ends the oldest. */
  maxLivePerUser: number;
  /** Renew at most this often. */
  renewEverySeconds: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = {
  ttlSeconds: 7 * 24 * 3600,
  maxAgeSeconds: 30 * 24 * 3600,
  maxLivePerUser: 10,
  renewEverySeconds: 3600,
};

export interface Sessions {
  /**
   * Starts a session for the user; returns the token (shown once, stored only
   * as a hash). A login passes its sealed session_key, saved with the session.
   */
  issue(user: { id: number; tenantId: number }, login?: { sessionKeyEnc: string }): Promise<string>;
  /** The live session behind a token within this tenant, renewed if due; undefined when missing, expired, revoked or another tenant's. */
  validate(tenantId: number, token: string | undefined): Promise<Session | undefined>;
  /**
   * The same answer without a promise when the session is in memory, live and
   * not due for renewal (nearly every token check on a server with the
   * session cache); undefined otherwise: then ask validate().
   */
  validateCached(tenantId: number, token: string | undefined): Session | undefined;
  /** Ends the session at once. Returns false when the token was not live. */
  revoke(tenantId: number, token: string): Promise<boolean>;
}

export function createSessions(options: { storage: Storage; clock: Clock; policy?: Partial<SessionPolicy> }): Sessions {
  const { storage, clock } = options;
  const policy = { ...DEFAULT_SESSION_POLICY, ...options.policy };
  const ttl = policy.ttlSeconds * 1000;
  const maxAge = policy.maxAgeSeconds * 1000;
  // A short TTL (minutes) must still slide: renew at least twice per TTL.
  const renewEvery = Math.min(policy.renewEverySeconds * 1000, ttl / 2);

  const lifetimes = { maxAgeMs: maxAge, renewEveryMs: renewEvery };
  /** The session's state, and "dead" for another tenant's: a token is only good where it was issued. */
  const stateOf = (session: Session, tenantId: number, now: number) => (session.tenantId === tenantId ? sessionState(session, now, lifetimes) : "dead");

  async function live(tenantId: number, token: string | undefined, now: number): Promise<Session | undefined> {
    if (!token || !isWellFormedToken(token)) return undefined;
    const session = await storage.findSessionByTokenHash(hashToken(token));
    return session && stateOf(session, tenantId, now) !== "dead" ? session : undefined;
  }

  return {
    async issue(user, login) {
      const token = newToken();
      const now = clock();
      await storage.createSession(
        {
          userId: user.id,
          tenantId: user.tenantId,
          tokenHash: hashToken(token),
          createdAt: now,
          expiresAt: Math.min(now + ttl, now + maxAge),
          sessionKeyEnc: login?.sessionKeyEnc,
        },
        policy.maxLivePerUser,
      );
      return token;
    },

    async validate(tenantId, token) {
      const now = clock();
      const session = await live(tenantId, token, now);
      // Renewal writes to the database; doing it at most once an hour keeps the
      // hot path (every page's token check) read-only almost always.
      if (session && stateOf(session, tenantId, now) === "renew") {
        const expiresAt = Math.min(now + ttl, session.createdAt + maxAge);
        await storage.renewSession(session.id, expiresAt, now);
        return { ...session, expiresAt, lastRenewedAt: now };
      }
      return session;
    },

    validateCached(tenantId, token) {
      if (!token || !isWellFormedToken(token)) return undefined;
      const session = storage.peekSessionByTokenHash(hashToken(token));
      return session && stateOf(session, tenantId, clock()) === "live" ? session : undefined;
    },

    async revoke(tenantId, token) {
      const now = clock();
      const session = await live(tenantId, token, now);
      if (!session) return false;
      await storage.revokeSession(session.id, now);
      return true;
    },
  };
}
