/**
 * The part of the mini program's `wx` the SDK uses. The real `wx`, the
 * simulated one from @wegate/wechat-sim and a hand-made object all fit.
 * Only callback style is used: it works on every base library version.
 */
export interface WxFailResult {
  errMsg: string;
}

interface WxCallbacks<T> {
  success: (result: T) => void;
  fail: (error: WxFailResult) => void;
}

export interface WxUserProfileResult {
  encryptedData: string;
  iv: string;
  rawData?: string;
  signature?: string;
  userInfo?: object;
}

export interface WxRequestResult {
  data: unknown;
  statusCode: number;
}

/** wx.uploadFile's answer: the server's body as text, unparsed. */
export interface WxUploadFileResult {
  data: string;
  statusCode: number;
}

export interface WxLike {
  login(options: WxCallbacks<{ code: string }>): unknown;
  checkSession(options: WxCallbacks<unknown>): unknown;
  getUserProfile?(options: { desc: string; lang?: "en" | "zh_CN" | "zh_TW" } & WxCallbacks<WxUserProfileResult>): unknown;
  getUserInfo?(options: { withCredentials?: boolean; lang?: "en" | "zh_CN" | "zh_TW" } & WxCallbacks<WxUserProfileResult>): unknown;
  request(
    options: {
      url: string;
      method?: "GET" | "POST";
      data?: Record<string, string | number | boolean>;
      header?: Record<string, string>;
      timeout?: number;
    } & WxCallbacks<WxRequestResult>,
  ): unknown;
  /** A multipart POST of a local file (`filePath`, e.g. a chooseAvatar temp path) under the field `name`, after `formData`. */
  uploadFile?(
    options: {
      url: string;
      filePath: string;
      name: string;
      formData?: Record<string, string>;
      header?: Record<string, string>;
      timeout?: number;
    } & WxCallbacks<WxUploadFileResult>,
  ): unknown;
  getStorageSync(key: string): unknown;
  setStorageSync(key: string, data: unknown): void;
  removeStorageSync(key: string): void;
}

/** Callbacks for a wx API, turned into a promise that never rejects: `{ok, value}` or `{ok:false, errMsg}`. */
export function wxCall<T>(
  invoke: (callbacks: WxCallbacks<T>) => unknown,
): Promise<{ ok: true; value: T } | { ok: false; errMsg: string }> {
  return new Promise((resolve) => {
    try {
      invoke({
        success: (value) => resolve({ ok: true, value }),
        fail: (error) => resolve({ ok: false, errMsg: (error && error.errMsg) || "fail" }),
      });
    } catch (error) {
      resolve({ ok: false, errMsg: error instanceof Error ? error.message : String(error) });
    }
  });
}
