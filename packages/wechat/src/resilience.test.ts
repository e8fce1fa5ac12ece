import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { CODE2SESSION_PATH, type SimFaultSetting, STABLE_TOKEN_PATH } from "@wegate/wechat-sim";
import { isWechatError } from "./errors";
import type { Fetch } from "./http";
import { backoffMs, createWechatResilience, DEFAULT_RETRY } from "./resilience";
import { APPID, OTHER_APPID, rejectsWith, startSim } from "./test-support";

const kindOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "answered",
    (error: unknown) => (isWechatError(error) ? error.kind : `not a WechatError: ${String(error)}`),
  );

const retried: Array<[string, SimFaultSetting, string]> = [
  ["-1", { kind: "errcode", errcode: -1 }, "busy"],
  ["HTTP 500", { kind: "http", status: 500 }, "unavailable"],
  ["HTTP 502", { kind: "http", status: 502 }, "unavailable"],
  ["a reset connection", { kind: "reset" }, "unavailable"],
];
for (const [name, fault, kind] of retried) {
  test(`${name} is tried 3 times in all, then reported as ${kind}`, async (t) => {
    const { world, client } = await startSim(t);
    world.setFault(CODE2SESSION_PATH, fault);
    assert.equal(await kindOf(client().code2Session(world.login(APPID, "alice"))), kind);
    assert.equal(world.callCount(CODE2SESSION_PATH), 3);
  });
}

test("-1 twice, then the answer: the call succeeds on its third attempt", async (t) => {
  const { world, client } = await startSim(t);
  world.setFault(CODE2SESSION_PATH, { kind: "errcode", errcode: -1, times: 2 });
  assert.equal((await client().code2Session(world.login(APPID, "alice"))).openid, world.openid(APPID, "alice"));
  assert.equal(world.callCount(CODE2SESSION_PATH), 3);
});

const notRetried: Array<[string, SimFaultSetting, string]> = [
  ["40029", { kind: "errcode", errcode: 40029 }, "invalid_code"],
  ["40163", { kind: "errcode", errcode: 40163 }, "code_used"],
  ["45011", { kind: "errcode", errcode: 45011 }, "rate_limited"],
  ["40226", { kind: "errcode", errcode: 40226 }, "risk_blocked"],
  ["40125", { kind: "errcode", errcode: 40125 }, "config"],
  ["45009", { kind: "errcode", errcode: 45009 }, "quota_exceeded"],
  ["an HTML page with HTTP 200", { kind: "html" }, "bad_answer"],
  ["truncated JSON with HTTP 200", { kind: "invalid-json" }, "bad_answer"],
  ["no answer within the budget", { kind: "hang" }, "timeout"],
];
for (const [name, fault, kind] of notRetried) {
  test(`${name} is not retried: ${kind} after one attempt`, async (t) => {
    const { world, client } = await startSim(t);
    world.setFault(CODE2SESSION_PATH, fault);
    assert.equal(await kindOf(client({ timeoutMs: 200 }).code2Session(world.login(APPID, "alice"))), kind);
    assert.equal(world.callCount(CODE2SESSION_PATH), 1);
  });
}

test("retries = 0 turns retrying off", async (t) => {
  const { world, client } = await startSim(t);
  world.setFault(CODE2SESSION_PATH, { kind: "errcode", errcode: -1 });
  const wechat = client({ resilience: createWechatResilience({ retries: 0 }) });
  await rejectsWith(wechat.code2Session(world.login(APPID, "alice")), "busy", -1);
  assert.equal(world.callCount(CODE2SESSION_PATH), 1);
});

/** A fetch that answers HTTP 500 after `delays[i]` ms for attempt i, and never answers past the list. */
function failingAfter(delays: number[]) {
  const startedAt: number[] = [];
  const fetch: Fetch = (_input, init) =>
    new Promise((resolve, reject) => {
      const attempt = startedAt.push(performance.now()) - 1;
      init!.signal!.addEventListener("abort", () => reject(new Error("aborted")));
      if (attempt < delays.length) setTimeout(() => resolve(new Response("<html>busy</html>", { status: 500 })), delays[attempt]);
    });
  return { fetch, startedAt };
}

