/**
 * Garbage and GC time per second (and per request) from a `--trace-gc` log:
 *
 *   npm run bench -- --only cart-add --node-flags=--trace-gc --server-log /tmp/wegate.log
 *   node --import tsx bench/gc-summary.ts /tmp/wegate.log [--rps 31000]
 *
 * It takes the seconds under load (at least 20 scavenges, skipping the first
 * one, which is partly warm-up), and reports the megabytes freed by scavenges
 * (about what the requests allocated: little of it survives), and the time in
 * scavenges and mark-compacts. With `--rps` (the scenario's req/s from the
 * table) it divides them by the requests.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({ options: { rps: { type: "string" } }, allowPositionals: true });
if (positionals.length !== 1) throw new Error("usage: bench/gc-summary.ts <trace-gc log> [--rps N]");

interface Collection {
  second: number;
  scavenge: boolean;
  freedMb: number;
  ms: number;
}

// [pid:0x...]    18879 ms: Scavenge 40.3 (53.7) -> 36.5 (53.7) MB, 0.27 / 0.00 ms ...
const LINE = /(\d+) ms: (Scavenge|Mark-Compact)\S*[^,]*?([\d.]+) \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB, ([\d.]+) \//;
const collections: Collection[] = [];
for (const line of readFileSync(positionals[0], "utf8").split("\n")) {
  const match = LINE.exec(line);
  if (!match) continue;
  collections.push({ second: Math.floor(Number(match[1]) / 1000), scavenge: match[2] === "Scavenge", freedMb: Number(match[3]) - Number(match[4]), ms: Number(match[5]) });
}

const scavengesPerSecond = new Map<number, number>();
for (const c of collections) if (c.scavenge) scavengesPerSecond.set(c.second, (scavengesPerSecond.get(c.second) ?? 0) + 1);
const busy = [...scavengesPerSecond].filter(([, n]) => n >= 20).map(([second]) => second);
if (busy.length < 2) throw new Error("no second with 20 scavenges or more: was the log written under load, with --trace-gc?");
const from = Math.min(...busy) + 1;
const to = Math.max(...busy); // exclusive: the last busy second is partly idle
const window = collections.filter((c) => c.second >= from && c.second < to);
const seconds = to - from;
const sum = (list: Collection[], field: "freedMb" | "ms") => list.reduce((total, c) => total + c[field], 0);
const scavenges = window.filter((c) => c.scavenge);
const marks = window.filter((c) => !c.scavenge);

const perSecond = {
  seconds,
  scavengesPerSecond: scavenges.length / seconds,
  freedMbPerSecond: sum(scavenges, "freedMb") / seconds,
  scavengeMsPerSecond: sum(scavenges, "ms") / seconds,
  markCompactMsPerSecond: sum(marks, "ms") / seconds,
};
console.log(
  `${seconds} s under load: ${perSecond.scavengesPerSecond.toFixed(0)} scavenges/s freeing ${perSecond.freedMbPerSecond.toFixed(0)} MB/s ` +
    `(${perSecond.scavengeMsPerSecond.toFixed(0)} ms/s), mark-compact ${perSecond.markCompactMsPerSecond.toFixed(1)} ms/s`,
);
if (values.rps) {
  const rps = Number(values.rps);
  if (!(rps > 0)) throw new Error(`--rps must be a positive number, got "${values.rps}"`);
  console.log(
    `per request: ${((perSecond.freedMbPerSecond * 1024) / rps).toFixed(1)} KB of garbage, ` +
      `${((perSecond.scavengeMsPerSecond * 1000) / rps).toFixed(2)} µs scavenging, ${((perSecond.markCompactMsPerSecond * 1000) / rps).toFixed(2)} µs mark-compact`,
  );
}
