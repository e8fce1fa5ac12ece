import { hash } from "node:crypto";
import { randomBytes } from "./random";

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** An opaque token: 32 random bytes, base64url (43 characters). */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * Only the SHA-256 of a token is stored: a leaked database (or log of queries)
 * cannot be replayed as logins. A plain hash suffices — tokens carry 256 bits of
 * randomness, so there is nothing to brute-force; lookup is by hash equality in
 * the database, so no secret is compared in our code.
 */
export function hashToken(token: string): string {
  return hash("sha256", token, "base64url");
}

/** Cheap shape check so junk never reaches the database. */
export function isWellFormedToken(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}
