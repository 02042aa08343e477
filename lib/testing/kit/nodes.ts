/**
 * Finds every node of a synthesized stack and decodes the provisioning config it boots with,
 * whichever way the platform delivered it. Plain JSON in, no cdktf.
 */
import { createHash } from "node:crypto";
import { parse as parseYaml } from "yaml";
import { resolveApplyTimeReport, type ApplyTimeValues, type Substitution } from "../firstboot/applytime";
import { decodeDataUrl } from "../../ignition/encode";
import { decodeK3osContent } from "../../k3os/decode";

/** Which config language a node reads. */
export enum NodeConfigKind {
  /** Flatcar Container Linux: an Ignition config (JSON). */
  IGNITION = "ignition",
  /** k3OS: a config.yaml. */
  K3OS = "k3os",
}

/** How a node's config reaches it. */
export enum NodeDeliveryKind {
  /** EC2 instance `user_data`, the config as text. */
  USER_DATA = "user-data",
  /** A launch template's `user_data`, base64 (one config for every machine of an AWS pool). */
  LAUNCH_TEMPLATE = "launch-template",
  /** User data holds an Ignition stub whose `ignition.config.replace` names an `aws_s3_object`. */
  S3_OFFLOAD = "s3-offload",
  /** A `libvirt_ignition` file, uploaded into a volume the domain reads through a fw_cfg entry. */
  LIBVIRT_IGNITION = "libvirt-ignition",
  /** A `libvirt_cloudinit_disk` (config ISO) whose `user_data` the node reads. */
  CONFIG_ISO = "config-iso",
}

/** Where a node's config was found. */
export interface NodeDelivery {
  readonly kind: NodeDeliveryKind;
  /** Terraform address of the resource that carries the config (or the stub), for example `aws_instance.<key>`. */
  readonly resource: string;
  /** For {@link NodeDeliveryKind.S3_OFFLOAD}: address of the `aws_s3_object` holding the full config. */
  readonly object?: string;
  /** For {@link NodeDeliveryKind.S3_OFFLOAD}: the URL the stub fetches, apply-time parts as placeholders. */
  readonly url?: string;
}

/** A file the config writes, contents decoded. */
export interface NodeFile {
  readonly path: string;
  /**
   * The file's text (data URL or k3OS encoding decoded, gunzipped), apply-time values as
   * placeholders; undefined when it comes from a remote source or is not UTF-8 text.
   */
  readonly contents?: string;
  /** The remote URL it is fetched from, when not inline. */
  readonly source?: string;
  /** Permission bits, for example `0o644`; undefined when the config leaves the default. */
  readonly mode?: number;
  readonly overwrite?: boolean;
  /** Owner's name or id, when the config sets one. */
  readonly user?: string;
  readonly group?: string;
  /** Texts appended to the file (Ignition `append`), decoded like `contents`. */
  readonly appended: readonly string[];
}

/** A systemd unit the config writes or enables (Ignition only). */
export interface NodeUnit {
  readonly name: string;
  /**
   * True when systemd enables it at first boot: `enabled: true` in `systemd.units`, or a link
   * under `/etc/systemd/system/<target>.wants/` (how a sysext's unit is enabled).
   */
  readonly enabled: boolean;
  readonly mask: boolean;
  readonly contents?: string;
  /** Dropins by name. */
  readonly dropins: Readonly<Record<string, string>>;
}

/** A user the config configures. */
export interface NodeUser {
  readonly name: string;
  readonly sshAuthorizedKeys: readonly string[];
  readonly groups: readonly string[];
}

/** The placeholder a node's decoded config shows for a value known only at apply time. */
export function applyTimePlaceholder(expression: string): string {
  return `<apply-time: ${expression}>`;
}

// k3OS puts `ssh_authorized_keys` on the `rancher` user (rancher/k3os README, "Configuration Reference").
const K3OS_USER = "rancher";
// systemd units enabled by a link in a target's wants directory (systemd.unit(5), "[Install]").
const WANTS_LINK = /^\/etc\/systemd\/system\/[^/]+\.(wants|requires)\/([^/]+)$/;

