import type { SimWx } from "@wegate/wechat-sim";

export interface WxReply<T = any> {
  statusCode: number;
  data: { code: number; msg: string; data?: T };
}

/** wx.request as a promise, the way a mini program's request helper wraps it. */
export function wxRequest<T = any>(
  wx: SimWx,
  options: { url: string; method?: "GET" | "POST"; data?: Record<string, unknown>; form?: boolean },
): Promise<WxReply<T>> {
  return new Promise((resolve, reject) => {
    wx.request({
      url: options.url,
      method: options.method ?? "GET",
      data: options.data,
      header: options.form ? { "content-type": "application/x-www-form-urlencoded" } : { "content-type": "application/json" },
      success: (result) => resolve({ statusCode: result.statusCode, data: result.data as WxReply<T>["data"] }),
      fail: (error) => reject(new Error(error.errMsg)),
    });
  });
}
