import type { FastifyServerOptions } from "fastify";
import type { DestinationStream } from "pino";

/** Query parameters whose values never reach a log line. */
const SECRET_PARAMS = /([?&](?:token|secret|js_code|code|session_key|access_token|encryptedData|iv|signature)=)[^&#]*/gi;

export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAMS, "$1[redacted]");
}

export interface LogOptions {
  level?: string;
  /** Where log lines go (stdout by default); tests pass a stream to read them. */
  stream?: DestinationStream;
}

/**
 * pino options for fastify. Bodies are never logged; request lines keep the
 * method and a URL with secrets cut out (GET check-token carries the token in
 * the query); header and object paths that can hold secrets are censored in
 * case a handler logs them.
 */
export function loggerOptions(options: LogOptions): FastifyServerOptions["logger"] {
  return {
    level: options.level ?? "info",
    ...(options.stream && { stream: options.stream }),
    redact: {
      paths: [
        "req.headers.authorization",
        "req.headers['x-token']",
        "req.headers.cookie",
        "*.token",
        "*.secret",
        "*.sessionKey",
        "*.session_key",
        "*.encryptedData",
        "*.iv",
      ],
      censor: "[redacted]",
    },
    serializers: {
      req(request: { method: string; url: string; ip?: string }) {
        return { method: request.method, url: redactUrl(request.url), remoteAddress: request.ip };
      },
    },
  };
}
