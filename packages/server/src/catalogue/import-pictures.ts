import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { ApiError, errors } from "../errors";
import { cleanImage, type ImageLimits } from "../media/images";
import type { MediaStore } from "../media/store";
import { fileUrl } from "../media/urls";

/** Where a catalogue's local pictures come from and go to. */
export interface PictureUploads {
  /** Relative paths are read from here (the catalogue file's folder). */
  baseDir: string;
  /** Checks and stores an image's bytes as an upload would; answers its URL. Throws ApiError for a bad image. */
  save(bytes: Buffer): Promise<string>;
  /** How many local files were stored (or found stored already) so far. */
  readonly stored: number;
}

/** Uploads into a tenant's media store, as POST /dfs/upload/file does (same checks, same URLs). */
export function picturesInto(
  store: MediaStore,
  target: { tenantId: number; subDomain: string; publicUrl: string; limits: ImageLimits; baseDir: string; now: number },
): PictureUploads {
  let stored = 0;
  return {
    baseDir: target.baseDir,
    async save(bytes) {
      const image = await cleanImage(bytes, target.limits);
      await store.saveImage(target.tenantId, image, target.now);
      stored++;
      return fileUrl(target.publicUrl, target.subDomain, image);
    },
    get stored() {
      return stored;
    },
  };
}

const hasScheme = (text: string) => /^[a-z][a-z0-9+.-]*:/i.test(text);

function shown(text: string): string {
  return JSON.stringify([...text].length > 40 ? [...text].slice(0, 39).join("") + "…" : text);
}

/**
 * A row's `pics` with every local file (an entry without a URL scheme: a
 * path, relative to the catalogue's folder) uploaded and replaced by its URL.
 * Entries with a scheme are left for the row check. A file used by several
 * rows is uploaded once (`cache`). Problems are the row's errors.
 */
export async function uploadLocalPictures(
  fields: unknown,
  pictures: PictureUploads,
  cache: Map<string, Promise<string>>,
): Promise<{ fields: unknown; errors: string[] }> {
  if (typeof fields !== "object" || fields === null || Array.isArray(fields)) return { fields, errors: [] };
  const row = fields as Record<string, unknown>;
  // The same two forms the row check reads: "a|b" (CSV) or a list (JSON).
  const items = typeof row.pics === "string" ? row.pics.split("|").map((s) => s.trim()).filter(Boolean) : row.pics;
  if (!Array.isArray(items) || !items.some((item) => typeof item === "string" && item.trim() && !hasScheme(item.trim()))) return { fields, errors: [] };

  const problems: string[] = [];
  const pics: unknown[] = [];
  for (const [index, item] of items.entries()) {
    const text = typeof item === "string" ? item.trim() : "";
    if (!text || hasScheme(text)) {
      pics.push(item);
      continue;
    }
    const path = resolve(pictures.baseDir, text);
    let saving = cache.get(path);
    if (!saving) {
      saving = readFile(path).then((bytes) => pictures.save(bytes));
      cache.set(path, saving);
    }
    try {
      pics.push(await saving);
    } catch (error) {
      problems.push(`pics #${index + 1} ${shown(text)}: ${whyNot(error)}`);
    }
  }
  return { fields: { ...row, pics }, errors: problems };
}

function whyNot(error: unknown): string {
  if (error instanceof ApiError) return errors[error.errorName].en;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EISDIR") return "it is a folder";
  if (code === "EACCES") return "permission denied";
  return String(error);
}
