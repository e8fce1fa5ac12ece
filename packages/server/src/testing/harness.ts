/**
 * Test harness: a real wegate server on 127.0.0.1, a real simulator on its own
 * port, a fresh database, a controllable clock and captured log lines.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import type { ResilienceOptions } from "@wegate/wechat";
import type { FastifyInstance } from "fastify";
import { createWx, type RunningSim, type SimWx, startWechatSim, WechatWorld } from "@wegate/wechat-sim";
import type { Redis } from "ioredis";
import { createServer } from "../app";
import { seedDemoCatalogue } from "../catalogue/demo";
import { connectRedis } from "../redis";
import { createSecretBox } from "../secret-box";
import type { RateLimits } from "../http/limits-config";
import type { SessionPolicy } from "../sessions";
import type { ChangeFeed } from "../storage/changes";
import { redisChangeFeed } from "../storage/redis-changes";
import { openStorage } from "../storage/open";
import { type Storage } from "../storage/storage";
import { connect } from "../storage/connect";
import { DEFAULT_MEDIA_CONFIG, type MediaConfig } from "../media/config";
import { createMediaStore, type MediaStore } from "../media/store";
import { type AdminStore, createAdminStore } from "../admin/store";
import type { TestDatabase } from "./databases";
import { freshPostgresSchema } from "./postgres";

export interface FakeClock {
  (): number;
  advance(ms: number): void;
}

export function fakeClock(start = Date.UTC(2026, 10, 24, 3, 0, 0)): FakeClock {
  let now = start;
  const clock = (() => now) as FakeClock;
  clock.advance = (ms) => {
    now += ms;
  };
  return clock;
}

export interface TestTenant {
  subDomain: string;
  appid: string;
  secret: string;
}

export interface Reply<T = any> {
  status: number;
  body: { code: number; msg: string; data?: T };
  text: string;
}

export interface Harness {
  url: string;
  /** The database the server uses, for tests that count rows themselves. */
  databaseUrl: string;
  app: FastifyInstance;
  storage: Storage;
  /** The uploaded images' store, on the same connection as `storage`. */
  media: MediaStore;
  /** The console's operators, sessions and audit log, on the same connection. */
  admin: AdminStore;
  world: WechatWorld;
  sim: RunningSim;
  clock: FakeClock;
  /** Every log line the server wrote. */
  logs: string[];
  /** Tenant a ("shop-a") and tenant b ("shop-b"), each with its own mini program. */
  tenants: { a: TestTenant; b: TestTenant };
  /** A simulated phone of `user` running tenant `tenant`'s mini program. */
  wx(user: string, tenant?: TestTenant): SimWx;
  /** A fresh wx.login code, as the phone would get it. */
  code(user: string, tenant?: TestTenant): string;
  get<T = any>(path: string, query?: Record<string, unknown>, headers?: Record<string, string>): Promise<Reply<T>>;
  /** POST as JSON, or as a form (API Factory's client) with `form: true`. */
  post<T = any>(path: string, params?: Record<string, unknown>, options?: { form?: boolean; headers?: Record<string, string> }): Promise<Reply<T>>;
  /** The prefix of this harness's Redis keys. */
  redisPrefix: string;
  /**
   * Another wegate instance on the same database, simulator and Redis (another
   * box of a fleet); closed with the harness. On PostgreSQL it has its own
   * connection pool and storage, as a separate process would; on SQLite it
   * shares the harness's storage (production refuses a second process on one
   * SQLite file).
   */
  startReplica(): Promise<{ url: string }>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** "sqlite" (a temp file, the default) or "postgres" (a fresh schema in the local test database). */
  database?: TestDatabase;
  sessionPolicy?: Partial<SessionPolicy>;
  logLevel?: string;
  wechatTimeoutMs?: number;
  /** Retry and circuit breaker settings of the server's WeChat calls (small ones for tests). */
  wechatResilience?: ResilienceOptions;
  /** Share access_tokens through this Redis, as REDIS_URL does. */
  redisUrl?: string;
  /** Import the demo catalogue (10 goods, ids 1-10) into tenant a. */
  demoCatalogue?: boolean;
  /** Rate limits, as RATE_LIMITS=on with these numbers; off by default so tests may send what they need. */
  rateLimits?: RateLimits;
  trustProxy?: boolean | number | string[];
  /** Upload settings (default: DEFAULT_MEDIA_CONFIG, PUBLIC_URL = the server's own address). */
  media?: Partial<MediaConfig>;
  /** WEGATE_SECRET (default: a random key), for tests that run the CLI on the harness's database. */
  secret?: Buffer;
}

function encode(params: Record<string, unknown>): URLSearchParams {
  return new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
}

