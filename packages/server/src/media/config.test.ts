import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError } from "../config-error";
import { DEFAULT_MEDIA_CONFIG, mediaConfigFromEnv } from "./config";

test("PUBLIC_URL: an http(s) origin with an optional path prefix, without its trailing slash", () => {
  assert.deepEqual(mediaConfigFromEnv({}), { ...DEFAULT_MEDIA_CONFIG, publicUrl: undefined });
  assert.equal(mediaConfigFromEnv({ PUBLIC_URL: " https://api.example.com/ " }).publicUrl, "https://api.example.com");
  assert.equal(mediaConfigFromEnv({ PUBLIC_URL: "https://example.com/wegate//" }).publicUrl, "https://example.com/wegate");
  assert.equal(mediaConfigFromEnv({ PUBLIC_URL: "http://127.0.0.1:3000" }).publicUrl, "http://127.0.0.1:3000");
  for (const bad of ["api.example.com", "ftp://example.com", "https://user:pw@example.com", "https://example.com/?a=1", "https://example.com/#x"]) {
    assert.throws(() => mediaConfigFromEnv({ PUBLIC_URL: bad }), ConfigError, bad);
  }
  assert.throws(() => mediaConfigFromEnv({ PUBLIC_URL: "https://user:secret@example.com" }), (error: Error) => !error.message.includes("secret"));
});

test("UPLOAD_MAX_BYTES, UPLOAD_MAX_PIXELS, UPLOAD_MAX_DIMENSION: whole numbers in range", () => {
  const config = mediaConfigFromEnv({ UPLOAD_MAX_BYTES: "1048576", UPLOAD_MAX_PIXELS: "1000000", UPLOAD_MAX_DIMENSION: "1024" });
  assert.deepEqual([config.maxBytes, config.maxPixels, config.maxDimension], [1048576, 1000000, 1024]);
  assert.throws(() => mediaConfigFromEnv({ UPLOAD_MAX_BYTES: "5MB" }), /UPLOAD_MAX_BYTES must be a whole number/);
  assert.throws(() => mediaConfigFromEnv({ UPLOAD_MAX_DIMENSION: "0" }), ConfigError);
  assert.throws(() => mediaConfigFromEnv({ UPLOAD_MAX_PIXELS: "1e309" }), ConfigError);
});
