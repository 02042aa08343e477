import { type Encoder, isDeferred, localEncoder } from "../core/deferred";
import { MicroOsError } from "../core/errors";
import { checkProps, object } from "../core/props";
import * as C from "./checks";
import { inlineContents, textContents } from "./encode";
import type {
  DirectorySpec,
  DiskSpec,
  FileSpec,
  FilesystemSpec,
  GroupSpec,
  IgnitionSection,
  IgnitionSpec,
  LinkSpec,
  LuksSpec,
  PartitionSpec,
  RaidSpec,
  ResourceSpec,
  StorageSection,
  UnitSpec,
  UserSpec,
} from "./spec";
import { IgnitionFeature, type IgnitionVariant, IgnitionVersion, isIgnitionVersion, IGNITION_VERSIONS } from "./version";
import { applyButane } from "./butane/translate";

export { IgnitionVersion };

/** Owner of a file, directory or link: a name or a numeric id (not both). */
export interface Owner {
  /** @default - root */
  readonly name?: string;
  /** @default - root */
  readonly id?: number;
}

/** A content hash Ignition verifies: `sha512-<hex>` or `sha256-<hex>`. */
export interface ContentHash {
  readonly algorithm: "sha512" | "sha256";
  /** The hex digest (128 digits for sha512, 64 for sha256); may be an apply-time value. */
  readonly hex: string;
}

/** An HTTP header sent when fetching an http(s) source. */
export interface HttpHeader {
  readonly name: string;
  readonly value: string;
}

/** Something Ignition fetches: a URL with the hash it must match. */
export interface RemoteResource {
  /**
   * `https://`, `http://`, `tftp://`, `s3://`, `gs://` or `data:` URL; `arn:` (an S3 access
   * point) from spec 3.4.0.
   */
  readonly source: string;
  /** Hash of the fetched bytes (before decompression); required for http, https and tftp. @default - none */
  readonly hash?: ContentHash;
  /** The fetched bytes are gzip-compressed and Ignition should decompress them (not with S3). @default false */
  readonly gzip?: boolean;
  /** Headers for http(s) sources. @default - none */
  readonly httpHeaders?: readonly HttpHeader[];
}

/** Inline UTF-8 text (may hold apply-time values). */
export interface InlineText {
  readonly text: string;
}

/** Inline bytes. */
export interface InlineBytes {
  readonly bytes: Uint8Array;
}

/** Contents given inline or fetched. */
export type ResourceInput = RemoteResource | InlineText | InlineBytes;

/** Options for a file or directory. */
export interface FileOptions {
  /** Permission bits, for example `0o644`. @default 0o644 for files, 0o755 for directories */
  readonly mode?: number;
  /** Replace a file that already exists at the path. @default false */
  readonly overwrite?: boolean;
  /** @default - root */
  readonly user?: Owner;
  /** @default - root */
  readonly group?: Owner;
}

/** A file fetched by Ignition at first boot. */
export interface RemoteFileOptions extends FileOptions, RemoteResource {}

/** Options for a link. */
export interface LinkOptions extends FileOptions {
  /** A hard link instead of a symbolic one. @default false */
  readonly hard?: boolean;
}

/** Options for a systemd unit. */
export interface UnitOptions {
  /** Unit file contents. @default - none (only dropins, enable or mask an existing unit) */
  readonly contents?: string;
  /** Enable the unit (`[Install]` section). @default - left as the image has it */
  readonly enabled?: boolean;
  /** Mask the unit. @default false */
  readonly mask?: boolean;
}

/** Options for a user (Ignition `passwd.users`). */
export interface UserOptions {
  /** OpenSSH public keys for `~/.ssh/authorized_keys`. @default - none */
  readonly sshAuthorizedKeys?: readonly string[];
  /** crypt(3) hash, for example from `mkpasswd --method=SHA-512`. @default - no password */
  readonly passwordHash?: string;
  /** Supplementary groups. @default - none */
  readonly groups?: readonly string[];
  /** @default - the next free uid */
  readonly uid?: number;
  /** @default - /home/<name> */
  readonly homeDir?: string;
  /** @default - the image's default shell */
  readonly shell?: string;
  /** A system account (uid below 1000, no aging). @default false */
  readonly system?: boolean;
  /** The comment field of /etc/passwd. @default - none */
  readonly gecos?: string;
  /** @default - a group named after the user */
  readonly primaryGroup?: string;
  /** @default false */
  readonly noCreateHome?: boolean;
  /** Do not create a group named after the user. @default false */
  readonly noUserGroup?: boolean;
  /** Do not add the user to the lastlog and faillog databases. @default false */
  readonly noLogInit?: boolean;
  /** `false` deletes the user. @default true */
  readonly shouldExist?: boolean;
}

/** Options for a group (Ignition `passwd.groups`). */
export interface GroupOptions {
  /** @default - the next free gid */
  readonly gid?: number;
  /** @default - none */
  readonly passwordHash?: string;
  /** @default false */
  readonly system?: boolean;
  /** `false` deletes the group. @default true */
  readonly shouldExist?: boolean;
}

/** HTTP timeouts Ignition uses when fetching, in seconds. */
export interface TimeoutOptions {
  /** @default 10 (Ignition's default) */
  readonly httpResponseHeaders?: number;
  /** @default 0, no limit (Ignition's default) */
  readonly httpTotal?: number;
}

/** The proxy Ignition uses when fetching. */
export interface ProxyOptions {
  /** `http://` or `https://` URL. @default - none */
  readonly httpProxy?: string;
  /** `http://` or `https://` URL. @default - none */
  readonly httpsProxy?: string;
  /** Hosts fetched without the proxy. @default - none */
  readonly noProxy?: readonly string[];
}

/** A GPT partition. */
export interface PartitionOptions {
  /** Partition number; 0 for the next free one. @default 0 */
  readonly number?: number;
  /** The GPT partition name. @default - none (then number is needed) */
  readonly label?: string;
  /** @default 0, fill the free space */
  readonly sizeMiB?: number;
  /** @default 0, the start of the largest free block */
  readonly startMiB?: number;
  /** @default - Linux filesystem data */
  readonly typeGuid?: string;
  /** @default - random */
  readonly guid?: string;
  /** Allow Ignition to delete a partition entry that does not match. @default false */
  readonly wipePartitionEntry?: boolean;
  /** `false` deletes the partition. @default true */
  readonly shouldExist?: boolean;
  /** Grow an existing partition to the given size. @default false */
  readonly resize?: boolean;
}

/** Options for a disk. */
export interface DiskOptions {
  /** Wipe the partition table first. @default false */
  readonly wipeTable?: boolean;
  /** @default - none */
  readonly partitions?: readonly PartitionOptions[];
}

/** RAID levels (mdadm, as Ignition accepts them). */
export enum RaidLevel {
  LINEAR = "linear",
  RAID0 = "raid0",
  RAID1 = "raid1",
  RAID4 = "raid4",
  RAID5 = "raid5",
  RAID6 = "raid6",
  RAID10 = "raid10",
}

/** Options for a software RAID array, created as /dev/md/<name>. */
export interface RaidOptions {
  readonly level: RaidLevel;
  /** Member devices, absolute paths. */
  readonly devices: readonly string[];
  /** @default 0 */
  readonly spares?: number;
  /** Extra mdadm options. @default - none */
  readonly options?: readonly string[];
}

/** Filesystem formats Ignition creates. */
export enum FilesystemFormat {
  EXT4 = "ext4",
  BTRFS = "btrfs",
  XFS = "xfs",
  SWAP = "swap",
  VFAT = "vfat",
  /** Wipe without creating a filesystem. */
  NONE = "none",
}

/** Options for a filesystem. */
export interface FilesystemOptions {
  readonly format: FilesystemFormat;
  /** Where Ignition mounts it while writing files (not an fstab entry). @default - not mounted */
  readonly path?: string;
  /** @default - none */
  readonly label?: string;
  /** @default - random */
  readonly uuid?: string;
  /** Wipe an existing filesystem. @default false */
  readonly wipeFilesystem?: boolean;
  /** mkfs options. @default - none */
  readonly options?: readonly string[];
  /** Mount options while Ignition writes files. @default - none */
  readonly mountOptions?: readonly string[];
}

/** Options for a LUKS volume, opened as /dev/mapper/<name>. */
export interface LuksOptions {
  /** The backing device, an absolute path. */
  readonly device: string;
  /** The key. @default - a random key Ignition stores on the root filesystem */
  readonly keyFile?: ResourceInput;
  /** @default - none */
  readonly label?: string;
  /** @default - random */
  readonly uuid?: string;
  /** cryptsetup luksFormat options. @default - none */
  readonly options?: readonly string[];
  /** @default false */
  readonly wipeVolume?: boolean;
  /** Pass discards through (spec 3.4.0). @default false */
  readonly discard?: boolean;
  /** crypttab open options (spec 3.4.0). @default - none */
  readonly openOptions?: readonly string[];
  /**
   * Bind the volume with clevis (TPM2, Tang servers, or a custom pin) instead of a key file. An
   * OS without clevis refuses it (Flatcar; its variant says so). @default - none
   */
  readonly clevis?: ClevisOptions;
  /** Encrypt with an IBM Crypto Express card (s390x; spec 3.5.0); not with clevis or a keyFile. @default false */
  readonly cex?: boolean;
}

