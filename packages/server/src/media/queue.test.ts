import assert from "node:assert/strict";
import { test } from "node:test";
import { createByteBudget, createQueue } from "./queue";

const settled = () => new Promise((resolve) => setImmediate(resolve));

test("a byte budget lets small reservations by a large one that waits, and gives bytes back once", async () => {
  const reserve = createByteBudget(10);
  const granted: string[] = [];
  const first = await reserve(6);
  const large = reserve(6).then((release) => (granted.push("large"), release));
  const small = reserve(3).then((release) => (granted.push("small"), release));
  await settled();
  assert.deepEqual(granted, ["small"], "the small one fits beside the first, the large one waits");
  first();
  first(); // a second release gives nothing back twice
  await settled();
  assert.deepEqual(granted, ["small", "large"]);
  const tooLarge = reserve(7).then((release) => (granted.push("tooLarge"), release));
  await settled();
  assert.deepEqual(granted, ["small", "large"], "6 + 3 + 7 > 10: it waits");
  (await small)();
  (await large)();
  (await tooLarge)();
  const alone = await reserve(50);
  granted.push("alone");
  assert.deepEqual(granted.at(-1), "alone", "more than the whole budget goes when nothing else holds any");
  alone();
});

test("a queue runs one task at a time, in order, and goes on after a failure", async () => {
  const inTurn = createQueue(1);
  const order: string[] = [];
  let release!: () => void;
  const first = inTurn(() => new Promise<void>((resolve) => (release = resolve)).then(() => order.push("first")));
  const failing = inTurn(async () => {
    order.push("failing");
    throw new Error("boom");
  });
  const third = inTurn(async () => order.push("third"));
  await settled();
  assert.deepEqual(order, []);
  release();
  await first;
  await assert.rejects(failing, /boom/);
  await third;
  assert.deepEqual(order, ["first", "failing", "third"]);
});
