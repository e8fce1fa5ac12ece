import type { GoodsDetail, SkuChoice } from "@wegate/sdk";
import { messageOf, wantsLoginPopup, yuan } from "../../utils/format";
import { rememberReferrer } from "../../utils/login";
import { loginPopup } from "../../utils/login-popup";

const app = getApp<IAppOption>();

type Action = "fav" | "cart";

interface OptionView {
  id: number;
  name: string;
  values: { id: number; name: string; chosen: boolean }[];
}

function optionsOf(detail: GoodsDetail): OptionView[] {
  // The first value of each option is chosen to begin with.
  return detail.properties.map((option) => ({
    id: option.id,
    name: option.name,
    values: option.childsCurGoods.map((value, index) => ({ id: value.id, name: value.name, chosen: index === 0 })),
  }));
}

Component({
  behaviors: [loginPopup],
  data: {
    id: 0,
    goods: null as null | { name: string; price: string; stores: number },
    pics: [] as { id: number; pic: string }[],
    content: "",
    options: [] as OptionView[],
    isFav: false,
    error: "",
    /** What to do once the user has logged in from the popup. */
    pending: "" as Action | "",
  },
  methods: {
    async onLoad(query: Record<string, string | undefined>) {
      rememberReferrer(query.inviter_id);
      const id = Number(query.id);
      this.setData({ id });
      const detail = await app.wegate.shop.goodsDetail(id);
      if (!detail.ok) {
        this.setData({ error: messageOf(detail.error) });
        return;
      }
      const { basicInfo } = detail.data;
      this.setData({
        goods: { name: basicInfo.name, price: yuan(basicInfo.minPrice), stores: basicInfo.stores },
        pics: detail.data.pics,
        content: detail.data.content,
        options: optionsOf(detail.data),
      });
      // Only when a token is stored: a visitor is not asked to log in just to look.
      if (app.wegate.token()) {
        const fav = await app.wegate.shop.favCheck(id);
        if (fav.ok) this.setData({ isFav: fav.data });
      }
    },

    onChoose(event: WechatMiniprogram.TouchEvent) {
      const { option, value } = event.currentTarget.dataset as { option: number; value: number };
      const options = this.data.options.map((o) =>
        o.id === option ? { ...o, values: o.values.map((v) => ({ ...v, chosen: v.id === value })) } : o,
      );
      this.setData({ options });
    },

    onFavTap() {
      return this.run("fav");
    },

    onAddToCart() {
      return this.run("cart");
    },

    /**
     * Does the action with the stored token (the SDK re-logs in silently if it
     * died); asks the user to log in only when there is no login to renew.
     */
    async run(action: Action) {
      const result = action === "fav" ? await this.toggleFav() : await this.addToCart();
      if (result.ok) return;
      if (wantsLoginPopup(result.error)) {
        this.setData({ showLogin: true, pending: action });
        return;
      }
      wx.showToast({ title: messageOf(result.error), icon: "none" });
    },

    async toggleFav() {
      const { id, isFav } = this.data;
      const result = isFav ? await app.wegate.shop.favDelete({ goodsId: id }) : await app.wegate.shop.favAdd(id);
      if (result.ok) {
        this.setData({ isFav: !isFav });
        wx.showToast({ title: isFav ? "已取消收藏" : "已收藏", icon: "success" });
      }
      return result;
    },

    async addToCart() {
      const sku: SkuChoice[] = this.data.options.map((option) => ({
        optionId: option.id,
        optionValueId: option.values.find((value) => value.chosen)!.id,
      }));
      const result = await app.wegate.cart.add({ goodsId: this.data.id, number: 1, sku });
      if (result.ok) wx.showToast({ title: "已加入购物车", icon: "success" });
      return result;
    },

    /** The popup's 允许 worked: do what the user tapped. */
    afterLogin() {
      const pending = this.data.pending;
      this.setData({ pending: "" });
      return pending ? this.run(pending) : undefined;
    },
  },
});
