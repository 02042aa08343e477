/**
 * The kit's matchers as plain functions: `(context, received, ...args) -> { pass, message }`, the
 * shape `expect.extend` takes. ./vitest.ts installs them; nothing here imports a test runner.
 *
 * A node matcher receives one {@link NodeConfig}, a list of them (every node must match; with
 * `.not`, none may), or a {@link SynthResult} (all its nodes). Messages name the node, the path and
 * show a short expected/actual difference.
 */
import type { ConfigFormat, ConfigValidator } from "../../core/format";
import { FirstBootTree } from "../firstboot";
import { isAsymmetric, shortDiff, show, showMode, someOf } from "./diff";
import { lookupPath, type NodeConfig } from "./nodes";
import { resourceTypeName, type ResourceType, SynthResult } from "./synth";

/** What a matcher needs from the runner: whether `.not` is in effect, and its equality. */
export interface MatchContext {
  readonly isNot: boolean;
  /** Deep equality that understands asymmetric matchers (vitest's `this.equals`). */
  equals(a: unknown, b: unknown): boolean;
}

/** A matcher's verdict, as `expect.extend` wants it. */
export interface MatchResult {
  readonly pass: boolean;
  readonly message: () => string;
}

/** Expected text: exact, a regular expression, or an asymmetric matcher (`expect.stringContaining(...)`). */
export type TextExpectation = string | RegExp | { asymmetricMatch(v: unknown): boolean };

/** Options of `toHaveFile`. */
export interface FileExpectation {
  /** The decoded contents (apply-time values read `<apply-time: EXPR>`). @default - any */
  readonly contents?: TextExpectation;
  /** Permission bits, for example `0o644`. @default - any */
  readonly mode?: number;
}

/** Options of `toHaveUnit`. */
export interface UnitExpectation {
  /** Enabled at first boot (by `enabled: true` or a `.wants` link). @default - either */
  readonly enabled?: boolean;
  /** The unit file's text. @default - any */
  readonly contents?: TextExpectation;
}

/** Options of `toHaveUser`. */
export interface UserExpectation {
  /** One of the user's authorized keys (whole line, or a matcher). @default - any */
  readonly sshKey?: TextExpectation;
}

/** Options of `toPassValidators`. */
export interface ValidatorOptions {
  /** Accept ignition-validate's warnings. @default false */
  readonly allowWarnings?: boolean;
}

/** Things a node matcher accepts. */
export type NodesLike = NodeConfig | readonly NodeConfig[] | SynthResult;

type Check = (n: NodeConfig) => { problem?: string; has: string };

/**
 * True when `actual` is given and matches `expected`: a regular expression tests it, a string or an
 * asymmetric matcher goes through the runner's equality.
 */
export function textMatches(ctx: MatchContext, expected: TextExpectation, actual: string | undefined): boolean {
  if (actual === undefined) return false;
  if (expected instanceof RegExp) return expected.test(actual);
  return ctx.equals(actual, expected);
}

function nodesOf(received: unknown): NodeConfig[] | string {
  if (received instanceof SynthResult) return [...received.nodes()];
  if (Array.isArray(received)) return received.every(isNode) ? [...received] : "a list holding something other than nodes";
  if (isNode(received)) return [received];
  return `${show(received)}, not a node (use synthStack(stack).node(name) or .nodes())`;
}

function isNode(x: unknown): x is NodeConfig {
  return typeof x === "object" && x !== null && typeof (x as NodeConfig).describe === "function" && "kind" in x && "files" in x;
}

/** Runs a per-node check over one node or many, with `.not` meaning "no node". */
function overNodes(ctx: MatchContext, received: unknown, what: string, check: Check): MatchResult {
  const nodes = nodesOf(received);
  if (typeof nodes === "string") return { pass: ctx.isNot, message: () => `expected a node, got ${nodes}` };
  if (nodes.length === 0) return { pass: ctx.isNot, message: () => `expected nodes to check ${what}, got none` };
  const results = nodes.map((n) => ({ n, ...check(n) }));
  const failing = results.filter((r) => r.problem !== undefined);
  const matching = results.filter((r) => r.problem === undefined);
  if (nodes.length === 1) {
    const r = results[0];
    return {
      pass: r.problem === undefined,
      message: () => (r.problem === undefined ? `${r.n.describe()}: ${r.has}, but expected not to` : `${r.n.describe()}: ${r.problem}`),
    };
  }
  if (ctx.isNot) {
    return {
      pass: matching.length > 0,
      message: () =>
        `expected no node to have ${what}, but ${matching.length} of ${nodes.length} do:\n` +
        matching.slice(0, 5).map((r) => `${r.n.describe()}: ${r.has}`).join("\n") +
        (matching.length > 5 ? `\n(and ${matching.length - 5} more)` : ""),
    };
  }
  return {
    pass: failing.length === 0,
    message: () =>
      `expected every node to have ${what}; ${failing.length} of ${nodes.length} do not:\n` +
      failing.slice(0, 5).map((r) => `${r.n.describe()}: ${r.problem}`).join("\n") +
      (failing.length > 5 ? `\n(and ${failing.length - 5} more: ${failing.slice(5).map((r) => r.n.name).join(", ")})` : ""),
  };
}

