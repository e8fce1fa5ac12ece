import { isOneLine } from "../one-line";
import type { NewGoods, SkuOption } from "../shop/store";

/**
 * One goods row of a catalogue file, the same for JSON and CSV. JSON may use
 * arrays where CSV uses the text forms; both forms are accepted everywhere:
 *
 *   name           required, ≤128 characters; the goods' identity in its tenant
 *   category       category name, created when missing; empty = no category
 *   price          yuan, "19.99" or 19.99, ≥0, at most 2 decimals
 *   originalPrice  yuan like price, not below it; empty = price
 *   stock          whole number ≥0, required
 *   pics           http(s) URLs: a JSON array, or "url1|url2"
 *   content        HTML of the detail page
 *   options        [{name, values: [..]}], or "颜色:红|蓝;尺码:S|M|L"
 *   sort           whole number, lower first; empty = 0
 */
export const FIELDS = ["name", "category", "price", "originalPrice", "stock", "pics", "content", "options", "sort"] as const;
export const REQUIRED_FIELDS = ["name", "price", "stock"] as const;

/** A checked row: what saveGoods takes, with the category still a name. */
export type CatalogueGoods = Omit<NewGoods, "categoryId"> & { category: string | null };

export type CheckedRow = { ok: true; goods: CatalogueGoods } | { ok: false; errors: string[] };

const MAX_NAME = 128; // goods.name is varchar(128)
const MAX_CATEGORY = 64; // categories.name is varchar(64)
const MAX_CENTS = 999_999_999; // fits PostgreSQL's 32-bit integer column
const MAX_STOCK = 999_999_999;
const MAX_SORT = 999_999_999;
const MAX_PICS = 20;
const MAX_URL = 1024;
const MAX_CONTENT = 200_000;
const MAX_OPTIONS = 10;
const MAX_OPTION_VALUES = 100;
const MAX_OPTION_TEXT = 32;

const YUAN = /^(\d+)(?:\.(\d+))?$/;
const WHOLE = /^-?\d+$/;

/**
 * JSON.stringify recurses, so a value nested deeper than the stack allows
 * (JSON.parse reads it: a catalogue of `[[[[…]]]]`) is shown by its kind.
 */
function stringified(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return Array.isArray(value) ? "[…]" : "{…}";
  }
}

/** A value as the user wrote it (text in quotes), short enough for a one-line report. */
function shown(value: unknown): string {
  const text = typeof value === "string" ? value : (stringified(value) ?? String(value));
  const short = [...text].length > 40 ? [...text].slice(0, 39).join("") + "…" : text;
  return typeof value === "string" ? JSON.stringify(short) : short;
}

/** Records a problem; the field then has no value. */
function problem(errors: string[], message: string): undefined {
  errors.push(message);
  return undefined;
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === "string" && value.trim() === "");
}

function length(text: string): number {
  return [...text].length;
}

/**
 * Yuan to integer cents from the decimal text, never through float
 * arithmetic: "19.99" is 1999 exactly. A JSON number is read through its
 * shortest text form, so 19.9 is "19.9" and 0.1 + 0.2 (0.30000000000000004)
 * is refused for its decimals instead of being rounded quietly.
 */
function cents(field: string, value: unknown, errors: string[]): number | undefined {
  const written = typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : undefined;
  if (written === undefined) return problem(errors, `${field} ${shown(value)} is not an amount in yuan (like 19.99)`);
  if (/^-\d/.test(written) && YUAN.test(written.slice(1))) return problem(errors, `${field} ${shown(value)} is negative`);
  const match = YUAN.exec(written);
  if (!match) return problem(errors, `${field} ${shown(value)} is not an amount in yuan (like 19.99)`);
  const [, whole, fraction = ""] = match;
  if (fraction.length > 2) return problem(errors, `${field} ${shown(value)} has more than 2 decimals`);
  const digits = whole.replace(/^0+(?=\d)/, "");
  const amount = digits.length > 10 ? Infinity : Number(digits) * 100 + Number(fraction.padEnd(2, "0"));
  if (amount > MAX_CENTS) return problem(errors, `${field} ${shown(value)} is more than the maximum of 9999999.99 yuan`);
  return amount;
}