/**
 * One node's provisioning config, decoded. On AWS a worker pool is one node named after the pool
 * (`name` is the pool, `pool` is set): its machines all boot the launch template's one config.
 */
export class NodeConfig {
  /** Node name (`demo-general-0`), or the pool name for an AWS pool's launch template. */
  public readonly name: string;
  /** Set when this entry stands for a whole AWS pool (one launch template). */
  public readonly pool?: string;
  public readonly kind: NodeConfigKind;
  public readonly delivery: NodeDelivery;
  /** The config as the node reads it, apply-time values shown as `<apply-time: EXPR>` (text, JSON or YAML). */
  public readonly text: string;
  /** The Ignition config (Flatcar), apply-time values as placeholders; data URLs re-encoded with them. */
  public readonly ignition?: Readonly<Record<string, unknown>>;
  /** The k3OS config object, apply-time values as placeholders. */
  public readonly k3os?: Readonly<Record<string, unknown>>;
  /** Terraform expressions the config holds that are known only at apply time, sorted. */
  public readonly applyTime: readonly string[];
  public readonly files: readonly NodeFile[];
  public readonly units: readonly NodeUnit[];
  public readonly users: readonly NodeUser[];
  /** @internal what validators and the first-boot simulator read: made-up values filled in. */
  public readonly _resolved: { readonly text: string; readonly stub?: string };
  /** @internal how to boot it: the delivered text and what Terraform would fill in. */
  public readonly _boot: BootInput;

  /** @internal */
  constructor(parts: {
    name: string;
    pool?: string;
    kind: NodeConfigKind;
    delivery: NodeDelivery;
    text: string;
    config: Record<string, unknown>;
    applyTime: string[];
    resolved: { text: string; stub?: string };
    boot: BootInput;
  }) {
    this.name = parts.name;
    this.pool = parts.pool;
    this.kind = parts.kind;
    this.delivery = parts.delivery;
    this.text = parts.text;
    this.applyTime = parts.applyTime;
    this._resolved = parts.resolved;
    this._boot = parts.boot;
    if (parts.kind === NodeConfigKind.IGNITION) {
      this.ignition = parts.config;
      this.files = ignitionFiles(parts.config);
      this.units = ignitionUnits(parts.config, this.files);
      this.users = ignitionUsers(parts.config);
    } else {
      this.k3os = parts.config;
      this.files = k3osFiles(parts.config);
      this.units = [];
      const keys = Array.isArray(parts.config.ssh_authorized_keys) ? parts.config.ssh_authorized_keys.map(String) : [];
      this.users = [{ name: K3OS_USER, sshAuthorizedKeys: keys, groups: [] }];
    }
  }

  /** The file at `path` (the last entry, as Ignition applies them), or undefined. */
  public file(path: string): NodeFile | undefined {
    return [...this.files].reverse().find((f) => f.path === path);
  }

  /** The unit called `name`, or undefined. */
  public unit(name: string): NodeUnit | undefined {
    return this.units.find((u) => u.name === name);
  }

  /** The user called `name`, or undefined. */
  public user(name: string): NodeUser | undefined {
    return this.users.find((u) => u.name === name);
  }

  /**
   * The k3OS config value at a dotted path (`k3os.token`, `k3os.k3s_args`, `write_files.0.path`),
   * or undefined (also for Ignition nodes).
   */
  public k3osValue(path: string): unknown {
    return lookupPath(this.k3os, path).value;
  }

  /** A one-line description for messages: `node demo-general-0 (aws_instance.x, user-data)`. */
  public describe(): string {
    return `${this.pool !== undefined ? "pool" : "node"} ${this.name} (${this.delivery.resource}, ${this.delivery.kind})`;
  }
}

