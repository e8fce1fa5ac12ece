import { join } from "node:path";
import type { ShopStorage } from "../shop/store";
import { type ImportReport, importCatalogue, readCatalogueFile } from "./import";

/** 10 goods in 数码, 服饰 and 食品, some with 颜色/尺码 options; a catalogue file like any user's. */
export const DEMO_CATALOGUE = join(import.meta.dirname, "demo.json");

/**
 * Imports the demo catalogue into a tenant that has no goods yet; undefined
 * when it already has some, so restarts (and a shop the user filled) are left alone.
 */
export async function seedDemoCatalogue(
  storage: Pick<ShopStorage, "countGoods" | "ensureCategory" | "saveGoods">,
  tenantId: number,
  now: number,
): Promise<ImportReport | undefined> {
  if ((await storage.countGoods(tenantId)) > 0) return undefined;
  return importCatalogue(storage, tenantId, readCatalogueFile(DEMO_CATALOGUE), { now });
}
