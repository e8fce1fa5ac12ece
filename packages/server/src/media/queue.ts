/**
 * Runs at most `slots` tasks at once; the others wait in line, in order.
 * Uploads go through one: a task holds a file's bytes and then its decoded
 * pixels, so the number of tasks at once, not the number of uploads in
 * flight, bounds the memory uploads take. A waiting upload holds no memory of
 * its own: its bytes stay in the client's socket until its turn.
 */
export function createQueue(slots: number) {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async function inTurn<T>(task: () => Promise<T>): Promise<T> {
    if (running >= slots) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
