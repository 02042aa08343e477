/**
 * Subnet layout of a new VPC, computed from its CIDR (lib/core/ipv4.ts). Plain data, no cdktf.
 */
import { MicroOsError } from "../../core/errors";
import { hostAt, parseIpv4Cidr, subnetAt } from "../../core/ipv4";

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

/** Public and private subnet CIDRs for `zones` zones of a VPC with `vpcCidr`. */
export function zoneSubnetCidrs(vpcCidr: string, zones: number, at: string): ZoneSubnetCidrs[] {
  const vpc = parseIpv4Cidr(at, "cidr", vpcCidr);
  if (vpc.prefixLength < LARGEST_VPC_PREFIX || vpc.prefixLength + SUBNET_BITS > SMALLEST_SUBNET_PREFIX) {
    throw new MicroOsError(
      at,
      "cidr",
      `a /${vpc.prefixLength} VPC cannot be cut into the 16 subnets of the layout (EC2 allows VPCs of /16 to /28, subnets down to /28)`,
      "give a VPC CIDR between /16 and /24",
    );
  }
  if (!Number.isInteger(zones) || zones < 1 || zones > MAX_ZONES) {
    throw new MicroOsError(at, "zones", `${zones} zones`, `use 1 to ${MAX_ZONES} zones`);
  }
  const prefix = vpc.prefixLength + SUBNET_BITS;
  return Array.from({ length: zones }, (_, i) => ({ public: subnetAt(vpc, prefix, i), private: subnetAt(vpc, prefix, MAX_ZONES + i) }));
}

/** The address `offset` places after the network address of `cidr`; refuses one outside it. */
export function hostAddress(cidr: string, offset: number, at: string, field: string): string {
  const net = parseIpv4Cidr(at, field, cidr);
  const size = net.size;
  // EC2 reserves the first four addresses and the last one of every subnet (Amazon VPC user guide,
  // "Subnet CIDR blocks").
  if (offset < 4 || offset > size - 2) {
    throw new MicroOsError(at, field, `subnet ${cidr} has no usable address at offset ${offset}`, "use a larger subnet or fewer controllers per zone");
  }
  return hostAt(net, offset);
}
