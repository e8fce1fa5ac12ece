import assert from "node:assert/strict";
import { type ClientRequest, request } from "node:http";
import { after, before, test } from "node:test";
import { type Harness, startHarness } from "../testing/harness";
import * as images from "./fixtures";
import { tokenOf, upload } from "./upload-client";

let h: Harness;
const open: ClientRequest[] = [];
before(async () => {
  h = await startHarness();
});
after(async () => {
  // Also when the test failed (timed out) before ending them: the server's close waits for them.
  for (const req of open) req.destroy();
  await h.close();
});

/** An upload whose client sends the token and the first bytes of a large file, then nothing more. */
function stalledUpload(token: string, first: Buffer) {
  const boundary = "stalled-boundary";
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="token"\r\n\r\n${token}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="upfile"; filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
  );
  const { port } = new URL(h.url);
  const req = request({
    host: "127.0.0.1",
    port,
    method: "POST",
    path: "/shop-a/dfs/upload/file",
    headers: { "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": String(4 * 1024 * 1024) },
  });
  req.on("error", () => {});
  open.push(req);
  req.write(Buffer.concat([head, first]));
  return req;
}

// A server that lets one stalled client hold up the others makes this test hang: the timeout ends it.
test("a client that stalls in the middle of its file holds up no one else's upload, and leaves nothing behind", { timeout: 20_000 }, async () => {
  const tenant = (await h.storage.findTenant("shop-a"))!.id;
  const photo = await images.noise(400, 300).jpeg().toBuffer();
  const stalled = [stalledUpload(await tokenOf(h, "slow-1"), photo.subarray(0, 1000)), stalledUpload(await tokenOf(h, "slow-2"), photo.subarray(0, 1000))];
  // Let the server take both in: they now wait for the rest of their bytes.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const quick = await upload(h.url, { token: await tokenOf(h, "quick"), files: [{ bytes: await images.png(20, 20), type: "image/png" }] });
  assert.equal(quick.body.code, 0, quick.text);
  for (const req of stalled) req.destroy();
  const after = await upload(h.url, { token: await tokenOf(h, "quick"), files: [{ bytes: photo }] });
  assert.equal(after.body.code, 0, after.text);
  assert.equal(await h.media.countImages(tenant), 2, "the stalled uploads stored nothing");
  assert.equal(h.logs.some((line) => /unhandled error/.test(line)), false);
});