/** A Tang server a LUKS volume is bound to (coreos/ignition config/v3_6/types/tang.go). */
export interface TangServer {
  /** `http://` or `https://` URL of the server. */
  readonly url: string;
  /** The thumbprint of a trusted signing key (`tang-show-keys`). */
  readonly thumbprint: string;
  /** The server's advertisement JSON (`curl <url>/adv`), so it need not be reachable at first boot (spec 3.4.0). @default - fetched at first boot */
  readonly advertisement?: string;
}

/** A custom clevis pin (config/v3_6/types/clevis.go). */
export interface ClevisCustomPin {
  /** `tpm2`, `tang` or `sss`; any pin from spec 3.6.0. */
  readonly pin: string;
  /** The pin's JSON config. */
  readonly config: string;
  /** The pin needs the network to unlock. @default false */
  readonly needsNetwork?: boolean;
}

/** Clevis bindings for a LUKS volume. */
export interface ClevisOptions {
  /** Bind to the machine's TPM2. @default false */
  readonly tpm2?: boolean;
  /** Bind to Tang servers. @default - none */
  readonly tang?: readonly TangServer[];
  /** How many of the bindings must unlock. @default 1 */
  readonly threshold?: number;
  /** A custom pin instead of tpm2, tang and threshold. @default - none */
  readonly custom?: ClevisCustomPin;
}

/** Options for a config. */
export interface IgnitionConfigProps {
  /** The spec version to render. @default IgnitionVersion.V3_3_0 */
  readonly version?: IgnitionVersion;
  /** A name for error messages, for example the node's construct path. @default "ignition" */
  readonly name?: string;
  /**
   * The OS the config is for: what it lacks is refused, and refusals of a newer spec name the
   * release that reads it. The OS passes its own (Flatcar, Fedora CoreOS).
   * @default - none: every feature of the spec is allowed
   */
  readonly variant?: IgnitionVariant;
}

/** Options for rendering. */
export interface RenderOptions {
  /**
   * Encodes content; the platform passes one that keeps apply-time values (cdktf tokens) intact.
   * @default - local encoding, which refuses apply-time values
   */
  readonly encoder?: Encoder;
  /** Indent the JSON. @default false */
  readonly pretty?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Internal records: what each call asked for, validated and copied, with the config that asked.

type Content =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "bytes"; readonly bytes: Uint8Array }
  | { readonly kind: "remote"; readonly resource: RemoteResource };

interface NodeBase {
  readonly path: string;
  readonly origin: string;
  readonly mode?: number;
  readonly overwrite?: boolean;
  readonly user?: Owner;
  readonly group?: Owner;
}
interface FileRecord extends NodeBase {
  readonly kind: "file";
  /** Undefined for a file only appended to (one the image already has). */
  readonly content?: Content;
  /** Appended after the contents, in order. */
  readonly append?: readonly Content[];
}
interface DirectoryRecord extends NodeBase {
  readonly kind: "directory";
}
interface LinkRecord extends NodeBase {
  readonly kind: "link";
  readonly target: string;
  readonly hard?: boolean;
}
type NodeRecord = FileRecord | DirectoryRecord | LinkRecord;

interface UnitRecord {
  readonly name: string;
  origin: string;
  /** Set by addUnit (not only created by a dropin or a merge of dropins). */
  declared: boolean;
  contents?: string;
  enabled?: boolean;
  mask?: boolean;
  readonly dropins: Map<string, { readonly name: string; readonly contents: string; readonly origin: string }>;
}

interface UserRecord {
  origin: string;
  declared: boolean;
  spec: Omit<UserSpec, "sshAuthorizedKeys">;
  readonly keys: string[];
}

interface Keyed<T> {
  readonly spec: T;
  readonly origin: string;
}

interface LuksRecord {
  readonly spec: Omit<LuksSpec, "keyFile">;
  readonly keyFile?: Content;
  readonly origin: string;
}

interface ResourceRecord {
  readonly key: string;
  readonly content: Content;
  readonly origin: string;
}

