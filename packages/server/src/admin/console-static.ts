import { existsSync, readdirSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { ApiError, detail } from "../errors";
import { notFoundHandler } from "../http/envelope";

export interface ConsoleStaticOptions {
  /** The built console (apps/console/dist); default CONSOLE_DIR, else the one beside the server package. */
  dir?: string;
}

/** Where the console is mounted; its API is under /admin/api. */
export const CONSOLE_PREFIX = "/admin";

/**
 * The server package's own folder: the nearest package.json above this code,
 * which is src/admin/ when run from source (tsx) and dist/ in the tsup bundle
 * that `npm start` runs, so the two need no separate relative paths.
 */
function serverPackageDir(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) return import.meta.dirname;
    dir = parent;
  }
  return dir;
}

export function defaultConsoleDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.CONSOLE_DIR?.trim();
  return override ? resolve(override) : resolve(serverPackageDir(), "../../apps/console/dist");
}

// Vite names every file under assets/ by its content hash: a changed file is a new name, so a year is safe.
const ASSETS = "assets";
const ASSET_CACHE = "public, max-age=31536000, immutable";
// index.html names the current hashes: browsers ask again each time (a 304 when unchanged).
const PAGE_CACHE = "no-cache";

/** Paths under /admin that are never pages of the app: an unknown one is a 404, not index.html. */
const notPage = (url: string) => /^\/admin\/(api|assets)(\/|$|\?)/.test(url);

/**
 * The operator console's built single-page app at /admin: its hashed assets
 * long-cached, index.html for /admin and for every app route (/admin/goods
 * after a reload), so the Vue router finds it. A console that was never built
 * is said so in the envelope, with how to build it.
 */
export const consoleStatic: FastifyPluginAsync<ConsoleStaticOptions> = async (app, options) => {
  const dir = options.dir ?? defaultConsoleDir();
  const hidden = { schema: { hide: true } };

  if (!existsSync(join(dir, "index.html"))) {
    const notBuilt = async (request: FastifyRequest, reply: FastifyReply) => {
      if (notPage(request.url)) return notFoundHandler(request, reply);
      throw new ApiError(
        "notReady",
        detail(
          `运营后台尚未构建（${dir} 中没有 index.html），请在仓库根目录运行 npm run build`,
          `the operator console is not built (no index.html in ${dir}): run npm run build in the repository root`,
        ),
      );
    };
    app.get(CONSOLE_PREFIX, hidden, notBuilt);
    app.get(`${CONSOLE_PREFIX}/*`, hidden, notBuilt);
    return;
  }

  // One wildcard route for the hashed assets (a route per file would cost a
  // few MB of memory for the hundreds of files and their compressed copies).
  await app.register(fastifyStatic, {
    root: join(dir, ASSETS),
    prefix: `${CONSOLE_PREFIX}/${ASSETS}/`,
    index: false,
    cacheControl: false,
    preCompressed: true,
    schemaHide: true,
    // sendFile (index.html, favicon.svg) comes through here too.
    setHeaders: (reply, path) => reply.header("cache-control", path.startsWith(join(dir, ASSETS) + sep) ? ASSET_CACHE : PAGE_CACHE),
  });

  // Files beside index.html (favicon.svg) by name; any other path is a page of the app.
  const besideIndex = new Set(readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => entry.name));
  const page = async (request: FastifyRequest, reply: FastifyReply) => {
    if (notPage(request.url)) return notFoundHandler(request, reply);
    const name = request.url.slice(CONSOLE_PREFIX.length + 1).split("?")[0];
    const file = besideIndex.has(name) && !/\.(gz|br)$/.test(name) ? name : "index.html";
    return reply.header("cache-control", PAGE_CACHE).sendFile(file, dir);
  };
  app.get(CONSOLE_PREFIX, hidden, page);
  app.get(`${CONSOLE_PREFIX}/*`, hidden, page);
};