function whole(field: string, value: unknown, min: number, max: number, errors: string[]): number | undefined {
  const written = typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : "";
  const number = WHOLE.test(written) ? Number(written) : NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    const range = min === 0 ? "≥ 0" : `from ${min} to ${max}`;
    return problem(errors, `${field} ${shown(value)} is not a whole number ${range}`);
  }
  return number;
}

function textField(field: string, value: unknown, max: number, errors: string[]): string | undefined {
  if (typeof value !== "string") return problem(errors, `${field} must be text, got ${shown(value)}`);
  const trimmed = value.trim();
  if (length(trimmed) > max) return problem(errors, `${field} is longer than ${max} characters`);
  if (!isOneLine(trimmed)) return problem(errors, `${field} must be one line without control characters`);
  return trimmed;
}

function pics(value: unknown, errors: string[]): string[] {
  const items = typeof value === "string" ? value.split("|").map((s) => s.trim()).filter(Boolean) : value;
  if (!Array.isArray(items)) {
    errors.push(`pics must be a list of URLs ("url1|url2" in CSV), got ${shown(value)}`);
    return [];
  }
  if (items.length > MAX_PICS) {
    errors.push(`pics has ${items.length} URLs, at most ${MAX_PICS} are allowed`);
    return [];
  }
  const urls: string[] = [];
  items.forEach((item, index) => {
    const url = typeof item === "string" ? item.trim() : "";
    let protocol = "";
    try {
      protocol = new URL(url).protocol;
    } catch {
      // reported below
    }
    if (protocol !== "https:" && protocol !== "http:") {
      errors.push(`pics #${index + 1} ${shown(item)} is not an http(s) URL`);
    } else if (url.length > MAX_URL) {
      errors.push(`pics #${index + 1} is longer than ${MAX_URL} characters`);
    } else {
      urls.push(url);
    }
  });
  return urls;
}

/** "颜色:红|蓝;尺码:S|M|L" (full-width ：；｜ too, as Chinese keyboards type them) to [{name, values}]. */
function optionsFromText(value: string, errors: string[]): Array<{ name: unknown; values: unknown[] }> | undefined {
  const groups = value.split(/[;；]/).map((s) => s.trim()).filter(Boolean);
  const parsed = [];
  for (const group of groups) {
    const colon = group.search(/[:：]/);
    if (colon < 0) {
      errors.push(`options ${shown(group)} is not like 颜色:红|蓝`);
      return undefined;
    }
    parsed.push({ name: group.slice(0, colon), values: group.slice(colon + 1).split(/[|｜]/) });
  }
  return parsed;
}

