/**
 * Summarises a V8 .cpuprofile (from `npm run bench -- --cpu-prof`): self time
 * by function and by package, to see where a scenario's CPU goes.
 *
 *   node --import tsx bench/profile-summary.ts bench/results/profiles/<file>.cpuprofile [--top 40]
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: "string", default: "40" } } });
if (positionals.length !== 1) throw new Error("usage: profile-summary.ts <file.cpuprofile> [--top N]");
const profile = JSON.parse(readFileSync(positionals[0], "utf8")) as Profile;

const selfMicros = new Map<number, number>();
profile.samples.forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...selfMicros.values()].reduce((a, b) => a + b, 0);

/** "node_modules/fastify/lib/route.js" -> "fastify"; our own files keep their path. */
function packageOf(url: string): string {
  if (!url) return "(native / V8)";
  const modules = url.lastIndexOf("node_modules/");
  if (modules >= 0) {
    const parts = url.slice(modules + "node_modules/".length).split("/");
    return parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (url.startsWith("node:")) return "node:internal";
  return url.replace(/^file:\/\/.*?\/(packages|bench)\//, "$1/");
}

function tally(key: (node: ProfileNode) => string) {
  const sums = new Map<string, number>();
  for (const node of profile.nodes) {
    const micros = selfMicros.get(node.id);
    if (micros) sums.set(key(node), (sums.get(key(node)) ?? 0) + micros);
  }
  return [...sums].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top));
}

const print = (title: string, rows: Array<[string, number]>) => {
  console.log(`\n${title}`);
  for (const [name, micros] of rows) console.log(`${((micros / total) * 100).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(0).padStart(7)} ms  ${name}`);
};

console.log(`total sampled: ${(total / 1000).toFixed(0)} ms`);
print("self time by package", tally((n) => packageOf(n.callFrame.url)));
print(
  "self time by function",
  tally((n) => `${n.callFrame.functionName || "(anonymous)"}  ${packageOf(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`),
);
