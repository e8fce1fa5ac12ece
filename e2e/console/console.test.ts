/**
 * The operator console in a real Chromium against a real `wegate serve`
 * process (demo mode: the embedded WeChat simulator, SQLite): operators made
 * with the CLI, login and its failures, a TOTP second factor, goods with a picture reaching the mini
 * program API, revoking a user's sessions (and the audit log saying so),
 * disabling and enabling a user, a tenant-scoped operator kept to its tenant
 * (in the page and through the API), a tenant and app added and checked,
 * logout, the English switch, a tablet-width layout.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { Secret, TOTP } from "otpauth";
import sharp from "sharp";
import { byTest, choose, type Chromium, confirmBox, consoleApi, field, launchChromium } from "./browser";
import { type ConsoleServer, consoleServer } from "./serve";

const ROOT = { username: "root", password: "root-passw0rd-控制台" };
const CLERK_B = { username: "clerk-b", password: "clerk-b-passw0rd" };
const GUESSED = { username: "guessed", password: "guessed-passw0rd" };
const GUARDED = { username: "guarded", password: "guarded-passw0rd" };
const OTHER_TENANT = { subDomain: "shop-b", appid: "wxb000000000000002", secret: "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0" };

// `npm test` builds it first; the server answers "not built" without it.
const built = existsSync(join(import.meta.dirname, "..", "..", "apps", "console", "dist", "index.html"));

describe("the operator console in Chromium", { skip: !built && "build the console first: npm run build" }, () => {
  let server: ConsoleServer;
  let chromium: Chromium;
  let page: Page;
  /** The TOTP secret `wegate admin totp` printed for GUARDED. */
  let guardedSecret = "";

  before(async () => {
    server = consoleServer();
    chromium = await launchChromium();
    page = await chromium.context.newPage();
  });
  after(async () => {
    await chromium?.close();
    await server?.close();
  });

  const openConsole = () => page.goto(`${server.url}/admin/`);

  /** Fills the login form and submits it: the login call's HTTP status. */
  async function submitLogin(username: string, password: string): Promise<number> {
    await field(page, "login-username").fill(username);
    await field(page, "login-password").fill(password);
    const answered = page.waitForResponse((response) => response.url().endsWith("/admin/api/login"));
    await byTest(page, "login-submit").click();
    return (await answered).status();
  }

  async function logIn(operator: { username: string; password: string }) {
    await page.context().clearCookies();
    await openConsole();
    assert.equal(await submitLogin(operator.username, operator.password), 200, `${operator.username} logs in`);
    await byTest(page, "nav-dashboard").waitFor();
  }

  /** GUARDED's authenticator app, now. */
  const codeNow = () => new TOTP({ algorithm: "SHA1", digits: 6, period: 30, secret: Secret.fromBase32(guardedSecret) }).generate();

  /** Opens a page of the shell's menu. */
  const go = (nav: "dashboard" | "goods" | "users" | "tenants" | "audit") => byTest(page, `nav-${nav}`).click();

  test("the first operator is made with the CLI (and a tenant-scoped one), then the server starts", async () => {
    assert.match((await server.cli(["admin", "list"])).out, /no operators yet/);
    // Side by side where nothing depends on another: each command is a Node process of its own.
    const [tenant, root, guessed, guarded] = await Promise.all([
      server.cli(["tenant", "add", OTHER_TENANT.subDomain, "--appid", OTHER_TENANT.appid, "--secret", OTHER_TENANT.secret]),
      server.cli(["admin", "add", ROOT.username], `${ROOT.password}\n`),
      server.cli(["admin", "add", GUESSED.username], `${GUESSED.password}\n`),
      server.cli(["admin", "add", GUARDED.username], `${GUARDED.password}\n`),
    ]);
    assert.equal(tenant.status, 0, tenant.err);
    assert.equal(root.status, 0, root.err);
    assert.match(root.out, /operator root added \(all tenants\)/);
    assert.equal(guessed.status, 0, guessed.err);
    assert.equal(guarded.status, 0, guarded.err);
    const [clerk, totp] = await Promise.all([
      server.cli(["admin", "add", CLERK_B.username, "--tenant", OTHER_TENANT.subDomain], `${CLERK_B.password}\n`),
      server.cli(["admin", "totp", GUARDED.username]),
    ]);
    assert.equal(clerk.status, 0, clerk.err);
    assert.match(clerk.out, /operator clerk-b added \(tenant shop-b\)/);
    assert.equal(totp.status, 0, totp.err);
    guardedSecret = /^secret: ([A-Z2-7]+)$/m.exec(totp.out)?.[1] ?? "";
    assert.ok(guardedSecret, `the TOTP secret is printed once: ${totp.out}`);

    const [listed] = await Promise.all([server.cli(["admin", "list"]).then((result) => result.out), server.serve()]);
    assert.match(listed, /^root\t\(all tenants\)(\t|$)/m);
    assert.match(listed, /^clerk-b\tshop-b(\t|$)/m);
    assert.ok(!listed.includes(ROOT.password), "no password in the listing");
  });

  test("a wrong password shows the error and logs nobody in", async () => {
    await openConsole();
    assert.equal(await submitLogin(ROOT.username, "not-the-password"), 401);
    await assert.doesNotReject(byTest(page, "login-error").filter({ hasText: "用户名或密码错误" }).waitFor(), "the error is shown");
    assert.equal(await byTest(page, "nav-dashboard").count(), 0, "no console shell");
    assert.equal((await consoleApi(page, "GET", "/me")).status, 401);
  });

  test("the operator from the CLI logs in and sees the dashboard", async () => {
    await logIn(ROOT);
    const me = await consoleApi(page, "GET", "/me");
    assert.equal(me.code, 0, me.msg);
    assert.equal(me.data.username, ROOT.username);
    assert.equal(me.data.tenant, null);
    // The demo catalogue's ten goods are counted.
    await byTest(page, "dashboard-goods").filter({ hasText: /\d/ }).waitFor();
    await byTest(page, "dashboard-chart").locator("canvas, svg").first().waitFor();
  });

  test("an operator with TOTP: the page asks for the authenticator's code after the password; a code is good once", async () => {
    await page.context().clearCookies();
    await openConsole();
    assert.equal(await submitLogin(GUARDED.username, GUARDED.password), 401, "the password alone is not enough");
    await field(page, "login-otp").waitFor();
    await field(page, "login-otp").fill("000000" === codeNow() ? "111111" : "000000");
    assert.equal(await submitLogin(GUARDED.username, GUARDED.password), 401, "a wrong code");
    await byTest(page, "login-error").waitFor();
    const code = codeNow();
    await field(page, "login-otp").fill(code);
    assert.equal(await submitLogin(GUARDED.username, GUARDED.password), 200, "the authenticator's code");
    await byTest(page, "nav-dashboard").waitFor();

    await byTest(page, "logout").click();
    await field(page, "login-username").waitFor();
    const replayed = await page.request.post(new URL("/admin/api/login", page.url()).toString(), {
      data: { username: GUARDED.username, password: GUARDED.password, otp: code },
      headers: { origin: new URL(page.url()).origin },
    });
    assert.equal(replayed.status(), 401);
    assert.equal(((await replayed.json()) as { code: number }).code, 60031, "a code already used is refused");
  });

  test("failed logins lock the account: then even the right password gets the lockout message (429)", async () => {
    await page.context().clearCookies();
    await openConsole();
    for (let attempt = 1; attempt <= 5; attempt++) {
      assert.equal(await submitLogin(GUESSED.username, `wrong-${attempt}-password`), 401, `failure ${attempt}`);
    }
    assert.equal(await submitLogin(GUESSED.username, GUESSED.password), 429, "locked: the right password is refused too");
    await assert.doesNotReject(byTest(page, "login-error").filter({ hasText: "账号已临时锁定" }).waitFor(), "the lockout message is shown");
    assert.equal(await byTest(page, "nav-dashboard").count(), 0);
    // Another operator is not locked with it.
    await logIn(ROOT);
  });

  test("a goods item made with a picture uploaded in the page is in the mini program's goods list", async () => {
    await logIn(ROOT);
    await go("goods");
    await choose(page, "tenant-select", server.tenant);
    await byTest(page, "goods-row").first().waitFor();

    const name = `控制台新品 ${Date.now().toString(36)}`;
    await byTest(page, "goods-new").click();
    await field(page, "goods-form-name").fill(name);
    await field(page, "goods-form-price").fill("12.34");
    await field(page, "goods-form-stock").fill("7");
    await choose(page, "goods-form-category", "数码");
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#e4393c" } }).png().toBuffer();
    const uploaded = page.waitForResponse((response) => response.url().includes("/admin/api/pictures"));
    await page.locator('input[type=file][data-test="goods-form-picture"], [data-test="goods-form-picture"] input[type=file]').first()
      .setInputFiles({ name: "red.png", mimeType: "image/png", buffer: png });
    const picture = (await (await uploaded).json()) as { code: number; msg: string; data: { url: string; width: number; height: number } };
    assert.equal(picture.code, 0, picture.msg);
    assert.deepEqual([picture.data.width, picture.data.height], [64, 48]);

    const saved = page.waitForResponse((response) => response.url().endsWith("/admin/api/goods") && response.request().method() === "POST");
    await byTest(page, "goods-form-save").click();
    const created = (await (await saved).json()) as { code: number; msg: string; data: { id: number } };
    assert.equal(created.code, 0, created.msg);
    await byTest(page, "goods-row").filter({ hasText: name }).waitFor();

    const list = await server.miniProgram("/shop/goods/list", { nameLike: name });
    assert.equal(list.code, 0, list.msg);
    assert.equal(list.data.length, 1);
    const [goods] = list.data;
    assert.equal(goods.id, created.data.id);
    assert.equal(goods.name, name);
    assert.equal(goods.minPrice, 12.34, "yuan typed in the page, cents stored, yuan in the mini program API");
    assert.equal(goods.stores, 7);
    const categories = (await server.miniProgram("/shop/goods/category/all")).data as Array<{ id: number; name: string }>;
    assert.equal(goods.categoryId, categories.find((category) => category.name === "数码")?.id, "in the category chosen");
    assert.ok(goods.pic, "the goods has its picture");
    const served = await fetch(new URL(goods.pic, server.url));
    assert.equal(served.status, 200);
    const meta = await sharp(Buffer.from(await served.arrayBuffer())).metadata();
    assert.deepEqual([meta.width, meta.height], [64, 48], "the picture uploaded in the page");
  });

  test("revoking a user's sessions in the page: their token answers 2000 at once", async () => {
    const token = await server.phoneLogin("console-alice");
    assert.equal((await server.miniProgram(`/user/check-token?token=${token}`)).code, 0);
    const uid = (await server.miniProgram(`/user/detail?token=${token}`)).data.base.id as number;

    await logIn(ROOT);
    await go("users");
    await choose(page, "tenant-select", server.tenant);
    await field(page, "users-search").fill(String(uid));
    await field(page, "users-search").press("Enter");
    await page.locator(`[data-test="user-row"][data-uid="${uid}"]`).click();
    await byTest(page, "user-revoke-all").click();
    await confirmBox(page);
    // The page says it is done once the server answered.
    await page.locator(".el-message--success").first().waitFor();
    assert.equal((await server.miniProgram(`/user/check-token?token=${token}`)).code, 2000, "the revoked token");

    // Who did it, to whom, in the audit log page.
    await page.keyboard.press("Escape");
    await page.locator(".el-drawer").waitFor({ state: "hidden" });
    await go("audit");
    await byTest(page, "audit-row").filter({ hasText: `${server.tenant}/user/${uid}` }).filter({ hasText: "revoke-sessions" }).filter({ hasText: ROOT.username }).waitFor();
  });

  test("disabling a user in the page ends their session and refuses their login until enabled", async () => {
    const token = await server.phoneLogin("console-carol");
    const uid = (await server.miniProgram(`/user/detail?token=${token}`)).data.base.id as number;

    await logIn(ROOT);
    await go("users");
    await choose(page, "tenant-select", server.tenant);
    await field(page, "users-search").fill(String(uid));
    await field(page, "users-search").press("Enter");
    await page.locator(`[data-test="user-row"][data-uid="${uid}"]`).click();
    await byTest(page, "user-disable").click();
    await confirmBox(page);
    await byTest(page, "user-enable").waitFor();
    assert.equal((await server.miniProgram(`/user/check-token?token=${token}`)).code, 2000, "their session ended");
    await assert.rejects(server.phoneLogin("console-carol"), /30012/, "a disabled user cannot log in");

    await byTest(page, "user-enable").click();
    await confirmBox(page);
    await byTest(page, "user-disable").waitFor();
    const again = await server.phoneLogin("console-carol");
    assert.equal((await server.miniProgram(`/user/check-token?token=${again}`)).code, 0, "enabled: logs in again");
  });

  test("an operator of one tenant sees only it and cannot touch another, in the page and through the API with its cookie", async () => {
    const token = await server.phoneLogin("console-bob");
    const uid = (await server.miniProgram(`/user/detail?token=${token}`)).data.base.id as number;

    await logIn(CLERK_B);
    const me = await consoleApi(page, "GET", "/me");
    assert.equal(me.data.tenant, OTHER_TENANT.subDomain);

    // The page: no trace of the other tenant, its goods or its users.
    const goodsListed = page.waitForResponse((response) => /\/admin\/api\/goods\?/.test(response.url()));
    await go("goods");
    await goodsListed;
    assert.equal(await byTest(page, "goods-row").count(), 0, "shop-b has no goods; shop-a's are not listed");
    // The tenant selector shows its own tenant only (fixed, or the only choice).
    const select = byTest(page, "tenant-select");
    assert.equal((await select.innerText()).trim(), OTHER_TENANT.subDomain);
    if (await select.locator("input:not([disabled])").count()) {
      await select.click();
      const options = await page.locator(".el-select-dropdown__item:visible").allTextContents();
      assert.deepEqual(options.map((text) => text.trim()), [OTHER_TENANT.subDomain]);
      await page.keyboard.press("Escape");
    }
    const usersListed = page.waitForResponse((response) => /\/admin\/api\/users\?/.test(response.url()));
    await go("users");
    await usersListed;
    assert.equal(await byTest(page, "user-row").count(), 0);
    await go("tenants");
    await byTest(page, "tenant-row").first().waitFor();
    assert.deepEqual(await byTest(page, "tenant-row").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-sub-domain"))), [OTHER_TENANT.subDomain]);
    assert.ok(!(await page.locator("body").innerText()).includes(server.tenant), "the other tenant's name appears nowhere");

    // The API with the same cookie and CSRF token.
    const tenants = await consoleApi(page, "GET", "/tenants");
    assert.deepEqual(tenants.data.map((t: { subDomain: string }) => t.subDomain), [OTHER_TENANT.subDomain]);
    const refused = (answer: { status: number; code: number }, what: string) =>
      assert.ok([403, 404].includes(answer.status) && answer.code !== 0, `${what}: refused, got ${answer.status} ${answer.code}`);
    const a = server.tenant;
    refused(await consoleApi(page, "GET", `/goods?tenant=${a}`), "the other tenant's goods");
    refused(await consoleApi(page, "GET", `/goods/1?tenant=${a}`), "one of its goods");
    refused(await consoleApi(page, "GET", `/users?tenant=${a}`), "its users");
    refused(await consoleApi(page, "GET", `/users/${uid}?tenant=${a}`), "one of its users");
    refused(await consoleApi(page, "GET", `/dashboard?tenant=${a}`), "its dashboard");
    refused(await consoleApi(page, "GET", `/audit?tenant=${a}`), "its audit log");
    refused(await consoleApi(page, "DELETE", `/goods/1?tenant=${a}`), "deleting its goods");
    refused(await consoleApi(page, "POST", `/users/${uid}/revoke-sessions`, { tenant: a }), "revoking its user's sessions");
    refused(await consoleApi(page, "POST", `/users/${uid}/disable`, { tenant: a }), "disabling its user");
    refused(await consoleApi(page, "POST", "/tenants", { subDomain: "shop-c" }), "adding a tenant");
    // Naming its own tenant does not reach the other's rows either.
    refused(await consoleApi(page, "GET", `/goods/1?tenant=${OTHER_TENANT.subDomain}`), "shop-a's goods 1 named as shop-b's");
    refused(await consoleApi(page, "GET", `/users/${uid}?tenant=${OTHER_TENANT.subDomain}`), "shop-a's user named as shop-b's");

    assert.equal((await server.miniProgram(`/user/check-token?token=${token}`)).code, 0, "the other tenant's user is still logged in");
    assert.equal((await server.miniProgram("/shop/goods/detail?id=1")).code, 0, "the other tenant's goods is still there");
  });

  test("tenants page: a new tenant, its app (the secret never shown again), credentials checked with a real stable_token call", async () => {
    const fresh = { subDomain: "shop-c", appid: "wxc000000000000003", secret: "c0ffee00c0ffee00c0ffee00c0ffee00" };
    await logIn(ROOT);
    await go("tenants");
    await byTest(page, "tenant-new").click();
    await field(page, "tenant-form-sub-domain").fill(fresh.subDomain);
    await byTest(page, "tenant-form-save").click();
    const row = page.locator(`[data-test="tenant-row"][data-sub-domain="${fresh.subDomain}"]`);
    await row.waitFor();

    await byTest(row, "app-add").click();
    await field(page, "app-form-appid").fill(fresh.appid);
    await field(page, "app-form-secret").fill(fresh.secret);
    await byTest(page, "app-form-save").click();
    await row.filter({ hasText: fresh.appid }).waitFor();
    assert.ok(!(await page.content()).includes(fresh.secret), "the secret is not in the page once saved");
    const tenants = await consoleApi(page, "GET", "/tenants");
    assert.deepEqual(tenants.data.find((t: { subDomain: string }) => t.subDomain === fresh.subDomain)?.appids, [fresh.appid]);
    assert.ok(!JSON.stringify(tenants).includes(fresh.secret), "nor in the API's answer");

    // Each app has its own re-key button, labelled apart from the row's "add app".
    const rekey = byTest(row, "app-rekey");
    assert.notEqual((await rekey.innerText()).trim(), (await byTest(row, "app-add").innerText()).trim());
    await rekey.click();
    assert.equal(await field(page, "app-form-appid").inputValue(), fresh.appid, "re-key opens the form on that app");
    await field(page, "app-form-secret").fill("d0d0cafed0d0cafed0d0cafed0d0cafe");
    await byTest(page, "app-form-save").click();
    await field(page, "app-form-secret").waitFor({ state: "hidden" });
    const rekeyed = await consoleApi(page, "GET", "/tenants");
    assert.deepEqual(rekeyed.data.find((t: { subDomain: string }) => t.subDomain === fresh.subDomain)?.appids, [fresh.appid], "re-keyed, not a second app");

    // The demo tenant's app is known to the (embedded) WeChat; the new one is not.
    const demoRow = page.locator(`[data-test="tenant-row"][data-sub-domain="${server.tenant}"]`);
    await byTest(demoRow, "app-check").click();
    await byTest(demoRow, "app-check-result").and(page.locator(".el-tag--success")).waitFor();
    await byTest(row, "app-check").click();
    await byTest(row, "app-check-result").and(page.locator(".el-tag--danger")).waitFor();
  });

  test("logout: back to the login page, and the session is over (/admin/api/me answers 401)", async () => {
    await logIn(ROOT);
    await byTest(page, "logout").click();
    await field(page, "login-username").waitFor();
    const me = await consoleApi(page, "GET", "/me");
    assert.equal(me.status, 401, "the server ended the session, not just the page");
    assert.equal(me.code, 60001);
    await page.reload();
    await field(page, "login-username").waitFor();
    assert.equal(await byTest(page, "nav-dashboard").count(), 0, "a reload does not bring the console back");
  });

  test("the language switch: the page and the server's messages in English, then back to Chinese", async () => {
    await page.context().clearCookies();
    await openConsole();
    await byTest(page, "lang-switch").click();
    try {
      assert.equal(await submitLogin(ROOT.username, "not-the-password"), 401);
      await byTest(page, "login-error").filter({ hasText: "Wrong username or password" }).waitFor();
      assert.equal(await submitLogin(ROOT.username, ROOT.password), 200);
      await byTest(page, "nav-goods").filter({ hasText: "Goods" }).waitFor();
    } finally {
      // The choice is remembered in the browser: the next tests read Chinese.
      await byTest(page, "lang-switch").first().click();
    }
    await byTest(page, "nav-goods").filter({ hasText: "商品" }).waitFor();
  });

  test("at a tablet's width (768) the menu fits and works", async () => {
    await page.setViewportSize({ width: 768, height: 1024 });
    try {
      await logIn(ROOT);
      for (const nav of ["goods", "users", "tenants", "dashboard"] as const) {
        const item = byTest(page, `nav-${nav}`);
        await item.click();
        const box = await item.boundingBox();
        assert.ok(box && box.x >= 0 && box.x + box.width <= 768, `nav-${nav} is inside the screen`);
      }
      // Folded to icons at this width; the header's button unfolds it with its words.
      await page.getByRole("button", { name: "展开/收起菜单" }).click();
      await byTest(page, "nav-users").getByText("用户").waitFor();
      await go("users");
      // Nothing of the menu is left over the page: the search box takes the click.
      await field(page, "users-search").click();
      const overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth");
      assert.ok((overflow as number) <= 0, `no sideways scrolling (${overflow}px too wide)`);
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });
});
