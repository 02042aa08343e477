/**
 * The builder's internal records: what each call asked for, validated and copied, with the config
 * that asked (for merge messages), and the helpers that key and copy them. Internal: not exported
 * from the package.
 */
import * as C from "./checks";
import type { DiskSpec, FilesystemSpec, GroupSpec, LuksSpec, RaidSpec, UserSpec } from "./spec";
import type { Owner, RemoteResource } from "./options";

// ---------------------------------------------------------------------------------------------
// Internal records: what each call asked for, validated and copied, with the config that asked.

export type Content =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "bytes"; readonly bytes: Uint8Array }
  | { readonly kind: "remote"; readonly resource: RemoteResource };

export interface NodeBase {
  readonly path: string;
  readonly origin: string;
  readonly mode?: number;
  readonly overwrite?: boolean;
  readonly user?: Owner;
  readonly group?: Owner;
}
export interface FileRecord extends NodeBase {
  readonly kind: "file";
  /** Undefined for a file only appended to (one the image already has). */
  readonly content?: Content;
  /** Appended after the contents, in order. */
  readonly append?: readonly Content[];
}
export interface DirectoryRecord extends NodeBase {
  readonly kind: "directory";
}
export interface LinkRecord extends NodeBase {
  readonly kind: "link";
  readonly target: string;
  readonly hard?: boolean;
}
export type NodeRecord = FileRecord | DirectoryRecord | LinkRecord;

export interface UnitRecord {
  readonly name: string;
  origin: string;
  /** Set by addUnit (not only created by a dropin or a merge of dropins). */
  declared: boolean;
  contents?: string;
  enabled?: boolean;
  mask?: boolean;
  readonly dropins: Map<string, { readonly name: string; readonly contents: string; readonly origin: string }>;
}

export interface UserRecord {
  origin: string;
  declared: boolean;
  spec: Omit<UserSpec, "sshAuthorizedKeys">;
  readonly keys: string[];
}

export interface Keyed<T> {
  readonly spec: T;
  readonly origin: string;
}

export interface LuksRecord {
  readonly spec: Omit<LuksSpec, "keyFile">;
  readonly keyFile?: Content;
  readonly origin: string;
}

export interface ResourceRecord {
  readonly key: string;
  readonly content: Content;
  readonly origin: string;
}

/** What merge() replays from another config. */
export interface Records {
  readonly nodes: Map<string, NodeRecord>;
  readonly units: Map<string, UnitRecord>;
  readonly users: Map<string, UserRecord>;
  readonly groups: Map<string, Keyed<GroupSpec>>;
  readonly disks: Map<string, Keyed<DiskSpec>>;
  readonly raid: Map<string, Keyed<RaidSpec>>;
  readonly filesystems: Map<string, Keyed<FilesystemSpec>>;
  readonly luks: Map<string, LuksRecord>;
  readonly kernelArguments: Map<string, { readonly exists: boolean; readonly origin: string }>;
  readonly mergeConfigs: Map<string, ResourceRecord>;
  replaceConfig?: ResourceRecord;
  /** Parts added once per config under a key (`addShared`), with what each part added. */
  readonly shared: Map<string, Records>;
  readonly certificateAuthorities: Map<string, ResourceRecord>;
  readonly timeouts: Map<"httpResponseHeaders" | "httpTotal", { readonly value: number; readonly origin: string }>;
  readonly proxy: Map<"httpProxy" | "httpsProxy", { readonly value: string; readonly origin: string }>;
  readonly noProxy: Map<string, string>;
}

export function emptyRecords(): Records {
  return {
    nodes: new Map(),
    units: new Map(),
    users: new Map(),
    groups: new Map(),
    disks: new Map(),
    raid: new Map(),
    filesystems: new Map(),
    luks: new Map(),
    kernelArguments: new Map(),
    mergeConfigs: new Map(),
    certificateAuthorities: new Map(),
    timeouts: new Map(),
    proxy: new Map(),
    noProxy: new Map(),
    shared: new Map(),
  };
}

export const KIND_WORD = { file: "a file", directory: "a directory", link: "a link" } as const;

/** `records` less what `part` added (a shared part the target already holds). */
export function withoutPart(records: Records, part: Records): Records {
  const less = <K, V>(map: Map<K, V>, drop: Map<K, unknown>) => new Map([...map].filter(([key]) => !drop.has(key)));
  const units = new Map<string, UnitRecord>();
  for (const [name, unit] of records.units) {
    const p = part.units.get(name);
    if (!p) {
      units.set(name, unit);
      continue;
    }
    const dropins = less(unit.dropins, p.dropins);
    const declared = unit.declared && !p.declared;
    if (declared || dropins.size) units.set(name, { ...unit, declared, dropins });
  }
  return {
    nodes: less(records.nodes, part.nodes),
    units,
    users: records.users,
    groups: less(records.groups, part.groups),
    disks: less(records.disks, part.disks),
    raid: less(records.raid, part.raid),
    filesystems: less(records.filesystems, part.filesystems),
    luks: less(records.luks, part.luks),
    kernelArguments: less(records.kernelArguments, part.kernelArguments),
    mergeConfigs: less(records.mergeConfigs, part.mergeConfigs),
    replaceConfig: part.replaceConfig ? undefined : records.replaceConfig,
    certificateAuthorities: less(records.certificateAuthorities, part.certificateAuthorities),
    timeouts: less(records.timeouts, part.timeouts),
    proxy: less(records.proxy, part.proxy),
    noProxy: less(records.noProxy, part.noProxy),
    shared: records.shared,
  };
}

/** Where a hard link points (its target is absolute: addLink checks). */
export function hardLinkTarget(l: LinkRecord): string {
  return C.cleanPath(l.target);
}

/** A key for a field name in messages, whatever the caller passed. */
export function k(x: unknown): string {
  return typeof x === "string" ? x : C.show(x);
}

export function contentKey(c: Content): string {
  if (c.kind === "remote") return `source:${c.resource.source}`;
  if (c.kind === "text") return `text:${c.text}`;
  return `bytes:${Buffer.from(c.bytes).toString("base64")}`;
}

export function unique(list: string[]): string[] {
  return [...new Set(list)];
}

/** Drops undefined fields so the JSON carries only what was set. */
export function prune<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}
