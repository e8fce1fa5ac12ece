import { createCipheriv, createDecipheriv } from "node:crypto";
import { randomBytes } from "./random";

/**
 * AES-256-GCM with WEGATE_SECRET, for what must be kept but never shown:
 * session_keys and app secrets at rest. A database dump alone reveals neither.
 * Format: base64(iv[12] | tag[16] | ciphertext).
 */
export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error("WEGATE_SECRET must be 32 bytes (base64-encoded)");
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64");
    },
    open(sealed) {
      const raw = Buffer.from(sealed, "base64");
      const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
    },
  };
}
