import { randomBytes } from "node:crypto";
import { crc32, deflateSync } from "node:zlib";

/** A file on the simulated phone: its bytes and, as WeChat keeps it, the extension of its path. */
export interface SimTempFile {
  bytes: Uint8Array;
  ext: string;
}

const MIME_TYPES: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
};

/** The content type WeChat gives a file part, from the path's extension. */
export const mimeTypeOf = (ext: string) => MIME_TYPES[ext.toLowerCase()] ?? "application/octet-stream";

/** How temp paths look: `http://tmp/<random>.<ext>` in DevTools, `wxfile://tmp_<random>.<ext>` on a phone. */
export type SimTempPathStyle = "devtools" | "phone";

const PREFIX: Record<SimTempPathStyle, string> = { devtools: "http://tmp/", phone: "wxfile://tmp_" };

/**
 * The phone's temporary files: what chooseAvatar, chooseMedia and the like
 * hand out. As on the phone, a temp path means something only on this phone:
 * no server can fetch it.
 */
export class SimTempFiles {
  readonly #files = new Map<string, SimTempFile>();
  readonly #prefix: string;

  constructor(style: SimTempPathStyle = "devtools") {
    this.#prefix = PREFIX[style];
  }

  /** Stores a copy of `bytes` and answers its new temp path. */
  add(bytes: Uint8Array, ext = "png"): string {
    if (!/^[A-Za-z0-9]{1,8}$/.test(ext)) throw new TypeError(`not a file extension: ${ext}`);
    const path = `${this.#prefix}${randomBytes(12).toString("hex")}.${ext}`;
    this.#files.set(path, { bytes: Uint8Array.from(bytes), ext });
    return path;
  }

  read(path: string): SimTempFile | undefined {
    const file = this.#files.get(path);
    return file && { bytes: Uint8Array.from(file.bytes), ext: file.ext };
  }

  remove(path: string): boolean {
    return this.#files.delete(path);
  }

  get paths(): string[] {
    return [...this.#files.keys()];
  }
}

/** A real PNG of one colour (RGB), as small as a test avatar can be and still decode everywhere. */
export function solidPng(width = 8, height = 8, rgb: [number, number, number] = [7, 193, 96]): Uint8Array {
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set(rgb, 1 + x * 3); // filter byte 0, then the pixels
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, truecolour, deflate, no filter method, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(Array.from({ length: height }, () => row)))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const typed = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const out = Buffer.alloc(8 + data.length + 4);
  out.writeUInt32BE(data.length, 0);
  typed.copy(out, 4);
  out.writeUInt32BE(crc32(typed), 8 + data.length);
  return out;
}