/** A booted root's check: a problem, or what it has (for `.not`). */
function overTree(received: FirstBootTree, check: (t: FirstBootTree) => { problem?: string; has: string }): MatchResult {
  const r = check(received);
  const who = typeof (received as { describe?: unknown }).describe === "function" ? (received as unknown as { describe(): string }).describe() : "booted root";
  return { pass: r.problem === undefined, message: () => (r.problem === undefined ? `${who}: ${r.has}, but expected not to` : `${who}: ${r.problem}`) };
}

function treeFile(ctx: MatchContext, t: FirstBootTree, path: string, expected: FileExpectation & { readonly user?: string }) {
  const f = t.file(path);
  if (!f) {
    const link = t.link(path);
    if (link) return { problem: `${path} is a link to ${link.target}, not a file`, has: "" };
    const near = t.files.filter((x) => x.path.startsWith(path.slice(0, path.lastIndexOf("/") + 1)) && !x.seeded).map((x) => x.path);
    return { problem: `has no file ${path} after first boot; files the first boot wrote there: ${someOf(near)}`, has: "" };
  }
  const has = `has file ${path} (mode ${showMode(f.mode)}, owner ${f.user ?? f.uid})`;
  if (expected.mode !== undefined && f.mode !== expected.mode) {
    return { problem: `file ${path}: mode differs\n  - expected: ${showMode(expected.mode)}\n  + actual:   ${showMode(f.mode)}`, has };
  }
  if (expected.user !== undefined && f.user !== expected.user) {
    return { problem: `file ${path}: owner differs\n${shortDiff(expected.user, f.user ?? f.uid)}`, has };
  }
  if (expected.contents !== undefined && !textMatches(ctx, expected.contents, f.text)) {
    if (f.text === undefined) return { problem: `file ${path}: contents are not text (${f.size} bytes)`, has };
    return { problem: `file ${path}: contents differ\n${shortDiff(expected.contents, f.text)}`, has };
  }
  return { has };
}

/** `expect(node).toHaveFile(path, { contents?, mode? })` */
export function toHaveFile(ctx: MatchContext, received: unknown, path: string, expected: FileExpectation & { readonly user?: string } = {}): MatchResult {
  if (received instanceof FirstBootTree) return overTree(received, (t) => treeFile(ctx, t, path, expected));
  const what = `file ${path}${expected.contents !== undefined ? " with the expected contents" : ""}${expected.mode !== undefined ? ` mode ${showMode(expected.mode)}` : ""}`;
  return overNodes(ctx, received, what, (n) => {
    const f = n.file(path);
    if (!f) return { problem: `has no file ${path}; files: ${someOf(n.files.map((x) => x.path))}`, has: "" };
    const has = `has file ${path} (mode ${showMode(f.mode)})`;
    if (expected.mode !== undefined && f.mode !== expected.mode) {
      return { problem: `file ${path}: mode differs\n  - expected: ${showMode(expected.mode)}\n  + actual:   ${showMode(f.mode)}`, has };
    }
    if (expected.contents !== undefined && !textMatches(ctx, expected.contents, f.contents)) {
      if (f.contents === undefined) {
        return { problem: `file ${path}: contents are not inline text (${f.source ? `fetched from ${f.source}` : "binary"})`, has };
      }
      return { problem: `file ${path}: contents differ\n${shortDiff(expected.contents, f.contents)}`, has };
    }
    return { has };
  });
}

/** `expect(node).toHaveUnit(name, { enabled?, contents? })` */
export function toHaveUnit(ctx: MatchContext, received: unknown, name: string, expected: UnitExpectation = {}): MatchResult {
  if (received instanceof FirstBootTree) {
    return overTree(received, (t) => {
      const u = t.unit(name);
      if (!u) return { problem: `has no unit ${name} after first boot; units: ${someOf(t.units.map((x) => x.name))}`, has: "" };
      const has = `has unit ${name}${u.enabled ? " (enabled)" : ""}`;
      if (expected.enabled !== undefined && u.enabled !== expected.enabled) return { problem: `unit ${name}: enabled differs\n${shortDiff(expected.enabled, u.enabled)}`, has };
      if (expected.contents !== undefined && !textMatches(ctx, expected.contents, u.contents)) {
        return { problem: `unit ${name}: contents differ\n${shortDiff(expected.contents, u.contents)}`, has };
      }
      return { has };
    });
  }
  const what = `unit ${name}${expected.enabled === undefined ? "" : expected.enabled ? " enabled" : " not enabled"}`;
  return overNodes(ctx, received, what, (n) => {
    if (n.unitsAbsent !== undefined) return { problem: `${n.unitsAbsent} (unit ${name})`, has: "" };
    const u = n.unit(name);
    if (!u) return { problem: `has no unit ${name}; units: ${someOf(n.units.map((x) => x.name))}`, has: "" };
    const has = `has unit ${name}${u.enabled ? " (enabled)" : ""}`;
    if (expected.enabled !== undefined && u.enabled !== expected.enabled) {
      return { problem: `unit ${name}: enabled differs\n${shortDiff(expected.enabled, u.enabled)}`, has };
    }
    if (expected.contents !== undefined && !textMatches(ctx, expected.contents, u.contents)) {
      return { problem: `unit ${name}: contents differ\n${shortDiff(expected.contents, u.contents)}`, has };
    }
    return { has };
  });
}

