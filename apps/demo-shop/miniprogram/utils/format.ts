import { needsRegistration, type WegateError } from "@wegate/sdk";

/** 129 -> "129.00" */
export const yuan = (value: number) => value.toFixed(2);

/** What the user sees when something fails. */
export function messageOf(error: WegateError): string {
  switch (error.kind) {
    case "api":
      return error.message || `出错了 (${error.code})`;
    case "network":
      return "网络不给力，请稍后再试";
    case "wx":
      return /deny|cancel/.test(error.message) ? "已取消" : "操作失败";
    case "login_required":
      return "请先登录";
  }
}

/** Show the login popup: there is no login, or the silent re-login found no registered user. */
export function wantsLoginPopup(error: WegateError): boolean {
  return error.kind === "login_required" && (error.cause === undefined || needsRegistration(error));
}
