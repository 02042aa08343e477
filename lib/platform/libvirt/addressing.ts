/**
 * Address plan of a libvirt NAT network, on the shared IPv4 helpers (lib/core/ipv4.ts). Every node
 * gets a fixed IPv4 address known at synth time, so controllers' addresses (and the k3s server
 * URL) can be written into configs before anything is applied.
 */
import { MicroOsError } from "../../core/errors";
import { hostAt, type Ipv4Network, parseIpv4Cidr } from "../../core/ipv4";

export { contains, hostAt, type Ipv4Network, offsetOf, overlaps, parseIpv4Cidr } from "../../core/ipv4";

/** Parses the network's block, refusing one too small for a gateway, DHCP and a node. */
export function parseNetworkCidr(at: string, field: string, cidr: string): Ipv4Network {
  const net = parseIpv4Cidr(at, field, cidr);
  if (net.prefixLength > 29) {
    throw new MicroOsError(at, field, `"${cidr}" is too small for a gateway, DHCP and nodes`, "use a prefix of /29 or shorter (for example /24)");
  }
  return net;
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
