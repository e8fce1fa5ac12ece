/**
 * Uploads through the SDK: the simulated phone's temp files go up with its
 * wx.uploadFile (real multipart HTTP) to a real wegate server.
 */
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { createWx, type SimWx, type WxUploadFileOptions } from "@wegate/wechat-sim";
import sharp from "sharp";
import { type Harness, startHarness } from "../../server/src/testing/harness";
import { testDatabases } from "../../server/src/testing/databases";
import { createClient, type WegateClient } from "./index";

for (const database of testDatabases()) {
  describe(`the SDK's uploads (${database})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness({ database, demoCatalogue: true });
    });
    after(() => h.close());

    /** A phone whose wx.uploadFile calls are recorded (without their callbacks). */
    function phone(user: string, language?: "en"): { wx: SimWx; client: WegateClient; uploads: Omit<WxUploadFileOptions, "success" | "fail" | "complete">[] } {
      const wx = h.wx(user);
      const uploads: Omit<WxUploadFileOptions, "success" | "fail" | "complete">[] = [];
      const recording: SimWx = {
        ...wx,
        uploadFile: (options) => {
          const { success, fail, complete, ...sent } = options;
          uploads.push(sent);
          return wx.uploadFile(options);
        },
      };
      return { wx, uploads, client: createClient({ baseURL: h.url, subDomain: h.tenants.a.subDomain, wx: recording, language }) };
    }

    function serverHits(path: string, from: number): number {
      return h.logs.slice(from).filter((line) => {
        const entry = JSON.parse(line);
        return entry.msg === "incoming request" && entry.req?.url?.split("?")[0] === `/${h.tenants.a.subDomain}${path}`;
      }).length;
    }

    const logins = (wx: SimWx, from: number) => wx.__sim.calls.slice(from).filter((name) => name === "login").length;

    test("files.upload sends the temp file as API Factory's clients do and answers where it is stored; the URL serves the image", async () => {
      const { wx, client, uploads } = phone("sdk-uploader");
      assert.ok((await client.authorize()).ok);
      const { avatarUrl } = wx.chooseAvatar();

      const result = await client.files.upload(avatarUrl);
      assert.ok(result.ok, JSON.stringify(result));
      assert.deepEqual(uploads, [
        { url: `${h.url}/${h.tenants.a.subDomain}/dfs/upload/file`, filePath: avatarUrl, name: "upfile", formData: { token: client.token() }, header: {}, timeout: 15_000 },
      ]);
      const { url, width, height, size, type } = result.data;
      assert.ok(url.startsWith(`${h.url}/${h.tenants.a.subDomain}/dfs/files/`), url);
      assert.deepEqual([width, height], [8, 8]);
      assert.match(type, /^image\//);

      const served = await fetch(url);
      assert.equal(served.status, 200);
      const bytes = Buffer.from(await served.arrayBuffer());
      assert.equal(bytes.length, size);
      const meta = await sharp(bytes).metadata();
      assert.deepEqual([meta.width, meta.height], [8, 8]);
    });

    test("user.uploadAvatar uploads, then saves the uploaded URL (never the temp path) and answers it", async () => {
      const { wx, client } = phone("sdk-avatar");
      assert.ok((await client.authorize()).ok);
      const mark = wx.__sim.calls.length;
      const { avatarUrl } = wx.chooseAvatar();

      const result = await client.user.uploadAvatar(avatarUrl);
      assert.ok(result.ok, JSON.stringify(result));
      assert.ok(result.data.startsWith(`${h.url}/`) && !result.data.includes("tmp"), result.data);
      assert.deepEqual(wx.__sim.calls.slice(mark).filter((name) => !name.includes("Storage")), ["chooseAvatar", "uploadFile", "request"]);
      const detail = await client.user.detail();
      assert.ok(detail.ok);
      assert.equal(detail.data.base.avatarUrl, result.data);

      // On a phone (not DevTools) the temp path is wxfile://...: the same flow.
      const onPhone = createWx({ world: h.world, appid: h.tenants.a.appid, user: "sdk-avatar", tempPaths: "phone" });
      const phoneClient = createClient({ baseURL: h.url, subDomain: h.tenants.a.subDomain, wx: onPhone });
      assert.ok((await phoneClient.login()).ok);
      const picked = onPhone.chooseAvatar({ bytes: await sharp({ create: { width: 5, height: 6, channels: 3, background: "#000" } }).png().toBuffer() });
      assert.match(picked.avatarUrl, /^wxfile:\/\//);
      const again = await phoneClient.user.uploadAvatar(picked.avatarUrl);
      assert.ok(again.ok && again.data !== result.data, JSON.stringify(again));
      const after = await phoneClient.user.detail();
      assert.ok(after.ok && after.data.base.avatarUrl === again.data);
    });

    test("a dead token: the upload shares the one silent re-login with other calls, then is sent once more", async () => {
      const { wx, client } = phone("sdk-upload-relogin");
      assert.ok((await client.authorize()).ok);
      const dead = client.token()!;
      assert.equal((await h.get(`/${h.tenants.a.subDomain}/user/loginout`, { token: dead })).body.code, 0);

      const { avatarUrl } = wx.chooseAvatar();
      const callsMark = wx.__sim.calls.length;
      const logMark = h.logs.length;
      const [avatar, detail, cart] = await Promise.all([client.user.uploadAvatar(avatarUrl), client.user.detail(), client.cart.info()]);
      assert.ok(avatar.ok, JSON.stringify(avatar));
      assert.ok(detail.ok && cart.ok);
      assert.equal(logins(wx, callsMark), 1, "one wx.login for all three");
      assert.equal(serverHits("/user/wxapp/login", logMark), 1);
      assert.equal(serverHits("/dfs/upload/file", logMark), 2, "with the dead token, then with the new one");
      assert.equal(serverHits("/user/modify", logMark), 1, "the modify already had the new token");
      assert.notEqual(client.token(), dead);
      const saved = await client.user.detail();
      assert.ok(saved.ok && saved.data.base.avatarUrl === avatar.data);
    });

    test("a refused file is an api error with the server's code, message and status; nothing is saved", async () => {
      const { wx, client } = phone("sdk-upload-refused", "en");
      assert.ok((await client.authorize()).ok);
      const before = await client.user.detail();
      assert.ok(before.ok);

      const logMark = h.logs.length;
      const notAnImage = wx.__sim.tempFiles.add(new TextEncoder().encode("#!/bin/sh\necho hi\n"), "png");
      const result = await client.user.uploadAvatar(notAnImage);
      assert.ok(!result.ok && result.error.kind === "api", JSON.stringify(result));
      assert.ok(result.error.kind === "api" && result.error.code === 41006 && result.error.status === 415);
      assert.ok(result.error.kind === "api" && /^Only JPEG/.test(result.error.message), "English, as asked for");
      assert.equal(serverHits("/user/modify", logMark), 0);
      const after = await client.user.detail();
      assert.ok(after.ok && after.data.base.avatarUrl === before.data.base.avatarUrl);
    });

    test("wx.uploadFile failures, non-JSON answers and a missing token are results, not exceptions", async () => {
      const { wx, client } = phone("sdk-upload-failures");
      const { avatarUrl } = wx.chooseAvatar();
      assert.deepEqual(await client.files.upload(avatarUrl), { ok: false, error: { kind: "login_required", message: "请先登录", cause: undefined } });
      assert.deepEqual(wx.__sim.calls.filter((name) => name === "uploadFile"), [], "no token: nothing is sent");

      assert.ok((await client.authorize()).ok);
      const missing = await client.files.upload("http://tmp/gone.png");
      assert.deepEqual(missing, { ok: false, error: { kind: "network", message: "uploadFile:fail file not found: http://tmp/gone.png" } });

      // A proxy's error page instead of the server's envelope.
      const proxy = createServer((_req, res) => res.writeHead(502, { "content-type": "text/html" }).end("<html>502 Bad Gateway</html>"));
      await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
      try {
        const behindProxy = createClient({ baseURL: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, subDomain: "shop-a", wx });
        const page = await behindProxy.files.upload(avatarUrl);
        assert.deepEqual(page, { ok: false, error: { kind: "network", message: "unexpected answer (HTTP 502) from /dfs/upload/file" } });
      } finally {
        proxy.close();
      }

      const offline = createClient({ baseURL: "http://127.0.0.1:9", subDomain: "shop-a", wx });
      const unreachable = await offline.files.upload(avatarUrl);
      assert.ok(!unreachable.ok && unreachable.error.kind === "network" && unreachable.error.message.startsWith("uploadFile:fail "), JSON.stringify(unreachable));

      const { uploadFile, ...withoutUpload } = wx;
      const old = createClient({ baseURL: h.url, subDomain: h.tenants.a.subDomain, wx: withoutUpload as SimWx });
      const unsupported = await old.files.upload(avatarUrl);
      assert.ok(!unsupported.ok && unsupported.error.kind === "wx" && unsupported.error.api === "uploadFile");
    });
  });
}
