/**
 * A libvirt NAT network with a fixed address plan: a DNS domain, and a DHCP and a DNS host entry
 * (MAC, address and name) per node.
 */
import { Construct, TerraformStack } from "../../cdktf";
import { MicroOsError } from "../../core/errors";
import { isDnsLabel } from "../../core/node";
import { Network } from "../../../gen/libvirt/network";
import {
  type AddressRegions,
  type Ipv4Network,
  type OffsetRange,
  addressRegions,
  contains,
  defaultFirstHostOffset,
  gatewayOf,
  hashSlot,
  hostAt,
  lastHostOffset,
  macOfAddress,
  offsetOf,
  overlaps,
  parseIpv4Cidr,
  parseNetworkCidr,
  rangeSize,
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
  /**
   * The host's place in a numbered group (a worker pool's `<cluster>-<pool>-<i>`), for
   * AddressPlacement.BY_NAME: the group's members take consecutive slots from a hash of the group,
   * so they never collide with each other while the group fits the region.
   * @default - the slot comes from a hash of the name
   */
  readonly member?: LibvirtGroupMember;
}

/** A host's place in a numbered group of hosts. */
export interface LibvirtGroupMember {
  /** The group, for example the worker pool's name. */
  readonly group: string;
  /** The host's number in the group, a whole number from 0. */
  readonly index: number;
}

/**
 * How a host without a fixed address gets one. The block has two fixed regions, which depend on
 * the block and `firstHostOffset` only (never on how many hosts there are): 16 sequential
 * addresses from `firstHostOffset` (a quarter of the block in blocks smaller than /26), then the
 * by-name region up to the last host address. Every host's address depends on that host alone,
 * so adding or removing a host never moves another; two hosts that would share an address are
 * refused at construction, naming both.
 */
export enum AddressPlacement {
  /**
   * The i-th sequentially placed host in the list (pinned ones counted, so pinning one moves no
   * other) takes the i-th address of the sequential region (controllers: a short list that only
   * grows or shrinks at its end).
   */
  SEQUENTIAL = "sequential",
  /**
   * A slot in the by-name region (workers): `(hash(group) + index) mod size` for a
   * {@link LibvirtHost.member}, else `hash(name) mod size` (SHA-256). No probing: a slot is
   * the host's own whatever else is in the network.
   */
  BY_NAME = "by-name",
}

/** A range of addresses of the plan. */
export interface LibvirtAddressRange {
  /** First address. */
  readonly first: string;
  /** Last address. */
  readonly last: string;
  /** Number of addresses. */
  readonly capacity: number;
}

/** Props of {@link LibvirtNetwork}. */
export interface LibvirtNetworkProps {
  /** Name of the libvirt network (and its bridge's network). */
  readonly name: string;
  /** IPv4 block of the network. @default "10.17.3.0/24" */
  readonly cidr?: string;
  /** DNS domain the network serves; nodes resolve as `<name>.<domain>`. @default - `<name>.internal` */
  readonly domain?: string;
  /**
   * Every host, each with its placement ({@link AddressPlacement}). Only sequentially placed hosts
   * depend on the order: the i-th of them takes the i-th sequential address.
   */
  readonly hosts: readonly LibvirtHost[];
  /**
   * Offset in the block of the first sequential address; the addresses below it stay free for the
   * host and DHCP clients. @default 10, or 2 in blocks smaller than /27
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
 * A NAT network (`libvirt_network`, id `Resource`): NAT forwarding, the host bridge on the
 * block's first address, one DHCP host entry (MAC, address, name) and one DNS host entry per node,
 * and a domain answered locally only (libvirt network XML: `<forward mode='nat'>`, `<ip address
 * prefix><dhcp><host mac ip name/>`, `<dns><host ip><hostname>`, `<domain name localOnly='yes'>`).
 * Without a DHCP range libvirt serves the listed hosts only: with hosts and no `<range>` it writes
 * dnsmasq's `dhcp-range=<bridge address>,static` (libvirt src/network/bridge_driver.c,
 * networkDnsmasqConfContents), so no address outside the plan is ever leased. Refuses a malformed CIDR, one that overlaps
 * `avoidCidrs` or another LibvirtNetwork in the same stack, duplicate host names, more hosts than
 * a region holds, and two hosts that would share an address. Each host's MAC derives from its
 * address ({@link LibvirtNetwork.macOf}), so MACs are unique in the network.
 */
export class LibvirtNetwork extends Construct {
  /** The `libvirt_network`. */
  public readonly resource: Network;
  /** Canonical CIDR. */
  public readonly cidr: string;
  /** DNS domain. */
  public readonly domain: string;
  /** The host bridge's address, which is the nodes' gateway and DNS server. */
  public readonly gateway: string;
  /** `libvirt_network` name (a reference), for a domain's `devices.interfaces[].source.network.network`. */
  public readonly networkName: string;
  /** The sequential region (controllers) and the by-name region (workers) of the plan. */
  public readonly regions: { readonly sequential: LibvirtAddressRange; readonly byName: LibvirtAddressRange };
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

