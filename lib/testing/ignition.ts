/**
 * Checks a rendered Ignition config against the external truth: the official JSON schema and
 * Debian's `ignition-validate`. Part of the `cdktf-microos/testing` entry; imports no cdktf.
 *
 * A config that holds apply-time values (cdktf tokens) cannot be checked as it is: pass it through
 * {@link substituteDeferred} first, which puts readable placeholders where the tokens were and keeps
 * every data URL and hash well formed. (We chose substitution over asking callers to render with
 * a placeholder encoder: it also works on text that was rendered elsewhere, for example the user
 * data a platform synthesized, and it leaves the config as the platform really renders it.)
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { accessSync, appendFileSync, constants, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import Ajv, { type ValidateFunction } from "ajv-draft-04";
import { deferredMarkers, gzipBytes } from "../core/deferred";
import { validateIgnitionSpec } from "../ignition/validate";
import { forDebianIgnition } from "./debian-ignition";

/** An external program a test needs (the shape test/helpers/external.ts `need()` takes). */
export type { ExternalTool } from "./external";
import type { ExternalTool } from "./external";

/** What ignition-validate said about a config. */
export interface IgnitionValidateResult {
  /** Exit status 0: no errors (warnings may remain). */
  readonly ok: boolean;
  /** Everything it printed. */
  readonly output: string;
  /** The warning lines, for example "Unused key ..." for fields its spec version lacks. */
  readonly warnings: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// JSON schema

const schemaCache = new Map<string, ValidateFunction>();

/** The folder holding `ignition-<version>.schema.json`: `schemas/` at the package root. */
function schemasDir(): string {
  for (let d = __dirname; ; d = dirname(d)) {
    if (existsSync(join(d, "schemas", "ignition-3.3.0.schema.json"))) return join(d, "schemas");
    if (dirname(d) === d) throw new Error(`schemas/ignition-3.3.0.schema.json not found above ${__dirname}`);
  }
}

function schemaFor(version: string): ValidateFunction | undefined {
  // Debian's ignition-validate names spec 3.4.0 "3.4.0-experimental"; the schema is the same.
  const v = version === "3.4.0-experimental" ? "3.4.0" : version;
  if (!["3.3.0", "3.4.0", "3.5.0", "3.6.0"].includes(v)) return undefined;
  let validate = schemaCache.get(v);
  if (!validate) {
    // coreos/ignition config/v3_N/schema/ignition.json (copied into schemas/; schemas/SOURCES.md)
    // are JSON Schema draft-04, which Ajv 8 reads only through ajv-draft-04.
    const schema = JSON.parse(readFileSync(join(schemasDir(), `ignition-${v}.schema.json`), "utf8"));
    const ajv = new Ajv({ allErrors: true, strict: false });
    validate = ajv.compile(schema);
    schemaCache.set(v, validate);
  }
  return validate;
}

/**
 * Validates a config against the official JSON schema of the spec version it names
 * (`ignition.version`). Returns one line per error; empty when the config conforms.
 */
export function validateWithSchema(json: string | object): string[] {
  let config: unknown;
  try {
    config = typeof json === "string" ? JSON.parse(json) : json;
  } catch (e) {
    return [`not JSON: ${(e as Error).message}`];
  }
  const version = (config as { ignition?: { version?: unknown } } | null)?.ignition?.version;
  if (typeof version !== "string") return ["/ignition/version: missing; cannot choose a schema"];
  const validate = schemaFor(version);
  if (!validate) return [`/ignition/version: no schema for ${JSON.stringify(version)} (have 3.3.0 to 3.6.0)`];
  if (validate(config)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || "/"}: ${e.message ?? "invalid"}${e.params ? ` ${JSON.stringify(e.params)}` : ""}`);
}

// ---------------------------------------------------------------------------------------------
// ignition-validate

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Where ignition-validate is: `IGNITION_VALIDATE`, else PATH, else /usr/bin (Debian's package). */
export function locateIgnitionValidate(): string | undefined {
  const env = process.env.IGNITION_VALIDATE;
  if (env) return existsSync(env) ? env : undefined;
  const found = onPath("ignition-validate");
  if (found) return found;
  return existsSync("/usr/bin/ignition-validate") ? "/usr/bin/ignition-validate" : undefined;
}

/** ignition-validate as a tool for `need(ctx, ignitionValidateTool())`. */
export function ignitionValidateTool(): ExternalTool {
  return {
    name: "ignition-validate",
    location: locateIgnitionValidate(),
    install: "apt-get install -y ignition (Debian/Ubuntu), or set IGNITION_VALIDATE to the binary",
  };
}

/**
 * Runs ignition-validate on a config. Debian's ignition 2.14 predates the release of spec 3.4.0
 * and knows it only by its pre-release name, so a config saying "3.4.0" is checked as
 * "3.4.0-experimental" (it rejects "3.4.0" outright). Fields that came with the 3.4.0 release
 * after 2.14 (luks discard and openOptions) then show up as "Unused key" warnings, not errors.
 * A 3.5.0 or 3.6.0 config is checked the same way when it uses nothing 3.4.0 lacks
 * (lib/testing/debian-ignition.ts); otherwise the result says it cannot be checked here.
 */
export function runIgnitionValidate(json: string): IgnitionValidateResult {
  const bin = locateIgnitionValidate();
  if (!bin) return { ok: false, output: "ignition-validate not found (apt-get install -y ignition, or set IGNITION_VALIDATE)", warnings: [] };
  let text = json;
  try {
    const d = forDebianIgnition(JSON.parse(json));
    if (!d.ok) return { ok: false, output: `not checked: ${d.reason}`, warnings: [] };
    if (d.from) text = JSON.stringify(d.config);
  } catch {
    // Not JSON: let ignition-validate say so.
  }
  const dir = mkdtempSync(join(tmpdir(), "ignition-validate-"));
  try {
    const file = join(dir, "config.ign");
    writeFileSync(file, text);
    const run = spawnSync(bin, [file], { encoding: "utf8", timeout: 60_000 });
    const output = `${run.stdout ?? ""}${run.stderr ?? ""}${run.error ? String(run.error) : ""}`;
    const warnings = output.split("\n").filter((l) => /^warning/i.test(l));
    recordAgreement(json, run.status === 0, output);
    return { ok: run.status === 0, output, warnings };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * With `IGNITION_AGREEMENT_LOG` set to a file, every 3.3.0/3.4.0 config a test hands to
 * ignition-validate is logged with both verdicts (Debian's and the schema plus semantic checks),
 * one JSON line each: `scripts/ignition-agreement.ts` runs test files this way and reports where
 * they differ. Off otherwise.
 */
function recordAgreement(json: string, debianOk: boolean, output: string): void {
  const log = process.env.IGNITION_AGREEMENT_LOG;
  if (!log) return;
  let config: unknown;
  try {
    config = JSON.parse(json);
  } catch {
    return;
  }
  const version = (config as { ignition?: { version?: unknown } } | null)?.ignition?.version;
  if (version !== "3.3.0" && version !== "3.4.0" && version !== "3.4.0-experimental") return;
  const ours = [...validateWithSchema(config as object).map((p) => `schema: ${p}`), ...validateIgnitionSpec(config).map((p) => `semantic: ${p}`)];
  const digest = createHash("sha256").update(json).digest("hex").slice(0, 16);
  appendFileSync(log, `${JSON.stringify({ digest, version, debian: debianOk, ours: ours.length === 0, problems: ours, debianOutput: debianOk ? undefined : output.trim().slice(0, 400) })}\n`);
}

// ---------------------------------------------------------------------------------------------
// All three

// Fields the 3.4.0 release added after Debian's ignition 2.14 froze its 3.4.0-experimental types
// (coreos/ignition docs/migrating-configs.md, "From Version 3.3.0 to 3.4.0": LUKS discard and
// open options, the Tang advertisement); 2.14 reports them as unused keys.
const KNOWN_34_GAPS = /Unused key (discard|openOptions|advertisement)$/;

/** Options for {@link checkIgnition}. */
export interface CheckIgnitionOptions {
  /** Run ignition-validate too (it must be installed). @default true */
  readonly ignitionValidate?: boolean;
  /** Accept ignition-validate warnings (an http proxy for https, a unit enabled without [Install]). @default false */
  readonly allowWarnings?: boolean;
}

/**
 * Checks a rendered config (without apply-time values; see {@link substituteDeferred}) with the
 * JSON schema, our semantic checks and ignition-validate. Returns every problem, each prefixed by
 * the checker that found it; empty when all three accept the config.
 */
export function checkIgnition(json: string, options: CheckIgnitionOptions = {}): string[] {
  const problems = validateWithSchema(json).map((p) => `schema: ${p}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return problems;
  }
  problems.push(...validateIgnitionSpec(parsed).map((p) => `semantic: ${p}`));
  if (options.ignitionValidate ?? true) {
    const r = runIgnitionValidate(json);
    if (!r.ok) problems.push(`ignition-validate: ${r.output.trim()}`);
    else if (!options.allowWarnings) {
      const is34 = ["3.4.0", "3.5.0", "3.6.0"].includes((parsed as { ignition?: { version?: unknown } }).ignition?.version as string);
      for (const w of r.warnings) if (!(is34 && KNOWN_34_GAPS.test(w))) problems.push(`ignition-validate: ${w}`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Apply-time values

const HASH_WITH_TOKEN = /^(sha512|sha256)-(.*)$/;

/**
 * Replaces apply-time markers (cdktf tokens) in a rendered config with readable placeholders so
 * validators can read it: `tf-deferred-1`, `tf-deferred-2`, ... in order of first appearance (one
 * number per distinct token). A `data:` URL whose whole base64 payload is a token becomes the
 * base64 (gzip+base64 when the resource says `compression: "gzip"`) of a text naming the
 * placeholder, and a `verification.hash` whose digest holds a token becomes a zero digest of the
 * right length, so the result still decodes and validates. Text that is not JSON gets the plain
 * replacement only.
 */
export function substituteDeferred(text: string): string {
  const names = new Map<string, string>();
  const name = (marker: string): string => {
    let n = names.get(marker);
    if (!n) {
      n = `tf-deferred-${names.size + 1}`;
      names.set(marker, n);
    }
    return n;
  };
  const plain = (s: string): string => {
    let out = s;
    for (const m of deferredMarkers(s)) out = out.split(m).join(name(m));
    return out;
  };
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch {
    return plain(text);
  }
  const walk = (x: unknown): unknown => {
    if (typeof x === "string") return plain(x);
    if (Array.isArray(x)) return x.map(walk);
    if (typeof x !== "object" || x === null) return x;
    const o = x as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) {
      if (k === "source" && typeof v === "string" && /^data:[^,]*;base64,/.test(v) && deferredMarkers(v).length) {
        const comma = v.indexOf(",");
        const payload = v.slice(comma + 1);
        const label = deferredMarkers(payload).map(name).join(" ");
        const bytes = Buffer.from(`(apply-time value ${label})\n`, "utf8");
        out[k] = `${v.slice(0, comma + 1)}${(o.compression === "gzip" ? gzipBytes(bytes) : bytes).toString("base64")}`;
      } else if (k === "hash" && typeof v === "string" && deferredMarkers(v).length && HASH_WITH_TOKEN.test(v)) {
        const [, algorithm, digest] = HASH_WITH_TOKEN.exec(v)!;
        deferredMarkers(digest).forEach(name);
        out[k] = `${algorithm}-${"0".repeat(algorithm === "sha512" ? 128 : 64)}`;
      } else {
        out[k] = walk(v);
      }
    }
    return out;
  };
  return JSON.stringify(walk(config));
}
