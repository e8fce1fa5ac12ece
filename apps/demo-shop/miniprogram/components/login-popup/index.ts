// The seed's login popup: "允许" registers (or logs in) the user, "取消" closes it.
// The page handles `allow` by calling wegate.register() right away: getUserProfile
// must be called while the tap is being handled.
Component({
  properties: {
    show: { type: Boolean, value: false },
    reason: { type: String, value: "登录后可以收藏商品、使用购物车" },
  },
  methods: {
    onAllow() {
      this.triggerEvent("allow");
    },
    onCancel() {
      this.triggerEvent("cancel");
    },
    noop() {},
  },
});
