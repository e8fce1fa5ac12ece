import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Change, ChangeFeed } from "./changes";

/** One publish carries the changes an instance made in one turn of its event loop. */
interface Message {
  from: string;
  changes: Change[];
}

/**
 * The change feed of instances on one PostgreSQL database: each one publishes
 * the changes it makes on a Redis channel and hears the others'. Pub/sub
 * delivers in order within milliseconds, so a logout or a cart change made
 * on one instance reaches every other one about as fast as its answer
 * reaches the client.
 *
 * While the subscriber connection is down (Redis unreachable), `hearing` is
 * false and the caches keep nothing: every request reads the database until
 * the connection is back, when everything cached before is forgotten (what
 * was published meanwhile was not heard).
 */
const channelOf = (prefix: string | undefined) => `${prefix ?? "wegate:"}changes`;

/**
 * Tells every instance that anything may have changed: for the CLI, whose
 * writes (a goods import, a tenant removed) go around the instances' caches.
 */
export async function announceEverything(redis: Redis, options: { prefix?: string } = {}): Promise<void> {
  await redis.publish(channelOf(options.prefix), JSON.stringify({ from: "cli", changes: [{ kind: "everything" }] } satisfies Message));
}

export function redisChangeFeed(redis: Redis, options: { prefix?: string; onError?: (error: Error) => void } = {}): ChangeFeed {
  const channel = channelOf(options.prefix);
  const me = randomUUID();
  const listeners = new Set<(change: Change) => void>();
  const subscriber = redis.duplicate();
  let hearing = false;
  const emit = (change: Change) => {
    for (const listener of listeners) listener(change);
  };
  const lost = () => {
    if (!hearing) return;
    hearing = false;
    emit({ kind: "everything" });
  };

  subscriber.on("error", () => {});
  subscriber.on("close", lost);
  subscriber.on("reconnecting", lost);
  subscriber.on("ready", () => {
    subscriber.subscribe(channel).then(
      () => {
        emit({ kind: "everything" });
        hearing = true;
      },
      (error: Error) => options.onError?.(error),
    );
  });
  subscriber.on("message", (from: string, text: string) => {
    if (from !== channel) return;
    let message: Message;
    try {
      message = JSON.parse(text) as Message;
    } catch {
      return;
    }
    if (message.from === me || !Array.isArray(message.changes)) return;
    for (const change of message.changes) emit(change);
  });

  let unsent: Change[] = [];
  const sendUnsent = () => {
    const changes = unsent;
    unsent = [];
    // Not awaited: the changes are already committed, and Redis sends the
    // message before the answers that follow reach their clients. A failed
    // publish means Redis is down, and then the other instances are not
    // hearing either (their subscriber connections are down too).
    redis.publish(channel, JSON.stringify({ from: me, changes } satisfies Message)).catch((error: Error) => options.onError?.(error));
  };

  return {
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get hearing() {
      return hearing;
    },
    emit,
    publish(change) {
      // Sent at the end of this turn of the event loop with the turn's other
      // changes: under load a publish per write costs a socket write each.
      // The turn's replies are written in the same phase of the loop
      // (batchReplies waits for setImmediate too), so an answer goes out at
      // most microseconds before the other instances are told.
      if (unsent.length === 0) setImmediate(sendUnsent);
      unsent.push(change);
    },
    async close() {
      listeners.clear();
      hearing = false;
      subscriber.disconnect();
    },
  };
}
