import type { Auth } from "./auth";
import { ErrorCode, failedWith, type Result, success } from "./result";
import type { TokenStore } from "./token-store";
import type { Params, Transport } from "./transport";
import type { Cart, Category, Favorite, GoodsDetail, GoodsQuery, GoodsSummary, ProfileChanges, SkuChoice, UploadedFile, UserDetail } from "./types";

const EMPTY_CART: Cart = { number: 0, price: 0, items: [] };

/** 700 "no data" on a list is an empty list, not a failure. */
function orEmpty<T>(result: Result<T>, empty: T): Result<T> {
  return failedWith(result, ErrorCode.noData) ? success(empty) : result;
}

/** A yes/no route: code 0 is yes, `noCode` is no, anything else stays an error. */
function yesNo(result: Result<void>, noCode: number): Result<boolean> {
  if (failedWith(result, noCode)) return success(false);
  return result.ok ? success(true) : result;
}

/** Typed methods for every wegate route behind the tenant. */
export function createApi(transport: Transport, auth: Auth, store: TokenStore) {
  const { get, post, upload } = transport;
  const withToken = <T>(send: (path: string, params?: Params) => Promise<Result<T>>, path: string, params: Params = {}) =>
    auth.authorized((token) => send(path, { ...params, token }));
  const keysOf = (keys: string | string[]) => (Array.isArray(keys) ? keys.join(",") : keys);

  const files = {
    /**
     * Uploads a local file (a temp path from chooseAvatar, chooseMedia...) with
     * wx.uploadFile, as API Factory's `/dfs/upload/file` takes it; answers where
     * it is stored. A temp path means nothing off the phone: save `data.url`.
     */
    upload: (tempFilePath: string) =>
      auth.authorized((token) => upload<UploadedFile>("/dfs/upload/file", { filePath: tempFilePath, name: "upfile", params: { token } })),
  };

  const user = {
    /** Ok while the stored token is valid; does not re-login. */
    checkToken: () => get<void>("/user/check-token", { token: store.token() }),
    detail: () => withToken<UserDetail>(get, "/user/detail"),
    modify: ({ ext, ...changes }: ProfileChanges) =>
      withToken<void>(post, "/user/modify", { ...changes, extJsonStr: ext && JSON.stringify(ext) }),
    /**
     * The avatar fill-in: uploads the `detail.avatarUrl` of a `<button
     * open-type="chooseAvatar">` event, then saves the uploaded URL as the
     * avatar; answers that URL.
     */
    uploadAvatar: async (tempFilePath: string): Promise<Result<string>> => {
      const uploaded = await files.upload(tempFilePath);
      if (!uploaded.ok) return uploaded;
      const saved = await user.modify({ avatarUrl: uploaded.data.url });
      return saved.ok ? success(uploaded.data.url) : saved;
    },
    /** Binds the number behind a `<button open-type="getPhoneNumber">` event's `detail.code`; answers the number. */
    bindMobile: (code: string) => withToken<string>(post, "/user/wxapp/bindMobile/v2", { code }),
    /** The old way: the event's encryptedData + iv, decrypted with the session_key (of `code` when given). */
    bindMobileLegacy: (encrypted: { encryptedData: string; iv: string; code?: string }) =>
      withToken<string>(post, "/user/wxapp/bindMobile", encrypted),
    /** Whether `uid` is a user of this tenant (for share links). */
    checkReferrer: async (uid: number) => yesNo(await get<void>("/user/check-referrer", { referrer: uid }), ErrorCode.noData),
  };

  const shop = {
    categories: async () => orEmpty(await get<Category[]>("/shop/goods/category/all"), []),
    goodsList: async (query: GoodsQuery = {}) => orEmpty(await post<GoodsSummary[]>("/shop/goods/list", { ...query }), []),
    goodsDetail: (id: number) => get<GoodsDetail>("/shop/goods/detail", { id, token: store.token() }),
    favAdd: (goodsId: number) => withToken<void>(post, "/shop/goods/fav/add", { goodsId }),
    favCheck: async (goodsId: number) => yesNo(await withToken<void>(get, "/shop/goods/fav/check", { goodsId }), ErrorCode.notFavorited),
    /** By goods id, or by the favorite's own id. */
    favDelete: (which: { goodsId: number } | { id: number }) => withToken<void>(post, "/shop/goods/fav/delete", { ...which }),
    favList: async (query: { page?: number; pageSize?: number; nameLike?: string } = {}) =>
      orEmpty(await withToken<Favorite[]>(post, "/shop/goods/fav/list", query), []),
  };

  const cart = {
    info: async () => orEmpty(await withToken<Cart>(get, "/shopping-cart/info"), EMPTY_CART),
    /** Adds `number` of a goods (with one value of each of its options), or more to its line. */
    add: ({ goodsId, number = 1, sku = [] }: { goodsId: number; number?: number; sku?: SkuChoice[] }) =>
      withToken<Cart>(post, "/shopping-cart/add", { goodsId, number, sku: sku.length ? JSON.stringify(sku) : undefined }),
    modifyNumber: (key: string, number: number) => withToken<Cart>(post, "/shopping-cart/modifyNumber", { key, number }),
    select: (keys: string | string[], selected: boolean) => withToken<Cart>(post, "/shopping-cart/select", { key: keysOf(keys), selected }),
    remove: (keys: string | string[]) => withToken<Cart>(post, "/shopping-cart/remove", { key: keysOf(keys) }),
    empty: () => withToken<Cart>(post, "/shopping-cart/empty"),
  };

  return { user, files, shop, cart };
}
