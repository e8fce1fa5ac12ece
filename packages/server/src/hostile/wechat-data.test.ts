/**
 * Hostile data from WeChat's side: the decrypted profile of register/complex
 * and the phone number of bindMobile/v2 carry whatever the user's WeChat
 * account holds. Whatever it is, the
 * answer is never a 500, and what is stored is text a database can hold and
 * the profile's limits allow.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { SimUserProfile } from "@wegate/wechat-sim";
import { errors } from "../errors";
import { testDatabases } from "../testing/databases";
import { type Harness, startHarness } from "../testing/harness";

const catalogueCodes = new Set(Object.values(errors).map((entry) => entry.code));

/** Profiles as odd as a WeChat account can make them (and odder: the server must not trust the shapes either). */
const PROFILES: Array<[string, Record<string, unknown>]> = [
  ["NUL in the nickname and city", { nickName: "a\u0000b", city: "c\u0000" }],
  ["control characters", { nickName: "\u0001\u0007\u001b[31m", province: "\u0008" }],
  ["a lone surrogate", { nickName: "a\ud800b" }],
  ["a 2,000-character nickname", { nickName: "长".repeat(2000) }],
  ["emoji only", { nickName: "👨‍👩‍👧‍👦".repeat(40) }],
  ["a javascript: avatar", { avatarUrl: "javascript:alert(1)" }],
  ["an avatar with NUL", { avatarUrl: "https://thirdwx.qlogo.cn/a\u0000b" }],
  ["a non-finite gender", { gender: Number.POSITIVE_INFINITY }],
  ["a gender of 7", { gender: 7 }],
  ["fields of the wrong type", { nickName: { $ne: 1 }, city: ["x"], country: 12, avatarUrl: null }],
];

for (const database of testDatabases()) {
  describe(`hostile WeChat profiles and phone numbers, on ${database}`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness({ database });
    });
    after(() => h?.close());

    const PHONES: Array<[string, { countryCode: string; purePhoneNumber: string }]> = [
      ["NUL in the number", { countryCode: "86", purePhoneNumber: "138\u000012345678" }],
      ["letters and script", { countryCode: "86", purePhoneNumber: "<script>alert(1)</script>" }],
      ["200 digits", { countryCode: "86", purePhoneNumber: "1".repeat(200) }],
      ["a country code with a plus", { countryCode: "+1", purePhoneNumber: "2025550123" }],
      ["an empty number", { countryCode: "", purePhoneNumber: "" }],
    ];
    PHONES.forEach(([name, phone], index) => {
      test(`bindMobile/v2 with a phone number of ${name}`, async () => {
        const user = `phone-${index}`;
        h.world.setPhone(user, phone);
        const { token } = (await h.post("/shop-a/user/wxapp/authorize", { code: h.code(user) })).body.data;
        const reply = await h.post("/shop-a/user/wxapp/bindMobile/v2", { token, code: h.world.phoneCode(h.tenants.a.appid, user) });
        assert.notEqual(reply.status, 500, reply.text);
        assert.ok(catalogueCodes.has(reply.body.code), reply.text);
        const { mobile } = (await h.get("/shop-a/user/detail", { token })).body.data.base;
        assert.match(mobile, /^(\+?[\d -]{3,30})?$/, "what is stored is a phone number, or nothing");
      });
    });

    PROFILES.forEach(([name, profile], index) => {
      test(name, async () => {
        const user = `odd-${index}`;
        h.world.setProfile(user, profile as Partial<SimUserProfile>);
        const wx = h.wx(user);
        const { code } = await wx.login();
        const info = await wx.getUserInfo({ withCredentials: true });
        const reply = await h.post("/shop-a/user/wxapp/register/complex", { code, encryptedData: info.encryptedData, iv: info.iv });
        assert.notEqual(reply.status, 500, reply.text);
        assert.ok(catalogueCodes.has(reply.body.code), reply.text);
        assert.equal(reply.body.code, 0, `a profile is WeChat's to make: it is cleaned, not refused (${reply.text})`);

        const login = await h.post("/shop-a/user/wxapp/login", { code: h.code(user) });
        const { base } = (await h.get("/shop-a/user/detail", { token: login.body.data.token })).body.data;
        for (const field of ["nick", "avatarUrl", "city", "province", "country"] as const) {
          assert.equal(typeof base[field], "string", field);
          assert.doesNotMatch(base[field], /\u0000/, `${field} holds no NUL`);
        }
        assert.ok([...base.nick].length <= 32, "nick within its limit");
        assert.ok(base.avatarUrl === "" || /^https?:\/\//.test(base.avatarUrl), `avatarUrl ${base.avatarUrl}`);
        assert.ok([0, 1, 2].includes(base.gender), `gender ${base.gender}`);
      });
    });
  });
}
