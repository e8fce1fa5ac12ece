import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { createSecretBox, SealedWithOtherKeyError } from "./secret-box";

const oldKey = randomBytes(32);
const newKey = randomBytes(32);

test("a sealed value opens with its key only, and never shows the plaintext", () => {
  const box = createSecretBox(oldKey);
  const sealed = box.seal("session-key-value");
  assert.ok(!sealed.includes("session-key-value"));
  assert.notEqual(box.seal("session-key-value"), sealed, "a fresh iv each time");
  assert.equal(box.open(sealed), "session-key-value");
  assert.throws(() => createSecretBox(newKey).open(sealed), SealedWithOtherKeyError);
  assert.throws(() => box.open("bm90IHNlYWxlZA=="), SealedWithOtherKeyError, "not a sealed value at all");
});

test("during a rotation the previous key still opens, and reseal moves values to the new key", () => {
  const before = createSecretBox(oldKey).seal("app-secret");
  const rotating = createSecretBox(newKey, oldKey);
  assert.equal(rotating.open(before), "app-secret", "sealed with the previous key");
  const fresh = rotating.seal("app-secret");
  assert.equal(createSecretBox(newKey).open(fresh), "app-secret", "new values are sealed with the new key");
  assert.throws(() => createSecretBox(oldKey).open(fresh), SealedWithOtherKeyError);

  const resealed = rotating.reseal(before);
  assert.ok(resealed !== undefined);
  assert.equal(createSecretBox(newKey).open(resealed), "app-secret", "resealed: the new key alone opens it");
  assert.equal(rotating.reseal(resealed), undefined, "already under the new key: nothing to do");
  assert.equal(rotating.reseal(fresh), undefined);

  const stranger = createSecretBox(randomBytes(32)).seal("app-secret");
  assert.throws(() => rotating.open(stranger), SealedWithOtherKeyError);
  assert.throws(() => rotating.reseal(stranger), SealedWithOtherKeyError);
  assert.throws(() => createSecretBox(newKey).reseal(before), SealedWithOtherKeyError, "without the previous key it cannot be moved");
});
