/**
 * Debian's chromium (or CHROMIUM_PATH) driven through playwright-core: nothing
 * is downloaded at run time. Each launch gets a fresh profile folder, removed
 * on close.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Locator, type Page } from "playwright-core";

export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface Chromium {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(viewport = { width: 1280, height: 800 }, locale = "zh-CN"): Promise<Chromium> {
  const profile = mkdtempSync(join(tmpdir(), "wegate-chromium-"));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport,
      locale,
    });
    // A missing element fails the test in seconds, not after Playwright's default half minute.
    context.setDefaultTimeout(Number(process.env.CONSOLE_TEST_TIMEOUT_MS) || 15_000);
    return {
      context,
      async close() {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}

/** The element the SPA marked `data-test="name"`. */
export const byTest = (page: Page | Locator, name: string) => page.locator(`[data-test="${name}"]`);

/**
 * The text field marked `name`: Element Plus puts a component's attributes on
 * its wrapper, so the mark may be on the <input> or around it.
 */
export const field = (page: Page | Locator, name: string) =>
  page.locator(`input[data-test="${name}"], textarea[data-test="${name}"], [data-test="${name}"] input, [data-test="${name}"] textarea`).first();

/** Chooses `label` in the Element Plus select marked `name`. */
export async function choose(page: Page, name: string, label: string | RegExp) {
  await byTest(page, name).click();
  await page.locator(".el-select-dropdown__item:visible, .el-select-dropdown .el-option:visible").filter({ hasText: label }).first().click();
}

/** Confirms the Element Plus MessageBox on screen. */
export const confirmBox = (page: Page) => page.locator(".el-message-box__btns .el-button--primary").click();

/** The console's own API with the page's cookie (and its CSRF token on writes), as the SPA calls it. */
export async function consoleApi(page: Page, method: string, path: string, body?: unknown): Promise<{ status: number; code: number; msg: string; data?: any }> {
  const url = new URL(`/admin/api${path}`, page.url()).toString();
  const headers: Record<string, string> = {};
  if (method !== "GET") {
    const me = await page.request.get(new URL("/admin/api/me", page.url()).toString());
    const csrf = ((await me.json()) as { data?: { csrfToken?: string } }).data?.csrfToken;
    if (csrf) headers["x-csrf-token"] = csrf;
    headers.origin = new URL(page.url()).origin;
  }
  const response = await page.request.fetch(url, { method, headers, data: body === undefined ? undefined : body });
  const json = (await response.json()) as { code: number; msg: string; data?: any };
  return { status: response.status(), ...json };
}
