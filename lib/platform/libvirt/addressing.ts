/**
 * Address plan of a libvirt NAT network: plain TypeScript over ipaddr.js, no cdktf. Every node gets
 * a fixed IPv4 address known at synth time, so controllers' addresses (and the k3s server URL)
 * can be written into configs before anything is applied.
 */
import * as ipaddr from "ipaddr.js";
import { MicroOsError } from "../../core/errors";

/** A parsed IPv4 network. */
export interface Ipv4Network {
  /** Canonical `a.b.c.d/n` (host bits cleared). */
  readonly cidr: string;
  readonly network: ipaddr.IPv4;
  readonly prefixLength: number;
  /** Number of addresses in the block, network and broadcast included. */
  readonly size: number;
}

/**
 * Parses an IPv4 CIDR and refuses anything else: IPv6, a missing prefix, host bits set, or a
 * block too small for a gateway and one node.
 */
export function parseIpv4Cidr(at: string, field: string, cidr: string): Ipv4Network {
  const fix = "give an IPv4 network in CIDR form with host bits clear, for example `10.17.3.0/24`";
  if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(cidr) || !ipaddr.IPv4.isValidCIDR(cidr)) {
    throw new MicroOsError(at, field, `\`${cidr}\` is not an IPv4 CIDR`, fix);
  }
  const [address, prefixLength] = ipaddr.IPv4.parseCIDR(cidr);
  const network = ipaddr.IPv4.networkAddressFromCIDR(cidr);
  if (network.toString() !== address.toString()) {
    throw new MicroOsError(at, field, `\`${cidr}\` has host bits set (the network is ${network.toString()}/${prefixLength})`, fix);
  }
  if (prefixLength > 29) {
    throw new MicroOsError(at, field, `\`${cidr}\` is too small for a gateway, DHCP and nodes`, "use a prefix of /29 or shorter (for example /24)");
  }
  return { cidr: `${network.toString()}/${prefixLength}`, network, prefixLength, size: 2 ** (32 - prefixLength) };
}

/** True when the two networks share any address. */
export function overlaps(a: Ipv4Network, b: Ipv4Network): boolean {
  const shorter = a.prefixLength <= b.prefixLength ? a : b;
  const longer = shorter === a ? b : a;
  return longer.network.match(shorter.network, shorter.prefixLength);
}

/** The address `offset` places after the network address. */
export function hostAt(net: Ipv4Network, offset: number): string {
  const base = ipaddr.IPv4.parse(net.network.toString()).toByteArray();
  let value = ((base[0] << 24) >>> 0) + (base[1] << 16) + (base[2] << 8) + base[3] + offset;
  const bytes = [0, 0, 0, 0];
  for (let i = 3; i >= 0; i--) {
    bytes[i] = value & 0xff;
    value = Math.floor(value / 256);
  }
  return bytes.join(".");
}

/** True when `address` is an IPv4 address inside `net`. */
export function contains(net: Ipv4Network, address: string): boolean {
  if (!ipaddr.IPv4.isValidFourPartDecimal(address)) return false;
  return ipaddr.IPv4.parse(address).match(net.network, net.prefixLength);
}

/** Offset of `address` from the network address (`address` must be inside `net`). */
export function offsetOf(net: Ipv4Network, address: string): number {
  const a = ipaddr.IPv4.parse(address).toByteArray();
  const n = net.network.toByteArray();
  const num = (b: number[]) => ((b[0] << 24) >>> 0) + (b[1] << 16) + (b[2] << 8) + b[3];
  return num(a) - num(n);
}

/**
 * The gateway: libvirt's NAT network puts the host bridge on the first address of the block
 * (libvirt network XML `<ip address>`; the dmacvicar provider 0.8 derives it from `addresses`).
 */
export function gatewayOf(net: Ipv4Network): string {
  return hostAt(net, 1);
}

/** Highest usable offset: the broadcast address (`size - 1`) is not a host. */
export function lastHostOffset(net: Ipv4Network): number {
  return net.size - 2;
}
