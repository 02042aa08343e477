/**
 * Static addressing with systemd-networkd: a `.network` file in `/etc/systemd/network/`, written
 * by Ignition before networkd starts (flatcar-website docs/latest/setup/customization/
 * network-config-with-networkd.md, "Static networking"; keys from systemd.network(5)).
 */
import * as ipaddr from "ipaddr.js";
import type { IgnitionConfig } from "../../ignition/config";
import { fail, requireText } from "./internal";

/** A static network configuration for one interface (or a glob of interfaces). */
export interface StaticNetworkOptions {
  /** Interface name or glob for `[Match] Name=`, for example `eth0` or `en*`. */
  readonly interfaceName: string;
  /** Addresses with prefix length (`Address=`), for example `192.168.0.15/24`. At least one. */
  readonly addresses: readonly string[];
  /** Default gateway (`Gateway=`); must lie inside one of the addresses' networks unless `gatewayOnLink`. @default - none */
  readonly gateway?: string;
  /** The gateway is reachable on the link though outside the address networks (`GatewayOnLink=yes`). @default false */
  readonly gatewayOnLink?: boolean;
  /** DNS servers (`DNS=`), IP addresses. @default [] */
  readonly dns?: readonly string[];
  /**
   * File name without `.network`. networkd applies the first file (in lexical order) that
   * matches an interface, so a low number wins over the platform's own files.
   * @default `00-<interfaceName>` with glob characters replaced by `x`
   */
  readonly fileName?: string;
}

// Linux interface names are at most 15 characters (IFNAMSIZ 16 with the NUL); globs add * ? [ ].
const IFACE = /^[A-Za-z0-9_.:*?[\]-]{1,15}$/;
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]*$/;

/** An address parsed strictly: dotted-quad IPv4 or IPv6, no prefix. */
function parseIp(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (ipaddr.IPv6.isValid(text)) return ipaddr.IPv6.parse(text);
  return undefined;
}

/** Writes `/etc/systemd/network/<fileName>.network` with a static address for an interface. */
export function addStaticNetwork(config: IgnitionConfig, options: StaticNetworkOptions): string {
  const iface = requireText("network.interfaceName", options.interfaceName, "name the interface to match, for example `eth0`");
  if (!IFACE.test(iface)) {
    fail("network.interfaceName", `\`${iface}\` is not an interface name`, "give a Linux interface name of at most 15 characters (letters, digits, `-_.:`), or a glob such as `en*`");
  }
  if (!options.addresses || options.addresses.length === 0) {
    fail("network.addresses", "no address is given", "give at least one address with its prefix length, for example `192.168.0.15/24`");
  }
  const networks = options.addresses.map((cidr, i) => {
    const field = `network.addresses[${i}]`;
    const slash = typeof cidr === "string" ? cidr.indexOf("/") : -1;
    if (slash < 0) {
      fail(field, `\`${String(cidr)}\` has no prefix length`, "write the address with its prefix, for example `192.168.0.15/24` or `2001:db8::15/64`");
    }
    const ip = parseIp(cidr.slice(0, slash));
    const bitsText = cidr.slice(slash + 1);
    const bits = /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
    if (!ip) {
      fail(field, `\`${cidr}\` does not hold a valid IPv4 or IPv6 address`, "write a dotted-quad IPv4 or an IPv6 address before the `/`");
    }
    const maxBits = ip.kind() === "ipv4" ? 32 : 128;
    if (!(bits >= 0 && bits <= maxBits)) {
      fail(field, `\`${cidr}\` has a prefix length outside 0..${maxBits}`, `give a prefix length from 0 to ${maxBits}`);
    }
    return { ip, bits, text: cidr };
  });
  const seen = new Set<string>();
  for (const n of networks) {
    const key = n.ip.toNormalizedString();
    if (seen.has(key)) fail("network.addresses", `the address ${n.ip.toString()} is given twice`, "list each address once");
    seen.add(key);
  }

  let gateway: ipaddr.IPv4 | ipaddr.IPv6 | undefined;
  if (options.gateway !== undefined) {
    gateway = parseIp(options.gateway);
    if (!gateway) {
      fail("network.gateway", `\`${options.gateway}\` is not an IP address`, "give the gateway's address without a prefix length, for example `192.168.0.1`");
    }
    const gw = gateway;
    const sameFamily = networks.filter((n) => n.ip.kind() === gw.kind());
    if (sameFamily.length === 0) {
      fail("network.gateway", `the gateway ${options.gateway} is ${gw.kind()} but no ${gw.kind()} address is configured`, `add an ${gw.kind()} address, or give a gateway of the addresses' family`);
    }
    if (!options.gatewayOnLink && !sameFamily.some((n) => gw.match(n.ip, n.bits))) {
      fail("network.gateway", `the gateway ${options.gateway} is outside every configured network (${sameFamily.map((n) => n.text).join(", ")})`, "give a gateway inside an address's network, or set `gatewayOnLink: true` when the provider routes it on the link");
    }
  }

  const dns = (options.dns ?? []).map((d, i) => {
    if (typeof d !== "string" || !parseIp(d)) {
      fail(`network.dns[${i}]`, `\`${String(d)}\` is not an IP address`, "give DNS servers as IP addresses, for example `1.1.1.1`");
    }
    return d;
  });

  const fileName = options.fileName ?? `00-${iface.replace(/[*?[\]]/g, "x")}`;
  if (!FILE_NAME.test(fileName) || fileName.endsWith(".network")) {
    fail("network.fileName", `\`${fileName}\` is not a usable file name`, "give a name of letters, digits and `-_.@`, without `/` or the `.network` suffix, for example `00-eth0`");
  }

  // systemd.network(5): [Match] Name=, [Network] Address= (repeatable), Gateway=, DNS= (repeatable).
  const lines = ["[Match]", `Name=${iface}`, "", "[Network]"];
  for (const n of networks) lines.push(`Address=${n.text}`);
  if (options.gateway !== undefined && !options.gatewayOnLink) lines.push(`Gateway=${options.gateway}`);
  for (const d of dns) lines.push(`DNS=${d}`);
  if (options.gateway !== undefined && options.gatewayOnLink) {
    // systemd.network(5) [Route]: GatewayOnLink= lets the gateway sit outside the address networks.
    lines.push("", "[Route]", `Gateway=${options.gateway}`, "GatewayOnLink=yes");
  }
  const path = `/etc/systemd/network/${fileName}.network`;
  config.addFile(path, `${lines.join("\n")}\n`, { mode: 0o644 });
  return path;
}
