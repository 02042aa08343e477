import { createHash } from "node:crypto";
import { type ApplyTimeValues, type Substitution, substituteApplyTime } from "./applytime";
import { decodeDataUrl } from "../../ignition/encode";
import { forDebianIgnition } from "../debian-ignition";

/**
 * Turns a config into what Debian's Ignition 2.14 can apply offline: spec 3.4.0 (and 3.5.0 or
 * 3.6.0 using nothing 3.4.0 lacks) renamed to 3.4.0's pre-release name, and (only when asked) apply-time values filled in and remote contents
 * replaced by inline data, each reported.
 */

// Debian's Ignition 2.14 knows spec 3.4.0 only by its pre-release name (`ignition-validate`
// accepts "3.4.0-experimental" and rejects "3.4.0"); 3.5.0 and 3.6.0 configs that use nothing
// 3.4.0 lacks are read the same way (lib/testing/debian-ignition.ts).
const PRERELEASE = "3.4.0-experimental";

// URL schemes Ignition fetches over the network (coreos/ignition docs/supported-platforms and
// configuration-v3_4.md: http, https, tftp, s3, gs, and arn: from spec 3.4.0).
const REMOTE = /^(https?|s3|gs|tftp):\/\/|^arn:/;

/** Where in the config a remote source was found. */
export enum StubKind {
  /** `storage.files[].contents` */
  FILE = "file",
  /** `storage.files[].append[]` */
  APPEND = "append",
  /** `ignition.config.merge[]` */
  CONFIG_MERGE = "config-merge",
  /** `ignition.config.replace` */
  CONFIG_REPLACE = "config-replace",
  /** `ignition.security.tls.certificateAuthorities[]` */
  CERTIFICATE_AUTHORITY = "certificate-authority",
}

/** One remote source the simulator replaced with inline data. */
export interface Stub {
  readonly kind: StubKind;
  /** The file's path for files and appends; undefined for configs and CAs. */
  readonly path?: string;
  /** The URL the node would have fetched. */
  readonly source: string;
  /**
   * `provided`: replaced by the bytes given in `remoteContents`, its hash still checked;
   * `placeholder`: replaced by a short text naming the URL, its hash and compression dropped.
   */
  readonly replacement: "provided" | "placeholder";
}

/** Bytes to serve for remote URLs when stubbing (URL -> contents). */
export type RemoteContents = Readonly<Record<string, string | Uint8Array>>;

export type Prepared =
  | {
      readonly ok: true;
      readonly text: string;
      readonly stubs: readonly Stub[];
      readonly remote: readonly string[];
      readonly substitutions: readonly Substitution[];
    }
  | { readonly ok: false; readonly error: string };

/** How to prepare a config. */
export interface PrepareOptions {
  /** Replace remote sources with inline data. @default false */
  readonly stubRemote?: boolean;
  /** Bytes for remote URLs. @default {} */
  readonly remoteContents?: RemoteContents;
  /** Fill in apply-time values (with these, or made-up ones). @default false */
  readonly substituteApplyTime?: boolean;
  /** Values for apply-time expressions; giving any implies `substituteApplyTime`. @default {} */
  readonly applyTimeValues?: ApplyTimeValues;
  /** A synthesized stack's locals, for `local.NAME` references; implies `substituteApplyTime`. @default {} */
  readonly terraformLocals?: Readonly<Record<string, unknown>>;
}

type Json = Record<string, unknown>;

