import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Harness, startHarness } from "../testing/harness";
import { testDatabases } from "../testing/databases";
import * as images from "./fixtures";
import { tokenOf, upload } from "./upload-client";

for (const database of testDatabases()) {
  describe(`avatar and profile (${database})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness({ database });
    });
    after(() => h.close());

    const detailOf = async (token: string) => (await h.get("/shop-a/user/detail", { token })).body.data.base;

    describe("/user/modify avatarUrl", () => {
      test("a temporary path on the phone is refused with a message that says to upload first", async () => {
        const token = await tokenOf(h, "vera");
        await h.post("/shop-a/user/modify", { token, avatarUrl: "https://example.com/vera.png" });
        for (const avatarUrl of ["http://tmp/0a1b2c3d4e5f60718293a4b5.png", "wxfile://tmp_8f1c2d3e4f5a6b7c.jpg", "WXFILE://store_1.jpg", "http://usr/avatar.png", "https://tmp/x.jpeg", "http://store/x.png"]) {
          const reply = await h.post("/shop-a/user/modify", { token, avatarUrl }, { form: true });
          assert.deepEqual([reply.status, reply.body.code], [400, 41011], avatarUrl);
          assert.match(reply.body.msg, /请先上传/);
        }
        const english = await h.post("/shop-a/user/modify", { token, avatarUrl: "http://tmp/a.png" }, { headers: { "accept-language": "en" } });
        assert.match(english.body.msg, /^avatarUrl is a temporary file on the phone: upload it first/);
        assert.equal((await detailOf(token)).avatarUrl, "https://example.com/vera.png", "nothing changed");
      });

      test("an uploaded image's URL and any http(s) URL are saved; other schemes stay bad input", async () => {
        const token = await tokenOf(h, "walt");
        const uploaded = await upload(h.url, { token, files: [{ bytes: await images.png(), type: "image/png" }] });
        assert.equal((await h.post("/shop-a/user/modify", { token, avatarUrl: uploaded.body.data.url })).body.code, 0);
        assert.equal((await detailOf(token)).avatarUrl, uploaded.body.data.url);
        assert.equal((await h.post("/shop-a/user/modify", { token, avatarUrl: "https://cdn.example.com/tmp/a.png" })).body.code, 0);
        assert.equal((await h.post("/shop-a/user/modify", { token, avatarUrl: "ftp://tmp/a.png" })).body.code, 300);
      });
    });

    describe("anonymous profile data never overwrites real data", () => {
      async function registerComplex(user: string) {
        const wx = h.wx(user);
        const { code } = await wx.login();
        const info = await wx.getUserInfo({ withCredentials: true });
        return h.post("/shop-a/user/wxapp/register/complex", { code, encryptedData: info.encryptedData, iv: info.iv });
      }

      test("registering with 微信用户 and the grey avatar stores neither, so the app asks for the real ones", async () => {
        assert.equal((await registerComplex("xena")).body.code, 0);
        const { nick, avatarUrl } = await detailOf(await tokenOf(h, "xena"));
        assert.deepEqual({ nick, avatarUrl }, { nick: "", avatarUrl: "" });
      });

      test("a real profile from encryptedData (before 2022) is stored", async () => {
        h.world.setProfile("yuri", { nickName: "Yuri", avatarUrl: "https://thirdwx.qlogo.cn/mmopen/vi_32/RealPersonAvatar/132" });
        assert.equal((await registerComplex("yuri")).body.code, 0);
        const { nick, avatarUrl } = await detailOf(await tokenOf(h, "yuri"));
        assert.deepEqual({ nick, avatarUrl }, { nick: "Yuri", avatarUrl: "https://thirdwx.qlogo.cn/mmopen/vi_32/RealPersonAvatar/132" });
      });

      test("registering again from encryptedData keeps the nick and avatar the user set", async () => {
        const token = await tokenOf(h, "zora");
        await h.post("/shop-a/user/modify", { token, nick: "Zora", avatarUrl: "https://example.com/zora.png" });
        const again = await registerComplex("zora");
        assert.equal(again.body.code, 10000);
        const { nick, avatarUrl } = await detailOf(token);
        assert.deepEqual({ nick, avatarUrl }, { nick: "Zora", avatarUrl: "https://example.com/zora.png" });
      });
    });
  });
}
