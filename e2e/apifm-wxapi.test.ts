/**
 * A project on API Factory's own client (the npm package apifm-wxapi) switches
 * to wegate by changing its base URL: init2(wegateURL, subDomain). Runs the real
 * package with the simulated phone's `wx` against a real server.
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { after, before, describe, test } from "node:test";
import sharp from "sharp";
import { type Harness, startHarness } from "../packages/server/src/testing/harness";
import { testDatabases } from "../packages/server/src/testing/databases";

type Envelope = { code: number; msg: string; data?: any };
type Call = (...args: any[]) => Promise<Envelope>;

for (const database of testDatabases()) {
  describe(`apifm-wxapi (${database})`, () => {
    let h: Harness;
    let WXAPI: Record<string, Call> & { init2(baseURL: string, subDomain: string): void };
    before(async () => {
      h = await startHarness({ database, demoCatalogue: true, logLevel: "warn" });
      // apifm-wxapi calls the global wx.request, as in a mini program.
      Object.assign(globalThis, { wx: h.wx("apifm-user") });
      WXAPI = createRequire(import.meta.url)("apifm-wxapi");
      WXAPI.init2(h.url, h.tenants.a.subDomain);
    });
    after(() => h.close());

    test("apifm-wxapi against wegate: register, login, check token, goods, cart, phone", async () => {
      const wx = (globalThis as any).wx;
      const code = () => h.code("apifm-user");

      assert.equal((await WXAPI.login_wx(code())).code, 10000, "not registered yet");
      const loginCode = (await wx.login()).code;
      const profile = await wx.getUserInfo({ withCredentials: true });
      const registered = await WXAPI.register_complex({ code: loginCode, encryptedData: profile.encryptedData, iv: profile.iv });
      assert.equal(registered.code, 0, registered.msg);

      const login = await WXAPI.login_wx(code());
      assert.equal(login.code, 0, login.msg);
      const { token } = login.data;
      assert.equal((await WXAPI.checkToken(token)).code, 0);
      assert.equal((await WXAPI.checkToken("not-a-token")).code, 2000);

      const goods = await WXAPI.goods({ pageSize: 3 });
      assert.equal(goods.data.length, 3);
      const detail = await WXAPI.goodsDetail(2, token);
      assert.equal(detail.data.basicInfo.minPrice, 129);

      const sku = detail.data.properties.map((p: any) => ({ optionId: p.id, optionValueId: p.childsCurGoods[0].id }));
      assert.equal((await WXAPI.shippingCarInfoAddItem(token, 2, 2, sku)).code, 0);
      const cart = await WXAPI.shippingCarInfo(token);
      assert.equal(cart.data.number, 2);
      assert.equal(cart.data.price, 258);
      const key = cart.data.items[0].key;
      assert.equal((await WXAPI.shippingCarInfoModifyNumber(token, key, 1)).data.number, 1);
      assert.equal((await WXAPI.shippingCarInfoRemoveItem(token, key)).data.items.length, 0);

      const bound = await WXAPI.bindMobileWxappV2(token, h.world.phoneCode(h.tenants.a.appid, "apifm-user"));
      assert.equal(bound.code, 0, bound.msg);
      assert.match(bound.data, /^\d+$/);
      assert.equal((await WXAPI.authorize({ code: code() })).code, 0);
    });

    test("apifm-wxapi's own uploadFile uploads, and modifyUserInfo saves the URL; the URL serves the re-encoded image (no EXIF), on PostgreSQL from another instance of the fleet", async (t) => {
      const previousWx = (globalThis as any).wx;
      t.after(() => {
        Object.assign(globalThis, { wx: previousWx });
      });
      // One server per SQLite file: a second instance only on PostgreSQL.
      const servedBy = database === "postgres" ? (await h.startReplica()).url : h.url;
      const wx = h.wx("apifm-uploader");
      Object.assign(globalThis, { wx });
      const subDomain = h.tenants.a.subDomain;

      const login = await WXAPI.authorize({ code: h.code("apifm-uploader") });
      assert.equal(login.code, 0, login.msg);
      const { token } = login.data;

      // A photo straight from a camera: EXIF with the maker, the model and where it was taken.
      const photo = await sharp({ create: { width: 40, height: 30, channels: 3, background: "#3366cc" } })
        .jpeg()
        .withMetadata({ exif: { IFD0: { Make: "WegateCam", Model: "Pocket 7" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "22/1 32/1 0/1" } } })
        .toBuffer();
      assert.ok((await sharp(photo).metadata()).exif, "the original carries EXIF");
      assert.ok(photo.includes("WegateCam"));
      const { avatarUrl: tempPath } = wx.chooseAvatar({ bytes: photo, ext: "jpg" });

      const refused = await WXAPI.modifyUserInfo({ token, avatarUrl: tempPath });
      assert.equal(refused.code, 41011, "a temp path is refused: upload first");

      const uploaded = await WXAPI.uploadFile(token, tempPath);
      assert.equal(uploaded.code, 0, uploaded.msg);
      const { url } = uploaded.data;
      assert.ok(url.startsWith(`${h.url}/${subDomain}/dfs/files/`), url);
      assert.deepEqual([uploaded.data.width, uploaded.data.height], [40, 30]);

      const modified = await WXAPI.modifyUserInfo({ token, avatarUrl: url });
      assert.equal(modified.code, 0, modified.msg);
      assert.equal((await h.get(`/${subDomain}/user/detail`, { token })).body.data.base.avatarUrl, url);

      // Every instance of a fleet, on the same database, serves the same file.
      const served = await fetch(servedBy + new URL(url).pathname);
      assert.equal(served.status, 200);
      assert.match(served.headers.get("content-type") ?? "", /^image\//);
      const bytes = Buffer.from(await served.arrayBuffer());
      const meta = await sharp(bytes).metadata();
      assert.deepEqual([meta.width, meta.height], [40, 30]);
      assert.equal(meta.exif, undefined, "no EXIF");
      assert.equal(bytes.includes("WegateCam"), false, "nothing of the camera's metadata is left");
      assert.notDeepEqual(bytes, photo, "re-encoded, not the bytes sent");
    });
  });
}
