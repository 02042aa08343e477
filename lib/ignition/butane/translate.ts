/**
 * Butane in, typed Ignition out: a Butane config (YAML) for the variants the Ignition OSes here
 * read, `flatcar` 1.0.0-1.1.0 and `fcos` 1.x, turned into calls on the typed Ignition builder, so a
 * snippet obeys every check and clash rule a typed call does. What needs files at synth (`local`,
 * `trees`, `*_local`) or has no typed call yet is refused with the Butane field that holds it.
 *
 * Field names and meanings: coreos/butane docs/config-fcos-v1_5.md and docs/config-flatcar-v1_1.md
 * (snake_case keys mapped one to one onto Ignition's camelCase: base/v0_5/translate.go); the
 * Butane-to-Ignition spec table: coreos/butane docs/specs.md. Plain TypeScript, no cdktf.
 */
import { isMap, isScalar, isSeq, parseDocument, visit } from "yaml";
import { MicroOsError } from "../../core/errors";

/** Who owns a node (Butane `user` / `group`: `id` or `name`). */
interface Owner {
  readonly id?: number;
  readonly name?: string;
}
interface NodeOptions {
  readonly mode?: number;
  readonly overwrite?: boolean;
  readonly user?: Owner;
  readonly group?: Owner;
}
interface Remote {
  readonly source: string;
  readonly hash?: { readonly algorithm: "sha512" | "sha256"; readonly hex: string };
  readonly gzip?: boolean;
  readonly httpHeaders?: ReadonlyArray<{ readonly name: string; readonly value: string }>;
}

/**
 * The typed calls a Butane config turns into. IgnitionConfig has them all; named here so this
 * folder needs no import of the builder (no cycle: the builder's addButane() calls in here).
 */
export interface ButaneTarget {
  readonly version: string;
  /** The OS the config is for, when known: its name and the Butane variant it reads. */
  readonly variant?: { readonly name: string; readonly butane?: string };
  addFile(path: string, text: string, options?: NodeOptions): unknown;
  addRemoteFile(path: string, options: NodeOptions & Remote): unknown;
  appendToFile(path: string, content: { readonly text: string } | Remote): unknown;
  addDirectory(path: string, options?: NodeOptions): unknown;
  addLink(path: string, target: string, options?: Omit<NodeOptions, "mode"> & { readonly hard?: boolean }): unknown;
  addUnit(name: string, options?: { readonly contents?: string; readonly enabled?: boolean; readonly mask?: boolean }): unknown;
  addDropin(unitName: string, dropinName: string, contents: string): unknown;
  addUser(name: string, options?: Record<string, unknown>): unknown;
  addSshKeys(user: string, keys: readonly string[]): unknown;
  addGroup(name: string, options?: Record<string, unknown>): unknown;
  addKernelArguments(...args: string[]): unknown;
  removeKernelArguments(...args: string[]): unknown;
  addDisk(device: string, options?: Record<string, unknown>): unknown;
  // The level, format and LUKS options are checked by the typed calls (RaidLevel, FilesystemFormat).
  addRaid(name: string, options: never): unknown;
  addFilesystem(device: string, options: never): unknown;
  addLuks(name: string, options: never): unknown;
}

/**
 * The Ignition spec each accepted Butane version translates to (coreos/butane docs/specs.md,
 * "Butane specifications and Ignition specifications"). `fcos` 1.8.0 and `flatcar` 1.2.0 are
 * experimental there and not accepted.
 */
export const BUTANE_IGNITION_SPECS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  flatcar: { "1.0.0": "3.3.0", "1.1.0": "3.4.0" },
  fcos: { "1.0.0": "3.0.0", "1.1.0": "3.1.0", "1.2.0": "3.2.0", "1.3.0": "3.2.0", "1.4.0": "3.3.0", "1.5.0": "3.4.0", "1.6.0": "3.5.0", "1.7.0": "3.6.0" },
};

