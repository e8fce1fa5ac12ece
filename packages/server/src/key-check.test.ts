import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { checkKey, WrongKeyError } from "./key-check";
import { createSecretBox } from "./secret-box";
import { openStorage } from "./storage/open";
import { type Storage } from "./storage/storage";

async function withDatabase(t: { after(fn: () => unknown): void }): Promise<{ storage: Storage; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), "wegate-key-check-"));
  const storage = openStorage(`sqlite:${join(dataDir, "wegate.db")}`);
  await storage.migrate();
  t.after(async () => {
    await storage.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return { storage, dataDir };
}

const k1 = randomBytes(32);
const k2 = randomBytes(32);

test("an empty database takes the first key it sees, and refuses any other from then on", async (t) => {
  const { storage, dataDir } = await withDatabase(t);
  assert.deepEqual(await checkKey(storage, createSecretBox(k1), { dataDir }), { rotationPending: false });
  assert.ok(await storage.getMeta("key_check"), "the key check is written at the first start");
  assert.deepEqual(await checkKey(storage, createSecretBox(k1), { dataDir }), { rotationPending: false });
  await assert.rejects(checkKey(storage, createSecretBox(k2), { dataDir }), (error: unknown) => {
    assert.ok(error instanceof WrongKeyError);
    assert.match(error.message, /^WEGATE_SECRET does not open what this database holds \(the key check written at its first start\)/);
    assert.doesNotMatch(error.message, /wegate\.secret/, "no demo key file here to point at");
    return true;
  });
  assert.deepEqual(await checkKey(storage, createSecretBox(k2, k1), { dataDir }), { rotationPending: true }, "mid-rotation: the previous key opens it");
});

test("a database from before the key check is judged by its sealed values, and gets a key check when they open", async (t) => {
  const { storage, dataDir } = await withDatabase(t);
  writeFileSync(join(dataDir, "wegate.secret"), k1.toString("base64"));
  await storage.addTenantApp("demo", { appid: "wxdemo0123456789", secretEnc: createSecretBox(k1).seal("demo-secret") }, 1);
  const user = (await storage.createUserIfAbsent((await storage.findTenant("demo"))!.id, { openid: "o" }, 1)).user;
  await storage.saveSessionKey(user.id, createSecretBox(k1).seal("sk"), 1);

  await assert.rejects(checkKey(storage, createSecretBox(k2), { dataDir }), (error: unknown) => {
    assert.ok(error instanceof WrongKeyError);
    assert.match(error.message, /\(the app secret of wxdemo0123456789\)/);
    assert.ok(error.message.includes(join(dataDir, "wegate.secret")), "points at the key demo mode generated");
    return true;
  });
  assert.equal(await storage.getMeta("key_check"), undefined, "nothing written with the wrong key");
  assert.deepEqual(await checkKey(storage, createSecretBox(k2, k1), { dataDir }), { rotationPending: true });
  assert.equal(await storage.getMeta("key_check"), undefined, "mid-rotation the key check is left to `secret rotate`");
  assert.deepEqual(await checkKey(storage, createSecretBox(k1), { dataDir }), { rotationPending: false });
  assert.equal(createSecretBox(k1).open((await storage.getMeta("key_check"))!).length > 0, true);
});
