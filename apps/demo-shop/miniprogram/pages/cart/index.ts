import type { Cart, Result } from "@wegate/sdk";
import { messageOf, wantsLoginPopup, yuan } from "../../utils/format";
import { loginPopup } from "../../utils/login-popup";

const app = getApp<IAppOption>();

interface LineView {
  key: string;
  name: string;
  pic: string;
  skuText: string;
  price: string;
  number: number;
  selected: boolean;
}

Component({
  behaviors: [loginPopup],
  data: { loggedIn: true, items: [] as LineView[], number: 0, price: "0.00" },
  methods: {
    onShow() {
      return this.refresh();
    },

    refresh() {
      return this.show(app.wegate.cart.info());
    },

    /** Puts the cart a call answered with on screen. */
    async show(pending: Promise<Result<Cart>>) {
      const result = await pending;
      if (!result.ok) {
        if (wantsLoginPopup(result.error)) this.setData({ loggedIn: false, items: [], number: 0, price: "0.00" });
        else wx.showToast({ title: messageOf(result.error), icon: "none" });
        return;
      }
      const cart = result.data;
      this.setData({
        loggedIn: true,
        number: cart.number,
        price: yuan(cart.price),
        items: cart.items.map((item) => ({
          key: item.key,
          name: item.name,
          pic: item.pic,
          skuText: item.sku.map((choice) => `${choice.optionName}: ${choice.optionValueName}`).join("  "),
          price: yuan(item.price),
          number: item.number,
          selected: item.selected,
        })),
      });
    },

    onNumber(event: WechatMiniprogram.TouchEvent) {
      const { key, number } = event.currentTarget.dataset as { key: string; number: number };
      if (number < 1) return this.onRemove(event);
      return this.show(app.wegate.cart.modifyNumber(key, number));
    },

    onSelect(event: WechatMiniprogram.TouchEvent) {
      const key = event.currentTarget.dataset.key as string;
      const line = this.data.items.find((item) => item.key === key);
      return this.show(app.wegate.cart.select(key, !(line && line.selected)));
    },

    onRemove(event: WechatMiniprogram.TouchEvent) {
      return this.show(app.wegate.cart.remove(event.currentTarget.dataset.key as string));
    },

    afterLogin() {
      return this.refresh();
    },
  },
});
