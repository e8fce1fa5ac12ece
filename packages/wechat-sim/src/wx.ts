import { encryptedPhoneNumber } from "./phones";
import { wxRequest, type WxRequestOptions, type WxRequestTask } from "./request";
import { plainUserInfo, signedUserInfo, type SimSignedUserInfo } from "./user-info";
import { wxAsync, wxFail, type WxAsyncApi } from "./wx-async";
import { SimTempFiles, type SimTempPathStyle, solidPng } from "./wx-temp-files";
import { wxUploadFile, type WxUploadFileOptions, type WxUploadTask } from "./wx-upload";
import type { WechatWorld } from "./world";

export interface CreateWxOptions {
  world: WechatWorld;
  appid: string;
  /** default "user-1" */
  user?: string;
  /** What the user taps in wx.showModal; default true (confirm). */
  modalConfirm?: boolean;
  /** Whether the user allows sharing the phone number in getPhoneNumber; default true. */
  phoneConsent?: boolean;
  /** Temp paths as DevTools (`http://tmp/...`, the default) or a phone (`wxfile://tmp_...`) makes them. */
  tempPaths?: SimTempPathStyle;
}

export interface WxOk {
  errMsg: string;
}

export type WxUserInfoResult = SimSignedUserInfo & WxOk;

/** What bindgetphonenumber receives: the current-style code plus the old-style encrypted number. */
export interface WxPhoneNumberResult extends WxOk {
  code: string;
  encryptedData: string;
  iv: string;
}

export interface SimWxState {
  /** Every wx API called, in order, e.g. ["login", "getUserInfo", "request"]. */
  calls: string[];
  toasts: object[];
  modals: object[];
  /** Page changes asked for, e.g. { api: "navigateTo", url: "/pages/goods-details/index?id=2" }. */
  navigations: { api: string; url?: string; delta?: number }[];
  /** The options of the loading indicator on screen, if any. */
  loading: object | undefined;
  storage: Map<string, unknown>;
  /** The phone's temp files; `add(bytes, ext)` puts any file there (a bad image, a huge one) and answers its path. */
  tempFiles: SimTempFiles;
  user: string;
  appid: string;
}

type NoOptions = object;

export interface SimWx {
  login: WxAsyncApi<{ timeout?: number }, { code: string; errMsg: string }>;
  checkSession: WxAsyncApi<NoOptions, WxOk>;
  /** With `withCredentials: false` only userInfo, rawData and errMsg come back (typed for the usual case). */
  getUserInfo: WxAsyncApi<{ withCredentials?: boolean; lang?: string }, WxUserInfoResult>;
  getUserProfile: WxAsyncApi<{ desc?: string; lang?: string }, WxUserInfoResult>;
  /**
   * Not a wx API on the phone: stands for the user tapping `<button
   * open-type="getPhoneNumber">`, whose bindgetphonenumber event carries this.
   */
  getPhoneNumber: WxAsyncApi<NoOptions, WxPhoneNumberResult>;
  /**
   * Not a wx API on the phone: stands for the user picking a picture in the
   * sheet of `<button open-type="chooseAvatar">`, whose bindchooseavatar event
   * carries this detail: a temp path that only this phone can read. Default
   * picture: a small real PNG.
   */
  chooseAvatar(image?: { bytes: Uint8Array; ext?: string }): { avatarUrl: string };
  showToast: WxAsyncApi<{ title: string; icon?: string; image?: string; duration?: number; mask?: boolean }, WxOk>;
  showModal: WxAsyncApi<
    { title?: string; content?: string; showCancel?: boolean; cancelText?: string; confirmText?: string; editable?: boolean },
    { confirm: boolean; cancel: boolean; errMsg: string }
  >;
  showLoading: WxAsyncApi<{ title: string; mask?: boolean }, WxOk>;
  hideLoading: WxAsyncApi<NoOptions, WxOk>;
  navigateTo: WxAsyncApi<{ url: string }, WxOk>;
  redirectTo: WxAsyncApi<{ url: string }, WxOk>;
  switchTab: WxAsyncApi<{ url: string }, WxOk>;
  navigateBack: WxAsyncApi<{ delta?: number }, WxOk>;
  getStorage: WxAsyncApi<{ key: string }, { data: any; errMsg: string }>;
  setStorage: WxAsyncApi<{ key: string; data: unknown }, WxOk>;
  removeStorage: WxAsyncApi<{ key: string }, WxOk>;
  clearStorage: WxAsyncApi<NoOptions, WxOk>;
  getStorageSync(key: string): any;
  setStorageSync(key: string, data: unknown): void;
  removeStorageSync(key: string): void;
  clearStorageSync(): void;
  getAccountInfoSync(): { miniProgram: { appId: string; envVersion: "develop" | "trial" | "release"; version: string } };
  request<T = any>(options: WxRequestOptions<T>): WxRequestTask;
  uploadFile(options: WxUploadFileOptions): WxUploadTask;
  __sim: SimWxState;
}

