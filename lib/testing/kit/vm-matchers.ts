/**
 * Matchers on a VM boot's report (../vm, ./vm.ts): a unit is active, a mount exists, ssh works,
 * and no unit failed beyond the ones a test expects. Plain functions like ./matchers.ts; ./vitest.ts
 * installs them.
 */
import type { VmReport } from "../vm";
import { textMatches, type MatchContext, type MatchResult, type TextExpectation } from "./matchers";

/** Options of `toHaveMount`. */
export interface MountExpectation {
  /** The mounted device (`/dev/vdb1`, `/dev/md127`, a matcher). @default - any */
  readonly source?: TextExpectation;
  /** The file system type (`ext4`). @default - any */
  readonly fstype?: string;
}

function isReport(x: unknown): x is VmReport {
  return typeof x === "object" && x !== null && Array.isArray((x as VmReport).units) && typeof (x as VmReport).secondsToSsh === "number";
}

function verdict(ctx: MatchContext, pass: boolean, yes: string, no: string): MatchResult {
  return { pass, message: () => (ctx.isNot ? yes : no) };
}

const notReport = (received: unknown): MatchResult => ({
  pass: false,
  message: () => `expected a VM boot report (from bootVm or the VM runner), got ${typeof received}`,
});

/** The booted node has unit `name` active. */
export function toHaveActiveUnit(ctx: MatchContext, received: unknown, name: string): MatchResult {
  if (!isReport(received)) return notReport(received);
  const u = received.units.find((x) => x.name === name);
  const state = u ? `${u.load} ${u.active} ${u.sub}` : "not known to systemd";
  return verdict(ctx, u?.active === "active", `expected ${name} not to be active, it is ${state}`, `expected ${name} to be active, it is ${state}${received.failedUnits.length ? `; failed units: ${received.failedUnits.join(", ")}` : ""}`);
}

/** The booted node has a file system mounted at `target`, optionally from this source and of this type. */
export function toHaveMount(ctx: MatchContext, received: unknown, target: string, expected: MountExpectation = {}): MatchResult {
  if (!isReport(received)) return notReport(received);
  const m = received.mounts.find((x) => x.target === target);
  const problems: string[] = [];
  if (!m) problems.push(`nothing is mounted there (mounts: ${received.mounts.filter((x) => !/^\/(proc|sys|dev|run)\b/.test(x.target)).map((x) => `${x.target} ${x.source} ${x.fstype}`).join("; ")})`);
  else {
    if (expected.source !== undefined && !textMatches(ctx, expected.source, m.source)) problems.push(`its source is ${m.source}`);
    if (expected.fstype !== undefined && m.fstype !== expected.fstype) problems.push(`its type is ${m.fstype}, not ${expected.fstype}`);
  }
  const has = m ? `${m.source} (${m.fstype}) is mounted at ${target}` : `nothing is mounted at ${target}`;
  return verdict(ctx, problems.length === 0, `expected no mount at ${target}, but ${has}`, `expected a mount at ${target}: ${problems.join(", ")}`);
}

/** User `core` logged in over ssh with the runner's key. */
export function toAcceptSsh(ctx: MatchContext, received: unknown): MatchResult {
  if (!isReport(received)) return notReport(received);
  return verdict(ctx, received.sshAsCore, "expected ssh as core to fail, it worked", "expected ssh as core with the runner's key to work, it did not");
}

/**
 * `systemctl --failed` is empty and every unit the config writes or enables is active, except the
 * units listed (name -> why it cannot run in the VM), which must then not be active.
 */
export function toHaveBootedCleanly(ctx: MatchContext, received: unknown, expectedInactive: Readonly<Record<string, string>> = {}): MatchResult {
  if (!isReport(received)) return notReport(received);
  const node = (received as { node?: { units?: readonly { name: string; enabled: boolean }[] } }).node;
  const wanted = (node?.units ?? []).filter((u) => u.enabled).map((u) => u.name);
  const problems: string[] = [];
  for (const f of received.failedUnits) if (!(f in expectedInactive)) problems.push(`${f} failed`);
  for (const w of wanted) {
    if (w in expectedInactive) continue;
    const u = received.units.find((x) => x.name === w);
    if (u?.active !== "active") problems.push(`${w} is ${u ? `${u.active} (${u.sub})` : "not known to systemd"}`);
  }
  for (const [name, why] of Object.entries(expectedInactive)) {
    if (received.activeUnits.includes(name)) problems.push(`${name} is active, though listed as unable to run (${why})`);
  }
  for (const s of received.stages) if (s.result === "failed") problems.push(`the first boot's ${s.name} stage failed`);
  return verdict(ctx, problems.length === 0, "expected the boot to show problems, it booted cleanly", `expected a clean boot: ${problems.join("; ")}`);
}
