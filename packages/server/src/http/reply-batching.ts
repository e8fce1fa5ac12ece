import type { FastifyInstance } from "fastify";

/**
 * Writes every reply that became ready in one turn of the event loop together,
 * at the end of that turn, instead of each one the moment it is ready.
 *
 * Under load most of a small reply's cost is not wegate's work but the
 * kernel's: each write to a socket whose client sleeps in epoll wakes that
 * client (on another core, in a VM an expensive inter-processor interrupt).
 * Written in one burst, the first write wakes the client and the rest find it
 * awake, which saves a large share of a small reply's CPU (measured in
 * BENCHMARKS.md). When the server is idle a turn holds one request, and its
 * reply waits for nothing.
 */
export function batchReplies(app: FastifyInstance): void {
  let ready: Array<() => void> = [];

  const writeAll = () => {
    const batch = ready;
    ready = [];
    for (const write of batch) {
      try {
        write();
      } catch (error) {
        // One broken reply must not leave the rest of the batch unanswered.
        app.log.error({ err: error }, "writing a reply failed");
      }
    }
  };

  app.addHook("onSend", (_request, _reply, payload, done) => {
    if (ready.length === 0) setImmediate(writeAll);
    ready.push(() => done(null, payload));
  });
}