/** Prepares a config for the run; `remote` lists the remote sources left in place. */
export function prepareConfig(config: string | object, options: PrepareOptions = {}): Prepared {
  const stubRemote = options.stubRemote ?? false;
  const remoteContents = options.remoteContents ?? {};
  let parsed: unknown;
  if (typeof config === "string") {
    try {
      parsed = JSON.parse(config);
    } catch {
      // Not JSON: hand it to Ignition as it is, so the error is Ignition's own.
      return { ok: true, text: config, stubs: [], remote: [], substitutions: [] };
    }
  } else {
    parsed = JSON.parse(JSON.stringify(config));
  }
  if (!isObject(parsed)) return { ok: true, text: JSON.stringify(parsed), stubs: [], remote: [], substitutions: [] };
  const substitutions =
    options.substituteApplyTime || options.applyTimeValues || options.terraformLocals
      ? substituteApplyTime(parsed, { values: options.applyTimeValues, locals: options.terraformLocals })
      : [];
  if (/[$#&]\{TfToken\[/.test(JSON.stringify(parsed))) {
    return {
      ok: false,
      error:
        "the config holds cdktf tokens (values known only at apply time); pass substituteApplyTime (or applyTimeValues) to fill them in, as terraform apply would",
    };
  }
  const ctx: Walk = { stubRemote, remoteContents, stubs: [], remote: [] };
  try {
    walkConfig(parsed, ctx);
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
  return { ok: true, text: JSON.stringify(parsed), stubs: ctx.stubs, remote: ctx.remote, substitutions };
}

interface Walk {
  readonly stubRemote: boolean;
  readonly remoteContents: RemoteContents;
  readonly stubs: Stub[];
  readonly remote: string[];
}

/** Renames the version and stubs remote sources in a config and, through them, its child configs. */
function walkConfig(config: Json, ctx: Walk): void {
  renameVersion(config);
  const visit = (res: unknown, kind: StubKind, path: string | undefined, isConfig: boolean): void => {
    if (!isObject(res) || typeof res.source !== "string") return;
    const source = res.source;
    if (source.startsWith("data:")) {
      if (isConfig) serveChildConfig(res, decodeData(source), ctx);
      return;
    }
    if (!REMOTE.test(source)) return;
    if (!ctx.stubRemote) {
      ctx.remote.push(source);
      return;
    }
    const given = ctx.remoteContents[source];
    if (given !== undefined) {
      checkHash(res, Buffer.from(given));
      ctx.stubs.push({ kind, path, source, replacement: "provided" });
      if (isConfig) serveChildConfig(res, Buffer.from(given), ctx);
      else res.source = dataUrl(Buffer.from(given));
      delete res.httpHeaders;
    } else {
      const placeholder = isConfig ? JSON.stringify({ ignition: { version: PRERELEASE } }) : `stub for ${source}\n`;
      res.source = dataUrl(Buffer.from(placeholder));
      delete res.verification;
      delete res.compression;
      delete res.httpHeaders;
      ctx.stubs.push({ kind, path, source, replacement: "placeholder" });
    }
  };
  const ign = isObject(config.ignition) ? config.ignition : {};
  const cfg = isObject(ign.config) ? ign.config : {};
  for (const m of asArray(cfg.merge)) visit(m, StubKind.CONFIG_MERGE, undefined, true);
  if (cfg.replace !== undefined) visit(cfg.replace, StubKind.CONFIG_REPLACE, undefined, true);
  const tls = isObject(ign.security) && isObject(ign.security.tls) ? ign.security.tls : {};
  for (const ca of asArray(tls.certificateAuthorities)) visit(ca, StubKind.CERTIFICATE_AUTHORITY, undefined, false);
  const storage = isObject(config.storage) ? config.storage : {};
  for (const f of asArray(storage.files)) {
    if (!isObject(f)) continue;
    const path = typeof f.path === "string" ? f.path : undefined;
    visit(f.contents, StubKind.FILE, path, false);
    for (const a of asArray(f.append)) visit(a, StubKind.APPEND, path, false);
  }
}

/** Checks given bytes against the source's verification hash, as the node would. @internal */
export function checkHash(res: Json, bytes: Buffer): void {
  const verification = isObject(res.verification) ? res.verification : undefined;
  const m = verification && typeof verification.hash === "string" ? /^(sha512|sha256)-([0-9a-f]+)$/.exec(verification.hash) : null;
  if (!m) return;
  const actual = createHash(m[1]).update(bytes).digest("hex");
  if (actual !== m[2]) {
    throw new Error(
      `the contents given for ${String(res.source)} do not match its verification hash (${m[1]} of the contents is ${actual}, the config expects ${m[2]})`,
    );
  }
}

/**
 * Serves a child config inline. Its own remote sources are stubbed and its version renamed like
 * the parent's; when that changes its bytes, its hash (already checked) is recomputed for them.
 */
function serveChildConfig(res: Json, bytes: Buffer, ctx: Walk): void {
  if (res.compression !== undefined) {
    res.source = dataUrl(bytes);
    return;
  }
  let child: unknown;
  try {
    child = JSON.parse(bytes.toString("utf8"));
  } catch {
    res.source = dataUrl(bytes); // not JSON: left for Ignition to refuse
    return;
  }
  if (!isObject(child)) {
    res.source = dataUrl(bytes);
    return;
  }
  const before = JSON.stringify(child);
  walkConfig(child, ctx);
  const after = JSON.stringify(child);
  const served = after === before ? bytes : Buffer.from(after);
  res.source = dataUrl(served);
  const verification = isObject(res.verification) ? res.verification : undefined;
  if (served !== bytes && verification && typeof verification.hash === "string") {
    const algorithm = verification.hash.startsWith("sha256-") ? "sha256" : "sha512";
    verification.hash = `${algorithm}-${createHash(algorithm).update(served).digest("hex")}`;
  }
}

function dataUrl(bytes: Buffer): string {
  return `data:;base64,${bytes.toString("base64")}`;
}

function decodeData(source: string): Buffer {
  return decodeDataUrl(source) ?? Buffer.alloc(0);
}

function renameVersion(config: Json): boolean {
  const d = forDebianIgnition(config);
  if (!d.ok) throw new Error(`cannot boot with Debian's Ignition 2.14: ${d.reason}`);
  if (!d.from) return false;
  (config.ignition as Json).version = PRERELEASE;
  return true;
}

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
