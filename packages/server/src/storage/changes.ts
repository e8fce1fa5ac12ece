/**
 * What the in-process caches hear about changes they did not make
 * themselves: another process committed to the SQLite file (`wegate goods
 * import`, `wegate tenant remove`), or a tenant was removed here.
 */
export type Change = { kind: "everything" };

export interface ChangeFeed {
  /** Calls `listener` for every change until the returned function is called. */
  listen(listener: (change: Change) => void): () => void;
  /**
   * Whether changes are being heard right now. While not, a cache keeps
   * nothing it reads: it could not learn that the value went stale.
   */
  readonly hearing: boolean;
  /** Tells every listener (a change made through this process that the caches cannot see from their verbs). */
  emit(change: Change): void;
  close(): Promise<void>;
}

/** How often changes made by another process are looked for. */
export const DEFAULT_POLL_MS = 250;

/**
 * SQLite's feed: `PRAGMA data_version` moves when another connection
 * commits, so polling it every `pollMs` hears other processes' writes;
 * anything else is one of ours. A failed poll (closed, busy) counts as "not
 * hearing" until one succeeds, and as a change when it does.
 */
export function pollingFeed(dataVersion: () => Promise<number>, pollMs = DEFAULT_POLL_MS): ChangeFeed {
  const listeners = new Set<(change: Change) => void>();
  let version: number | undefined;
  const emit = (change: Change) => {
    for (const listener of listeners) listener(change);
  };
  async function poll() {
    try {
      const seen = await dataVersion();
      if (seen !== version) {
        emit({ kind: "everything" });
        version = seen;
      }
    } catch {
      version = undefined;
      emit({ kind: "everything" });
    }
  }
  const polling = poll();
  const timer = setInterval(poll, pollMs).unref();
  return {
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get hearing() {
      return version !== undefined;
    },
    emit,
    async close() {
      clearInterval(timer);
      await polling;
      listeners.clear();
    },
  };
}
