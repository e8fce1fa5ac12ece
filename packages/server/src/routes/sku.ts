import { ApiError, detail } from "../errors";
import type { SkuOption } from "../shop/store";

/** One chosen option value, as cart lines show it. */
export interface SkuChoice {
  optionId: number;
  optionValueId: number;
  optionName: string;
  optionValueName: string;
}

const SKU_FORMAT = detail('sku 应当是形如 [{"optionId":1,"optionValueId":2}] 的 JSON 数组', 'sku must be a JSON array like [{"optionId":1,"optionValueId":2}]');

function idOf(value: unknown): number | undefined {
  const id = typeof value === "string" && /^\d{1,9}$/.test(value) ? Number(value) : value;
  return typeof id === "number" && Number.isInteger(id) && id > 0 && id < 2 ** 31 ? id : undefined;
}

/** Keys already worked out, per goods' options (parsed once, frozen and shared) and `sku` text. */
const keys = new WeakMap<SkuOption[], Map<string, string>>();
const KEYS_PER_OPTIONS = 256;

/**
 * API Factory's `sku` parameter (a JSON string) checked against the goods'
 * options: every option chosen once, with one of its values. Returns the
 * line's canonical key ("optionId:valueId,..." by option id; "" without
 * options), so the same choice in any order is the same cart line. A client
 * sends the same few texts for a goods again and again: their keys are kept.
 */
export function skuKeyOf(json: string | undefined, options: SkuOption[]): string {
  if (json === undefined || !Object.isFrozen(options)) return checkedSkuKey(json, options);
  let known = keys.get(options);
  let key = known?.get(json);
  if (key === undefined) {
    key = checkedSkuKey(json, options);
    if (!known) keys.set(options, (known = new Map()));
    if (known.size < KEYS_PER_OPTIONS) known.set(json, key);
  }
  return key;
}

function checkedSkuKey(json: string | undefined, options: SkuOption[]): string {
  let parsed: unknown = [];
  if (json !== undefined) {
    try {
      parsed = JSON.parse(json);
    } catch {
      throw new ApiError("badInput", SKU_FORMAT);
    }
  }
  if (parsed === null) parsed = [];
  if (!Array.isArray(parsed) || parsed.length > 32) throw new ApiError("badInput", SKU_FORMAT);

  const chosen = new Map<number, number>();
  for (const item of parsed) {
    const { optionId, optionValueId } = (typeof item === "object" && item !== null ? item : {}) as Record<string, unknown>;
    const option = idOf(optionId);
    const value = idOf(optionValueId);
    if (option === undefined || value === undefined) throw new ApiError("badInput", SKU_FORMAT);
    if (chosen.has(option)) throw new ApiError("badInput", detail(`sku 重复选择了规格 ${option}`, `sku chooses option ${option} twice`));
    const known = options.find((o) => o.id === option);
    if (!known) throw new ApiError("badInput", detail(`sku: 该商品没有规格 ${option}`, `sku: this goods has no option ${option}`));
    if (!known.values.some((v) => v.id === value)) throw new ApiError("badInput", detail(`sku: 规格 ${known.name} 没有选项 ${value}`, `sku: option ${known.name} has no value ${value}`));
    chosen.set(option, value);
  }
  const missing = options.filter((o) => !chosen.has(o.id));
  if (missing.length) throw new ApiError("badInput", detail(`sku 需要选择 ${missing.map((o) => o.name).join("、")}`, `sku must choose ${missing.map((o) => o.name).join(", ")}`));
  return [...chosen].sort(([a], [b]) => a - b).map(([option, value]) => `${option}:${value}`).join(",");
}

/** Named choices per goods' options (parsed once and shared, see storage/shop.ts) and key. */
const named = new WeakMap<SkuOption[], Map<string, SkuChoice[]>>();

/** The choices a line's key stands for, named from the goods' current options. Shared: do not change them. */
export function skuChoices(key: string, options: SkuOption[]): SkuChoice[] {
  if (key === "") return [];
  let byKey = named.get(options);
  if (!byKey) named.set(options, (byKey = new Map()));
  let choices = byKey.get(key);
  if (!choices) byKey.set(key, (choices = Object.freeze(nameChoices(key, options)) as SkuChoice[]));
  return choices;
}

function nameChoices(key: string, options: SkuOption[]): SkuChoice[] {
  return key.split(",").map((pair) => {
    const [optionId, optionValueId] = pair.split(":").map(Number);
    const option = options.find((o) => o.id === optionId);
    return {
      optionId,
      optionValueId,
      optionName: option?.name ?? "",
      optionValueName: option?.values.find((v) => v.id === optionValueId)?.name ?? "",
    };
  });
}
