/**
 * A Redis logical database of the bench's own. `wegate serve` takes no key
 * prefix from the environment (its keys start with "wegate:"), so the bench
 * isolates its servers from everything else on the same Redis (tests, another
 * run, an `npm start`) by the database number in REDIS_URL: it claims an empty
 * one with a marker key and empties it afterwards. (Pub/sub channels are not
 * per database in Redis: only keys are isolated this way.)
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";

const CLAIM_KEY = "wegate-bench:claim";
/** Longer than any run: a killed run's claim goes away on its own. */
const CLAIM_TTL_SECONDS = 2 * 3600;

export interface ClaimedRedis {
  index: number;
  /** The Redis server's pid (INFO server), for its CPU time; undefined if Redis is not on this machine's /proc. */
  pid?: number;
  /** REDIS_URL with the claimed database's number. */
  url: string;
  /** Empties the database (everything in it is the run's) if the claim is still this run's. */
  release(): Promise<void>;
}

function withDatabase(url: string, index: number): string {
  const parsed = new URL(url);
  parsed.pathname = `/${index}`;
  return parsed.toString();
}

export async function claimRedisDatabase(url: string): Promise<ClaimedRedis> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 });
  await redis.connect();
  try {
    // CONFIG may be renamed or disabled on a managed Redis: 16 is the default.
    const count = Number(((await redis.config("GET", "databases").catch(() => [])) as string[])[1] ?? 16);
    const holder = randomBytes(8).toString("hex");
    // From the last database down: tests and local servers use 0.
    for (let index = count - 1; index >= 1; index--) {
      await redis.select(index);
      if ((await redis.set(CLAIM_KEY, holder, "EX", CLAIM_TTL_SECONDS, "NX")) !== "OK") continue;
      if ((await redis.dbsize()) === 1) {
        const pid = Number(/^process_id:(\d+)/m.exec(await redis.info("server"))?.[1]);
        return {
          index,
          pid: Number.isInteger(pid) && pid > 0 ? pid : undefined,
          url: withDatabase(url, index),
          release: () => release(url, index, holder),
        };
      }
      // Someone else's keys are there: give the database back untouched.
      await redis.del(CLAIM_KEY);
    }
    throw new Error(`no empty Redis logical database at ${url.replace(/\/\/[^@/]*@/, "//")} (1-${count - 1} all hold keys)`);
  } finally {
    redis.disconnect();
  }
}

async function release(url: string, index: number, holder: string): Promise<void> {
  const redis = new Redis(withDatabase(url, index), { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 });
  await redis.connect();
  try {
    if ((await redis.get(CLAIM_KEY)) === holder) await redis.flushdb();
  } finally {
    redis.disconnect();
  }
}
