/**
 * The README's screenshots of the operator console, in Chinese at 1280x800:
 * a real `wegate serve` in demo mode with a few mini program users, driven in
 * Debian's Chromium. Run by hand after the console changes (not by the tests):
 *
 *   npm run build -w @wegate/console && node --import tsx scripts/console-screenshots.ts
 *
 * Writes docs/screenshots/*.png.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import sharp from "sharp";
import { byTest, choose, consoleApi, field, launchChromium } from "../e2e/console/browser";
import { consoleServer } from "../e2e/console/serve";

const OUT = join(import.meta.dirname, "..", "docs", "screenshots");
const OPERATOR = { username: "admin", password: "console-demo-passw0rd" };
const USERS = [
  { user: "li-lei", nick: "李雷", city: "Hangzhou", province: "Zhejiang", gender: 1, favorites: [1, 3], cart: 9 },
  { user: "han-meimei", nick: "韩梅梅", city: "Shenzhen", province: "Guangdong", gender: 2, favorites: [2], cart: 2 },
  { user: "wang-xiaoming", nick: "王小明", city: "Chengdu", province: "Sichuan", gender: 1, favorites: [5, 6, 7], cart: 0 },
  { user: "zhao-min", nick: "赵敏", city: "Beijing", province: "Beijing", gender: 2, favorites: [], cart: 8 },
];

/** Lets ECharts' animation and Element Plus' transitions finish before the picture. */
const settle = (page: Page) => page.waitForTimeout(1200);

async function shoot(page: Page, name: string) {
  await settle(page);
  // A 256-colour palette keeps the README's pictures small (the login page's gradient most of all).
  await sharp(await page.screenshot()).png({ palette: true, quality: 90, effort: 10 }).toFile(join(OUT, `${name}.png`));
  console.log(`docs/screenshots/${name}.png`);
}

const COLORS = ["#2f6fed", "#e4393c", "#13a89e", "#f28c28", "#7b5cd6", "#3a3f51", "#8d6e63", "#c28f2c", "#4caf50", "#d4a017"];

/**
 * The demo catalogue's pictures live on the internet, which the screenshots
 * should not depend on: each goods gets a drawn one, uploaded and saved
 * through the console's own API (as the page would).
 */
async function giveGoodsPictures(page: Page, tenant: string) {
  for (let id = 1; id <= 10; id++) {
    const goods = (await consoleApi(page, "GET", `/goods/${id}?tenant=${tenant}`)).data;
    const label = [...goods.name].slice(0, 2).join("");
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400">
      <rect width="400" height="400" rx="40" fill="${COLORS[id - 1]}"/>
      <text x="200" y="235" font-size="120" font-family="Noto Sans CJK SC, sans-serif" fill="#fff" text-anchor="middle">${label}</text></svg>`;
    const png = await sharp(Buffer.from(svg)).png().toBuffer();
    const me = (await consoleApi(page, "GET", "/me")).data;
    const uploaded = await page.request.post(new URL(`/admin/api/pictures?tenant=${tenant}`, page.url()).toString(), {
      headers: { "x-csrf-token": me.csrfToken, origin: new URL(page.url()).origin },
      multipart: { file: { name: `goods-${id}.png`, mimeType: "image/png", buffer: png } },
    });
    const { url } = ((await uploaded.json()) as { data: { url: string } }).data;
    const { id: _id, categoryName: _c, numberFav: _f, views: _v, createdAt: _at, ...body } = goods;
    void [_id, _c, _f, _v, _at];
    const saved = await consoleApi(page, "PUT", `/goods/${id}`, { ...body, tenant, pics: [url] });
    if (saved.code !== 0) throw new Error(`goods ${id}: ${saved.msg}`);
  }
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  // The rate limits as deployed by default (the tests widen the console login one).
  const server = consoleServer({ RATE_LIMIT_ADMIN_LOGIN: "" });
  const chromium = await launchChromium({ width: 1280, height: 800 }, "zh-CN");
  try {
    await server.cli(["tenant", "add", "tea-house", "--appid", "wx7ea0000000000001", "--secret", "7ea5ec7e7ea5ec7e7ea5ec7e7ea5ec7e"]);
    const added = await server.cli(["admin", "add", OPERATOR.username], `${OPERATOR.password}\n`);
    if (added.status !== 0) throw new Error(added.err);
    await server.serve();
    for (const person of USERS) {
      const token = await server.phoneLogin(person.user);
      await server.miniProgram("/user/modify", { token, nick: person.nick, city: person.city, province: person.province, country: "China", gender: String(person.gender) });
      for (const goodsId of person.favorites) await server.miniProgram("/shop/goods/fav/add", { token, goodsId: String(goodsId) });
      if (person.cart) {
        const added = await server.miniProgram("/shopping-cart/add", { token, goodsId: String(person.cart), number: "2" });
        if (added.code !== 0) console.warn(`cart of ${person.user}: ${added.msg}`);
      }
    }

    const page = await chromium.context.newPage();
    await page.goto(`${server.url}/admin/`);
    await field(page, "login-username").fill(OPERATOR.username);
    await shoot(page, "login");
    await field(page, "login-password").fill(OPERATOR.password);
    await byTest(page, "login-submit").click();
    await choose(page, "tenant-select", server.tenant);
    await byTest(page, "dashboard-chart").locator("canvas, svg").first().waitFor();
    await shoot(page, "dashboard");

    await giveGoodsPictures(page, server.tenant);
    await byTest(page, "nav-goods").click();
    await byTest(page, "goods-row").first().waitFor();
    await shoot(page, "goods");
    // The edit dialog of a goods with a picture and options.
    const row = byTest(page, "goods-row").nth(1);
    const edit = row.getByRole("button", { name: /编辑|Edit/ });
    if (await edit.count()) await edit.first().click();
    else await row.click();
    await field(page, "goods-form-name").waitFor();
    await shoot(page, "goods-edit");
    await page.keyboard.press("Escape");

    await byTest(page, "nav-users").click();
    await byTest(page, "user-row").first().waitFor();
    await shoot(page, "users");
    await byTest(page, "user-row").filter({ hasText: "李雷" }).first().click();
    await byTest(page, "user-revoke-all").waitFor();
    await shoot(page, "user-detail");
    await page.keyboard.press("Escape");

    await byTest(page, "nav-tenants").click();
    await byTest(page, "tenant-row").first().waitFor();
    await shoot(page, "tenants");
  } finally {
    await chromium.close();
    await server.close();
  }
}

await main();
