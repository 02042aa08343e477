/**
 * `npm run bench`: synthesizes each case of bench/cases.ts in a fresh Node process, several times,
 * and writes the medians and spreads of wall time, CPU time and peak RSS to bench/RESULTS.md.
 *
 * Options (all optional):
 *   --runs N          runs per case (default 5)
 *   --large-runs N    runs for the 1000-node cases and the baseline (default 3)
 *   --cases a,b       only these cases
 *   --modes tsx,js    tsx: `node --import tsx bench/case.ts` (what `npm run synth` pays);
 *                     js: the same code compiled by tsc and run by plain node (what a user of the
 *                     published, compiled package pays). Default: both.
 *   --out FILE        where to write the report (default bench/RESULTS.md; "-" for stdout only)
 *   --json FILE       also write the raw runs as JSON
 *
 * Benchmarks are not tests: nothing here asserts a time.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, freemem, loadavg, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { CASES } from "./cases";

const ROOT = resolve(__dirname, "..");
const TIME = "/usr/bin/time";

type Mode = "tsx" | "js";

interface Run {
  readonly case: string;
  readonly mode: Mode;
  readonly wallS: number;
  readonly cpuS: number;
  readonly rssMb: number;
  readonly outputBytes: number;
  readonly nodes: number;
  readonly note?: string;
  /** In-process split: module loading before the case runs, building constructs, app.synth(). */
  readonly startupMs?: number;
  readonly cdktfMs?: number;
  readonly buildMs?: number;
  readonly synthMs?: number;
  readonly load1: number;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function bytesUnder(dir: string): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    total += entry.isDirectory() ? bytesUnder(p) : statSync(p).size;
  }
  return total;
}

/** Compiles bench/case.ts and everything it imports to plain CommonJS in a temp dir. */
function compileJs(): string {
  const out = mkdtempSync(join(tmpdir(), "microos-bench-js-"));
  // The project's own compiler options (its `paths` map `cdktf-microos` to lib/ for the examples,
  // which import the package by name), emitting JavaScript only.
  const config = join(out, "tsconfig.bench.json");
  writeFileSync(
    config,
    JSON.stringify({
      extends: join(ROOT, "tsconfig.json"),
      compilerOptions: { outDir: out, rootDir: ROOT, declaration: false, sourceMap: false, typeRoots: [join(ROOT, "node_modules/@types")] },
      files: [join(ROOT, "bench/case.ts")],
      include: [],
    }),
  );
  const r = spawnSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", config], { cwd: ROOT, encoding: "utf8" });
  if (!existsSync(join(out, "bench/case.js"))) {
    throw new Error(`tsc produced no bench/case.js:\n${r.stdout}${r.stderr}`);
  }
  // Type errors elsewhere (files others are editing) do not stop the emit; say so, go on.
  if (r.status !== 0) console.error(`note: tsc reported type errors (emitted anyway):\n${r.stdout.split("\n").slice(0, 5).join("\n")}`);
  // tsc leaves `require("cdktf-microos")` as written: a package of that name beside the output
  // hands the compiled lib/ to it, as an installed package would.
  const pkg = join(out, "node_modules", "cdktf-microos");
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "cdktf-microos", exports: { ".": "./index.js", "./testing": "./testing.js" } }));
  writeFileSync(join(pkg, "index.js"), 'module.exports = require("../../lib/index.js");\n');
  writeFileSync(join(pkg, "testing.js"), 'module.exports = require("../../lib/testing/index.js");\n');
  return out;
}

