import DataLoader from "dataloader";

/** Batches of one loader running at once, at most: while they run, the next batch grows. */
const MAX_BATCHES_RUNNING = 2;

/**
 * A DataLoader (no cache: every load is asked of the database) whose batch
 * holds every load asked until the loop's check phase (a turn's requests
 * reach their query in separate microtask runs, which DataLoader's default
 * would batch one by one), and while MAX_BATCHES_RUNNING batches are running,
 * until one of them ends: under load the batches grow instead of the queries.
 */
export function turnLoader<K, V>(run: (keys: readonly K[]) => Promise<Array<V | Error>>): DataLoader<K, V> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return new DataLoader<K, V>(
    async (keys) => {
      try {
        return await run(keys);
      } finally {
        // The slot passes to the batch waiting longest, if any.
        const next = waiting.shift();
        if (next) setImmediate(next);
        else running--;
      }
    },
    {
      cache: false,
      batchScheduleFn: (dispatch) => {
        if (running < MAX_BATCHES_RUNNING) {
          running++;
          setImmediate(dispatch);
        } else {
          waiting.push(dispatch);
        }
      },
    },
  );
}
