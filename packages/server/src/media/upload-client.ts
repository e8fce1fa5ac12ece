/** How the tests and the bench upload: a multipart form over real HTTP, as wx.uploadFile sends it. */
import type { Harness, Reply } from "../testing/harness";

export interface UploadFile {
  field?: string;
  bytes: Buffer;
  name?: string;
  type?: string;
}

export interface UploadRequest {
  token?: string;
  files?: UploadFile[];
  /** Extra form fields (sent before the files). */
  fields?: Record<string, string>;
  headers?: Record<string, string>;
  /** Send the token field after the file instead of before it. */
  tokenAfterFile?: boolean;
  tenant?: string;
}

export function uploadForm(request: UploadRequest): FormData {
  const form = new FormData();
  if (request.token !== undefined && !request.tokenAfterFile) form.append("token", request.token);
  for (const [name, value] of Object.entries(request.fields ?? {})) form.append(name, value);
  for (const file of request.files ?? []) {
    form.append(file.field ?? "upfile", new Blob([file.bytes], { type: file.type ?? "image/jpeg" }), file.name ?? "photo.jpg");
  }
  if (request.token !== undefined && request.tokenAfterFile) form.append("token", request.token);
  return form;
}

export async function upload(base: string, request: UploadRequest): Promise<Reply> {
  const response = await fetch(`${base}/${request.tenant ?? "shop-a"}/dfs/upload/file`, {
    method: "POST",
    body: uploadForm(request),
    headers: request.headers,
  });
  const text = await response.text();
  let body: Reply["body"];
  try {
    body = JSON.parse(text);
  } catch {
    body = { code: Number.NaN, msg: text };
  }
  return { status: response.status, body, text };
}

/** A registered user's token on tenant a (or `tenant`). */
export async function tokenOf(h: Harness, user: string, tenant = h.tenants.a): Promise<string> {
  const reply = await h.post(`/${tenant.subDomain}/user/wxapp/authorize`, { code: h.code(user, tenant) });
  if (reply.body.code !== 0) throw new Error(`authorize failed: ${reply.text}`);
  return reply.body.data.token;
}