/** Option ids 1..n in file order; value ids 1..m across the whole goods, so each id names one value. */
function options(value: unknown, errors: string[]): SkuOption[] {
  const raw = typeof value === "string" ? optionsFromText(value, errors) : value;
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    errors.push(`options must be a list like [{"name":"颜色","values":["红","蓝"]}], got ${shown(value)}`);
    return [];
  }
  if (raw.length > MAX_OPTIONS) {
    errors.push(`options has ${raw.length} options, at most ${MAX_OPTIONS} are allowed`);
    return [];
  }
  const result: SkuOption[] = [];
  let valueId = 0;
  for (const item of raw) {
    const { name, values } = (typeof item === "object" && item !== null ? item : {}) as Record<string, unknown>;
    const optionName = typeof name === "string" ? name.trim() : "";
    if (!optionName || length(optionName) > MAX_OPTION_TEXT || !isOneLine(optionName)) {
      errors.push(`options: an option needs a name of 1 to ${MAX_OPTION_TEXT} characters, got ${shown(name ?? item)}`);
      continue;
    }
    if (result.some((o) => o.name === optionName)) errors.push(`options: ${optionName} appears twice`);
    const names = (Array.isArray(values) ? values : [])
      .map((v) => (typeof v === "number" && Number.isFinite(v) ? String(v) : typeof v === "string" ? v.trim() : undefined));
    if (!Array.isArray(values) || names.includes(undefined)) {
      errors.push(`options: ${optionName} needs its values as a list of text`);
      continue;
    }
    const kept = names.filter((v): v is string => Boolean(v));
    if (kept.length === 0) errors.push(`options: ${optionName} has no values`);
    if (kept.length > MAX_OPTION_VALUES) errors.push(`options: ${optionName} has more than ${MAX_OPTION_VALUES} values`);
    const tooLong = kept.find((v) => length(v) > MAX_OPTION_TEXT);
    if (tooLong) errors.push(`options: ${optionName} value ${shown(tooLong)} is longer than ${MAX_OPTION_TEXT} characters`);
    const notOneLine = kept.find((v) => !isOneLine(v));
    if (notOneLine) errors.push(`options: ${optionName} value ${shown(notOneLine)} must be one line without control characters`);
    const twice = kept.find((v, i) => kept.indexOf(v) !== i);
    if (twice) errors.push(`options: ${optionName} has ${twice} twice`);
    result.push({ id: result.length + 1, name: optionName, values: kept.map((v) => ({ id: ++valueId, name: v })) });
  }
  return result;
}

/** Checks one row and reports every problem in it, each naming its field. */
export function checkRow(fields: unknown): CheckedRow {
  if (typeof fields !== "object" || fields === null || Array.isArray(fields)) {
    return { ok: false, errors: [`must be an object with ${REQUIRED_FIELDS.join(", ")}, got ${shown(fields)}`] };
  }
  const row = fields as Record<string, unknown>;
  const errors: string[] = [];
  for (const key of Object.keys(row)) {
    if (!(FIELDS as readonly string[]).includes(key)) errors.push(`unknown field ${shown(key)} (known: ${FIELDS.join(", ")})`);
  }
  for (const key of REQUIRED_FIELDS) if (isBlank(row[key])) errors.push(`${key} is required`);

  const name = isBlank(row.name) ? undefined : textField("name", row.name, MAX_NAME, errors);
  const category = isBlank(row.category) ? null : textField("category", row.category, MAX_CATEGORY, errors);
  const price = isBlank(row.price) ? undefined : cents("price", row.price, errors);
  const originalPrice = isBlank(row.originalPrice) ? price : cents("originalPrice", row.originalPrice, errors);
  // A list price below the selling price reads as a mark-up on the shop page;
  // it is almost always two swapped columns, so it is refused, not stored.
  if (price !== undefined && originalPrice !== undefined && originalPrice < price) {
    errors.push(`originalPrice ${shown(row.originalPrice)} is below price ${shown(row.price)} (leave it empty to use the price)`);
  }
  const stock = isBlank(row.stock) ? undefined : whole("stock", row.stock, 0, MAX_STOCK, errors);
  const sort = isBlank(row.sort) ? 0 : whole("sort", row.sort, -MAX_SORT, MAX_SORT, errors);
  const content = isBlank(row.content) ? "" : typeof row.content === "string" ? row.content : undefined;
  if (content === undefined) errors.push(`content must be HTML text, got ${shown(row.content)}`);
  else if (content.length > MAX_CONTENT) errors.push(`content is longer than ${MAX_CONTENT} characters`);
  const urls = isBlank(row.pics) ? [] : pics(row.pics, errors);
  const skuOptions = isBlank(row.options) ? [] : options(row.options, errors);

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    goods: {
      name: name!,
      category: category || null,
      price: price!,
      originalPrice: originalPrice!,
      stock: stock!,
      pics: urls,
      content: content!,
      options: skuOptions,
      sort,
    },
  };
}