/** `expect(node).toHaveUser(name, { sshKey? })` */
export function toHaveUser(ctx: MatchContext, received: unknown, name: string, expected: UserExpectation = {}): MatchResult {
  if (received instanceof FirstBootTree) {
    return overTree(received, (t) => {
      const u = t.user(name);
      if (!u) return { problem: `has no user ${name} after first boot; users: ${someOf(t.users.map((x) => x.name), 12)}`, has: "" };
      const keys = t.authorizedKeys(name);
      const has = `has user ${name} with ${keys.length} ssh key(s)`;
      const key = expected.sshKey;
      if (key !== undefined && !keys.some((k) => (typeof key === "string" ? k.trim() === key.trim() : textMatches(ctx, key, k)))) {
        return { problem: `user ${name}: no authorized key matches\n  - expected: ${show(key)}\n  + actual:   ${keys.length ? keys.map(show).join(", ") : "(no keys)"}`, has };
      }
      return { has };
    });
  }
  const what = `user ${name}${expected.sshKey !== undefined ? " with the expected ssh key" : ""}`;
  return overNodes(ctx, received, what, (n) => {
    const u = n.user(name);
    if (!u) return { problem: `has no user ${name}; users: ${someOf(n.users.map((x) => x.name))}`, has: "" };
    const has = `has user ${name} with ${u.sshAuthorizedKeys.length} ssh key(s)`;
    if (expected.sshKey !== undefined) {
      const key = expected.sshKey;
      const ok = u.sshAuthorizedKeys.some((k) => (typeof key === "string" ? k.trim() === key.trim() : textMatches(ctx, key, k)));
      if (!ok) {
        return { problem: `user ${name}: no authorized key matches\n  - expected: ${show(key)}\n  + actual:   ${u.sshAuthorizedKeys.length ? u.sshAuthorizedKeys.map(show).join(", ") : "(no keys)"}`, has };
      }
    }
    return { has };
  });
}

/**
 * `expect(node).toHaveConfigKey("k3os.token", value?)`: a dotted path into the node's config as
 * its format's reader returns it (`storage.files.0.path` in Ignition, `k3os.token` in k3OS).
 */
export function toHaveConfigKey(ctx: MatchContext, received: unknown, path: string, ...value: unknown[]): MatchResult {
  const withValue = value.length > 0;
  return overNodes(ctx, received, `config key ${path}${withValue ? ` = ${show(value[0])}` : ""}`, (n) => {
    const found = lookupPath(n.config, path);
    if (!found.found) return { problem: `${n.format.description} has no key ${path} (missing at ${found.missingAt})`, has: "" };
    const has = `has config key ${path} = ${show(found.value)}`;
    if (withValue && !ctx.equals(found.value, value[0])) return { problem: `config key ${path} differs\n${shortDiff(value[0], found.value)}`, has };
    return { has };
  });
}

/** Notes already printed about validators that cannot run here. */
const noted = new Set<string>();

/** The validators of `format` that can run here; a note, once, for each that cannot. */
function runnable(format: ConfigFormat): ConfigValidator[] {
  const all = format.validators;
  return all.filter((v) => {
    const reason = v.unavailable?.();
    if (reason === undefined) return true;
    const key = `${format.name}/${v.name}`;
    if (!noted.has(key)) {
      noted.add(key);
      const others = all.filter((o) => o !== v && o.unavailable?.() === undefined).map((o) => o.name);
      console.warn(`cdktf-microos/testing: ${reason}; toPassValidators checked the ${format.description} ${others.join(" and ") || "with nothing else"} only`);
    }
    return false;
  });
}

/**
 * `expect(node).toPassValidators()`: the config, apply-time values filled with made-up ones,
 * through every validator of its format (Ignition: its JSON schema, our semantic checks and
 * ignition-validate where installed; k3OS and Kairos: their strict schemas and rules), a stub the
 * platform delivers in front of it too.
 */
