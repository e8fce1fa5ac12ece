import type { WxLike } from "./wx";

export interface StorageKeys {
  /** default "token", as API Factory's templates keep it */
  token: string;
  /** default "uid" */
  uid: string;
}

export interface LoginSession {
  token: string;
  uid: number;
  openid: string;
}

/** The login token and uid, in the mini program's storage so they survive restarts. */
export function createTokenStore(wx: WxLike, keys: StorageKeys) {
  return {
    token(): string | undefined {
      const token = wx.getStorageSync(keys.token);
      return typeof token === "string" && token !== "" ? token : undefined;
    },
    uid(): number | undefined {
      const uid = Number(wx.getStorageSync(keys.uid));
      return Number.isInteger(uid) && uid > 0 ? uid : undefined;
    },
    save(session: LoginSession): void {
      wx.setStorageSync(keys.token, session.token);
      wx.setStorageSync(keys.uid, session.uid);
    },
    clear(): void {
      wx.removeStorageSync(keys.token);
      wx.removeStorageSync(keys.uid);
    },
  };
}

export type TokenStore = ReturnType<typeof createTokenStore>;
