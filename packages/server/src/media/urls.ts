import { EXTENSION, type ImageFormat } from "./images";

/** Where a tenant's stored image is served: `{publicUrl}/{subDomain}/dfs/files/{sha256}.{ext}`. */
export function fileUrl(publicUrl: string, subDomain: string, image: { hash: string; format: ImageFormat }): string {
  return `${publicUrl}/${subDomain}/dfs/files/${image.hash}.${EXTENSION[image.format]}`;
}

const FORMAT_OF_EXTENSION: Record<string, ImageFormat> = { jpg: "jpeg", png: "png", webp: "webp", gif: "gif" };

/** "<64 hex>.jpg" -> {hash, format}; anything else is no file of ours. */
export function parseFileName(name: string): { hash: string; format: ImageFormat } | undefined {
  const match = /^([0-9a-f]{64})\.(jpg|png|webp|gif)$/.exec(name);
  return match ? { hash: match[1], format: FORMAT_OF_EXTENSION[match[2]] } : undefined;
}

/**
 * Whether `url` names an image this wegate serves for this tenant (built on
 * its public URL): an uploaded avatar or goods picture.
 */
export function isOwnFileUrl(url: string, publicUrl: string, subDomain: string): boolean {
  const prefix = `${publicUrl}/${subDomain}/dfs/files/`;
  return url.startsWith(prefix) && parseFileName(url.slice(prefix.length)) !== undefined;
}
