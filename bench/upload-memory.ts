/**
 * How much memory uploads take: the server as `npm start` runs it (the built
 * bundle, its node flags) gets UPLOADS photos of the upload size limit at
 * once, and its resident set is sampled from /proc throughout. Prints the
 * peak (BENCHMARKS.md keeps it) and exits 1 when it passes BOUND_MB, the
 * issue's bound, 2 when an upload failed.
 *
 *   npm run bench:upload-memory        (builds the server first)
 *
 * The photos are JPEGs of a phone camera's size (WIDTH x HEIGHT) of random
 * pixels, each compressed to just under the size limit: the most pixels a
 * file of that size with real content carries, so each decode is as large as
 * an accepted upload can make it.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { DEFAULT_MEDIA_CONFIG } from "../packages/server/src/media/config";
import { uploadForm } from "../packages/server/src/media/upload-client";
import { killAllNow, startSim, startWegate, stopAll } from "./servers";

const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 20);
const BOUND_MB = 250;
const WIDTH = 4000;
const HEIGHT = 3000;
const TENANT = "bench";
const MB = 1024 * 1024;

/** The environment `npm start` gives the server (MALLOC_ARENA_MAX), read from package.json so the bench runs what users run. */
function startEnv(): Record<string, string> {
  const { scripts } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { scripts: { start: string } };
  return Object.fromEntries([...scripts.start.matchAll(/\b(MALLOC_[A-Z_]+)=(\S+)/g)].map((match) => [match[1], match[2]]));
}

function photo(quality: number): Promise<Buffer> {
  return sharp(randomBytes(WIDTH * HEIGHT * 3), { raw: { width: WIDTH, height: HEIGHT, channels: 3 } }).jpeg({ quality }).toBuffer();
}

/** The highest JPEG quality that keeps such a photo under the limit (with a margin for the randomness). */
async function qualityUnderLimit(limit: number): Promise<number> {
  let [low, high] = [10, 95];
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if ((await photo(middle)).length <= limit * 0.97) low = middle;
    else high = middle - 1;
  }
  return low;
}

async function main() {
  const limit = DEFAULT_MEDIA_CONFIG.maxBytes;
  const quality = await qualityUnderLimit(limit);
  const photos: Buffer[] = [];
  while (photos.length < UPLOADS) {
    const bytes = await photo(quality);
    if (bytes.length <= limit) photos.push(bytes);
  }
  const sizes = photos.map((p) => p.length);
  console.log(`${UPLOADS} photos of ${WIDTH} x ${HEIGHT}, ${(Math.min(...sizes) / MB).toFixed(2)}-${(Math.max(...sizes) / MB).toFixed(2)} MB (JPEG quality ${quality})`);

  const app = { appid: "wxbe0c0000000000aa", secret: randomBytes(16).toString("hex") };
  const sim = await startSim(app);
  const dir = mkdtempSync(join(tmpdir(), "wegate-upload-memory-"));
  try {
    const env = startEnv();
    console.log(`server environment from npm start: ${JSON.stringify(env)}`);
    const wegate = await startWegate({
      ...env,
      PORT: "0",
      HOST: "127.0.0.1",
      DATABASE_URL: `sqlite:${join(dir, "wegate.db")}`,
      WEGATE_SECRET: randomBytes(32).toString("base64"),
      DEFAULT_TENANT: TENANT,
      WECHAT_APPID: app.appid,
      WECHAT_APP_SECRET: app.secret,
      WECHAT_API_BASE_URL: sim.url,
      LOG_LEVEL: "warn",
      REDIS_URL: "",
    });
    const [code] = await sim.mint(["uploader"]);
    const login = (await (
      await fetch(`${wegate.url}/${TENANT}/user/wxapp/authorize`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ code }) })
    ).json()) as { data: { token: string } };
    const token = login.data.token;

    const before = wegate.memory();
    let peak = before?.rss ?? 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, wegate.memory()?.rss ?? 0);
    }, 10);
    const started = performance.now();
    const replies = await Promise.all(
      photos.map(async (bytes) => {
        const response = await fetch(`${wegate.url}/${TENANT}/dfs/upload/file`, { method: "POST", body: uploadForm({ token, files: [{ bytes }] }) });
        return (await response.json()) as { code: number; msg: string };
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const after = wegate.memory();
    peak = Math.max(peak, after?.rss ?? 0);

    const failed = replies.filter((reply) => reply.code !== 0);
    console.log(`server RSS: ${((before?.rss ?? 0) / MB).toFixed(0)} MB before, peak ${(peak / MB).toFixed(0)} MB during (sampled every 10 ms), ${((after?.rss ?? 0) / MB).toFixed(0)} MB after; VmHWM ${((after?.peak ?? 0) / MB).toFixed(0)} MB`);
    console.log(`${UPLOADS - failed.length}/${UPLOADS} uploads stored in ${seconds.toFixed(1)} s; bound ${BOUND_MB} MB`);
    if (failed.length) {
      console.error(`failed: ${JSON.stringify(failed.slice(0, 3))}`);
      process.exitCode = 2;
    } else if (Math.max(peak, after?.peak ?? 0) > BOUND_MB * MB) {
      console.error(`over the bound: ${(Math.max(peak, after?.peak ?? 0) / MB).toFixed(0)} MB > ${BOUND_MB} MB`);
      process.exitCode = 1;
    }
  } finally {
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  killAllNow();
  process.exit(1);
});
