/**
 * A libvirt NAT network with a fixed address plan: DHCP, a DNS domain, and a static host entry
 * (address and name) per node.
 */
import { createHash } from "node:crypto";
import { Construct, TerraformStack } from "../../cdktf";
import { MicroOsError } from "../../core/errors";
import { isDnsLabel } from "../../core/node";
import { Network } from "../../../gen/libvirt/providers/libvirt/network";
import {
  type Ipv4Network,
  contains,
  gatewayOf,
  hostAt,
  lastHostOffset,
  offsetOf,
  overlaps,
  parseIpv4Cidr,
  parseNetworkCidr,
} from "./addressing";

import { K3S_DEFAULT_CIDRS } from "../../k3s/node";

export { K3S_DEFAULT_CIDRS };

/** One host the network knows by name. */
export interface LibvirtHost {
  /** DNS label; also the DHCP host name. */
  readonly name: string;
  /** Fixed IPv4 address inside the network. @default - assigned by {@link LibvirtHost.placement} */
  readonly address?: string;
  /** How an address is picked when none is given. @default AddressPlacement.SEQUENTIAL */
  readonly placement?: AddressPlacement;
}

/** How a host without a fixed address gets one. */
export enum AddressPlacement {
  /** The next free address from the first host offset, in the order hosts are listed (controllers: a short list that only grows at its end). */
  SEQUENTIAL = "sequential",
  /**
   * A slot derived from a hash of the name, probing forward past taken slots (workers): adding or
   * removing a node moves no other node unless their slots collide, which a larger block makes
   * rarer; pin an address where it must never move.
   */
  BY_NAME = "by-name",
}

// Hashed placement starts this many slots after the first host offset, leaving the slots below it
// to sequential hosts (controllers), so a controller added later rarely meets a worker.
const SEQUENTIAL_SLOTS = 16;

/** Props of {@link LibvirtNetwork}. */
export interface LibvirtNetworkProps {
  /** Name of the libvirt network (and its bridge's network). */
  readonly name: string;
  /** IPv4 block of the network. @default "10.17.3.0/24" */
  readonly cidr?: string;
  /** DNS domain the network serves; nodes resolve as `<name>.<domain>`. @default - `<name>.internal` */
  readonly domain?: string;
  /**
   * Hosts in address order: each without an explicit address gets the next free one from
   * `firstHostOffset`. Keep the order stable (controllers first): an address follows its position.
   */
  readonly hosts: readonly LibvirtHost[];
  /**
   * Offset in the block of the first automatically assigned address; the addresses below it stay
   * free for the host and DHCP clients. @default 10, or 2 in blocks smaller than /27
   */
  readonly firstHostOffset?: number;
  /**
   * Blocks this network must not overlap (k3s pod and service networks, other networks the host
   * routes). @default K3S_DEFAULT_CIDRS
   */
  readonly avoidCidrs?: readonly string[];
  /** Start the network when the host boots. @default true */
  readonly autostart?: boolean;
}

/**
 * A NAT network (`libvirt_network`, id `Resource`). Refuses a malformed CIDR, one that overlaps
 * `avoidCidrs` or another LibvirtNetwork in the same stack, duplicate host names, and more hosts
 * than the block holds.
 */
export class LibvirtNetwork extends Construct {
  /** The generated resource. */
  public readonly resource: Network;
  /** Canonical CIDR. */
  public readonly cidr: string;
  /** DNS domain. */
  public readonly domain: string;
  /** The host bridge's address, which is the nodes' gateway and DNS server. */
  public readonly gateway: string;
  /** `libvirt_network` id, for `network_interface.network_id`. */
  public readonly networkId: string;
  private readonly parsed: Ipv4Network;
  private readonly addresses = new Map<string, string>();

  constructor(scope: Construct, id: string, props: LibvirtNetworkProps) {
    super(scope, id);
    const at = this.node.path;
    this.parsed = parseNetworkCidr(at, "cidr", props.cidr ?? "10.17.3.0/24");
    this.cidr = this.parsed.cidr;
    this.domain = props.domain ?? `${props.name}.internal`;
    this.gateway = gatewayOf(this.parsed);

    for (const avoid of props.avoidCidrs ?? K3S_DEFAULT_CIDRS) {
      const other = parseIpv4Cidr(at, "avoidCidrs", avoid);
      if (overlaps(this.parsed, other)) {
        throw new MicroOsError(at, "cidr", `${this.cidr} overlaps ${other.cidr}, which must stay free (k3s pod/service network or a routed block)`, "pick a block outside it, for example `10.17.3.0/24`");
      }
    }
    for (const sibling of TerraformStack.of(this).node.findAll()) {
      if (sibling instanceof LibvirtNetwork && sibling !== this && overlaps(this.parsed, sibling.parsed)) {
        throw new MicroOsError(at, "cidr", `${this.cidr} overlaps ${sibling.cidr} of ${sibling.node.path}`, "give each libvirt network its own block");
      }
    }

    this.assign(at, props.hosts, props.firstHostOffset ?? (this.parsed.size >= 32 ? 10 : 2));

    this.resource = new Network(this, "Resource", {
      name: props.name,
      // NAT: guests reach out through the host, which masquerades (libvirt "Virtual Networking", NAT mode).
      mode: "nat",
      domain: this.domain,
      addresses: [this.cidr],
      autostart: props.autostart ?? true,
      dhcp: { enabled: true },
      dns: {
        enabled: true,
        // Names in the domain are answered here only, never forwarded upstream.
        localOnly: true,
        hosts: [...this.addresses].map(([hostname, ip]) => ({ hostname, ip })),
      },
    });
    this.networkId = this.resource.id;
  }

