/** TOTP as authenticator apps compute it: RFC 6238's SHA-1 test vectors, the drift window, the URI. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { matchTotp, newTotpSecret, totpUri } from "./totp";

/** RFC 6238 appendix B's SHA-1 key "12345678901234567890", in base32. */
const RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const STEP_MS = 30_000;

test("RFC 6238 test vectors (their last 6 digits) match, at their time step", () => {
  const vectors: Array<[number, string]> = [
    [59, "287082"],
    [1111111109, "081804"],
    [1111111111, "050471"],
    [1234567890, "005924"],
    [2000000000, "279037"],
  ];
  for (const [seconds, code] of vectors) {
    assert.equal(matchTotp(RFC_SECRET, code, seconds * 1000), Math.floor(seconds / 30), `T=${seconds}`);
  }
});

test("one step of clock drift either way is accepted, two are not; the step answered is the code's own", () => {
  const at = 1234567890 * 1000;
  const step = Math.floor(at / STEP_MS);
  assert.equal(matchTotp(RFC_SECRET, "005924", at - STEP_MS), step, "the phone a step ahead");
  assert.equal(matchTotp(RFC_SECRET, "005924", at + STEP_MS), step, "the phone a step behind");
  assert.equal(matchTotp(RFC_SECRET, "005924", at - 2 * STEP_MS), null);
  assert.equal(matchTotp(RFC_SECRET, "005924", at + 2 * STEP_MS), null);
});

test("anything but the six digits is refused before any secret is tried; spaces an app shows are dropped", () => {
  const at = 1234567890 * 1000;
  for (const code of ["", "00592", "0059244", "005 92a", "+05924", "５９２４００", "005924\n1"]) assert.equal(matchTotp(RFC_SECRET, code, at), null, JSON.stringify(code));
  assert.equal(matchTotp(RFC_SECRET, "005 924", at), Math.floor(at / STEP_MS));
  assert.equal(matchTotp(RFC_SECRET, "005925", at), null, "a wrong code");
});

test("new secrets: 160 random bits in base32; the URI carries the RFC defaults authenticator apps read", () => {
  const secret = newTotpSecret();
  assert.match(secret, /^[A-Z2-7]{32}$/);
  assert.notEqual(newTotpSecret(), secret);
  const uri = new URL(totpUri(secret, "alice@shop"));
  assert.equal(uri.protocol, "otpauth:");
  assert.equal(uri.host, "totp");
  assert.equal(decodeURIComponent(uri.pathname), "/wegate:alice@shop");
  assert.deepEqual(Object.fromEntries(uri.searchParams), { issuer: "wegate", secret, algorithm: "SHA1", digits: "6", period: "30" });
});
