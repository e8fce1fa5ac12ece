/// <reference types="miniprogram-api-typings" />

interface IAppOption {
  globalData: Record<string, never>;
  wegate: import("@wegate/sdk").WegateClient;
}
