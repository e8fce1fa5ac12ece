import { type IncomingMessage, type ServerResponse, STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { isWechatError } from "@wegate/wechat";
import { ApiError, type Detail, detail, type ErrorDefinition, type ErrorName, errorNameForWechat, errors } from "../errors";
import { validationDetail } from "./validation";

export type Lang = "zh" | "en";

/** Chinese unless the client asks for English first (end users read msg in wx.showModal). */
function langOfHeader(header: string | string[] | undefined): Lang {
  return typeof header === "string" && /^\s*en\b/i.test(header) ? "en" : "zh";
}

export function langOf(request: FastifyRequest): Lang {
  return langOfHeader(request.headers["accept-language"]);
}

export function envelopeFor(definition: ErrorDefinition, lang: Lang, detail?: Detail) {
  const msg = definition[lang];
  return { code: definition.code, msg: detail ? `${msg}: ${detail[lang]}` : msg };
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

/** fastify's own error codes, by the catalogue entry that answers them. */
const errorByFastifyCode: Record<string, () => ApiError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => new ApiError("payloadTooLarge"),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => new ApiError("unsupportedMediaType"),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => new ApiError("malformedRequest"),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => new ApiError("badInput", detail("JSON 请求体为空", "the JSON body is empty")),
  FST_ERR_CTP_INVALID_JSON_BODY: () => new ApiError("badInput", detail("请求体不是有效的 JSON", "the body is not valid JSON")),
  FST_ERR_BAD_URL: () => new ApiError("malformedRequest", detail("请求地址编码无效", "the URL is not validly percent-encoded")),
  FST_ERR_MAX_PARAM_LENGTH: () => new ApiError("uriTooLong"),
};

function toApiError(error: FastifyError | Error): ApiError {
  if (error instanceof ApiError) return error;
  if (isWechatError(error)) return new ApiError(errorNameForWechat(error.kind));
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) return new ApiError("badInput", validationDetail(fastifyError.validation));
  const known = fastifyError.code && Object.hasOwn(errorByFastifyCode, fastifyError.code) ? errorByFastifyCode[fastifyError.code] : undefined;
  if (known) return known();
  if (fastifyError.statusCode === 429) return new ApiError("rateLimited");
  const status = fastifyError.statusCode ?? 500;
  // Any other client error fastify or a plugin raises: its text is English
  // and may quote the input, so only the status is kept.
  if (status >= 400 && status < 500) return new ApiError(status === 400 ? "badInput" : "malformedRequest");
  return new ApiError("internal");
}

/** The one writer of error envelopes. Internal causes are logged, never sent. */
export function errorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  const apiError = toApiError(error);
  if (apiError.errorName === "internal") {
    request.log.error({ err: error }, "unhandled error");
  } else if (isWechatError(error)) {
    // While a circuit is open every refused call would repeat the line that opened it.
    const level = error.kind === "circuit_open" ? "debug" : "warn";
    request.log[level]({ wechat: { kind: error.kind, errcode: error.errcode, message: error.message } }, "WeChat call failed");
  }
  return reply.status(apiError.definition.status).send(envelopeFor(apiError.definition, langOf(request), apiError.detail));
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  return reply.status(404).send(envelopeFor(errors.routeNotFound, langOf(request)));
}

/** The response head and envelope for a request that never became a request (fastify's clientError). */
function rawEnvelope(name: ErrorName): string {
  const definition = errors[name];
  const body = JSON.stringify(envelopeFor(definition, "zh"));
  return (
    `HTTP/1.1 ${definition.status} ${STATUS_CODES[definition.status]}\r\n` +
    `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

/**
 * Node answers a request whose `Expect` it cannot meet (anything but
 * 100-continue) by itself, with a bare 417, unless the server listens for
 * `checkExpectation`: this answers it with the envelope instead.
 */
export function expectationFailed(request: IncomingMessage, response: ServerResponse) {
  const definition = errors.expectationFailed;
  const body = JSON.stringify(envelopeFor(definition, langOfHeader(request.headers["accept-language"])));
  response.writeHead(definition.status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body), connection: "close" });
  response.end(body);
}

/**
 * fastify's clientErrorHandler: Node's HTTP parser refused the bytes (headers
 * or query string too large, a NUL in the request line, a bad
 * Content-Length, chunked plus Content-Length) or the request did not arrive
 * in time. No request exists, so no Accept-Language either: Chinese, the
 * default.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket) {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const name: ErrorName =
    error.code === "HPE_HEADER_OVERFLOW" ? "headersTooLarge" : error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? "requestTimeout" : "malformedRequest";
  if (socket.writable) socket.end(rawEnvelope(name));
  else socket.destroy();
}
