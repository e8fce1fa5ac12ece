import type { Clock } from "@wegate/wechat";
import type { Redis } from "ioredis";
import type { RateLimits } from "./http/limits-config";
import type { SecretBox } from "./secret-box";
import type { Sessions } from "./sessions";
import type { Session, Storage } from "./storage/storage";
import type { TenantContext, TenantDirectory, WechatTransport } from "./tenants";

declare module "fastify" {
  interface FastifyInstance {
    storage: Storage;
    sessions: Sessions;
    tenants: TenantDirectory;
    secretBox: SecretBox;
    clock: Clock;
    /** Set when REDIS_URL is. */
    redis: Redis | undefined;
    /** The rate limits in force (undefined: RATE_LIMITS=off), shown read-only by the console. */
    rateLimitsConfig: RateLimits | undefined;
    /** How WeChat is reached: the console checks an app's credentials through it. */
    wechatTransport: WechatTransport;
    /** Set when shutdown begins: /readyz then answers 503 while in-flight requests finish. */
    draining: boolean;
  }
  interface FastifyRequest {
    /** Set for every route under /{subDomain}. */
    tenant: TenantContext;
    /** Set by requireSession on routes behind the token. */
    session: Session;
  }
}

export {};
