/**
 * What a bench run measures. Every connection gets its own list of prebuilt
 * requests (autocannon builds each once and cycles through it), so the bench
 * process does no per-request JavaScript beyond autocannon's own, the same for
 * the baseline as for wegate.
 */
import autocannon, { type Client } from "autocannon";
import { CART_LINES, type Seeded } from "./seed";
import type { BenchSim } from "./servers";

export interface BenchRequest {
  method: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface Scenario {
  name: string;
  /** Method and route, for the table. */
  route: string;
  /** The process it loads: the bare baseline, the login floor's (baseline-server.ts with the simulator) or wegate. */
  server: "baseline" | "floor" | "wegate";
  /**
   * One request list per connection, each good for at least `perConnection`
   * requests. Single-use scenarios (login codes) honour it; others repeat.
   */
  requests(connections: number, perConnection: number): Promise<BenchRequest[][]>;
  /** Why a probe answer is wrong, or undefined when it is what the scenario expects. */
  check(status: number, body: any): string | undefined;
  /** Requests are single-use: the runner sizes the lists from a throughput estimate. */
  singleUse?: boolean;
  /**
   * wegate scenarios: how many `wegate serve` processes on the same database
   * and Redis share the connections (1 unless given).
   */
  instances?: number;
  /** A scenario on several instances: the one-instance scenario it must serve at least as much as. */
  oneInstance?: string;
}

/** The same requests spread over `instances` wegate processes: `check-token-x2`. */
export function onInstances(scenario: Scenario, instances: number): Scenario {
  return {
    ...scenario,
    name: `${scenario.name}-x${instances}`,
    route: `${scenario.route} (${instances} instances)`,
    instances,
    oneInstance: scenario.name,
  };
}

/** Round-robin split, so each connection walks a different part of the users. */
function spread<T>(items: T[], connections: number): T[][] {
  const lists: T[][] = Array.from({ length: connections }, () => []);
  items.forEach((item, i) => lists[i % connections].push(item));
  return lists;
}

const JSON_HEADERS = { "content-type": "application/json" };
const get = (path: string): BenchRequest => ({ method: "GET", path });
const postJson = (path: string, body: object): BenchRequest => ({ method: "POST", path, headers: JSON_HEADERS, body: JSON.stringify(body) });
const okEnvelope = (status: number, body: any) => (status === 200 && body?.code === 0 ? undefined : `HTTP ${status} ${JSON.stringify(body).slice(0, 200)}`);

export function scenarios(options: { tenant: string; seeded: Seeded; sim: BenchSim }): Scenario[] {
  const { seeded, sim } = options;
  const base = `/${options.tenant}`;
  const cartTokens = seeded.tokens.slice(0, seeded.cartUsers);
  const otherTokens = seeded.tokens.slice(seeded.cartUsers);
  const addGoods = seeded.goodsIds.slice(CART_LINES);
  /** Existing users log in again: a fresh wx.login code each, minted by the simulator process. */
  async function loginRequests(connections: number, perConnection: number, path: string): Promise<BenchRequest[][]> {
    const users = Array.from({ length: connections * perConnection }, (_, i) => seeded.simUsers[i % seeded.simUsers.length]);
    const codes = await sim.mint(users);
    return spread(codes.map((code) => postJson(path, { code })), connections);
  }

  return [
    {
      name: "baseline",
      route: "GET /baseline (bare fastify)",
      server: "baseline",
      requests: async (connections) => spread(Array<BenchRequest>(connections).fill({ method: "GET", path: "/baseline" }), connections),
      check: okEnvelope,
    },
    {
      name: "check-token",
      route: "GET /user/check-token",
      server: "wegate",
      requests: async (connections) =>
        spread(seeded.tokens.map((token) => get(`${base}/user/check-token?token=${token}`)), connections),
      check: okEnvelope,
    },
    {
      name: "cart-info",
      route: "GET /shopping-cart/info",
      server: "wegate",
      requests: async (connections) =>
        spread(cartTokens.map((token) => get(`${base}/shopping-cart/info?token=${token}`)), connections),
      check: (status, body) =>
        okEnvelope(status, body) ?? (body.data?.items?.length === CART_LINES ? undefined : `expected ${CART_LINES} cart lines`),
    },
    {
      name: "cart-add",
      route: "POST /shopping-cart/add",
      server: "wegate",
      // Users without a seeded cart; each goes through the goods in turn, so carts grow from 1 line.
      requests: async (connections) =>
        spread(
          addGoods.flatMap((goodsId) =>
            otherTokens.map((token) => postJson(`${base}/shopping-cart/add`, { token, goodsId, number: 1, sku: seeded.sku })),
          ),
          connections,
        ),
      check: (status, body) => okEnvelope(status, body) ?? (body.data?.items?.length >= 1 ? undefined : "expected a cart"),
    },
    {
      name: "login-floor",
      route: "POST /baseline/login (bare fastify + code2Session)",
      server: "floor",
      singleUse: true,
      // Codes like authorize's, exchanged by a bare route in a process of its own: one WeChat round trip and nothing else.
      async requests(connections, perConnection) {
        return loginRequests(connections, perConnection, "/baseline/login");
      },
      check: (status, body) => okEnvelope(status, body) ?? (typeof body.data?.openid === "string" ? undefined : "expected an openid"),
    },
    {
      name: "authorize",
      route: "POST /user/wxapp/authorize",
      server: "wegate",
      singleUse: true,
      async requests(connections, perConnection) {
        return loginRequests(connections, perConnection, `${base}/user/wxapp/authorize`);
      },
      check: (status, body) => okEnvelope(status, body) ?? (typeof body.data?.token === "string" ? undefined : "expected a token"),
    },
  ];
}

export interface Measured {
  /** Mean of the per-second samples. */
  rps: number;
  /** The busiest second, or the mean of a run shorter than a second or two. */
  peakRps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  requests: number;
}

/**
 * One autocannon run for `duration` seconds, or `amount` requests; connection
 * i sends lists[i]. Given several servers' URLs, connection i goes to
 * urls[i % urls.length] (autocannon's own round robin), and the numbers are
 * the whole run's: req/s summed over the servers, latencies over all requests.
 */
export async function load(urls: string | string[], lists: BenchRequest[][], run: { duration: number } | { amount: number }): Promise<Measured> {
  let next = 0;
  const result = await autocannon({
    url: urls,
    connections: lists.length,
    ...run,
    setupClient: (client: Client) => client.setRequests(lists[next++ % lists.length]),
  });
  return {
    rps: result.requests.average,
    peakRps: Math.max(result.requests.max, result.requests.total / result.duration),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    requests: result.requests.total,
  };
}

/** Sends one request outside the load, to fail loudly on a wrong setup. */
export async function probe(url: string, request: BenchRequest, check: Scenario["check"]): Promise<void> {
  const response = await fetch(url + request.path, { method: request.method, headers: request.headers, body: request.body });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  const problem = check(response.status, body);
  if (problem) throw new Error(`probe ${request.method} ${request.path.split("?")[0]}: ${problem}`);
}