  /** The fixed address of a host the network was given. */
  public addressOf(name: string): string {
    const address = this.addresses.get(name);
    if (!address) {
      throw new MicroOsError(this.node.path, "hosts", `no host named \`${name}\``, `add \`${name}\` to the network's hosts`);
    }
    return address;
  }

  /** Every host name with its address, in plan order. */
  public get hostAddresses(): ReadonlyMap<string, string> {
    return this.addresses;
  }

  /** Fully qualified name of a host. */
  public fqdnOf(name: string): string {
    this.addressOf(name);
    return `${name}.${this.domain}`;
  }

  private assign(at: string, hosts: readonly LibvirtHost[], firstOffset: number): void {
    const last = lastHostOffset(this.parsed);
    const taken = new Set<string>([hostAt(this.parsed, 0), this.gateway]);
    for (const host of hosts) {
      if (!isDnsLabel(host.name)) {
        throw new MicroOsError(at, `hosts.${host.name}`, `\`${host.name}\` is not a DNS label`, "use lower-case letters, digits and `-`, at most 63 characters");
      }
      if (this.addresses.has(host.name)) {
        throw new MicroOsError(at, `hosts.${host.name}`, `duplicate host name \`${host.name}\``, "give every node a unique name");
      }
      if (host.address !== undefined) {
        if (!contains(this.parsed, host.address) || offsetOf(this.parsed, host.address) > last) {
          throw new MicroOsError(at, `hosts.${host.name}.address`, `${host.address} is not a host address in ${this.cidr}`, `pick an address between ${hostAt(this.parsed, 2)} and ${hostAt(this.parsed, last)}`);
        }
        if (taken.has(host.address)) {
          throw new MicroOsError(at, `hosts.${host.name}.address`, `${host.address} is already taken`, "give every node its own address");
        }
        taken.add(host.address);
        this.addresses.set(host.name, host.address);
      } else {
        this.addresses.set(host.name, "");
      }
    }
    let offset = Math.max(firstOffset, 2);
    const automatic = hosts.filter((h) => h.address === undefined);
    const capacity = Math.max(0, last - offset + 1) - [...taken].filter((a) => offsetOf(this.parsed, a) >= offset).length;
    if (automatic.length > capacity) {
      throw new MicroOsError(at, "hosts", `${hosts.length} nodes do not fit in ${this.cidr}: it has room for ${capacity} automatically addressed nodes from offset ${offset}`, "use a larger block (a shorter prefix) or fewer nodes");
    }
    for (const host of automatic.filter((h) => (h.placement ?? AddressPlacement.SEQUENTIAL) === AddressPlacement.SEQUENTIAL)) {
      while (taken.has(hostAt(this.parsed, offset))) offset++;
      const address = hostAt(this.parsed, offset);
      taken.add(address);
      this.addresses.set(host.name, address);
      offset++;
    }
    // Sorted by name, so the outcome does not depend on the order pools are listed in.
    const hashed = automatic.filter((h) => h.placement === AddressPlacement.BY_NAME).sort((a, b) => (a.name < b.name ? -1 : 1));
    const first = Math.max(firstOffset, 2);
    const freeFrom = (start: number) => last - start + 1 - [...taken].filter((a) => offsetOf(this.parsed, a) >= start).length;
    // Leave the first slots to sequential hosts where the block has room for that.
    const hashedFirst = freeFrom(first + SEQUENTIAL_SLOTS) >= hashed.length ? first + SEQUENTIAL_SLOTS : first;
    const span = last - hashedFirst + 1;
    for (const host of hashed) {
      let slot = createHash("sha256").update(host.name).digest().readUInt32BE(0) % span;
      while (taken.has(hostAt(this.parsed, hashedFirst + slot))) slot = (slot + 1) % span;
      const address = hostAt(this.parsed, hashedFirst + slot);
      taken.add(address);
      this.addresses.set(host.name, address);
    }
  }
}
