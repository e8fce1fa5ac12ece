import { loginFromPopup } from "./login";

/**
 * The login popup's part of a page: `showLogin` for `<login-popup>`, and its
 * handlers. After 允许 logs the user in, the page's `afterLogin()` runs.
 */
export const loginPopup = Behavior({
  data: { showLogin: false },
  methods: {
    onLoginTap() {
      this.setData({ showLogin: true });
    },
    async onLoginAllow() {
      const loggedIn = await loginFromPopup();
      this.setData({ showLogin: false });
      const page = this as unknown as { afterLogin?: () => Promise<unknown> };
      if (loggedIn && page.afterLogin) await page.afterLogin();
    },
    onLoginCancel() {
      this.setData({ showLogin: false });
    },
  },
});
