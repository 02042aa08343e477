/**
 * The NAT network of a libvirt 0.9 cluster (`libvirt_network`, dmacvicar/libvirt 0.9.7, whose
 * schema mirrors libvirt's network XML): the address plan is LibvirtNetwork's, the same on both
 * provider versions.
 */
import type { Construct } from "../../../cdktf";
import { Network } from "../../../../gen/libvirt-0.9/providers/libvirt/network";

/** One host entry of the network: DHCP (MAC to address, with the host name) and DNS. */
export interface NetworkHost09 {
  readonly name: string;
  readonly address: string;
  readonly mac: string;
}

/** What the 0.9 network resource needs from the address plan. */
export interface Network09Props {
  readonly name: string;
  readonly domain: string;
  /** The host bridge's address (the block's first). */
  readonly gateway: string;
  readonly prefixLength: number;
  readonly autostart: boolean;
  readonly hosts: readonly NetworkHost09[];
}

/**
 * `libvirt_network` (id `Resource`) for provider 0.9: NAT forwarding, the host bridge on the
 * gateway address, one DHCP host entry (MAC, address, name) and one DNS host entry per node, and
 * a domain answered locally only (libvirt network XML: `<forward mode='nat'>`, `<ip address
 * prefix><dhcp><host mac ip name/>`, `<dns><host ip><hostname>`, `<domain name localOnly='yes'>`).
 * Without a DHCP range libvirt serves the listed hosts only: with hosts and no `<range>` it writes
 * dnsmasq's `dhcp-range=<bridge address>,static` (libvirt src/network/bridge_driver.c,
 * networkDnsmasqConfContents), so no address outside the plan is ever leased.
 */
export function network09(scope: Construct, props: Network09Props): Network {
  return new Network(scope, "Resource", {
    name: props.name,
    autostart: props.autostart,
    forward: { mode: "nat" },
    domain: { name: props.domain, localOnly: "yes" },
    ips: [
      {
        address: props.gateway,
        prefix: props.prefixLength,
        dhcp: { hosts: props.hosts.map((h) => ({ mac: h.mac, ip: h.address, name: h.name })) },
      },
    ],
    dns: { host: props.hosts.map((h) => ({ ip: h.address, hostnames: [{ hostname: h.name }] })) },
  });
}