type Obj = Record<string, unknown>;

/** The fixes for fields that exist in Butane but are not taken here. */
const NOT_TAKEN: Readonly<Record<string, string>> = {
  "storage.trees": "`trees` copies a directory of the machine running Butane at transpile time; add each file with contents.inline, or with addFile()",
  "ignition.config": "use the typed calls mergeConfig() or replaceConfig()",
  "ignition.timeouts": "use the typed call setTimeouts()",
  "ignition.security": "use the typed call addCertificateAuthority()",
  "ignition.proxy": "use the typed call setProxy()",
  boot_device: "Butane's boot_device sugar (fcos) expands to disks, RAID and LUKS; declare those with the typed calls addDisk(), addRaid(), addLuks()",
  grub: "Butane's grub sugar (fcos) writes GRUB users into /boot; it has no typed call here",
  "systemd.quadlets": "write the quadlet file with storage.files (for example /etc/containers/systemd/<name>.container)",
};

function fail(at: string, field: string, problem: string, fix: string): never {
  throw new MicroOsError(at, `butane ${field}`, problem, fix);
}

function show(v: unknown): string {
  return typeof v === "string" ? JSON.stringify(v) : v === null ? "null" : Array.isArray(v) ? "a list" : typeof v === "object" ? "a mapping" : String(v);
}

/** Reads one mapping, refusing keys it does not know. */
class Reader {
  constructor(
    private readonly at: string,
    readonly field: string,
    private readonly obj: Obj,
    known: readonly string[],
  ) {
    for (const key of Object.keys(obj)) {
      if (known.includes(key)) continue;
      const path = field === "" ? key : `${field}.${key}`;
      const generic = path.replace(/\[\d+\]/g, "");
      const fix = NOT_TAKEN[generic];
      if (fix !== undefined) fail(at, path, "this Butane field is not supported here", fix);
      if (key.endsWith("_local") || key === "local") {
        fail(at, path, "reads a file of the machine running Butane at transpile time, which a synth here does not have", "put the content inline (inline: |, contents: |) instead");
      }
      fail(at, path, "is not a Butane field this library reads", `remove it, or check its spelling against coreos/butane docs (known here: ${known.join(", ")})`);
    }
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined && this.obj[key] !== null;
  }
  private path(key: string): string {
    return this.field === "" ? key : `${this.field}.${key}`;
  }
  str(key: string): string | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string") fail(this.at, this.path(key), `expected a string, got ${show(v)}`, "quote the value");
    return v;
  }
  need(key: string): string {
    const v = this.str(key);
    if (v === undefined) fail(this.at, this.path(key), "is missing", `give ${key}`);
    return v;
  }
  bool(key: string): boolean | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "boolean") fail(this.at, this.path(key), `expected true or false, got ${show(v)}`, "write true or false");
    return v;
  }
  int(key: string): number | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "number" || !Number.isInteger(v)) fail(this.at, this.path(key), `expected a whole number, got ${show(v)}`, "write a number (a mode in octal as 0644)");
    return v;
  }
  strings(key: string): string[] | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || v.some((s) => typeof s !== "string")) fail(this.at, this.path(key), `expected a list of strings, got ${show(v)}`, "give a YAML list of strings");
    return v as string[];
  }
  map(key: string, known: readonly string[]): Reader | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "object" || Array.isArray(v)) fail(this.at, this.path(key), `expected a mapping, got ${show(v)}`, "give key: value pairs");
    return new Reader(this.at, this.path(key), v as Obj, known);
  }
  list(key: string, known: readonly string[]): Reader[] {
    const v = this.obj[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) fail(this.at, this.path(key), `expected a list, got ${show(v)}`, "give a YAML list (- entries)");
    return v.map((item, i) => {
      const p = `${this.path(key)}[${i}]`;
      if (typeof item !== "object" || item === null || Array.isArray(item)) fail(this.at, p, `expected a mapping, got ${show(item)}`, "give key: value pairs");
      return new Reader(this.at, p, item as Obj, known);
    });
  }
}

