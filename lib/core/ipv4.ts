/**
 * IPv4 blocks and addresses over ipaddr.js, for every platform's address plan. Plain TypeScript.
 */
import * as ipaddr from "ipaddr.js";
import { MicroOsError } from "./errors";
import { type Shape, str } from "./props";

/** A parsed IPv4 network. */
export interface Ipv4Network {
  /** Canonical `a.b.c.d/n`. */
  readonly cidr: string;
  readonly network: ipaddr.IPv4;
  readonly prefixLength: number;
  /** Number of addresses in the block, network and broadcast included. */
  readonly size: number;
}

/** Parses an IPv4 CIDR block; refuses IPv6, a missing prefix, and host bits set. */
export function parseIpv4Cidr(at: string, field: string, cidr: string): Ipv4Network {
  if (cidr.includes(":")) {
    throw new MicroOsError(at, field, `"${cidr}" is IPv6`, "give an IPv4 CIDR block");
  }
  if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(cidr) || !ipaddr.IPv4.isValidCIDR(cidr)) {
    throw new MicroOsError(at, field, `"${cidr}" is not an IPv4 CIDR block`, 'give a network in CIDR form, for example "10.0.0.0/16"');
  }
  const [address, prefixLength] = ipaddr.IPv4.parseCIDR(cidr);
  const network = ipaddr.IPv4.networkAddressFromCIDR(cidr);
  if (network.toString() !== address.toString()) {
    throw new MicroOsError(at, field, `"${cidr}" has host bits set`, `use the network address, "${network.toString()}/${prefixLength}"`);
  }
  return { cidr: `${network.toString()}/${prefixLength}`, network, prefixLength, size: 2 ** (32 - prefixLength) };
}

/** An IPv4 CIDR block (the form {@link parseIpv4Cidr} accepts), as a props shape (lib/core/props.ts). */
export function cidr(): Shape {
  return (at, field, value) => {
    str({ fix: 'give a network in CIDR form, for example "10.0.0.0/16"' })(at, field, value);
    parseIpv4Cidr(at, field, value as string);
  };
}

/** True when the two networks share any address. */
export function overlaps(a: Ipv4Network, b: Ipv4Network): boolean {
  const shorter = a.prefixLength <= b.prefixLength ? a : b;
  const longer = shorter === a ? b : a;
  return longer.network.match(shorter.network, shorter.prefixLength);
}

/** The address `offset` places after the network address. */
export function hostAt(net: Ipv4Network, offset: number): string {
  return fromInt(toInt(net.network) + offset);
}

/** True when `address` is an IPv4 address inside `net`. */
export function contains(net: Ipv4Network, address: string): boolean {
  if (!ipaddr.IPv4.isValidFourPartDecimal(address)) return false;
  return ipaddr.IPv4.parse(address).match(net.network, net.prefixLength);
}

/** Offset of `address` from the network address (`address` must be inside `net`). */
export function offsetOf(net: Ipv4Network, address: string): number {
  return toInt(ipaddr.IPv4.parse(address)) - toInt(net.network);
}

/** The `index`-th block of `prefixLength` inside `net`, as CIDR. */
export function subnetAt(net: Ipv4Network, prefixLength: number, index: number): string {
  return `${hostAt(net, index * 2 ** (32 - prefixLength))}/${prefixLength}`;
}

function toInt(a: ipaddr.IPv4): number {
  return a.octets.reduce((n, o) => n * 256 + o, 0);
}

function fromInt(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
}
