import assert from "node:assert/strict";
import { test } from "node:test";
import { keptTickObject, tuneForServing } from "./process-tuning";

test("serving keeps one of Node's own tick objects reachable (what keeps their hidden classes alive)", async () => {
  tuneForServing();
  await new Promise((resolve) => setImmediate(resolve));
  const kept = keptTickObject();
  assert.ok(kept, "a tick object is kept");
  // A tick object is what process.nextTick queues: the async ids under Node's symbols, its callback and args.
  assert.deepEqual(Object.getOwnPropertySymbols(kept).map(String), ["Symbol(async_id_symbol)", "Symbol(trigger_async_id_symbol)"]);
  assert.deepEqual(Object.keys(kept), ["callback", "args"]);
});
