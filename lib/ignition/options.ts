/**
 * The options of IgnitionConfig's calls: what a user passes to add files, units, users, devices
 * and settings, and to create and render a config. Types only (and the enums they name).
 */
import type { Encoder } from "../core/deferred";
import type { IgnitionVariant, IgnitionVersion } from "./version";

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
  /** The RAID level. */
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
  /** The filesystem to create; `FilesystemFormat.NONE` creates none. */
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
