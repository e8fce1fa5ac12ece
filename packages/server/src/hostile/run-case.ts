import type { Harness } from "../testing/harness";
import type { HostileCase, Placeholder } from "./corpus";
import type { Seeded } from "./fixtures";
import { rawRequest, type RawReply } from "./raw-http";

/** The envelope as it arrived, or why it is not one. */
export interface CaseResult {
  reply: RawReply;
  status: number;
  code: number | null;
  /** Set when the body is not the `{code, msg, data?}` envelope. */
  notEnvelope?: string;
  /** The placeholders' values this request used (wx.login codes are new per request). */
  used: string[];
}

const PLACEHOLDER = /__([A-Z]+)__/g;

/** Replaces `__NAME__` with its value; wx.login codes are fresh each time (they are single use). */
export function placeholders(h: Harness, seeded: Seeded) {
  const host = new URL(h.url).host;
  const values = (name: Placeholder): string => {
    switch (name) {
      case "TOKEN":
        return seeded.alice.token;
      case "TOKENB":
        return seeded.aliceInB;
      case "REVOKED":
        return seeded.revoked;
      case "LINE":
        return seeded.alice.line;
      case "BOBLINE":
        return seeded.bob.line;
      case "BOBFAV":
        return String(seeded.bob.favoriteId);
      case "BOBUID":
        return String(seeded.bob.uid);
      case "CODE":
        return h.code("mallory");
      case "CODEB":
        return h.code("mallory", h.tenants.b);
      case "HOST":
        return host;
      case "ACOOKIE":
        return seeded.admin.root.cookie;
      case "CSRF":
        return seeded.admin.root.csrf;
      case "BCOOKIE":
        return seeded.admin.shopB.cookie;
      case "BCSRF":
        return seeded.admin.shopB.csrf;
      case "AREVOKED":
        return seeded.admin.revoked;
      case "ALICESESSION":
        return String(seeded.aliceSession);
    }
  };
  return (text: string, used: string[]) =>
    text.replace(PLACEHOLDER, (whole, name: string) => {
      const value = values(name as Placeholder);
      if (value === undefined) return whole;
      used.push(value);
      return value;
    });
}

export function requestBytes(c: HostileCase, host: string, fill: (text: string) => string): Buffer {
  if (c.raw !== undefined) return Buffer.from(fill(c.raw), "latin1");
  const body = c.body === undefined ? undefined : Buffer.from(fill(c.body), c.binary ? "latin1" : "utf8");
  const lines = [`${c.method} ${fill(c.path)} HTTP/1.1`, `Host: ${host}`, "Connection: close"];
  for (const [name, value] of Object.entries(c.headers ?? {})) lines.push(`${name}: ${fill(value)}`);
  if (body) lines.push(`Content-Length: ${body.length}`);
  return Buffer.concat([Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1"), body ?? Buffer.alloc(0)]);
}

/** Checks that `text` is exactly an envelope; returns the code, or why not. */
export function envelopeCode(text: string): { code: number } | { notEnvelope: string } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { notEnvelope: `not JSON: ${text.slice(0, 200)}` };
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) return { notEnvelope: `not an object: ${text.slice(0, 200)}` };
  const { code, msg, ...rest } = body as Record<string, unknown>;
  const extra = Object.keys(rest).filter((key) => key !== "data");
  if (!Number.isInteger(code)) return { notEnvelope: `code is not an integer: ${text.slice(0, 200)}` };
  if (typeof msg !== "string" || msg === "") return { notEnvelope: `msg is not a text: ${text.slice(0, 200)}` };
  if (extra.length) return { notEnvelope: `fields besides code, msg, data: ${extra.join(", ")}` };
  return { code: code as number };
}

export async function runCase(h: Harness, fill: ReturnType<typeof placeholders>, c: HostileCase): Promise<CaseResult> {
  const used: string[] = [];
  const host = new URL(h.url).host;
  const reply = await rawRequest(h.url, requestBytes(c, host, (text) => fill(text, used)));
  if (c.code === null) return { reply, status: reply.status, code: null, used };
  const parsed = envelopeCode(reply.body);
  return "code" in parsed
    ? { reply, status: reply.status, code: parsed.code, used }
    : { reply, status: reply.status, code: null, notEnvelope: parsed.notEnvelope, used };
}

export function describeResult(result: CaseResult): string {
  return `HTTP ${result.status}, ${result.notEnvelope ?? `code ${result.code}`}: ${result.reply.body.slice(0, 300) || result.reply.raw.slice(0, 300)}`;
}
