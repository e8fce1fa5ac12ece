import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Change, ChangeFeed } from "./changes";

interface Message {
  from: string;
  change: Change;
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
  await redis.publish(channelOf(options.prefix), JSON.stringify({ from: "cli", change: { kind: "everything" } } satisfies Message));
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
    if (message.from !== me) emit(message.change);
  });

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
      // Not awaited: the change is already committed, and Redis sends the
      // message before the answer that follows reaches the client. A failed
      // publish means Redis is down, and then the other instances are not
      // hearing either (their subscriber connections are down too).
      redis.publish(channel, JSON.stringify({ from: me, change } satisfies Message)).catch((error: Error) => options.onError?.(error));
    },
    async close() {
      listeners.clear();
      hearing = false;
      subscriber.disconnect();
    },
  };
}
