import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import sharp from "sharp";
import { type Harness, startHarness } from "../testing/harness";
import { testDatabases } from "../testing/databases";
import * as images from "./fixtures";
import { tokenOf, upload, type UploadRequest } from "./upload-client";

for (const database of testDatabases()) {
  describe(`upload on ${database}`, () => {
    let h: Harness;
    let token: string;
    let tenantA: number;
    before(async () => {
      h = await startHarness({ database });
      token = await tokenOf(h, "uma");
      tenantA = (await h.storage.findTenant("shop-a"))!.id;
    });
    after(() => h.close());

    test("a JPEG is stored without its EXIF and served immutable at an absolute URL of this tenant", async () => {
      const original = await images.jpegWithGps(640, 480);
      const reply = await upload(h.url, { token, files: [{ bytes: original, name: "IMG_0001.jpg" }] });
      assert.equal(reply.status, 200, reply.text);
      assert.equal(reply.body.code, 0);
      const { url, name, size, type, width, height } = reply.body.data;
      assert.match(url, new RegExp(`^${h.url}/shop-a/dfs/files/[0-9a-f]{64}\\.jpg$`));
      assert.equal(url.endsWith(`/${name}`), true);
      assert.deepEqual({ type, width, height }, { type: "image/jpeg", width: 640, height: 480 });

      const served = await fetch(url);
      assert.equal(served.status, 200);
      assert.equal(served.headers.get("content-type"), "image/jpeg");
      assert.equal(served.headers.get("cache-control"), "public, max-age=31536000, immutable");
      assert.equal(served.headers.get("x-content-type-options"), "nosniff");
      const bytes = Buffer.from(await served.arrayBuffer());
      assert.equal(bytes.length, size);
      const hash = createHash("sha256").update(bytes).digest("hex");
      assert.equal(name, `${hash}.jpg`, "named by the SHA-256 of the bytes served");
      assert.equal(served.headers.get("etag"), `"${hash}"`);
      const metadata = await sharp(bytes).metadata();
      assert.equal(metadata.exif, undefined, "no EXIF (GPS, camera) left");
      for (const secret of ["secret-serial-4711", "wegate-test-camera"]) assert.equal(bytes.includes(secret), false, secret);

      const revalidated = await fetch(url, { headers: { "if-none-match": `"${hash}"` } });
      assert.equal(revalidated.status, 304);
      assert.equal((await revalidated.arrayBuffer()).byteLength, 0);
    });

    test("the same picture uploaded twice, even in parallel, is stored once", async () => {
      const bytes = await images.png(33, 21);
      const before = await h.media.countImages(tenantA);
      const replies = await Promise.all([1, 2, 3].map(() => upload(h.url, { token, files: [{ bytes, name: "a.png", type: "image/png" }] })));
      assert.deepEqual(new Set(replies.map((r) => r.body.data.url)).size, 1);
      assert.equal(await h.media.countImages(tenantA), before + 1);
    });

    test("PNG, WebP and GIF keep their format; a large image is scaled down to the maximum side", async () => {
      for (const [bytes, ext, mime] of [
        [await images.png(), "png", "image/png"],
        [await images.webp(), "webp", "image/webp"],
        [await images.gif(), "gif", "image/gif"],
      ] as const) {
        const reply = await upload(h.url, { token, files: [{ bytes, name: `x.${ext}`, type: mime }] });
        assert.equal(reply.body.code, 0, reply.text);
        assert.equal(reply.body.data.type, mime);
        assert.match(reply.body.data.url, new RegExp(`\\.${ext}$`));
        const served = await fetch(reply.body.data.url);
        assert.equal(served.headers.get("content-type"), mime);
        assert.equal((await sharp(Buffer.from(await served.arrayBuffer())).metadata()).format, ext === "png" ? "png" : ext);
      }
      const wide = await upload(h.url, { token, files: [{ bytes: await images.solid(2500, 300).png().toBuffer(), type: "image/png" }] });
      assert.deepEqual([wide.body.data.width, wide.body.data.height], [2048, 246]);
    });

    test("a token in a header works too; another tenant's token does not", async () => {
      const bytes = await images.jpeg(11, 11);
      assert.equal((await upload(h.url, { files: [{ bytes }], headers: { authorization: `Bearer ${token}` } })).body.code, 0);
      const tokenB = await tokenOf(h, "uma", h.tenants.b);
      const crossed = await upload(h.url, { token: tokenB, files: [{ bytes }] });
      assert.equal(crossed.body.code, 2000);
    });

    test("a tenant's files are its own: another tenant's path to them is a 404 envelope", async () => {
      const reply = await upload(h.url, { token, files: [{ bytes: await images.jpeg(12, 12) }] });
      const { name } = reply.body.data;
      const other = await fetch(`${h.url}/shop-b/dfs/files/${name}`);
      assert.equal(other.status, 404);
      assert.equal(((await other.json()) as { code: number }).code, 700);
      for (const path of [name.replace(/\.jpg$/, ".png"), `${"0".repeat(64)}.jpg`, "../../etc/passwd", "x.jpg"]) {
        const miss = await fetch(`${h.url}/shop-a/dfs/files/${encodeURIComponent(path)}`);
        assert.equal(miss.status, 404, path);
        assert.equal(((await miss.json()) as { code: number }).code, 700, path);
      }
    });

    describe("bad uploads: a clear code each, nothing stored, no 500", () => {
      const cases: Array<[string, (token: string) => UploadRequest, number, number]> = [
        ["text named photo.jpg", (t) => ({ token: t, files: [{ bytes: Buffer.from("just some text, not an image"), name: "photo.jpg" }] }), 415, 41006],
        ["HTML named avatar.png", (t) => ({ token: t, files: [{ bytes: images.HTML_PAYLOAD, name: "avatar.png", type: "image/png" }] }), 415, 41006],
        ["SVG", (t) => ({ token: t, files: [{ bytes: images.SVG, name: "a.svg", type: "image/svg+xml" }] }), 415, 41006],
        ["SVG named .png", (t) => ({ token: t, files: [{ bytes: images.SVG, name: "a.png", type: "image/png" }] }), 415, 41006],
        ["TIFF (an image, not an allowed one)", (t) => ({ token: t, files: [{ bytes: tiff, name: "a.jpg" }] }), 415, 41006],
        ["JPEG + ZIP polyglot", (t) => ({ token: t, files: [{ bytes: Buffer.concat([jpeg, images.ZIP_PAYLOAD]) }] }), 400, 41008],
        ["JPEG + HTML polyglot", (t) => ({ token: t, files: [{ bytes: Buffer.concat([jpeg, images.HTML_PAYLOAD]) }] }), 400, 41008],
        ["PNG + HTML polyglot", (t) => ({ token: t, files: [{ bytes: Buffer.concat([png, images.HTML_PAYLOAD]), type: "image/png" }] }), 400, 41008],
        ["GIF + ZIP polyglot", (t) => ({ token: t, files: [{ bytes: Buffer.concat([gif, images.ZIP_PAYLOAD]), type: "image/gif" }] }), 400, 41008],
        ["truncated JPEG (first half)", (t) => ({ token: t, files: [{ bytes: noisy.subarray(0, noisy.length >> 1) }] }), 400, 41007],
        ["truncated PNG", (t) => ({ token: t, files: [{ bytes: png.subarray(0, png.length - 20), type: "image/png" }] }), 400, 41007],
        ["6 MB file", (t) => ({ token: t, files: [{ bytes: Buffer.concat([jpeg.subarray(0, 3), randomBytes(6 * 1024 * 1024)]) }] }), 413, 41004],
        ["PNG pixel bomb (30000 x 30000)", (t) => ({ token: t, files: [{ bytes: images.pngBomb(), type: "image/png" }] }), 413, 41009],
        ["GIF pixel bomb (65535 x 65535)", (t) => ({ token: t, files: [{ bytes: images.gifBomb(), type: "image/gif" }] }), 413, 41009],
        ["empty file", (t) => ({ token: t, files: [{ bytes: Buffer.alloc(0) }] }), 400, 41005],
        ["no file field", (t) => ({ token: t, fields: { expireHours: "1" } }), 400, 41002],
        ["the file under another field name", (t) => ({ token: t, files: [{ field: "file", bytes: jpeg }] }), 400, 41002],
        ["two files", (t) => ({ token: t, files: [{ bytes: jpeg }, { bytes: png, type: "image/png" }] }), 400, 41003],
        ["wrong token", () => ({ token: "not-a-token", files: [{ bytes: jpeg }] }), 401, 2000],
        ["no token", () => ({ files: [{ bytes: jpeg }] }), 401, 2000],
        ["token after the file", (t) => ({ token: t, tokenAfterFile: true, files: [{ bytes: jpeg }] }), 401, 2000],
      ];
      let jpeg: Buffer;
      let noisy: Buffer;
      let png: Buffer;
      let gif: Buffer;
      let tiff: Buffer;
      before(async () => {
        jpeg = await images.jpegWithGps(300, 200);
        noisy = await images.noise(600, 400).jpeg({ quality: 90 }).toBuffer();
        png = await images.noise(50, 50).png().toBuffer();
        gif = await images.gif();
        tiff = await images.solid(10, 10).tiff().toBuffer();
      });

      for (const [name, request, status, code] of cases) {
        test(name, async () => {
          const stored = await h.media.countImages(tenantA);
          const reply = await upload(h.url, request(token));
          assert.deepEqual([reply.status, reply.body.code], [status, code], reply.text);
          assert.equal(typeof reply.body.msg, "string");
          assert.equal(await h.media.countImages(tenantA), stored, "nothing stored");
        });
      }

      test("a JSON or form body is not an upload; a broken multipart body is a 400", async () => {
        const json = await h.post("/shop-a/dfs/upload/file", { token, upfile: "x" });
        assert.deepEqual([json.status, json.body.code], [415, 41001]);
        const broken = await fetch(`${h.url}/shop-a/dfs/upload/file?token=${token}`, {
          method: "POST",
          headers: { "content-type": "multipart/form-data; boundary=xyz" },
          body: '--xyz\r\nContent-Disposition: form-data; name="upfile"; filename="a.jpg"\r\n\r\n\xff\xd8\xff',
        });
        assert.equal(broken.status, 400);
        assert.equal(((await broken.json()) as { code: number }).code, 400);
        const noBoundary = await fetch(`${h.url}/shop-a/dfs/upload/file?token=${token}`, { method: "POST", headers: { "content-type": "multipart/form-data" }, body: "x" });
        assert.equal(noBoundary.status, 400);
      });

      test("English messages with Accept-Language: en", async () => {
        const reply = await upload(h.url, { token, files: [{ bytes: images.SVG, name: "a.svg" }], headers: { "accept-language": "en" } });
        assert.deepEqual(reply.body, { code: 41006, msg: "Only JPEG, PNG, WebP or GIF images can be uploaded" });
      });

      test("no 500 and no unhandled error was logged", () => {
        assert.equal(h.logs.some((line) => /"statusCode":5\d\d|unhandled error/.test(line)), false);
      });
    });
  });

  test(`UPLOAD_MAX_PIXELS and UPLOAD_MAX_DIMENSION are the limits applied (${database})`, async () => {
    const h = await startHarness({ database, media: { maxPixels: 1000, maxDimension: 64 } });
    try {
      const token = await tokenOf(h, "ivy");
      const over = await upload(h.url, { token, files: [{ bytes: await images.png(40, 40), type: "image/png" }] });
      assert.deepEqual([over.status, over.body.code], [413, 41009]);
      const under = await upload(h.url, { token, files: [{ bytes: await images.png(30, 30), type: "image/png" }] });
      assert.equal(under.body.code, 0);
      const capped = await createCapped(h, token);
      assert.deepEqual([capped.width, capped.height], [64, 4]);
    } finally {
      await h.close();
    }
  });
}

async function createCapped(h: Harness, token: string) {
  const reply = await upload(h.url, { token, files: [{ bytes: await images.png(120, 8), type: "image/png" }] });
  assert.equal(reply.body.code, 0, reply.text);
  return reply.body.data as { width: number; height: number };
}
