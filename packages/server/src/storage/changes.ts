/**
 * What the in-process caches hear about changes they did not make
 * themselves. On SQLite: another process committed to the file (`wegate goods
 * import`, `wegate tenant remove`) — "everything", since which rows is not
 * known. On PostgreSQL with Redis: what another instance changed, row by row.
 */
export type Change =
  | { kind: "everything" }
  /** A session was revoked or renewed. */
  | { kind: "session"; id: number }
  /** A login: the user's oldest sessions may have ended. */
  | { kind: "user-sessions"; userId: number }
  | { kind: "cart"; userId: number }
  /** A goods' name, price, stock, pictures or options: carts show them. */
  | { kind: "goods"; goodsId: number }
  /** Only a goods' counts (favorites, views), which carts do not show; no goodsId: any goods. */
  | { kind: "goods-counts"; goodsId?: number };

export interface ChangeFeed {
  /** Calls `listener` for every change until the returned function is called. */
  listen(listener: (change: Change) => void): () => void;
  /**
   * Whether changes are being heard right now. While not, a cache keeps
   * nothing it reads: it could not learn that the value went stale.
   */
  readonly hearing: boolean;
  /** Tells every listener here (a change made through this process that the caches cannot see from their verbs). */
  emit(change: Change): void;
  /** Tells the other processes of a change made here (the caches here already know it). */
  publish(change: Change): void;
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
    // Other processes hear our commits through their own data_version.
    publish() {},
    async close() {
      clearInterval(timer);
      await polling;
      listeners.clear();
    },
  };
}
