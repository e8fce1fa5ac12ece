import type { WxFail } from "./wx-async";

export interface WxTask {
  abort(): void;
}

interface TaskCallbacks<R> {
  timeout?: number;
  success?: (result: R) => void;
  fail?: (error: WxFail) => void;
  complete?: (result: R | WxFail) => void;
}

/** WeChat's default timeout of network tasks (wx.request, wx.uploadFile). */
const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * A wx network task as WeChat runs one: `send` does the exchange; success
 * and complete get its answer; a timeout or abort() stops it, and its failure
 * becomes `fail` with the errMsg `failOf` makes of the reason (a WxFail it
 * throws itself is passed on as it is). Returns the task, not a promise.
 */
export function runWxTask<R>(
  options: TaskCallbacks<R>,
  send: (signal: AbortSignal) => Promise<R>,
  failOf: (reason: string) => WxFail,
): WxTask {
  const controller = new AbortController();
  let stopReason: "timeout" | "abort" | undefined;
  const timer = setTimeout(() => {
    stopReason ??= "timeout";
    controller.abort();
  }, options.timeout ?? DEFAULT_TIMEOUT_MS);

  Promise.resolve()
    .then(() => send(controller.signal))
    .catch((error: unknown) => {
      if (isWxFail(error)) throw error;
      throw failOf(stopReason ?? networkReason(error));
    })
    .finally(() => clearTimeout(timer))
    .then(
      (result) => {
        options.success?.(result);
        options.complete?.(result);
      },
      (failure: WxFail) => {
        options.fail?.(failure);
        options.complete?.(failure);
      },
    );

  return {
    abort() {
      stopReason ??= "abort";
      controller.abort();
    },
  };
}

function isWxFail(error: unknown): error is WxFail {
  return typeof error === "object" && error !== null && typeof (error as WxFail).errMsg === "string";
}

/** What failed on the network: undici puts the reason (ECONNREFUSED, ...) in the cause. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { message?: unknown } } | undefined)?.cause;
  if (cause && typeof cause.message === "string") return cause.message;
  return error instanceof Error ? error.message : String(error);
}
