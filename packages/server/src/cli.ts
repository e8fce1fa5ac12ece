import { connectRedis } from "./redis";
import { isSqliteUrl } from "./storage/dialects/sqlite";
import { announceEverything } from "./storage/redis-changes";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { dirname, resolve } from "node:path";
import { Presets, SingleBar } from "cli-progress";
import { CatalogueFileError, formatReport, importCatalogue, readCatalogueFile } from "./catalogue/import";
import { picturesInto } from "./catalogue/import-pictures";
import { createMediaStore } from "./media/store";
import { connect } from "./storage/connect";
import { APP_SECRET_RULE, APPID_RULE, ConfigError, isAppid, isAppSecret, loadConfig, RESERVED_SUBDOMAINS, shownUrl, SUBDOMAIN_PATTERN } from "./config";
import { checkKey, ensureKeyCheck, WrongKeyError } from "./key-check";
import { tuneForServing } from "./process-tuning";
import { DEMO_APPID, start } from "./runtime";
import { createSecretBox } from "./secret-box";
import { ResealError } from "./accounts/sealed";
import { AlreadyServingError } from "./storage/serve-lock";
import { openStorage } from "./storage/open";
import { type Storage } from "./storage/storage";
import { AppidTakenError } from "./accounts/tenant-admin";
import { ADMIN_USAGE, AdminCommandError, adminCommand } from "./admin/cli";

const USAGE = `wegate — self-hosted WeChat mini program login (API Factory compatible)

Usage:
  wegate serve                                            start the API (demo mode without WECHAT_APPID)
  wegate migrate                                          bring the database schema up to date
  wegate tenant add <subDomain> --appid <wx...> --secret <appSecret>
                                                          add a tenant (or another mini program to one); the
                                                          AppID is wx + 16 hex digits, the AppSecret 32 hex digits
  wegate tenant list                                      list tenants and their appids
  wegate tenant show <subDomain>                          a tenant's appids, users, goods and creation time
  wegate tenant remove <subDomain> --yes                  delete a tenant and everything it owns (apps, users,
                                                          sessions, goods, favorites, carts); not DEFAULT_TENANT
  wegate goods import <file.json|file.csv> [--tenant <subDomain>]
                                                          add or update goods (matched by name) in a tenant,
                                                          DEFAULT_TENANT unless --tenant; bad rows are reported
                                                          and skipped, good rows are saved. Exit status: 0 all
                                                          rows imported, 1 some rows failed or nothing could be
                                                          imported (unreadable file, unknown tenant)
  wegate secret rotate                                    re-seal every stored app secret and session_key with
                                                          WEGATE_SECRET (those sealed with WEGATE_SECRET_PREVIOUS),
                                                          in one transaction; safe to run again
${ADMIN_USAGE}
  wegate help

Configuration comes from the environment: PORT, HOST, DATABASE_URL, WEGATE_SECRET,
WEGATE_SECRET_PREVIOUS, DEFAULT_TENANT, WECHAT_APPID, WECHAT_APP_SECRET, WECHAT_API_BASE_URL,
REDIS_URL, TOKEN_TTL_SECONDS, TOKEN_MAX_AGE_SECONDS, LOG_LEVEL (see README.md).`;

