/**
 * The WeChat simulator in a process of its own, for the benchmark. Besides the
 * simulator's HTTP API it answers one IPC message from the bench process:
 * `{ type: "mint", users }` -> `{ type: "codes", codes }`, one fresh wx.login
 * code per user (what each phone's wx.login would give). Bench-only, so it
 * lives here and not in packages/wechat-sim.
 */
import { startWechatSim, WechatWorld } from "@wegate/wechat-sim";

export interface SimMessage {
  type: "mint";
  id: number;
  users: string[];
}

export type SimReply = { type: "ready"; url: string } | { type: "codes"; id: number; codes: string[] };

const appid = process.env.BENCH_APPID;
const secret = process.env.BENCH_APP_SECRET;
if (!appid || !secret || !process.send) throw new Error("sim-process: start it with fork() and BENCH_APPID / BENCH_APP_SECRET");

const world = new WechatWorld();
world.addApp({ appid, secret });
const sim = await startWechatSim({ world });

const send = (reply: SimReply) => process.send!(reply);
process.on("message", (message: SimMessage) => {
  if (message.type === "mint") send({ type: "codes", id: message.id, codes: message.users.map((user) => world.login(appid, user)) });
});
process.on("disconnect", () => void sim.close().then(() => process.exit(0)));
process.on("SIGTERM", () => void sim.close().then(() => process.exit(0)));
send({ type: "ready", url: sim.url });