export function toPassValidators(ctx: MatchContext, received: unknown, options: ValidatorOptions = {}): MatchResult {
  return overNodes(ctx, received, "a config that passes the validators", (n) => {
    const validators = runnable(n.format);
    const run = (text: string) => validators.flatMap((v) => v.check(text, { allowWarnings: options.allowWarnings }).map((p) => `${v.prefix ?? v.name}: ${p}`));
    const problems = run(n._resolved.text);
    if (n._resolved.stub !== undefined) problems.push(...run(n._resolved.stub).map((p) => `(S3 stub) ${p}`));
    const checked = validators.map((v) => v.name).join(", ");
    if (problems.length === 0) return { has: `passes the validators (${checked})` };
    const shown = problems.slice(0, 8).map((p) => `  ${p.length > 300 ? `${p.slice(0, 299)}…` : p}`);
    return { problem: `${problems.length} problem(s) (${checked}):\n${shown.join("\n")}${problems.length > 8 ? `\n  (and ${problems.length - 8} more)` : ""}`, has: "" };
  });
}

// ---------------------------------------------------------------------------------------------
// Resources (cdktf's toHaveResourceWithProperties, for vitest)

interface Mismatch {
  readonly path: string;
  readonly expected: unknown;
  readonly actual: unknown;
}

// cdktf compares property names as written or in snake_case (cdktf lib/testing/matchers.js,
// asymetricDeepEqualIgnoringObjectCasing); Terraform JSON is snake_case.
function snakeCase(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/([A-Z])([A-Z][a-z])/g, "$1_$2").toLowerCase();
}

/** Where `actual` departs from `expected` (every expected key, camelCase or snake_case; arrays whole). */
function mismatches(ctx: MatchContext, expected: unknown, actual: unknown, path: string): Mismatch[] {
  if (isAsymmetric(expected)) return expected.asymmetricMatch(actual) ? [] : [{ path, expected, actual }];
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return [{ path, expected, actual }];
    return expected.flatMap((e, i) => mismatches(ctx, e, actual[i], `${path}[${i}]`));
  }
  if (typeof expected === "object" && expected !== null) {
    if (typeof actual !== "object" || actual === null || Array.isArray(actual)) return [{ path, expected, actual }];
    const a = actual as Record<string, unknown>;
    return Object.entries(expected as Record<string, unknown>).flatMap(([k, v]) => {
      const key = a[k] !== undefined ? k : snakeCase(k);
      return mismatches(ctx, v, a[key], path ? `${path}.${key}` : key);
    });
  }
  return expected === actual ? [] : [{ path, expected, actual }];
}

function synthOf(received: unknown): SynthResult | string {
  if (received instanceof SynthResult) return received;
  try {
    if (typeof received === "string") return SynthResult.fromJson(received);
    if (typeof received === "object" && received !== null) return SynthResult.fromJson(received as Record<string, unknown>);
  } catch (e) {
    return `not synthesized Terraform JSON: ${(e as Error).message}`;
  }
  return `${show(received)}, not a synthesized stack (use synthStack(stack) or Testing.synth(stack))`;
}

/**
 * `expect(synth).toHaveResourceWithProperties(type, properties)`: some resource of `type` has
 * every given property (nested objects partially, arrays whole, asymmetric matchers allowed).
 */
export function toHaveResourceWithProperties(ctx: MatchContext, received: unknown, type: ResourceType, properties: Readonly<Record<string, unknown>> = {}): MatchResult {
  const synth = synthOf(received);
  const t = resourceTypeName(type);
  if (typeof synth === "string") return { pass: ctx.isNot, message: () => `expected a synthesized stack, got ${synth}` };
  const all = synth.resources(t);
  const scored = all.map((r) => ({ r, m: mismatches(ctx, properties, r.values, "") })).sort((a, b) => a.m.length - b.m.length);
  const matching = scored.filter((s) => s.m.length === 0);
  const props = show(properties);
  if (matching.length > 0) {
    return {
      pass: true,
      message: () => `expected no ${t} with ${props}, but ${matching.length} ha${matching.length === 1 ? "s" : "ve"} them: ${someOf(matching.map((s) => s.r.address), 5)}`,
    };
  }
  return {
    pass: false,
    message: () => {
      if (all.length === 0) return `expected a ${t} with ${props}, but the stack has no ${t}`;
      const best = scored[0];
      const diffs = best.m.slice(0, 3).map((m) => `  at ${m.path}:\n${shortDiff(m.expected, m.actual).replace(/^/gm, "  ")}`);
      return `expected a ${t} with ${props}; none of ${all.length} has them. Closest: ${best.r.address}\n${diffs.join("\n")}${best.m.length > 3 ? `\n  (and ${best.m.length - 3} more differences)` : ""}`;
    },
  };
}
