import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";
import { Presets, SingleBar } from "cli-progress";
import { CatalogueFileError, formatReport, importCatalogue, readCatalogueFile } from "./catalogue/import";
import { ConfigError, loadConfig, SUBDOMAIN_PATTERN } from "./config";
import { DEMO_APPID, start } from "./runtime";
import { createSecretBox } from "./secret-box";
import { openStorage } from "./storage/storage";

const USAGE = `wegate — self-hosted WeChat mini program login (API Factory compatible)

Usage:
  wegate serve                                            start the API (demo mode without WECHAT_APPID)
  wegate migrate                                          bring the database schema up to date
  wegate tenant add <subDomain> --appid <wx...> --secret <appSecret>
                                                          add a tenant (or another mini program to one)
  wegate tenant list                                      list tenants and their appids
  wegate goods import <file.json|file.csv> [--tenant <subDomain>]
                                                          add or update goods (matched by name) in a tenant,
                                                          DEFAULT_TENANT unless --tenant; bad rows are reported
                                                          and skipped, good rows are saved. Exit status: 0 all
                                                          rows imported, 1 some rows failed or nothing could be
                                                          imported (unreadable file, unknown tenant)
  wegate help

Configuration comes from the environment: PORT, HOST, DATABASE_URL, WEGATE_SECRET,
DEFAULT_TENANT, WECHAT_APPID, WECHAT_APP_SECRET, WECHAT_API_BASE_URL, REDIS_URL,
TOKEN_TTL_SECONDS, TOKEN_MAX_AGE_SECONDS, LOG_LEVEL (see README.md).`;

function banner(url: string, config: ReturnType<typeof loadConfig>): string {
  const tenant = config.defaultTenant;
  const lines = [
    "",
    `wegate is listening on ${url}`,
    `  API          ${url}/${tenant}/...   (tenant "${tenant}")`,
    `  API docs     ${url}/docs`,
    `  health       ${url}/healthz  ${url}/readyz`,
    `  database     ${config.databaseUrl}`,
    `  cache        ${config.redisUrl ? `Redis at ${new URL(config.redisUrl).host} (access_tokens shared by every instance)` : "in-process (set REDIS_URL to share access_tokens between instances)"}`,
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
    lines.push(`  WeChat       ${config.wechatApiBaseUrl} (appid ${config.wechatApp?.appid ?? "-"})`);
  }
  if (config.secretSource === "generated") lines.push("", `A new WEGATE_SECRET was generated into ${config.dataDir}/wegate.secret (demo mode).`);
  return lines.join("\n") + "\n";
}

async function serve() {
  // V8 moves an allocation site's objects straight to old space when nearly
  // all of them survived a scavenge. Filling the session cache at start-up
  // looks like that, and afterwards per-request objects went to old space
  // too: about one bench run in three grew old space by 100 MB/s, with a
  // full GC every second and 60% more CPU per request. Off, it never did.
  setFlagsFromString("--no-allocation-site-pretenuring");
  const config = loadConfig();
  const running = await start(config);
  process.stdout.write(banner(running.url, config));
  const stop = async (signal: string) => {
    running.app.log.info({ signal }, "shutting down");
    await running.close();
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

async function tenant(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { appid: { type: "string" }, secret: { type: "string" } },
  });
  const [action, subDomain] = positionals;
  const config = loadConfig();
  const storage = openStorage(config.databaseUrl);
  try {
    await storage.migrate();
    if (action === "list") {
      const tenants = await storage.listTenants();
      if (tenants.length === 0) console.log("no tenants yet");
      for (const t of tenants) console.log(`${t.subDomain}\t${t.appids.join(", ") || "(no mini program)"}`);
      return;
    }
    if (action !== "add") throw new UsageError(`unknown tenant action "${action ?? ""}"`);
    if (!subDomain || !new RegExp(SUBDOMAIN_PATTERN).test(subDomain)) {
      throw new UsageError("tenant add needs a subDomain of lower-case letters, digits and dashes");
    }
    if (!values.appid || !values.secret) throw new UsageError("tenant add needs --appid and --secret");
    const created = await storage.ensureTenant(subDomain, Date.now());
    await storage.saveApp(created.id, { appid: values.appid, secretEnc: createSecretBox(config.secret).seal(values.secret) }, Date.now());
    console.log(`tenant ${subDomain} serves appid ${values.appid} (running servers see it within 10 s)`);
  } finally {
    await storage.close();
  }
}

async function goods(args: string[]) {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { tenant: { type: "string" } } });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const [action, file, ...extra] = parsed.positionals;
  if (action !== "import") throw new UsageError(`unknown goods action "${action ?? ""}"`);
  if (!file || extra.length) throw new UsageError("goods import needs one file: wegate goods import <file.json|file.csv>");
  const config = loadConfig();
  const subDomain = parsed.values.tenant ?? config.defaultTenant;
  const rows = readCatalogueFile(file);
  const storage = openStorage(config.databaseUrl);
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
    let report;
    try {
      report = await importCatalogue(storage, tenant.id, rows, { now: Date.now(), onProgress: (done) => bar?.update(done) });
    } finally {
      bar?.stop();
    }
    console.log(formatReport(report));
    if (report.failed.length > 0) process.exitCode = 1;
  } finally {
    await storage.close();
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
  if (error instanceof ConfigError || error instanceof UsageError || error instanceof CommandError || error instanceof CatalogueFileError) {
    console.error(`wegate: ${error.message}`);
    if (error instanceof UsageError) console.error(`\n${USAGE}`);
  } else {
    console.error("wegate: failed to start:", error instanceof Error ? error.message : error);
  }
  process.exit(1);
});
