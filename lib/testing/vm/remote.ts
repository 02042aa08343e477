/**
 * Prepares a config for a VM boot: its remote sources (http, https and the cloud schemes) are
 * pointed at a local HTTP server that QEMU's user network makes reachable, with the real bytes
 * where the caller has them (checked against the config's hash) and otherwise stand-ins whose
 * hash is written into the config; the runner's ssh key is added to user `core`; spec 3.4.0 (and
 * 3.5.0 or 3.6.0 using nothing 3.4.0 lacks) is named as Debian's Ignition 2.14 knows it.
 */
import { createHash } from "node:crypto";
import { decodeDataUrl } from "../../ignition/encode";
import { checkHash, StubKind } from "../firstboot/prepare";
import { forDebianIgnition } from "../debian-ignition";

// URL schemes Ignition fetches over the network (coreos/ignition docs/configuration-v3_4.md,
// "source": http, https, tftp, s3, gs, and arn: from spec 3.4.0).
const REMOTE = /^(https?|s3|gs|tftp):\/\/|^arn:/;

// Debian's Ignition 2.14 knows spec 3.4.0 only by its pre-release name ("3.4.0-experimental");
// 3.5.0 and 3.6.0 configs that use nothing 3.4.0 lacks are read the same way (../debian-ignition.ts).
const PRERELEASE = "3.4.0-experimental";

/** One remote source the VM's HTTP server answered for. */
export interface ServedSource {
  /** Where in the config (the first-boot simulation's kinds: file, append, config merge or replace, CA). */
  readonly kind: StubKind;
  /** The file's path (files and appends). */
  readonly path?: string;
  /** The URL in the config. */
  readonly source: string;
  /** The URL the VM fetched instead, on the host's local server. */
  readonly servedAt: string;
  /**
   * `provided`: the caller's bytes, checked against the config's verification hash;
   * `stand-in`: a short text naming the URL, the config's hash rewritten to match it (and its
   * compression dropped).
   */
  readonly replacement: "provided" | "stand-in";
}

/** Bytes for remote URLs (URL -> contents). */
export type VmRemoteContents = Readonly<Record<string, string | Uint8Array>>;

/** The config to boot and what the local server must answer. */
export interface PreparedVmConfig {
  readonly text: string;
  /** Request path (`/r/0`) -> bytes. */
  readonly routes: ReadonlyMap<string, Uint8Array>;
  readonly served: readonly ServedSource[];
}

type Json = Record<string, unknown>;

/**
 * Rewrites `config` for a boot whose local server is at `baseUrl` (as the guest sees it, for
 * example `http://10.0.2.2:8080`). Throws when given bytes do not match the config's hash, or the
 * config is not JSON.
 */
