import Fastify, { type FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import formbody from "@fastify/formbody";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { Clock } from "@wegate/wechat";
import { wechatSimPlugin, type WechatWorld } from "@wegate/wechat-sim";
import "./context";
import { ApiError, detail } from "./errors";
import { clientErrorHandler, errorHandler, expectationFailed, notFoundHandler } from "./http/envelope";
import { rateLimits } from "./http/limits";
import type { RateLimits } from "./http/limits-config";
import { type LogOptions, loggerOptions, requestLogger } from "./http/logging";
import { batchReplies } from "./http/reply-batching";
import { tenantScope } from "./http/tenant-scope";
import { finiteNumbers, strictRequestSchemas, textStrings } from "./http/validation";
import type { MediaRoutesOptions } from "./media/routes";
import { consoleStatic } from "./admin/console-static";
import { adminRoutes } from "./admin/routes";
import type { AdminStore } from "./admin/store";
import { opsRoutes } from "./routes/ops";
import type { SecretBox } from "./secret-box";
import { createRedisAccessTokenStore } from "./redis";
import { createSessions, type SessionPolicy } from "./sessions";
import type { Storage } from "./storage/storage";
import { createTenantDirectory, type WechatTransport } from "./tenants";

export interface ServerOptions {
  storage: Storage;
  secretBox: SecretBox;
  /** How to reach WeChat (or the simulator). */
  wechat: WechatTransport;
  /** Epoch milliseconds; tests inject a controllable clock. */
  clock?: Clock;
  sessionPolicy?: Partial<SessionPolicy>;
  /** false for silence; otherwise pino level and destination. */
  logger?: LogOptions | false;
  /** Serve this simulated WeChat at SIMULATOR_PREFIX (demo mode). */
  simulator?: WechatWorld;
  tenantCacheMs?: number;
  /** REDIS_URL's client: access_tokens are shared through it, and /readyz checks it. */
  redis?: Redis;
  /** Prefix of wegate's Redis keys (default "wegate:"), so several deployments or test runs can share one Redis. */
  redisPrefix?: string;
  /** Rate limits (in Redis when `redis` is given); undefined = none. */
  rateLimits?: RateLimits;
  /** fastify's trustProxy: whose X-Forwarded-For names the client (TRUST_PROXY). */
  trustProxy?: boolean | number | string[];
  /** Uploads and the stored images (media/); without it there is no /dfs route. */
  media?: MediaRoutesOptions;
  /**
   * The operator console's API at /admin/api and its built app at /admin (admin/); without it there is neither.
   * publicUrl: PUBLIC_URL, when set; consoleDir: the built console (default CONSOLE_DIR or apps/console/dist).
   */
  admin?: { store: AdminStore; publicUrl?: string; consoleDir?: string };
}

/** TRUST_PROXY=<n>: the nearest n proxies' X-Forwarded-For entries are believed. */
const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;

/** Where the embedded simulator is mounted in demo mode. */
export const SIMULATOR_PREFIX = "/_sim";

export async function createServer(options: ServerOptions): Promise<FastifyInstance> {
  const clock = options.clock ?? Date.now;
  const app = Fastify({
    logger: options.logger === false ? false : loggerOptions(options.logger ?? {}),
    ...(options.logger !== false && { childLoggerFactory: requestLogger }),
    bodyLimit: 64 * 1024,
    // Clients and the fastify router both see `/demo/user/detail/` as `/demo/user/detail`.
    routerOptions: { ignoreTrailingSlash: true },
    trustProxy: typeof options.trustProxy === "number" ? trustHops(options.trustProxy) : (options.trustProxy ?? false),
    ajv: { plugins: [finiteNumbers, textStrings] },
    // HTTP/1.1 without Host is answered by the envelope (below), not by Node's bare 400.
    http: { requireHostHeader: false },
    // Every answer is the envelope, including those fastify and Node's HTTP parser give themselves.
    clientErrorHandler,
    frameworkErrors: errorHandler,
    // While closing, requests on open connections are still served (storage closes after them) and /readyz says 503.
    return503OnClosing: false,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate("storage", options.storage);
  app.decorate("secretBox", options.secretBox);
  app.decorate("clock", clock);
  app.decorate("sessions", createSessions({ storage: options.storage, clock, policy: options.sessionPolicy }));
  app.decorate(
    "tenants",
    createTenantDirectory({
      storage: options.storage,
      secretBox: options.secretBox,
      wechat: options.wechat,
      clock,
      cacheMs: options.tenantCacheMs,
      accessTokenStore:
        options.redis &&
        createRedisAccessTokenStore(options.redis, {
          secretBox: options.secretBox,
          prefix: options.redisPrefix,
          onError: (error) => app.log.warn({ err: error }, "Redis unavailable: access_token not shared this time"),
        }),
    }),
  );
  app.decorate("redis", options.redis);
  app.decorate("rateLimitsConfig", options.rateLimits);
  app.decorate("wechatTransport", options.wechat);
  app.decorate("draining", false);
  app.decorateRequest("tenant", null as never);
  app.decorateRequest("session", null as never);

  batchReplies(app);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  strictRequestSchemas(app);
  app.addHook("onRequest", (request, _reply, done) => {
    if (request.headers.host === undefined && request.raw.httpVersion === "1.1") {
      return done(new ApiError("malformedRequest", detail("缺少 Host 请求头", "the Host header is missing")));
    }
    done();
  });
  await app.register(formbody);
  // API Factory clients send forms or JSON; a text body is no parameter object (415, not a silent empty one).
  app.removeContentTypeParser("text/plain");
  const limitRoute = options.rateLimits && (await rateLimits(app, { limits: options.rateLimits, redis: options.redis, redisPrefix: options.redisPrefix }));
  await app.register(swagger, {
    openapi: {
      info: {
        title: "wegate",
        version: "0.1.0",
        description:
          "Self-hosted WeChat mini program login and shop API, compatible with API Factory. " +
          "Every route is under /{subDomain}; every response is {code, msg, data?} (code 0 = success, 2000 = not logged in).",
      },
      tags: [{ name: "user" }, { name: "shop" }, { name: "favorites" }, { name: "cart" }, { name: "media" }, { name: "ops" }, { name: "admin" }],
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());

  await app.register(opsRoutes);
  if (options.admin) {
    await app.register(adminRoutes, { prefix: "/admin/api", ...options.admin, media: options.media, limitRoute });
    await app.register(consoleStatic, { dir: options.admin.consoleDir });
  }
  if (options.simulator) await app.register(wechatSimPlugin, { prefix: SIMULATOR_PREFIX, world: options.simulator });
  await app.register(tenantScope, { prefix: "/:subDomain", limitRoute, media: options.media });
  app.server.on("checkExpectation", expectationFailed);
  return app;
}
