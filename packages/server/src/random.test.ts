import assert from "node:assert/strict";
import { test } from "node:test";
import { randomBytes } from "./random";

test("pooled random bytes: the sizes asked for, never handed out twice, across pool refills", () => {
  const seen = new Set<string>();
  let total = 0;
  for (let i = 0; i < 5000; i++) {
    const size = [32, 12, 16, 7][i % 4];
    const bytes = randomBytes(size);
    assert.equal(bytes.length, size);
    total += size;
    seen.add(bytes.toString("hex"));
  }
  assert.equal(seen.size, 5000, "no two draws alike over ~20 refills of the 4 KB pool");
  assert.ok(total > 20 * 4096);
  const big = randomBytes(10_000);
  assert.equal(big.length, 10_000);
  assert.notDeepEqual(big.subarray(0, 32), Buffer.alloc(32));
});

test("a drawn buffer is the caller's own: a later draw does not change it", () => {
  const first = randomBytes(32);
  const copy = Buffer.from(first);
  for (let i = 0; i < 300; i++) randomBytes(32);
  assert.deepEqual(first, copy);
});