/** What merge() replays from another config. */
interface Records {
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

function emptyRecords(): Records {
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

const KIND_WORD = { file: "a file", directory: "a directory", link: "a link" } as const;

/**
 * A builder for an Ignition config (spec 3.3.0 by default, or 3.4.0). Add files, units, users,
 * keys, disks; `render()` gives the JSON the node reads at first boot, the same bytes for the same
 * calls every run.
 *
 * Mistakes are refused at the call that makes them, with a {@link MicroOsError} naming the field
 * and the fix; the config is left as it was before the call.
 */
export class IgnitionConfig {
  /** The spec version this config renders. */
  public readonly version: IgnitionVersion;
  /** The name used in error messages. */
  public readonly name: string;
  /** The OS variant the config is for, if any. */
  public readonly variant: IgnitionVariant | undefined;
  private r: Records = emptyRecords();
  /** Directories implied by the paths added so far, each with one path below it. */
  private parents = new Map<string, string>();

  constructor(options: IgnitionConfigProps = {}) {
    const opts = (options ?? {}) as IgnitionConfigProps;
    // Known keys only (a misspelt `verison` would silently render the default); the values are checked below.
    checkProps("ignition", "", opts, object({ version: () => undefined, name: () => undefined, variant: () => undefined }));
    const version = opts.version ?? IgnitionVersion.V3_3_0;
    if (!isIgnitionVersion(version)) {
      throw new MicroOsError("ignition", "version", `${C.show(version)} is not a spec version this library renders`, `use ${IGNITION_VERSIONS.map((v) => `IgnitionVersion.${C.versionKey(v)}`).join(", ")}`);
    }
    if (opts.variant !== undefined && (typeof opts.variant !== "object" || opts.variant === null || typeof opts.variant.name !== "string")) {
      throw new MicroOsError("ignition", "variant", `expected an IgnitionVariant ({ name, unsupported?, whereToRead? }), got ${C.show(opts.variant)}`, "pass the variant your OS defines, or leave it out");
    }
    const name = opts.name ?? "ignition";
    if (typeof name !== "string" || name === "") {
      throw new MicroOsError("ignition", "name", `expected a non-empty string, got ${C.show(name)}`, "name the config, for example after its node");
    }
    this.version = version;
    this.name = name;
    this.variant = opts.variant;
  }

  // -------------------------------------------------------------------------------------------
  // storage: files, directories, links

  /** Adds a file whose contents are UTF-8 text (may hold apply-time values). */
  public addFile(path: string, text: string, options: FileOptions = {}): this {
    this.check(C.checkString(text, `storage.files[${k(path)}].contents`, "the file's text"));
    this.putNode({ kind: "file", path, content: { kind: "text", text }, origin: this.name, ...this.nodeOptions(path, "files", options, 0o644) }, false);
    return this;
  }

  /** Adds a file from raw bytes. */
  public addBinaryFile(path: string, bytes: Uint8Array, options: FileOptions = {}): this {
    if (!(bytes instanceof Uint8Array)) {
      this.fail(`storage.files[${k(path)}].contents`, `expected bytes (a Uint8Array or Buffer), got ${C.show(bytes)}`, "pass a Buffer or Uint8Array, or use addFile() for text");
    }
    const copy = Uint8Array.from(bytes);
    this.putNode({ kind: "file", path, content: { kind: "bytes", bytes: copy }, origin: this.name, ...this.nodeOptions(path, "files", options, 0o644) }, false);
    return this;
  }

  /** Adds a file Ignition fetches at first boot, verified by hash. */
  public addRemoteFile(path: string, options: RemoteFileOptions): this {
    const resource = this.remoteResource(options, `storage.files[${k(path)}].contents`);
    this.putNode({ kind: "file", path, content: { kind: "remote", resource }, origin: this.name, ...this.nodeOptions(path, "files", options, 0o644) }, false);
    return this;
  }

  /**
   * Appends to a file: one added here (after its contents), or one the image already has (for
   * example `/etc/hosts`), whose mode and owner then stay as they are. Text, bytes or a remote
   * resource; appends to one file combine across merged configs.
   */
  public appendToFile(path: string, content: ResourceInput): this {
    const field = `storage.files[${k(path)}]`;
    this.check(C.checkNodePath(path, `${field}.path`));
    const c = this.content(content, `${field}.append`);
    this.putNode({ kind: "file", path, append: [c], origin: this.name }, false);
    return this;
  }

  /** Adds a directory. */
  public addDirectory(path: string, options: FileOptions = {}): this {
    this.putNode({ kind: "directory", path, origin: this.name, ...this.nodeOptions(path, "directories", options, 0o755) }, false);
    return this;
  }

  /** Adds a symbolic (or hard) link at `path` pointing to `target`. */
  public addLink(path: string, target: string, options: LinkOptions = {}): this {
    const field = `storage.links[${k(path)}]`;
    this.check(C.checkNonEmptyString(target, `${field}.target`));
    const opts = (options ?? {}) as LinkOptions;
    this.check(C.checkBoolean(opts.hard, `${field}.hard`));
    if (opts.mode !== undefined) this.fail(`${field}.mode`, "links have no mode of their own", "drop mode; the target's mode applies");
    // coreos/ignition internal/exec/util/file.go: a hard link's target is joined to the root, so a
    // relative one would not mean what it says next to the link.
    if (opts.hard === true) this.check(C.checkAbsolutePath(target, `${field}.target`));
    this.putNode({ kind: "link", path, target, hard: opts.hard, origin: this.name, ...this.nodeOptions(path, "links", opts, undefined) }, false);
    return this;
  }

  // -------------------------------------------------------------------------------------------
  // systemd

  /** Adds a systemd unit. */
  public addUnit(name: string, options: UnitOptions = {}): this {
    const field = `systemd.units[${k(name)}]`;
    this.check(C.checkUnitName(name, `${field}.name`));
    const o = (options ?? {}) as UnitOptions;
    this.check(C.checkUnitContents(o.contents, `${field}.contents`));
    this.check(C.checkBoolean(o.enabled, `${field}.enabled`));
    this.check(C.checkBoolean(o.mask, `${field}.mask`));
    if (o.mask === true && o.enabled === true) this.fail(field, "the unit is both enabled and masked", "choose one: mask: true stops it from ever starting");
    const existing = this.r.units.get(name);
    if (existing?.declared) {
      this.fail(field, "the unit is already defined", "define each unit once; add dropins with addDropin()");
    }
    const unit: UnitRecord = existing ?? { name, origin: this.name, declared: true, dropins: new Map() };
    unit.declared = true;
    unit.contents = o.contents;
    unit.enabled = o.enabled;
    unit.mask = o.mask;
    this.r.units.set(name, unit);
    return this;
  }

  /** Adds a dropin to a unit (the unit is listed without contents if not added otherwise). */
  public addDropin(unitName: string, dropinName: string, contents: string): this {
    const field = `systemd.units[${k(unitName)}].dropins[${k(dropinName)}]`;
    this.check(C.checkUnitName(unitName, `systemd.units[${k(unitName)}].name`));
    this.check(C.checkDropinName(dropinName, `${field}.name`));
    this.check(C.checkString(contents, `${field}.contents`, "the dropin's text"));
    this.check(C.checkUnitContents(contents, `${field}.contents`));
    const unit = this.r.units.get(unitName);
    if (unit?.dropins.has(dropinName)) this.fail(field, "the dropin is already defined", "give each dropin its own name");
    const u = unit ?? { name: unitName, origin: this.name, declared: false, dropins: new Map() };
    u.dropins.set(dropinName, { name: dropinName, contents, origin: this.name });
    this.r.units.set(unitName, u);
    return this;
  }

  // -------------------------------------------------------------------------------------------
  // passwd

  /** Adds (or configures) a user. */
  public addUser(name: string, options: UserOptions = {}): this {
    const field = `passwd.users[${k(name)}]`;
    this.check(C.checkUserName(name, `${field}.name`));
    const o = (options ?? {}) as UserOptions;
    this.check(C.checkStringList(o.sshAuthorizedKeys, `${field}.sshAuthorizedKeys`));
    const keys = [...(o.sshAuthorizedKeys ?? [])];
    keys.forEach((k, i) => this.check(C.checkSshKey(k, `${field}.sshAuthorizedKeys[${i}]`)));
    this.check(C.checkPasswordHash(o.passwordHash, `${field}.passwordHash`));
    this.check(C.checkStringList(o.groups, `${field}.groups`));
    (o.groups ?? []).forEach((g, i) => this.check(C.checkGroupName(g, `${field}.groups[${i}]`)));
    if (o.primaryGroup !== undefined) this.check(C.checkGroupName(o.primaryGroup, `${field}.primaryGroup`));
    // useradd(8): uids are 32-bit; (uid_t)-1 means "none".
    this.check(C.checkInteger(o.uid, `${field}.uid`, 0, 4294967294));
    if (o.homeDir !== undefined) this.check(C.checkNodePath(o.homeDir, `${field}.homeDir`));
    if (o.shell !== undefined) this.check(C.checkNodePath(o.shell, `${field}.shell`));
    this.check(C.checkPasswdField(o.gecos, `${field}.gecos`));
    for (const b of ["system", "noCreateHome", "noUserGroup", "noLogInit", "shouldExist"] as const) this.check(C.checkBoolean(o[b], `${field}.${b}`));
    const spec = prune({
      name,
      passwordHash: o.passwordHash,
      uid: o.uid,
      gecos: o.gecos,
      homeDir: o.homeDir,
      noCreateHome: o.noCreateHome,
      primaryGroup: o.primaryGroup,
      groups: o.groups ? unique([...o.groups]) : undefined,
      noUserGroup: o.noUserGroup,
      noLogInit: o.noLogInit,
      shell: o.shell,
      system: o.system,
      shouldExist: o.shouldExist,
    });
    this.putUser(name, { origin: this.name, declared: true, spec, keys: unique(keys) }, false);
    return this;
  }

  /** Adds ssh keys to a user (created if absent, as for Flatcar's `core`). A key given twice is kept once. */
  public addSshKeys(user: string, keys: readonly string[]): this {
    const field = `passwd.users[${k(user)}]`;
    this.check(C.checkUserName(user, `${field}.name`));
    if (!Array.isArray(keys)) this.fail(`${field}.sshAuthorizedKeys`, `expected a list of keys, got ${C.show(keys)}`, "pass an array of OpenSSH public keys");
    this.check(C.checkStringList(keys, `${field}.sshAuthorizedKeys`));
    if (keys.length === 0) this.fail(`${field}.sshAuthorizedKeys`, "no keys given", "pass at least one OpenSSH public key");
    keys.forEach((k, i) => this.check(C.checkSshKey(k, `${field}.sshAuthorizedKeys[${i}]`)));
    this.putUser(user, { origin: this.name, declared: false, spec: { name: user }, keys: unique([...keys]) }, false);
    return this;
  }

  /** Adds a group. */
  public addGroup(name: string, options: GroupOptions = {}): this {
    const field = `passwd.groups[${k(name)}]`;
    this.check(C.checkGroupName(name, `${field}.name`));
    const o = (options ?? {}) as GroupOptions;
    this.check(C.checkInteger(o.gid, `${field}.gid`, 0, 4294967294));
    this.check(C.checkPasswordHash(o.passwordHash, `${field}.passwordHash`));
    this.check(C.checkBoolean(o.system, `${field}.system`));
    this.check(C.checkBoolean(o.shouldExist, `${field}.shouldExist`));
    if (o.shouldExist === false && (o.gid !== undefined || o.passwordHash !== undefined || o.system !== undefined)) {
      this.fail(field, "the group is to be deleted (shouldExist: false) yet has other fields", "drop gid, passwordHash and system, or drop shouldExist: false");
    }
    const spec = prune({ name, gid: o.gid, passwordHash: o.passwordHash, system: o.system, shouldExist: o.shouldExist });
    this.putKeyed(this.r.groups, name, { spec, origin: this.name }, field, "group", false);
    return this;
  }

  // -------------------------------------------------------------------------------------------
  // storage: devices

  /** Partitions a disk (GPT). */
  public addDisk(device: string, options: DiskOptions = {}): this {
    const field = `storage.disks[${k(device)}]`;
    this.check(C.checkNodePath(device, `${field}.device`));
    const o = (options ?? {}) as DiskOptions;
    this.check(C.checkBoolean(o.wipeTable, `${field}.wipeTable`));
    if (o.partitions !== undefined && !Array.isArray(o.partitions)) this.fail(`${field}.partitions`, `expected a list, got ${C.show(o.partitions)}`, "pass an array of partitions");
    const partitions = (o.partitions ?? []).map((p, i) => this.partition(p, `${field}.partitions[${i}]`));
    this.checkPartitionSet(partitions, field);
    const spec: DiskSpec = prune({ device, wipeTable: o.wipeTable, partitions: partitions.length ? partitions : undefined });
    this.putKeyed(this.r.disks, device, { spec, origin: this.name }, field, "disk", false);
    return this;
  }

  /** Adds a software RAID array, created as /dev/md/<name>. */
  public addRaid(name: string, options: RaidOptions): this {
    const field = `storage.raid[${k(name)}]`;
    this.check(C.checkNonEmptyString(name, `${field}.name`));
    if (name.includes("/")) this.fail(`${field}.name`, `the array name ${C.show(name)} holds a /`, "give a plain name; the array appears as /dev/md/<name>");
    const o = (options ?? {}) as RaidOptions;
    if (!(C.RAID_LEVELS as readonly unknown[]).includes(o.level)) {
      this.fail(`${field}.level`, `${C.show(o.level)} is not a RAID level Ignition creates`, `use RaidLevel.${Object.keys(RaidLevel).join(", RaidLevel.")}`);
    }
    this.check(C.checkStringList(o.devices, `${field}.devices`));
    if (!o.devices || o.devices.length === 0) this.fail(`${field}.devices`, "the array has no member devices", "list at least one device, for example /dev/disk/by-id/...");
    o.devices.forEach((d, i) => this.check(C.checkNodePath(d, `${field}.devices[${i}]`)));
    this.check(C.checkNoDuplicates(o.devices, `${field}.devices`));
    this.check(C.checkInteger(o.spares, `${field}.spares`, 0, C.GO_INT32_MAX));
    if (o.spares && C.RAID_LEVELS_WITHOUT_SPARES.includes(o.level)) {
      this.fail(`${field}.spares`, `level ${o.level} cannot have spares`, "drop spares, or choose a mirrored or parity level");
    }
    this.check(C.checkStringList(o.options, `${field}.options`));
    const spec: RaidSpec = prune({ name, level: o.level, devices: [...o.devices], spares: o.spares, options: o.options ? [...o.options] : undefined });
    this.putKeyed(this.r.raid, name, { spec, origin: this.name }, field, "RAID array", false);
    return this;
  }

  /** Creates (or declares) a filesystem on a device. */
  public addFilesystem(device: string, options: FilesystemOptions): this {
    const field = `storage.filesystems[${k(device)}]`;
    this.check(C.checkNodePath(device, `${field}.device`));
    const o = (options ?? {}) as FilesystemOptions;
    if (!(C.FILESYSTEM_FORMATS as readonly unknown[]).includes(o.format)) {
      this.fail(`${field}.format`, `${C.show(o.format)} is not a filesystem format Ignition creates`, `use FilesystemFormat.${Object.keys(FilesystemFormat).join(", FilesystemFormat.")}`);
    }
    if (o.path !== undefined) this.check(C.checkAbsolutePath(o.path, `${field}.path`));
    this.check(C.checkFilesystemLabel(o.format, o.label, `${field}.label`));
    if (o.uuid !== undefined) this.check(C.checkNonEmptyString(o.uuid, `${field}.uuid`));
    this.check(C.checkBoolean(o.wipeFilesystem, `${field}.wipeFilesystem`));
    this.check(C.checkStringList(o.options, `${field}.options`));
    this.check(C.checkStringList(o.mountOptions, `${field}.mountOptions`));
    const spec: FilesystemSpec = prune({
      device,
      format: o.format,
      path: o.path,
      label: o.label,
      uuid: o.uuid,
      wipeFilesystem: o.wipeFilesystem,
      options: o.options ? [...o.options] : undefined,
      mountOptions: o.mountOptions ? [...o.mountOptions] : undefined,
    });
    this.putKeyed(this.r.filesystems, device, { spec, origin: this.name }, field, "filesystem", false);
    return this;
  }

  /** Adds a LUKS volume, opened as /dev/mapper/<name>. Clevis is refused where the OS lacks it (Flatcar). */
  public addLuks(name: string, options: LuksOptions): this {
    const field = `storage.luks[${k(name)}]`;
    this.check(C.checkLuksName(name, `${field}.name`));
    const o = (options ?? {}) as LuksOptions;
    this.check(C.checkNodePath(o.device, `${field}.device`));
    const clevis = o.clevis === undefined ? undefined : this.clevis(o.clevis, `${field}.clevis`);
    this.check(C.checkBoolean(o.cex, `${field}.cex`));
    // config/v3_5/types/luks.go: ErrCexWithClevis, ErrCexWithKeyFile.
    if (o.cex === true && clevis) this.fail(`${field}.cex`, "a volume cannot use both cex and clevis", "choose one way to unlock it");
    if (o.cex === true && o.keyFile !== undefined) this.fail(`${field}.cex`, "a cex volume takes no keyFile (the card holds the key)", "drop keyFile");
    const keyFile = o.keyFile === undefined ? undefined : this.content(o.keyFile, `${field}.keyFile`);
    if (o.label !== undefined) {
      this.check(C.checkString(o.label, `${field}.label`));
      // config/v3_3/types/luks.go: LUKS2 labels hold 47 characters.
      if (o.label.length > 47) this.fail(`${field}.label`, `the LUKS label is ${o.label.length} characters; LUKS2 allows 47`, "shorten it");
    }
    if (o.uuid !== undefined) this.check(C.checkNonEmptyString(o.uuid, `${field}.uuid`));
    this.check(C.checkStringList(o.options, `${field}.options`));
    this.check(C.checkBoolean(o.wipeVolume, `${field}.wipeVolume`));
    this.check(C.checkBoolean(o.discard, `${field}.discard`));
    this.check(C.checkStringList(o.openOptions, `${field}.openOptions`));
    const spec = prune({
      name,
      device: o.device,
      label: o.label,
      uuid: o.uuid,
      options: o.options ? [...o.options] : undefined,
      wipeVolume: o.wipeVolume,
      discard: o.discard,
      openOptions: o.openOptions ? [...o.openOptions] : undefined,
      clevis,
      cex: o.cex === undefined ? undefined : { enabled: o.cex },
    });
    this.putLuks(name, { spec, keyFile, origin: this.name }, false);
    return this;
  }

  /**
   * Adds kernel arguments that must be on the command line (Ignition rewrites the boot config and
   * reboots once). Flatcar applies them from release 3185 (flatcar/mantle kola test
   * cl.ignition.kargs, MinVersion 3185).
   */
  public addKernelArguments(...args: string[]): this {
    return this.kernelArguments(args, true);
  }

  /** Adds kernel arguments that must not be on the command line. */
  public removeKernelArguments(...args: string[]): this {
    return this.kernelArguments(args, false);
  }

  // -------------------------------------------------------------------------------------------
  // ignition: config, timeouts, security, proxy

  /** Merges a config Ignition fetches (or takes inline) into this one at boot. */
  public mergeConfig(config: ResourceInput): this {
    const field = "ignition.config.merge";
    const content = this.content(config, field);
    this.putResource(this.r.mergeConfigs, { key: contentKey(content), content, origin: this.name }, field, "merged config", false);
    return this;
  }

  /**
   * Replaces this config at boot with the one fetched from `config`: everything else in this
   * config is then ignored (the pattern for a small stub pointing at a large config in S3).
   */
  public replaceConfig(config: ResourceInput): this {
    const field = "ignition.config.replace";
    const content = this.content(config, field);
    this.putReplace({ key: contentKey(content), content, origin: this.name }, false);
    return this;
  }

  /** Sets Ignition's HTTP timeouts, in seconds. */
  public setTimeouts(timeouts: TimeoutOptions): this {
    const o = (timeouts ?? {}) as TimeoutOptions;
    for (const k of ["httpResponseHeaders", "httpTotal"] as const) this.check(C.checkInteger(o[k], `ignition.timeouts.${k}`, 0, C.GO_INT32_MAX, " seconds"));
    for (const k of ["httpResponseHeaders", "httpTotal"] as const) if (o[k] !== undefined) this.putSetting(this.r.timeouts, k, o[k]!, `ignition.timeouts.${k}`, this.name, false);
    return this;
  }

  /** Adds a certificate authority Ignition trusts for https fetches: inline PEM text or a remote resource. */
  public addCertificateAuthority(ca: ResourceInput): this {
    const field = "ignition.security.tls.certificateAuthorities";
    const content = this.content(ca, field);
    if (content.kind === "text" && !content.text.includes("-----BEGIN CERTIFICATE-----")) {
      this.fail(field, "the text is not a PEM certificate (no -----BEGIN CERTIFICATE----- line)", "pass the CA certificate in PEM form");
    }
    this.putResource(this.r.certificateAuthorities, { key: contentKey(content), content, origin: this.name }, field, "certificate authority", false);
    return this;
  }

  /** Sets the proxy Ignition uses for its own fetches. */
  public setProxy(proxy: ProxyOptions): this {
    const o = (proxy ?? {}) as ProxyOptions;
    this.check(C.checkProxyUrl(o.httpProxy, "ignition.proxy.httpProxy"));
    this.check(C.checkProxyUrl(o.httpsProxy, "ignition.proxy.httpsProxy"));
    this.check(C.checkStringList(o.noProxy, "ignition.proxy.noProxy"));
    (o.noProxy ?? []).forEach((h, i) => this.check(C.checkNonEmptyString(h, `ignition.proxy.noProxy[${i}]`)));
    for (const k of ["httpProxy", "httpsProxy"] as const) {
      if (o[k] !== undefined && this.r.proxy.get(k) && this.r.proxy.get(k)!.value !== o[k]) {
        this.fail(`ignition.proxy.${k}`, `already set to ${C.show(this.r.proxy.get(k)!.value)}`, "set the proxy once");
      }
    }
    for (const k of ["httpProxy", "httpsProxy"] as const) if (o[k] !== undefined) this.r.proxy.set(k, { value: o[k]!, origin: this.name });
    for (const h of o.noProxy ?? []) if (!this.r.noProxy.has(h)) this.r.noProxy.set(h, this.name);
    return this;
  }

  // -------------------------------------------------------------------------------------------
  // merge

  /**
   * Adds a Butane config (YAML text; variants `flatcar` 1.0.0-1.1.0 and `fcos` 1.x): its files,
   * directories, links, units, dropins, users, groups and kernel arguments, through the typed calls
   * above, merged as {@link merge} does. What Butane reads from local files at transpile time, and
   * parts without a typed call here, are refused naming the Butane field (lib/ignition/butane).
   * The config is left as it was when the call is refused.
   */
  public addButane(yamlText: string): this {
    const part = new IgnitionConfig({ version: this.version, name: this.name });
    applyButane(part, yamlText, this.name);
    return this.merge(part);
  }

  /**
   * Adds everything `other` holds to this config. Paths, units, users, groups, devices and
   * settings both define are refused with a message naming both configs; dropins of one unit,
   * ssh keys of one user and kernel arguments combine. `other` is not changed, and neither is
   * this config when the merge is refused.
   */
  public merge(other: IgnitionConfig): this {
    return this.mergeRecords(other);
  }

  /**
   * Adds a part that a config holds once however often it is asked for (a unit several helpers
   * need): `build` runs on an empty config the first time `key` is seen, and its content is added
   * here. A later call with the same key does nothing, and so does a merge of another config that
   * holds the same part under the same key, so two escape hatches that each use one helper merge.
   */
  public addShared(key: string, build: (part: IgnitionConfig) => void): this {
    if (this.r.shared.has(key)) return this;
    const part = new IgnitionConfig({ version: this.version, name: this.name, variant: this.variant });
    build(part);
    const scratch = new IgnitionConfig({ version: this.version, name: this.name, variant: this.variant });
    scratch.absorb(this.r, false);
    scratch.absorb(part.r, false);
    scratch.r.shared.set(key, part.r);
    this.r = scratch.r;
    this.parents = scratch.parents;
    return this;
  }

  private mergeRecords(other: IgnitionConfig): this {
    if (!(other instanceof IgnitionConfig)) {
      this.fail("merge", `expected an IgnitionConfig, got ${C.show(other)}`, "pass another IgnitionConfig");
    }
    if (other === this) this.fail("merge", "a config cannot be merged into itself", "merge a different config");
    const scratch = new IgnitionConfig({ version: this.version, name: this.name, variant: this.variant });
    scratch.absorb(this.r, false);
    scratch.absorb(other.r, true);
    this.r = scratch.r;
    this.parents = scratch.parents;
    return this;
  }

  // -------------------------------------------------------------------------------------------
  // render

  /** The rendered config as an object (contents encoded). */
  public toSpec(options: RenderOptions = {}): IgnitionSpec {
    const encoder = options?.encoder ?? localEncoder;
    const r = this.r;
    if (encoder === localEncoder) this.refuseDeferred();
    const ignition: IgnitionSection = { version: this.version };
    if (r.mergeConfigs.size || r.replaceConfig) {
      ignition.config = prune({
        merge: r.mergeConfigs.size ? [...r.mergeConfigs.values()].map((c) => renderContent(c.content, encoder)) : undefined,
        replace: r.replaceConfig ? renderContent(r.replaceConfig.content, encoder) : undefined,
      });
    }
    if (r.timeouts.size) {
      ignition.timeouts = prune({ httpResponseHeaders: r.timeouts.get("httpResponseHeaders")?.value, httpTotal: r.timeouts.get("httpTotal")?.value });
    }
    if (r.certificateAuthorities.size) {
      ignition.security = { tls: { certificateAuthorities: [...r.certificateAuthorities.values()].map((c) => renderContent(c.content, encoder)) } };
    }
    if (r.proxy.size || r.noProxy.size) {
      ignition.proxy = prune({
        httpProxy: r.proxy.get("httpProxy")?.value,
        httpsProxy: r.proxy.get("httpsProxy")?.value,
        noProxy: r.noProxy.size ? [...r.noProxy.keys()] : undefined,
      });
    }
    const spec: IgnitionSpec = { ignition };

    const nodes = [...r.nodes.values()];
    const files = nodes.filter((n): n is FileRecord => n.kind === "file").map((f) => renderFile(f, encoder));
    const directories = nodes.filter((n): n is DirectoryRecord => n.kind === "directory").map(renderDirectory);
    const links = nodes.filter((n): n is LinkRecord => n.kind === "link").map(renderLink);
    const storage: StorageSection = prune({
      disks: values(r.disks),
      raid: values(r.raid),
      luks: r.luks.size ? [...r.luks.values()].map((l): LuksSpec => prune({ ...l.spec, keyFile: l.keyFile ? renderContent(l.keyFile, encoder) : undefined })) : undefined,
      filesystems: values(r.filesystems),
      files: files.length ? files : undefined,
      directories: directories.length ? directories : undefined,
      links: links.length ? links : undefined,
    });
    if (Object.keys(storage).length) spec.storage = storage;

    if (r.units.size) {
      spec.systemd = {
        units: [...r.units.values()].map(
          (u): UnitSpec =>
            prune({
              name: u.name,
              enabled: u.enabled,
              mask: u.mask,
              contents: u.contents,
              dropins: u.dropins.size ? [...u.dropins.values()].map((d) => ({ name: d.name, contents: d.contents })) : undefined,
            }),
        ),
      };
    }
    if (r.users.size || r.groups.size) {
      spec.passwd = prune({
        users: r.users.size ? [...r.users.values()].map((u): UserSpec => prune({ ...u.spec, sshAuthorizedKeys: u.keys.length ? [...u.keys] : undefined })) : undefined,
        groups: values(r.groups),
      });
    }
    if (r.kernelArguments.size) {
      const args = [...r.kernelArguments.entries()];
      spec.kernelArguments = prune({
        shouldExist: nonEmpty(args.filter(([, a]) => a.exists).map(([k]) => k)),
        shouldNotExist: nonEmpty(args.filter(([, a]) => !a.exists).map(([k]) => k)),
      });
    }
    return spec;
  }

  /** The config as JSON text, deterministic for the same calls. */
  public render(options: RenderOptions = {}): string {
    return JSON.stringify(this.toSpec(options), undefined, options?.pretty ? 2 : undefined);
  }

  /** Size in bytes of the rendered JSON (apply-time values counted as their placeholders). */
  public renderedSize(options: RenderOptions = {}): number {
    return Buffer.byteLength(this.render(options), "utf8");
  }

  // -------------------------------------------------------------------------------------------
  // internals

  /** Text holding apply-time values cannot be encoded locally: say which field holds it. */
  private refuseDeferred(): void {
    const contents: [Content | undefined, string][] = [];
    for (const n of this.r.nodes.values()) {
      if (n.kind !== "file") continue;
      contents.push([n.content, `storage.files[${n.path}].contents`]);
      for (const a of n.append ?? []) contents.push([a, `storage.files[${n.path}].append`]);
    }
    for (const c of this.r.mergeConfigs.values()) contents.push([c.content, "ignition.config.merge"]);
    contents.push([this.r.replaceConfig?.content, "ignition.config.replace"]);
    for (const c of this.r.certificateAuthorities.values()) contents.push([c.content, "ignition.security.tls.certificateAuthorities"]);
    for (const [name, l] of this.r.luks) contents.push([l.keyFile, `storage.luks[${name}].keyFile`]);
    for (const [c, field] of contents) {
      if (c?.kind === "text" && isDeferred(c.text)) {
        this.fail(
          field,
          "the text holds a value known only at apply time (a cdktf token), which rendering without an encoder cannot encode",
          "render through the platform, which passes a Terraform encoder (render({ encoder })); in tests, render with a stand-in encoder and pass the result through substituteDeferred()",
        );
      }
    }
  }

  private fail(field: string, problem: string, fix: string): never {
    throw new MicroOsError(this.name, field, problem, fix);
  }

  private check(p: C.Problem | undefined): void {
    if (p) this.fail(p.field, p.problem, p.fix);
  }

  private nodeOptions(path: string, list: "files" | "directories" | "links", options: FileOptions, defaultMode: number | undefined) {
    const field = `storage.${list}[${k(path)}]`;
    this.check(C.checkNodePath(path, `${field}.path`));
    const o = (options ?? {}) as FileOptions;
    if (typeof o !== "object") this.fail(field, `expected options as an object, got ${C.show(o)}`, "pass { mode, overwrite, user, group }");
    this.check(C.checkMode(o.mode, `${field}.mode`));
    if (list !== "links") this.checkModeFeatures(o.mode, `${field}.mode`);
    this.check(C.checkBoolean(o.overwrite, `${field}.overwrite`));
    this.check(C.checkOwner(o.user, `${field}.user`, "user"));
    this.check(C.checkOwner(o.group, `${field}.group`, "group"));
    return {
      mode: list === "links" ? undefined : (o.mode ?? defaultMode),
      overwrite: o.overwrite,
      user: o.user ? prune({ id: o.user.id, name: o.user.name }) : undefined,
      group: o.group ? prune({ id: o.group.id, name: o.group.name }) : undefined,
    };
  }

  private remoteResource(o: RemoteResource, field: string): RemoteResource {
    if (typeof o !== "object" || o === null) this.fail(field, `expected { source, hash }, got ${C.show(o)}`, "pass { source, hash: { algorithm, hex } }");
    this.check(C.checkBoolean(o.gzip, `${field}.compression`));
    if (o.hash !== undefined) {
      if (typeof o.hash !== "object" || o.hash === null) this.fail(`${field}.verification.hash`, `expected { algorithm, hex }, got ${C.show(o.hash)}`, "pass hash: { algorithm: \"sha512\", hex }");
      this.check(C.checkHashParts(o.hash.algorithm, o.hash.hex, `${field}.verification.hash`));
    }
    let headers: HttpHeader[] | undefined;
    if (o.httpHeaders !== undefined) {
      if (!Array.isArray(o.httpHeaders)) this.fail(`${field}.httpHeaders`, `expected a list of { name, value }, got ${C.show(o.httpHeaders)}`, "pass [{ name, value }]");
      headers = o.httpHeaders.map((h, i) => {
        this.check(C.checkNonEmptyString(h?.name, `${field}.httpHeaders[${i}].name`));
        this.check(C.checkString(h.value, `${field}.httpHeaders[${i}].value`));
        return { name: h.name, value: h.value };
      });
      this.check(C.checkNoDuplicates(headers.map((h) => h.name), `${field}.httpHeaders`));
    }
    this.check(
      C.checkSource(o.source, `${field}.source`, {
        version: this.version,
        hasHash: o.hash !== undefined,
        compression: o.gzip ? "gzip" : undefined,
        hasHeaders: headers !== undefined && headers.length > 0,
        variant: this.variant,
      }),
    );
    return { source: o.source, hash: o.hash ? { algorithm: o.hash.algorithm, hex: o.hash.hex } : undefined, gzip: o.gzip, httpHeaders: headers };
  }

  private content(input: ResourceInput, field: string): Content {
    if (typeof input !== "object" || input === null) {
      this.fail(field, `expected { text }, { bytes } or { source, hash }, got ${C.show(input)}`, "pass inline text, bytes, or a remote source with its hash");
    }
    if ("source" in input) return { kind: "remote", resource: this.remoteResource(input, field) };
    if ("text" in input) {
      this.check(C.checkString(input.text, `${field}.text`));
      return { kind: "text", text: input.text };
    }
    if ("bytes" in input && input.bytes instanceof Uint8Array) return { kind: "bytes", bytes: Uint8Array.from(input.bytes) };
    return this.fail(field, `expected { text }, { bytes } or { source, hash }, got ${C.show(input)}`, "pass inline text, bytes, or a remote source with its hash");
  }

  private partition(p: PartitionOptions, field: string): PartitionSpec {
    if (typeof p !== "object" || p === null) this.fail(field, `expected a partition, got ${C.show(p)}`, "pass { number, label, sizeMiB, ... }");
    this.check(C.checkInteger(p.number, `${field}.number`, 0, C.GPT_MAX_PARTITIONS));
    this.check(C.checkPartitionLabel(p.label, `${field}.label`));
    if (!p.number && p.label === undefined) this.fail(field, "the partition has neither a number nor a label", "give it a number (1, 2, ...) or a label");
    this.check(C.checkInteger(p.sizeMiB, `${field}.sizeMiB`, 0, Number.MAX_SAFE_INTEGER));
    this.check(C.checkInteger(p.startMiB, `${field}.startMiB`, 0, Number.MAX_SAFE_INTEGER));
    this.check(C.checkGuid(p.typeGuid, `${field}.typeGuid`));
    this.check(C.checkGuid(p.guid, `${field}.guid`));
    for (const b of ["wipePartitionEntry", "shouldExist", "resize"] as const) this.check(C.checkBoolean(p[b], `${field}.${b}`));
    // config/v3_3/types/partition.go: ErrShouldNotExistWithOthers.
    if (p.shouldExist === false && (p.label !== undefined || p.typeGuid !== undefined || p.guid !== undefined || p.startMiB !== undefined || p.sizeMiB !== undefined)) {
      this.fail(field, "the partition is to be deleted (shouldExist: false) yet has a label, GUID, start or size", "give only its number with shouldExist: false");
    }
    return prune({
      number: p.number,
      label: p.label,
      sizeMiB: p.sizeMiB,
      startMiB: p.startMiB,
      typeGuid: p.typeGuid,
      guid: p.guid,
      wipePartitionEntry: p.wipePartitionEntry,
      shouldExist: p.shouldExist,
      resize: p.resize,
    });
  }

  /** The checks of config/v3_3/types/disk.go across a disk's partitions. */
  private checkPartitionSet(parts: readonly PartitionSpec[], field: string): void {
    const numbers = parts.filter((p) => p.number).map((p) => String(p.number));
    this.check(C.checkNoDuplicates(numbers, `${field}.partitions[].number`));
    const labels = parts.filter((p) => p.label !== undefined).map((p) => p.label!);
    this.check(C.checkNoDuplicates(labels, `${field}.partitions[].label`));
    if (parts.some((p) => !p.number) && parts.some((p) => p.shouldExist === false)) {
      this.fail(`${field}.partitions`, "partitions without a number are mixed with partitions to delete", "give every partition a number when one of them has shouldExist: false");
    }
    const placed = parts.filter((p) => p.startMiB && p.sizeMiB !== undefined);
    for (const a of placed) {
      for (const b of placed) {
        if (a === b) continue;
        const aEnd = a.sizeMiB ? a.startMiB! + a.sizeMiB - 1 : a.startMiB!;
        const bEnd = b.sizeMiB ? b.startMiB! + b.sizeMiB - 1 : b.startMiB!;
        if (a.startMiB! <= bEnd && b.startMiB! <= aEnd) {
          this.fail(`${field}.partitions`, `partitions ${a.label ?? a.number} and ${b.label ?? b.number} overlap`, "move startMiB or shrink sizeMiB so they do not overlap");
        }
      }
    }
  }

  private kernelArguments(args: readonly string[], exists: boolean): this {
    const list = exists ? "shouldExist" : "shouldNotExist";
    args.forEach((a, i) => this.check(C.checkKernelArgument(a, `kernelArguments.${list}[${i}]`)));
    for (const a of args) this.putKernelArgument(a, exists, this.name, false);
    return this;
  }

  private putKernelArgument(arg: string, exists: boolean, origin: string, merging: boolean): void {
    const prev = this.r.kernelArguments.get(arg);
    if (prev && prev.exists !== exists) {
      const where = merging && prev.origin !== origin ? ` (${prev.origin} wants it ${prev.exists ? "present" : "absent"}, ${origin} the opposite)` : "";
      this.fail(`kernelArguments[${arg}]`, `${C.show(arg)} is asked to be both present and absent${where}`, "keep it in one of addKernelArguments() and removeKernelArguments()");
    }
    if (!prev) this.r.kernelArguments.set(arg, { exists, origin });
  }

  private putNode(n: NodeRecord, merging: boolean): void {
    const list = n.kind === "file" ? "files" : n.kind === "directory" ? "directories" : "links";
    const field = `storage.${list}[${n.path}].path`;
    const prev = this.r.nodes.get(n.path);
    if (prev?.kind === "file" && n.kind === "file" && (!prev.content || !n.content)) {
      // One of them only appends: the file keeps the contents and options of the other, and
      // both lists of appends in order.
      const main = prev.content ? prev : n;
      const append = [...(prev.append ?? []), ...(n.append ?? [])];
      for (const c of append) this.checkContentVersion(c, `storage.files[${n.path}].append`);
      this.r.nodes.set(n.path, { ...main, append: append.length ? append : undefined });
      return;
    }
    if (prev) {
      if (merging && prev.origin !== n.origin) {
        this.fail(field, `${n.path} is ${KIND_WORD[prev.kind]} in ${prev.origin} and ${KIND_WORD[n.kind]} in ${n.origin}`, "define each path in one of the configs");
      }
      if (prev.kind === n.kind) this.fail(field, `${n.path} is already ${KIND_WORD[prev.kind]}`, "use each path once");
      this.fail(field, `${n.path} is already ${KIND_WORD[prev.kind]}; a path cannot be both ${KIND_WORD[prev.kind]} and ${KIND_WORD[n.kind]}`, "use each path once");
    }
    for (const a of C.ancestors(n.path)) {
      const up = this.r.nodes.get(a);
      if (up && up.kind !== "directory") {
        const both = merging && up.origin !== n.origin ? ` (${a} comes from ${up.origin}, ${n.path} from ${n.origin})` : "";
        const why = up.kind === "link" ? "; Ignition refuses paths through a link it creates" : "";
        this.fail(field, `${n.path} lies under ${a}, which is ${KIND_WORD[up.kind]}${why}${both}`, up.kind === "link" ? `write it under the link's target ${C.show((up as LinkRecord).target)}` : `make ${a} a directory, or move ${n.path}`);
      }
    }
    const below = this.parents.get(n.path);
    if (below !== undefined && n.kind !== "directory") {
      this.fail(field, `${n.path} would be ${KIND_WORD[n.kind]}, but ${below} lies under it, so it must be a directory`, `use another path for the ${n.kind}, or move ${below}`);
    }
    if (n.kind === "link" && n.hard) {
      const target = hardLinkTarget(n);
      if (this.r.nodes.get(target)?.kind === "directory" || this.parents.has(target) || C.ancestors(n.path).includes(target)) {
        this.fail(`storage.links[${n.path}].target`, `the hard link points at ${target}, a directory; hard links to directories are impossible`, "make it a symbolic link (hard: false)");
      }
    }
    // The new node makes its ancestors directories (and itself, if a directory): none of them
    // may be the target of a hard link.
    const becomeDirs = new Set([...C.ancestors(n.path), ...(n.kind === "directory" ? [n.path] : [])]);
    for (const l of this.r.nodes.values()) {
      if (l.kind !== "link" || !l.hard) continue;
      const target = hardLinkTarget(l);
      if (becomeDirs.has(target)) {
        this.fail(field, `${target} would be a directory, but the hard link ${l.path} points at it`, "make that link symbolic, or use another path");
      }
    }
    this.r.nodes.set(n.path, n);
    for (const a of C.ancestors(n.path)) if (!this.parents.has(a)) this.parents.set(a, n.path);
  }

  private putUser(name: string, u: UserRecord, merging: boolean): void {
    const field = `passwd.users[${k(name)}]`;
    const prev = this.r.users.get(name);
    if (prev && prev.declared && u.declared) {
      if (merging && prev.origin !== u.origin) this.fail(field, `the user is defined in both ${prev.origin} and ${u.origin}`, "define the user in one config; the other may add keys with addSshKeys()");
      this.fail(field, "the user is already defined", "define each user once; add keys with addSshKeys()");
    }
    const declared = prev?.declared ? prev : u;
    const keys = unique([...(prev?.keys ?? []), ...u.keys]);
    if (declared.spec.shouldExist === false && keys.length) {
      this.fail(`${field}.sshAuthorizedKeys`, "the user is to be deleted (shouldExist: false) yet gets ssh keys", "drop the keys or drop shouldExist: false");
    }
    if (declared.spec.shouldExist === false && Object.keys(declared.spec).some((k) => k !== "name" && k !== "shouldExist")) {
      this.fail(field, "the user is to be deleted (shouldExist: false) yet has other fields", "give only the name with shouldExist: false");
    }
    this.r.users.set(name, { origin: declared.origin, declared: declared.declared, spec: declared.spec, keys });
  }

  private putKeyed<T>(map: Map<string, Keyed<T>>, key: string, rec: Keyed<T>, field: string, what: string, merging: boolean): void {
    const prev = map.get(key);
    if (prev) {
      if (merging && prev.origin !== rec.origin) this.fail(field, `the ${what} is defined in both ${prev.origin} and ${rec.origin}`, `define the ${what} in one config`);
      this.fail(field, `the ${what} is already defined`, `define each ${what} once`);
    }
    map.set(key, rec);
  }

  private putLuks(name: string, rec: LuksRecord, merging: boolean): void {
    const field = `storage.luks[${k(name)}]`;
    const prev = this.r.luks.get(name);
    if (prev) {
      if (merging && prev.origin !== rec.origin) this.fail(field, `the LUKS volume is defined in both ${prev.origin} and ${rec.origin}`, "define the volume in one config");
      this.fail(field, "the LUKS volume is already defined", "define each LUKS volume once");
    }
    this.checkLuksFeatures(rec.spec, field);
    if (rec.keyFile) this.checkContentVersion(rec.keyFile, `${field}.keyFile`);
    this.r.luks.set(name, rec);
  }

  private putResource(map: Map<string, ResourceRecord>, rec: ResourceRecord, field: string, what: string, merging: boolean): void {
    const prev = map.get(rec.key);
    if (prev) {
      if (merging && prev.origin !== rec.origin) this.fail(field, `the same ${what} is added by both ${prev.origin} and ${rec.origin}; Ignition refuses duplicate list entries`, `add the ${what} in one config`);
      this.fail(field, `the ${what} is already added; Ignition refuses duplicate list entries`, `add each ${what} once`);
    }
    this.checkContentVersion(rec.content, field);
    map.set(rec.key, rec);
  }

  private putReplace(rec: ResourceRecord, merging: boolean): void {
    const prev = this.r.replaceConfig;
    if (prev) {
      if (merging && prev.origin !== rec.origin) this.fail("ignition.config.replace", `both ${prev.origin} and ${rec.origin} replace the config`, "let one config set the replacement");
      this.fail("ignition.config.replace", "the replacement config is already set", "set it once");
    }
    this.checkContentVersion(rec.content, "ignition.config.replace");
    this.r.replaceConfig = rec;
  }

  private putSetting<K extends string, V>(map: Map<K, { readonly value: V; readonly origin: string }>, key: K, value: V, field: string, origin: string, merging: boolean): void {
    const prev = map.get(key);
    if (prev && prev.value !== value) {
      const who = merging && prev.origin !== origin ? ` by ${prev.origin}; ${origin} sets ${C.show(value)}` : "";
      this.fail(field, `already set to ${C.show(prev.value)}${who}`, "set it once");
    }
    if (!prev) map.set(key, { value, origin });
  }

  /** Re-checks a fetched source against this config's version (merging a 3.4.0 config into a 3.3.0 one). */
  private checkContentVersion(c: Content, field: string): void {
    if (c.kind === "remote" && /^arn:/i.test(c.resource.source)) this.feature(`${field}.source`, IgnitionFeature.ARN_SOURCE);
  }

  /** Refuses a feature this config's spec or OS lacks. */
  private feature(field: string, feature: IgnitionFeature): void {
    this.check(C.checkFeature(field, feature, this.version, this.variant));
  }

  /** The spec and OS checks of a LUKS volume (at the call, and again when merged into another config). */
  private checkLuksFeatures(l: Omit<LuksSpec, "keyFile">, field: string): void {
    if (l.discard !== undefined) this.feature(`${field}.discard`, IgnitionFeature.LUKS_DISCARD);
    if (l.openOptions !== undefined) this.feature(`${field}.openOptions`, IgnitionFeature.LUKS_OPEN_OPTIONS);
    if (l.cex !== undefined) this.feature(`${field}.cex`, IgnitionFeature.LUKS_CEX);
    if (l.clevis) {
      this.feature(`${field}.clevis`, IgnitionFeature.LUKS_CLEVIS);
      (l.clevis.tang ?? []).forEach((t, i) => {
        if (t.advertisement !== undefined) this.feature(`${field}.clevis.tang[${i}].advertisement`, IgnitionFeature.TANG_ADVERTISEMENT);
      });
      const pin = l.clevis.custom?.pin;
      // config/v3_5/types/clevis.go limits custom pins to tpm2, tang and sss; config/v3_6 does not.
      if (pin !== undefined && !["tpm2", "tang", "sss"].includes(pin)) this.feature(`${field}.clevis.custom.pin`, IgnitionFeature.CLEVIS_ANY_CUSTOM_PIN);
    }
  }

  /** Mode bits beyond the permissions (setuid, setgid, sticky) are applied from spec 3.6.0. */
  private checkModeFeatures(mode: number | undefined, field: string): void {
    // coreos/ignition docs/migrating-configs.md "From Version 3.5.0 to 3.6.0": earlier specs ignore
    // these bits (config/v3_5/types/mode.go validateModeSpecialBits warns).
    if (mode !== undefined && (mode & 0o7000) !== 0) this.feature(field, IgnitionFeature.MODE_SPECIAL_BITS);
  }

  private clevis(c: ClevisOptions, field: string): NonNullable<LuksSpec["clevis"]> {
    if (typeof c !== "object" || c === null) this.fail(field, `expected { tpm2, tang, threshold, custom }, got ${C.show(c)}`, "pass clevis: { tpm2: true } or { tang: [{ url, thumbprint }] }");
    checkProps(this.name, field, c, object({ tpm2: () => undefined, tang: () => undefined, threshold: () => undefined, custom: () => undefined }));
    this.check(C.checkBoolean(c.tpm2, `${field}.tpm2`));
    this.check(C.checkInteger(c.threshold, `${field}.threshold`, 1, C.GO_INT32_MAX));
    if (c.tang !== undefined && !Array.isArray(c.tang)) this.fail(`${field}.tang`, `expected a list of { url, thumbprint }, got ${C.show(c.tang)}`, "pass tang: [{ url, thumbprint }]");
    const tang = (c.tang ?? []).map((t, i) => {
      const tf = `${field}.tang[${i}]`;
      if (typeof t !== "object" || t === null) this.fail(tf, `expected { url, thumbprint }, got ${C.show(t)}`, "pass { url, thumbprint }");
      // config/v3_6/types/tang.go: an http or https URL, a thumbprint, an advertisement that is JSON.
      this.check(C.checkNonEmptyString(t.url, `${tf}.url`));
      if (!/^https?:\/\/./i.test(t.url)) this.fail(`${tf}.url`, `the Tang URL ${C.show(t.url)} is not http or https`, "give http://host or https://host");
      this.check(C.checkNonEmptyString(t.thumbprint, `${tf}.thumbprint`));
      if (t.advertisement !== undefined) {
        this.check(C.checkNonEmptyString(t.advertisement, `${tf}.advertisement`));
        try {
          JSON.parse(t.advertisement);
        } catch {
          this.fail(`${tf}.advertisement`, "the advertisement is not JSON", "paste the output of `curl <tang url>/adv`");
        }
      }
      return prune({ url: t.url, thumbprint: t.thumbprint, advertisement: t.advertisement });
    });
    this.check(C.checkNoDuplicates(tang.map((t) => t.url), `${field}.tang`));
    let custom: { pin: string; config: string; needsNetwork?: boolean } | undefined;
    if (c.custom !== undefined) {
      const u = c.custom;
      if (typeof u !== "object" || u === null) this.fail(`${field}.custom`, `expected { pin, config }, got ${C.show(u)}`, "pass custom: { pin, config }");
      // config/v3_6/types/clevis.go: a custom binding needs both pin and config.
      this.check(C.checkNonEmptyString(u.pin, `${field}.custom.pin`));
      this.check(C.checkNonEmptyString(u.config, `${field}.custom.config`));
      this.check(C.checkBoolean(u.needsNetwork, `${field}.custom.needsNetwork`));
      // config/v3_6/types/luks.go: ErrClevisCustomWithOthers.
      if (c.tpm2 === true || tang.length > 0 || (c.threshold ?? 0) !== 0) this.fail(field, "a custom pin cannot be combined with tpm2, tang or threshold", "use either the custom pin or tpm2/tang");
      custom = prune({ pin: u.pin, config: u.config, needsNetwork: u.needsNetwork });
    }
    if (c.tpm2 !== true && tang.length === 0 && !custom) this.fail(field, "the clevis binding names no TPM2, Tang server or custom pin", "give tpm2: true, tang: [...] or custom: { pin, config }");
    return prune({ custom, tang: tang.length ? tang : undefined, threshold: c.threshold, tpm2: c.tpm2 });
  }

  /** Replays records into this config; `merging` makes conflicts name both configs. */
  private absorb(from: Records, merging: boolean): void {
    const label = (origin: string) => (merging && origin === this.name ? `${origin} (merged)` : origin);
    // Shared parts this config already holds are not added twice.
    let src = from;
    for (const [key, part] of from.shared) {
      if (this.r.shared.has(key)) src = withoutPart(src, part);
      else this.r.shared.set(key, part);
    }
    for (const n of src.nodes.values()) {
      if (n.kind === "file" && n.content) this.checkContentVersion(n.content, `storage.files[${n.path}].contents`);
      if (n.kind !== "link") this.checkModeFeatures(n.mode, `storage.${n.kind === "file" ? "files" : "directories"}[${n.path}].mode`);
      this.putNode({ ...n, origin: label(n.origin) }, merging);
    }
    for (const u of src.units.values()) {
      const origin = label(u.origin);
      const prev = this.r.units.get(u.name);
      const field = `systemd.units[${u.name}]`;
      if (!prev) {
        this.r.units.set(u.name, { ...u, origin, dropins: new Map([...u.dropins].map(([k, d]) => [k, { ...d, origin: label(d.origin) }])) });
        continue;
      }
      if (prev.declared && u.declared) {
        this.fail(field, merging && prev.origin !== origin ? `the unit is defined in both ${prev.origin} and ${origin}` : "the unit is already defined", "define the unit in one config; the other may add dropins");
      }
      for (const d of u.dropins.values()) {
        const other = prev.dropins.get(d.name);
        if (other) this.fail(`${field}.dropins[${d.name}]`, `the dropin is defined in both ${other.origin} and ${label(d.origin)}`, "give each dropin its own name");
        prev.dropins.set(d.name, { ...d, origin: label(d.origin) });
      }
      if (u.declared) {
        prev.declared = true;
        prev.origin = origin;
        prev.contents = u.contents;
        prev.enabled = u.enabled;
        prev.mask = u.mask;
      }
    }
    for (const [name, u] of src.users) this.putUser(name, { ...u, origin: label(u.origin), keys: [...u.keys] }, merging);
    for (const [k, g] of src.groups) this.putKeyed(this.r.groups, k, { ...g, origin: label(g.origin) }, `passwd.groups[${k}]`, "group", merging);
    for (const [k, d] of src.disks) this.putKeyed(this.r.disks, k, { ...d, origin: label(d.origin) }, `storage.disks[${k}]`, "disk", merging);
    for (const [k, d] of src.raid) this.putKeyed(this.r.raid, k, { ...d, origin: label(d.origin) }, `storage.raid[${k}]`, "RAID array", merging);
    for (const [k, d] of src.filesystems) this.putKeyed(this.r.filesystems, k, { ...d, origin: label(d.origin) }, `storage.filesystems[${k}]`, "filesystem", merging);
    for (const [k, l] of src.luks) this.putLuks(k, { ...l, origin: label(l.origin) }, merging);
    for (const [k, a] of src.kernelArguments) this.putKernelArgument(k, a.exists, label(a.origin), merging);
    for (const c of src.mergeConfigs.values()) this.putResource(this.r.mergeConfigs, { ...c, origin: label(c.origin) }, "ignition.config.merge", "merged config", merging);
    if (src.replaceConfig) this.putReplace({ ...src.replaceConfig, origin: label(src.replaceConfig.origin) }, merging);
    for (const c of src.certificateAuthorities.values()) {
      this.putResource(this.r.certificateAuthorities, { ...c, origin: label(c.origin) }, "ignition.security.tls.certificateAuthorities", "certificate authority", merging);
    }
    for (const [k, t] of src.timeouts) this.putSetting(this.r.timeouts, k, t.value, `ignition.timeouts.${k}`, label(t.origin), merging);
    for (const [k, p] of src.proxy) this.putSetting(this.r.proxy, k, p.value, `ignition.proxy.${k}`, label(p.origin), merging);
    for (const [h, origin] of src.noProxy) if (!this.r.noProxy.has(h)) this.r.noProxy.set(h, label(origin));
  }
}

/** `records` less what `part` added (a shared part the target already holds). */
function withoutPart(records: Records, part: Records): Records {
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
function hardLinkTarget(l: LinkRecord): string {
  return C.cleanPath(l.target);
}

/** A key for a field name in messages, whatever the caller passed. */
function k(x: unknown): string {
  return typeof x === "string" ? x : C.show(x);
}

function contentKey(c: Content): string {
  if (c.kind === "remote") return `source:${c.resource.source}`;
  if (c.kind === "text") return `text:${c.text}`;
  return `bytes:${Buffer.from(c.bytes).toString("base64")}`;
}

function renderContent(c: Content, encoder: Encoder): ResourceSpec {
  if (c.kind === "text") return textContents(c.text, encoder);
  if (c.kind === "bytes") return inlineContents(c.bytes);
  const r = c.resource;
  return prune({
    source: r.source,
    compression: r.gzip ? "gzip" : undefined,
    httpHeaders: r.httpHeaders?.length ? r.httpHeaders.map((h) => ({ name: h.name, value: h.value })) : undefined,
    verification: r.hash ? { hash: `${r.hash.algorithm}-${r.hash.hex}` } : undefined,
  });
}

// Key order as the first version of this builder rendered it, so goldens stay stable:
// files path, overwrite, contents, mode; directories path, mode, overwrite; links path, target,
// hard, overwrite; then user and group.
function owners(n: NodeBase): { user?: Owner; group?: Owner } {
  return prune({ user: n.user ? { ...n.user } : undefined, group: n.group ? { ...n.group } : undefined });
}

function renderFile(f: FileRecord, encoder: Encoder): FileSpec {
  return prune({
    path: f.path,
    overwrite: f.overwrite,
    contents: f.content ? renderContent(f.content, encoder) : undefined,
    mode: f.mode,
    ...owners(f),
    append: f.append?.length ? f.append.map((c) => renderContent(c, encoder)) : undefined,
  });
}

function renderDirectory(d: DirectoryRecord): DirectorySpec {
  return prune({ path: d.path, mode: d.mode, overwrite: d.overwrite, ...owners(d) });
}

function renderLink(l: LinkRecord): LinkSpec {
  return prune({ path: l.path, target: l.target, hard: l.hard, overwrite: l.overwrite, ...owners(l) });
}

function values<T>(map: Map<string, Keyed<T>>): T[] | undefined {
  return map.size ? [...map.values()].map((v) => v.spec) : undefined;
}

function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length ? list : undefined;
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}

/** Drops undefined fields so the JSON carries only what was set. */
function prune<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}
