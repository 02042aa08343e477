/**
 * Measures what the generated libvirt bindings cost: in a fresh Node process per sample, the time
 * and heap to load the provider and domain modules (after cdktf itself is loaded), then to build
 * and synthesize a stack with one provider, one volume and one domain. Not a test: it prints
 * figures (median of the runs) for bench/RESULTS.md-style notes.
 *
 * Usage: node --import tsx scripts/measure-libvirt-bindings.ts [runs] [--compiled <dir> | --root <dir>]
 *   --compiled <dir>: load the bindings from <dir>/gen/... compiled to JS (by tsc, or esbuild for
 *     speed; <dir>/scripts/measure-libvirt-bindings.js and <dir>/node_modules must exist) instead
 *     of the .ts sources.
 *   --root <dir>: load the .ts bindings from <dir>/gen/... (for example another generation).
 * One sample: node --import tsx scripts/measure-libvirt-bindings.ts --sample <version> [<root>]
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const DIRS: Record<string, string> = { "0.8.3": "gen/libvirt/providers/libvirt", "0.9.7": "gen/libvirt-0.9/providers/libvirt" };

interface Sample {
  cdktfMs: number;
  loadMs: number;
  loadHeapMb: number;
  synthMs: number;
  heapAfterSynthMb: number;
  rssMb: number;
  outBytes: number;
  /** Build and synthesis time per domain of a further stack of 50 domains (the bindings loaded, warm). */
  perDomainMs: number;
}

function sample(version: string, root: string): Sample {
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  const heap = () => {
    gc();
    return process.memoryUsage().heapUsed / 2 ** 20;
  };
  let t = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cdktf = require("cdktf");
  const cdktfMs = performance.now() - t;
  const heap0 = heap();
  t = performance.now();
  const dir = path.join(root, DIRS[version]);
  const { LibvirtProvider } = require(path.join(dir, "provider"));
  const { Domain } = require(path.join(dir, "domain"));
  const { Volume } = require(path.join(dir, "volume"));
  const loadMs = performance.now() - t;
  const loadHeapMb = heap() - heap0;
  t = performance.now();
  const build = (stack: unknown, n: string): void => {
  if (version === "0.8.3") {
    const disk = new Volume(stack, `${n}-disk`, { name: `${n}.qcow2`, pool: "default", size: 10737418240 });
    new Domain(stack, n, { name: n, memory: 2048, vcpu: 2, disk: [{ volumeId: disk.id }], networkInterface: [{ networkName: "default" }] });
  } else {
    const disk = new Volume(stack, `${n}-disk`, { name: `${n}.qcow2`, pool: "default", capacity: 10737418240 });
    new Domain(stack, n, {
      name: n,
      type: "kvm",
      memory: 2048,
      memoryUnit: "MiB",
      vcpu: 2,
      os: { type: "hvm", typeArch: "x86_64", typeMachine: "q35" },
      features: { acpi: true },
      devices: {
        disks: [{ source: { volume: { pool: "default", volume: disk.name } }, target: { dev: "vda", bus: "virtio" } }],
        interfaces: [{ source: { network: { network: "default" } } }],
      },
    });
  }
  };
  const app = new cdktf.App();
  const stack = new cdktf.TerraformStack(app, "one");
  new LibvirtProvider(stack, "libvirt", { uri: "qemu:///system" });
  build(stack, "n0");
  const out = cdktf.Testing.synth(stack);
  const synthMs = performance.now() - t;
  const heapAfterSynthMb = heap() - heap0;
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  const many = new cdktf.TerraformStack(app, "many");
  new LibvirtProvider(many, "libvirt", { uri: "qemu:///system" });
  t = performance.now();
  for (let i = 0; i < 50; i++) build(many, `m${i}`);
  cdktf.Testing.synth(many);
  const perDomainMs = (performance.now() - t) / 50;
  return { cdktfMs, loadMs, loadHeapMb, synthMs, heapAfterSynthMb, rssMb, outBytes: out.length, perDomainMs };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function main(): void {
  const args = process.argv.slice(2);
  if (args[0] === "--sample") {
    console.log(JSON.stringify(sample(args[1], args[2] ?? ROOT)));
    return;
  }
  const ci = args.indexOf("--compiled");
  const compiled = ci >= 0 ? path.resolve(args[ci + 1]) : undefined;
  const ri = args.indexOf("--root");
  const root = ri >= 0 ? path.resolve(args[ri + 1]) : ROOT;
  const runs = Number(args.find((a) => /^[0-9]+$/.test(a)) ?? 5);
  for (const version of Object.keys(DIRS)) {
    const samples: Sample[] = [];
    for (let i = 0; i < runs; i++) {
      const node = compiled
        ? ["--expose-gc", path.join(compiled, "scripts", "measure-libvirt-bindings.js"), "--sample", version, compiled]
        : ["--expose-gc", "--import", "tsx", __filename, "--sample", version, root];
      samples.push(JSON.parse(execFileSync(process.execPath, node, { cwd: ROOT, encoding: "utf8" }).trim().split("\n").pop()!));
    }
    const m = (k: keyof Sample) => median(samples.map((s) => s[k])).toFixed(k === "outBytes" ? 0 : 1);
    console.log(
      `${version} (${compiled ? "compiled" : "tsx"}${compiled ?? (ri >= 0 ? root : "")}, median of ${runs}): cdktf ${m("cdktfMs")} ms; bindings load ${m("loadMs")} ms, +${m("loadHeapMb")} MB heap; ` +
        `build+synth one domain ${m("synthMs")} ms; heap +${m("heapAfterSynthMb")} MB after synth; RSS ${m("rssMb")} MB; ${m("outBytes")} B of JSON; then ${m("perDomainMs")} ms per further domain (+volume)`,
    );
  }
}

main();
