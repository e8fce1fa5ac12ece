import { createCipheriv, createDecipheriv } from "node:crypto";
import { randomBytes } from "./random";

/**
 * AES-256-GCM with WEGATE_SECRET, for what must be kept but never shown:
 * session_keys and app secrets at rest. A database dump alone reveals neither.
 * Format: base64(iv[12] | tag[16] | ciphertext).
 *
 * During a key rotation (WEGATE_SECRET_PREVIOUS) values sealed with the
 * previous key still open; everything is sealed with the current one.
 */
export interface SecretBox {
  seal(plaintext: string): string;
  /** Throws SealedWithOtherKeyError when neither key opens it. */
  open(sealed: string): string;
  /**
   * The value sealed anew with the current key when only the previous key
   * opens it; undefined when the current key already does (nothing to do).
   * Throws SealedWithOtherKeyError when neither key opens it.
   */
  reseal(sealed: string): string | undefined;
}

/** A sealed value that neither WEGATE_SECRET nor WEGATE_SECRET_PREVIOUS opens (or that is not a sealed value at all). */
export class SealedWithOtherKeyError extends Error {
  override readonly name = "SealedWithOtherKeyError";
  constructor() {
    super("a sealed value does not open with WEGATE_SECRET (nor WEGATE_SECRET_PREVIOUS): it was sealed with another key");
  }
}

function checkKey(key: Buffer, name: string) {
  if (key.length !== 32) throw new Error(`${name} must be 32 bytes (base64-encoded)`);
}

function openWith(key: Buffer, raw: Buffer): string | undefined {
  if (raw.length < 28) return undefined;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
  } catch {
    return undefined;
  }
}

export function createSecretBox(key: Buffer, previous?: Buffer): SecretBox {
  checkKey(key, "WEGATE_SECRET");
  if (previous) checkKey(previous, "WEGATE_SECRET_PREVIOUS");
  const seal = (plaintext: string) => {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64");
  };
  return {
    seal,
    open(sealed) {
      const raw = Buffer.from(sealed, "base64");
      // The current key first: outside a rotation it is the only one tried.
      const plaintext = openWith(key, raw) ?? (previous && openWith(previous, raw));
      if (plaintext === undefined) throw new SealedWithOtherKeyError();
      return plaintext;
    },
    reseal(sealed) {
      const raw = Buffer.from(sealed, "base64");
      if (openWith(key, raw) !== undefined) return undefined;
      const plaintext = previous && openWith(previous, raw);
      if (plaintext === undefined) throw new SealedWithOtherKeyError();
      return seal(plaintext);
    },
  };
}
