import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { openStorage } from "../storage/open";
import { type Storage } from "../storage/storage";
import { testDatabases } from "../testing/databases";
import { freshPostgresSchema } from "../testing/postgres";
import { CatalogueFileError, describeFailure, formatReport, importCatalogue, readCatalogueFile, type SourceRow } from "./import";

let dir: string;
const now = Date.UTC(2026, 10, 24);

before(() => {
  dir = mkdtempSync(join(tmpdir(), "wegate-catalogue-"));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function fileError(path: string): string {
  try {
    readCatalogueFile(path);
  } catch (error) {
    assert.ok(error instanceof CatalogueFileError, String(error));
    return error.message;
  }
  assert.fail(`${path} was read`);
}

test("CSV: header, BOM, quoted commas and newlines, CRLF, line numbers", () => {
  const csv = [
    "name,category,price,stock,content,options",
    'T恤,服饰,59.90,10,"<p>纯棉, 200g</p>",颜色:白|黑',
    '"夹克 ""轻薄""",服饰,199,5,"<p>第一行</p>',
    '<p>第二行</p>",',
    ",,,,,",
    "",
    "帆布鞋,服饰,139,3,,尺码:40|41",
  ].join("\r\n");
  const rows = readCatalogueFile(file("goods.csv", "\uFEFF" + csv));
  assert.deepEqual(rows.map((r) => r.row), [2, 3, 7]);
  assert.deepEqual(rows[0].fields, { name: "T恤", category: "服饰", price: "59.90", stock: "10", content: "<p>纯棉, 200g</p>", options: "颜色:白|黑" });
  assert.equal((rows[1].fields as any).name, '夹克 "轻薄"');
  assert.equal((rows[1].fields as any).content, "<p>第一行</p>\r\n<p>第二行</p>");
});

test("CSV: a row with the wrong number of cells is a bad row, not a bad file", () => {
  const rows = readCatalogueFile(file("short.csv", "name,price,stock\n袜子,9.9\n帽子,29,3,extra\n围巾,49,2\n"));
  assert.deepEqual(rows, [
    { row: 2, fields: { name: "袜子", price: "9.9", stock: undefined }, problem: "has 2 cells, the header has 3" },
    { row: 3, fields: { name: "帽子", price: "29", stock: "3" }, problem: "has 4 cells, the header has 3" },
    { row: 4, fields: { name: "围巾", price: "49", stock: "2" } },
  ]);
});

test("JSON: an array or {goods: [...]}, numbered from 1", () => {
  const goods = [{ name: "a", price: 1, stock: 1 }, "oops"];
  assert.deepEqual(readCatalogueFile(file("list.json", JSON.stringify(goods))), [{ row: 1, fields: goods[0] }, { row: 2, fields: "oops" }]);
  assert.deepEqual(readCatalogueFile(file("wrapped.json", "\uFEFF" + JSON.stringify({ goods }))).length, 2);
});

test("a file that cannot be used at all is one clear error", () => {
  assert.match(fileError(join(dir, "missing.csv")), /cannot read .*missing\.csv: no such file/);
  assert.match(fileError(dir + "/"), /use a \.json or \.csv file/);
  assert.match(fileError(file("goods.xlsx", "PK")), /use a \.json or \.csv file/);
  assert.match(fileError(file("broken.json", '[\n  {"name": "a",}\n]')), /broken\.json is not valid JSON: .*\(line 2, column 16\)/);
  assert.match(fileError(file("object.json", '{"items": []}')), /must hold a JSON array of goods, or \{"goods": \[\.\.\.\]\}/);
  assert.match(fileError(file("empty.json", "[]")), /has no goods rows/);
  assert.match(fileError(file("empty.csv", "")), /empty\.csv is empty: it needs a header row/);
  assert.match(fileError(file("header-only.csv", "name,price,stock\n")), /has no goods rows/);
  assert.match(fileError(file("gbk.csv", Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x0a, 0xc9, 0xcf, 0xd2, 0xc2, 0x0a]))), /not UTF-8 text \(in Excel, save as "CSV UTF-8"\)/);
  assert.match(fileError(file("typo.csv", "name,prise,stock\na,1,1\n")), /unknown column "prise" \(columns: name, category, price/);
  assert.match(fileError(file("nostock.csv", "name,price\na,1\n")), /missing column "stock"/);
  assert.match(fileError(file("twice.csv", "name,price,stock,price\na,1,1,2\n")), /column "price" appears twice/);
  assert.match(fileError(file("quote.csv", 'name,price,stock\n"a,1,1\n')), /quote\.csv is not valid CSV: .*line 2/);
});

for (const database of testDatabases()) {
  describe(`goods import into the database (${database})`, () => {
    let storage: Storage;
    let pg: { url: string; drop(): Promise<void> } | undefined;
    before(async () => {
      pg = database === "postgres" ? await freshPostgresSchema() : undefined;
      storage = openStorage(pg?.url ?? `sqlite:${join(dir, "wegate.db")}`);
      await storage.migrate();
    });
    after(async () => {
      await storage.close();
      await pg?.drop();
    });

    async function allGoods(tenantId: number) {
      return storage.listGoods(tenantId, { offset: 0, limit: 1000 });
    }

    test("a catalogue with some bad rows reports them and imports the rest", async () => {
      const tenant = await storage.ensureTenant("mixed", now);
      const rows = readCatalogueFile(file("mixed.csv", [
        "name,category,price,originalPrice,stock,pics,options",
        "T恤,服饰,59.90,89,100,https://img.example.com/t1.jpg|https://img.example.com/t2.jpg,颜色:白|黑;尺码:S|M|L",
        "坏价格,服饰,abc,,5,,",
        "咖啡豆,食品,68,,200,,",
        ",食品,1,,1,,",
        "负库存,数码,10,,-3,ftp://x.example.com/a.jpg,",
        "耳机,数码,299.00,399.00,12,,",
        "T恤,服饰,1,,1,,",
        "短行,数码,5",
      ].join("\n")));
      const progress: number[] = [];
      const report = await importCatalogue(storage, tenant.id, rows, { now, onProgress: (done, total) => progress.push(done / total) });

      assert.equal(report.created, 3);
      assert.equal(report.updated, 0);
      assert.deepEqual(report.failed, [
        { row: 3, name: "坏价格", errors: ['price "abc" is not an amount in yuan (like 19.99)'] },
        { row: 5, errors: ["name is required"] },
        { row: 6, name: "负库存", errors: ['stock "-3" is not a whole number ≥ 0', 'pics #1 "ftp://x.example.com/a.jpg" is not an http(s) URL'] },
        { row: 8, name: "T恤", errors: ['name "T恤" repeats row 2 (a name may appear once per file)'] },
        { row: 9, name: "短行", errors: ["has 3 cells, the header has 7"] },
      ]);
      assert.equal(progress.length, 8);
      assert.equal(progress.at(-1), 1);

      const stored = await allGoods(tenant.id);
      assert.deepEqual(stored.map((g) => g.name).sort(), ["T恤", "咖啡豆", "耳机"]);
      const shirt = (await storage.findGoods(tenant.id, stored.find((g) => g.name === "T恤")!.id))!;
      assert.equal(shirt.price, 5990);
      assert.equal(shirt.originalPrice, 8900);
      assert.equal(shirt.stock, 100);
      assert.deepEqual(shirt.pics, ["https://img.example.com/t1.jpg", "https://img.example.com/t2.jpg"]);
      assert.deepEqual(shirt.options.map((o) => [o.id, o.name, o.values.map((v) => `${v.id}:${v.name}`)]), [
        [1, "颜色", ["1:白", "2:黑"]],
        [2, "尺码", ["3:S", "4:M", "5:L"]],
      ]);
      const categories = await storage.listCategories(tenant.id);
      assert.deepEqual(categories.map((c) => c.name).sort(), ["数码", "服饰", "食品"], "categories come only from good rows, once each");
      assert.equal(stored.find((g) => g.name === "咖啡豆")!.categoryId, categories.find((c) => c.name === "食品")!.id);
      assert.equal(stored.find((g) => g.name === "咖啡豆")!.originalPrice, 6800, "originalPrice defaults to price");

      assert.equal(describeFailure(report.failed[0]), 'row 3 (name "坏价格"): price "abc" is not an amount in yuan (like 19.99)');
      assert.equal(formatReport(report).split("\n")[0], "imported 3 goods (3 new, 0 updated); 5 rows failed:");
      assert.equal(formatReport(report).split("\n")[2], "  row 5: name is required");
      assert.equal(formatReport({ created: 1, updated: 2, failed: [] }), "imported 3 goods (1 new, 2 updated)");
    });

    test("importing again updates in place; other tenants are untouched", async () => {
      const tenant = await storage.ensureTenant("again", now);
      const other = await storage.ensureTenant("other", now);
      const first: SourceRow[] = [
        { row: 1, fields: { name: "茶叶", category: "食品", price: "198", stock: 40 } },
        { row: 2, fields: { name: "坚果", category: "食品", price: 79.9, stock: 350, options: [{ name: "规格", values: ["15袋", "30袋"] }] } },
      ];
      assert.deepEqual(await importCatalogue(storage, tenant.id, first, { now }), { created: 2, updated: 0, failed: [] });
      await importCatalogue(storage, other.id, first.slice(0, 1), { now });

      const second: SourceRow[] = [
        { row: 1, fields: { name: "茶叶", category: "茶", price: "188.5", stock: 39, content: "<p>新茶</p>" } },
        { row: 2, fields: { name: "坚果", price: "bad", stock: 1 } },
        { row: 3, fields: { name: "咖啡", price: "68", stock: 5 } },
      ];
      const report = await importCatalogue(storage, tenant.id, second, { now: now + 1000 });
      assert.deepEqual(report, { created: 1, updated: 1, failed: [{ row: 2, name: "坚果", errors: ['price "bad" is not an amount in yuan (like 19.99)'] }] });

      const goods = await allGoods(tenant.id);
      assert.equal(goods.length, 3, "no duplicates");
      const tea = goods.find((g) => g.name === "茶叶")!;
      assert.equal(tea.price, 18850);
      assert.equal(tea.stock, 39);
      assert.equal(tea.content, "<p>新茶</p>");
      assert.equal(tea.categoryId, (await storage.listCategories(tenant.id)).find((c) => c.name === "茶")!.id);
      const nuts = goods.find((g) => g.name === "坚果")!;
      assert.equal(nuts.price, 7990, "a bad row leaves the stored goods as they were");
      assert.equal(nuts.options[0].values.length, 2);
      assert.equal(goods.find((g) => g.name === "咖啡")!.categoryId, null);

      const others = await allGoods(other.id);
      assert.deepEqual(others.map((g) => [g.name, g.price]), [["茶叶", 19800]]);
    });

    test("a row the database refuses is reported and the rest still import", async () => {
      const tenant = await storage.ensureTenant("flaky", now);
      const flaky = {
        ensureCategory: storage.ensureCategory,
        async saveGoods(tenantId: number, goods: Parameters<Storage["saveGoods"]>[1], at: number) {
          if (goods.name === "坏") throw new Error("disk full");
          return storage.saveGoods(tenantId, goods, at);
        },
      };
      const rows: SourceRow[] = ["好1", "坏", "好2"].map((name, i) => ({ row: i + 1, fields: { name, price: 1, stock: 1 } }));
      const report = await importCatalogue(flaky, tenant.id, rows, { now });
      assert.deepEqual(report, { created: 2, updated: 0, failed: [{ row: 2, name: "坏", errors: ["could not be saved: disk full"] }] });
    });
  });
}
