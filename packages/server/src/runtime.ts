import { createHmac } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { WechatWorld } from "@wegate/wechat-sim";
import { createServer, SIMULATOR_PREFIX } from "./app";
import { describeFailure } from "./catalogue/import";
import { seedDemoCatalogue } from "./catalogue/demo";
import type { Config } from "./config";
import type { LogOptions } from "./http/logging";
import { checkKey } from "./key-check";
import { connectRedis } from "./redis";
import { redisChangeFeed } from "./storage/redis-changes";
import { createSecretBox } from "./secret-box";
import { isSqliteUrl, sqliteFileOf } from "./storage/dialects/sqlite";
import { lockForServing } from "./storage/serve-lock";
import { openStorage } from "./storage/open";
import { type Storage } from "./storage/storage";
import { connect } from "./storage/connect";
import { createMediaStore } from "./media/store";
import { createAdminStore } from "./admin/store";

/** The demo tenant's mini program, as registered with the embedded simulator. */
export const DEMO_APPID = "wxdemo0123456789";

/** Derived from WEGATE_SECRET so a restart (with a fresh simulator) keeps the same app secret. */
function demoAppSecret(secret: Buffer): string {
  return createHmac("sha256", secret).update("wegate demo app secret").digest("hex").slice(0, 32);
}

export interface Running {
  app: FastifyInstance;
  storage: Storage;
  /** The API's origin, e.g. http://127.0.0.1:3000 */
  url: string;
  /** Demo mode only: the embedded simulator's state (users, codes, call counts). */
  world?: WechatWorld;
  close(): Promise<void>;
  /**
   * SIGTERM's work: /readyz answers 503 from now on, no new connections are
   * taken, requests in flight finish (cut off after `deadlineMs`), then
   * storage and Redis close.
   */
  shutdown(deadlineMs: number): Promise<{ cutOff: boolean }>;
}

function loopbackOrigin(app: FastifyInstance): string {
  const address = app.server.address();
  if (!address || typeof address === "string") throw new Error("server is not listening on TCP");
  const host = address.address === "0.0.0.0" || address.address === "::" ? "127.0.0.1" : address.address;
  return `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
}

/**
 * Opens storage, migrates, makes sure the default tenant and its mini program
 * exist, and listens. In demo mode the WeChat simulator is served by the same
 * server at /_sim, the default tenant talks to it over loopback HTTP, and the
 * default tenant gets the demo catalogue while it has no goods.
 */
export async function start(config: Config, options: { logger?: LogOptions | false; clock?: () => number } = {}): Promise<Running> {
  const clock = options.clock ?? Date.now;
  // One server process per SQLite file, so it may keep sessions, carts and
  // goods in memory. PostgreSQL is for several instances: with Redis they
  // keep the same caches and tell each other what they change; without it,
  // each one reads the database on every request.
  const file = sqliteFileOf(config.databaseUrl);
  const redis = config.redisUrl ? connectRedis(config.redisUrl) : undefined;
  const changes = redis && !isSqliteUrl(config.databaseUrl) ? redisChangeFeed(redis, { prefix: config.redisPrefix }) : undefined;
  // One connection for every store: SQLite has one writer per process.
  const connection = connect(config.databaseUrl);
  const storage = openStorage(config.databaseUrl, { cache: isSqliteUrl(config.databaseUrl) || changes !== undefined, changes, connection });
  let lock: { release(): void } | undefined;
  const secretBox = createSecretBox(config.secret, config.previousSecret);
  try {
    lock = file ? lockForServing(file) : undefined;
    await storage.migrate();
    // Before anything is sealed: a wrong WEGATE_SECRET stops the start with what to do.
    const { rotationPending } = await checkKey(storage, secretBox, config);
    const tenant = await storage.ensureTenant(config.defaultTenant, clock());
    const app = config.wechatApp ?? { appid: DEMO_APPID, secret: demoAppSecret(config.secret) };
    await storage.saveApp(tenant.id, { appid: app.appid, secretEnc: secretBox.seal(app.secret) }, clock());
    // After demo mode on the same database, the demo app would still be the
    // tenant's first and answer its logins, but only the embedded simulator knows it.
    const demoAppRemoved = config.wechatApp !== undefined && (await storage.removeApp(tenant.id, DEMO_APPID));

    const seeded = config.demo ? await seedDemoCatalogue(storage, tenant.id, clock()) : undefined;

    const embedded = config.demo && !config.wechatApiBaseUrl;
    const world = embedded ? new WechatWorld({ clock }) : undefined;
    world?.addApp(app);

    let origin = "";
    const server = await createServer({
      storage,
      secretBox,
      clock,
      logger: options.logger ?? { level: config.logLevel },
      sessionPolicy: { ttlSeconds: config.tokenTtlSeconds, maxAgeSeconds: config.tokenMaxAgeSeconds },
      redis,
      redisPrefix: config.redisPrefix,
      rateLimits: config.rateLimits,
      trustProxy: config.trustProxy,
      simulator: world,
      media: { store: createMediaStore(connection.db), config: config.media, publicUrl: () => config.media.publicUrl ?? origin },
      admin: { store: createAdminStore(connection.db), publicUrl: config.media.publicUrl },
      wechat: {
        baseURL: () => config.wechatApiBaseUrl ?? `${origin}${SIMULATOR_PREFIX}`,
        timeoutMs: config.wechatTimeoutMs,
      },
    });
    if (demoAppRemoved) server.log.warn({ tenant: config.defaultTenant, appid: config.wechatApp?.appid }, `the demo mini program ${DEMO_APPID} no longer serves this tenant`);
    if (rotationPending) {
      server.log.warn("values sealed with WEGATE_SECRET_PREVIOUS remain: run `wegate secret rotate`, then WEGATE_SECRET_PREVIOUS can go");
    } else if (config.previousSecret) {
      server.log.info("WEGATE_SECRET_PREVIOUS is set but nothing needs it any more: it can go");
    }
    if (seeded) {
      server.log.info({ tenant: config.defaultTenant, created: seeded.created }, "seeded the demo catalogue");
      // Only two instances starting at once on an empty database can get here.
      if (seeded.failed.length) server.log.warn({ failed: seeded.failed.map(describeFailure) }, "demo catalogue rows were not imported");
    }
    await server.listen({ port: config.port, host: config.host });
    origin = loopbackOrigin(server);
    const release = async () => {
      await storage.close();
      lock?.release();
      await redis?.quit().catch(() => redis.disconnect());
    };
    return {
      app: server,
      storage,
      url: origin,
      world,
      async close() {
        await server.close();
        await release();
      },
      async shutdown(deadlineMs) {
        server.draining = true;
        let cutOff = false;
        // close() closes the connections idle at that moment; those whose
        // request finishes later would stay open as keep-alive until the deadline.
        const sweep = setInterval(() => server.server.closeIdleConnections(), 50);
        const deadline = setTimeout(() => {
          cutOff = true;
          server.log.warn({ deadlineMs }, "requests still in flight at the shutdown deadline: closing their connections");
          server.server.closeAllConnections();
        }, deadlineMs);
        try {
          await server.close();
        } finally {
          clearTimeout(deadline);
          clearInterval(sweep);
        }
        await release();
        return { cutOff };
      },
    };
  } catch (error) {
    await storage.close();
    lock?.release();
    redis?.disconnect();
    throw error;
  }
}
