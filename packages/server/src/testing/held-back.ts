/**
 * Wraps an async read so that it does its read, then waits: `read` resolves
 * once the read is done, `release()` lets the answer through. Tests use it to
 * put a write between a read and the moment its answer is kept.
 */
export function heldBack<Args extends unknown[], T>(readFn: (...args: Args) => Promise<T>) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let readDone!: () => void;
  const read = new Promise<void>((resolve) => (readDone = resolve));
  const call = async (...args: Args): Promise<T> => {
    const value = await readFn(...args);
    readDone();
    await gate;
    return value;
  };
  return { call, read, release };
}