/** @internal What the first-boot simulator needs to apply a node's config as Terraform would deliver it. */
export interface BootInput {
  /** The delivered text (stub or full config), Terraform expressions intact. */
  readonly text: string;
  /** The stack's locals. */
  readonly locals: Readonly<Record<string, unknown>>;
  /** Values for expressions the kit fixes (S3 bucket names, so stub and object agree). */
  readonly values: ApplyTimeValues;
  /** S3 objects by URL (expressions intact) -> content (expressions intact). */
  readonly objects: Readonly<Record<string, string>>;
}

/** Looks a dotted path up in an object; `found` is false when a step is missing. */
export function lookupPath(root: unknown, path: string): { found: boolean; value: unknown; missingAt?: string } {
  let cur: unknown = root;
  const parts = path.split(".").filter((p) => p !== "");
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (Array.isArray(cur) && /^\d+$/.test(p) && Number(p) < cur.length) cur = cur[Number(p)];
    else if (typeof cur === "object" && cur !== null && !Array.isArray(cur) && p in cur) cur = (cur as Record<string, unknown>)[p];
    else return { found: false, value: undefined, missingAt: parts.slice(0, i + 1).join(".") };
  }
  return { found: true, value: cur };
}

// ---------------------------------------------------------------------------------------------
// Finding nodes in the stack

type Json = Record<string, unknown>;

interface Stack {
  readonly resource?: Record<string, Record<string, Json>>;
  readonly locals?: Record<string, unknown>;
  readonly output?: Record<string, { readonly value?: unknown }>;
}

/** Where the cluster says a node's config is (its `nodes` output: `config = { format, resource, attribute, encoding }`). */
interface ConfigRecord {
  readonly node: string;
  readonly pool?: string;
  readonly format: string;
  readonly resource: string;
  readonly attribute: string;
  readonly encoding: string;
}

/** The clusters' records of where each node's config is, from their `nodes` outputs. */
function configRecords(stack: Stack): ConfigRecord[] {
  const records: ConfigRecord[] = [];
  for (const output of Object.values(stack.output ?? {})) {
    if (!isObject(output.value)) continue;
    for (const [node, entry] of Object.entries(output.value)) {
      if (!isObject(entry)) continue;
      const config = entry.config;
      if (!isObject(config) || typeof config.format !== "string" || typeof config.resource !== "string" || typeof config.attribute !== "string") continue;
      records.push({ node, pool: typeof entry.pool === "string" ? entry.pool : undefined, format: config.format, resource: config.resource, attribute: config.attribute, encoding: String(config.encoding ?? "text") });
    }
  }
  return records;
}

/** Options for {@link findNodes}. */
export interface FindNodesOptions {
  /** Values for apply-time expressions (`var.token`, `random_password.x.result`). @default - realistic made-up values */
  readonly values?: ApplyTimeValues;
}

