import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { connect } from "./storage/connect";
import { startHarness } from "./testing/harness";

for (const database of ["sqlite", "postgres"] as const) {
  describe(`first logins race (${database})`, () => {
    test("50 parallel authorize calls for one new user give one user row and 50 tokens for the same uid", async () => {
      const h = await startHarness({ database });
      try {
        const codes = Array.from({ length: 50 }, () => h.code("rush"));
        const replies = await Promise.all(codes.map((code) => h.post("/shop-a/user/wxapp/authorize", { code })));
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