function banner(url: string, config: ReturnType<typeof loadConfig>): string {
  const tenant = config.defaultTenant;
  const lines = [
    "",
    `wegate is listening on ${url}`,
    `  API          ${url}/${tenant}/...   (tenant "${tenant}")`,
    `  API docs     ${url}/docs`,
    `  health       ${url}/healthz  ${url}/readyz`,
    // Never the URLs as given: they may carry a user and password.
    `  database     ${shownUrl(config.databaseUrl)}`,
    `  cache        ${config.redisUrl ? `Redis at ${shownUrl(config.redisUrl)} (access_tokens shared by every instance)` : "in-process (set REDIS_URL to share access_tokens between instances)"}`,
  ];
  if (config.demo && !config.wechatApiBaseUrl) {
    lines.push(
      `  WeChat       embedded simulator at ${url}/_sim (demo mode: no WECHAT_APPID set, appid ${DEMO_APPID})`,
      "",
      "Try a login with curl (the simulator plays the phone's wx.login):",
      `  code=$(curl -s -X POST ${url}/_sim/__sim/login -d user=alice | sed -E 's/.*"code":"([^"]+)".*/\\1/')`,
      `  curl -s -X POST ${url}/${tenant}/user/wxapp/authorize -d code=$code`,
      `  curl -s "${url}/${tenant}/user/check-token?token=<token from above>"`,
      "",
      "The demo shop's goods, and a cart behind the token:",
      `  curl -s -X POST ${url}/${tenant}/shop/goods/list`,
      `  curl -s -X POST ${url}/${tenant}/shopping-cart/add -d token=<token> -d goodsId=2 -d number=2`,
    );
  } else {
    lines.push(`  WeChat       ${shownUrl(config.wechatApiBaseUrl ?? "")} (appid ${config.wechatApp?.appid ?? "-"})`);
  }
  if (config.previousSecret) lines.push("", "WEGATE_SECRET_PREVIOUS is set: values sealed with it still open (finish with wegate secret rotate).");
  if (config.secretSource === "generated") lines.push("", `A new WEGATE_SECRET was generated into ${config.dataDir}/wegate.secret (demo mode).`);
  return lines.join("\n") + "\n";
}

