/**
 * Uploads and stored files: no token, another tenant's token, bodies that are
 * not a form, forms without the file or with two, files that are not images
 * (HTML, SVG with script, a PNG with a payload after its end, a PNG header
 * claiming billions of pixels), and file names that climb out of the store.
 */
import { BAD_INPUT, type Expect, FORM, form, get, type HostileCase, json, MALFORMED, multipart, NOT_FOUND, NOT_LOGGED_IN, type Part, request, ROUTE_NOT_FOUND, T, URI_TOO_LONG } from "./build";

const UPLOAD = "/shop-a/dfs/upload/file";

/** A 1×1 PNG. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=", "base64");

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** The 1×1 PNG with its header saying 65535×65535: a decompression bomb by its header. */
function pngClaiming(width: number, height: number): Buffer {
  const ihdr = Buffer.from(PNG.subarray(12, 29)); // "IHDR" and its 13 bytes
  ihdr.writeUInt32BE(width, 4);
  ihdr.writeUInt32BE(height, 8);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(ihdr));
  return Buffer.concat([PNG.subarray(0, 12), ihdr, crc, PNG.subarray(33)]);
}

const bytes = (buffer: Buffer) => buffer.toString("latin1");
const token: Part = { name: "token", content: T };
const file = (content: string, filename = "a.png", type = "image/png"): Part => ({ name: "upfile", filename, type, content });
const upload = (parts: Part[], expect: Expect, options?: Parameters<typeof multipart>[3]) => multipart(UPLOAD, parts, expect, options);

export const mediaCases: HostileCase[] = [
  upload([file(bytes(PNG))], NOT_LOGGED_IN),
  upload([{ name: "token", content: "__TOKENB__" }, file(bytes(PNG))], NOT_LOGGED_IN),
  upload([{ name: "token", content: "x" }, file(bytes(PNG))], NOT_LOGGED_IN),
  // The token after the file is not read before the file: not logged in, and nothing stored.
  upload([file(bytes(PNG)), token], NOT_LOGGED_IN),
  json(UPLOAD, { token: T, upfile: bytes(PNG) }, { status: 415, code: 41001 }),
  form(UPLOAD, { token: T, upfile: bytes(PNG) }, { status: 415, code: 41001 }),
  request("POST", UPLOAD, { status: 415, code: 41001 }, { "x-token": T }),
  request("POST", UPLOAD, MALFORMED, { "content-type": "multipart/form-data", "x-token": T }, "junk"),
  upload([token], { status: 400, code: 41002 }),
  upload([token, { ...file(bytes(PNG)), name: "file" }], { status: 400, code: 41002 }),
  upload([token, file(bytes(PNG)), file(bytes(PNG), "b.png")], { status: 400, code: 41003 }),
  upload([token, file("")], { status: 400, code: 41005 }),
  upload([token, file("not a png")], { status: 415, code: 41006 }),
  upload([token, file("<html><script>alert(document.cookie)</script></html>", "a.html", "text/html")], { status: 415, code: 41006 }),
  upload([token, file('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "a.svg", "image/svg+xml")], { status: 415, code: 41006 }),
  upload([token, file("not a png", "../../../etc/passwd")], { status: 415, code: 41006 }),
  upload([token, file(bytes(PNG.subarray(0, 40)))], { status: 400, code: 41007 }),
  upload([token, file(bytes(Buffer.concat([PNG, Buffer.from("<?php system($_GET['c']); ?>")])))], { status: 400, code: 41008 }),
  upload([token, file(bytes(pngClaiming(65535, 65535)))], { status: 413, code: 41009 }),
  upload([token, { name: "__proto__", content: "x" }, file(bytes(PNG))], BAD_INPUT),
  upload([token, ...Array.from({ length: 21 }, (_, i) => ({ name: `f${i}`, content: "x" })), file(bytes(PNG))], BAD_INPUT),
  upload([token, file(bytes(PNG))], MALFORMED, { end: "--hostile-boundary-7MA4YWxkTrZu0gW" }),
  upload([token, file(bytes(PNG))], MALFORMED, { end: "" }),
  get("/shop-a/dfs/files/..%2f..%2fetc%2fpasswd", "", NOT_FOUND),
  get("/shop-a/dfs/files/nope.png", "", NOT_FOUND),
  get(`/shop-a/dfs/files/${"0".repeat(64)}.png`, "", NOT_FOUND),
  get(`/shop-a/dfs/files/${"0".repeat(64)}.svg`, "", NOT_FOUND),
  get("/shop-a/dfs/files/a%00.png", "", BAD_INPUT),
  get(`/shop-a/dfs/files/${"a".repeat(129)}`, "", URI_TOO_LONG),
  get("/shop-a/dfs/files/", "", ROUTE_NOT_FOUND),
  request("POST", "/shop-a/dfs/files/nope.png", ROUTE_NOT_FOUND, FORM, "x=1"),
];
