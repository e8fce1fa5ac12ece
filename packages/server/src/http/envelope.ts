import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { isWechatError } from "@wegate/wechat";
import { ApiError, type ErrorDefinition, errorNameForWechat, errors } from "../errors";

export type Lang = "zh" | "en";

/** Chinese unless the client asks for English first (end users read msg in wx.showModal). */
export function langOf(request: FastifyRequest): Lang {
  const header = request.headers["accept-language"];
  return typeof header === "string" && /^\s*en\b/i.test(header) ? "en" : "zh";
}

export function envelopeFor(definition: ErrorDefinition, lang: Lang, detail?: string) {
  const msg = definition[lang];
  return { code: definition.code, msg: detail ? `${msg}: ${detail}` : msg };
}

/** The success envelope. */
export function ok<T>(data: T): { code: 0; msg: string; data: T };
export function ok(): { code: 0; msg: string };
export function ok(data?: unknown) {
  return data === undefined ? { code: 0, msg: errors.ok.zh } : { code: 0, msg: errors.ok.zh, data };
}

/**
 * Sends an answer already serialized, as it is: by its route's schema earlier
 * (`reply.serialize`, for answers that do not change between requests), or
 * as the same bytes the schema would make (routes/cart-answer.ts).
 */
export function sendSerialized(reply: FastifyReply, bytes: Buffer) {
  return reply.type("application/json; charset=utf-8").send(bytes);
}

function toApiError(error: FastifyError | Error): ApiError {
  if (error instanceof ApiError) return error;
  if (isWechatError(error)) return new ApiError(errorNameForWechat(error.kind));
  const fastifyError = error as FastifyError;
  // fastify's own messages for bad requests name the field, never its value.
  if (fastifyError.validation) return new ApiError("badInput", fastifyError.message);
  if (fastifyError.code === "FST_ERR_CTP_BODY_TOO_LARGE") return new ApiError("payloadTooLarge");
  if (fastifyError.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") return new ApiError("unsupportedMediaType");
  if (fastifyError.statusCode === 429) return new ApiError("rateLimited");
  const status = fastifyError.statusCode ?? 500;
  if (status >= 400 && status < 500) return new ApiError("badInput", fastifyError.message);
  return new ApiError("internal");
}

/** The one writer of error envelopes. Internal causes are logged, never sent. */
export function errorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  const apiError = toApiError(error);
  if (apiError.errorName === "internal") {
    request.log.error({ err: error }, "unhandled error");
  } else if (isWechatError(error)) {
    request.log.warn({ wechat: { kind: error.kind, errcode: error.errcode, message: error.message } }, "WeChat call failed");
  }
  return reply.status(apiError.definition.status).send(envelopeFor(apiError.definition, langOf(request), apiError.detail));
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  return reply.status(404).send(envelopeFor(errors.routeNotFound, langOf(request)));
}
