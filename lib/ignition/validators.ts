/**
 * The checks an Ignition config must pass, as the format's validators: the official JSON schema
 * of its spec version, the library's semantic rules, and Debian's `ignition-validate` where it is
 * installed. Plain TypeScript, no cdktf; ajv loads at the first check.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { accessSync, appendFileSync, constants, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import type { ValidateFunction } from "ajv-draft-04";
import type { ConfigValidator } from "../core/format-parts";
import { forDebianIgnition } from "./debian-ignition";
import { validateIgnitionSpec } from "./validate";

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
    // are JSON Schema draft-04, which Ajv 8 reads only through ajv-draft-04. Loaded at the first
    // check, not when the package is imported.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Ajv = (require("ajv-draft-04") as typeof import("ajv-draft-04")).default;
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

/** How to get ignition-validate. */
export const IGNITION_VALIDATE_INSTALL = "apt-get install -y ignition (Debian/Ubuntu), or set IGNITION_VALIDATE to the binary";

/**
 * Runs ignition-validate on a config. Debian's ignition 2.14 predates the release of spec 3.4.0
 * and knows it only by its pre-release name, so a config saying "3.4.0" is checked as
 * "3.4.0-experimental" (it rejects "3.4.0" outright). Fields that came with the 3.4.0 release
 * after 2.14 (luks discard and openOptions) then show up as "Unused key" warnings, not errors.
 * A 3.5.0 or 3.6.0 config is checked the same way when it uses nothing 3.4.0 lacks
 * (./debian-ignition.ts); otherwise the result says it cannot be checked here.
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

// Fields the 3.4.0 release added after Debian's ignition 2.14 froze its 3.4.0-experimental types
// (coreos/ignition docs/migrating-configs.md, "From Version 3.3.0 to 3.4.0": LUKS discard and
// open options, the Tang advertisement); 2.14 reports them as unused keys.
const KNOWN_34_GAPS = /Unused key (discard|openOptions|advertisement)$/;

function parsed(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// The format's validators

/** The official JSON schema of the config's spec version. */
export const IGNITION_SCHEMA_VALIDATOR: ConfigValidator = { name: "schema", check: (text) => validateWithSchema(text) };

/** The library's semantic rules (lib/ignition/validate.ts); a config that is not JSON is the schema's to report. */
export const IGNITION_SEMANTIC_VALIDATOR: ConfigValidator = {
  name: "semantic checks",
  prefix: "semantic",
  check: (text) => {
    const config = parsed(text);
    return config === undefined ? [] : validateIgnitionSpec(config);
  },
};

/** Debian's ignition-validate, where it is installed; its warnings count unless allowed. */
export const IGNITION_VALIDATE_VALIDATOR: ConfigValidator = {
  name: "ignition-validate",
  unavailable: () => (locateIgnitionValidate() === undefined ? `ignition-validate not found (${IGNITION_VALIDATE_INSTALL})` : undefined),
  check: (text, options) => {
    // A config that is not JSON is the schema's to report.
    if (parsed(text) === undefined) return [];
    const r = runIgnitionValidate(text);
    if (!r.ok) return [r.output.trim()];
    if (options.allowWarnings) return [];
    const is34 = ["3.4.0", "3.5.0", "3.6.0"].includes((parsed(text) as { ignition?: { version?: unknown } } | undefined)?.ignition?.version as string);
    return r.warnings.filter((w) => !(is34 && KNOWN_34_GAPS.test(w)));
  },
};
