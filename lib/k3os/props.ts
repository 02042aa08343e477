/**
 * The props of a k3OS config ({@link K3osConfigProps}) and their shape at run time, in one file: the
 * shape is checked when a K3osConfig is built (lib/core/props.ts); with the k3OS field formats a
 * type cannot express. Plain TypeScript: no cdktf.
 */
import * as ipaddr from "ipaddr.js";
import { type ShapeOf, bool, textOrBytes, list, num, object, optional, record, required, type Shape, str } from "../core/props";
import { isHostName } from "../core/names";
import type { Taint } from "../core/node";

/** Where k3OS reads its config from (datasources the README lists under `k3os.data_sources`). */
export enum K3osDataSource {
  AWS = "aws",
  CDROM = "cdrom",
  DIGITALOCEAN = "digitalocean",
  GCP = "gcp",
  HETZNER = "hetzner",
  OPENSTACK = "openstack",
  PACKET = "packet",
  SCALEWAY = "scaleway",
  VULTR = "vultr",
}

/**
 * How a `write_files` entry's content is encoded. k3OS decodes `""`, `b64`/`base64`, `gz`/`gzip`
 * and `gz+b64` and its spellings (rancher/k3os pkg/util/decode.go DecodeContent); raw gzip cannot
 * be carried in YAML text, so it is not offered here.
 */
export enum WriteFileEncoding {
  /** Content is the file's text. */
  NONE = "",
  /** Content is base64. */
  BASE64 = "b64",
  /** Content is base64 of gzip. */
  GZIP_BASE64 = "gz+b64",
}

/** One `write_files` entry. */
export interface K3osFile {
  /** Absolute path on the node. */
  readonly path: string;
  /** Text (may hold apply-time values) or bytes (rendered as base64, gzipped when smaller). */
  readonly content: string | Uint8Array;
  /** Encoding of a text `content` that is already encoded. @default WriteFileEncoding.NONE */
  readonly encoding?: WriteFileEncoding;
  /** `chown` argument, `user` or `user:group`. @default - root, as k3OS writes it */
  readonly owner?: string;
  /** Permission bits, for example `0o600`; rendered as an octal string. @default - 0644 (k3OS's default) */
  readonly permissions?: number;
}

/** One `k3os.wifi` network. */
export interface K3osWifi {
  readonly name: string;
  readonly passphrase: string;
}

/** `k3os.install.*`: drives an unattended install (kernel command line `k3os.mode=install`). */
export interface K3osInstall {
  /** @default false */
  readonly forceEfi?: boolean;
  /** Disk to partition and format, for example `/dev/vda`. @default - asked, or the only disk */
  readonly device?: string;
  /** URL of the config installed as /k3os/system/config.yaml. @default - none */
  readonly configUrl?: string;
  /** Ask no questions. @default false */
  readonly silent?: boolean;
  /** ISO to install from when booted from kernel and initrd. @default - the booted ISO */
  readonly isoUrl?: string;
  /** Power off after installing instead of rebooting. @default false */
  readonly powerOff?: boolean;
  /** Do not partition or format. @default false */
  readonly noFormat?: boolean;
  /** @default false */
  readonly debug?: boolean;
  /** Console tty, for example `ttyS0`. @default - auto */
  readonly tty?: string;
}

/** Everything a k3OS config can hold, in TypeScript spelling. Every field may be set later with the builder's methods. */
export interface K3osConfigProps {
  /** Keys for user `rancher` (`github:<user>` fetches that user's GitHub keys). @default [] */
  readonly sshAuthorizedKeys?: readonly string[];
  /** @default [] */
  readonly writeFiles?: readonly K3osFile[];
  /** @default - DHCP or the cloud's name */
  readonly hostname?: string;
  /** Commands for the runtime phase. @default [] */
  readonly runCmd?: readonly string[];
  /** Commands for the boot phase (ignored in config from cloud user data). @default [] */
  readonly bootCmd?: readonly string[];
  /** Commands for the initrd phase (ignored in config from cloud user data). @default [] */
  readonly initCmd?: readonly string[];
  /** @default [] */
  readonly dataSources?: readonly K3osDataSource[];
  /** Kernel modules to load. @default [] */
  readonly modules?: readonly string[];
  /** Kernel sysctls, values as strings. @default {} */
  readonly sysctls?: Readonly<Record<string, string>>;
  /** Fallback NTP servers. @default [] */
  readonly ntpServers?: readonly string[];
  /** Fallback DNS servers. @default [] */
  readonly dnsNameservers?: readonly string[];
  /** @default [] */
  readonly wifi?: readonly K3osWifi[];
  /** Password for `rancher`: clear text or a crypt(3) hash. @default - none */
  readonly password?: string;
  /** k3s server to join. @default - none: the node is a server */
  readonly serverUrl?: string;
  /** Cluster secret, or a node token (`K10...`); may be an apply-time value. @default - none */
  readonly token?: string;
  /** Node labels at registration. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Exec-style k3s arguments, first `server` or `agent`. @default - k3OS picks from serverUrl */
  readonly k3sArgs?: readonly string[];
  /** Environment for k3s and the boot process. @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** Node taints at registration, typed or as `key=value:Effect`. @default [] */
  readonly taints?: ReadonlyArray<Taint | string>;
  /** @default - none */
  readonly install?: K3osInstall;
}

