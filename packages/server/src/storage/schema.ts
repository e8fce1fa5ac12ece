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
  };
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
}

export type Dialect = "sqlite" | "postgres";
