/**
 * What the hostile-input tests start from and compare against: two users of
 * tenant shop-a with a profile, a phone number, favorites and cart lines
 * (the demo catalogue's goods 1-10), two logged-in console operators, and a
 * snapshot of every stored row that hostile requests must leave alone.
 */
import assert from "node:assert/strict";
import type { Kysely } from "kysely";
import { hashPassword } from "../admin/password";
import { connect } from "../storage/connect";
import type { Harness } from "../testing/harness";

export interface SeededUser {
  name: string;
  uid: number;
  token: string;
  /** Key of the user's cart line of goods 2 (no options). */
  line: string;
  /** Id of the user's favorite. */
  favoriteId: number;
}

export interface Seeded {
  alice: SeededUser;
  bob: SeededUser;
  /** A live token of alice's in tenant shop-b: valid, but not for shop-a. */
  aliceInB: string;
  /** A token of alice's that logged out. */
  revoked: string;
  /** Id of alice's live session in shop-a (not bob's to end). */
  aliceSession: number;
  admin: SeededOperators;
}

/** A console session: the wegate_admin cookie's value and its CSRF token. */
export interface ConsoleSession {
  cookie: string;
  csrf: string;
}

export interface SeededOperators {
  /** "root", a global operator. */
  root: ConsoleSession;
  /** "shopb-op", an operator of shop-b only. */
  shopB: ConsoleSession;
  /** A cookie of root's that logged out. */
  revoked: string;
}

/** The seeded operators' password (long enough for the log scan to look for it). */
export const OPERATOR_PASSWORD = "operator-password-7Qm2";

