import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { connect } from "./storage/connect";
import type { Storage } from "./storage/storage";
import { testDatabases } from "./testing/databases";
import { startHarness } from "./testing/harness";

/**
 * Holds the server's registrations until `count` are asked, then starts them
 * all in one go, so that whatever a registration reads first, every one of
 * them has read it before any writes. Arriving as WeChat answers, one by one,
 * they would mostly not overlap: on SQLite a turn's reads run after its
 * writes (the group commit), so a read-then-insert could pass by luck.
 */
function startTogether(storage: Storage, count: number) {
  const register = storage.createUserIfAbsent;
  const waiting: Array<() => void> = [];
  storage.createUserIfAbsent = (...args) =>
    new Promise((resolve, reject) => {
      waiting.push(() => register(...args).then(resolve, reject));
      if (waiting.length === count) for (const start of waiting) start();
    });
  return { held: () => waiting.length };
}

for (const database of testDatabases()) {
  describe(`first logins race (${database})`, () => {
    // The timeout only turns a registration that never reaches the storage verb (the hold waits for all 50) into a failure.
    test("50 parallel authorize calls for one new user give one user row and 50 tokens for the same uid", { timeout: 60_000 }, async () => {
      const h = await startHarness({ database });
      try {
        const together = startTogether(h.storage, 50);
        const codes = Array.from({ length: 50 }, () => h.code("rush"));
        const replies = await Promise.all(codes.map((code) => h.post("/shop-a/user/wxapp/authorize", { code })));
        assert.equal(together.held(), 50, "the 50 registrations started together");
        for (const reply of replies) assert.equal(reply.body.code, 0, reply.text);
        assert.equal(new Set(replies.map((r) => r.body.data.uid)).size, 1, "one uid");
        assert.equal(new Set(replies.map((r) => r.body.data.token)).size, 50, "50 distinct tokens");
        const { db } = connect(h.databaseUrl);
        try {
          const rows = await db.selectFrom("users").select(["id"]).where("openid", "=", h.world.openid(h.tenants.a.appid, "rush")).execute();
          assert.deepEqual(rows, [{ id: replies[0].body.data.uid }], "exactly one user row");
        } finally {
          await db.destroy();
        }
        assert.equal(h.world.callCount("/sns/jscode2session"), 50);
      } finally {
        await h.close();
      }
    });
  });
}
