import { failure, type Result, success } from "./result";
import { wxCall, type WxLike, type WxRequestResult, type WxUploadFileResult } from "./wx";

/** Request parameters; `undefined` values are left out. */
export type Params = Record<string, string | number | boolean | undefined>;

export interface TransportOptions {
  /** Where wegate (or API Factory) is served, e.g. "https://api.example.com". */
  baseURL: string;
  /** The tenant: the first path segment of every route. */
  subDomain: string;
  wx: WxLike;
  /** wx.request timeout, default 15 000 ms. */
  timeoutMs?: number;
  /** Language of `msg` in errors: Chinese by default, "en" for English. */
  language?: "zh" | "en";
}

/** A local file to send with wx.uploadFile. */
export interface Upload {
  /** The temp path, e.g. from `<button open-type="chooseAvatar">` or wx.chooseMedia. */
  filePath: string;
  /** The multipart field of the file. */
  name: string;
  /** Form fields sent with it; `undefined` values are left out. */
  params?: Params;
}

export interface Transport {
  get<T>(path: string, params?: Params): Promise<Result<T>>;
  post<T>(path: string, params?: Params): Promise<Result<T>>;
  upload<T>(path: string, upload: Upload): Promise<Result<T>>;
}

interface Envelope {
  code: number;
  msg?: string;
  data?: unknown;
}

function isEnvelope(body: unknown): body is Envelope {
  return typeof body === "object" && body !== null && typeof (body as Envelope).code === "number";
}

/** The envelope of any answer, read the same way for wx.request and wx.uploadFile. */
function fromAnswer<T>(path: string, statusCode: number, body: unknown): Result<T> {
  if (!isEnvelope(body)) return failure({ kind: "network", message: `unexpected answer (HTTP ${statusCode}) from ${path}` });
  if (body.code !== 0) return failure({ kind: "api", code: body.code, message: body.msg ?? "", status: statusCode });
  return success(body.data as T);
}

/** wx.uploadFile hands over the body as text. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    return undefined;
  }
}

function formFields(params: Params): Record<string, string> {
  const out: Record<string, string> = {};
  const values = defined(params);
  for (const key of Object.keys(values)) out[key] = String(values[key]);
  return out;
}

function defined(params: Params): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const key of Object.keys(params)) {
    const value = params[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/**
 * wx.request in API Factory's style: form-encoded bodies, the token as a
 * `token` field, answers read from the `{code, msg, data}` envelope.
 */
export function createTransport(options: TransportOptions): Transport {
  const { wx, timeoutMs = 15_000, language } = options;
  const root = `${options.baseURL.replace(/\/+$/, "")}/${encodeURIComponent(options.subDomain)}`;
  const header: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  if (language === "en") header["accept-language"] = "en";

  async function send<T>(method: "GET" | "POST", path: string, params: Params = {}): Promise<Result<T>> {
    const reply = await wxCall<WxRequestResult>((callbacks) =>
      wx.request({ url: root + path, method, data: defined(params), header, timeout: timeoutMs, ...callbacks }),
    );
    if (!reply.ok) return failure({ kind: "network", message: reply.errMsg });
    return fromAnswer<T>(path, reply.value.statusCode, reply.value.data);
  }

  async function upload<T>(path: string, { filePath, name, params = {} }: Upload): Promise<Result<T>> {
    const uploadFile = wx.uploadFile;
    if (!uploadFile) return failure({ kind: "wx", api: "uploadFile", message: "uploadFile:fail not supported by this wx" });
    // No content-type: wx.uploadFile sends multipart/form-data with its own boundary.
    const uploadHeader: Record<string, string> = language === "en" ? { "accept-language": "en" } : {};
    const reply = await wxCall<WxUploadFileResult>((callbacks) =>
      uploadFile.call(wx, { url: root + path, filePath, name, formData: formFields(params), header: uploadHeader, timeout: timeoutMs, ...callbacks }),
    );
    if (!reply.ok) return failure({ kind: "network", message: reply.errMsg });
    const { statusCode, data } = reply.value;
    return fromAnswer<T>(path, statusCode, typeof data === "string" ? parseJson(data) : data);
  }

  return {
    get: (path, params) => send("GET", path, params),
    post: (path, params) => send("POST", path, params),
    upload,
  };
}