/** Every node of a synthesized stack (parsed Terraform JSON), sorted by name. */
export function findNodes(json: Readonly<Record<string, unknown>>, options: FindNodesOptions = {}): NodeConfig[] {
  const stack = json as Stack;
  const resources = stack.resource ?? {};
  const locals = stack.locals ?? {};
  // The stub names the bucket by `.bucket`, the object by `.id`: both are the bucket's name, so
  // they get one value and a stub finds its object.
  const values: Record<string, string> = { ...options.values };
  for (const key of Object.keys(resources.aws_s3_bucket ?? {})) {
    const v = `applytime-bucket-${createHash("sha256").update(key).digest("hex").slice(0, 10)}`;
    values[`aws_s3_bucket.${key}.id`] = v;
    values[`aws_s3_bucket.${key}.bucket`] = v;
  }
  const objects: Record<string, { address: string; content: string }> = {};
  for (const [key, o] of Object.entries(resources.aws_s3_object ?? {})) {
    if (typeof o.content !== "string") continue;
    objects[`s3://${String(o.bucket)}/${String(o.key)}`] = { address: `aws_s3_object.${key}`, content: o.content };
  }
  const ctx: Ctx = { locals, values, objects };
  const records = configRecords(stack);
  if (records.length) return nodesFromRecords(ctx, resources, records);
  // A stack without a cluster's records (hand-built machines): found by resource type.
  const nodes: NodeConfig[] = [];

  for (const [key, r] of Object.entries(resources.aws_instance ?? {})) {
    const tags = (r.tags ?? {}) as Record<string, string>;
    const name = tags["microos/node"] ?? tags.Name ?? key;
    const userData = typeof r.user_data === "string" ? r.user_data : typeof r.user_data_base64 === "string" ? r.user_data_base64 : undefined;
    if (userData === undefined) continue;
    const node = decode(ctx, { name, resource: `aws_instance.${key}`, kind: NodeDeliveryKind.USER_DATA, text: userData, base64: r.user_data === undefined });
    if (node) nodes.push(node);
  }
  for (const [key, r] of Object.entries(resources.aws_launch_template ?? {})) {
    if (typeof r.user_data !== "string") continue;
    const tags = (r.tags ?? {}) as Record<string, string>;
    const pool = tags["microos/pool"] ?? key;
    const node = decode(ctx, { name: pool, pool, resource: `aws_launch_template.${key}`, kind: NodeDeliveryKind.LAUNCH_TEMPLATE, text: r.user_data, base64: true });
    if (node) nodes.push(node);
  }
  // libvirt (provider 0.9): the domain reads an uploaded volume (a fw_cfg entry's `file`, or a
  // CD-ROM), whose `create.content.url` is the `path` of the file a `libvirt_ignition` or
  // `libvirt_cloudinit_disk` wrote.
  const volumes = resources.libvirt_volume ?? {};
  const uploaded = (ref: unknown): { type: string; key: string } | undefined => {
    const volume = /^\$\{libvirt_volume\.([^.]+)\.(?:path|name)\}$/.exec(String(ref ?? ""));
    const url = volume ? (volumes[volume[1]]?.create as { content?: { url?: unknown } } | undefined)?.content?.url : undefined;
    const file = /^\$\{(libvirt_ignition|libvirt_cloudinit_disk)\.([^.]+)\.path\}$/.exec(String(url ?? ""));
    return file ? { type: file[1], key: file[2] } : undefined;
  };
  for (const [key, d] of Object.entries(resources.libvirt_domain ?? {})) {
    const name = typeof d.name === "string" ? d.name : key;
    const entries = ((d.sys_info ?? []) as Array<{ fw_cfg?: { entry?: Array<{ file?: unknown }> } }>).flatMap((i) => i.fw_cfg?.entry ?? []);
    const disks = (((d.devices as { disks?: unknown } | undefined)?.disks ?? []) as Array<{ device?: unknown; source?: { volume?: { volume?: unknown } } }>).filter((k) => k.device === "cdrom");
    const found = [...entries.map((e) => uploaded(e.file)), ...disks.map((k) => uploaded(k.source?.volume?.volume))].find((f) => f !== undefined);
    const text = found ? resources[found.type]?.[found.key]?.[found.type === "libvirt_ignition" ? "content" : "user_data"] : undefined;
    if (!found || typeof text !== "string") continue;
    const node = decode(ctx, { name, resource: `${found.type}.${found.key}`, kind: deliveryKindOf(found.type), text, base64: false });
    if (node) nodes.push(node);
  }
  return nodes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Nodes as their clusters recorded them: each config read from the resource and attribute the
 * platform named, decoded as the OS's format says. Nodes that share one resource (an AWS pool's
 * launch template) are one entry named after their pool.
 */
