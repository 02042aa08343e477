/**
 * Finds every node of a synthesized stack and the config it boots with, whichever way the platform
 * delivered it (user data, a launch template, an S3 object behind a stub, a libvirt volume or
 * config disk), fills in apply-time values as Terraform would, and hands the text to the node's
 * config format to read and decode (./nodes.ts). Plain JSON in, no cdktf.
 */
import { createHash } from "node:crypto";
import { ConfigFormat } from "../../core/format";
import { resolveApplyTimeReport, type ApplyTimeValues, type Substitution } from "../firstboot/applytime";
import { applyTimePlaceholder, type BootInput, NodeConfig, type NodeDelivery, NodeDeliveryKind } from "./nodes";

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
  const nodes = records.length ? nodesFromRecords(ctx, resources, records) : nodesFromResources(ctx, resources);
  return nodes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** A stack without a cluster's records (hand-built machines): configs found by resource type. */
function nodesFromResources(ctx: Ctx, resources: Record<string, Record<string, Json>>): NodeConfig[] {
  const nodes: NodeConfig[] = [];
  const push = (node: NodeConfig | undefined) => node && nodes.push(node);
  for (const [key, r] of Object.entries(resources.aws_instance ?? {})) {
    const tags = (r.tags ?? {}) as Record<string, string>;
    const name = tags["microos/node"] ?? tags.Name ?? key;
    const userData = typeof r.user_data === "string" ? r.user_data : typeof r.user_data_base64 === "string" ? r.user_data_base64 : undefined;
    if (userData === undefined) continue;
    push(decode(ctx, { name, resource: `aws_instance.${key}`, kind: NodeDeliveryKind.USER_DATA, text: userData, base64: r.user_data === undefined }));
  }
  for (const [key, r] of Object.entries(resources.aws_launch_template ?? {})) {
    if (typeof r.user_data !== "string") continue;
    const tags = (r.tags ?? {}) as Record<string, string>;
    const pool = tags["microos/pool"] ?? key;
    push(decode(ctx, { name: pool, pool, resource: `aws_launch_template.${key}`, kind: NodeDeliveryKind.LAUNCH_TEMPLATE, text: r.user_data, base64: true }));
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
    push(decode(ctx, { name, resource: `${found.type}.${found.key}`, kind: deliveryKindOf(found.type), text, base64: false }));
  }
  return nodes;
}

/**
 * Nodes as their clusters recorded them: each config read from the resource and attribute the
 * platform named, decoded as the OS's format says. The machines of a pool that boot one launch
 * template are one entry named after their pool, however many they are (docs/testing.md).
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
    const kind = deliveryKindOf(type);
    const shared = group.length > 1 || kind === NodeDeliveryKind.LAUNCH_TEMPLATE;
    const name = shared ? (first.pool ?? first.node) : first.node;
    const format = ConfigFormat.byName(first.format);
    if (!format) {
      throw new Error(`node ${first.node}: its config is in the format "${first.format}", which is not loaded (loaded: ${ConfigFormat.names().join(", ") || "none"}); import the OS or config model that defines it`);
    }
    const node = decode(ctx, { name, pool: shared ? first.pool : undefined, resource: address, kind, text, base64: first.encoding === "base64" }, format);
    if (node) nodes.push(node);
  }
  return nodes;
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

/**
 * The format of `text`, for a stack without records: of the loaded formats whose reader takes it,
 * the first (by name) whose own in-process checks find nothing in it, else the first whose reader
 * takes it. A reader alone cannot tell: k3OS reads any YAML mapping, so a Kairos `#cloud-config`
 * reads as k3OS too, and only k3OS's schema refuses its keys.
 */
function formatOf(text: string): ConfigFormat | undefined {
  const readers = ConfigFormat.names()
    .map((name) => ConfigFormat.byName(name)!)
    .filter((format) => tryRead(format, text) !== undefined);
  return readers.find((format) => passesOwnChecks(format, text)) ?? readers[0];
}

/** The format's validators that run in this process (no program to install) find no problem in `text`. */
function passesOwnChecks(format: ConfigFormat, text: string): boolean {
  return format.validators
    .filter((v) => v.unavailable === undefined)
    .every((v) => {
      try {
        return v.check(text, { allowWarnings: true }).length === 0;
      } catch {
        return false;
      }
    });
}

function tryRead(format: ConfigFormat, text: string): Record<string, unknown> | undefined {
  try {
    return { ...format.read(text) };
  } catch {
    return undefined;
  }
}

/**
 * Decodes one delivered config in `format` (for a stack without records: the first loaded format
 * that reads it). A stub the format names a full config for (Ignition's `config.replace`) is
 * followed to the S3 object that holds it.
 */
function decode(ctx: Ctx, found: Found, known?: ConfigFormat): NodeConfig | undefined {
  const options = { locals: ctx.locals, values: ctx.values };
  const outer = resolveApplyTimeReport(found.text, options);
  const delivered = found.base64 ? Buffer.from(outer.text, "base64").toString("utf8") : outer.text;
  // The text with Terraform expressions intact (for the simulator): base64 of a local or of a
  // literal is undone without filling anything in.
  const raw = found.base64 ? unwrapBase64(found.text, ctx.locals) : found.text;
  const format = known ?? formatOf(delivered);
  if (!format) return undefined;
  const subs: Substitution[] = [...outer.substitutions];
  let delivery: NodeDelivery = { kind: found.kind, resource: found.resource };
  let fullText = delivered;
  let stub: string | undefined;
  const outerConfig = tryRead(format, delivered);
  const replace = outerConfig && format.decoder.replacedBy?.(outerConfig);
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
  const parsed = tryRead(format, fullText);
  if (!parsed) return undefined;
  const names = placeholders(subs);
  const map = (text: string) => readable(text, names);
  const config = format.decoder.mapText ? format.decoder.mapText(parsed, map) : (mapStrings(parsed, map) as Record<string, unknown>);
  const text = format.decoder.show ? format.decoder.show(config, map(fullText)) : map(fullText);
  const objects: Record<string, string> = {};
  for (const [url, o] of Object.entries(ctx.objects)) objects[url] = o.content;
  const boot: BootInput = { text: raw ?? found.text, locals: ctx.locals, values: ctx.values, objects };
  const applyTime = [...new Set(subs.map((s) => s.expression))].sort();
  return new NodeConfig({ name: found.name, pool: found.pool, format, delivery, text, config, applyTime, resolved: { text: fullText, stub }, boot });
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

function mapStrings(x: unknown, map: (text: string) => string): unknown {
  if (typeof x === "string") return map(x);
  if (Array.isArray(x)) return x.map((v) => mapStrings(v, map));
  if (isObject(x)) return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, mapStrings(v, map)]));
  return x;
}

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
