import multipart from "@fastify/multipart";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import { Type } from "typebox";
import { ApiError, detail } from "../errors";
import { requireSession } from "../http/auth";
import { ok } from "../http/envelope";
import { Envelope } from "../routes/schemas";
import type { MediaConfig } from "./config";
import { EXTENSION, MIME } from "./images";
import { uploadPipeline } from "./pipeline";
import type { MediaStore } from "./store";
import { fileUrl, parseFileName } from "./urls";
import { type PendingUpload, readUntilFile } from "./upload-form";

export interface MediaRoutesOptions {
  store: MediaStore;
  config: MediaConfig;
  /** The origin (and path prefix) phones reach this server at: PUBLIC_URL, or the listen address. */
  publicUrl: () => string;
}

const Uploaded = Type.Object({
  url: Type.String({ description: "Absolute URL of the stored image (save this, e.g. as avatarUrl)" }),
  name: Type.String({ description: "The stored file's name: the SHA-256 of its bytes and its format's extension" }),
  size: Type.Integer({ description: "Bytes stored (after re-encoding)" }),
  type: Type.String({ description: "MIME type" }),
  width: Type.Integer(),
  height: Type.Integer(),
});

const pending = new WeakMap<FastifyRequest, PendingUpload>();

/** Upload (API Factory's `/dfs/upload/file`, as WXAPI.uploadFile calls it) and the stored files. */
export const mediaRoutes: FastifyPluginAsyncTypebox<MediaRoutesOptions> = async (app, options) => {
  const { store, config, publicUrl } = options;
  const receive = uploadPipeline(config);
  // Only here: every other route keeps refusing multipart bodies (415).
  await app.register(multipart);

  app.post(
    "/dfs/upload/file",
    {
      schema: {
        tags: ["media"],
        summary: "Upload an image (JPEG, PNG, WebP, GIF): multipart/form-data, file field `upfile`, `token` before the file",
        consumes: ["multipart/form-data"],
        response: { 200: Envelope(Uploaded) },
      },
      // The form is read up to the file (its token field included), then the
      // token is checked and the user's upload limits counted, and only then
      // are the file's bytes read.
      preHandler: [
        async (request) => {
          pending.set(request, await readUntilFile(request, config.maxBytes));
        },
        requireSession,
      ],
      config: { limit: ["upload", "uploadDaily"] },
    },
    async (request) => {
      const image = await receive(request, pending.get(request)!);
      await store.saveImage(request.tenant.id, image, app.clock());
      return ok({
        url: fileUrl(publicUrl(), request.tenant.subDomain, image),
        name: `${image.hash}.${EXTENSION[image.format]}`,
        size: image.bytes.length,
        type: MIME[image.format],
        width: image.width,
        height: image.height,
      });
    },
  );

  app.get(
    "/dfs/files/:name",
    {
      schema: {
        tags: ["media"],
        summary: "A stored image (immutable: its name is the SHA-256 of its bytes)",
        params: Type.Object({ subDomain: Type.String(), name: Type.String({ maxLength: 128 }) }),
      },
    },
    async (request, reply) => {
      const wanted = parseFileName(request.params.name);
      const image = wanted && (await store.findImage(request.tenant.id, wanted.hash));
      if (!image || image.format !== wanted.format) throw new ApiError("notFound", detail("文件不存在", "no such file"));
      reply
        .header("etag", `"${image.hash}"`)
        .header("cache-control", "public, max-age=31536000, immutable")
        // Served as what it is, never sniffed into HTML or script, and inert if opened as a page.
        .header("x-content-type-options", "nosniff")
        .header("content-security-policy", "default-src 'none'; sandbox");
      if (matches(request.headers["if-none-match"], image.hash)) return reply.status(304).send();
      return reply.type(MIME[image.format]).send(image.bytes);
    },
  );
};

function matches(ifNoneMatch: string | undefined, hash: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(",").some((tag) => {
    const value = tag.trim().replace(/^W\//, "");
    return value === "*" || value === `"${hash}"`;
  });
}
