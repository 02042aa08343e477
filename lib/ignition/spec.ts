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

export interface VerificationSpec {
  /** `sha512-<hex>` or `sha256-<hex>`. */
  hash?: string;
}
export interface HttpHeaderSpec {
  name: string;
  value?: string;
}
export interface ResourceSpec {
  source?: string;
  compression?: string;
  httpHeaders?: HttpHeaderSpec[];
  verification?: VerificationSpec;
}
export interface IgnitionSection {
  version: string;
  config?: { merge?: ResourceSpec[]; replace?: ResourceSpec };
  timeouts?: { httpResponseHeaders?: number; httpTotal?: number };
  security?: { tls?: { certificateAuthorities?: ResourceSpec[] } };
  proxy?: { httpProxy?: string; httpsProxy?: string; noProxy?: string[] };
}
export interface NodeSpecBase {
  path: string;
  overwrite?: boolean;
  user?: { id?: number; name?: string };
  group?: { id?: number; name?: string };
}
export interface FileSpec extends NodeSpecBase {
  contents?: ResourceSpec;
  append?: ResourceSpec[];
  mode?: number;
}
export interface DirectorySpec extends NodeSpecBase {
  mode?: number;
}
export interface LinkSpec extends NodeSpecBase {
  target: string;
  hard?: boolean;
}
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
export interface DiskSpec {
  device: string;
  wipeTable?: boolean;
  partitions?: PartitionSpec[];
}
export interface RaidSpec {
  name: string;
  level: string;
  devices: string[];
  spares?: number;
  options?: string[];
}
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
export interface TangSpec {
  url: string;
  thumbprint?: string;
  /** Spec 3.4.0. */
  advertisement?: string;
}
export interface ClevisSpec {
  custom?: { pin?: string; config?: string; needsNetwork?: boolean };
  tang?: TangSpec[];
  threshold?: number;
  tpm2?: boolean;
}
export interface StorageSection {
  disks?: DiskSpec[];
  raid?: RaidSpec[];
  filesystems?: FilesystemSpec[];
  files?: FileSpec[];
  directories?: DirectorySpec[];
  links?: LinkSpec[];
  luks?: LuksSpec[];
}
export interface DropinSpec {
  name: string;
  contents?: string;
}
export interface UnitSpec {
  name: string;
  enabled?: boolean;
  mask?: boolean;
  contents?: string;
  dropins?: DropinSpec[];
}
export interface SystemdSection {
  units?: UnitSpec[];
}
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
export interface GroupSpec {
  name: string;
  gid?: number;
  passwordHash?: string;
  system?: boolean;
  shouldExist?: boolean;
}
export interface PasswdSection {
  users?: UserSpec[];
  groups?: GroupSpec[];
}
export interface KernelArgumentsSection {
  shouldExist?: string[];
  shouldNotExist?: string[];
}
