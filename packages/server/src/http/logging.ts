import type { FastifyBaseLogger, FastifyServerOptions } from "fastify";
import type { Bindings, ChildLoggerOptions, DestinationStream, Logger } from "pino";

/**
 * Query parameters whose values are kept in log lines: ids, paging and
 * switches. Every other value is cut out — an allowlist, because a secret can
 * come under any spelling (`%74oken=` is `token=` once parsed).
 */
const LOGGED_PARAMS = new Set(["page", "pageSize", "id", "goodsId", "categoryId", "referrer", "key", "number", "selected", "type", "appid"]);

/**
 * The request URL for a log line: the path as it came, the query as parsed
 * (names decoded as the router decodes them), values redacted unless their
 * name is on the allowlist.
 */
export function redactUrl(url: string): string {
  const mark = url.indexOf("?");
  if (mark === -1) return url;
  const params = new URLSearchParams(url.slice(mark + 1));
  const kept: string[] = [];
  for (const [name, value] of params) {
    kept.push(`${encodeURIComponent(name)}=${LOGGED_PARAMS.has(name) ? encodeURIComponent(value) : "[redacted]"}`);
  }
  return kept.length ? `${url.slice(0, mark)}?${kept.join("&")}` : url.slice(0, mark);
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

const LEVELS = ["fatal", "error", "warn", "info", "debug", "trace"] as const;
type Level = (typeof LEVELS)[number];
type Log = (...args: unknown[]) => void;

/**
 * A request's logger, made on the request's first line that its level lets
 * through. fastify gives every request a child logger bound to its reqId, and
 * with wildcard redaction pino runs the redactor over the bindings of each
 * one made: garbage on every request, for lines mostly never written (a
 * good request logs nothing above info, and under LOG_LEVEL=warn nothing).
 */
class RequestLogger {
  #child: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly bindings: Bindings,
  ) {}

  /** The child logger fastify would have made. */
  real(): Logger {
    return (this.#child ??= this.parent.child(this.bindings));
  }

  /** Whether a line at `level` would be written (by the child once made: its level may have been set). */
  enabled(level: Level): boolean {
    return (this.#child ?? this.parent).isLevelEnabled(level);
  }

  get level(): string {
    return (this.#child ?? this.parent).level;
  }

  set level(level: string) {
    this.real().level = level;
  }

  silent() {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.real().child(bindings, options);
  }
}
interface RequestLogger extends Record<Level, Log> {}
for (const level of LEVELS) {
  RequestLogger.prototype[level] = function (this: RequestLogger, ...args: unknown[]) {
    if (this.enabled(level)) {
      const real = this.real();
      Reflect.apply(real[level], real, args);
    }
  };
}

/**
 * fastify's `childLoggerFactory`: a RequestLogger, unless the route sets its
 * own log level or serializers (then the child is made at once, as fastify does).
 */
export function requestLogger(logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  if (options.level || options.serializers) return logger.child(bindings, options);
  return new RequestLogger(logger as Logger, bindings) as unknown as FastifyBaseLogger;
}