    const regions = addressRegions(at, this.parsed, props.firstHostOffset ?? defaultFirstHostOffset(this.parsed));
    const range = (r: OffsetRange): LibvirtAddressRange => ({ first: hostAt(this.parsed, r.first), last: hostAt(this.parsed, r.last), capacity: rangeSize(r) });
    this.regions = { sequential: range(regions.sequential), byName: range(regions.byName) };
    this.assign(at, props.hosts, regions);

    const hosts = [...this.addresses].map(([name, address]) => ({ name, address, mac: macOfAddress(address) }));
    this.resource = new Network(this, "Resource", {
      name: props.name,
      autostart: props.autostart ?? true,
      // NAT: guests reach out through the host, which masquerades (libvirt "Virtual Networking", NAT mode).
      forward: { mode: "nat" },
      // Names in the domain are answered here only, never forwarded upstream.
      domain: { name: this.domain, local_only: "yes" },
      ips: [{ address: this.gateway, prefix: this.parsed.prefixLength, dhcp: { hosts: hosts.map((h) => ({ mac: h.mac, ip: h.address, name: h.name })) } }],
      dns: { host: hosts.map((h) => ({ ip: h.address, hostnames: [{ hostname: h.name }] })) },
    });
    this.networkName = this.resource.name;
  }

  /** The fixed address of a host the network was given. */
  public addressOf(name: string): string {
    const address = this.addresses.get(name);
    if (!address) {
      throw new MicroOsError(this.node.path, "hosts", `no host named \`${name}\``, `add \`${name}\` to the network's hosts`);
    }
    return address;
  }

  /**
   * The MAC of a host's interface: `52:54:00` and the low 24 bits of its address, so it is unique
   * in the network and moves only with the address.
   */
  public macOf(name: string): string {
    return macOfAddress(this.addressOf(name));
  }

  /** Every host name with its address, in the order of `hosts`. */
  public get hostAddresses(): ReadonlyMap<string, string> {
    return this.addresses;
  }

  /** Fully qualified name of a host. */
  public fqdnOf(name: string): string {
    this.addressOf(name);
    return `${name}.${this.domain}`;
  }

