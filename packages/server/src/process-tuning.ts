import { executionAsyncResource } from "node:async_hooks";
import { setFlagsFromString } from "node:v8";

let keptTick: object | undefined;

/**
 * V8 settings for a long-running `wegate serve`, each against a slowdown
 * measured in BENCHMARKS.md. Called before the server starts.
 */
export function tuneForServing(): void {
  // V8 moves an allocation site's objects straight to old space when nearly
  // all of them survived a scavenge. Filling the session cache at start-up
  // looks like that, and afterwards per-request objects went to old space
  // too: some bench runs grew old space fast, with frequent full GCs and
  // much more CPU per request. Off, it never did.
  setFlagsFromString("--no-allocation-site-pretenuring");
  keepTickObjectShape();
}

/**
 * Keeps one of Node's process.nextTick tick objects alive for good.
 *
 * Every request makes several (streams call nextTick), and their hidden
 * classes are reachable only through live tick objects. A full GC that finds
 * none frees those classes; V8 then throws away the optimized code that
 * creates tick objects, and the code it compiles next can be left creating
 * each one through the runtime (Runtime_DefineKeyedOwnPropertyInLiteral in
 * perf) for the life of the process: a large share of a token check's CPU
 * (measured in BENCHMARKS.md), in some processes and not others, more often
 * the more full GCs there are. One tick
 * object kept reachable keeps the classes, and the fast code with them.
 */
function keepTickObjectShape(): void {
  process.nextTick(() => {
    keptTick = executionAsyncResource();
  });
}

/** For the test: the tick object kept, once the first tick has run. */
export const keptTickObject = () => keptTick;