export function prepareVmConfig(config: string, baseUrl: string, sshKey: string, provided: VmRemoteContents = {}): PreparedVmConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(config);
  } catch (e) {
    throw new Error(`the config is not JSON: ${(e as Error).message}`);
  }
  if (!isObject(parsed)) throw new Error("the config is not a JSON object");
  const routes = new Map<string, Buffer>();
  const served: ServedSource[] = [];
  const serve = (bytes: Buffer): string => {
    const path = `/r/${routes.size}`;
    routes.set(path, bytes);
    return `${baseUrl}${path}`;
  };
  const walk = (cfg: Json): void => {
    const d = forDebianIgnition(cfg);
    if (!d.ok) throw new Error(`cannot boot with Debian's Ignition 2.14: ${d.reason}`);
    if (d.from && isObject(cfg.ignition)) cfg.ignition.version = PRERELEASE;
    const visit = (res: unknown, kind: StubKind, path: string | undefined, isConfig: boolean): void => {
      if (!isObject(res) || typeof res.source !== "string") return;
      const source = res.source;
      if (source.startsWith("data:")) {
        if (isConfig) res.source = childConfig(res, decodeDataUrl(source) ?? Buffer.alloc(0), (b) => `data:;base64,${b.toString("base64")}`);
        return;
      }
      if (!REMOTE.test(source)) return;
      delete res.httpHeaders;
      const given = provided[source];
      if (given !== undefined) {
        const bytes = Buffer.from(given);
        checkHash(res, bytes);
        const servedAt = isConfig ? childConfig(res, bytes, serve) : serve(bytes);
        res.source = servedAt;
        served.push({ kind, path, source, servedAt, replacement: "provided" });
        return;
      }
      const standIn = Buffer.from(isConfig ? JSON.stringify({ ignition: { version: "3.0.0" } }) : `stand-in for ${source}\n`);
      delete res.compression;
      if (isObject(res.verification) && typeof res.verification.hash === "string") {
        const algorithm = res.verification.hash.startsWith("sha256-") ? "sha256" : "sha512";
        res.verification.hash = `${algorithm}-${createHash(algorithm).update(standIn).digest("hex")}`;
      }
      const servedAt = serve(standIn);
      res.source = servedAt;
      served.push({ kind, path, source, servedAt, replacement: "stand-in" });
    };
    // A child config is walked like the parent; when that changes its bytes, its hash (already
    // checked against the original) is recomputed for what is served.
    const childConfig = (res: Json, bytes: Buffer, place: (b: Buffer) => string): string => {
      let child: unknown;
      try {
        child = res.compression === undefined ? JSON.parse(bytes.toString("utf8")) : undefined;
      } catch {
        child = undefined; // not JSON: left for Ignition to refuse
      }
      if (!isObject(child)) return place(bytes);
      const before = JSON.stringify(child);
      walk(child);
      const after = JSON.stringify(child);
      if (after === before) return place(bytes);
      const out = Buffer.from(after);
      if (isObject(res.verification) && typeof res.verification.hash === "string") {
        const algorithm = res.verification.hash.startsWith("sha256-") ? "sha256" : "sha512";
        res.verification.hash = `${algorithm}-${createHash(algorithm).update(out).digest("hex")}`;
      }
      return place(out);
    };
    const ign = isObject(cfg.ignition) ? cfg.ignition : {};
    const c = isObject(ign.config) ? ign.config : {};
    for (const m of asArray(c.merge)) visit(m, StubKind.CONFIG_MERGE, undefined, true);
    if (c.replace !== undefined) visit(c.replace, StubKind.CONFIG_REPLACE, undefined, true);
    const tls = isObject(ign.security) && isObject(ign.security.tls) ? ign.security.tls : {};
    for (const ca of asArray(tls.certificateAuthorities)) visit(ca, StubKind.CERTIFICATE_AUTHORITY, undefined, false);
    const storage = isObject(cfg.storage) ? cfg.storage : {};
    for (const f of asArray(storage.files)) {
      if (!isObject(f)) continue;
      const path = typeof f.path === "string" ? f.path : undefined;
      visit(f.contents, StubKind.FILE, path, false);
      for (const a of asArray(f.append)) visit(a, StubKind.APPEND, path, false);
    }
  };
  walk(parsed);
  addKey(parsed, sshKey);
  return { text: JSON.stringify(parsed), routes, served };
}

/** Adds the runner's key to user `core` (creating the entry when the config has none). */
function addKey(config: Json, key: string): void {
  const passwd = isObject(config.passwd) ? config.passwd : (config.passwd = {});
  const users = Array.isArray(passwd.users) ? passwd.users : (passwd.users = []);
  let core = users.find((u): u is Json => isObject(u) && u.name === "core");
  if (!core) {
    core = { name: "core" };
    users.push(core);
  }
  const keys = Array.isArray(core.sshAuthorizedKeys) ? core.sshAuthorizedKeys : [];
  core.sshAuthorizedKeys = [...keys, key];
}

/** The guest block devices (`/dev/vdb`, ...) a config names in disks, RAID, filesystems and LUKS, sorted. */
export function configDisks(config: string): string[] {
  const found = new Set<string>();
  for (const m of config.matchAll(/\/dev\/vd([b-z])\d*/g)) found.add(`/dev/vd${m[1]}`);
  return [...found].sort();
}

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
