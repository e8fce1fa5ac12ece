import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { createWechatClient } from "@wegate/wechat";
import { CODE2SESSION_PATH, startWechatSim } from "./server";
import { rejectsWith } from "./test-support";
import { WechatWorld } from "./world";

const APPID = "wx1111111111111111";
const SECRET = "secret-one";

async function setup(t: TestContext) {
  const world = new WechatWorld();
  world.addApp({ appid: APPID, secret: SECRET });
  const sim = await startWechatSim({ world });
  t.after(() => sim.close());
  const client = (timeoutMs = 2000) => createWechatClient({ appid: APPID, secret: SECRET, baseURL: sim.url, timeoutMs });
  return { world, sim, client };
}

test("hang: the client times out", async (t) => {
  const { world, client } = await setup(t);
  world.setFault(CODE2SESSION_PATH, { kind: "hang" });
  await rejectsWith(client(150).code2Session(world.login(APPID, "alice")), "timeout");
});

test("close() ends even while a hang fault holds a request", async () => {
  const world = new WechatWorld();
  world.addApp({ appid: APPID, secret: SECRET });
  const sim = await startWechatSim({ world });
  world.setFault(CODE2SESSION_PATH, { kind: "hang" });
  const pending = fetch(`${sim.url}${CODE2SESSION_PATH}?appid=${APPID}`);
  while (world.callCount(CODE2SESSION_PATH) === 0) await sleep(5);
  const closedInTime = await Promise.race([sim.close().then(() => true), sleep(1000, false, { ref: false })]);
  assert.ok(closedInTime, "close() waited for the hung request");
  await assert.rejects(pending);
});

for (const fault of [{ kind: "reset" }, { kind: "http", status: 502 }] as const) {
  test(`${fault.kind}: the client reports unavailable`, async (t) => {
    const { world, client } = await setup(t);
    world.setFault(CODE2SESSION_PATH, fault);
    await rejectsWith(client().code2Session(world.login(APPID, "alice")), "unavailable");
  });
}

for (const fault of [{ kind: "html" }, { kind: "invalid-json" }] as const) {
  test(`${fault.kind}: the client reports bad_answer`, async (t) => {
    const { world, client } = await setup(t);
    world.setFault(CODE2SESSION_PATH, fault);
    await rejectsWith(client().code2Session(world.login(APPID, "alice")), "bad_answer");
  });
}

test("reset destroys the connection without an answer", async (t) => {
  const { world, sim } = await setup(t);
  world.setFault(CODE2SESSION_PATH, { kind: "reset" });
  await assert.rejects(fetch(`${sim.url}${CODE2SESSION_PATH}`), TypeError);
});

test("http and html faults answer an HTML page with the given status", async (t) => {
  const { world, sim } = await setup(t);
  world.setFault(CODE2SESSION_PATH, { kind: "http", status: 503, times: 1 });
  const failed = await fetch(`${sim.url}${CODE2SESSION_PATH}`);
  assert.equal(failed.status, 503);
  assert.match(failed.headers.get("content-type") ?? "", /text\/html/);
  assert.match(await failed.text(), /<html>/);
  world.setFault(CODE2SESSION_PATH, { kind: "html" });
  const page = await fetch(`${sim.url}${CODE2SESSION_PATH}`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<html>/);
});

test("invalid-json answers HTTP 200 with a JSON content-type and a truncated body", async (t) => {
  const { world, sim } = await setup(t);
  world.setFault(CODE2SESSION_PATH, { kind: "invalid-json" });
  const answer = await fetch(`${sim.url}${CODE2SESSION_PATH}`);
  assert.equal(answer.status, 200);
  assert.match(answer.headers.get("content-type") ?? "", /application\/json/);
  const text = await answer.text();
  assert.match(text, /^\{"errcode"/);
  assert.throws(() => JSON.parse(text), SyntaxError);
});

test("errcode: mapped to the client's kind, before normal handling", async (t) => {
  const { world, client } = await setup(t);
  const code = world.login(APPID, "alice");
  world.setFault(CODE2SESSION_PATH, { kind: "errcode", errcode: -1 });
  await rejectsWith(client().code2Session(code), "busy", -1);
  world.setFault(CODE2SESSION_PATH, { kind: "errcode", errcode: 40226 });
  await rejectsWith(client().code2Session(code), "risk_blocked", 40226);
  world.setFault(CODE2SESSION_PATH, undefined);
  await client().code2Session(code); // the faulted calls never reached the code
});

test("errcode: errmsg is used verbatim when given, otherwise it carries a rid", async (t) => {
  const { world, sim } = await setup(t);
  const url = `${sim.url}${CODE2SESSION_PATH}`;
  world.setFault(CODE2SESSION_PATH, { kind: "errcode", errcode: -1, errmsg: "system error, hints: [ req_id: x ]" });
  assert.deepEqual(await (await fetch(url)).json(), { errcode: -1, errmsg: "system error, hints: [ req_id: x ]" });
  world.setFault(CODE2SESSION_PATH, { kind: "errcode", errcode: -1 });
  const body = (await (await fetch(url)).json()) as { errmsg: string };
  assert.match(body.errmsg, / rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/);
});

test("slow: answers normally after the delay, or times the client out", async (t) => {
  const { world, client } = await setup(t);
  world.setFault(CODE2SESSION_PATH, { kind: "slow", delayMs: 150 });
  const started = Date.now();
  const session = await client().code2Session(world.login(APPID, "alice"));
  assert.ok(Date.now() - started >= 140, "answered without the delay");
  assert.equal(session.openid, world.openid(APPID, "alice"));
  await rejectsWith(client(50).code2Session(world.login(APPID, "bob")), "timeout");
});

test("times: the fault applies to the next N calls, then clears itself", async (t) => {
  const { world, client } = await setup(t);
  // 40226, which the client does not retry: each call is one simulator call.
  world.setFault(CODE2SESSION_PATH, { kind: "errcode", errcode: 40226, times: 2 });
  const code = world.login(APPID, "alice");
  await rejectsWith(client().code2Session(code), "risk_blocked");
  await rejectsWith(client().code2Session(code), "risk_blocked");
  await client().code2Session(code);
  assert.equal(world.callCount(CODE2SESSION_PATH), 3);
});

test("a fault without times stays until cleared", async (t) => {
  const { world, client } = await setup(t);
  world.setFault(CODE2SESSION_PATH, { kind: "http", status: 500 });
  const code = world.login(APPID, "alice");
  for (let i = 0; i < 3; i++) await rejectsWith(client().code2Session(code), "unavailable");
  world.setFault(CODE2SESSION_PATH, undefined);
  await client().code2Session(code);
});
