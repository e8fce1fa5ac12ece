import { readFileSync } from "node:fs";
import { basename, extname } from "node:path";
import { parse } from "csv-parse/sync";
import type { ShopStorage } from "../shop/store";
import { type PictureUploads, uploadLocalPictures } from "./import-pictures";
import { checkRow, type CheckedRow, FIELDS, REQUIRED_FIELDS } from "./rows";

/** One row as read from a file: `row` is the CSV line it starts on, or the JSON array position (both 1-based). */
export interface SourceRow {
  row: number;
  fields: unknown;
  /** Set when the row is broken as read (a CSV row with the wrong number of cells); its fields are then not checked. */
  problem?: string;
}

export interface ImportFailure {
  row: number;
  name?: string;
  errors: string[];
}

export interface ImportReport {
  created: number;
  updated: number;
  failed: ImportFailure[];
}

/** The whole file is unusable (missing, unreadable, not JSON/CSV, wrong columns): nothing was imported. */
export class CatalogueFileError extends Error {
  override readonly name = "CatalogueFileError";
}

function readText(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : code === "EACCES" ? "permission denied" : String(error);
    throw new CatalogueFileError(`cannot read ${path}: ${why}`);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    // Excel on a Chinese Windows saves "CSV" as GBK unless told otherwise.
    throw new CatalogueFileError(`${path} is not UTF-8 text (in Excel, save as "CSV UTF-8")`);
  }
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position).split("\n");
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

/** A JSON array of rows, or `{"goods": [...]}`. */
export function rowsFromJson(text: string, label: string): SourceRow[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    throw new CatalogueFileError(`${label} is not valid JSON: ${message}${position ? ` (${lineAndColumn(text, Number(position[1]))})` : ""}`);
  }
  const list = Array.isArray(value) ? value : (value as { goods?: unknown } | null)?.goods;
  if (!Array.isArray(list)) throw new CatalogueFileError(`${label} must hold a JSON array of goods, or {"goods": [...]}`);
  return list.map((fields, index) => ({ row: index + 1, fields }));
}

function lineBreaks(text: string): number {
  return text.match(/\r\n|\r|\n/g)?.length ?? 0;
}

/** CSV with a header row naming the fields; empty cells are absent fields. */
export function rowsFromCsv(text: string, label: string): SourceRow[] {
  let records: Array<{ record: string[]; raw: string }>;
  try {
    // csv-parse's types do not model `raw: true`, which pairs each record with its text.
    records = parse(text, { bom: true, raw: true, relax_column_count: true }) as unknown as typeof records;
  } catch (error) {
    throw new CatalogueFileError(`${label} is not valid CSV: ${(error as Error).message}`);
  }
  if (records.length === 0) throw new CatalogueFileError(`${label} is empty: it needs a header row (${FIELDS.join(",")})`);
  const header = records[0].record.map((h) => h.trim());
  const unknown = header.filter((h) => !(FIELDS as readonly string[]).includes(h));
  if (unknown.length) throw new CatalogueFileError(`${label}: unknown column ${unknown.map((h) => JSON.stringify(h)).join(", ")} (columns: ${FIELDS.join(", ")})`);
  const twice = header.find((h, i) => header.indexOf(h) !== i);
  if (twice) throw new CatalogueFileError(`${label}: column "${twice}" appears twice`);
  const missing = REQUIRED_FIELDS.filter((f) => !header.includes(f));
  if (missing.length) throw new CatalogueFileError(`${label}: missing column ${missing.map((f) => `"${f}"`).join(", ")}`);

  const rows: SourceRow[] = [];
  // Line numbers are counted here from each record's text: quoted cells may
  // span lines, and csv-parse's own count takes a quoted CRLF for two lines.
  let line = 1 + lineBreaks(records[0].raw);
  for (const { record, raw } of records.slice(1)) {
    const row = line;
    line += lineBreaks(raw);
    // Empty lines, and the rows of empty cells spreadsheets leave behind, carry no goods.
    if (record.every((cell) => cell.trim() === "")) continue;
    const fields = Object.fromEntries(header.map((h, i) => [h, record[i]]));
    const problem = record.length === header.length ? undefined : `has ${record.length} cells, the header has ${header.length}`;
    rows.push({ row, fields, ...(problem && { problem }) });
  }
  return rows;
}

