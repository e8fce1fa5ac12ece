import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ConfigError, loadConfig, shownUrl } from "./config";

const secret = randomBytes(32).toString("base64");
const appid = "wx0123456789abcdef";
const appSecret = "0123456789abcdef0123456789ABCDEF";

test("demo mode: no appid, a generated secret kept in the data dir", () => {
  const dir = mkdtempSync(join(tmpdir(), "wegate-config-"));
  try {
    const env = { DATABASE_URL: `sqlite:${join(dir, "db", "wegate.db")}` };
    const first = loadConfig(env);
    assert.equal(first.demo, true);
    assert.equal(first.wechatApp, undefined);
    assert.equal(first.wechatApiBaseUrl, undefined, "demo mode uses the embedded simulator");
    assert.equal(first.secretSource, "generated");
    const file = join(dir, "db", "wegate.secret");
    assert.ok(existsSync(file));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const second = loadConfig(env);
    assert.equal(second.secretSource, "data-dir");
    assert.deepEqual(second.secret, first.secret, "restarts keep the key");
    assert.equal(readFileSync(file, "utf8").trim(), first.secret.toString("base64"));
    assert.deepEqual([first.port, first.host, first.defaultTenant], [3000, "127.0.0.1", "demo"]);
    assert.equal(first.tokenTtlSeconds, 7 * 24 * 3600);
    assert.equal(first.tokenMaxAgeSeconds, 30 * 24 * 3600);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("production: exactly these variable names", () => {
  const config = loadConfig({
    WECHAT_APPID: appid,
    WECHAT_APP_SECRET: appSecret,
    WECHAT_API_BASE_URL: "http://127.0.0.1:9999",
    DEFAULT_TENANT: "my-shop",
    DATABASE_URL: "postgres://postgres@127.0.0.1/test",
    WEGATE_SECRET: secret,
    PORT: "8080",
    TOKEN_TTL_SECONDS: "3600",
    TOKEN_MAX_AGE_SECONDS: "86400",
    REDIS_URL: "redis://127.0.0.1:6379/2",
  });
  assert.equal(config.redisUrl, "redis://127.0.0.1:6379/2");
  assert.equal(config.redisPrefix, "wegate:", "the default prefix of keys and the change channel");
  assert.equal(config.demo, false);
  assert.deepEqual(config.wechatApp, { appid, secret: appSecret });
  assert.equal(config.wechatApiBaseUrl, "http://127.0.0.1:9999");
  assert.equal(config.defaultTenant, "my-shop");
  assert.equal(config.port, 8080);
  assert.equal(config.tokenTtlSeconds, 3600);
  assert.equal(config.secretSource, "env");
  assert.equal(config.previousSecret, undefined);
  assert.equal(config.logLevel, "info");
  assert.equal(loadConfig({ WECHAT_APPID: appid, WECHAT_APP_SECRET: appSecret, WEGATE_SECRET: secret }).wechatApiBaseUrl, "https://api.weixin.qq.com");
  const previous = randomBytes(32);
  const rotating = loadConfig({ DATABASE_URL: "sqlite::memory:", WEGATE_SECRET: secret, WEGATE_SECRET_PREVIOUS: previous.toString("base64"), LOG_LEVEL: "debug" });
  assert.deepEqual(rotating.previousSecret, previous, "WEGATE_SECRET_PREVIOUS: the key being rotated out");
  assert.equal(rotating.logLevel, "debug");
});

test("bad settings fail at start with a message that says what to do", () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ WECHAT_APPID: "wx1" }, /WECHAT_APP_SECRET/],
    [{ WECHAT_APP_SECRET: "s" }, /WECHAT_APPID/],
    [{ WECHAT_APPID: appid, WECHAT_APP_SECRET: appSecret }, /WEGATE_SECRET is required/],
    [{ WECHAT_APPID: "nope", WECHAT_APP_SECRET: appSecret, WEGATE_SECRET: secret }, /WECHAT_APPID "nope" is not an AppID: an AppID is "wx" and 16 lower-case hex digits/],
    [{ WECHAT_APPID: "wx0123456789ABCDEF", WECHAT_APP_SECRET: appSecret, WEGATE_SECRET: secret }, /WECHAT_APPID .* is not an AppID/],
    [{ WECHAT_APPID: "wx0123456789abcde", WECHAT_APP_SECRET: appSecret, WEGATE_SECRET: secret }, /WECHAT_APPID .* is not an AppID/],
    [{ WECHAT_APPID: appid, WECHAT_APP_SECRET: "hunter2-not-hex-hunter2-not-hex!", WEGATE_SECRET: secret }, /^WECHAT_APP_SECRET is not an AppSecret: an AppSecret is 32 hex digits/],
    [{ WEGATE_SECRET: secret, LOG_LEVEL: "verbose" }, /LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"/],
    [{ WEGATE_SECRET: secret, DATABASE_URL: "./data/wegate.db" }, /DATABASE_URL has no scheme: for a SQLite file write sqlite:\.\/data\/wegate\.db/],
    [{ WEGATE_SECRET: secret, DATABASE_URL: "data/wegate.db" }, /write sqlite:data\/wegate\.db/],
    [{ WEGATE_SECRET: secret, WEGATE_SECRET_PREVIOUS: "c2hvcnQ=" }, /WEGATE_SECRET_PREVIOUS must be 32 random bytes/],
    [{ WEGATE_SECRET: secret, WEGATE_SECRET_PREVIOUS: secret }, /WEGATE_SECRET_PREVIOUS is the same key as WEGATE_SECRET/],
    [{ WEGATE_SECRET: "c2hvcnQ=" }, /32 random bytes/],
    [{ WEGATE_SECRET: secret, PORT: "http" }, /PORT must be a whole number/],
    [{ WEGATE_SECRET: secret, DATABASE_URL: "mysql://x" }, /DATABASE_URL/],
    [{ WEGATE_SECRET: secret, DEFAULT_TENANT: "Bad Tenant" }, /DEFAULT_TENANT/],
    [{ WEGATE_SECRET: secret, WECHAT_API_BASE_URL: "ftp://x" }, /WECHAT_API_BASE_URL/],
    [{ WEGATE_SECRET: secret, TOKEN_TTL_SECONDS: "7200", TOKEN_MAX_AGE_SECONDS: "3600" }, /TOKEN_MAX_AGE_SECONDS/],
    [{ WEGATE_SECRET: secret, REDIS_URL: "127.0.0.1:6379" }, /REDIS_URL must start with redis:\/\//],
  ];
  for (const [env, message] of cases) {
    assert.throws(() => loadConfig({ DATABASE_URL: "sqlite::memory:", ...env }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, message);
      assert.ok(!error.message.includes(secret));
      assert.ok(!error.message.includes("hunter2"), "a malformed app secret is not repeated");
      return true;
    });
  }
});