/** The mini program's `wx`, backed by a simulated WeChat world, so tests run the real client flow. */
export function createWx(options: CreateWxOptions): SimWx {
  const { world, appid, user = "user-1", modalConfirm = true, phoneConsent = true, tempPaths = "devtools" } = options;
  const state: SimWxState = {
    calls: [],
    toasts: [],
    modals: [],
    navigations: [],
    loading: undefined,
    storage: new Map(),
    tempFiles: new SimTempFiles(tempPaths),
    user,
    appid,
  };
  const record = (api: string) => state.calls.push(api);
  const api = <O extends object, T>(name: string, body: (options: O) => T | Promise<T>) => wxAsync<O, T>(name, record, body);
  const { storage } = state;
  // Real mini programs send this Referer; servers may read the appid from it.
  const referer = { referer: `https://servicewechat.com/${appid}/devtools/page-frame.html` };
  // Records where the page wanted to go; tests load that page themselves.
  const navigation = (name: string) =>
    api(name, ({ url }: { url: string }) => {
      if (typeof url !== "string" || !url.startsWith("/")) throw wxFail(name, `url must be an absolute page path`);
      state.navigations.push({ api: name, url });
      return { errMsg: `${name}:ok` };
    });

  const credentials = (name: string): WxUserInfoResult => {
    const signed = signedUserInfo(world, appid, user);
    if (!signed) throw wxFail(name, "not login");
    return { ...signed, errMsg: `${name}:ok` };
  };

  return {
    login: api("login", () => ({ code: world.login(appid, user), errMsg: "login:ok" })),
    checkSession: api("checkSession", () => {
      if (!world.isSessionValid(appid, user)) throw wxFail("checkSession", "session time out");
      return { errMsg: "checkSession:ok" };
    }),
    getUserInfo: api("getUserInfo", ({ withCredentials = true }: { withCredentials?: boolean }) => {
      if (withCredentials) return credentials("getUserInfo");
      const userInfo = plainUserInfo(world.profile(user));
      return { userInfo, rawData: JSON.stringify(userInfo), errMsg: "getUserInfo:ok" } as WxUserInfoResult;
    }),
    getUserProfile: api("getUserProfile", ({ desc }: { desc?: string }) => {
      if (!desc) throw wxFail("getUserProfile", "desc is required");
      return credentials("getUserProfile");
    }),
    getPhoneNumber: api("getPhoneNumber", () => {
      if (!phoneConsent) throw wxFail("getPhoneNumber", "user deny");
      const encrypted = encryptedPhoneNumber(world, appid, user);
      if (!encrypted) throw wxFail("getPhoneNumber", "no session");
      return { errMsg: "getPhoneNumber:ok", code: world.phoneCode(appid, user), ...encrypted };
    }),
    chooseAvatar(image = { bytes: solidPng() }) {
      record("chooseAvatar");
      return { avatarUrl: state.tempFiles.add(image.bytes, image.ext ?? "png") };
    },
    showToast: api("showToast", (toast: object) => {
      state.toasts.push(withoutCallbacks(toast));
      return { errMsg: "showToast:ok" };
    }),
    showModal: api("showModal", (modal: object) => {
      state.modals.push(withoutCallbacks(modal));
      return { confirm: modalConfirm, cancel: !modalConfirm, errMsg: "showModal:ok" };
    }),
    showLoading: api("showLoading", (loading: object) => {
      state.loading = withoutCallbacks(loading);
      return { errMsg: "showLoading:ok" };
    }),
    hideLoading: api("hideLoading", () => {
      state.loading = undefined;
      return { errMsg: "hideLoading:ok" };
    }),
    navigateTo: navigation("navigateTo"),
    redirectTo: navigation("redirectTo"),
    switchTab: navigation("switchTab"),
    navigateBack: api("navigateBack", ({ delta = 1 }: { delta?: number }) => {
      state.navigations.push({ api: "navigateBack", delta });
      return { errMsg: "navigateBack:ok" };
    }),
    getStorage: api("getStorage", ({ key }: { key: string }) => {
      if (!storage.has(key)) throw wxFail("getStorage", "data not found");
      return { data: structuredClone(storage.get(key)), errMsg: "getStorage:ok" };
    }),
    setStorage: api("setStorage", ({ key, data }: { key: string; data: unknown }) => {
      storage.set(key, structuredClone(data));
      return { errMsg: "setStorage:ok" };
    }),
    removeStorage: api("removeStorage", ({ key }: { key: string }) => {
      storage.delete(key);
      return { errMsg: "removeStorage:ok" };
    }),
    clearStorage: api("clearStorage", () => {
      storage.clear();
      return { errMsg: "clearStorage:ok" };
    }),
    getStorageSync(key) {
      record("getStorageSync");
      // WeChat answers "" for a missing key, not undefined.
      return storage.has(key) ? structuredClone(storage.get(key)) : "";
    },
    setStorageSync(key, data) {
      record("setStorageSync");
      storage.set(key, structuredClone(data));
    },
    removeStorageSync(key) {
      record("removeStorageSync");
      storage.delete(key);
    },
    clearStorageSync() {
      record("clearStorageSync");
      storage.clear();
    },
    getAccountInfoSync() {
      record("getAccountInfoSync");
      return { miniProgram: { appId: appid, envVersion: "develop", version: "" } };
    },
    request(requestOptions) {
      record("request");
      return wxRequest(requestOptions, { header: referer });
    },
    uploadFile(uploadOptions) {
      record("uploadFile");
      return wxUploadFile(uploadOptions, state.tempFiles, { header: referer });
    },
    __sim: state,
  };
}

function withoutCallbacks(options: object): object {
  const { success, fail, complete, ...rest } = options as Record<string, unknown>;
  return rest;
}
