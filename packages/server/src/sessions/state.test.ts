import assert from "node:assert/strict";
import { test } from "node:test";
import { sessionState } from "./state";
import type { Session } from "./store";

const hour = 3_600_000;
const lifetimes = { maxAgeMs: 30 * 24 * hour, renewEveryMs: hour };
const session: Session = { id: 1, userId: 1, tenantId: 1, createdAt: 0, expiresAt: 7 * 24 * hour, lastRenewedAt: 0, revokedAt: null };

test("sessionState: live, then due for renewal, dead when revoked, expired or past the absolute lifetime", () => {
  assert.equal(sessionState(session, hour - 1, lifetimes), "live");
  assert.equal(sessionState(session, hour, lifetimes), "renew");
  assert.equal(sessionState({ ...session, revokedAt: 5 }, 10, lifetimes), "dead");
  assert.equal(sessionState(session, 7 * 24 * hour, lifetimes), "dead", "the sliding expiry is exclusive");
  const renewedForever = { ...session, expiresAt: 60 * 24 * hour, lastRenewedAt: 30 * 24 * hour - 10 };
  assert.equal(sessionState(renewedForever, 30 * 24 * hour - 1, lifetimes), "live");
  assert.equal(sessionState(renewedForever, 30 * 24 * hour, lifetimes), "dead", "never past maxAge from login, however renewed");
});
