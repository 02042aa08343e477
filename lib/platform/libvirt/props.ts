/**
 * The props of `LibvirtPlatform.local` ({@link LibvirtLocalProps}) and their shape at run time, in
 * one file; the shape is checked at `LibvirtPlatform.local` (lib/core/props.ts):
 * unknown options, wrong types, enum spellings, the connection URI's form, host paths that must be
 * absolute, and fixed addresses that are IPv4 addresses. Ranges the platform checks with its own
 * messages (sizes, offsets, the network's CIDR arithmetic) stay where they are.
 */
import * as ipaddr from "ipaddr.js";
import { type ShapeOf, bool, list, num, object, oneOf, optional, record, type Shape, str } from "../../core/props";
import { MachineSize, type SizeInput } from "../../core/size";
import { cidr } from "../../core/ipv4";
import { isDnsSubdomain } from "../../core/names";
import { ReplacementPolicy } from "../platform";

/** Props of {@link LibvirtPlatform.local}. */
export interface LibvirtLocalProps {
  /** libvirt connection URI. @default "qemu:///system" */
  readonly uri?: string;
  /** IPv4 block of the cluster's NAT network. @default "10.17.3.0/24" */
  readonly cidr?: string;
  /** DNS domain of the network. @default - `<clusterName>.internal` */
  readonly domain?: string;
  /** Blocks the network must not overlap. @default - the cluster's Kubernetes pod and service networks */
  readonly avoidCidrs?: readonly string[];
  /**
   * Fixed addresses by node name. Other nodes get an address that depends on the node alone: the
   * i-th controller the i-th address from `firstHostOffset`; pool node `<cluster>-<pool>-<i>` slot
   * `hash(pool) + i` of the by-name region; any other name a slot from a hash of its name (see
   * AddressPlacement). Adding or removing nodes never moves another; two nodes that would share
   * an address are refused, naming both: pin the newer one here. @default {}
   */
  readonly addresses?: Readonly<Record<string, string>>;
  /**
   * Offset of the first controller's address; 16 sequential addresses (a quarter of the block
   * below /26) follow it, then the workers' region. @default 10, or 2 in blocks smaller than /27
   */
  readonly firstHostOffset?: number;
  /** Storage pool name. @default - the cluster name */
  readonly poolName?: string;
  /** Directory of the storage pool on the host. @default - `/var/lib/libvirt/images/<poolName>` */
  readonly poolPath?: string;
  /** Machine size when a request names none (`MachineSize.cpuMemory(2, 2048)` or `"2x2048"`). @default "2x2048" */
  readonly size?: SizeInput;
  /** Root disk size when a request names none. @default 20 */
  readonly diskGib?: number;
  /** Policy for controllers. @default ReplacementPolicy.KEEP */
  readonly controllerReplacement?: ReplacementPolicy;
  /** Policy for workers. @default ReplacementPolicy.REPLACE */
  readonly workerReplacement?: ReplacementPolicy;
  /**
   * Workers of a pool boot one shared Ignition (one `libvirt_ignition` per pool instead of per
   * node) and take their host name from the network's DHCP host entry, as systemd-networkd does
   * by default (systemd.network, `[DHCPv4] UseHostname=`). Smaller output and faster synth for
   * large pools; per-node escape hatches are then refused.
   * @default false - each node's config names its host
   */
  readonly shareWorkerConfigs?: boolean;
  /** UEFI firmware path on the host; required for arm64 nodes. @default - BIOS boot */
  readonly uefiFirmware?: string;
  /** UEFI variables template path on the host. @default - libvirt's default */
  readonly uefiVarsTemplate?: string;
}

// libvirt connection URIs (libvirt.org/uri.html, "Remote URIs" and "Local URIs"):
// `driver[+transport]://[username@][hostname][:port]/[path][?extraparameters]`, transports unix,
// ssh, tcp, tls, libssh, libssh2 and ext; the hypervisor drivers listed on libvirt.org/drivers.html.
const DRIVERS = ["qemu", "xen", "lxc", "vbox", "vmwareplayer", "vmwarews", "vmwarefusion", "esx", "gsx", "vpx", "hyperv", "openvz", "bhyve", "ch", "test", "vz", "parallels"];
const URI = /^([a-z]+)(\+(unix|ssh|tcp|tls|libssh|libssh2|ext))?:\/\/([A-Za-z0-9._~%-]+@)?([A-Za-z0-9.-]*|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?\/([A-Za-z0-9._~%/-]*)(\?[A-Za-z0-9._~%=&/:+-]*)?$/;
// QEMU URIs name the daemon instance: /system, /session, or /embed (libvirt.org/drvqemu.html, "Connections to QEMU driver").
const QEMU_PATHS = ["system", "session", "embed"];

/** The problem with a libvirt connection URI, or undefined. */
export function libvirtUriProblem(uri: string): string | undefined {
  const m = URI.exec(uri);
  if (!m) return "is not a libvirt URI of the form driver[+transport]://[user@][host][:port]/path";
  if (!DRIVERS.includes(m[1])) return `names no libvirt driver (${m[1]})`;
  if (m[6] && Number(m[6].slice(1)) > 65535) return "has a port above 65535";
  if (m[1] === "qemu" && !QEMU_PATHS.includes(m[7])) return `has the path /${m[7]}, but QEMU connections are /system, /session or /embed`;
  return undefined;
}

const absolute = (what: string): Shape =>
  str({ fix: `give the absolute path of ${what} on the host`, test: (p) => (!p.startsWith("/") ? "is not an absolute path" : p.split("/").includes("..") ? "has .. segments" : undefined) });
const replacement = optional(oneOf(ReplacementPolicy, "ReplacementPolicy"));

/** {@link LibvirtLocalProps} at run time. */
export const LIBVIRT_LOCAL_PROPS: Shape = object({
  uri: optional(str({ fix: 'give a libvirt URI such as "qemu:///system" or "qemu+ssh://user@host/system"', test: libvirtUriProblem })),
  cidr: optional(cidr()),
  domain: optional(str({ fix: 'give a DNS domain such as "lab.internal"', test: (d) => (isDnsSubdomain(d) ? undefined : "is not a lower-case DNS domain") })),
  avoidCidrs: optional(list(cidr(), { unique: true })),
  addresses: optional(record(str({ fix: "give node names as keys" }), str({ fix: 'give an IPv4 address such as "10.17.3.20"', test: (a) => (ipaddr.IPv4.isValidFourPartDecimal(a) ? undefined : "is not an IPv4 address") }))),
  firstHostOffset: optional(num("give a host offset such as 10")),
  poolName: optional(str({ fix: "give a storage pool name" })),
  poolPath: optional(absolute("the storage pool's directory")),
  size: optional((at, field, value) => (value instanceof MachineSize ? undefined : str({ fix: 'give MachineSize.cpuMemory(2, 4096) or "2x4096"' })(at, field, value))),
  diskGib: optional(num("give the size in GiB, for example 20")),
  controllerReplacement: replacement,
  workerReplacement: replacement,
  shareWorkerConfigs: optional(bool()),
  uefiFirmware: optional(absolute("the UEFI firmware")),
  uefiVarsTemplate: optional(absolute("the UEFI variables template")),
} satisfies ShapeOf<LibvirtLocalProps>);
