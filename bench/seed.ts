/**
 * Seeds the bench database before the server starts, through wegate's own
 * storage API and session code on the same database the server will open: the
 * same rows (and the same SHA-256 token hashes) that HTTP logins would leave,
 * in seconds instead of ten thousand simulated wx.login round trips.
 */
import { createSessions, openStorage } from "@wegate/server";
import { WechatWorld } from "@wegate/wechat-sim";
import { skuKeyOf } from "../packages/server/src/routes/sku";
import type { SkuOption } from "../packages/server/src/shop/store";

export interface Seeded {
  /** Simulator user ids ("u0"...), index = user number. */
  simUsers: string[];
  /** A live token per user, same index. */
  tokens: string[];
  /** Users 0..cartUsers-1 have CART_LINES lines in their cart. */
  cartUsers: number;
  /** Goods ids: the first CART_LINES are in the seeded carts, the others are for cart add. */
  goodsIds: number[];
  /** The sku every seeded line and every cart add chooses (JSON, as API Factory clients send it). */
  sku: string;
  seconds: number;
}

export const CART_LINES = 5;
const GOODS = 2 * CART_LINES;
const STOCK = 1_000_000;

const OPTIONS: SkuOption[] = [
  { id: 1, name: "颜色", values: [{ id: 1, name: "红" }, { id: 2, name: "蓝" }] },
  { id: 2, name: "尺码", values: [{ id: 1, name: "S" }, { id: 2, name: "M" }, { id: 3, name: "L" }] },
];
const SKU = JSON.stringify([{ optionId: 1, optionValueId: 2 }, { optionId: 2, optionValueId: 3 }]);

export async function seed(options: {
  databaseUrl: string;
  tenant: string;
  appid: string;
  users: number;
  cartUsers: number;
  /** Users seeded at once (1: in order). */
  concurrency?: number;
}): Promise<Seeded> {
  const started = performance.now();
  const storage = openStorage(options.databaseUrl);
  try {
    await storage.migrate();
    const tenant = await storage.ensureTenant(options.tenant, Date.now());
    const sessions = createSessions({ storage, clock: Date.now });
    // The simulator derives openids from (appid, user id) the same way in its own process.
    const world = new WechatWorld();

    const goodsIds: number[] = [];
    for (let i = 1; i <= GOODS; i++) {
      const { id } = await storage.saveGoods(
        tenant.id,
        {
          categoryId: null,
          name: `Bench goods ${i}`,
          pics: [`https://example.com/goods/${i}/1.jpg`, `https://example.com/goods/${i}/2.jpg`],
          price: 1990 + i * 100,
          originalPrice: 2990 + i * 100,
          stock: STOCK,
          content: "<p>Benchmark goods</p>",
          options: OPTIONS,
        },
        Date.now(),
      );
      goodsIds.push(id);
    }
    const skuKey = skuKeyOf(SKU, OPTIONS);

    const simUsers = Array.from({ length: options.users }, (_, i) => `u${i}`);
    const tokens: string[] = new Array(options.users);
    const seedUser = async (i: number) => {
      const { user } = await storage.createUserIfAbsent(tenant.id, { openid: world.openid(options.appid, simUsers[i]) }, Date.now());
      tokens[i] = await sessions.issue(user);
      if (i < options.cartUsers) {
        for (const goodsId of goodsIds.slice(0, CART_LINES)) {
          await storage.addToCart(tenant.id, user.id, { goodsId, skuKey, number: 1, max: STOCK }, Date.now());
        }
      }
    };
    // Users one after the other on SQLite; on PostgreSQL several at once, each a few round trips.
    let next = 0;
    const worker = async () => {
      while (next < options.users) await seedUser(next++);
    };
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 1) }, worker));
    return { simUsers, tokens, cartUsers: options.cartUsers, goodsIds, sku: SKU, seconds: (performance.now() - started) / 1000 };
  } finally {
    await storage.close();
  }
}
