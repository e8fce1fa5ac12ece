import type { WxFail } from "./wx-async";
import { runWxTask } from "./wx-task";
import { mimeTypeOf, type SimTempFiles } from "./wx-temp-files";

export interface WxUploadFileSuccess {
  /** The server's answer as text: WeChat does not parse it (unlike wx.request). */
  data: string;
  statusCode: number;
  header: Record<string, string>;
  errMsg: string;
}

export interface WxUploadFileOptions {
  url: string;
  /** A temp path of this phone, e.g. from chooseAvatar. */
  filePath: string;
  /** The multipart field of the file. */
  name: string;
  header?: Record<string, string | number>;
  formData?: Record<string, unknown>;
  timeout?: number;
  success?: (result: WxUploadFileSuccess) => void;
  fail?: (error: WxFail) => void;
  complete?: (result: WxUploadFileSuccess | WxFail) => void;
}

export interface WxUploadTask {
  abort(): void;
}

const fail = (reason: string): WxFail => ({ errMsg: `uploadFile:fail ${reason}` });

/**
 * wx.uploadFile over real HTTP: a multipart POST of the temp file's bytes
 * under `name`, after the `formData` fields. Like WeChat: any HTTP status is a
 * success with the body as a string; fail is for bad parameters, a missing
 * file, network errors, timeouts and abort; it returns a task, not a promise.
 */
export function wxUploadFile(options: WxUploadFileOptions, files: SimTempFiles, defaults: { header: Record<string, string> }): WxUploadTask {
  return runWxTask(options, (signal) => send(options, files, defaults.header, signal), fail);
}

async function send(options: WxUploadFileOptions, files: SimTempFiles, defaultHeader: Record<string, string>, signal: AbortSignal): Promise<WxUploadFileSuccess> {
  const wrongTypes = (["url", "filePath", "name"] as const)
    .filter((key) => typeof options[key] !== "string")
    .map((key) => `parameter.${key} should be String instead of ${typeName(options[key])};`);
  if (wrongTypes.length) throw fail(`parameter error: ${wrongTypes.join(" ")}`);
  const file = files.read(options.filePath);
  if (!file) throw fail(`file not found: ${options.filePath}`);

  const form = new FormData();
  for (const [field, value] of Object.entries(options.formData ?? {})) {
    if (value === undefined) continue;
    form.append(field, typeof value === "object" && value !== null ? JSON.stringify(value) : String(value));
  }
  const fileName = options.filePath.slice(options.filePath.lastIndexOf("/") + 1);
  form.append(options.name, new Blob([file.bytes], { type: mimeTypeOf(file.ext) }), fileName);

  // The multipart boundary comes from the body, and WeChat sets Referer itself.
  const headers: Record<string, string> = {};
  for (const [header, value] of Object.entries(options.header ?? {})) {
    if (!["content-type", "content-length", "referer"].includes(header.toLowerCase())) headers[header] = String(value);
  }
  Object.assign(headers, defaultHeader);

  const response = await fetch(options.url, { method: "POST", headers, body: form, signal });
  const data = await response.text();
  return { data, statusCode: response.status, header: Object.fromEntries(response.headers), errMsg: "uploadFile:ok" };
}

function typeName(value: unknown): string {
  if (value === undefined) return "Undefined";
  if (value === null) return "Null";
  const name = typeof value;
  return name.charAt(0).toUpperCase() + name.slice(1);
}
