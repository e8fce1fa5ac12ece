/** What a failed wx API passes to `fail` (and rejects with). */
export interface WxFail {
  errMsg: string;
}

type Callback<T> = (result: T) => void;

export interface WxCallbacks<T> {
  success?: Callback<T>;
  fail?: Callback<WxFail>;
  complete?: Callback<T | WxFail>;
}

type AtLeastOneCallback<T> = { success: Callback<T> } | { fail: Callback<WxFail> } | { complete: Callback<T | WxFail> };

/** A WeChat-style async API: callbacks when any is given, otherwise a Promise. */
export interface WxAsyncApi<O, T> {
  (options: O & WxCallbacks<T> & AtLeastOneCallback<T>): void;
  (options?: O): Promise<T>;
}

/** Thrown by an API body to fail with WeChat's `<api>:fail <reason>` message. */
export function wxFail(api: string, reason: string): WxFail {
  return { errMsg: `${api}:fail ${reason}` };
}

function toFail(api: string, error: unknown): WxFail {
  if (typeof error === "object" && error !== null && typeof (error as WxFail).errMsg === "string") return error as WxFail;
  return wxFail(api, error instanceof Error ? error.message : String(error));
}

/**
 * Wraps an API body. The body runs synchronously at call time (so the order of
 * calls is the order of effects); results are delivered asynchronously, as on
 * the phone. A success callback that throws surfaces as an unhandled rejection,
 * so a failing assertion inside it fails the test.
 */
export function wxAsync<O extends object, T>(api: string, onCall: (api: string) => void, body: (options: O) => T | Promise<T>): WxAsyncApi<O, T> {
  const invoke = (options: O & WxCallbacks<T> = {} as O & WxCallbacks<T>) => {
    onCall(api);
    let outcome: Promise<T>;
    try {
      outcome = Promise.resolve(body(options));
    } catch (error) {
      outcome = Promise.reject(error);
    }
    outcome = outcome.catch((error: unknown) => {
      throw toFail(api, error);
    });
    const { success, fail, complete } = options;
    if (!success && !fail && !complete) return outcome;
    outcome.then(
      (result) => {
        success?.(result);
        complete?.(result);
      },
      (error: WxFail) => {
        fail?.(error);
        complete?.(error);
      },
    );
    return undefined;
  };
  return invoke as WxAsyncApi<O, T>;
}