async function serve() {
  tuneForServing();
  const config = loadConfig();
  const running = await start(config);
  process.stdout.write(banner(running.url, config));
  const stop = async (signal: string) => {
    running.app.log.info({ signal, deadlineMs: config.shutdownTimeoutMs }, "shutting down: finishing the requests in flight");
    const { cutOff } = await running.shutdown(config.shutdownTimeoutMs);
    running.app.log.info({ cutOff }, "stopped");
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
}

async function migrate() {
  const config = loadConfig();
  const storage = openStorage(config.databaseUrl);
  try {
    const applied = await storage.migrate();
    console.log(applied.length ? `applied: ${applied.join(", ")}` : "the database is up to date");
  } finally {
    await storage.close();
  }
}

/** parseArgs, its complaints as usage errors. */
function parse<const O extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: O) {
  try {
    return parseArgs({ args, allowPositionals: true, strict: true, options });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

async function tenant(args: string[]) {
  const { values, positionals } = parse(args, { appid: { type: "string" }, secret: { type: "string" }, yes: { type: "boolean" } });
  const [action, subDomain, ...extra] = positionals;
  if (!["list", "add", "show", "remove"].includes(action ?? "")) throw new UsageError(`unknown tenant action "${action ?? ""}"`);
  if (action !== "list" && (!subDomain || !new RegExp(SUBDOMAIN_PATTERN).test(subDomain))) {
    throw new UsageError(`tenant ${action} needs a subDomain of lower-case letters, digits and dashes`);
  }
  if (action === "add" && RESERVED_SUBDOMAINS.has(subDomain)) {
    throw new UsageError(`"${subDomain}" is the server's own path (/${subDomain}): pick another subDomain`);
  }
  if (extra.length) throw new UsageError(`tenant ${action} takes one subDomain, got also "${extra[0]}"`);
  if (action === "add") {
    if (!values.appid || !values.secret) throw new UsageError("tenant add needs --appid and --secret");
    if (!isAppid(values.appid)) throw new CommandError(`--appid "${values.appid.slice(0, 40)}" is not an AppID: ${APPID_RULE}`);
    // Never repeated, even when malformed: it may be a real secret with a typo.
    if (!isAppSecret(values.secret)) throw new CommandError(`--secret is not an AppSecret: ${APP_SECRET_RULE}`);
  }
  const config = loadConfig();
  const storage = openStorage(config.databaseUrl);
  try {
    await storage.migrate();
    if (action === "list") {
      const tenants = await storage.listTenants();
      if (tenants.length === 0) console.log("no tenants yet");
      for (const t of tenants) console.log(`${t.subDomain}\t${t.appids.join(", ") || "(no mini program)"}`);
    } else if (action === "add") {
      const box = createSecretBox(config.secret, config.previousSecret);
      // A secret sealed with a key the servers do not have would fail their requests.
      await checkKey(storage, box, config);
      const added = await storage.addTenantApp(subDomain, { appid: values.appid!, secretEnc: box.seal(values.secret!) }, Date.now());
      const what = added.tenantCreated ? "new tenant" : added.appAdded ? "app added" : "secret replaced";
      console.log(`tenant ${subDomain} serves appid ${values.appid} (${what}; running servers see it within 10 s)`);
    } else if (action === "show") {
      const t = await storage.describeTenant(subDomain);
      if (!t) throw new CommandError(`no tenant "${subDomain}": see wegate tenant list`);
      console.log(
        [
          `tenant   ${t.subDomain}${t.subDomain === config.defaultTenant ? " (DEFAULT_TENANT)" : ""}`,
          `created  ${new Date(t.createdAt).toISOString()}`,
          ...(t.apps.length ? t.apps.map((a, i) => `${i ? "         " : "appids   "}${a.appid} (added ${new Date(a.createdAt).toISOString()})`) : ["appids   (no mini program)"]),
          `users    ${t.users}`,
          `goods    ${t.goods}`,
        ].join("\n"),
      );
    } else {
      await removeTenant(storage, subDomain, config.defaultTenant, values.yes === true);
      await announceToServers(config);
    }
  } finally {
    await storage.close();
  }
}

async function removeTenant(storage: Storage, subDomain: string, defaultTenant: string, yes: boolean) {
  if (subDomain === defaultTenant) {
    // `wegate serve` would create it again, empty, at its next start.
    throw new CommandError(
      `"${subDomain}" is DEFAULT_TENANT, which wegate serve creates at every start. ` +
        "Point DEFAULT_TENANT at another tenant (and restart the servers) before removing this one.",
    );
  }
  const t = await storage.describeTenant(subDomain);
  if (!t) throw new CommandError(`no tenant "${subDomain}": see wegate tenant list`);
  if (!yes) {
    throw new CommandError(
      `tenant remove deletes tenant ${subDomain} and everything it owns (${plural(t.apps.length, "app")}, ${plural(t.users, "user")}, ` +
        `${plural(t.goods, "goods", "goods")}, their sessions, favorites and carts) for good: run it again with --yes`,
    );
  }
  const removed = await storage.removeTenant(subDomain);
  if (!removed) throw new CommandError(`no tenant "${subDomain}": see wegate tenant list`);
  console.log(
    `removed tenant ${subDomain}: ${plural(removed.apps, "app")}, ${plural(removed.users, "user")}, ${plural(removed.sessions, "session")}, ` +
      `${plural(removed.goods, "goods", "goods")}, ${plural(removed.categories, "category", "categories")}, ` +
      `${plural(removed.favorites, "favorite")}, ${plural(removed.cartItems, "cart line")} (running servers stop serving it within 10 s)`,
  );
}

async function secret(args: string[]) {
  const [action, ...extra] = parse(args, {}).positionals;
  if (action !== "rotate" || extra.length) throw new UsageError(`unknown secret action "${[action ?? "", ...extra].join(" ")}"`);
  const config = loadConfig();
  const storage = openStorage(config.databaseUrl);
  try {
    await storage.migrate();
    const box = createSecretBox(config.secret, config.previousSecret);
    let counts;
    try {
      counts = await storage.resealAll(box.reseal);
    } catch (error) {
      if (!(error instanceof ResealError)) throw error;
      throw new CommandError(
        `${error.message}, with WEGATE_SECRET${config.previousSecret ? " or WEGATE_SECRET_PREVIOUS" : ""}. Nothing was changed. ` +
          "Set WEGATE_SECRET_PREVIOUS to the key they were sealed with (demo mode keeps its key in data/wegate.secret) and run this again.",
      );
    }
    await ensureKeyCheck(storage, box);
    const resealed = counts.appSecrets + counts.sessionKeys + counts.meta + counts.totpSecrets;
    console.log(
      `re-sealed with WEGATE_SECRET: ${plural(counts.appSecrets, "app secret")}, ${plural(counts.sessionKeys, "session_key")}, ` +
        `${plural(counts.meta, "key check", "key checks")}${counts.totpSecrets ? `, ${plural(counts.totpSecrets, "operator TOTP secret")}` : ""}; ` +
        `${plural(counts.unchanged, "value")} already sealed with it`,
    );
    if (config.previousSecret) {
      console.log("Every server now needs only WEGATE_SECRET: unset WEGATE_SECRET_PREVIOUS and restart them.");
    } else if (resealed === 0) {
      console.log("Nothing to do (to move to a new key, set WEGATE_SECRET to it and WEGATE_SECRET_PREVIOUS to the old one).");
    }
  } finally {
    await storage.close();
  }
}

async function goods(args: string[]) {
  const parsed = parse(args, { tenant: { type: "string" } });
  const [action, file, ...extra] = parsed.positionals;
  if (action !== "import") throw new UsageError(`unknown goods action "${action ?? ""}"`);
  if (!file || extra.length) throw new UsageError("goods import needs one file: wegate goods import <file.json|file.csv>");
  const config = loadConfig();
  const subDomain = parsed.values.tenant ?? config.defaultTenant;
  const rows = readCatalogueFile(file);
  const connection = connect(config.databaseUrl);
  const storage = openStorage(config.databaseUrl, { connection });
  try {
    await storage.migrate();
    // The default tenant is the one `serve` creates at start; any other must have been added.
    const tenant = subDomain === config.defaultTenant ? await storage.ensureTenant(subDomain, Date.now()) : await storage.findTenant(subDomain);
    if (!tenant) throw new CommandError(`no tenant "${subDomain}": see wegate tenant list, or add it with wegate tenant add`);

    process.stderr.write(`importing ${rows.length} ${rows.length === 1 ? "row" : "rows"} from ${file} into tenant ${subDomain}\n`);
    // A bar only on a terminal: redrawn lines would fill a log file or a CI page.
    const bar = process.stderr.isTTY
      ? new SingleBar({ stream: process.stderr, format: "[{bar}] {value}/{total} rows", hideCursor: true, clearOnComplete: true }, Presets.shades_classic)
      : undefined;
    bar?.start(rows.length, 0);
    const now = Date.now();
    // Local files in `pics` are uploaded as the upload route would store them, under the URL phones will load.
    const publicUrl = config.media.publicUrl ?? `http://${config.host}:${config.port}`;
    const pictures = picturesInto(createMediaStore(connection.db), { tenantId: tenant.id, subDomain, publicUrl, limits: config.media, baseDir: dirname(resolve(file)), now });
    let report;
    try {
      report = await importCatalogue(storage, tenant.id, rows, { now, onProgress: (done) => bar?.update(done), pictures });
    } finally {
      bar?.stop();
    }
    console.log(formatReport(report));
    await announceToServers(config);
    if (pictures.stored > 0 && !config.media.publicUrl) {
      process.stderr.write(`PUBLIC_URL is not set: the ${pictures.stored} uploaded pictures' URLs start with ${publicUrl}, which phones may not reach\n`);
    }
    if (report.failed.length > 0) process.exitCode = 1;
  } finally {
    await storage.close();
  }
}

/**
 * Instances on PostgreSQL with REDIS_URL keep goods, carts and sessions in
 * memory and hear each other's changes through Redis; a change made here is
 * announced the same way (on SQLite the server sees it through data_version).
 */
async function announceToServers(config: ReturnType<typeof loadConfig>) {
  if (!config.redisUrl || isSqliteUrl(config.databaseUrl)) return;
  const redis = connectRedis(config.redisUrl);
  try {
    await announceEverything(redis, { prefix: config.redisPrefix });
  } catch {
    console.error("wegate: Redis did not answer: running servers that cache may show the old data until Redis is back");
  } finally {
    redis.disconnect();
  }
}

class UsageError extends Error {}
/** A command that cannot run as asked; the message says why, no usage text needed. */
class CommandError extends Error {}

async function main(argv: string[]) {
  const [command, ...rest] = argv;
  switch (command) {
    case "serve":
      return serve();
    case "migrate":
      return migrate();
    case "tenant":
      return tenant(rest);
    case "goods":
      return goods(rest);
    case "secret":
      return secret(rest);
    case "admin":
      return adminCommand(rest);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      console.log(USAGE);
      return;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const known = [ConfigError, UsageError, CommandError, CatalogueFileError, WrongKeyError, AppidTakenError, AlreadyServingError, AdminCommandError];
  if (known.some((kind) => error instanceof kind)) {
    console.error(`wegate: ${(error as Error).message}`);
    if (error instanceof UsageError) console.error(`\n${USAGE}`);
  } else {
    console.error("wegate: failed to start:", error instanceof Error ? error.message : error);
  }
  process.exit(1);
});
