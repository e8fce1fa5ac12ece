import { randomFillSync } from "node:crypto";

const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let used = POOL_SIZE;

/**
 * `size` bytes from the CSPRNG, like crypto.randomBytes. Each call into
 * OpenSSL costs a few µs (and, in a VM, a getpid syscall for its fork check),
 * and a login needs two (the token, the session_key's iv), so the bytes are
 * drawn 4 KB at a time and each handed out once: Node does the same for
 * randomUUID(). The pool is refilled before any byte could be reused.
 */
export function randomBytes(size: number): Buffer {
  if (size > POOL_SIZE / 4) return randomFillSync(Buffer.alloc(size));
  if (used + size > POOL_SIZE) {
    randomFillSync(pool);
    used = 0;
  }
  const bytes = Buffer.from(pool.subarray(used, used + size));
  used += size;
  return bytes;
}
