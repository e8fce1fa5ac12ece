import {
  type AccessTokenStore,
  type Clock,
  createAccessTokenManager,
  createWechatClient,
  createWechatResilience,
  type Fetch,
  type ResilienceOptions,
  type WechatClient,
} from "@wegate/wechat";
import { ApiError, detail } from "./errors";
import type { SecretBox } from "./secret-box";
import type { Storage, Tenant } from "./storage/storage";

export interface TenantContext extends Tenant {
  /** The WeChat client of one of the tenant's mini programs (the first when appid is omitted). */
  wechat(appid?: string): WechatClient;
}

export interface WechatTransport {
  /** A function because the embedded simulator's URL is only known after listen. */
  baseURL: () => string;
  fetch?: Fetch;
  /** The budget of one WeChat call, retries included. */
  timeoutMs: number;
  /** Retry and circuit breaker settings (tests make them small); sensible defaults otherwise. */
  resilience?: ResilienceOptions;
}

export interface TenantDirectory {
  resolve(subDomain: string): Promise<TenantContext | undefined>;
  /** The tenant if it is cached and fresh, without waiting; else undefined (then resolve()). */
  cached(subDomain: string): TenantContext | undefined;
  /** Forget cached tenants (after `tenant add` in-process, or in tests). */
  invalidate(): void;
}

/**
 * Tenants and their apps, cached for `cacheMs` so a request does not decrypt
 * app secrets or query the tenant tables each time. A tenant added by the CLI
 * from another process is seen within that time.
 */
export function createTenantDirectory(options: {
  storage: Storage;
  secretBox: SecretBox;
  wechat: WechatTransport;
  clock: Clock;
  cacheMs?: number;
  /** Where access_tokens are kept (Redis for a fleet); in memory by default. */
  accessTokenStore?: AccessTokenStore;
}): TenantDirectory {
  const { storage, secretBox, wechat, clock } = options;
  const cacheMs = options.cacheMs ?? 10_000;
  const cache = new Map<string, { tenant: TenantContext; until: number }>();
  // One per process, outliving the clients a cache reload recreates: each
  // appid's access_token is fetched once and shared by every request.
  const accessTokens = createAccessTokenManager({ clock, store: options.accessTokenStore });
  // Likewise the circuit breakers: a reload must not close a circuit WeChat's trouble opened.
  const resilience = createWechatResilience(wechat.resilience);

  async function load(subDomain: string): Promise<TenantContext | undefined> {
    const tenant = await storage.findTenant(subDomain);
    if (!tenant) return undefined;
    const clients = (await storage.listApps(tenant.id)).map((app) =>
      createWechatClient({
        appid: app.appid,
        secret: secretBox.open(app.secretEnc),
        baseURL: wechat.baseURL(),
        fetch: wechat.fetch,
        timeoutMs: wechat.timeoutMs,
        clock,
        accessTokens,
        resilience,
      }),
    );
    return {
      ...tenant,
      wechat(appid) {
        const client = appid ? clients.find((c) => c.appid === appid) : clients[0];
        if (client) return client;
        if (appid) throw new ApiError("badInput", detail(`appid ${appid} 不是该商户的小程序`, `appid ${appid} is not a mini program of this tenant`));
        throw new ApiError("wechatMisconfigured", detail("该商户尚未配置小程序", "this tenant has no mini program configured"));
      },
    };
  }

  function cached(subDomain: string): TenantContext | undefined {
    const hit = cache.get(subDomain);
    return hit && hit.until > Date.now() ? hit.tenant : undefined;
  }

  return {
    cached,
    async resolve(subDomain) {
      const hit = cached(subDomain);
      if (hit) return hit;
      const now = Date.now();
      const tenant = await load(subDomain);
      if (tenant) cache.set(subDomain, { tenant, until: now + cacheMs });
      else cache.delete(subDomain);
      return tenant;
    },
    invalidate: () => cache.clear(),
  };
}
