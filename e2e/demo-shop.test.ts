/**
 * The demo mini program end to end: its pages in miniprogram-simulate, the
 * simulated phone's `wx`, the built SDK's flow, over real HTTP to a real wegate
 * server that talks to the WeChat simulator.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import sharp from "sharp";
import { type Harness, startHarness } from "../packages/server/src/testing/harness";
import { testDatabases } from "../packages/server/src/testing/databases";
import { find, tap, textOf, usePhone, waitFor } from "./mini-program";

const DAY_MS = 24 * 3600_000;
const TTL_MS = 7 * DAY_MS;

for (const database of testDatabases()) {
  describe(`the demo shop's pages (${database})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness({ database, demoCatalogue: true, logLevel: "warn", sessionPolicy: { ttlSeconds: TTL_MS / 1000 } });
    });
    after(() => h.close());

    const phone = (user: string) => usePhone(h.wx(user), h.url, h.tenants.a.subDomain);
    const logins = (calls: string[]) => calls.filter((name) => name === "login").length;

    test("index lists the catalogue; tapping a goods opens its detail page", async () => {
      const { wx, open } = phone("mp-browser");
      const index = await open("pages/index/index");
      assert.equal(index.instance.data.goods.length, 10);
      assert.equal(textOf(find(index, "#goods-2")), "20000mAh 快充移动电源¥129.00¥159.00");

      tap(index, "#goods-2");
      await waitFor(() => wx.__sim.navigations.length, "the navigation");
      assert.deepEqual(wx.__sim.navigations, [{ api: "navigateTo", url: "/pages/goods-details/index?id=2" }]);
      assert.equal(logins(wx.__sim.calls), 0, "browsing needs no login");
    });

    test("goods detail: favorite while logged out -> popup -> 允许 -> registered, logged in, favorite stored; cart shows the line; a dead token is renewed silently", async () => {
      const referrer = await phone("mp-referrer").wegate.authorize();
      assert.ok(referrer.ok);
      h.world.setProfile("mp-bob", { nickName: "Bob 小宝", gender: 1, city: "Chengdu", province: "Sichuan", country: "China" });
      const { wx, wegate, open } = phone("mp-bob");

      const detail = await open("pages/goods-details/index", { id: "2", inviter_id: String(referrer.data.uid) });
      assert.match(textOf(find(detail, "#name")), /20000mAh 快充移动电源/);
      assert.equal(textOf(find(detail, "#price")), "¥129.00");
      assert.equal(find(detail, "#login-popup").dom.textContent?.includes("允许"), false, "no popup yet");

      tap(detail, "#fav");
      await waitFor(() => detail.instance.data.showLogin, "the login popup");
      assert.match(textOf(find(detail, "#login-popup")), /登录后可以收藏商品、使用购物车取消允许/);
      assert.equal(wegate.token(), undefined);

      const beforeAllow = wx.__sim.calls.length;
      tap(detail, "#login-popup >>> #login-allow");
      await waitFor(() => detail.instance.data.isFav, "the favorite");
      assert.equal(detail.instance.data.showLogin, false);
      assert.equal(textOf(find(detail, "#fav")), "已收藏");
      const calls = wx.__sim.calls.slice(beforeAllow).filter((name) => !name.includes("Storage"));
      assert.deepEqual(calls.slice(0, 3), ["login", "getUserProfile", "request"], "wx.login, then the profile, then register");

      // On the server: a registered user with the profile and referrer, logged in, with the favorite.
      const token = wegate.token();
      assert.ok(token);
      const user = await h.get(`/${h.tenants.a.subDomain}/user/detail`, { token });
      assert.equal(user.body.data.base.nick, "Bob 小宝");
      assert.equal(user.body.data.base.referrer, referrer.data.uid);
      assert.equal((await h.get(`/${h.tenants.a.subDomain}/shop/goods/fav/check`, { token, goodsId: 2 })).body.code, 0);

      tap(detail, "#add-to-cart");
      await waitFor(() => wx.__sim.toasts.some((toast) => (toast as { title: string }).title === "已加入购物车"), "the cart toast");
      const cart = await open("pages/cart/index");
      assert.equal(cart.instance.data.items.length, 1);
      assert.match(textOf(cart), /20000mAh 快充移动电源/);
      assert.match(textOf(find(cart, "#total")), /¥129\.00/);
      assert.equal(textOf(find(cart, "#count")), "1");

      // The token dies on the server (past its lifetime); the next tap logs in again without asking.
      h.clock.advance(TTL_MS + 1000);
      assert.equal((await h.get(`/${h.tenants.a.subDomain}/user/check-token`, { token })).body.code, 2000);
      const loginsBefore = logins(wx.__sim.calls);
      const toastsBefore = wx.__sim.toasts.length;
      tap(detail, "#add-to-cart");
      await waitFor(() => wx.__sim.toasts.length > toastsBefore, "the second cart toast");
      assert.deepEqual(wx.__sim.toasts.at(-1), { title: "已加入购物车", icon: "success" });
      assert.equal(detail.instance.data.showLogin, false, "no popup for a silent re-login");
      assert.equal(logins(wx.__sim.calls) - loginsBefore, 1);
      assert.notEqual(wegate.token(), token);

      const after = await open("pages/cart/index");
      assert.equal(textOf(find(after, "#count")), "2");
      assert.match(textOf(find(after, "#total")), /¥258\.00/);
    });

    test("goods with options: the chosen colour goes into the cart line; cart +/- and delete", async () => {
      const { wegate, open } = phone("mp-options");
      assert.ok((await wegate.authorize()).ok);
      const detail = await open("pages/goods-details/index", { id: "1" });
      const [firstOption] = detail.instance.data.options;
      const second = firstOption.values[1];
      tap(detail, `#value-${second.id}`);
      await waitFor(() => detail.instance.data.options[0].values[1].chosen, "the chosen value");
      tap(detail, "#add-to-cart");

      const cart = await waitFor(async () => {
        const info = await wegate.cart.info();
        return info.ok && info.data.items.length === 1 ? info.data : undefined;
      }, "the cart line");
      const line = cart.items[0];
      assert.equal(line.sku[0].optionValueName, second.name);

      const page = await open("pages/cart/index");
      assert.match(textOf(page), new RegExp(`${firstOption.name}: ${second.name}`));
      tap(page, `#plus-${line.key}`);
      await waitFor(() => page.instance.data.number === 2, "two items");
      tap(page, `#remove-${line.key}`);
      await waitFor(() => page.instance.data.items.length === 0, "an empty cart");
      assert.match(textOf(page), /购物车是空的/);
    });

    test("my: logged out shows the login button; nickname and avatar fill-in, phone binding, logout", async () => {
      h.world.setProfile("mp-carol", { nickName: "Carol" });
      const { wx, wegate, open } = phone("mp-carol");
      const my = await open("pages/my/index");
      assert.match(textOf(my), /登录后管理你的资料/);
      tap(my, "#login");
      await waitFor(() => my.instance.data.showLogin, "the login popup");
      tap(my, "#login-popup >>> #login-allow");
      await waitFor(() => my.instance.data.user, "the profile");
      assert.equal(my.instance.data.user.nick, "Carol");

      find(my, "#nickname").dispatchEvent("blur", { detail: { value: "  卡罗尔 " } });
      // The avatar sheet hands over a temp file of this phone: the page uploads it and saves the uploaded URL.
      const chosen = wx.chooseAvatar();
      find(my, "#avatar").dispatchEvent("chooseavatar", { detail: chosen });
      await waitFor(() => my.instance.data.user.nick === "卡罗尔" && my.instance.data.user.avatarUrl.startsWith(h.url), "the saved profile");
      const avatarUrl: string = my.instance.data.user.avatarUrl;
      assert.deepEqual(wx.__sim.calls.filter((name) => name === "uploadFile"), ["uploadFile"]);
      assert.equal(wx.__sim.loading, undefined, "the loading indicator is gone");
      const saved = await wegate.user.detail();
      assert.ok(saved.ok);
      assert.equal(saved.data.base.nick, "卡罗尔");
      assert.equal(saved.data.base.avatarUrl, avatarUrl);
      assert.notEqual(avatarUrl, chosen.avatarUrl);
      const served = await fetch(avatarUrl);
      assert.equal(served.status, 200);
      assert.match(served.headers.get("content-type") ?? "", /^image\//);
      const meta = await sharp(Buffer.from(await served.arrayBuffer())).metadata();
      assert.deepEqual([meta.width, meta.height], [8, 8], "the picture chosen on the phone");

      h.world.setPhone("mp-carol", { countryCode: "86", purePhoneNumber: "13800138000" });
      find(my, "#bind-phone").dispatchEvent("getphonenumber", { detail: await wx.getPhoneNumber() });
      await waitFor(() => my.instance.data.user.mobile, "the phone number");
      assert.equal(textOf(find(my, "#mobile")), "13800138000");

      const token = wegate.token();
      tap(my, "#logout");
      await waitFor(() => my.instance.data.user === null, "the logged-out page");
      assert.equal(wx.__sim.modals.length, 1, "asked first");
      assert.equal(wegate.token(), undefined);
      assert.equal((await h.get(`/${h.tenants.a.subDomain}/user/check-token`, { token })).body.code, 2000, "revoked on the server");
    });

    test("my: an avatar the server refuses shows its message in a toast and keeps the old avatar", async () => {
      const { wx, wegate, open } = phone("mp-dave");
      assert.ok((await wegate.authorize()).ok);
      const my = await open("pages/my/index");
      const before = my.instance.data.user.avatarUrl;

      const notAnImage = wx.__sim.tempFiles.add(new TextEncoder().encode("not a picture"), "jpg");
      find(my, "#avatar").dispatchEvent("chooseavatar", { detail: { avatarUrl: notAnImage } });
      const toast = await waitFor(() => wx.__sim.toasts.at(-1) as { title: string; icon: string } | undefined, "the toast");
      assert.equal(toast.icon, "none");
      assert.match(toast.title, /JPEG、PNG/, "the server's message, in Chinese");
      assert.equal(wx.__sim.loading, undefined);
      assert.equal(my.instance.data.user.avatarUrl, before);
      const detail = await wegate.user.detail();
      assert.ok(detail.ok && detail.data.base.avatarUrl === before);
    });
  });
}
