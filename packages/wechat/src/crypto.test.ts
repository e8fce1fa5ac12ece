import assert from "node:assert/strict";
import { createCipheriv, randomBytes } from "node:crypto";
import { test } from "node:test";
import fc from "fast-check";
import { decryptData, encryptData, newSessionKey, sessionKeySignature, signRawData, verifySignature } from "./crypto";
import { WechatError } from "./errors";

const APPID = "wx4f4bc4dec97d474b";

test("signature example from the WeChat documentation", () => {
  const rawData =
    '{"nickName":"Band","gender":1,"language":"zh_CN","city":"Guangzhou","province":"Guangdong","country":"CN","avatarUrl":"http://wx.qlogo.cn/mmopen/vi_32/1vZvI39NWFQ9XM4LtQpFrQJ1xlgZxx3w7bQxKARol6503Iuswjjn6nIGBiaycAjAtpujxyzYsrztuuICqIM5ibXQ/0"}';
  const sessionKey = "HyVFkGl5F5OQWJZZaNzBBg==";
  assert.equal(signRawData(rawData, sessionKey), "75e81ceda165f4ffa64f4068af58c64b8f54b88c");
  assert.equal(verifySignature(rawData, sessionKey, "75e81ceda165f4ffa64f4068af58c64b8f54b88c"), true);
  assert.equal(verifySignature(rawData, sessionKey, "75E81CEDA165F4FFA64F4068AF58C64B8F54B88C"), true);
  assert.equal(verifySignature(rawData + " ", sessionKey, "75e81ceda165f4ffa64f4068af58c64b8f54b88c"), false);
  assert.equal(verifySignature(rawData, sessionKey, "short"), false);
});

test("checksession HMAC example from the WeChat documentation", () => {
  assert.equal(
    sessionKeySignature("o0q0otL8aEzpcZL/FT9WsQ==", '{"foo":"bar"}'),
    "654571f79995b2ce1e149e53c0a33dc39c0a74090db514261454e8dbe432aa0b",
  );
  assert.match(sessionKeySignature("o0q0otL8aEzpcZL/FT9WsQ=="), /^[0-9a-f]{64}$/);
});

function expectKind(fn: () => unknown, kinds: string[]) {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof WechatError, `expected a WechatError, got ${String(error)}`);
    assert.ok(kinds.includes(error.kind), `unexpected kind ${error.kind}`);
    return;
  }
  assert.fail("expected a WechatError");
}

const profile = fc.record({
  openId: fc.string({ minLength: 1, maxLength: 40 }),
  nickName: fc.string({ maxLength: 40 }),
  gender: fc.integer({ min: 0, max: 2 }),
  city: fc.string({ maxLength: 20 }),
});

test("encrypt -> decrypt round-trips any profile (property)", () => {
  fc.assert(
    fc.property(profile, fc.integer({ min: 0, max: 2_000_000_000 }), (data, timestamp) => {
      const sessionKey = newSessionKey();
      const payload = { ...data, watermark: { appid: APPID, timestamp } };
      const sealed = encryptData({ data: payload, sessionKey });
      assert.deepEqual(decryptData({ ...sealed, sessionKey, appid: APPID }), payload);
    }),
    { numRuns: 200 },
  );
});

test("tampered ciphertext, iv or key gives a typed error or a different payload, never another throw (property)", () => {
  fc.assert(
    fc.property(profile, fc.nat(), fc.integer({ min: 1, max: 255 }), fc.constantFrom("data", "iv", "key"), (data, where, flip, part) => {
      const sessionKey = newSessionKey();
      const payload = { ...data, watermark: { appid: APPID, timestamp: 1 } };
      const sealed = encryptData({ data: payload, sessionKey });
      const bytes = Buffer.from(part === "data" ? sealed.encryptedData : part === "iv" ? sealed.iv : sessionKey, "base64");
      bytes[where % bytes.length] ^= flip;
      const tampered = bytes.toString("base64");
      const input = {
        encryptedData: part === "data" ? tampered : sealed.encryptedData,
        iv: part === "iv" ? tampered : sealed.iv,
        sessionKey: part === "key" ? tampered : sessionKey,
        appid: APPID,
      };
      try {
        const result = decryptData(input);
        // CBC: a flipped iv byte only changes the first block, which can still be
        // valid JSON by chance; it must then differ from what was sealed.
        assert.notDeepEqual(result, payload);
      } catch (error) {
        assert.ok(error instanceof WechatError, `not a WechatError: ${String(error)}`);
        assert.ok(["illegal_buffer", "watermark_mismatch"].includes(error.kind), error.kind);
      }
    }),
    { numRuns: 300 },
  );
});

