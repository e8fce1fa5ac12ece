/**
 * WeChat misbehaving, through the real server and the simulator's faults:
 * every fault is answered in time with its mapped code, an endpoint that
 * keeps failing is refused at once, and what does not need WeChat keeps
 * working meanwhile.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { CODE2SESSION_PATH, type SimFault } from "@wegate/wechat-sim";
import { type Harness, type Reply, startHarness } from "./testing/harness";
import { testDatabases } from "./testing/databases";

const TIMEOUT_MS = 1000;
/** The bound: every answer within the WeChat timeout plus half a second. */
const ANSWER_WITHIN_MS = TIMEOUT_MS + 500;
/** The bound for a call refused by an open circuit. */
const REFUSED_WITHIN_MS = 50;

async function timed(h: Harness, user: string): Promise<{ reply: Reply; ms: number }> {
  const started = performance.now();
  const reply = await h.post("/shop-a/user/wxapp/authorize", { code: h.code(user) });
  return { reply, ms: performance.now() - started };
}

for (const database of testDatabases()) {
  describe(`WeChat faults (${database})`, () => {
    describe("each WeChat fault on authorize: its code, its status, in time", () => {
      let h: Harness;
      before(async () => {
        h = await startHarness({ database, wechatTimeoutMs: TIMEOUT_MS });
      });
      after(() => h.close());

      const cases: Array<{ name: string; fault: SimFault; times?: number; status: number; code: number; calls: number }> = [
        { name: "no answer past the timeout", fault: { kind: "hang" }, status: 504, code: 30006, calls: 1 },
        { name: "a reset connection", fault: { kind: "reset" }, status: 503, code: 30005, calls: 3 },
        { name: "HTTP 500", fault: { kind: "http", status: 500 }, status: 503, code: 30005, calls: 3 },
        { name: "HTTP 502", fault: { kind: "http", status: 502 }, status: 503, code: 30005, calls: 3 },
        { name: "-1 once, then the answer", fault: { kind: "errcode", errcode: -1 }, times: 1, status: 200, code: 0, calls: 2 },
        { name: "-1 every time", fault: { kind: "errcode", errcode: -1 }, status: 503, code: 30005, calls: 3 },
        { name: "40029 invalid code", fault: { kind: "errcode", errcode: 40029 }, status: 400, code: 30001, calls: 1 },
        { name: "40163 code used", fault: { kind: "errcode", errcode: 40163 }, status: 400, code: 30002, calls: 1 },
        { name: "45011 user rate limited", fault: { kind: "errcode", errcode: 45011 }, status: 429, code: 30003, calls: 1 },
        { name: "40226 risk-blocked user", fault: { kind: "errcode", errcode: 40226 }, status: 403, code: 30004, calls: 1 },
        { name: "an HTML page with HTTP 200", fault: { kind: "html" }, status: 503, code: 30005, calls: 1 },
        { name: "truncated JSON with HTTP 200", fault: { kind: "invalid-json" }, status: 503, code: 30005, calls: 1 },
        { name: "a slow answer below the timeout", fault: { kind: "slow", delayMs: TIMEOUT_MS * 0.6 }, status: 200, code: 0, calls: 1 },
      ];
      for (const { name, fault, times, status, code, calls } of cases) {
        test(`${name}: HTTP ${status}, code ${code}, ${calls} call(s) to WeChat`, async () => {
          h.world.resetCounters();
          h.world.setFault(CODE2SESSION_PATH, { ...fault, times });
          const { reply, ms } = await timed(h, "olga");
          h.world.setFault(CODE2SESSION_PATH, undefined);
          assert.equal(reply.status, status, reply.text);
          assert.equal(reply.body.code, code, reply.text);
          assert.ok(ms < ANSWER_WITHIN_MS, `answered after ${Math.round(ms)} ms`);
          assert.equal(h.world.callCount(CODE2SESSION_PATH), calls);
          // A success between the rows: no row leaves the circuit nearer to opening.
          assert.equal((await timed(h, "olga")).reply.body.code, 0);
        });
      }
    });

    describe("the circuit breaker on authorize", () => {
      const HALF_OPEN_AFTER_MS = 1000;
      const THRESHOLD = 3;
      let h: Harness;
      let token: string;
      before(async () => {
        h = await startHarness({
          database,
          wechatTimeoutMs: TIMEOUT_MS,
          wechatResilience: { breakerThreshold: THRESHOLD, halfOpenAfterMs: HALF_OPEN_AFTER_MS },
          demoCatalogue: true,
        });
        const login = await h.post("/shop-a/user/wxapp/authorize", { code: h.code("pia") });
        assert.equal(login.body.code, 0);
        token = login.body.data.token;
      });
      after(() => h.close());

      test("a user's bad or used code, a rate-limited or risk-blocked user never open it", async () => {
        const userErrors: Array<[number, number]> = [[40029, 30001], [40163, 30002], [45011, 30003], [40226, 30004]];
        for (const [errcode, code] of userErrors) {
          h.world.setFault(CODE2SESSION_PATH, { kind: "errcode", errcode });
          for (let i = 0; i < THRESHOLD * 4; i++) assert.equal((await timed(h, "quinn")).reply.body.code, code);
        }
        h.world.setFault(CODE2SESSION_PATH, undefined);
        h.world.resetCounters();
        assert.equal((await timed(h, "quinn")).reply.body.code, 0);
        assert.equal(h.world.callCount(CODE2SESSION_PATH), 1);
      });

      test("after enough failures it opens: authorize is refused at once, without calling WeChat", async () => {
        h.world.setFault(CODE2SESSION_PATH, { kind: "http", status: 502 });
        for (let i = 0; i < THRESHOLD; i++) assert.equal((await timed(h, "rosa")).reply.body.code, 30005);
        h.world.resetCounters();
        for (let i = 0; i < 5; i++) {
          const { reply, ms } = await timed(h, "rosa");
          assert.equal(reply.status, 503);
          assert.equal(reply.body.code, 30005);
          assert.ok(ms < REFUSED_WITHIN_MS, `refused after ${ms.toFixed(1)} ms`);
        }
        assert.equal(h.world.callCount(CODE2SESSION_PATH), 0);
      });

      test("while it is open, check-token, favorites and the cart keep working", async () => {
        h.world.resetCounters();
        assert.equal((await h.get("/shop-a/user/check-token", { token })).body.code, 0);
        assert.equal((await h.post("/shop-a/shop/goods/fav/add", { token, goodsId: 1 })).body.code, 0);
        assert.equal((await h.get("/shop-a/shop/goods/fav/check", { token, goodsId: 1 })).body.code, 0);
        const added = await h.post("/shop-a/shopping-cart/add", { token, goodsId: 2, number: 1 });
        assert.equal(added.body.code, 0, added.text);
        assert.equal((await h.get("/shop-a/shopping-cart/info", { token })).body.data.number, 1);
        assert.equal(h.world.callCount(CODE2SESSION_PATH), 0);
        // ... and the circuit is still open.
        assert.equal((await timed(h, "rosa")).reply.body.code, 30005);
        assert.equal(h.world.callCount(CODE2SESSION_PATH), 0);
      });

      test("a tenant cache reload keeps it open", async () => {
        h.app.tenants.invalidate();
        h.world.resetCounters();
        assert.equal((await timed(h, "rosa")).reply.body.code, 30005);
        assert.equal(h.world.callCount(CODE2SESSION_PATH), 0);
      });

      test("after halfOpenAfter, a success closes it again", async () => {
        h.world.setFault(CODE2SESSION_PATH, undefined);
        await sleep(HALF_OPEN_AFTER_MS + 50);
        h.world.resetCounters();
        for (let i = 0; i < THRESHOLD + 2; i++) assert.equal((await timed(h, "rosa")).reply.body.code, 0);
        assert.equal(h.world.callCount(CODE2SESSION_PATH), THRESHOLD + 2);
      });
    });
  });
}