/** One run of one case in a fresh process, measured from outside by /usr/bin/time when present. */
function runOnce(name: string, mode: Mode, jsDir: string | undefined): Run {
  const outdir = mkdtempSync(join(tmpdir(), `microos-bench-${name}-`));
  const haveTime = existsSync(TIME);
  let command: string[];
  let env: NodeJS.ProcessEnv = { ...process.env };
  if (name === "example-full") {
    // The README's command, summary and validators included.
    command = [process.execPath, "--import", "tsx", "examples/main.ts"];
    env = { ...env, CDKTF_OUTDIR: outdir };
  } else if (mode === "tsx") {
    command = [process.execPath, "--import", "tsx", "bench/case.ts", name, outdir];
  } else {
    command = [process.execPath, join(jsDir!, "bench/case.js"), name, outdir];
    env = { ...env, NODE_PATH: join(ROOT, "node_modules") };
  }
  const timeFile = join(outdir, ".time");
  const argv = haveTime ? [TIME, "-o", timeFile, "-f", "%e %U %S %M", ...command] : command;
  const started = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { cwd: ROOT, env, encoding: "utf8", maxBuffer: 64 << 20 });
  const wallOutside = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) {
    rmSync(outdir, { recursive: true, force: true });
    throw new Error(`${name} (${mode}) failed with status ${r.status}:\n${(r.stderr || r.stdout).split("\n").slice(0, 12).join("\n")}`);
  }
  const inner = name === "example-full" ? undefined : (JSON.parse(r.stdout.trim().split("\n").pop()!) as Record<string, number | string | undefined>);
  let wallS = wallOutside;
  let cpuS = NaN;
  let rssKb = Number(inner?.maxRssKb ?? NaN);
  if (haveTime) {
    const [e, u, s, m] = readFileSync(timeFile, "utf8").trim().split("\n").pop()!.split(" ").map(Number);
    wallS = e;
    cpuS = u + s;
    rssKb = m;
  }
  const outputBytes = inner ? Number(inner.outputBytes) : bytesUnder(join(outdir, "stacks"));
  rmSync(outdir, { recursive: true, force: true });
  return {
    case: name,
    mode,
    wallS,
    cpuS,
    rssMb: rssKb / 1024,
    outputBytes,
    nodes: Number(inner?.nodes ?? NaN),
    note: inner?.note as string | undefined,
    startupMs: inner?.startupMs as number | undefined,
    cdktfMs: inner?.cdktfMs as number | undefined,
    buildMs: inner?.buildMs as number | undefined,
    synthMs: inner?.synthMs as number | undefined,
    load1: loadavg()[0],
  };
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

interface Summary {
  readonly case: string;
  readonly mode: Mode;
  readonly runs: number;
  readonly wall: readonly [number, number, number];
  readonly cpu: readonly [number, number, number];
  readonly rss: readonly [number, number, number];
  readonly startup: number;
  readonly cdktf: number;
  readonly build: number;
  readonly synth: number;
  readonly outputBytes: number;
  readonly nodes: number;
  readonly note?: string;
  readonly load: readonly [number, number];
}

function summarize(runs: readonly Run[]): Summary {
  const m3 = (xs: number[]) => [median(xs), Math.min(...xs), Math.max(...xs)] as const;
  const r0 = runs[0];
  return {
    case: r0.case,
    mode: r0.mode,
    runs: runs.length,
    wall: m3(runs.map((r) => r.wallS)),
    cpu: m3(runs.map((r) => r.cpuS)),
    rss: m3(runs.map((r) => r.rssMb)),
    startup: median(runs.map((r) => r.startupMs ?? NaN)),
    cdktf: median(runs.map((r) => r.cdktfMs ?? NaN)),
    build: median(runs.map((r) => r.buildMs ?? NaN)),
    synth: median(runs.map((r) => r.synthMs ?? NaN)),
    outputBytes: r0.outputBytes,
    nodes: r0.nodes,
    note: r0.note,
    load: [Math.min(...runs.map((r) => r.load1)), Math.max(...runs.map((r) => r.load1))],
  };
}