/** Logs an operator in to the console: its cookie's value and CSRF token. */
export async function consoleLogIn(h: Harness, username: string, password = OPERATOR_PASSWORD, otp?: string): Promise<ConsoleSession> {
  const response = await fetch(`${h.url}/admin/api/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password, ...(otp !== undefined && { otp }) }),
  });
  const text = await response.text();
  assert.equal(response.status, 200, text);
  const cookie = /^wegate_admin=([^;]+)/.exec(response.headers.getSetCookie()[0] ?? "")?.[1];
  assert.ok(cookie, "the login set the cookie");
  return { cookie, csrf: JSON.parse(text).data.csrfToken };
}

/** root (global) and shopb-op (shop-b only), logged in; and a session of root's that logged out. */
export async function seedOperators(h: Harness): Promise<SeededOperators> {
  const passwordHash = await hashPassword(OPERATOR_PASSWORD);
  await h.admin.addOperator({ username: "root", passwordHash, tenantId: null }, h.clock());
  const shopB = (await h.storage.findTenant(h.tenants.b.subDomain))!;
  await h.admin.addOperator({ username: "shopb-op", passwordHash, tenantId: shopB.id }, h.clock());
  const ended = await consoleLogIn(h, "root");
  const logout = await fetch(`${h.url}/admin/api/logout`, { method: "POST", headers: { cookie: `wegate_admin=${ended.cookie}`, "x-csrf-token": ended.csrf } });
  assert.equal(logout.status, 200, await logout.text());
  return { root: await consoleLogIn(h, "root"), shopB: await consoleLogIn(h, "shopb-op"), revoked: ended.cookie };
}

/** Logs `user` in to `subDomain` through the simulator and returns the token and uid. */
export async function logIn(h: Harness, user: string, tenant = h.tenants.a): Promise<{ token: string; uid: number }> {
  const reply = await h.post(`/${tenant.subDomain}/user/wxapp/authorize`, { code: h.code(user, tenant) });
  assert.equal(reply.body.code, 0, reply.text);
  return { token: reply.body.data.token, uid: reply.body.data.uid };
}

async function seedUser(h: Harness, name: string, favoriteGoods: number, cartGoods: number): Promise<SeededUser> {
  const { token, uid } = await logIn(h, name);
  const expectOk = (reply: { body: { code: number }; text: string }) => assert.equal(reply.body.code, 0, reply.text);
  expectOk(await h.post("/shop-a/user/modify", { token, nick: `${name} 的店`, gender: 2, city: "杭州", extJsonStr: '{"vip":"1"}' }));
  const phoneCode = h.world.phoneCode(h.tenants.a.appid, name);
  expectOk(await h.post("/shop-a/user/wxapp/bindMobile/v2", { token, code: phoneCode }));
  expectOk(await h.post("/shop-a/shop/goods/fav/add", { token, goodsId: favoriteGoods }));
  const cart = await h.post("/shop-a/shopping-cart/add", { token, goodsId: cartGoods, number: 3 }, { form: true });
  expectOk(cart);
  expectOk(await h.post("/shop-a/shopping-cart/add", { token, goodsId: 4, number: 1, sku: '[{"optionId":1,"optionValueId":1},{"optionId":2,"optionValueId":4}]' }));
  const favorites = await h.post("/shop-a/shop/goods/fav/list", { token });
  return { name, uid, token, line: String(cart.body.data.items[0].key), favoriteId: favorites.body.data[0].id };
}

export async function seedUsers(h: Harness): Promise<Seeded> {
  const alice = await seedUser(h, "alice", 1, 2);
  const bob = await seedUser(h, "bob", 2, 8);
  const { token: aliceInB } = await logIn(h, "alice", h.tenants.b);
  const { token: revoked } = await logIn(h, "alice");
  assert.equal((await h.get("/shop-a/user/loginout", { token: revoked })).body.code, 0);
  const aliceSession = (await h.storage.liveSessions(alice.uid, h.clock()))[0].id;
  return { alice, bob, aliceInB, revoked, aliceSession, admin: await seedOperators(h) };
}

const TABLES = [
  ...["tenants", "apps", "users", "wechat_sessions", "sessions", "categories", "goods", "favorites", "cart_items", "media_images"],
  ...["operators", "admin_sessions", "audit_log"],
] as const;

export type Snapshot = Record<string, unknown>;

/**
 * Every row of every table, straight from the database (not through the
 * server's caches), plus what the server answers for each seeded user.
 * Left out, by design: goods' `views` (viewing a goods counts), a console
 * session's `last_seen_at` (each request of it counts), and the audit log's
 * failed logins (a refused login is written down).
 */
export async function snapshot(h: Harness, seeded: Seeded, options: { skip?: (table: string, row: Record<string, unknown>) => boolean } = {}): Promise<Snapshot> {
  // Table names are data here: kysely's typed builder is not needed to read whole tables.
  const db = connect(h.databaseUrl).db as unknown as Kysely<any>;
  try {
    const rows: Snapshot = {};
    for (const table of TABLES) {
      const all = (await db.selectFrom(table).selectAll().orderBy(sortKey(table)).execute()) as Array<Record<string, unknown>>;
      rows[table] = all
        .filter((row) => !options.skip?.(table, row))
        .filter((row) => !(table === "audit_log" && row.action === "login-failed"))
        .map((row) => {
          const { views: _views, last_seen_at: _lastSeen, ...rest } = row;
          return table === "goods" || table === "admin_sessions" ? rest : row;
        });
    }
    for (const user of [seeded.alice, seeded.bob]) {
      const { token } = user;
      rows[`${user.name} detail`] = (await h.get("/shop-a/user/detail", { token })).body;
      rows[`${user.name} cart`] = (await h.get("/shop-a/shopping-cart/info", { token })).body;
      rows[`${user.name} favorites`] = (await h.post("/shop-a/shop/goods/fav/list", { token })).body;
      rows[`${user.name} check-token`] = (await h.get("/shop-a/user/check-token", { token })).body;
    }
    return rows;
  } finally {
    await db.destroy();
  }
}

function sortKey(table: string): "user_id" | "hash" | "id" {
  return table === "wechat_sessions" ? "user_id" : table === "media_images" ? "hash" : "id";
}
