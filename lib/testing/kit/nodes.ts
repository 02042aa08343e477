/**
 * One node's provisioning config as the testing kit shows it, decoded by its config format: the
 * format's reader parses it the way the OS does, and its decoder lists files, units, users and
 * the k3s settings (lib/core/format.ts). The kit names no format: it looks a node's up by the name
 * its cluster recorded. Plain JSON in, no cdktf.
 */
import type { ConfigFormat, DecodedFile, DecodedK3s, DecodedUnit, DecodedUser } from "../../core/format";

export type { ConfigDecoder, ConfigFormat, ConfigFormatParts, ConfigValidator, DecodedConfig, DecodedFile, DecodedK3s, DecodedUnit, DecodedUser, ValidationOptions } from "../../core/format";
import type { ApplyTimeValues } from "../firstboot/applytime";

/** How a node's config reaches it. */
export enum NodeDeliveryKind {
  /** EC2 instance `user_data`, the config as text. */
  USER_DATA = "user-data",
  /** A launch template's `user_data`, base64 (one config for every machine of an AWS pool). */
  LAUNCH_TEMPLATE = "launch-template",
  /** User data holds a stub that names an `aws_s3_object` with the full config. */
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

/** A file the config writes, contents decoded (apply-time values as placeholders). */
export type NodeFile = DecodedFile;
/** A systemd unit the config writes or enables. */
export type NodeUnit = DecodedUnit;
/** A user the config configures. */
export type NodeUser = DecodedUser;
/** The k3s settings a node starts k3s with. */
export type NodeK3s = DecodedK3s;

/** The placeholder a node's decoded config shows for a value known only at apply time. */
export function applyTimePlaceholder(expression: string): string {
  return `<apply-time: ${expression}>`;
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

/**
 * One node's provisioning config, decoded. On AWS a worker pool in an autoscaling group is one
 * node named after the pool (`name` is the pool, `pool` is set): its machines all boot the launch
 * template's one config.
 */
export class NodeConfig {
  /** Node name (`demo-general-0`), or the pool name for an AWS pool's launch template. */
  public readonly name: string;
  /** Set when this entry stands for a whole AWS pool (one launch template). */
  public readonly pool?: string;
  /** The config's format. */
  public readonly format: ConfigFormat;
  /** The format's name (`format.name`), as the cluster recorded it. */
  public readonly kind: string;
  /** Where the config was found, and how it reached the node. */
  public readonly delivery: NodeDelivery;
  /** The config as the node reads it, apply-time values shown as `<apply-time: EXPR>`. */
  public readonly text: string;
  /** The config as the format's reader returns it, apply-time values as placeholders (encoded texts re-encoded with them). */
  public readonly config: Readonly<Record<string, unknown>>;
  /** Terraform expressions the config holds that are known only at apply time, sorted. */
  public readonly applyTime: readonly string[];
  /** The files the config writes, contents decoded. */
  public readonly files: readonly NodeFile[];
  /** The systemd units (none where the OS has none; see {@link NodeConfig.unitsAbsent}). */
  public readonly units: readonly NodeUnit[];
  /** Why the node has no systemd units at all (`k3OS runs OpenRC`), or undefined. */
  public readonly unitsAbsent?: string;
  /** The users the config configures, with their ssh keys. */
  public readonly users: readonly NodeUser[];
  /** The k3s settings, or undefined when the config starts no k3s. */
  public readonly k3s?: NodeK3s;
  /** @internal what validators and the first-boot simulator read: made-up values filled in. */
  public readonly _resolved: { readonly text: string; readonly stub?: string };
  /** @internal how to boot it: the delivered text and what Terraform would fill in. */
  public readonly _boot: BootInput;

  /** @internal */
  constructor(parts: {
    name: string;
    pool?: string;
    format: ConfigFormat;
    delivery: NodeDelivery;
    text: string;
    config: Record<string, unknown>;
    applyTime: string[];
    resolved: { text: string; stub?: string };
    boot: BootInput;
  }) {
    this.name = parts.name;
    this.pool = parts.pool;
    this.format = parts.format;
    this.kind = parts.format.name;
    this.delivery = parts.delivery;
    this.text = parts.text;
    this.config = parts.config;
    this.applyTime = parts.applyTime;
    this._resolved = parts.resolved;
    this._boot = parts.boot;
    const decoded = parts.format.decoder.decode(parts.config);
    this.files = decoded.files;
    this.units = typeof decoded.units === "string" ? [] : decoded.units;
    this.unitsAbsent = typeof decoded.units === "string" ? decoded.units : undefined;
    this.users = decoded.users;
    this.k3s = decoded.k3s;
  }

  /** The file at `path` (the last entry, as the OS applies them), or undefined. */
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

  /** The config value at a dotted path (`k3os.token`, `storage.files.0.path`), or undefined. */
  public value(path: string): unknown {
    return lookupPath(this.config, path).value;
  }

  /** A one-line description for messages: `node demo-general-0 (aws_instance.x, user-data)`. */
  public describe(): string {
    return `${this.pool !== undefined ? "pool" : "node"} ${this.name} (${this.delivery.resource}, ${this.delivery.kind})`;
  }
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