test("URLs are shown without their user, password or query", () => {
  assert.equal(shownUrl("postgres://postgres:hunter2pw@db.example.com:5432/wegate"), "postgres://db.example.com:5432/wegate");
  assert.equal(shownUrl("postgresql://app@10.0.0.5/shop?sslmode=require&password=hunter2pw"), "postgresql://10.0.0.5/shop");
  assert.equal(shownUrl("rediss://:hunter2pw@cache.example.com:6380/2"), "rediss://cache.example.com:6380/2");
  assert.equal(shownUrl("redis://default:hunter2pw@127.0.0.1:6379"), "redis://127.0.0.1:6379");
  assert.equal(shownUrl("sqlite:./data/wegate.db"), "sqlite:./data/wegate.db");
  assert.ok(!shownUrl("postgres://u:hunter2pw@[bad").includes("hunter2pw"), "unparseable: the scheme only");
});

test("REDIS_PREFIX names wegate's Redis keys and channel; odd characters stop the start", () => {
  assert.equal(loadConfig({ WEGATE_SECRET: secret, REDIS_PREFIX: "shop-a:" }).redisPrefix, "shop-a:");
  assert.throws(() => loadConfig({ WEGATE_SECRET: secret, REDIS_PREFIX: "a b*" }), /REDIS_PREFIX must be/);
});