test("the whole call fits the budget: a retry gets what is left, not a fresh timeout", async (t) => {
  const { client } = await startSim(t);
  const { fetch, startedAt } = failingAfter([250]); // then the retry hangs
  const wechat = client({ fetch, timeoutMs: 600, resilience: createWechatResilience({ random: () => 0 }) });
  const started = performance.now();
  const error = await rejectsWith(wechat.code2Session("any"), "timeout");
  const elapsed = performance.now() - started;
  assert.equal(startedAt.length, 2);
  // Had the retry been given a fresh budget, it would end well past the first one.
  assert.ok(elapsed < 750, `the call took ${Math.round(elapsed)} ms with a budget of 600`);
  assert.match(error.message, /within 600 ms/);
});

test("no retry is started when too little of the budget would be left for it", async (t) => {
  const { client } = await startSim(t);
  const { fetch, startedAt } = failingAfter([250, 0, 0]);
  const resilience = createWechatResilience({ random: () => 0, minAttemptMs: 100 });
  // 300 - 250 - 25 (backoff) leaves less than 100 ms: the 500 is the answer.
  await rejectsWith(client({ fetch, timeoutMs: 300, resilience }).code2Session("any"), "unavailable");
  assert.equal(startedAt.length, 1);
});

test("retries wait a backoff that grows", async (t) => {
  const { client } = await startSim(t);
  const { fetch, startedAt } = failingAfter([0, 0, 0]);
  const resilience = createWechatResilience({ random: () => 0, backoffBaseMs: 80, backoffCapMs: 1000 });
  await rejectsWith(client({ fetch, resilience }).code2Session("any"), "unavailable");
  assert.equal(startedAt.length, 3);
  // With no jitter the waits are half of 80 and of 160 ms; a timer never fires early.
  assert.ok(startedAt[1] - startedAt[0] >= 39, `first wait ${startedAt[1] - startedAt[0]} ms`);
  assert.ok(startedAt[2] - startedAt[1] >= 79, `second wait ${startedAt[2] - startedAt[1]} ms`);
});

test("backoff: capped, exponential, jittered between half and all of the step", () => {
  const at = (random: number) => ({ ...DEFAULT_RETRY, backoffBaseMs: 50, backoffCapMs: 400, random: () => random });
  assert.deepEqual([0, 1, 2, 3, 4].map((i) => backoffMs(at(0), i)), [25, 50, 100, 200, 200]);
  assert.deepEqual([0, 1, 2, 3, 4].map((i) => backoffMs(at(0.999999), i).toFixed(2)), ["50.00", "100.00", "200.00", "400.00", "400.00"]);
});

const small = { retries: 0, breakerThreshold: 3, halfOpenAfterMs: 150 };

test("consecutive failures open the circuit: then calls are refused at once, without a network call", async (t) => {
  const { world, client } = await startSim(t);
  const wechat = client({ resilience: createWechatResilience(small) });
  world.setFault(CODE2SESSION_PATH, { kind: "http", status: 502 });
  for (let i = 0; i < 3; i++) await rejectsWith(wechat.code2Session(world.login(APPID, "alice")), "unavailable");
  assert.equal(world.callCount(CODE2SESSION_PATH), 3);
  world.setFault(CODE2SESSION_PATH, undefined);
  const error = await rejectsWith(wechat.code2Session(world.login(APPID, "alice")), "circuit_open");
  assert.equal(world.callCount(CODE2SESSION_PATH), 3);
  assert.match(error.message, /\/sns\/jscode2session/);
});

test("-1, timeouts and resets count too; a call that succeeds after retries does not", async (t) => {
  const { world, client } = await startSim(t);
  const wechat = client({ timeoutMs: 400, resilience: createWechatResilience({ ...small, retries: 2 }) });
  world.setFault(CODE2SESSION_PATH, { kind: "errcode", errcode: -1, times: 2 });
  await wechat.code2Session(world.login(APPID, "alice")); // -1, -1, answer: one successful call
  world.setFault(CODE2SESSION_PATH, { kind: "errcode", errcode: -1, times: 3 });
  await rejectsWith(wechat.code2Session(world.login(APPID, "alice")), "busy");
  world.setFault(CODE2SESSION_PATH, { kind: "hang", times: 1 });
  await rejectsWith(wechat.code2Session(world.login(APPID, "alice")), "timeout");
  world.setFault(CODE2SESSION_PATH, { kind: "reset", times: 3 });
  await rejectsWith(wechat.code2Session(world.login(APPID, "alice")), "unavailable");
  await rejectsWith(wechat.code2Session(world.login(APPID, "alice")), "circuit_open");
});

