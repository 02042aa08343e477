/**
 * The shape of {@link K3osConfigProps}, checked when a {@link K3osConfig} is built (lib/core/props.ts),
 * and the k3OS field formats a type cannot express. Plain TypeScript: no cdktf.
 */
import * as ipaddr from "ipaddr.js";
import { type ShapeOf, bool, either, list, num, object, optional, record, required, type Shape, str } from "../core/props";
import { isHostName } from "../core/names";
import type { K3osConfigProps, K3osFile, K3osInstall } from "./config";

const text = (fix: string) => str({ fix });
const anyText = (fix: string) => str({ fix, nonEmpty: false });
// Commands may span lines (k3OS runs each with `sh -c`, rancher/k3os pkg/cc); they are still strings.
const command = str({ singleLine: false, fix: "give each command as a non-empty string" });

const file = object({
  path: required(text("give an absolute path such as /etc/motd")),
  content: required(either(
    { when: (v) => typeof v === "string", shape: str({ nonEmpty: false, singleLine: false }) },
    { when: (v) => v instanceof Uint8Array, shape: () => undefined },
  )("give the content as a string or a Uint8Array")),
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
  wifi: optional(list(object({ name: required(text("give the network's SSID")), passphrase: required(text("give the passphrase as a one-line string")) }))),
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