/**
 * Parses YAML as Butane's reader (go-yaml v3) does where it matters: a plain integer with a leading
 * 0 is octal (go-yaml v3 resolve.go reads plain ints with strconv.ParseInt base 0), so `mode: 0644`
 * is 420 as in Butane's docs; the `yaml` package's YAML 1.2 core schema alone would read 644.
 * Duplicate keys are refused, as go-yaml v3 does.
 */
function parseYaml(at: string, text: string): Obj {
  if (typeof text !== "string") fail(at, "(document)", `expected the Butane YAML as a string, got ${show(text)}`, "pass the file's text, for example readFileSync(path, \"utf8\")");
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) fail(at, "(document)", `is not valid YAML: ${doc.errors[0].message.split("\n")[0]}`, "fix the YAML at the line named");
  visit(doc, {
    Scalar(_key, node) {
      const src = (node as { source?: unknown }).source;
      if (node.type === "PLAIN" && typeof src === "string" && /^[-+]?0[0-7]+$/.test(src)) node.value = parseInt(src, 8);
    },
  });
  const value = doc.toJS() as unknown;
  if (!isMap(doc.contents) || typeof value !== "object" || value === null) {
    fail(at, "(document)", `expected a mapping with variant and version, got ${isSeq(doc.contents) ? "a list" : isScalar(doc.contents) ? "a single value" : "nothing"}`, "start the config with `variant: flatcar` and `version: 1.0.0`");
  }
  return value as Obj;
}

