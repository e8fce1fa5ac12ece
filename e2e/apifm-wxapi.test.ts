/**
 * A project on API Factory's own client (the npm package apifm-wxapi) switches
 * to wegate by changing its base URL: init2(wegateURL, subDomain). Runs the real
 * package with the simulated phone's `wx` against a real server.
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { after, before, test } from "node:test";
import { type Harness, startHarness } from "../packages/server/src/testing/harness";

type Envelope = { code: number; msg: string; data?: any };
type Call = (...args: any[]) => Promise<Envelope>;

let h: Harness;
let WXAPI: Record<string, Call> & { init2(baseURL: string, subDomain: string): void };
before(async () => {
  h = await startHarness({ demoCatalogue: true, logLevel: "warn" });
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
