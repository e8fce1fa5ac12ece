/** The built console at /admin: pages, hashed assets, app routes after a reload, and a console never built. */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { after, before, describe, test } from "node:test";
import { type Harness, startHarness } from "../testing/harness";
import { defaultConsoleDir } from "./console-static";

const INDEX = '<!doctype html><html><head><script type="module" src="/admin/assets/index-Ab12Cd34.js"></script></head><body><div id="app"></div></body></html>';
const SCRIPT = "console.log('console');";

/** A console as `vite build` leaves it: index.html, assets/ with hashed names, a file beside them. */
function fakeBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), "wegate-console-"));
  mkdirSync(join(dir, "assets"));
  writeFileSync(join(dir, "index.html"), INDEX);
  writeFileSync(join(dir, "assets", "index-Ab12Cd34.js"), SCRIPT);
  // vite-plugin-compression2 leaves one beside each larger file.
  writeFileSync(join(dir, "assets", "index-Ab12Cd34.js.gz"), gzipSync(SCRIPT));
  writeFileSync(join(dir, "favicon.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
  return dir;
}

async function get(h: Harness, path: string, headers: Record<string, string> = {}) {
  // fetch asks for gzip itself and unpacks it: what came over the wire is in `encoding`.
  const response = await fetch(`${h.url}${path}`, { headers: { "accept-encoding": "identity", ...headers } });
  return {
    status: response.status,
    type: response.headers.get("content-type") ?? "",
    cache: response.headers.get("cache-control"),
    encoding: response.headers.get("content-encoding"),
    text: await response.text(),
  };
}

describe("console at /admin, built", () => {
  let h: Harness;
  let dir: string;
  before(async () => {
    dir = fakeBuild();
    // The harness builds the server as `wegate serve` does; CONSOLE_DIR is read when it registers the console.
    process.env.CONSOLE_DIR = dir;
    h = await startHarness();
    delete process.env.CONSOLE_DIR;
  });
  after(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("/admin and /admin/ answer index.html, never cached without asking again", async () => {
    for (const path of ["/admin", "/admin/"]) {
      const page = await get(h, path);
      assert.equal(page.status, 200, `${path} answers`);
      assert.match(page.type, /^text\/html/, `${path} is HTML`);
      assert.equal(page.text, INDEX, `${path} is the console's index.html`);
      assert.equal(page.cache, "no-cache", `${path} is revalidated each time`);
    }
  });

  test("an app route (a reload on /admin/goods) answers index.html, so the app's router shows the page", async () => {
    for (const path of ["/admin/goods", "/admin/users?q=7", "/admin/login"]) {
      const page = await get(h, path);
      assert.equal(page.status, 200, `${path} answers`);
      assert.equal(page.text, INDEX, `${path} is index.html`);
      assert.equal(page.cache, "no-cache", `${path} is revalidated each time`);
    }
  });

  test("hashed assets are cached for a year as immutable; files beside index.html are revalidated", async () => {
    const script = await get(h, "/admin/assets/index-Ab12Cd34.js");
    assert.equal(script.status, 200, "the asset answers");
    assert.match(script.type, /javascript/, "with its type");
    assert.equal(script.text, SCRIPT, "its bytes");
    assert.equal(script.cache, "public, max-age=31536000, immutable", "cached for a year");
    const icon = await get(h, "/admin/favicon.svg");
    assert.equal(icon.status, 200, "the icon answers");
    assert.equal(icon.cache, "no-cache", "a file without a hash in its name is revalidated");
  });

  test("a browser that takes gzip gets the file compressed at build time; others get the file itself", async () => {
    const packed = await get(h, "/admin/assets/index-Ab12Cd34.js", { "accept-encoding": "gzip, deflate, br" });
    assert.equal(packed.encoding, "gzip", "sent as the .gz beside it");
    assert.equal(packed.text, SCRIPT, "which unpacks to the file");
    assert.match(packed.type, /javascript/, "typed as the file, not as gzip");
    assert.equal(packed.cache, "public, max-age=31536000, immutable", "cached as the file");
    const plain = await get(h, "/admin/assets/index-Ab12Cd34.js");
    assert.equal(plain.encoding, null, "no encoding for a client that takes none");
    assert.equal(plain.text, SCRIPT, "the file itself");
  });

  test("a missing asset or API route is the 404 envelope, not index.html", async () => {
    for (const path of ["/admin/assets/index-gone.js", "/admin/api/no-such-route", "/admin/api"]) {
      const answer = await get(h, path, { "accept-language": "en" });
      assert.equal(answer.status, 404, `${path} is not found`);
      assert.deepEqual(JSON.parse(answer.text), { code: 404, msg: "No such API" }, `${path} answers the envelope`);
    }
  });

  test("the console API and the mini program routes are not shadowed by the app's routes", async () => {
    const me = await get(h, "/admin/api/me", { "accept-language": "en" });
    assert.equal(me.status, 401, "/admin/api/me still needs the session");
    assert.equal(JSON.parse(me.text).code, 60001, "with the console's code");
    const config = await get(h, `/${h.tenants.a.subDomain}/config/values?keys=x`);
    assert.notEqual(config.text, INDEX, "a tenant route is not the console");
  });
});

describe("console at /admin, not built", () => {
  let h: Harness;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "wegate-console-empty-"));
    process.env.CONSOLE_DIR = dir;
    h = await startHarness();
    delete process.env.CONSOLE_DIR;
  });
  after(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("/admin and its routes say the console is not built and how to build it, in the envelope", async () => {
    for (const path of ["/admin", "/admin/", "/admin/goods"]) {
      const zh = await get(h, path);
      assert.equal(zh.status, 503, `${path}: not ready`);
      const body = JSON.parse(zh.text);
      assert.equal(body.code, 503, `${path}: the catalogue's code`);
      assert.match(body.msg, /npm run build/, `${path}: says to run npm run build`);
      assert.match(body.msg, /运营后台尚未构建/, `${path}: in Chinese by default`);
      const en = JSON.parse((await get(h, path, { "accept-language": "en" })).text);
      assert.match(en.msg, /operator console is not built.*npm run build/, `${path}: and in English on request`);
    }
  });

  test("the console API still answers", async () => {
    const me = await get(h, "/admin/api/me");
    assert.equal(me.status, 401, "the API is there without the app");
  });
});

test("by default the console is looked for in apps/console/dist, whatever the working directory; CONSOLE_DIR overrides", () => {
  assert.equal(defaultConsoleDir({}), resolve(import.meta.dirname, "../../../../apps/console/dist"));
  assert.equal(defaultConsoleDir({ CONSOLE_DIR: "/srv/console" }), "/srv/console");
});