  private assign(at: string, hosts: readonly LibvirtHost[], regions: AddressRegions): void {
    const last = lastHostOffset(this.parsed);
    // Who holds each offset, with how it got there, for the collision message.
    const holders = new Map<number, { readonly name: string; readonly why: string }>([
      [0, { name: "the network address", why: "" }],
      [1, { name: "the gateway (the host bridge)", why: "" }],
    ]);
    const take = (host: LibvirtHost, offset: number, why: string) => {
      const holder = holders.get(offset);
      const address = hostAt(this.parsed, offset);
      if (holder) {
        const field = host.address !== undefined ? `hosts.${host.name}.address` : "hosts";
        if (holder.why === "") {
          throw new MicroOsError(at, field, `${address} is already taken by ${holder.name}`, "give every node its own address");
        }
        throw new MicroOsError(
          at,
          field,
          `\`${holder.name}\` (${holder.why}) and \`${host.name}\` (${why}) would both take ${address}`,
          `pin the newer of them (the other keeps its address) to a free address (LibvirtPlatform.local's \`addresses\`, or the host's \`address\`), or rename one`,
        );
      }
      holders.set(offset, { name: host.name, why });
      this.addresses.set(host.name, address);
    };

    for (const host of hosts) {
      if (!isDnsLabel(host.name)) {
        throw new MicroOsError(at, `hosts.${host.name}`, `\`${host.name}\` is not a DNS label`, "use lower-case letters, digits and `-`, at most 63 characters");
      }
      if (this.addresses.has(host.name)) {
        throw new MicroOsError(at, `hosts.${host.name}`, `duplicate host name \`${host.name}\``, "give every node a unique name");
      }
      // Listed now, in the order given; the address is filled in below.
      this.addresses.set(host.name, "");
      const member = host.member;
      if (member !== undefined) {
        if ((host.placement ?? AddressPlacement.SEQUENTIAL) !== AddressPlacement.BY_NAME) {
          throw new MicroOsError(at, `hosts.${host.name}.member`, "a group member is placed by name", "give it placement AddressPlacement.BY_NAME, or leave member out");
        }
        if (member.group === "" || !Number.isSafeInteger(member.index) || member.index < 0) {
          throw new MicroOsError(at, `hosts.${host.name}.member`, `group \`${member.group}\` index ${member.index} is not a named group and a whole number from 0`, "give the group's name and the host's number in it, from 0");
        }
      }
    }

    for (const host of hosts.filter((h) => h.address !== undefined)) {
      const address = host.address!;
      if (!contains(this.parsed, address) || offsetOf(this.parsed, address) > last) {
        throw new MicroOsError(at, `hosts.${host.name}.address`, `${address} is not a host address in ${this.cidr}`, `pick an address between ${hostAt(this.parsed, 2)} and ${hostAt(this.parsed, last)}`);
      }
      take(host, offsetOf(this.parsed, address), "pinned");
    }

    // A pinned sequential host keeps its position, so pinning it moves no other.
    const sequential = hosts.filter((h) => (h.placement ?? AddressPlacement.SEQUENTIAL) === AddressPlacement.SEQUENTIAL);
    const seqSize = rangeSize(regions.sequential);
    if (sequential.length > seqSize) {
      const { first, last: end } = this.regions.sequential;
      throw new MicroOsError(
        at,
        "hosts",
        `${sequential.length} sequentially placed hosts do not fit in ${this.cidr}: its sequential region holds ${seqSize} (${first} to ${end})`,
        "place the others by name (AddressPlacement.BY_NAME), or use a larger block",
      );
    }
    sequential.forEach((host, i) => {
      if (host.address === undefined) take(host, regions.sequential.first + i, `sequential host ${i}`);
    });

    // By name: each slot depends on the host alone. Taken in name order, so a collision's message
    // does not depend on the order of the list.
    const byName = hosts.filter((h) => h.address === undefined && h.placement === AddressPlacement.BY_NAME).sort((a, b) => (a.name < b.name ? -1 : 1));
    const span = rangeSize(regions.byName);
    if (byName.length > span) {
      const { first, last: end } = this.regions.byName;
      throw new MicroOsError(
        at,
        "hosts",
        `${byName.length} hosts placed by name do not fit in ${this.cidr}: its by-name region holds ${span} (${first} to ${end})`,
        "use a larger block (a shorter prefix) or fewer nodes",
      );
    }
    for (const host of byName) {
      const m = host.member;
      const slot = m ? (hashSlot(m.group, span) + (m.index % span)) % span : hashSlot(host.name, span);
      take(host, regions.byName.first + slot, m ? `index ${m.index} of group \`${m.group}\`` : "placed by the hash of its name");
    }
  }
}
