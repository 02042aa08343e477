/**
 * The shape of {@link LibvirtLocalProps}, checked at `LibvirtPlatform.local` (lib/core/props.ts):
 * unknown options, wrong types, enum spellings, the connection URI's form, host paths that must be
 * absolute, and fixed addresses that are IPv4 addresses. Ranges the platform checks with its own
 * messages (sizes, offsets, the network's CIDR arithmetic) stay where they are.
 */
import * as ipaddr from "ipaddr.js";
import { type ShapeOf, bool, list, num, object, oneOf, optional, record, type Shape, str } from "../../core/props";
import { MachineSize } from "../../core/size";
import { cidr } from "../../core/ipv4";
import { isDnsSubdomain } from "../../core/names";
import type { LibvirtLocalProps } from "./platform";

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
const replacement = optional(oneOf({ REPLACE: "replace", KEEP: "keep" }, "ReplacementPolicy"));
const checkedLater: Shape = () => undefined;

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
  // The provider version is the platform's own choice, checked there.
  provider: checkedLater,
} satisfies ShapeOf<LibvirtLocalProps>);
