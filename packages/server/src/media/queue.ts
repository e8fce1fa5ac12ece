/**
 * Runs at most `slots` tasks at once; the others wait in line, in order.
 * Decodes go through one: a decode holds an image's pixels, so the number of
 * decodes at once, not the number of uploads in flight, bounds that memory.
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

/**
 * A budget of bytes held in memory at once: `reserve(n)` resolves, with the
 * function that gives the bytes back, once `n` of them are free. Waiters are
 * served in order among those that fit, so a small upload (an avatar) goes on
 * beside large ones. One request larger than the whole budget goes alone.
 * A waiting upload holds no memory of its own: its bytes stay in the
 * client's socket until its turn.
 */
export function createByteBudget(total: number) {
  let used = 0;
  const waiting: Array<{ bytes: number; grant: () => void }> = [];
  const fits = (bytes: number) => used + bytes <= total || used === 0;
  const serve = () => {
    for (let i = 0; i < waiting.length; ) {
      if (fits(waiting[i].bytes)) waiting.splice(i, 1)[0].grant();
      else i++;
    }
  };
  return async function reserve(bytes: number): Promise<() => void> {
    if (fits(bytes)) used += bytes;
    else await new Promise<void>((grant) => waiting.push({ bytes, grant: () => ((used += bytes), grant()) }));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      used -= bytes;
      serve();
    };
  };
}
