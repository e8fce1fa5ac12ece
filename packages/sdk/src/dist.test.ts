/**
 * The built package, as a mini program gets it: `main` is CommonJS ES2017 that
 * runs with nothing but a `wx` global (no require, no Node built-ins).
 * `npm test` builds it first (scripts/test.mjs).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import vm from "node:vm";
import { type Harness, startHarness } from "../../server/src/testing/harness";
import { testDatabases } from "../../server/src/testing/databases";

const pkgDir = join(import.meta.dirname, "..");
const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));

for (const database of testDatabases()) {
  describe(`the built SDK (${database})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness({ database });
    });
    after(() => h.close());

    test("main loads in a plain CommonJS sandbox with only wx, and logs in over it", async () => {
      const code = readFileSync(join(pkgDir, pkg.main), "utf8");
      assert.doesNotMatch(code, /\brequire\s*\(/, "main requires nothing");
      // ES2017: no optional chaining, nullish coalescing or object rest/spread syntax.
      assert.doesNotMatch(code, /\?\.[\w([]|\?\?/);

      const wx = h.wx("sandbox-user");
      const module = { exports: {} as Record<string, any> };
      // Only what every JS engine has, plus wx: no require, process, Buffer or fetch.
      const sandbox = vm.createContext({ module, exports: module.exports, wx, console });
      vm.runInContext(code, sandbox, { filename: "index.js" });
      for (const name of ["require", "process", "Buffer", "fetch", "setTimeout"]) {
        assert.equal(vm.runInContext(`typeof ${name}`, sandbox), "undefined", `${name} is not in the sandbox`);
      }

      const { createClient, ErrorCode } = module.exports;
      assert.equal(typeof createClient, "function");
      assert.equal(ErrorCode.notLoggedIn, 2000);
      const client = createClient({ baseURL: h.url, subDomain: h.tenants.a.subDomain, wx });
      const session = await client.authorize();
      assert.equal(session.ok, true, JSON.stringify(session));
      assert.equal(await client.checkHasLogined(), true);
      assert.equal(wx.getStorageSync("token"), session.data.token);
    });
  });
}

test("the ESM build and the type declarations are there too", async () => {
  const esm = await import(join(pkgDir, pkg.module));
  assert.equal(typeof esm.createClient, "function");
  const types = readFileSync(join(pkgDir, pkg.types), "utf8");
  assert.match(types, /declare function createClient/);
  assert.match(types, /login_required/);
  assert.deepEqual(pkg.exports["."], { types: "./dist/index.d.ts", import: "./dist/index.mjs", require: "./dist/index.js" });
});
