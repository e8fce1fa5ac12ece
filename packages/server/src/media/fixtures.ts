/** Images for the upload tests and the memory bench, made with sharp itself. */
import { randomBytes } from "node:crypto";
import { crc32, deflateSync } from "node:zlib";
import sharp from "sharp";

const colour = { r: 200, g: 40, b: 90 };

export const solid = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: colour } });

/** Random pixels: they do not compress, so a file of a chosen size needs few of them. */
export function noise(width: number, height: number) {
  return sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } });
}

/** A JPEG carrying EXIF with a GPS position and a camera serial, as a phone's photo does. */
export function jpegWithGps(width = 64, height = 48): Promise<Buffer> {
  return solid(width, height)
    .withExif({
      IFD0: { Make: "wegate-test-camera", Model: "GPS-Model", Copyright: "secret-serial-4711" },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "31/1 14/1 0/1", GPSLongitudeRef: "E", GPSLongitude: "121/1 28/1 0/1" },
    })
    .jpeg()
    .toBuffer();
}

export const png = (width = 40, height = 30) => solid(width, height).png().toBuffer();
export const webp = (width = 40, height = 30) => solid(width, height).webp().toBuffer();
export const gif = (width = 40, height = 30) => solid(width, height).gif().toBuffer();
export const jpeg = (width = 40, height = 30) => solid(width, height).jpeg().toBuffer();

export const ZIP_PAYLOAD = Buffer.concat([
  Buffer.from("PK\u0003\u0004", "latin1"),
  Buffer.from("payload.txt hidden-zip-entry"),
  Buffer.from("PK\u0005\u0006", "latin1"),
  Buffer.alloc(18),
]);
export const HTML_PAYLOAD = Buffer.from("<html><script>alert(document.cookie)</script></html>");

export const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script><rect width="10" height="10"/></svg>');

function pngChunk(type: string, data: Buffer): Buffer {
  const typed = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const out = Buffer.alloc(8 + data.length + 4);
  out.writeUInt32BE(data.length, 0);
  typed.copy(out, 4);
  out.writeUInt32BE(crc32(typed), 8 + data.length);
  return out;
}

/**
 * A decompression bomb: a PNG of a few kilobytes that declares
 * `side` x `side` pixels of one grey (gigabytes once decoded).
 */
export function pngBomb(side = 30_000): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  // Only the first rows' data is there (zeros deflate to almost nothing): the
  // header alone is what a decoder must refuse.
  const rows = deflateSync(Buffer.alloc((side + 1) * 64));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk("IHDR", header), pngChunk("IDAT", rows), pngChunk("IEND", Buffer.alloc(0))]);
}

/** A GIF whose logical screen and only frame say 65535 x 65535. */
export function gifBomb(): Buffer {
  const bytes = Buffer.from(
    "474946383961ffffffff800000000000ffffff2c00000000ffffffff0002024401003b",
    "hex",
  );
  return bytes;
}
