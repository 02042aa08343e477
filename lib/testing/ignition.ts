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
import { deferredMarkers, gzipBytes } from "../core/deferred";
import {
  IGNITION_SCHEMA_VALIDATOR,
  IGNITION_SEMANTIC_VALIDATOR,
  IGNITION_VALIDATE_INSTALL,
  IGNITION_VALIDATE_VALIDATOR,
  locateIgnitionValidate,
} from "../ignition/validators";

export { locateIgnitionValidate, runIgnitionValidate, validateWithSchema, type IgnitionValidateResult } from "../ignition/validators";

/** An external program a test needs (the shape test/helpers/external.ts `need()` takes). */
export type { ExternalTool } from "./external";
import type { ExternalTool } from "./external";

/** ignition-validate as a tool for `need(ctx, ignitionValidateTool())`. */
export function ignitionValidateTool(): ExternalTool {
  return { name: "ignition-validate", location: locateIgnitionValidate(), install: IGNITION_VALIDATE_INSTALL };
}

// ---------------------------------------------------------------------------------------------
// All three

/** Options for {@link checkIgnition}. */
export interface CheckIgnitionOptions {
  /** Run ignition-validate too (it must be installed). @default true */
  readonly ignitionValidate?: boolean;
  /** Accept ignition-validate warnings (an http proxy for https, a unit enabled without [Install]). @default false */
  readonly allowWarnings?: boolean;
}

/**
 * Checks a rendered config (without apply-time values; see {@link substituteDeferred}) with the
 * JSON schema, our semantic checks and ignition-validate (the Ignition format's validators).
 * Returns every problem, each prefixed by the checker that found it; empty when all three accept
 * the config.
 */
export function checkIgnition(json: string, options: CheckIgnitionOptions = {}): string[] {
  const validators = [IGNITION_SCHEMA_VALIDATOR, IGNITION_SEMANTIC_VALIDATOR, ...(options.ignitionValidate ?? true ? [IGNITION_VALIDATE_VALIDATOR] : [])];
  return validators.flatMap((v) => v.check(json, { allowWarnings: options.allowWarnings }).map((p) => `${v.prefix ?? v.name}: ${p}`));
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