const text = (fix: string) => str({ fix });
const anyText = (fix: string) => str({ fix, nonEmpty: false });
// Commands may span lines (k3OS runs each with `sh -c`, rancher/k3os pkg/cc); they are still strings.
const command = str({ singleLine: false, fix: "give each command as a non-empty string" });

const file = object({
  path: required(text("give an absolute path such as /etc/motd")),
  content: required(textOrBytes()),
  encoding: optional(text("give a WriteFileEncoding")),
  owner: optional(text('give "user" or "user:group"')),
  permissions: optional(num("give permission bits such as 0o644")),
} satisfies ShapeOf<K3osFile>);

/** {@link K3osConfigProps} at run time: known keys, and each value's JavaScript type. */
export const K3OS_CONFIG_PROPS: Shape = object({
  sshAuthorizedKeys: optional(list(text('give a line like "ssh-ed25519 AAAA... user@host" or "github:<user>"'))),
  writeFiles: optional(list(file)),
  hostname: optional(text("give a lower-case host name")),
  runCmd: optional(list(command)),
  bootCmd: optional(list(command)),
  initCmd: optional(list(command)),
  dataSources: optional(list(text("give a K3osDataSource"))),
  modules: optional(list(text("give a kernel module name such as kvm"))),
  sysctls: optional(record(text("give a sysctl name"), anyText("give the value as a one-line string, for example \"1\""))),
  ntpServers: optional(list(text("give NTP server host names or addresses"))),
  dnsNameservers: optional(list(text("give name server addresses such as 1.1.1.1"))),
  wifi: optional(list(object({ name: required(text("give the network's SSID")), passphrase: required(text("give the passphrase as a one-line string")) } satisfies ShapeOf<K3osWifi>))),
  password: optional(text("give the password or its crypt(3) hash as one line")),
  serverUrl: optional(text("give https://<host>:6443")),
  token: optional(text("give the token as one line")),
  labels: optional(record(text("give label keys"), anyText("give label values as one-line strings"))),
  k3sArgs: optional(list(text("give each k3s argument as a string"))),
  environment: optional(record(text("give variable names"), anyText("give the value as a one-line string"))),
  taints: optional(list((at, field, value) => (typeof value === "string" ? text("give key=value:Effect")(at, field, value) : undefined))),
  install: optional(object({
    forceEfi: optional(bool()),
    device: optional(text("give a device such as /dev/vda")),
    configUrl: optional(text("give an http(s) URL")),
    silent: optional(bool()),
    isoUrl: optional(text("give an http(s) URL")),
    powerOff: optional(bool()),
    noFormat: optional(bool()),
    debug: optional(bool()),
    tty: optional(text("give a tty such as ttyS0")),
  } satisfies ShapeOf<K3osInstall>)),
} satisfies ShapeOf<K3osConfigProps>);

/** The problem with a name server (k3OS hands it to connman: an IP address), or undefined. */
export function nameServerProblem(server: string): string | undefined {
  return ipaddr.isValid(server) && (ipaddr.IPv4.isValidFourPartDecimal(server) || ipaddr.IPv6.isValid(server)) ? undefined : `"${server}" is not an IPv4 or IPv6 address`;
}

/** The problem with an NTP server (a host name or an address, no port or scheme), or undefined. */
export function timeServerProblem(server: string): string | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(server) || ipaddr.IPv6.isValid(server)) return undefined;
  return isHostName(server) && /[A-Za-z]/.test(server) ? undefined : `"${server}" is not a host name or address (no scheme, port or path)`;
}

/** The problem with a file path: relative, or with `.`/`..` segments that climb out of where it names. */
export function filePathProblem(path: string): string | undefined {
  if (!path.startsWith("/")) return "the path is relative";
  if (path.split("/").some((s) => s === ".." || s === ".")) return "the path has . or .. segments, which climb out of the directory it names";
  if (path.includes("//") || (path.length > 1 && path.endsWith("/"))) return "the path has an empty segment or ends in /";
  return undefined;
}
