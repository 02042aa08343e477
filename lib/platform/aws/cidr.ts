/**
 * Subnet layout of a new VPC, computed from its CIDR with ipaddr.js. Plain data, no cdktf.
 */
import * as ipaddr from "ipaddr.js";
import { MicroOsError } from "../../core/errors";

/**
 * The VPC CIDR is cut into 16 equal blocks (4 more prefix bits): zone `i` gets block `i` as its
 * public subnet and block `8 + i` as its private one. The layout is the same whatever the number
 * of zones, so adding a zone later never moves an existing subnet (or a controller's address).
 */
export const SUBNET_BITS = 4;
/** Most zones the layout has room for. */
export const MAX_ZONES = 8;
// EC2 subnets are /16 to /28 (Amazon VPC user guide, "Subnet sizing for IPv4").
const SMALLEST_SUBNET_PREFIX = 28;
const LARGEST_VPC_PREFIX = 16;

/** The CIDRs of one zone's subnets. */
export interface ZoneSubnetCidrs {
  readonly public: string;
  readonly private: string;
}

/** A parsed IPv4 CIDR. */
export interface Ipv4Cidr {
  readonly network: number;
  readonly prefix: number;
}

/** Parses `cidr` as an IPv4 network; refuses host bits and IPv6. */
export function parseIpv4Cidr(cidr: string, at: string, field: string): Ipv4Cidr {
  let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    parsed = ipaddr.parseCIDR(cidr);
  } catch {
    throw new MicroOsError(at, field, `"${cidr}" is not a CIDR block`, 'give an IPv4 CIDR such as "10.0.0.0/16"');
  }
  const [addr, prefix] = parsed;
  if (addr.kind() !== "ipv4") {
    throw new MicroOsError(at, field, `"${cidr}" is IPv6`, "give an IPv4 CIDR block");
  }
  const network = toInt(addr as ipaddr.IPv4);
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  if ((network & ~mask) >>> 0 !== 0) {
    const base = fromInt((network & mask) >>> 0);
    throw new MicroOsError(at, field, `"${cidr}" has host bits set`, `use the network address, "${base}/${prefix}"`);
  }
  return { network, prefix };
}

/** Public and private subnet CIDRs for `zones` zones of a VPC with `vpcCidr`. */
export function zoneSubnetCidrs(vpcCidr: string, zones: number, at: string): ZoneSubnetCidrs[] {
  const vpc = parseIpv4Cidr(vpcCidr, at, "cidr");
  if (vpc.prefix < LARGEST_VPC_PREFIX || vpc.prefix + SUBNET_BITS > SMALLEST_SUBNET_PREFIX) {
    throw new MicroOsError(
      at,
      "cidr",
      `a /${vpc.prefix} VPC cannot be cut into the 16 subnets of the layout (EC2 allows VPCs of /16 to /28, subnets down to /28)`,
      "give a VPC CIDR between /16 and /24",
    );
  }
  if (!Number.isInteger(zones) || zones < 1 || zones > MAX_ZONES) {
    throw new MicroOsError(at, "zones", `${zones} zones`, `use 1 to ${MAX_ZONES} zones`);
  }
  const prefix = vpc.prefix + SUBNET_BITS;
  const size = 2 ** (32 - prefix);
  const block = (i: number): string => `${fromInt(vpc.network + i * size)}/${prefix}`;
  return Array.from({ length: zones }, (_, i) => ({ public: block(i), private: block(MAX_ZONES + i) }));
}

/** The address `offset` places after the network address of `cidr`; refuses one outside it. */
export function hostAddress(cidr: string, offset: number, at: string, field: string): string {
  const net = parseIpv4Cidr(cidr, at, field);
  const size = 2 ** (32 - net.prefix);
  // EC2 reserves the first four addresses and the last one of every subnet (Amazon VPC user guide,
  // "Subnet CIDR blocks").
  if (offset < 4 || offset > size - 2) {
    throw new MicroOsError(at, field, `subnet ${cidr} has no usable address at offset ${offset}`, "use a larger subnet or fewer controllers per zone");
  }
  return fromInt(net.network + offset);
}

/** True when `ip` lies inside `cidr`. */
export function cidrContains(cidr: string, ip: string): boolean {
  const [net, prefix] = ipaddr.parseCIDR(cidr);
  const addr = ipaddr.parse(ip);
  return addr.kind() === net.kind() && addr.match(net, prefix);
}

function toInt(a: ipaddr.IPv4): number {
  return a.octets.reduce((n, o) => n * 256 + o, 0);
}

function fromInt(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
}
