import multipart from "@fastify/multipart";
import { Type } from "typebox";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { ok } from "../../http/envelope";
import { uploadPipeline } from "../../media/pipeline";
import type { MediaRoutesOptions } from "../../media/routes";
import { readUntilFile } from "../../media/upload-form";
import { fileUrl } from "../../media/urls";
import { Envelope } from "../../routes/schemas";
import type { AdminContext } from "../context";
import { SubDomain } from "./schemas";

/** The console's form field for the picture. */
const FILE_FIELD = "file";

/**
 * Goods pictures, through the mini program upload's pipeline (same checks,
 * re-encoding, decode queue and memory budget: media/pipeline.ts) into the
 * tenant's media store, served at the same /{subDomain}/dfs/files/ URLs.
 */
export const adminPictureRoutes: FastifyPluginAsyncTypebox<{ context: AdminContext; media: MediaRoutesOptions }> = async (app, { context, media }) => {
  const receive = uploadPipeline(media.config);
  // Only in this plugin: the console's other routes keep refusing multipart bodies.
  await app.register(multipart);

  app.post(
    "/pictures",
    {
      schema: {
        tags: ["admin"],
        summary: "Upload a goods picture (JPEG, PNG, WebP, GIF): multipart/form-data, file field `file`; answers its URL for `pics`",
        consumes: ["multipart/form-data"],
        querystring: Type.Object({ tenant: SubDomain }),
        response: {
          200: Envelope(
            Type.Object({
              url: Type.String({ description: "Absolute URL of the stored image" }),
              hash: Type.String({ description: "SHA-256 of the stored bytes" }),
              width: Type.Integer(),
              height: Type.Integer(),
            }),
          ),
        },
      },
    },
    async (request) => {
      const { operator } = request.admin;
      // The tenant first: another tenant's operator learns nothing of the file's checks.
      const tenant = await context.visibleTenant(operator, request.query.tenant);
      const image = await receive(request, await readUntilFile(request, media.config.maxBytes, FILE_FIELD));
      const { created } = await media.store.saveImage(tenant.id, image, app.clock());
      await context.audit(request, { operatorId: operator.id, tenantId: tenant.id, action: "picture-upload", target: `${tenant.subDomain}/picture/${image.hash}`, detail: { created } });
      return ok({ url: fileUrl(media.publicUrl(), tenant.subDomain, image), hash: image.hash, width: image.width, height: image.height });
    },
  );
};