const userErrors = [40029, 40163, 45011, 40226];
test("a user's bad or used code, a rate-limited or blocked user, and odd bodies never open it", async (t) => {
  const { world, client } = await startSim(t);
  const wechat = client({ resilience: createWechatResilience(small) });
  const faults: SimFaultSetting[] = [...userErrors.map((errcode) => ({ kind: "errcode", errcode }) as const), { kind: "html" }, { kind: "invalid-json" }];
  for (const fault of faults) {
    world.setFault(CODE2SESSION_PATH, fault);
    for (let i = 0; i < 5; i++) assert.notEqual(await kindOf(wechat.code2Session(world.login(APPID, "alice"))), "circuit_open");
  }
  world.setFault(CODE2SESSION_PATH, undefined);
  await wechat.code2Session(world.login(APPID, "alice"));
  assert.equal(world.callCount(CODE2SESSION_PATH), faults.length * 5 + 1);
});

test("one circuit per appid + endpoint, kept across clients that share the resilience", async (t) => {
  const { world, client } = await startSim(t);
  const resilience = createWechatResilience(small);
  world.setFault(CODE2SESSION_PATH, { kind: "http", status: 500 });
  for (let i = 0; i < 3; i++) await rejectsWith(client({ resilience }).code2Session(world.login(APPID, "alice")), "unavailable");
  world.setFault(CODE2SESSION_PATH, undefined);
  await rejectsWith(client({ resilience }).code2Session(world.login(APPID, "alice")), "circuit_open");
  // Another app's logins and this app's other endpoints are not affected.
  await client({ resilience, appid: OTHER_APPID }).code2Session(world.login(OTHER_APPID, "alice"));
  await client({ resilience }).getPhoneNumber(world.phoneCode(APPID, "alice"));
  assert.equal(world.callCount(STABLE_TOKEN_PATH), 1);
  // A client with resilience of its own starts closed.
  await client().code2Session(world.login(APPID, "alice"));
});

test("access_token fetches are protected per endpoint too", async (t) => {
  const { world, client } = await startSim(t);
  const wechat = client({ resilience: createWechatResilience(small) });
  world.setFault(STABLE_TOKEN_PATH, { kind: "reset" });
  for (let i = 0; i < 3; i++) await rejectsWith(wechat.getPhoneNumber(world.phoneCode(APPID, "alice")), "unavailable");
  await rejectsWith(wechat.getPhoneNumber(world.phoneCode(APPID, "alice")), "circuit_open");
  assert.equal(world.callCount(STABLE_TOKEN_PATH), 3);
  await wechat.code2Session(world.login(APPID, "alice"));
});

test("after halfOpenAfterMs one call tests WeChat: a success closes the circuit, a failure opens it again", async (t) => {
  const { world, client } = await startSim(t);
  const wechat = client({ resilience: createWechatResilience(small) });
  world.setFault(CODE2SESSION_PATH, { kind: "http", status: 502 });
  for (let i = 0; i < 3; i++) await rejectsWith(wechat.code2Session(world.login(APPID, "alice")), "unavailable");
  await sleep(small.halfOpenAfterMs + 20);
  await rejectsWith(wechat.code2Session(world.login(APPID, "alice")), "unavailable"); // the test call
  await rejectsWith(wechat.code2Session(world.login(APPID, "alice")), "circuit_open");
  assert.equal(world.callCount(CODE2SESSION_PATH), 4);

  world.setFault(CODE2SESSION_PATH, undefined);
  await sleep(small.halfOpenAfterMs + 20);
  await wechat.code2Session(world.login(APPID, "alice"));
  for (let i = 0; i < 3; i++) await wechat.code2Session(world.login(APPID, "alice"));
  assert.equal(world.callCount(CODE2SESSION_PATH), 8);
});

test("while one call tests a half-open circuit, the others are refused at once rather than wait for it", async (t) => {
  const { world, client } = await startSim(t);
  const wechat = client({ resilience: createWechatResilience(small) });
  world.setFault(CODE2SESSION_PATH, { kind: "http", status: 502 });
  for (let i = 0; i < 3; i++) await rejectsWith(wechat.code2Session(world.login(APPID, "alice")), "unavailable");
  await sleep(small.halfOpenAfterMs + 20);
  world.setFault(CODE2SESSION_PATH, { kind: "slow", delayMs: 200 });
  const testCall = wechat.code2Session(world.login(APPID, "alice"));
  await rejectsWith(wechat.code2Session(world.login(APPID, "bob")), "circuit_open");
  assert.equal(await kindOf(testCall), "answered");
  assert.equal(world.callCount(CODE2SESSION_PATH), 4);
  await wechat.code2Session(world.login(APPID, "bob"));
});
