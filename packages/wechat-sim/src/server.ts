import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import formbody from "@fastify/formbody";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { wechatErrorBody } from "./errors";
import { signedUserInfo } from "./user-info";
import { WechatWorld, type SimFault, type WechatWorldOptions } from "./world";

export const CODE2SESSION_PATH = "/sns/jscode2session";
export const STABLE_TOKEN_PATH = "/cgi-bin/stable_token";
export const TOKEN_PATH = "/cgi-bin/token";
export const GET_USER_PHONE_NUMBER_PATH = "/wxa/business/getuserphonenumber";
export const CHECK_SESSION_PATH = "/wxa/checksession";
export const RESET_USER_SESSION_KEY_PATH = "/wxa/resetusersessionkey";

export interface WechatSimPluginOptions {
  world: WechatWorld;
}

/**
 * The simulator's routes; register with any prefix. A host app that uses the
 * "hang" fault needs `forceCloseConnections: true`, or its close() waits forever.
 */
export async function wechatSimPlugin(app: FastifyInstance, options: WechatSimPluginOptions): Promise<void> {
  const { world } = options;
  // Mounted inside a server that already parses forms (wegate in demo mode), the parser is inherited.
  if (!app.hasContentTypeParser("application/x-www-form-urlencoded")) await app.register(formbody);

  /** A WeChat endpoint: counted, then any fault for its path, then the normal answer. */
  const wechatRoute =
    (path: string, answer: (request: FastifyRequest) => unknown) => async (request: FastifyRequest, reply: FastifyReply) => {
      world.recordCall(path);
      const fault = world.takeFault(path);
      if (fault && (await applyFault(fault, request, reply))) return reply;
      return answer(request);
    };

  app.get(CODE2SESSION_PATH, wechatRoute(CODE2SESSION_PATH, (request) => world.code2Session(firstValues(request.query))));
  app.post(
    STABLE_TOKEN_PATH,
    wechatRoute(STABLE_TOKEN_PATH, (request) => {
      const body = jsonObject(request.body);
      return body ? world.stableToken(body) : dataFormatError();
    }),
  );
  app.get(TOKEN_PATH, wechatRoute(TOKEN_PATH, (request) => world.token(firstValues(request.query))));
  app.post(
    GET_USER_PHONE_NUMBER_PATH,
    wechatRoute(GET_USER_PHONE_NUMBER_PATH, (request) => {
      const body = jsonObject(request.body);
      return body ? world.getUserPhoneNumber(firstValues(request.query).access_token, body) : dataFormatError();
    }),
  );
  app.get(CHECK_SESSION_PATH, wechatRoute(CHECK_SESSION_PATH, (request) => world.checkSession(firstValues(request.query))));
  app.get(
    RESET_USER_SESSION_KEY_PATH,
    wechatRoute(RESET_USER_SESSION_KEY_PATH, (request) => world.resetUserSessionKey(firstValues(request.query))),
  );

  // Developer helpers for curl demos; not WeChat APIs.
  app.post("/__sim/login", async (request, reply) => {
    const target = devTarget(world, request.body);
    if ("error" in target) return reply.code(400).send(target);
    return { code: world.login(target.appid, target.user) };
  });
  app.post("/__sim/user-info", async (request, reply) => {
    const target = devTarget(world, request.body);
    if ("error" in target) return reply.code(400).send(target);
    const result = signedUserInfo(world, target.appid, target.user);
    if (!result) return reply.code(409).send({ error: "no live session_key for this user; POST /__sim/login first" });
    return result;
  });
  app.post("/__sim/phone-code", async (request, reply) => {
    const target = devTarget(world, request.body);
    if ("error" in target) return reply.code(400).send(target);
    return { code: world.phoneCode(target.appid, target.user) };
  });

  // Unknown paths are recorded so a test notices a client calling something WeChat does not have.
  app.setNotFoundHandler(async (request, reply) => {
    world.unknownCalls.push(request.url.split("?")[0]);
    return reply.code(404).send(wechatErrorBody(40066, "invalid url"));
  });
}

/** Answers (or refuses to answer) per the fault; false means "carry on normally". */
async function applyFault(fault: SimFault, request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  switch (fault.kind) {
    case "hang":
      // Nobody answers; close() destroys the socket (forceCloseConnections).
      reply.hijack();
      return true;
    case "reset":
      reply.hijack();
      request.raw.socket.destroy();
      return true;
    case "http":
      reply.code(fault.status).type("text/html; charset=utf-8").send(htmlPage(`${fault.status} Error`));
      return true;
    case "html":
      reply.type("text/html; charset=utf-8").send(htmlPage("Service Unavailable"));
      return true;
    case "invalid-json":
      reply.type("application/json; charset=utf-8").send('{"errcode":0,');
      return true;
    case "errcode": {
      const body = wechatErrorBody(fault.errcode, "simulated error");
      reply.send(fault.errmsg === undefined ? body : { errcode: fault.errcode, errmsg: fault.errmsg });
      return true;
    }
    case "slow":
      await sleep(fault.delayMs);
      return false;
  }
}

function htmlPage(title: string): string {
  return `<html><head><title>${title}</title></head><body><center><h1>${title}</h1></center><hr><center>nginx</center></body></html>\n`;
}

/** Repeated query parameters arrive as arrays; WeChat reads the first. */
function firstValues(query: unknown): Record<string, string | undefined> {
  const values: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    const first = Array.isArray(value) ? value[0] : value;
    values[name] = typeof first === "string" ? first : undefined;
  }
  return values;
}

/**
 * WeChat reads a POST body as JSON whatever its content-type says, so a body
 * sent as text/plain (as some SDKs do) still counts.
 */
function jsonObject(body: unknown): Record<string, unknown> | undefined {
  let value = body;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function dataFormatError() {
  return wechatErrorBody(47001, "data format error");
}

function devTarget(world: WechatWorld, body: unknown): { appid: string; user: string } | { error: string } {
  const { appid, user } = (body ?? {}) as { appid?: unknown; user?: unknown };
  if (typeof user !== "string" || user === "") return { error: "user is required" };
  if (appid === undefined || appid === "") {
    const appids = world.appids();
    if (appids.length !== 1) return { error: `appid is required (${appids.length} apps registered)` };
    return { appid: appids[0], user };
  }
  if (typeof appid !== "string" || !world.hasApp(appid)) return { error: "unknown appid" };
  return { appid, user };
}

export interface RunningSim {
  url: string;
  world: WechatWorld;
  close(): Promise<void>;
}

export type StartWechatSimOptions = { world?: WechatWorld; port?: number; host?: string } & WechatWorldOptions;

/** A listening simulator (default 127.0.0.1, a free port). */
export async function startWechatSim(options: StartWechatSimOptions = {}): Promise<RunningSim> {
  const { world: given, port = 0, host = "127.0.0.1", ...worldOptions } = options;
  const world = given ?? new WechatWorld(worldOptions);
  // forceCloseConnections: close() must not wait for a request a "hang" fault holds.
  const app = Fastify({ forceCloseConnections: true });
  try {
    await app.register(wechatSimPlugin, { world });
    await app.listen({ port, host });
  } catch (error) {
    await app.close();
    throw error;
  }
  const { port: boundPort } = app.server.address() as AddressInfo;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${boundPort}`,
    world,
    close: async () => {
      await app.close();
    },
  };
}
