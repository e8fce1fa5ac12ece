/**
 * A tiny HTTP/1.1 client over a raw socket, for requests fetch() refuses to
 * send (NUL in the request line, `Content-Length: abc`, chunked plus
 * Content-Length, a 100 kB request line). It writes the bytes as given and
 * reads the first response that arrives, whether or not the server then
 * closes the connection.
 */
import { connect } from "node:net";

export interface RawReply {
  /** 0 when no status line arrived. */
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Everything that arrived, as latin1 text. */
  raw: string;
}

/** How long to wait for the rest of an answer the server neither finishes nor closes; a safeguard, not a measurement. */
const READ_TIMEOUT_MS = 5000;

function parse(raw: Buffer): { reply: RawReply; complete: boolean } {
  const text = raw.toString("latin1");
  const headEnd = text.indexOf("\r\n\r\n");
  const empty = { status: 0, headers: {}, body: "", raw: text };
  if (headEnd < 0) return { reply: empty, complete: false };
  const [statusLine, ...headerLines] = text.slice(0, headEnd).split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  // An interim answer (100 Continue) comes before the real one.
  if (status >= 100 && status < 200 && status !== 101) return parse(raw.subarray(Buffer.byteLength(text.slice(0, headEnd + 4), "latin1")));
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const bodyBytes = raw.subarray(Buffer.byteLength(text.slice(0, headEnd + 4), "latin1"));
  if (headers["transfer-encoding"]?.toLowerCase() === "chunked") {
    const { body, complete } = dechunk(bodyBytes);
    return { reply: { status, headers, body: body.toString("utf8"), raw: text }, complete };
  }
  const length = headers["content-length"] === undefined ? undefined : Number(headers["content-length"]);
  const complete = length !== undefined && bodyBytes.length >= length;
  const body = (length === undefined ? bodyBytes : bodyBytes.subarray(0, length)).toString("utf8");
  return { reply: { status, headers, body, raw: text }, complete };
}

function dechunk(data: Buffer): { body: Buffer; complete: boolean } {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf("\r\n", at, "latin1");
    if (lineEnd < 0) return { body: Buffer.concat(parts), complete: false };
    const size = Number.parseInt(data.subarray(at, lineEnd).toString("latin1"), 16);
    if (!Number.isFinite(size)) return { body: Buffer.concat(parts), complete: false };
    if (size === 0) return { body: Buffer.concat(parts), complete: true };
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

/** Sends `request` (bytes as given) to the server at `url` and returns its first answer. */
export function rawRequest(url: string, request: string | Buffer): Promise<RawReply> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: hostname, port: Number(port) });
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(parse(Buffer.concat(chunks)).reply);
    };
    const timer = setTimeout(finish, READ_TIMEOUT_MS);
    // Written, not ended: Node's HTTP server drops a request whose client half-closes before the answer.
    socket.on("connect", () => socket.write(request));
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      if (parse(Buffer.concat(chunks)).complete) finish();
    });
    // A reset after the answer (the server closing a connection it will not read on) is not a failure.
    socket.on("error", finish);
    socket.on("close", finish);
  });
}
