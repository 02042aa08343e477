/**
 * The Ignition spec 3.3.0 to 3.6.0 document, as JSON. Field names and shapes follow
 * coreos/ignition config/v3_3/types to config/v3_6/types (schemas in schemas/ignition-*.schema.json).
 * These are the rendered shapes; build them with {@link IgnitionConfig}.
 */
export interface IgnitionSpec {
  ignition: IgnitionSection;
  storage?: StorageSection;
  systemd?: SystemdSection;
  passwd?: PasswdSection;
  kernelArguments?: KernelArgumentsSection;
}

/** A resource's expected hash, checked after fetching (Ignition's `Verification`). */
export interface VerificationSpec {
  /** `sha512-<hex>` or `sha256-<hex>`. */
  hash?: string;
}
/** An HTTP header sent when fetching a resource (Ignition's `HTTPHeader`). */
export interface HttpHeaderSpec {
  name: string;
  value?: string;
}
/** A resource Ignition fetches: its source URL, compression, headers and hash (Ignition's `Resource`). */
export interface ResourceSpec {
  source?: string;
  compression?: string;
  httpHeaders?: HttpHeaderSpec[];
  verification?: VerificationSpec;
}
/** The `ignition` section: the spec version, configs to merge or replace with, timeouts, TLS CAs and proxy (Ignition's `Ignition`). */
export interface IgnitionSection {
  version: string;
  config?: { merge?: ResourceSpec[]; replace?: ResourceSpec };
  timeouts?: { httpResponseHeaders?: number; httpTotal?: number };
  security?: { tls?: { certificateAuthorities?: ResourceSpec[] } };
  proxy?: { httpProxy?: string; httpsProxy?: string; noProxy?: string[] };
}
/** What files, directories and links share: the path, whether to overwrite, the owning user and group (Ignition's `Node`). */
export interface NodeSpecBase {
  path: string;
  overwrite?: boolean;
  user?: { id?: number; name?: string };
  group?: { id?: number; name?: string };
}
/** A file in `storage.files`: contents, appended resources and mode (Ignition's `File`). */
export interface FileSpec extends NodeSpecBase {
  contents?: ResourceSpec;
  append?: ResourceSpec[];
  mode?: number;
}
/** A directory in `storage.directories`, with its mode (Ignition's `Directory`). */
export interface DirectorySpec extends NodeSpecBase {
  mode?: number;
}
/** A symbolic or hard link in `storage.links` (Ignition's `Link`). */
export interface LinkSpec extends NodeSpecBase {
  target: string;
  hard?: boolean;
}
/** A partition of a disk: label, number, size, start, type GUID, and whether it should exist (Ignition's `Partition`). */
export interface PartitionSpec {
  label?: string;
  number?: number;
  sizeMiB?: number;
  startMiB?: number;
  typeGuid?: string;
  guid?: string;
  wipePartitionEntry?: boolean;
  shouldExist?: boolean;
  resize?: boolean;
}
/** A disk in `storage.disks` and its partitions (Ignition's `Disk`). */
export interface DiskSpec {
  device: string;
  wipeTable?: boolean;
  partitions?: PartitionSpec[];
}
/** A software RAID array in `storage.raid` (Ignition's `Raid`). */
export interface RaidSpec {
  name: string;
  level: string;
  devices: string[];
  spares?: number;
  options?: string[];
}
/** A filesystem in `storage.filesystems`: the device, its format and where Ignition mounts it (Ignition's `Filesystem`). */
export interface FilesystemSpec {
  device: string;
  format: string;
  path?: string;
  label?: string;
  uuid?: string;
  wipeFilesystem?: boolean;
  options?: string[];
  mountOptions?: string[];
}
/** A LUKS volume in `storage.luks`, unlocked with a key file, Clevis or CEX (Ignition's `Luks`). */
export interface LuksSpec {
  name: string;
  device: string;
  keyFile?: ResourceSpec;
  label?: string;
  uuid?: string;
  options?: string[];
  wipeVolume?: boolean;
  discard?: boolean;
  openOptions?: string[];
  clevis?: ClevisSpec;
  /** Spec 3.5.0 (config/v3_5/types/schema.go `Cex`). */
  cex?: { enabled?: boolean };
}
/** A Tang server that Clevis binds a LUKS volume to (Ignition's `Tang`). */
export interface TangSpec {
  url: string;
  thumbprint?: string;
  /** Spec 3.4.0. */
  advertisement?: string;
}
/** How Clevis unlocks a LUKS volume: TPM2, Tang servers, a custom pin, and how many of them must succeed (`threshold`) (Ignition's `Clevis`). */
export interface ClevisSpec {
  custom?: { pin?: string; config?: string; needsNetwork?: boolean };
  tang?: TangSpec[];
  threshold?: number;
  tpm2?: boolean;
}
/** The `storage` section: disks, RAID arrays, filesystems, files, directories, links and LUKS volumes (Ignition's `Storage`). */
export interface StorageSection {
  disks?: DiskSpec[];
  raid?: RaidSpec[];
  filesystems?: FilesystemSpec[];
  files?: FileSpec[];
  directories?: DirectorySpec[];
  links?: LinkSpec[];
  luks?: LuksSpec[];
}
/** A drop-in file of a systemd unit (Ignition's `Dropin`). */
export interface DropinSpec {
  name: string;
  contents?: string;
}
/** A systemd unit: contents, drop-ins, and whether it is enabled or masked (Ignition's `Unit`). */
export interface UnitSpec {
  name: string;
  enabled?: boolean;
  mask?: boolean;
  contents?: string;
  dropins?: DropinSpec[];
}
/** The `systemd` section: the units (Ignition's `Systemd`). */
export interface SystemdSection {
  units?: UnitSpec[];
}
/** A user in `passwd.users`, created, changed or (`shouldExist: false`) deleted (Ignition's `PasswdUser`). */
export interface UserSpec {
  name: string;
  passwordHash?: string;
  sshAuthorizedKeys?: string[];
  uid?: number;
  gecos?: string;
  homeDir?: string;
  noCreateHome?: boolean;
  primaryGroup?: string;
  groups?: string[];
  noUserGroup?: boolean;
  noLogInit?: boolean;
  shell?: string;
  system?: boolean;
  shouldExist?: boolean;
}
/** A group in `passwd.groups`, created, changed or (`shouldExist: false`) deleted (Ignition's `PasswdGroup`). */
export interface GroupSpec {
  name: string;
  gid?: number;
  passwordHash?: string;
  system?: boolean;
  shouldExist?: boolean;
}
/** The `passwd` section: users and groups (Ignition's `Passwd`). */
export interface PasswdSection {
  users?: UserSpec[];
  groups?: GroupSpec[];
}
/** The `kernelArguments` section: arguments the kernel command line must have and must not have (Ignition's `KernelArguments`). */
export interface KernelArgumentsSection {
  shouldExist?: string[];
  shouldNotExist?: string[];
}