function nodesFromRecords(ctx: Ctx, resources: Record<string, Record<string, Json>>, records: readonly ConfigRecord[]): NodeConfig[] {
  const byResource = new Map<string, ConfigRecord[]>();
  for (const r of records) byResource.set(r.resource, [...(byResource.get(r.resource) ?? []), r]);
  const nodes: NodeConfig[] = [];
  for (const [address, group] of byResource) {
    const [type, key] = [address.slice(0, address.indexOf(".")), address.slice(address.indexOf(".") + 1)];
    const first = group[0];
    const text = resources[type]?.[key]?.[first.attribute];
    if (typeof text !== "string") continue;
    const shared = group.length > 1;
    const name = shared ? (first.pool ?? first.node) : first.node;
    const node = decode(ctx, { name, pool: shared ? first.pool : undefined, resource: address, kind: deliveryKindOf(type), text, base64: first.encoding === "base64" }, first.format);
    if (node) nodes.push(node);
  }
  return nodes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** How a resource type delivers a config. */
function deliveryKindOf(type: string): NodeDeliveryKind {
  switch (type) {
    case "aws_launch_template":
      return NodeDeliveryKind.LAUNCH_TEMPLATE;
    case "libvirt_ignition":
      return NodeDeliveryKind.LIBVIRT_IGNITION;
    case "libvirt_cloudinit_disk":
      return NodeDeliveryKind.CONFIG_ISO;
    default:
      return NodeDeliveryKind.USER_DATA;
  }
}

interface Ctx {
  readonly locals: Readonly<Record<string, unknown>>;
  readonly values: ApplyTimeValues;
  readonly objects: Readonly<Record<string, { address: string; content: string }>>;
}

interface Found {
  readonly name: string;
  readonly pool?: string;
  readonly resource: string;
  readonly kind: NodeDeliveryKind;
  /** The attribute as synthesized. */
  readonly text: string;
  /** The attribute is base64 of the config. */
  readonly base64: boolean;
}

/** Decodes one delivered config; `format` is the OS's config format name, else it is told from the text. */
function decode(ctx: Ctx, found: Found, format?: string): NodeConfig | undefined {
  const options = { locals: ctx.locals, values: ctx.values };
  const outer = resolveApplyTimeReport(found.text, options);
  const delivered = found.base64 ? Buffer.from(outer.text, "base64").toString("utf8") : outer.text;
  // The text with Terraform expressions intact (for the simulator): base64 of a local or of a
  // literal is undone without filling anything in.
  const raw = found.base64 ? unwrapBase64(found.text, ctx.locals) : found.text;
  const subs: Substitution[] = [...outer.substitutions];
  let delivery: NodeDelivery = { kind: found.kind, resource: found.resource };
  let fullText = delivered;
  let stub: string | undefined;
  const trimmed = delivered.trimStart();
  const isIgnition = format !== undefined ? format === NodeConfigKind.IGNITION : trimmed.startsWith("{");
  if (isIgnition) {
    const replace = replaceSource(delivered);
    if (replace && replace.startsWith("s3://")) {
      const match = Object.entries(ctx.objects).find(([url]) => resolveApplyTimeReport(url, options).text === replace);
      if (match) {
        const [url, object] = match;
        const full = resolveApplyTimeReport(object.content, options);
        subs.push(...full.substitutions, ...resolveApplyTimeReport(url, options).substitutions);
        stub = delivered;
        fullText = full.text;
        delivery = { kind: NodeDeliveryKind.S3_OFFLOAD, resource: found.resource, object: object.address, url: readable(replace, placeholders(subs)) };
      }
    }
  }
  const names = placeholders(subs);
  const objects: Record<string, string> = {};
  for (const [url, o] of Object.entries(ctx.objects)) objects[url] = o.content;
  const boot: BootInput = { text: raw ?? found.text, locals: ctx.locals, values: ctx.values, objects };
  const applyTime = [...new Set(subs.map((s) => s.expression))].sort();
  const resolved = { text: fullText, stub };
  if (isIgnition) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(fullText);
    } catch {
      return undefined;
    }
    if (!isObject(parsed)) return undefined;
    const config = readableIgnition(parsed, names) as Record<string, unknown>;
    return new NodeConfig({ ...found, delivery, kind: NodeConfigKind.IGNITION, text: JSON.stringify(config, null, 2), config, applyTime, resolved, boot });
  }
  let parsed: unknown;
  try {
    // k3OS reads its config with a YAML 1.1 parser (go-yaml v2).
    parsed = parseYaml(fullText, { version: "1.1" });
  } catch {
    return undefined;
  }
  if (!isObject(parsed)) return undefined;
  const config = readableDeep(parsed, names) as Record<string, unknown>;
  // YAML formats other than k3OS's (a cloud-config) keep their own name.
  const kind = (format ?? NodeConfigKind.K3OS) as NodeConfigKind;
  return new NodeConfig({ ...found, delivery, kind, text: readable(fullText, names), config, applyTime, resolved, boot });
}