async function asReply(response: Response): Promise<Reply> {
  const text = await response.text();
  let body: Reply["body"];
  try {
    body = JSON.parse(text);
  } catch {
    body = { code: Number.NaN, msg: text };
  }
  return { status: response.status, body, text };
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const clock = fakeClock();
  const world = new WechatWorld({ clock });
  const sim = await startWechatSim({ world });

  const dir = mkdtempSync(join(tmpdir(), "wegate-test-"));
  const pg = options.database === "postgres" ? await freshPostgresSchema() : undefined;
  const databaseUrl = pg?.url ?? `sqlite:${join(dir, "wegate.db")}`;
  // As `wegate serve` runs: sessions, carts and goods cached in memory on
  // SQLite (one process serves it; the harness's instances share this one
  // storage) and on PostgreSQL with Redis (each instance its own caches, kept
  // right through Redis); read from the database each time on PostgreSQL alone.
  const redisClients: Redis[] = [];
  const redisPrefix = `wegate-test-${randomBytes(6).toString("hex")}:`;
  const changeFeed = () => {
    if (!pg || !options.redisUrl) return undefined;
    const redis = connectRedis(options.redisUrl);
    redisClients.push(redis);
    return redisChangeFeed(redis, { prefix: redisPrefix });
  };
  const cached = (changes: ChangeFeed | undefined) => ({ cache: !pg || changes !== undefined, changes });
  const connection = connect(databaseUrl);
  const storage = openStorage(databaseUrl, { ...cached(changeFeed()), connection });
  const media = createMediaStore(connection.db);
  const admin = createAdminStore(connection.db);
  await storage.migrate();
  const secretBox = createSecretBox(options.secret ?? randomBytes(32));

  const tenants = {
    a: { subDomain: "shop-a", appid: "wxa000000000000001", secret: randomBytes(16).toString("hex") },
    b: { subDomain: "shop-b", appid: "wxb000000000000002", secret: randomBytes(16).toString("hex") },
  };
  for (const tenant of Object.values(tenants)) {
    const row = await storage.ensureTenant(tenant.subDomain, clock());
    await storage.saveApp(row.id, { appid: tenant.appid, secretEnc: secretBox.seal(tenant.secret) }, clock());
    world.addApp({ appid: tenant.appid, secret: tenant.secret });
  }
  if (options.demoCatalogue) {
    const { id } = (await storage.findTenant(tenants.a.subDomain))!;
    await seedDemoCatalogue(storage, id, clock());
  }

  const logs: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      logs.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  const servers: FastifyInstance[] = [];
  const replicaStorages: Storage[] = [];
  async function listeningServer(own?: { storage: Storage; media: MediaStore; admin: AdminStore }) {
    const redis = options.redisUrl ? connectRedis(options.redisUrl) : undefined;
    if (redis) redisClients.push(redis);
    const server = await createServer({
      storage: own?.storage ?? storage,
      secretBox,
      clock,
      sessionPolicy: options.sessionPolicy,
      logger: { level: options.logLevel ?? "info", stream },
      wechat: { baseURL: () => sim.url, timeoutMs: options.wechatTimeoutMs ?? 2000, resilience: options.wechatResilience },
      redis,
      redisPrefix,
      rateLimits: options.rateLimits,
      trustProxy: options.trustProxy,
      media: { store: own?.media ?? media, config: { ...DEFAULT_MEDIA_CONFIG, ...options.media }, publicUrl: () => options.media?.publicUrl ?? url },
      admin: { store: own?.admin ?? admin, publicUrl: options.media?.publicUrl },
    });
    servers.push(server);
    await server.listen({ port: 0, host: "127.0.0.1" });
    const { port } = server.server.address() as { port: number };
    return { server, url: `http://127.0.0.1:${port}` };
  }
  const { server: app, url } = await listeningServer();

  return {
    url,
    databaseUrl,
    app,
    storage,
    media,
    admin,
    world,
    sim,
    clock,
    logs,
    tenants,
    wx: (user, tenant = tenants.a) => createWx({ world, appid: tenant.appid, user }),
    code: (user, tenant = tenants.a) => world.login(tenant.appid, user),
    async get(path, query = {}, headers = {}) {
      const search = encode(query);
      return asReply(await fetch(`${url}${path}${search.size ? `?${search}` : ""}`, { headers }));
    },
    async post(path, params = {}, requestOptions = {}) {
      const body = requestOptions.form
        ? encode(params).toString()
        : JSON.stringify(params);
      const contentType = requestOptions.form ? "application/x-www-form-urlencoded" : "application/json";
      return asReply(
        await fetch(`${url}${path}`, { method: "POST", body, headers: { "content-type": contentType, ...requestOptions.headers } }),
      );
    },
    redisPrefix,
    async startReplica() {
      if (!pg) return { url: (await listeningServer()).url };
      const replicaConnection = connect(databaseUrl);
      const replicaStorage = openStorage(databaseUrl, { ...cached(changeFeed()), connection: replicaConnection });
      replicaStorages.push(replicaStorage);
      return { url: (await listeningServer({ storage: replicaStorage, media: createMediaStore(replicaConnection.db), admin: createAdminStore(replicaConnection.db) })).url };
    },
    async close() {
      for (const server of servers) await server.close();
      await sim.close();
      for (const replicaStorage of replicaStorages) await replicaStorage.close();
      await storage.close();
      for (const redis of redisClients) redis.disconnect();
      await pg?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
