/**
 * Address plan of a libvirt NAT network, on the shared IPv4 helpers (lib/core/ipv4.ts). Every node
 * gets a fixed IPv4 address known at synth time, so controllers' addresses (and the k3s server
 * URL) can be written into configs before anything is applied.
 */
import { createHash } from "node:crypto";
import { MicroOsError } from "../../core/errors";
import { hostAt, type Ipv4Network, parseIpv4Cidr } from "../../core/ipv4";

export { contains, hostAt, type Ipv4Network, offsetOf, overlaps, parseIpv4Cidr } from "../../core/ipv4";

/**
 * Parses the network's block, refusing one too small for a gateway, DHCP and a node, and one
 * larger than a /8, in which two addresses could share their low 24 bits and so their MAC.
 */
export function parseNetworkCidr(at: string, field: string, cidr: string): Ipv4Network {
  const net = parseIpv4Cidr(at, field, cidr);
  if (net.prefixLength > 29) {
    throw new MicroOsError(at, field, `"${cidr}" is too small for a gateway, DHCP and nodes`, "use a prefix of /29 or shorter (for example /24)");
  }
  if (net.prefixLength < 8) {
    throw new MicroOsError(at, field, `"${cidr}" is larger than a /8, so two nodes could share a MAC (a MAC carries the address's low 24 bits)`, "use a prefix of /8 or longer (for example /24)");
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

/** A run of offsets in a block, both ends included. */
export interface OffsetRange {
  readonly first: number;
  readonly last: number;
}

/**
 * The two fixed regions of a network's address plan. Both depend on the block and the first host
 * offset only, never on how many hosts there are, so no host count moves a region.
 */
export interface AddressRegions {
  /** Sequentially placed hosts (controllers): the i-th takes `first + i`. */
  readonly sequential: OffsetRange;
  /** Hosts placed by name (workers): every address from the end of `sequential` to the last host. */
  readonly byName: OffsetRange;
}

/** Size of the sequential region: 16 addresses in a /26 or larger block, else a quarter of the block. */
export function sequentialSlots(net: Ipv4Network): number {
  return net.size >= 64 ? 16 : net.size / 4;
}

/** The first host offset when none is given: 10, or 2 in blocks smaller than /27. */
export function defaultFirstHostOffset(net: Ipv4Network): number {
  return net.size >= 32 ? 10 : 2;
}

/** The regions of `net` from `firstOffset`, refusing an offset that leaves no address to place by name. */
export function addressRegions(at: string, net: Ipv4Network, firstOffset: number): AddressRegions {
  const last = lastHostOffset(net);
  const slots = sequentialSlots(net);
  const highest = last - slots;
  if (!Number.isInteger(firstOffset) || firstOffset < 2 || firstOffset > highest) {
    throw new MicroOsError(
      at,
      "firstHostOffset",
      `${firstOffset} is not an offset from 2 to ${highest} in ${net.cidr} (offset 0 is the network, 1 the gateway, and ${slots} sequential addresses and one placed by name must follow it)`,
      `give a whole number from 2 to ${highest}, or leave it out for ${defaultFirstHostOffset(net)}`,
    );
  }
  return { sequential: { first: firstOffset, last: firstOffset + slots - 1 }, byName: { first: firstOffset + slots, last } };
}

/** Number of offsets in a range. */
export function rangeSize(range: OffsetRange): number {
  return range.last - range.first + 1;
}

/** A slot in `0 .. span - 1` from the first 32 bits of the SHA-256 of `key`. */
export function hashSlot(key: string, span: number): number {
  return createHash("sha256").update(key, "utf8").digest().readUInt32BE(0) % span;
}

/**
 * The MAC of the node at `address`: the 52:54:00 prefix libvirt's QEMU driver gives
 * guest NICs (libvirt domain XML docs, interface `<mac>`; the driver's capabilities set it as the
 * MAC prefix) followed by the address's low 24 bits. A network is at most a /8
 * ({@link parseNetworkCidr}), so its addresses, and therefore its MACs, differ in those bits.
 */
export function macOfAddress(address: string): string {
  const low = address.split(".").slice(1).map((octet) => Number(octet).toString(16).padStart(2, "0"));
  return ["52", "54", "00", ...low].join(":");
}