/** `${base64encode(local.X)}` -> the local's text; a literal base64 -> its text; else undefined. */
function unwrapBase64(text: string, locals: Readonly<Record<string, unknown>>): string | undefined {
  const call = /^\$\{base64encode\(local\.([A-Za-z0-9_-]+)\)\}$/.exec(text);
  if (call) {
    const v = locals[call[1]];
    return typeof v === "string" ? v : v === undefined ? undefined : JSON.stringify(v);
  }
  if (/^[A-Za-z0-9+/=\s]+$/.test(text)) return Buffer.from(text, "base64").toString("utf8");
  return undefined;
}

function replaceSource(text: string): string | undefined {
  try {
    const c = JSON.parse(text) as { ignition?: { config?: { replace?: { source?: unknown } } } };
    const s = c?.ignition?.config?.replace?.source;
    return typeof s === "string" ? s : undefined;
  } catch {
    return undefined;
  }
}

/** Made-up value -> placeholder, longest values first so none replaces part of another. */
function placeholders(subs: readonly Substitution[]): [string, string][] {
  const byValue = new Map<string, string>();
  for (const s of subs) {
    const prev = byValue.get(s.value);
    // Both `.id` and `.bucket` of a bucket share a value; `.bucket` reads better.
    if (!prev || (s.expression.endsWith(".bucket") && !prev.endsWith(".bucket"))) byValue.set(s.value, s.expression);
  }
  return [...byValue.entries()].sort(([a], [b]) => b.length - a.length).map(([v, e]) => [v, applyTimePlaceholder(e)]);
}

function readable(text: string, names: readonly [string, string][]): string {
  let out = text;
  for (const [v, p] of names) out = out.split(v).join(p);
  return out;
}

function readableDeep(x: unknown, names: readonly [string, string][]): unknown {
  if (typeof x === "string") return readable(x, names);
  if (Array.isArray(x)) return x.map((v) => readableDeep(v, names));
  if (isObject(x)) return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, readableDeep(v, names)]));
  return x;
}

