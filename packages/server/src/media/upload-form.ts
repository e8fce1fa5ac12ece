import type { MultipartFile, MultipartValue } from "@fastify/multipart";
import type { FastifyRequest } from "fastify";
import { ApiError, detail } from "../errors";

/** API Factory's file field (`wx.uploadFile({name: 'upfile'})`). */
export const FILE_FIELD = "upfile";

type Part = MultipartFile | MultipartValue;

/** A form read up to its file: the file's bytes not read yet, the rest of the form after it. */
export interface PendingUpload {
  /** `expected`: the most it can be (the request's Content-Length), so the bytes go into one buffer allocated once. */
  fileBytes(expected?: number): Promise<Buffer>;
  parts: AsyncIterator<Part>;
}

/** The multipart plugin's and busboy's errors, as the catalogue's. */
function formError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  switch ((error as { code?: string }).code) {
    case "FST_REQ_FILE_TOO_LARGE":
      return new ApiError("uploadTooLarge");
    case "FST_FILES_LIMIT":
      return new ApiError("uploadTooManyFiles");
    case "FST_PARTS_LIMIT":
    case "FST_FIELDS_LIMIT":
      return new ApiError("badInput", detail("表单字段过多", "too many form fields"));
    case "FST_PROTO_VIOLATION":
      return new ApiError("badInput", detail("表单字段名无效", "invalid form field name"));
    default:
      // busboy: no boundary, a malformed part header, the body ending mid-part.
      return new ApiError("malformedRequest", detail("multipart 表单格式错误", "malformed multipart form"));
  }
}

/** One code for every form; the message names the field this form reads (API Factory's `upfile`, the console's `file`). */
function fileMissing(fileField: string): ApiError {
  return new ApiError("uploadFileMissing", detail(`请在表单字段 ${fileField} 中上传图片`, `send the image in the form field ${fileField}`));
}

async function next(parts: AsyncIterator<Part>): Promise<IteratorResult<Part>> {
  try {
    return await parts.next();
  } catch (error) {
    throw formError(error);
  }
}

/**
 * Reads the form's fields up to its file part and puts them in request.body,
 * where the token is looked for: so the token field must come before the
 * file (wx.uploadFile and FormData send formData first). The file's bytes
 * are not read yet: they wait until the token and limits have passed.
 */
export async function readUntilFile(request: FastifyRequest, maxBytes: number, fileField = FILE_FIELD): Promise<PendingUpload> {
  if (!request.isMultipart()) throw new ApiError("uploadNotMultipart");
  const parts = request.parts({ limits: { files: 1, fileSize: maxBytes, fields: 20, fieldSize: 8192, parts: 24, headerPairs: 20 } })[Symbol.asyncIterator]();
  const fields: Record<string, string> = {};
  for (;;) {
    const { value: part, done } = await next(parts);
    if (done) throw fileMissing(fileField);
    if (part.type === "field") {
      if (typeof part.value === "string" && !Object.hasOwn(fields, part.fieldname)) fields[part.fieldname] = part.value;
      continue;
    }
    if (part.fieldname !== fileField) throw fileMissing(fileField);
    // Form fields are text parameters like any other: an empty one is absent.
    const given = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== "" && !value.includes("\u0000")));
    request.body = { ...(request.body as object | undefined), ...given };
    return {
      parts,
      fileBytes: (expected) => readFile(part, expected),
    };
  }
}

/**
 * The file's bytes, copied into one buffer as they arrive: the chunks are
 * let go one by one instead of all being held until a final concatenation
 * (which, for a moment, holds the file twice).
 */
async function readFile(part: MultipartFile, expected = 256 * 1024): Promise<Buffer> {
  let bytes = Buffer.allocUnsafe(expected);
  let length = 0;
  try {
    for await (const chunk of part.file as AsyncIterable<Buffer>) {
      if (length + chunk.length > bytes.length) {
        const grown = Buffer.allocUnsafe(Math.max(bytes.length * 2, length + chunk.length));
        bytes.copy(grown, 0, 0, length);
        bytes = grown;
      }
      chunk.copy(bytes, length);
      length += chunk.length;
    }
  } catch (error) {
    throw formError(error);
  }
  // Busboy stops at the size limit and marks the file cut short.
  if (part.file.truncated) throw new ApiError("uploadTooLarge");
  return bytes.subarray(0, length);
}

/** Reads the form to its end: fields after the file are ignored, a second file is refused. */
export async function restOfForm(upload: PendingUpload): Promise<void> {
  for (;;) {
    const { value: part, done } = await next(upload.parts);
    if (done) return;
    if (part.type === "file") throw new ApiError("uploadTooManyFiles");
  }
}
