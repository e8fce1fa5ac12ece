import assert from "node:assert/strict";
import { test } from "node:test";
import { hashPassword, passwordProblem, verifyPassword } from "./password";

test("scrypt hashes: scrypt$N$r$p$salt$hash, salted per password, verified only by the same password", async () => {
  const stored = await hashPassword("a long enough password");
  assert.match(stored, /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  assert.notEqual(await hashPassword("a long enough password"), stored, "a fresh salt each time");
  assert.equal(await verifyPassword("a long enough password", stored), true);
  assert.equal(await verifyPassword("a long enough passworD", stored), false);
  assert.equal(await verifyPassword("", stored), false);
  // A character in the middle of the hash: the last one of 43 base64url characters carries two unused bits.
  const at = stored.length - 10;
  const tampered = stored.slice(0, at) + (stored[at] === "A" ? "B" : "A") + stored.slice(at + 1);
  assert.equal(await verifyPassword("a long enough password", tampered), false);
  assert.equal(await verifyPassword("x", "plain"), false);
  assert.equal(await verifyPassword("x", "scrypt$16384$8$1$$"), false);
});

test("passwords under 10 characters are refused", () => {
  assert.match(passwordProblem("123456789") ?? "", /at least 10/);
  assert.equal(passwordProblem("1234567890"), undefined);
  assert.match(passwordProblem("密码密码密码密码密") ?? "", /at least 10/, "characters, not bytes");
});
