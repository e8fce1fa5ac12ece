import { Secret, TOTP } from "otpauth";

/**
 * An operator's optional second factor: RFC 6238 TOTP with the defaults every
 * authenticator app reads from an otpauth:// URI (SHA-1, 6 digits, 30 s).
 * The secret is kept sealed (admin/store.ts); this file only ever sees it open.
 */
const PERIOD_S = 30;
const DIGITS = 6;
const ISSUER = "wegate";
/** A phone's clock a step ahead or behind still logs in; a wider window only helps a guesser. */
const DRIFT_STEPS = 1;

const totp = (secretBase32: string, username = "") =>
  new TOTP({ issuer: ISSUER, label: username, algorithm: "SHA1", digits: DIGITS, period: PERIOD_S, secret: Secret.fromBase32(secretBase32) });

/** A new secret in base32: 160 bits from the CSPRNG, the HMAC-SHA-1 key length RFC 4226 recommends. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** What an authenticator app scans (or is typed from): otpauth://totp/wegate:<username>?secret=…&issuer=wegate&… */
export function totpUri(secretBase32: string, username: string): string {
  return totp(secretBase32, username).toString();
}

/** What a code looks like, before any secret is tried: six digits (spaces some apps show are dropped). */
export const normalizeCode = (code: string) => code.replace(/\s+/g, "");

/**
 * The time step (counter) `code` belongs to when it is the code of the
 * current step or of one next to it at `now`, else null. The caller refuses a
 * step not after the last one used, so a seen code cannot be replayed.
 */
export function matchTotp(secretBase32: string, code: string, now: number): number | null {
  const token = normalizeCode(code);
  if (!new RegExp(`^\\d{${DIGITS}}$`).test(token)) return null;
  const generator = totp(secretBase32);
  const delta = generator.validate({ token, timestamp: now, window: DRIFT_STEPS });
  return delta === null ? null : generator.counter({ timestamp: now }) + delta;
}
