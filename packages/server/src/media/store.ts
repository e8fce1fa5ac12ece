import type { Kysely } from "kysely";
import type { Database } from "../storage/schema";
import type { CleanImage, ImageFormat } from "./images";

export interface StoredImage extends CleanImage {
  size: number;
  createdAt: number;
}

/** A tenant's uploaded images. Same code for SQLite (BLOB) and PostgreSQL (bytea). */
export interface MediaStore {
  /**
   * Stores the image unless the tenant already has these bytes: one atomic
   * insert-if-absent on (tenant, hash), so parallel uploads of one picture
   * store it once. `created` says whether this call stored it.
   */
  saveImage(tenantId: number, image: CleanImage, now: number): Promise<{ hash: string; created: boolean }>;
  /** Only the tenant's own images are found. */
  findImage(tenantId: number, hash: string): Promise<StoredImage | undefined>;
  countImages(tenantId: number): Promise<number>;
}

/**
 * The media store on the connection storage opened (passed in, not opened
 * again: a second SQLite connection in the same process would wait on the
 * first one's write lock while blocking the event loop that would release it).
 */
export function createMediaStore(db: Kysely<Database>): MediaStore {
  return {
    async saveImage(tenantId, image, now) {
      const inserted = await db
        .insertInto("media_images")
        .values({
          tenant_id: tenantId,
          hash: image.hash,
          format: image.format,
          bytes: image.bytes,
          size: image.bytes.length,
          width: image.width,
          height: image.height,
          created_at: now,
        })
        .onConflict((oc) => oc.columns(["tenant_id", "hash"]).doNothing())
        .returning("hash")
        .executeTakeFirst();
      return { hash: image.hash, created: inserted !== undefined };
    },
    async findImage(tenantId, hash) {
      const row = await db.selectFrom("media_images").selectAll().where("tenant_id", "=", tenantId).where("hash", "=", hash).executeTakeFirst();
      return (
        row && {
          hash: row.hash,
          format: row.format as ImageFormat,
          bytes: row.bytes,
          size: row.size,
          width: row.width,
          height: row.height,
          createdAt: Number(row.created_at),
        }
      );
    },
    async countImages(tenantId) {
      const row = await db.selectFrom("media_images").select((eb) => eb.fn.countAll<number>().as("n")).where("tenant_id", "=", tenantId).executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