function machine(): string[] {
  const model = /model name\s*:\s*(.*)/.exec(existsSync("/proc/cpuinfo") ? readFileSync("/proc/cpuinfo", "utf8") : "")?.[1] ?? cpus()[0]?.model ?? "unknown";
  let nproc = String(cpus().length);
  try {
    nproc = execFileSync("nproc", { encoding: "utf8" }).trim();
  } catch {
    // cpus() above
  }
  return [
    `- CPU: ${model}, nproc ${nproc}`,
    `- memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB total, ${(freemem() / 2 ** 30).toFixed(1)} GiB free at the end`,
    `- node ${process.version}, ${process.platform} ${process.arch}`,
    `- measured by ${existsSync(TIME) ? "/usr/bin/time -f \"%e %U %S %M\" (wall, user+sys CPU, peak RSS) around each child" : "the child itself (performance.now() from process start, resourceUsage().maxRSS)"}`,
  ];
}

const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : "-");
const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : "-");
const triple = (t: readonly [number, number, number], f: (x: number) => string) => `${f(t[0])} (${f(t[1])}–${f(t[2])})`;

interface Failure {
  readonly case: string;
  readonly mode: Mode;
  readonly message: string;
}

function report(summaries: readonly Summary[], failures: readonly Failure[], started: Date, seconds: number): string {
  const lines: string[] = [];
  lines.push("## Latest run (`npm run bench`)", "");
  lines.push(`${started.toISOString()}, ${seconds.toFixed(0)} s in all.`, "");
  lines.push(...machine(), "");
  for (const mode of ["tsx", "js"] as Mode[]) {
    const rows = summaries.filter((s) => s.mode === mode);
    if (!rows.length && !failures.some((x) => x.mode === mode)) continue;
    const base = rows.find((s) => s.case === "baseline");
    lines.push(
      mode === "tsx"
        ? "### `node --import tsx` (what `npm run synth` and `npx cdktf synth` pay)"
        : "### Compiled by tsc, plain `node` (what a user of the published package pays)",
      "",
      "Median (min–max). Ratios are medians over the baseline's medians. The in-process split (medians, ms): start = Node, the loader and the runner; cdktf = importing cdktf; build = importing the library's modules (the baseline: the provider barrel) and constructing; synth = `app.synth()`, which for a Cluster includes rendering every node and building its machines (they are built at synth, so escape hatches added after construction count). load avg = 1-minute load average of the machine during the runs (2 cores).",
      "",
      "| case | runs | wall s | CPU s | peak RSS MB | wall / baseline | RSS / baseline | start, cdktf, build, synth ms | output KB | bytes / node | load avg |",
      "|---|---|---|---|---|---|---|---|---|---|---|",
    );
    for (const s of rows) {
      const label = s.note ? `${s.case} (${s.note})` : s.case;
      const ratio = (a: number, b?: number) => (b ? (a / b).toFixed(2) : "-");
      lines.push(
        `| ${label} | ${s.runs} | ${triple(s.wall, f1)} | ${triple(s.cpu, f1)} | ${triple(s.rss, f0)} | ${ratio(s.wall[0], base?.wall[0])} | ${ratio(s.rss[0], base?.rss[0])} | ${f0(s.startup)}, ${f0(s.cdktf)}, ${f0(s.build)}, ${f0(s.synth)} | ${(s.outputBytes / 1024).toFixed(0)} | ${Number.isFinite(s.nodes) ? f0(s.outputBytes / s.nodes) : "-"} | ${s.load[0].toFixed(1)}–${s.load[1].toFixed(1)} |`,
      );
    }
    for (const f of failures.filter((x) => x.mode === mode)) lines.push(`| ${f.case} | failed: ${f.message.replace(/\|/g, "\\|")} | | | | | | | | | |`);
    lines.push("");
    for (const platform of ["aws", "libvirt"]) {
      const a = rows.find((s) => s.case === `${platform}-100`);
      const b = rows.find((s) => s.case === `${platform}-1000`);
      const c = rows.find((s) => s.case === `${platform}-3`);
      if (!a || !b) continue;
      const per = (x: number, y: number, n: number) => ((y - x) / n) * 1000;
      const early = c ? `; from 3 to 100: ${per(c.cpu[0], a.cpu[0], 97).toFixed(2)} ms CPU, ${((a.rss[0] - c.rss[0]) / 97 * 1024).toFixed(0)} KB, ${((a.outputBytes - c.outputBytes) / 97).toFixed(0)} bytes` : "";
      lines.push(
        `- ${platform}, cost per added node from 100 to 1000: ${per(a.wall[0], b.wall[0], 900).toFixed(2)} ms wall, ${per(a.cpu[0], b.cpu[0], 900).toFixed(2)} ms CPU, ${((b.rss[0] - a.rss[0]) / 900 * 1024).toFixed(0)} KB RSS, ${((b.outputBytes - a.outputBytes) / 900).toFixed(0)} output bytes${early}.`,
      );
    }
    lines.push("");
  }
  return lines.join("\n");
}

