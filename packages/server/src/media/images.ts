import { createHash } from "node:crypto";
import type { Metadata, Sharp, SharpOptions } from "sharp";
import { ApiError, detail } from "../errors";
import { formatOf, type ImageFormat, trailerOf } from "./image-bytes";

type SharpModule = typeof import("sharp").default;
let loaded: Promise<SharpModule> | undefined;

/** sharp (libvips) is loaded with the first image: a server that never sees one does not carry it. */
function loadSharp(): Promise<SharpModule> {
  return (loaded ??= import("sharp").then(({ default: sharp }) => {
    // libvips' operation cache keeps decoded images for reuse: no upload is
    // ever decoded twice, so the cache would only hold memory.
    sharp.cache(false);
    return sharp;
  }));
}

export type { ImageFormat };

export const MIME: Record<ImageFormat, string> = { jpeg: "image/jpeg", png: "image/png", webp: "image/webp", gif: "image/gif" };
export const EXTENSION: Record<ImageFormat, string> = { jpeg: "jpg", png: "png", webp: "webp", gif: "gif" };

/** An image as it is stored and served: re-encoded, without metadata, named by the SHA-256 of its bytes. */
export interface CleanImage {
  hash: string;
  format: ImageFormat;
  bytes: Buffer;
  width: number;
  height: number;
}

export interface ImageLimits {
  maxPixels: number;
  maxDimension: number;
}

const ENCODE: Record<ImageFormat, (image: Sharp) => Sharp> = {
  jpeg: (image) => image.jpeg({ quality: 85 }),
  png: (image) => image.png({ compressionLevel: 8 }),
  webp: (image) => image.webp({ quality: 85 }),
  gif: (image) => image.gif(),
};

function refused(message: string): boolean {
  return /pixel limit/i.test(message);
}

/**
 * Checks an upload and re-encodes it: only JPEG, PNG, WebP and GIF, known by
 * their bytes and agreed on by the decoder; nothing after the image's end;
 * no more pixels than allowed, checked from the header before any decoding
 * (a small file can declare a huge image). Re-encoding drops EXIF (GPS
 * position, camera serial) and anything hidden in metadata; pixels are
 * turned upright first, as the EXIF orientation said. A GIF keeps its first
 * frame. Throws the catalogue's upload errors.
 */
export async function cleanImage(input: Buffer, limits: ImageLimits): Promise<CleanImage> {
  if (input.length === 0) throw new ApiError("uploadEmpty");
  const format = formatOf(input);
  if (!format) throw new ApiError("uploadNotImage");
  const trailer = trailerOf(input, format);
  if (trailer === "truncated") throw new ApiError("uploadCorrupt");
  if (trailer === "extra") throw new ApiError("uploadExtraData");

  const sharp = await loadSharp();
  const options: SharpOptions = { failOn: "error", limitInputPixels: limits.maxPixels, sequentialRead: true, animated: false };
  let metadata: Metadata;
  try {
    metadata = await sharp(input, options).metadata();
  } catch (error) {
    throw new ApiError(refused((error as Error).message) ? "uploadTooManyPixels" : "uploadCorrupt");
  }
  if (metadata.format !== format) throw new ApiError("uploadNotImage");
  const width = metadata.width ?? 0;
  const height = metadata.pageHeight ?? metadata.height ?? 0;
  if (width * height > limits.maxPixels) {
    throw new ApiError("uploadTooManyPixels", detail(`最多 ${limits.maxPixels} 像素`, `at most ${limits.maxPixels} pixels`));
  }

  try {
    const image = sharp(input, options)
      .rotate()
      .resize({ width: limits.maxDimension, height: limits.maxDimension, fit: "inside", withoutEnlargement: true });
    const { data, info } = await ENCODE[format](image).toBuffer({ resolveWithObject: true });
    return { hash: createHash("sha256").update(data).digest("hex"), format, bytes: data, width: info.width, height: info.height };
  } catch (error) {
    throw new ApiError(refused((error as Error).message) ? "uploadTooManyPixels" : "uploadCorrupt");
  }
}
