import type { TestContext } from "node:test";
import { APPID, SECRET, startTestSim } from "@wegate/wechat-sim/testing";
import { createWechatClient, type WechatClientOptions } from "./client";

export { APPID, OTHER_APPID, rejectsWith, SECRET } from "@wegate/wechat-sim/testing";

/** The test simulator plus a client of APPID on it; clients share the simulator's clock. */
export async function startSim(t: TestContext) {
  const { clock, world, sim } = await startTestSim(t);
  const client = (options: Partial<WechatClientOptions> = {}) =>
    createWechatClient({ appid: APPID, secret: SECRET, baseURL: sim.url, timeoutMs: 2000, clock: () => clock.now, ...options });
  return { clock, world, sim, client };
}
