/**
 * The operator console's weight and first load: the built bundle's size
 * (apps/console/dist, raw and gzipped) and, in Debian's Chromium against a
 * real `wegate serve`, the time from navigation start to a usable login form,
 * and from the login click to a rendered dashboard (its chart drawn). Each
 * load starts with an empty browser cache. Prints medians; asserts nothing.
 *
 *   npm run bench:console              (builds the console first)
 *   BENCH_LOADS=9 npm run bench:console
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import type { Page } from "playwright-core";
import { launchChromium } from "../e2e/console/browser";
import { consoleServer } from "../e2e/console/serve";

const LOADS = Number(process.env.BENCH_LOADS ?? 7);
// CONSOLE_DIR: the server serves the console from there too (packages/server/src/admin/console-static.ts).
const DIST = process.env.CONSOLE_DIR ? resolve(process.env.CONSOLE_DIR) : join(import.meta.dirname, "..", "apps", "console", "dist");
const OPERATOR = { username: "bench", password: "bench-passw0rd" };

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)]));
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

function bundleSize() {
  const byKind = new Map<string, { raw: number; gzip: number; count: number }>();
  const index = readFileSync(join(DIST, "index.html"), "utf8");
  // What index.html names is what every first visit loads; the rest are chunks of pages opened later.
  const initial = { raw: 0, gzip: 0 };
  // Pre-compressed copies (.gz, .br) beside the files are what the server sends instead, not more code.
  const precompressed = new Map<string, { raw: number; count: number }>();
  for (const file of files(DIST)) {
    if (/\.(gz|br)$/.test(file)) {
      const kind = extname(file);
      const total = precompressed.get(kind) ?? { raw: 0, count: 0 };
      precompressed.set(kind, { raw: total.raw + statSync(file).size, count: total.count + 1 });
      continue;
    }
    const bytes = readFileSync(file);
    const raw = statSync(file).size;
    const gzip = gzipSync(bytes, { level: 9 }).length;
    const kind = extname(file) || "(none)";
    const total = byKind.get(kind) ?? { raw: 0, gzip: 0, count: 0 };
    byKind.set(kind, { raw: total.raw + raw, gzip: total.gzip + gzip, count: total.count + 1 });
    const name = relative(DIST, file);
    if (name === "index.html" || index.includes(name)) {
      initial.raw += raw;
      initial.gzip += gzip;
    }
  }
  return { byKind, initial, precompressed };
}

/** performance.now() in the page once the expression holds (checked every frame). */
async function whenTrue(page: Page, condition: string, clock = "performance.now()"): Promise<number> {
  const handle = await page.waitForFunction(`(${condition}) ? ${clock} : 0`, undefined, { polling: "raf", timeout: 30_000 });
  return (await handle.jsonValue()) as number;
}

const loginFormReady = `(() => {
  const input = document.querySelector('input[data-test="login-username"], [data-test="login-username"] input');
  return !!input && !input.disabled && input.getClientRects().length > 0;
})()`;
const dashboardRendered = `(() => {
  const chart = document.querySelector('[data-test="dashboard-chart"] canvas, [data-test="dashboard-chart"] svg');
  const users = document.querySelector('[data-test="dashboard-users"]');
  return !!chart && !!users && /\\d/.test(users.textContent || "");
})()`;

async function main() {
  const { byKind, initial, precompressed } = bundleSize();
  console.log(`console bundle (${DIST}):`);
  let raw = 0;
  let gzip = 0;
  for (const [kind, size] of [...byKind].sort((a, b) => b[1].raw - a[1].raw)) {
    console.log(`  ${kind.padEnd(8)} ${String(size.count).padStart(3)} files  ${kb(size.raw).padStart(12)} raw  ${kb(size.gzip).padStart(12)} gzip`);
    raw += size.raw;
    gzip += size.gzip;
  }
  console.log(`  total                ${kb(raw).padStart(12)} raw  ${kb(gzip).padStart(12)} gzip`);
  console.log(`  first visit (index.html and what it names) ${kb(initial.raw)} raw, ${kb(initial.gzip)} gzip`);
  for (const [kind, size] of precompressed) console.log(`  pre-compressed copies  ${kind} ${size.count} files, ${kb(size.raw)}`);

  const server = consoleServer();
  const chromium = await launchChromium();
  try {
    const added = await server.cli(["admin", "add", OPERATOR.username], `${OPERATOR.password}\n`);
    if (added.status !== 0) throw new Error(added.err);
    await server.serve();
    const page = await chromium.context.newPage();
    const cdp = await chromium.context.newCDPSession(page);
    const loginReady: number[] = [];
    const domContentLoaded: number[] = [];
    const dashboard: number[] = [];
    const transferred: number[] = [];
    for (let load = 0; load < LOADS; load++) {
      await cdp.send("Network.clearBrowserCache");
      await chromium.context.clearCookies();
      let bytes = 0;
      const count = (response: { request(): { sizes(): Promise<{ responseBodySize: number; responseHeadersSize: number }> } }) =>
        void response.request().sizes().then((sizes) => (bytes += sizes.responseBodySize + sizes.responseHeadersSize), () => undefined);
      page.on("response", count);
      await page.goto(`${server.url}/admin/`, { waitUntil: "commit" });
      loginReady.push(await whenTrue(page, loginFormReady));
      domContentLoaded.push((await page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")) as number);

      await page.locator('input[data-test="login-username"], [data-test="login-username"] input').first().fill(OPERATOR.username);
      await page.locator('input[data-test="login-password"], [data-test="login-password"] input').first().fill(OPERATOR.password);
      // Date.now(), not performance.now(): the same clock even if the login reloads the document.
      const clicked = (await page.evaluate("Date.now()")) as number;
      await page.locator('[data-test="login-submit"]').click();
      dashboard.push((await whenTrue(page, dashboardRendered, "Date.now()")) - clicked);
      await page.waitForLoadState("networkidle");
      page.off("response", count);
      transferred.push(bytes);
      await page.goto("about:blank");
    }
    console.log(`\nfirst load in Chromium ${chromium.context.browser()?.version() ?? ""}, ${LOADS} loads, empty cache each, median (min-max):`);
    const line = (label: string, values: number[]) =>
      console.log(`  ${label.padEnd(50)} ${median(values).toFixed(0).padStart(6)} ms  (${Math.min(...values).toFixed(0)}-${Math.max(...values).toFixed(0)})`);
    line("navigation start -> DOMContentLoaded", domContentLoaded);
    line("navigation start -> login form usable", loginReady);
    line("login click -> dashboard rendered (chart drawn)", dashboard);
    console.log(`  bytes over the wire, login and dashboard (headers and bodies as sent): ${kb(median(transferred))} (median)`);
  } finally {
    await chromium.close();
    await server.close();
  }
}

await main();
