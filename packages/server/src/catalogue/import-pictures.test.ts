import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import sharp from "sharp";
import { DEFAULT_MEDIA_CONFIG } from "../media/config";
import * as images from "../media/fixtures";
import { createMediaStore, type MediaStore } from "../media/store";
import { parseFileName } from "../media/urls";
import { connect } from "../storage/connect";
import { openStorage } from "../storage/open";
import { type Storage } from "../storage/storage";
import { testDatabases } from "../testing/databases";
import { freshPostgresSchema } from "../testing/postgres";
import { importCatalogue, readCatalogueFile } from "./import";
import { picturesInto } from "./import-pictures";

const PUBLIC_URL = "https://shop.example.com/api";
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "wegate-pictures-"));
  mkdirSync(join(dir, "photos"));
  writeFileSync(join(dir, "photos", "tea.jpg"), await images.jpegWithGps(120, 80));
  writeFileSync(join(dir, "cup.png"), await images.png(30, 30));
  writeFileSync(join(dir, "notes.jpg"), "not an image at all");
  writeFileSync(join(dir, "bomb.png"), images.pngBomb());
  writeFileSync(
    join(dir, "goods.csv"),
    [
      "name,price,stock,pics",
      "龙井,198,40,photos/tea.jpg|https://img.example.com/lj-2.jpg",
      "茶杯,35,10,cup.png",
      "普洱,268,12,notes.jpg",
      "白茶,88,5,missing.jpg|bomb.png",
      "红茶,66,8,./photos/tea.jpg",
    ].join("\n"),
  );
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function picsOf(storage: Storage, tenantId: number) {
  const goods = await storage.listGoods(tenantId, { offset: 0, limit: 100 });
  return Object.fromEntries(goods.map((g) => [g.name, g.pics]));
}

for (const database of testDatabases()) {
  describe(`goods import with local pictures on ${database}`, () => {
    let storage: Storage;
    let media: MediaStore;
    let drop: (() => Promise<void>) | undefined;
    before(async () => {
      const pg = database === "postgres" ? await freshPostgresSchema() : undefined;
      drop = pg?.drop;
      const url = pg?.url ?? `sqlite:${join(dir, "import.db")}`;
      const connection = connect(url);
      storage = openStorage(url, { connection });
      media = createMediaStore(connection.db);
      await storage.migrate();
    });
    after(async () => {
      await storage.close();
      await drop?.();
    });

    test("local files are uploaded once each and become URLs; a bad one fails its row, naming the file", async () => {
      const tenant = await storage.ensureTenant("tea", 1);
      const pictures = picturesInto(media, { tenantId: tenant.id, subDomain: "tea", publicUrl: PUBLIC_URL, limits: DEFAULT_MEDIA_CONFIG, baseDir: dir, now: 1 });
      const report = await importCatalogue(storage, tenant.id, readCatalogueFile(join(dir, "goods.csv")), { now: 1, pictures });

      assert.deepEqual([report.created, report.updated], [3, 0]);
      assert.deepEqual(
        report.failed.map((f) => [f.row, f.errors]),
        [
          [4, ['pics #1 "notes.jpg": Only JPEG, PNG, WebP or GIF images can be uploaded']],
          [5, ['pics #1 "missing.jpg": no such file', 'pics #2 "bomb.png": The image has too many pixels']],
        ],
      );
      const pics = await picsOf(storage, tenant.id);
      const [tea, other] = pics["龙井"];
      assert.match(tea, /^https:\/\/shop\.example\.com\/api\/tea\/dfs\/files\/[0-9a-f]{64}\.jpg$/);
      assert.equal(other, "https://img.example.com/lj-2.jpg", "URLs are kept as they are");
      assert.deepEqual(pics["红茶"], [tea], "the same file by another path is the same picture");
      assert.match(pics["茶杯"][0], /\.png$/);
      assert.equal(await media.countImages(tenant.id), 2);
      assert.equal(pictures.stored, 2);

      const stored = await media.findImage(tenant.id, parseFileName(tea.split("/").pop()!)!.hash);
      assert.equal((await sharp(stored!.bytes).metadata()).exif, undefined, "stored without EXIF, as an upload is");
    });
  });
}

test("wegate goods import uploads local pictures under PUBLIC_URL, and says when PUBLIC_URL is not set", async () => {
  const cli = join(import.meta.dirname, "..", "cli.ts");
  const tsx = import.meta.resolve("tsx");
  const { WECHAT_APPID, WECHAT_APP_SECRET, WEGATE_SECRET, DATABASE_URL, PUBLIC_URL: _unset, ...rest } = process.env;
  void [WECHAT_APPID, WECHAT_APP_SECRET, WEGATE_SECRET, DATABASE_URL];
  const databaseUrl = `sqlite:${join(dir, "cli.db")}`;
  const run = (env: NodeJS.ProcessEnv) =>
    spawnSync(process.execPath, ["--import", tsx, cli, "goods", "import", join(dir, "goods.csv")], {
      env: { ...rest, DATABASE_URL: databaseUrl, LOG_LEVEL: "warn", ...env },
      encoding: "utf8",
      cwd: dir,
      timeout: 60_000,
    });
  const withUrl = run({ PUBLIC_URL: "https://cdn.example.com/" });
  assert.equal(withUrl.status, 1, "two rows failed");
  assert.match(withUrl.stdout, /^imported 3 goods \(3 new, 0 updated\); 2 rows failed:/);
  assert.doesNotMatch(withUrl.stderr, /PUBLIC_URL is not set/);
  const storage = openStorage(databaseUrl);
  try {
    const tenant = (await storage.findTenant("demo"))!;
    assert.match((await picsOf(storage, tenant.id))["茶杯"][0], /^https:\/\/cdn\.example\.com\/demo\/dfs\/files\/[0-9a-f]{64}\.png$/);
  } finally {
    await storage.close();
  }
  const without = run({ PORT: "3456", HOST: "127.0.0.1" });
  assert.match(without.stderr, /PUBLIC_URL is not set: the 2 uploaded pictures' URLs start with http:\/\/127\.0\.0\.1:3456/);
});
