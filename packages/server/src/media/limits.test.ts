import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DEFAULT_RATE_LIMITS, rateLimitsFromEnv } from "../http/limits-config";
import { startHarness } from "../testing/harness";
import { testDatabases } from "../testing/databases";
import * as images from "./fixtures";
import { tokenOf, upload } from "./upload-client";

const minute = 60_000;
const day = 86_400_000;

for (const database of testDatabases()) {
  describe(`upload limits (${database})`, () => {
    test("uploads are limited per user: a burst limit per minute, then the next user of the same IP goes on", async () => {
      const h = await startHarness({ database, rateLimits: { ...DEFAULT_RATE_LIMITS, upload: { max: 2, windowMs: minute }, uploadDaily: { max: 100, windowMs: day } } });
      try {
        const [first, second] = [await tokenOf(h, "ann"), await tokenOf(h, "ben")];
        const tenant = (await h.storage.findTenant("shop-a"))!.id;
        // A bad token is refused before any limit counts it.
        assert.equal((await upload(h.url, { token: "nope", files: [{ bytes: await images.jpeg(5, 5) }] })).body.code, 2000);
        for (const side of [6, 7]) assert.equal((await upload(h.url, { token: first, files: [{ bytes: await images.jpeg(side, side) }] })).body.code, 0);
        const limited = await upload(h.url, { token: first, files: [{ bytes: await images.jpeg(8, 8) }] });
        assert.deepEqual([limited.status, limited.body], [429, { code: 429, msg: "请求过于频繁，请稍后再试" }]);
        assert.equal(await h.media.countImages(tenant), 2, "the limited upload stored nothing");
        assert.equal((await upload(h.url, { token: second, files: [{ bytes: await images.jpeg(8, 8) }] })).body.code, 0);
      } finally {
        await h.close();
      }
    });

    test("a user's daily upload quota has its own code and message", async () => {
      const h = await startHarness({ database, rateLimits: { ...DEFAULT_RATE_LIMITS, upload: { max: 100, windowMs: minute }, uploadDaily: { max: 3, windowMs: day } } });
      try {
        const token = await tokenOf(h, "cleo");
        for (const side of [5, 6, 7]) assert.equal((await upload(h.url, { token, files: [{ bytes: await images.png(side, side), type: "image/png" }] })).body.code, 0);
        const over = await upload(h.url, { token, files: [{ bytes: await images.png(9, 9), type: "image/png" }], headers: { "accept-language": "en" } });
        assert.deepEqual([over.status, over.body], [429, { code: 41010, msg: "Daily upload quota reached, try again tomorrow" }]);
      } finally {
        await h.close();
      }
    });
  });
}

test("RATE_LIMIT_UPLOAD and RATE_LIMIT_UPLOAD_DAILY set the two groups", () => {
  const limits = rateLimitsFromEnv({ RATE_LIMIT_UPLOAD: "5/min", RATE_LIMIT_UPLOAD_DAILY: "50/day" })!;
  assert.deepEqual([limits.upload, limits.uploadDaily], [{ max: 5, windowMs: minute }, { max: 50, windowMs: day }]);
  assert.deepEqual(rateLimitsFromEnv({})!.uploadDaily, { max: 300, windowMs: day });
});
