import type { FastifyRequest } from "fastify";
import type { MediaConfig } from "./config";
import { type CleanImage, cleanImage } from "./images";
import { createByteBudget, createQueue } from "./queue";
import { type PendingUpload, restOfForm } from "./upload-form";

/**
 * One decode at a time: a decode takes a core anyway, and every further
 * decode at once runs on another libuv thread, whose memory glibc keeps apart
 * and hardly gives back (see "Uploads" in the README).
 */
const DECODES_AT_ONCE = 1;
/** Files held in memory at once (read, waiting for or in their decode), as a multiple of the largest upload. */
const FILES_IN_MEMORY = 4;

/** Reads a form's pending file, then checks and re-encodes it (cleanImage): what every upload route does with its file. */
export type ReceiveImage = (request: FastifyRequest, upload: PendingUpload) => Promise<CleanImage>;

const pipelines = new WeakMap<MediaConfig, ReceiveImage>();

/**
 * The upload pipeline of one server's media config: the mini program's
 * uploads and the console's pictures share its decode queue and its memory
 * budget, so the console adds no decode and no memory beside them.
 */
export function uploadPipeline(config: MediaConfig): ReceiveImage {
  let receive = pipelines.get(config);
  if (receive) return receive;
  const decode = createQueue(DECODES_AT_ONCE);
  const reserve = createByteBudget(FILES_IN_MEMORY * config.maxBytes);
  receive = async (request, upload) => {
    // A body cannot be longer than its Content-Length (Node ends it there); a chunked one may be as large as allowed.
    const declared = Number(request.headers["content-length"]);
    const known = Number.isSafeInteger(declared) && declared > 0 ? Math.min(declared, config.maxBytes) : undefined;
    const release = await reserve(known ?? config.maxBytes);
    try {
      const bytes = await upload.fileBytes(known);
      await restOfForm(upload);
      return await decode(() => cleanImage(bytes, config));
    } finally {
      release();
    }
  };
  pipelines.set(config, receive);
  return receive;
}
