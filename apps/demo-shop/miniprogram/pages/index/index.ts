import { messageOf, yuan } from "../../utils/format";

const app = getApp<IAppOption>();

interface GoodsCard {
  id: number;
  name: string;
  pic: string;
  price: string;
  /** "" when there is no discount */
  originalPrice: string;
}

Component({
  data: { goods: [] as GoodsCard[], loading: true, error: "" },
  methods: {
    onLoad() {
      return this.load();
    },
    onPullDownRefresh() {
      return this.load().then(() => wx.stopPullDownRefresh());
    },
    async load() {
      this.setData({ loading: true });
      const result = await app.wegate.shop.goodsList({ pageSize: 20 });
      if (!result.ok) {
        this.setData({ loading: false, error: messageOf(result.error) });
        return;
      }
      const goods = result.data.map((item) => ({
        id: item.id,
        name: item.name,
        pic: item.pic,
        price: yuan(item.minPrice),
        originalPrice: item.originalPrice > item.minPrice ? yuan(item.originalPrice) : "",
      }));
      this.setData({ goods, loading: false, error: "" });
    },
    onGoodsTap(event: WechatMiniprogram.TouchEvent) {
      wx.navigateTo({ url: `/pages/goods-details/index?id=${event.currentTarget.dataset.id}` });
    },
  },
});
