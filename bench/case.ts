/**
 * Runs one benchmark case in this (fresh) process: `node --import tsx bench/case.ts <case> <outdir>`.
 * Prints one JSON line: wall time since the process started, peak RSS, output bytes, node count.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { CASES } from "./cases";

function bytesUnder(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    total += entry.isDirectory() ? bytesUnder(p) : statSync(p).size;
  }
  return total;
}

async function main(): Promise<void> {
  const [name, outdir] = process.argv.slice(2);
  const builder = CASES[name];
  if (!builder || !outdir) {
    console.error(`usage: bench/case.ts <${Object.keys(CASES).join("|")}> <outdir>`);
    process.exit(2);
  }
  // performance.now() counts from the process's time origin, so `startup` includes Node's own
  // start, the TypeScript loader (under tsx) and this file.
  const startup = performance.now();
  const { App } = await import("cdktf");
  const cdktfLoaded = performance.now();
  const app = new App({ outdir });
  // The case imports the library's modules itself, so `build` includes loading them.
  const { nodes, note } = await builder(app);
  const built = performance.now();
  app.synth();
  const end = performance.now();
  const stacks = join(outdir, "stacks");
  console.log(
    JSON.stringify({
      case: name,
      nodes,
      note,
      startupMs: startup,
      cdktfMs: cdktfLoaded - startup,
      buildMs: built - cdktfLoaded,
      synthMs: end - built,
      totalMs: end,
      maxRssKb: process.resourceUsage().maxRSS,
      outputBytes: bytesUnder(stacks),
    }),
  );
}

void main();
