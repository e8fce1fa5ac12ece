/**
 * Where the demo shop finds wegate. `npm start` serves the demo tenant on
 * http://127.0.0.1:3000; in WeChat DevTools tick "不校验合法域名" (don't check
 * domains) to use it. On a phone, use your server's HTTPS address.
 */
export const config = {
  baseURL: "http://127.0.0.1:3000",
  subDomain: "demo",
};