function main(): void {
  const runs = Number(arg("runs") ?? 5);
  const largeRuns = Number(arg("large-runs") ?? 3);
  const modes = (arg("modes") ?? "tsx,js").split(",") as Mode[];
  const names = arg("cases")?.split(",") ?? [...Object.keys(CASES), "example-full"];
  for (const n of names) {
    if (n !== "example-full" && !(n in CASES)) throw new Error(`unknown case ${n}: ${Object.keys(CASES).join(", ")}, example-full`);
  }
  const started = new Date();
  const t0 = Date.now();
  const jsDir = modes.includes("js") ? compileJs() : undefined;
  const all: Run[] = [];
  const summaries: Summary[] = [];
  const failures: Failure[] = [];
  try {
    for (const mode of modes) {
      for (const name of names) {
        if (name === "example-full" && mode !== "tsx") continue;
        const n = name.endsWith("-1000") || name === "baseline" ? largeRuns : runs;
        const done: Run[] = [];
        try {
          for (let i = 0; i < n; i++) {
            let r: Run;
            try {
              r = runOnce(name, mode, jsDir);
            } catch (e) {
              // Others edit this tree while the bench runs, and tsx reads the sources live: a run
              // that catches a file half-written fails once. Retry once; a second failure is real.
              console.error(`${mode} ${name} #${i + 1} failed, retrying once: ${(e as Error).message.split("\n").slice(0, 6).join(" ")}`);
              sleepSync(3000);
              r = runOnce(name, mode, jsDir);
            }
            done.push(r);
            console.error(`${mode} ${name} #${i + 1}: ${r.wallS.toFixed(2)} s wall, ${r.cpuS.toFixed(2)} s CPU, ${r.rssMb.toFixed(0)} MB, ${r.outputBytes} bytes (load ${r.load1.toFixed(1)})`);
          }
        } catch (e) {
          const message = (e as Error).message;
          console.error(`${mode} ${name}: ${message}`);
          failures.push({ case: name, mode, message: /MicroOsError: (.*)/.exec(message)?.[1] ?? message.split("\n").slice(0, 3).join(" ") });
          continue;
        }
        all.push(...done);
        summaries.push(summarize(done));
      }
    }
  } finally {
    if (jsDir) rmSync(jsDir, { recursive: true, force: true });
  }
  const text = report(summaries, failures, started, (Date.now() - t0) / 1000);
  const out = arg("out") ?? join(ROOT, "bench/RESULTS.md");
  if (out === "-") {
    console.log(text);
  } else {
    // RESULTS.md keeps its hand-written sections; the generated part sits between markers.
    const begin = "<!-- bench:begin -->";
    const end = "<!-- bench:end -->";
    const old = existsSync(out) ? readFileSync(out, "utf8") : `# Synth benchmarks\n\n${begin}\n${end}\n`;
    const i = old.indexOf(begin);
    const j = old.indexOf(end);
    const next = i >= 0 && j > i ? `${old.slice(0, i + begin.length)}\n${text}\n${old.slice(j)}` : `${old}\n${begin}\n${text}\n${end}\n`;
    writeFileSync(out, next);
    console.error(`wrote ${out}`);
  }
  const json = arg("json");
  if (json) writeFileSync(json, JSON.stringify(all, null, 2));
}

main();