function compareSpec(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

// `local` is left out on purpose: the Reader refuses it as a transpile-time file.
/**
 * Fields younger than Ignition 3.0.0, with the spec that added them (coreos/ignition
 * docs/migrating-configs.md: 3.1.0 added compression, http headers and filesystem mountOptions,
 * 3.2.0 shouldExist for users and groups, partition resize and LUKS, 3.3.0 kernelArguments; the
 * builder's FEATURE_SINCE in ../version.ts for 3.4.0 and 3.5.0: LUKS discard and openOptions, Tang
 * advertisements, cex). Butane refuses them in a version that translates to an older spec, and so
 * does this reader.
 */
const SINCE: ReadonlyArray<readonly [RegExp, string]> = [
  [/\.compression$/, "3.1.0"],
  [/\.http_headers$/, "3.1.0"],
  [/^storage\.filesystems\[\d+\]\.mount_options$/, "3.1.0"],
  [/^passwd\.(users|groups)\[\d+\]\.should_exist$/, "3.2.0"],
  [/^storage\.disks\[\d+\]\.partitions\[\d+\]\.resize$/, "3.2.0"],
  [/^storage\.luks$/, "3.2.0"],
  [/^kernel_arguments$/, "3.3.0"],
  [/^storage\.luks\[\d+\]\.(discard|open_options)$/, "3.4.0"],
  [/^storage\.luks\[\d+\]\.clevis\.tang\[\d+\]\.advertisement$/, "3.4.0"],
  [/^storage\.luks\[\d+\]\.cex$/, "3.5.0"],
];

function checkSince(at: string, root: unknown, spec: string, variant: string, version: string, path = ""): void {
  if (typeof root !== "object" || root === null) return;
  const entries: Array<[string, unknown]> = Array.isArray(root) ? root.map((v, i) => [`${path}[${i}]`, v]) : Object.entries(root).map(([k, v]) => [path === "" ? k : `${path}.${k}`, v]);
  for (const [p, v] of entries) {
    for (const [re, min] of SINCE) {
      if (re.test(p) && v !== undefined && v !== null && compareSpec(spec, min) < 0) {
        fail(at, p, `needs Ignition ${min}, but ${variant} ${version} translates to ${spec}`, `raise version to one that translates to ${min} or newer (coreos/butane docs/specs.md)`);
      }
    }
    checkSince(at, v, spec, variant, version, p);
  }
}

const RESOURCE_KEYS = ["source", "inline", "compression", "verification", "http_headers"] as const;

/** A Butane resource (contents, an append entry) as text or a remote resource. */
function resource(at: string, r: Reader): { readonly text: string } | Remote {
  const inline = r.str("inline");
  const source = r.str("source");
  if (inline !== undefined && source !== undefined) fail(at, r.field, "has both inline and source", "keep one of them");
  const compression = r.str("compression");
  if (compression !== undefined && compression !== "gzip") fail(at, `${r.field}.compression`, `${show(compression)} is not a compression Ignition reads`, "use gzip, or leave it out");
  const verification = r.map("verification", ["hash"]);
  const hashText = verification?.str("hash");
  const headers = r.list("http_headers", ["name", "value"]).map((h) => ({ name: h.need("name"), value: h.need("value") }));
  if (inline !== undefined) {
    // Butane's inline is the text itself; compression and hashes belong to fetched contents.
    if (compression !== undefined) fail(at, `${r.field}.compression`, "is given with inline contents", "drop compression: the inline text is written as it is");
    if (hashText !== undefined) fail(at, `${r.field}.verification`, "is given with inline contents", "drop verification: inline text needs no hash");
    if (headers.length > 0) fail(at, `${r.field}.http_headers`, "is given with inline contents", "drop http_headers");
    return { text: inline };
  }
  if (source === undefined) fail(at, `${r.field}.source`, "is missing", "give source (a URL) or inline (the text)");
  let hash: Remote["hash"];
  if (hashText !== undefined) {
    // Ignition's verification.hash: `<function>-<hex>`, sha512 or sha256 (coreos/ignition docs/configuration-v3_4.md).
    const m = /^(sha512|sha256)-(.*)$/.exec(hashText);
    if (!m) fail(at, `${r.field}.verification.hash`, `${show(hashText)} is not sha512-<hex> or sha256-<hex>`, "write the digest as sha512-<hex> (or sha256-<hex>)");
    hash = { algorithm: m[1] as "sha512" | "sha256", hex: m[2] };
  }
  return { source, ...(hash ? { hash } : {}), ...(compression === "gzip" ? { gzip: true } : {}), ...(headers.length > 0 ? { httpHeaders: headers } : {}) };
}

function owner(r: Reader | undefined): Owner | undefined {
  if (!r) return undefined;
  const id = r.int("id");
  const name = r.str("name");
  return { ...(id !== undefined ? { id } : {}), ...(name !== undefined ? { name } : {}) };
}

function nodeOptions(r: Reader, withMode: boolean): NodeOptions {
  const mode = withMode ? r.int("mode") : undefined;
  const overwrite = r.bool("overwrite");
  const user = owner(r.map("user", ["id", "name"]));
  const group = owner(r.map("group", ["id", "name"]));
  return { ...(mode !== undefined ? { mode } : {}), ...(overwrite !== undefined ? { overwrite } : {}), ...(user ? { user } : {}), ...(group ? { group } : {}) };
}

/**
 * Applies the Butane config `text` to `target` through its typed calls. `at` names the config in
 * errors. Refuses a variant other than flatcar and fcos, a version Butane does not define as
 * stable, and a config whose Ignition spec is newer than the one `target` renders.
 */
export function applyButane(target: ButaneTarget, text: string, at: string): void {
  const root = parseYaml(at, text);
  const top = new Reader(at, "", root, ["variant", "version", "storage", "systemd", "passwd", "kernel_arguments", "ignition"]);
  const variant = top.str("variant");
  const version = top.str("version");
  if (variant === undefined) fail(at, "variant", "is missing", "start the config with `variant: flatcar` (or fcos) and its `version`, as Butane requires");
  const specs = BUTANE_IGNITION_SPECS[variant];
  if (specs === undefined) {
    fail(at, "variant", `${show(variant)} is not a variant the Ignition OSes here read`, "use variant flatcar (Flatcar) or fcos (Fedora CoreOS)");
  }
  const reads = target.variant?.butane;
  if (reads !== undefined && reads !== variant) {
    fail(at, "variant", `${show(variant)} is not the Butane variant ${target.variant!.name} reads`, `write \`variant: ${reads}\` with a ${reads} version (${Object.keys(BUTANE_IGNITION_SPECS[reads] ?? {}).join(", ")})`);
  }
  if (version === undefined) fail(at, "version", "is missing", `give the ${variant} spec version, one of ${Object.keys(specs).join(", ")}`);
  const spec = specs[version];
  if (spec === undefined) fail(at, "version", `${show(version)} is not a stable ${variant} Butane version`, `use one of ${Object.keys(specs).join(", ")} (coreos/butane docs/specs.md)`);
  if (compareSpec(spec, target.version) > 0) {
    fail(at, "version", `${variant} ${version} translates to Ignition ${spec}, newer than the ${target.version} this config renders`, `use an older ${variant} version, or render the config at Ignition ${spec} or newer`);
  }
  checkSince(at, root, spec, variant, version);
  // `ignition:` is taken only empty: its parts have typed calls (NOT_TAKEN names them).
  top.map("ignition", []);

  const storage = top.map("storage", ["files", "directories", "links", "disks", "raid", "filesystems", "luks"]);
  if (storage) applyStorage(at, target, storage);
  const systemd = top.map("systemd", ["units"]);
  if (systemd) applySystemd(at, target, systemd);
  const passwd = top.map("passwd", ["users", "groups"]);
  if (passwd) applyPasswd(target, passwd);
  const kargs = top.map("kernel_arguments", ["should_exist", "should_not_exist"]);
  if (kargs) {
    const add = kargs.strings("should_exist") ?? [];
    const remove = kargs.strings("should_not_exist") ?? [];
    if (add.length > 0) target.addKernelArguments(...add);
    if (remove.length > 0) target.removeKernelArguments(...remove);
  }
}

function applyStorage(at: string, target: ButaneTarget, storage: Reader): void {
  for (const f of storage.list("directories", ["path", "overwrite", "mode", "user", "group"])) {
    target.addDirectory(f.need("path"), nodeOptions(f, true));
  }
  for (const f of storage.list("files", ["path", "overwrite", "contents", "append", "mode", "user", "group"])) {
    const path = f.need("path");
    const options = nodeOptions(f, true);
    const contents = f.map("contents", RESOURCE_KEYS);
    const appends = f.list("append", RESOURCE_KEYS).map((a) => resource(at, a));
    const declared = contents !== undefined || Object.keys(options).length > 0 || appends.length === 0;
    if (declared) {
      const c = contents ? resource(at, contents) : { text: "" };
      if ("text" in c) target.addFile(path, c.text, options);
      else target.addRemoteFile(path, { ...options, ...c });
    }
    for (const a of appends) target.appendToFile(path, a);
  }
  for (const l of storage.list("links", ["path", "target", "hard", "overwrite", "user", "group"])) {
    const hard = l.bool("hard");
    target.addLink(l.need("path"), l.need("target"), { ...nodeOptions(l, false), ...(hard !== undefined ? { hard } : {}) });
  }
  applyDevices(at, target, storage);
}

const PARTITION_FIELDS: ReadonlyArray<readonly [string, string, "str" | "int" | "bool" | "strings"]> = [
  ["number", "number", "int"],
  ["label", "label", "str"],
  ["size_mib", "sizeMiB", "int"],
  ["start_mib", "startMiB", "int"],
  ["type_guid", "typeGuid", "str"],
  ["guid", "guid", "str"],
  ["wipe_partition_entry", "wipePartitionEntry", "bool"],
  ["should_exist", "shouldExist", "bool"],
  ["resize", "resize", "bool"],
];
const FILESYSTEM_FIELDS: ReadonlyArray<readonly [string, string, "str" | "int" | "bool" | "strings"]> = [
  ["format", "format", "str"],
  ["path", "path", "str"],
  ["label", "label", "str"],
  ["uuid", "uuid", "str"],
  ["wipe_filesystem", "wipeFilesystem", "bool"],
  ["options", "options", "strings"],
  ["mount_options", "mountOptions", "strings"],
];
const LUKS_FIELDS: ReadonlyArray<readonly [string, string, "str" | "int" | "bool" | "strings"]> = [
  ["device", "device", "str"],
  ["label", "label", "str"],
  ["uuid", "uuid", "str"],
  ["options", "options", "strings"],
  ["wipe_volume", "wipeVolume", "bool"],
  ["discard", "discard", "bool"],
  ["open_options", "openOptions", "strings"],
];

/**
 * Disks, RAID arrays, filesystems and LUKS volumes, one typed call each, the fields carried over
 * by name (coreos/butane base/v0_6/schema.go Disk, Partition, Raid, Filesystem, Luks, Clevis, Tang,
 * Cex; base/v0_6/translate.go copies them to Ignition's fields). Butane's `with_mount_unit` sugar
 * (a generated systemd mount or swap unit) is refused: its unit text is Butane's own.
 */
function applyDevices(at: string, target: ButaneTarget, storage: Reader): void {
  for (const d of storage.list("disks", ["device", "wipe_table", "partitions"])) {
    const partitions = d.list("partitions", PARTITION_FIELDS.map((f) => f[0])).map((p) => fields(p, PARTITION_FIELDS));
    const wipeTable = d.bool("wipe_table");
    target.addDisk(d.need("device"), { ...(wipeTable !== undefined ? { wipeTable } : {}), ...(partitions.length > 0 ? { partitions } : {}) });
  }
  for (const r of storage.list("raid", ["name", "level", "devices", "spares", "options"])) {
    const spares = r.int("spares");
    const options = r.strings("options");
    const raid = { level: r.need("level"), devices: r.strings("devices") ?? [], ...(spares !== undefined ? { spares } : {}), ...(options ? { options } : {}) };
    target.addRaid(r.need("name"), raid as never);
  }
  for (const f of storage.list("filesystems", ["device", ...FILESYSTEM_FIELDS.map((x) => x[0]), "with_mount_unit"])) {
    if (f.bool("with_mount_unit") === true) {
      fail(at, `${f.field}.with_mount_unit`, "Butane's sugar for a generated systemd mount (or swap) unit is not supported here", "set with_mount_unit: false and declare the unit under systemd.units (a .mount unit with What= and Where=, or a .swap unit), or with addUnit()");
    }
    if (!f.has("format")) fail(at, `${f.field}.format`, "is missing", "give the filesystem's format (ext4, xfs, btrfs, vfat, swap, or none)");
    target.addFilesystem(f.need("device"), fields(f, FILESYSTEM_FIELDS) as never);
  }
  for (const l of storage.list("luks", ["name", ...LUKS_FIELDS.map((x) => x[0]), "key_file", "clevis", "cex"])) {
    const options: Record<string, unknown> = fields(l, LUKS_FIELDS);
    if (!l.has("device")) fail(at, `${l.field}.device`, "is missing", "give the device the volume is created on");
    const keyFile = l.map("key_file", RESOURCE_KEYS);
    if (keyFile) options.keyFile = resource(at, keyFile);
    const clevis = l.map("clevis", ["tpm2", "tang", "threshold", "custom"]);
    if (clevis) {
      const tang = clevis.list("tang", ["url", "thumbprint", "advertisement"]).map((t) => fields(t, [["url", "url", "str"], ["thumbprint", "thumbprint", "str"], ["advertisement", "advertisement", "str"]]));
      const custom = clevis.map("custom", ["pin", "config", "needs_network"]);
      options.clevis = {
        ...fields(clevis, [["tpm2", "tpm2", "bool"], ["threshold", "threshold", "int"]]),
        ...(tang.length > 0 ? { tang } : {}),
        ...(custom ? { custom: fields(custom, [["pin", "pin", "str"], ["config", "config", "str"], ["needs_network", "needsNetwork", "bool"]]) } : {}),
      };
    }
    const cex = l.map("cex", ["enabled"])?.bool("enabled");
    if (cex !== undefined) options.cex = cex;
    target.addLuks(l.need("name"), options as never);
  }
}

function applySystemd(at: string, target: ButaneTarget, systemd: Reader): void {
  for (const u of systemd.list("units", ["name", "enabled", "mask", "contents", "dropins"])) {
    const name = u.need("name");
    const contents = u.str("contents");
    const enabled = u.bool("enabled");
    const mask = u.bool("mask");
    // A unit named only for its dropins is not declared (Ignition keeps the image's unit file).
    if (contents !== undefined || enabled !== undefined || mask !== undefined) {
      target.addUnit(name, { ...(contents !== undefined ? { contents } : {}), ...(enabled !== undefined ? { enabled } : {}), ...(mask !== undefined ? { mask } : {}) });
    }
    for (const d of u.list("dropins", ["name", "contents"])) {
      const dropin = d.need("name");
      target.addDropin(name, dropin, d.str("contents") ?? "");
    }
    if (contents === undefined && enabled === undefined && mask === undefined && !u.has("dropins")) {
      fail(at, u.field, `names unit ${name} but sets nothing`, "give contents, enabled, mask or dropins, or remove the entry");
    }
  }
}

const USER_FIELDS: ReadonlyArray<readonly [string, string, "str" | "int" | "bool" | "strings"]> = [
  ["password_hash", "passwordHash", "str"],
  ["uid", "uid", "int"],
  ["gecos", "gecos", "str"],
  ["home_dir", "homeDir", "str"],
  ["no_create_home", "noCreateHome", "bool"],
  ["primary_group", "primaryGroup", "str"],
  ["groups", "groups", "strings"],
  ["no_user_group", "noUserGroup", "bool"],
  ["no_log_init", "noLogInit", "bool"],
  ["shell", "shell", "str"],
  ["system", "system", "bool"],
  ["should_exist", "shouldExist", "bool"],
];
const GROUP_FIELDS: ReadonlyArray<readonly [string, string, "str" | "int" | "bool"]> = [
  ["gid", "gid", "int"],
  ["password_hash", "passwordHash", "str"],
  ["system", "system", "bool"],
  ["should_exist", "shouldExist", "bool"],
];

function fields(r: Reader, table: ReadonlyArray<readonly [string, string, "str" | "int" | "bool" | "strings"]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [butane, typed, kind] of table) {
    const v = kind === "str" ? r.str(butane) : kind === "int" ? r.int(butane) : kind === "bool" ? r.bool(butane) : r.strings(butane);
    if (v !== undefined) out[typed] = v;
  }
  return out;
}

function applyPasswd(target: ButaneTarget, passwd: Reader): void {
  for (const g of passwd.list("groups", ["name", ...GROUP_FIELDS.map((f) => f[0])])) target.addGroup(g.need("name"), fields(g, GROUP_FIELDS));
  for (const u of passwd.list("users", ["name", "ssh_authorized_keys", ...USER_FIELDS.map((f) => f[0])])) {
    const name = u.need("name");
    const keys = u.strings("ssh_authorized_keys") ?? [];
    const options = fields(u, USER_FIELDS);
    if (Object.keys(options).length === 0 && keys.length > 0) {
      // Keys alone configure an existing user (Butane's docs: "modifies the existing core user"):
      // they combine with keys other parts give the same user, as typed addSshKeys() calls do.
      target.addSshKeys(name, keys);
    } else {
      target.addUser(name, { ...options, ...(keys.length > 0 ? { sshAuthorizedKeys: keys } : {}) });
    }
  }
}
