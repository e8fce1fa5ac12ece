/** Shapes of the data wegate answers with (API Factory's field names). Prices are yuan. */

export interface UserDetail {
  base: {
    id: number;
    nick: string;
    avatarUrl: string;
    gender: number;
    city: string;
    province: string;
    country: string;
    mobile: string;
    referrer: number | null;
    /** "YYYY-MM-DD HH:mm:ss", China Standard Time */
    dateAdd: string;
  };
  ext: Record<string, string>;
}

export interface ProfileChanges {
  nick?: string;
  /** An http(s) URL */
  avatarUrl?: string;
  /** 0 unknown, 1 male, 2 female */
  gender?: 0 | 1 | 2;
  city?: string;
  province?: string;
  country?: string;
  /** Extra fields merged into `ext` */
  ext?: Record<string, string>;
}

/** A file stored by `/dfs/upload/file`. */
export interface UploadedFile {
  /** Absolute URL anyone can load; save this (e.g. as avatarUrl), never the temp path. */
  url: string;
  name: string;
  /** bytes */
  size: number;
  /** MIME type, e.g. "image/jpeg" */
  type: string;
  width: number;
  height: number;
}

export interface Category {
  id: number;
  name: string;
  sort: number;
}

export interface GoodsSummary {
  id: number;
  name: string;
  pic: string;
  categoryId: number | null;
  minPrice: number;
  originalPrice: number;
  /** stock */
  stores: number;
  numberFav: number;
  views: number;
  dateAdd: string;
}

export interface GoodsQuery {
  /** from 1 */
  page?: number;
  /** up to 100, default 20 */
  pageSize?: number;
  categoryId?: number;
  nameLike?: string;
}

export interface GoodsOption {
  id: number;
  name: string;
  childsCurGoods: { id: number; name: string; propertyId: number }[];
}

export interface GoodsDetail {
  basicInfo: GoodsSummary;
  pics: { id: number; pic: string }[];
  /** HTML */
  content: string;
  category: { id: number; name: string } | null;
  /** Choose one value of each to add the goods to the cart. */
  properties: GoodsOption[];
}

export interface Favorite {
  id: number;
  goodsId: number;
  goodsName: string;
  pic: string;
  dateAdd: string;
}

/** One chosen value of a goods option. */
export interface SkuChoice {
  optionId: number;
  optionValueId: number;
}

export interface CartItem {
  /** Pass to modifyNumber, select and remove. */
  key: string;
  goodsId: number;
  number: number;
  /** unit price */
  price: number;
  pic: string;
  name: string;
  sku: (SkuChoice & { optionName: string; optionValueName: string })[];
  selected: boolean;
  stores: number;
}

export interface Cart {
  /** items in the cart */
  number: number;
  /** total of the selected lines */
  price: number;
  items: CartItem[];
}
