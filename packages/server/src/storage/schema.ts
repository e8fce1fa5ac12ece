import type { Generated } from "kysely";

/** Table shapes as kysely sees them. Times are epoch milliseconds. */
export interface Database {
  tenants: { id: Generated<number>; sub_domain: string; created_at: number };
  apps: { id: Generated<number>; tenant_id: number; appid: string; secret_enc: string; created_at: number };
  users: {
    id: Generated<number>;
    tenant_id: number;
    openid: string;
    unionid: string | null;
    nick: string;
    avatar_url: string;
    gender: number;
    city: string;
    province: string;
    country: string;
    mobile: string;
    referrer_id: number | null;
    /** JSON object of string values (API Factory's user "ext"). */
    ext: string;
    created_at: number;
    updated_at: number;
    /** When an operator disabled the user (logins refused); null: enabled. */
    disabled_at: number | null;
  };
  /** Logins (sessions created) per tenant and day; `day` counts days since 1970-01-01 in China time (accounts/china-day.ts). */
  daily_logins: { tenant_id: number; day: number; logins: number };
  /** Uploaded images (media/store.ts), re-encoded; `hash` is the SHA-256 hex of `bytes`. */
  media_images: {
    tenant_id: number;
    hash: string;
    format: string;
    bytes: Buffer;
    size: number;
    width: number;
    height: number;
    created_at: number;
  };
  /** Facts about the database itself, by name (the sealed key check, see key-check.ts). */
  meta: { name: string; value: string };
  wechat_sessions: { user_id: number; session_key_enc: string; updated_at: number };
  sessions: {
    id: Generated<number>;
    user_id: number;
    tenant_id: number;
    token_hash: string;
    created_at: number;
    expires_at: number;
    last_renewed_at: number;
    revoked_at: number | null;
  };
  /** Console operators (admin/store.ts); tenant_id null = every tenant. */
  operators: {
    id: Generated<number>;
    username: string;
    /** scrypt$N$r$p$salt$hash (admin/password.ts). */
    password_hash: string;
    tenant_id: number | null;
    created_at: number;
    failed_logins: number;
    locked_until: number | null;
    /** 1 or 0. */
    disabled: number;
    /** The TOTP secret (base32) sealed with the SecretBox; null: no second factor. */
    totp_secret_enc: string | null;
    /** The time step of the last code accepted: that one and earlier ones are refused. */
    totp_last_step: number | null;
  };
  /** Console sessions, by the SHA-256 of their cookie token. */
  admin_sessions: {
    id: Generated<number>;
    token_hash: string;
    operator_id: number;
    csrf_token: string;
    created_at: number;
    last_seen_at: number;
    expires_at: number;
    revoked_at: number | null;
  };
  /** What operators did; `detail` is a JSON object; tenant_id: the tenant it concerned (null: none or every one). */
  audit_log: { id: Generated<number>; operator_id: number | null; tenant_id: number | null; action: string; target: string; detail: string; ip: string; at: number };
  categories: { id: Generated<number>; tenant_id: number; name: string; sort: number; created_at: number };
  goods: {
    id: Generated<number>;
    tenant_id: number;
    category_id: number | null;
    name: string;
    /** JSON array of picture URLs; the first is the list picture. */
    pics: string;
    /** Integer cents. */
    price: number;
    original_price: number;
    stock: number;
    /** HTML shown on the detail page. */
    content: string;
    /** JSON array of SkuOption: [{id, name, values: [{id, name}]}]. */
    options: string;
    number_fav: number;
    views: number;
    sort: number;
    created_at: number;
    updated_at: number;
    /** 1 (on the shelf, listed in the shop) or 0; 1 when not given. */
    on_shelf: Generated<number>;
  };
  favorites: { id: Generated<number>; tenant_id: number; user_id: number; goods_id: number; created_at: number };
  cart_items: {
    id: Generated<number>;
    tenant_id: number;
    user_id: number;
    goods_id: number;
    /** Canonical "optionId:valueId,..." sorted by option; "" without options. Part of the line's identity. */
    sku_key: string;
    number: number;
    /** 1 or 0 (stored alike by both dialects). */
    selected: number;
    created_at: number;
    updated_at: number;
  };
}

export type Dialect = "sqlite" | "postgres";