/** Like readableDeep, and data URLs are decoded, made readable and encoded again. */
function readableIgnition(x: unknown, names: readonly [string, string][]): unknown {
  if (Array.isArray(x)) return x.map((v) => readableIgnition(v, names));
  if (!isObject(x)) return readableDeep(x, names);
  const out: Json = {};
  for (const [k, v] of Object.entries(x)) {
    if (k === "source" && typeof v === "string" && v.startsWith("data:")) {
      const bytes = decodeData(v, x.compression);
      const text = bytes && utf8(bytes);
      if (text !== undefined && names.some(([val]) => text.includes(val))) {
        out[k] = `data:,${encodeURIComponent(readable(text, names))}`;
        continue;
      }
    }
    out[k] = readableIgnition(v, names);
  }
  // A re-encoded source is plain text now.
  if (typeof out.source === "string" && out.source.startsWith("data:,") && typeof x.source === "string" && !x.source.startsWith("data:,")) delete out.compression;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reading an Ignition config

/** The bytes of a `data:` URL, or undefined for another URL or a payload that does not decode. */
function decodeData(source: string, compression: unknown): Buffer | undefined {
  try {
    return decodeDataUrl(source, compression === "gzip" ? "gzip" : undefined);
  } catch {
    return undefined;
  }
}

function utf8(bytes: Buffer): string | undefined {
  const text = bytes.toString("utf8");
  return Buffer.from(text, "utf8").equals(bytes) && !bytes.includes(0) ? text : undefined;
}

function contentsOf(res: unknown): { contents?: string; source?: string } {
  if (!isObject(res) || typeof res.source !== "string") return {};
  if (!res.source.startsWith("data:")) return { source: res.source };
  const bytes = decodeData(res.source, res.compression);
  return { contents: bytes ? utf8(bytes) : undefined };
}

function ownerName(o: unknown): string | undefined {
  if (!isObject(o)) return undefined;
  if (typeof o.name === "string") return o.name;
  if (typeof o.id === "number") return String(o.id);
  return undefined;
}

function ignitionFiles(config: Json): NodeFile[] {
  const storage = isObject(config.storage) ? config.storage : {};
  const files = Array.isArray(storage.files) ? storage.files : [];
  return files.filter(isObject).map((f) => {
    const { contents, source } = contentsOf(f.contents);
    const appended = (Array.isArray(f.append) ? f.append : []).map((a) => contentsOf(a).contents ?? "");
    return {
      path: String(f.path),
      contents: f.contents === undefined ? (appended.length ? undefined : "") : contents,
      source,
      mode: typeof f.mode === "number" ? f.mode : undefined,
      overwrite: typeof f.overwrite === "boolean" ? f.overwrite : undefined,
      user: ownerName(f.user),
      group: ownerName(f.group),
      appended,
    };
  });
}

function ignitionUnits(config: Json, _files: readonly NodeFile[]): NodeUnit[] {
  const systemd = isObject(config.systemd) ? config.systemd : {};
  const units = new Map<string, { enabled: boolean; mask: boolean; contents?: string; dropins: Record<string, string> }>();
  for (const u of (Array.isArray(systemd.units) ? systemd.units : []).filter(isObject)) {
    const dropins: Record<string, string> = {};
    for (const d of (Array.isArray(u.dropins) ? u.dropins : []).filter(isObject)) dropins[String(d.name)] = typeof d.contents === "string" ? d.contents : "";
    units.set(String(u.name), {
      enabled: u.enabled === true,
      mask: u.mask === true,
      contents: typeof u.contents === "string" ? u.contents : undefined,
      dropins,
    });
  }
  const storage = isObject(config.storage) ? config.storage : {};
  for (const l of (Array.isArray(storage.links) ? storage.links : []).filter(isObject)) {
    const m = WANTS_LINK.exec(String(l.path));
    if (!m) continue;
    const u = units.get(m[2]) ?? { enabled: false, mask: false, dropins: {} };
    units.set(m[2], { ...u, enabled: true });
  }
  return [...units.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, u]) => ({ name, ...u }));
}

function ignitionUsers(config: Json): NodeUser[] {
  const passwd = isObject(config.passwd) ? config.passwd : {};
  return (Array.isArray(passwd.users) ? passwd.users : []).filter(isObject).map((u) => ({
    name: String(u.name),
    sshAuthorizedKeys: Array.isArray(u.sshAuthorizedKeys) ? u.sshAuthorizedKeys.map(String) : [],
    groups: Array.isArray(u.groups) ? u.groups.map(String) : [],
  }));
}

// ---------------------------------------------------------------------------------------------
// Reading a k3OS config

function k3osFiles(config: Json): NodeFile[] {
  const files = Array.isArray(config.write_files) ? config.write_files : [];
  return files.filter(isObject).map((f) => {
    const owner = typeof f.owner === "string" ? f.owner.split(":") : [];
    return {
      path: String(f.path),
      contents: k3osContent(typeof f.content === "string" ? f.content : "", typeof f.encoding === "string" ? f.encoding : ""),
      // `permissions` is an octal string (shared/schemas/k3os-config.schema.json).
      mode: typeof f.permissions === "string" && /^[0-7]+$/.test(f.permissions) ? parseInt(f.permissions, 8) : undefined,
      user: owner[0] || undefined,
      group: owner[1] || undefined,
      appended: [],
    };
  });
}

/** Decodes write_files content the way k3OS does; undefined when it does not decode to text. */
function k3osContent(content: string, encoding: string): string | undefined {
  try {
    return utf8(decodeK3osContent(content, encoding));
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
