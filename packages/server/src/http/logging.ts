import type { FastifyBaseLogger, FastifyServerOptions } from "fastify";
import type { Bindings, ChildLoggerOptions, DestinationStream, Logger } from "pino";

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

const LEVELS = ["fatal", "error", "warn", "info", "debug", "trace"] as const;
type Level = (typeof LEVELS)[number];
type Log = (...args: unknown[]) => void;

/**
 * A request's logger, made on the request's first line that its level lets
 * through. fastify gives every request a child logger bound to its reqId, and
 * with wildcard redaction pino runs the redactor over the bindings of each
 * one made: ~2 KB of garbage per request, for lines mostly never written (a
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
