/**
 * Summarizes a `.cpuprofile` (from `node --cpu-prof`): top functions by self time, and self time
 * by package or source folder. `node --import tsx bench/profile-summary.ts <file.cpuprofile> [top]`
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

function area(url: string): string {
  if (!url) return "(native/gc/idle)";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + "node_modules/".length).split("/");
    return rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith("node:")) return "node internals";
  const m = /\/work\/[^/]+\/(.*)\/[^/]+$/.exec(url.replace("file://", ""));
  return m ? m[1] : url;
}

const [file, topArg, callersOf] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = (profile.endTime - profile.startTime) / 1000;

const fns = new Map<string, number>();
const areas = new Map<string, number>();
for (const [id, us] of self) {
  const n = byId.get(id)!;
  const { functionName, url, lineNumber } = n.callFrame;
  const key = `${functionName || "(anonymous)"}  ${url.replace(/^.*node_modules\//, "").replace(/^file:\/\/\/work\/main\//, "")}:${lineNumber + 1}`;
  fns.set(key, (fns.get(key) ?? 0) + us / 1000);
  const a = area(url);
  areas.set(a, (areas.get(a) ?? 0) + us / 1000);
}
const top = Number(topArg ?? 25);
const fmt = (ms: number) => `${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%`;
console.log(`profile: ${total.toFixed(0)} ms`);
console.log("\nself time by area:");
for (const [k, v] of [...areas].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${fmt(v)}  ${k}`);
console.log("\ntop functions by self time:");
for (const [k, v] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${fmt(v)}  ${k}`);

// Inclusive time (self and below) per function, each sample counted once per function on its stack.
{
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const key = (n: ProfileNode) => `${n.callFrame.functionName || "(anonymous)"}  ${n.callFrame.url.replace(/^.*node_modules\//, "").replace(/^file:\/\/(\/work\/main|\/tmp\/[^/]+)\//, "")}:${n.callFrame.lineNumber + 1}`;
  const inclusive = new Map<string, number>();
  for (const [id, us] of self) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = key(byId.get(cur)!);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + us / 1000);
    }
  }
  console.log("\ninclusive time, functions of this repository (lib/, gen/, bench/, examples/) and cdktf's synth:");
  const ours = [...inclusive].filter(([k]) => /  (lib|gen|bench|examples)\/|cdktf\/lib\/(synthesize|app|terraform-stack)/.test(k));
  for (const [k, v] of ours.sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${fmt(v)}  ${k}`);
}

// Optional third argument: a function name; prints the call paths (4 frames up) that lead to it,
// by total time spent in it and below.
if (callersOf) {
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (n: ProfileNode) => `${n.callFrame.functionName || "(anonymous)"}@${n.callFrame.url.replace(/^.*node_modules\//, "").replace(/^file:\/\/\/work\/main\//, "").replace(/^.*\//, "")}:${n.callFrame.lineNumber + 1}`;
  const paths = new Map<string, number>();
  for (const [id, us] of self) {
    let cur: number | undefined = id;
    while (cur !== undefined && byId.get(cur)!.callFrame.functionName !== callersOf) cur = parent.get(cur);
    if (cur === undefined) continue;
    const chain: string[] = [];
    for (let p = parent.get(cur), i = 0; p !== undefined && i < 6; p = parent.get(p), i++) chain.push(label(byId.get(p)!));
    const key = chain.join(" < ");
    paths.set(key, (paths.get(key) ?? 0) + us / 1000);
  }
  console.log(`\ncallers of ${callersOf} (time in it and below):`);
  for (const [k, v] of [...paths].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${fmt(v)}  ${k}`);
}