test("data made for another appid is rejected as watermark_mismatch (property)", () => {
  fc.assert(
    fc.property(profile, fc.string({ minLength: 1, maxLength: 20 }).filter((a) => a !== APPID), (data, otherAppid) => {
      const sessionKey = newSessionKey();
      const sealed = encryptData({ data: { ...data, watermark: { appid: otherAppid, timestamp: 1 } }, sessionKey });
      expectKind(() => decryptData({ ...sealed, sessionKey, appid: APPID }), ["watermark_mismatch"]);
    }),
  );
});

test("arbitrary junk input gives a typed error, never another throw (property)", () => {
  fc.assert(
    fc.property(fc.string(), fc.string(), fc.string(), (encryptedData, iv, sessionKey) => {
      expectKind(() => decryptData({ encryptedData, iv, sessionKey, appid: APPID }), [
        "illegal_aes_key",
        "illegal_iv",
        "illegal_buffer",
        "watermark_mismatch",
      ]);
    }),
  );
});

test("decrypt names WeChat's failure classes", () => {
  const sessionKey = newSessionKey();
  const sealed = encryptData({ data: { watermark: { appid: APPID, timestamp: 100 } }, sessionKey });
  expectKind(() => decryptData({ ...sealed, sessionKey: "c2hvcnQ=", appid: APPID }), ["illegal_aes_key"]);
  expectKind(() => decryptData({ ...sealed, iv: "c2hvcnQ=", sessionKey, appid: APPID }), ["illegal_iv"]);
  expectKind(() => decryptData({ ...sealed, encryptedData: "not base64!", sessionKey, appid: APPID }), ["illegal_buffer"]);
  expectKind(() => decryptData({ ...sealed, sessionKey: newSessionKey(), appid: APPID }), ["illegal_buffer", "watermark_mismatch"]);
  const notJson = encryptData({ data: {}, sessionKey });
  // valid padding, but the plaintext is "{}" without a watermark
  expectKind(() => decryptData({ ...notJson, sessionKey, appid: APPID }), ["watermark_mismatch"]);
  const array = { encryptedData: "", iv: sealed.iv };
  expectKind(() => decryptData({ ...array, sessionKey, appid: APPID }), ["illegal_buffer"]);
});

test("optional max age uses the given clock", () => {
  const sessionKey = newSessionKey();
  const sealed = encryptData({ data: { watermark: { appid: APPID, timestamp: 1_000 } }, sessionKey });
  assert.ok(decryptData({ ...sealed, sessionKey, appid: APPID, maxAgeSeconds: 60, now: 1_050_000 }));
  expectKind(() => decryptData({ ...sealed, sessionKey, appid: APPID, maxAgeSeconds: 60, now: 1_061_000 }), ["data_expired"]);
  // off by default: WeChat's timestamp is when it made the data, not a deadline
  assert.ok(decryptData({ ...sealed, sessionKey, appid: APPID, now: 9_999_999_999 }));
});

test("encryptData keeps a given iv and makes a random one otherwise", () => {
  const sessionKey = newSessionKey();
  const iv = randomBytes(16).toString("base64");
  assert.equal(encryptData({ data: {}, sessionKey, iv }).iv, iv);
  assert.notEqual(encryptData({ data: {}, sessionKey }).iv, encryptData({ data: {}, sessionKey }).iv);
});

test("a plaintext whose PKCS#7 padding is not all the same byte is refused, even when the rest is valid JSON", () => {
  const sessionKey = newSessionKey();
  const iv = randomBytes(16);
  let json = JSON.stringify({ openId: "o-pad", watermark: { appid: APPID, timestamp: 1 } });
  // Whole blocks once the three padding bytes are added.
  while ((json.length + 3) % 16 !== 0) json = `${json} `;
  const sealWithPadding = (padding: number[]) => {
    const cipher = createCipheriv("aes-128-cbc", Buffer.from(sessionKey, "base64"), iv).setAutoPadding(false);
    const plaintext = Buffer.concat([Buffer.from(json, "utf8"), Buffer.from(padding)]);
    return Buffer.concat([cipher.update(plaintext), cipher.final()]).toString("base64");
  };
  const input = { iv: iv.toString("base64"), sessionKey, appid: APPID };
  // The control: the same bytes with correct padding decrypt.
  assert.equal(decryptData({ ...input, encryptedData: sealWithPadding([3, 3, 3]) }).openId, "o-pad");
  // Only the last byte says "3": a check that reads just that byte would accept this.
  expectKind(() => decryptData({ ...input, encryptedData: sealWithPadding([0x20, 0x20, 0x03]) }), ["illegal_buffer"]);
  expectKind(() => decryptData({ ...input, encryptedData: sealWithPadding([0x20, 0x20, 0x00]) }), ["illegal_buffer"]);
  expectKind(() => decryptData({ ...input, encryptedData: sealWithPadding([0x20, 0x20, 0x11]) }), ["illegal_buffer"]);
});
