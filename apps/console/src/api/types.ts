/** The shapes of /admin/api answers (docs: /tmp contract, README "Operators (console API)"). Times are epoch ms, money is cents. */
export interface Me {
  csrfToken: string;
  username: string;
  tenant: string | null;
}

export interface Tenant {
  id: number;
  subDomain: string;
  appids: string[];
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface GoodsOption {
  id?: number;
  name: string;
  values: Array<{ id?: number; name: string }>;
}

export interface GoodsRow {
  id: number;
  name: string;
  categoryId: number | null;
  categoryName: string | null;
  pics: string[];
  price: number;
  originalPrice: number;
  stock: number;
  sort: number;
  onShelf: boolean;
  options: GoodsOption[];
  content: string;
  numberFav: number;
  views: number;
  createdAt: number;
}

export interface Category {
  id: number;
  name: string;
  sort: number;
  goodsCount: number;
}

export interface Picture {
  url: string;
  hash: string;
  width: number;
  height: number;
}

export interface ImportReport {
  created?: number;
  updated?: number;
  failed?: number;
  rows?: Array<{ row: number; ok: boolean; id?: number; error?: string }>;
  [key: string]: unknown;
}

export interface UserRow {
  uid: number;
  nick: string;
  avatarUrl: string;
  mobile: string;
  openid: string;
  createdAt: number;
  disabled: boolean;
  lastLoginAt: number | null;
}

export interface UserDetail {
  user: UserRow & { gender: number; city: string; province: string; country: string; referrer: { uid: number; nick: string } | null };
  favorites: Array<{ goodsId: number; goodsName: string; pic: string; createdAt: number }>;
  cart: Array<{ goodsId: number; goodsName: string; number: number; price: number; skuKey: string }>;
  sessions: Array<{ id: number | string; createdAt: number; expiresAt: number }>;
}

export interface Dashboard {
  users: number;
  liveSessions: number;
  goods: number;
  favorites: number;
  series: Array<{ day: string; registrations: number; logins: number }>;
}

export interface CredentialCheck {
  ok: boolean;
  errcode?: number;
  errmsg?: string;
}

export interface RateLimitRow {
  group: string;
  limit: number;
  per: string | number;
  where: "redis" | "process";
}

export interface AuditRow {
  id: number;
  username: string | null;
  tenant: string | null;
  action: string;
  target: string;
  detail: Record<string, unknown>;
  ip: string;
  at: number;
}
