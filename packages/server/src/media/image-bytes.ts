/**
 * What the bytes of an upload are, read from the bytes themselves (never the
 * file name or the declared type): the format by its magic number, and where
 * the image ends. Data after the end is how polyglots are made (a JPEG that
 * is also a ZIP, an HTML page, a JAR): decoders ignore it, other readers find
 * it, so such a file is refused rather than cleaned.
 */

export type ImageFormat = "jpeg" | "png" | "webp" | "gif";

export function formatOf(bytes: Buffer): ImageFormat | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return "png";
  if (bytes.length >= 6 && /^GIF8[79]a$/.test(bytes.toString("latin1", 0, 6))) return "gif";
  if (bytes.length >= 12 && bytes.toString("latin1", 0, 4) === "RIFF" && bytes.toString("latin1", 8, 12) === "WEBP") return "webp";
  return undefined;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The offset just past the image, or undefined when the bytes end before it does (truncated). */
export function endOf(bytes: Buffer, format: ImageFormat, start = 0): number | undefined {
  switch (format) {
    case "jpeg":
      return jpegEnd(bytes, start);
    case "png":
      return pngEnd(bytes);
    case "gif":
      return gifEnd(bytes);
    case "webp":
      return webpEnd(bytes);
  }
}

/**
 * What follows the image: "none", "truncated", or "extra" (a polyglot).
 * Zero padding is tolerated, and so are further JPEG images after a JPEG:
 * phones store gain maps and depth maps that way (CIPA Multi-Picture Format).
 */
export function trailerOf(bytes: Buffer, format: ImageFormat): "none" | "truncated" | "extra" {
  let end = endOf(bytes, format);
  if (end === undefined) return "truncated";
  while (format === "jpeg" && end + 3 <= bytes.length && bytes[end] === 0xff && bytes[end + 1] === 0xd8 && bytes[end + 2] === 0xff) {
    const next = jpegEnd(bytes, end);
    if (next === undefined) return "extra";
    end = next;
  }
  for (let i = end; i < bytes.length; i++) if (bytes[i] !== 0) return "extra";
  return "none";
}

function jpegEnd(bytes: Buffer, start: number): number | undefined {
  let i = start + 2;
  while (i + 1 < bytes.length) {
    if (bytes[i] !== 0xff) return undefined;
    const marker = bytes[i + 1];
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd9) return i + 2;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    if (i + 3 >= bytes.length) return undefined;
    const length = bytes.readUInt16BE(i + 2);
    if (length < 2) return undefined;
    i += 2 + length;
    if (marker !== 0xda) continue;
    // Entropy-coded data follows a start of scan, up to the next marker
    // (0xFF followed by anything but a stuffed 0x00 or a restart marker).
    while (i + 1 < bytes.length && !(bytes[i] === 0xff && bytes[i + 1] !== 0x00 && !(bytes[i + 1] >= 0xd0 && bytes[i + 1] <= 0xd7))) i++;
  }
  return undefined;
}

function pngEnd(bytes: Buffer): number | undefined {
  let i = 8;
  while (i + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(i);
    const type = bytes.toString("latin1", i + 4, i + 8);
    const next = i + 12 + length;
    if (next > bytes.length) return undefined;
    if (type === "IEND") return next;
    i = next;
  }
  return undefined;
}

function gifEnd(bytes: Buffer): number | undefined {
  if (bytes.length < 13) return undefined;
  const colorTable = (flags: number) => (flags & 0x80 ? 3 * 2 ** ((flags & 0x07) + 1) : 0);
  let i = 13 + colorTable(bytes[10]);
  const skipSubBlocks = () => {
    while (i < bytes.length && bytes[i] !== 0) i += bytes[i] + 1;
    i++; // the zero-length terminator
  };
  while (i < bytes.length) {
    const block = bytes[i];
    if (block === 0x3b) return i + 1;
    if (block === 0x21) {
      i += 2; // introducer and label
      skipSubBlocks();
    } else if (block === 0x2c) {
      if (i + 10 > bytes.length) return undefined;
      i += 10 + colorTable(bytes[i + 9]);
      i++; // LZW minimum code size
      skipSubBlocks();
    } else {
      return undefined;
    }
  }
  return undefined;
}

function webpEnd(bytes: Buffer): number | undefined {
  const size = bytes.readUInt32LE(4);
  const end = 8 + size + (size % 2);
  return end <= bytes.length ? end : undefined;
}