/** Reads a `.json` or `.csv` catalogue (UTF-8, BOM allowed). Throws CatalogueFileError when the file as a whole is unusable. */
export function readCatalogueFile(path: string): SourceRow[] {
  const type = extname(path).toLowerCase();
  if (type !== ".json" && type !== ".csv") throw new CatalogueFileError(`${path}: use a .json or .csv file`);
  const text = readText(path);
  const rows = type === ".json" ? rowsFromJson(text.replace(/^\uFEFF/, ""), basename(path)) : rowsFromCsv(text, basename(path));
  if (rows.length === 0) throw new CatalogueFileError(`${path} has no goods rows`);
  return rows;
}

function nameOf(fields: unknown): string | undefined {
  const name = (typeof fields === "object" && fields !== null ? (fields as Record<string, unknown>).name : undefined);
  return typeof name === "string" && name.trim() ? name.trim() : undefined;
}

/**
 * Saves every good row and reports every bad one; a bad row never stops the
 * rest. Goods are matched by name within the tenant, so importing the same
 * file again updates in place. A name may appear once per file: later rows
 * with it fail, so a report never hides which of two rows won. With
 * `pictures`, `pics` may also name local image files, which are uploaded into
 * the tenant's media store and replaced by their URLs.
 */
export async function importCatalogue(
  storage: Pick<ShopStorage, "ensureCategory" | "saveGoods">,
  tenantId: number,
  rows: SourceRow[],
  options: { now: number; onProgress?: (done: number, total: number) => void; pictures?: PictureUploads },
): Promise<ImportReport> {
  const report: ImportReport = { created: 0, updated: 0, failed: [] };
  const firstRowOf = new Map<string, number>();
  const categoryIds = new Map<string, number>();
  const uploaded = new Map<string, Promise<string>>();
  let done = 0;
  for (const { row, fields: read, problem } of rows) {
    const name = nameOf(read);
    const { fields, errors: pictureErrors } =
      options.pictures && problem === undefined ? await uploadLocalPictures(read, options.pictures, uploaded) : { fields: read, errors: [] };
    const checked: CheckedRow = problem === undefined ? checkRow(fields) : { ok: false, errors: [problem] };
    const errors = [...pictureErrors, ...(checked.ok ? [] : checked.errors)];
    if (name !== undefined) {
      const first = firstRowOf.get(name);
      if (first === undefined) firstRowOf.set(name, row);
      else errors.unshift(`name ${JSON.stringify(name)} repeats row ${first} (a name may appear once per file)`);
    }
    if (checked.ok && errors.length === 0) {
      try {
        const { category, ...goods } = checked.goods;
        let categoryId: number | null = null;
        if (category !== null) {
          categoryId = categoryIds.get(category) ?? (await storage.ensureCategory(tenantId, category, options.now)).id;
          categoryIds.set(category, categoryId);
        }
        const saved = await storage.saveGoods(tenantId, { ...goods, categoryId }, options.now);
        if (saved.created) report.created++;
        else report.updated++;
      } catch (error) {
        errors.push(`could not be saved: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (errors.length > 0) report.failed.push({ row, ...(name !== undefined && { name }), errors });
    options.onProgress?.(++done, rows.length);
  }
  return report;
}

/** `row 4 (name "T恤"): price "abc" is not an amount in yuan (like 19.99); stock is required` */
export function describeFailure(failure: ImportFailure): string {
  const short = failure.name && [...failure.name].length > 40 ? [...failure.name].slice(0, 39).join("") + "…" : failure.name;
  const name = short === undefined ? "" : ` (name ${JSON.stringify(short)})`;
  return `row ${failure.row}${name}: ${failure.errors.join("; ")}`;
}

/** The report as the CLI prints it: one summary line, then one line per failed row. */
export function formatReport(report: ImportReport): string {
  const imported = `imported ${report.created + report.updated} goods (${report.created} new, ${report.updated} updated)`;
  if (report.failed.length === 0) return imported;
  const failed = `${report.failed.length} ${report.failed.length === 1 ? "row" : "rows"} failed:`;
  return [`${imported}; ${failed}`, ...report.failed.map((f) => `  ${describeFailure(f)}`)].join("\n");
}
