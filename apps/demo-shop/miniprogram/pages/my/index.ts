import type { ProfileChanges, UserDetail } from "@wegate/sdk";
import { messageOf, wantsLoginPopup } from "../../utils/format";
import { loginPopup } from "../../utils/login-popup";

const app = getApp<IAppOption>();

Component({
  behaviors: [loginPopup],
  data: {
    user: null as UserDetail["base"] | null,
    defaultAvatar: "https://mmbiz.qpic.cn/mmbiz/icTdbqWNOwNRna42FI242Lcia07jQodd2FJGIYQfG0LAJGFxM4FbnQP6yfMxBgJ0F3YRqJCJ1aPAK2dQagdusBZg/0",
  },
  methods: {
    async onShow() {
      if (!app.wegate.token()) {
        this.setData({ user: null });
        return;
      }
      const detail = await app.wegate.user.detail();
      if (detail.ok) this.setData({ user: detail.data.base });
      else if (wantsLoginPopup(detail.error)) this.setData({ user: null });
      else wx.showToast({ title: messageOf(detail.error), icon: "none" });
    },

    /** The avatar/nickname fill-in: save what the user chose, then show it. */
    async save(changes: ProfileChanges) {
      const result = await app.wegate.user.modify(changes);
      if (!result.ok) {
        wx.showToast({ title: messageOf(result.error), icon: "none" });
        return;
      }
      this.setData({ user: { ...this.data.user!, ...changes } });
    },

    async onChooseAvatar(event: WechatMiniprogram.CustomEvent<{ avatarUrl: string }>) {
      // The chosen picture is a temp file only this phone can read: upload it
      // and save the uploaded URL, which every phone can load.
      wx.showLoading({ title: "上传中", mask: true });
      const result = await app.wegate.user.uploadAvatar(event.detail.avatarUrl);
      wx.hideLoading();
      if (!result.ok) {
        wx.showToast({ title: messageOf(result.error), icon: "none" });
        return;
      }
      this.setData({ user: { ...this.data.user!, avatarUrl: result.data } });
    },

    onNickname(event: WechatMiniprogram.InputBlur) {
      const nick = event.detail.value.trim();
      if (nick && nick !== this.data.user!.nick) return this.save({ nick });
    },

    async onGetPhoneNumber(event: WechatMiniprogram.CustomEvent<{ code?: string; errMsg: string }>) {
      const { code } = event.detail;
      if (!code) return; // the user said no
      const result = await app.wegate.user.bindMobile(code);
      if (!result.ok) {
        wx.showToast({ title: messageOf(result.error), icon: "none" });
        return;
      }
      this.setData({ user: { ...this.data.user!, mobile: result.data } });
      wx.showToast({ title: "已绑定", icon: "success" });
    },

    async onLogout() {
      const answer = await wx.showModal({ title: "退出登录", content: "确定要退出登录吗？" });
      if (!answer.confirm) return;
      await app.wegate.logout();
      this.setData({ user: null });
    },

    afterLogin() {
      return this.onShow();
    },
  },
});
