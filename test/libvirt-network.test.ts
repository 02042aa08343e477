import { describe, expect, it, test } from "vitest";
import { App, TerraformStack, Testing } from "../lib/cdktf";
import { AddressPlacement, LibvirtNetwork, type LibvirtNetworkProps, ensureLibvirtProvider } from "../lib/platform/libvirt";
import { macOfAddress } from "../lib/platform/libvirt/addressing";
import { overlaps, parseIpv4Cidr } from "../lib/core/ipv4";
import { assertConforms, errorOf } from "./libvirt-helpers";

function networkOf(props: Partial<LibvirtNetworkProps> = {}, stack = new TerraformStack(new App(), "net")) {
  ensureLibvirtProvider(stack);
  const net = new LibvirtNetwork(stack, "lan", { name: "lan", hosts: [{ name: "c1" }, { name: "w1" }], ...props });
  return { stack, net };
}

function synthOf(stack: TerraformStack): Record<string, any> {
  const synth = JSON.parse(Testing.synth(stack, true));
  assertConforms(synth);
  return synth;
}

const network = networkOf;

describe("LibvirtNetwork", () => {
  test("is a NAT network with the bridge on the gateway, a local-only DNS domain, and a DHCP and DNS entry per host", () => {
    const { stack } = networkOf({ cidr: "192.168.77.0/24", domain: "k8s.example" });
    const res = Object.values(synthOf(stack).resource.libvirt_network)[0] as Record<string, any>;
    expect(res).toEqual({
      name: "lan",
      autostart: true,
      forward: { mode: "nat" },
      domain: { name: "k8s.example", local_only: "yes" },
      ips: [
        {
          address: "192.168.77.1",
          prefix: 24,
          // No DHCP range: only the planned hosts get a lease.
          dhcp: {
            hosts: [
              { mac: macOfAddress("192.168.77.10"), ip: "192.168.77.10", name: "c1" },
              { mac: macOfAddress("192.168.77.11"), ip: "192.168.77.11", name: "w1" },
            ],
          },
        },
      ],
      dns: {
        host: [
          { ip: "192.168.77.10", hostnames: [{ hostname: "c1" }] },
          { ip: "192.168.77.11", hostnames: [{ hostname: "w1" }] },
        ],
      },
    });
  });

  test("the gateway is the first address of the block", () => {
    expect(network().net.gateway).toBe("10.17.3.1");
  });

  test("the domain defaults to <name>.internal and names resolve in it", () => {
    const { net } = network();
    expect(net.domain).toBe("lan.internal");
    expect(net.fqdnOf("c1")).toBe("c1.lan.internal");
  });

  test("keeps an explicit address, and a pinned host keeps its position so the others do not move", () => {
    const { net } = network({ hosts: [{ name: "c1", address: "10.17.3.40" }, { name: "w1" }, { name: "w2" }] });
    expect([net.addressOf("c1"), net.addressOf("w1"), net.addressOf("w2")]).toEqual(["10.17.3.40", "10.17.3.11", "10.17.3.12"]);
  });

  test("refuses a pin on another host's sequential address, naming both", () => {
    const e = errorOf(() => network({ hosts: [{ name: "c1", address: "10.17.3.11" }, { name: "w1" }] }));
    expect(e.message).toBe(
      "net/lan: hosts: `c1` (pinned) and `w1` (sequential host 1) would both take 10.17.3.11. Fix: pin the newer of them (the other keeps its address) to a free address (LibvirtPlatform.local's `addresses`, or the host's `address`), or rename one",
    );
  });

  test("counts across octets in larger blocks and wraps a group at the end of the by-name region", () => {
    const hosts = Array.from({ length: 330 }, (_, i) => ({ name: `n${i}`, placement: AddressPlacement.BY_NAME, member: { group: "n", index: i } }));
    const { net } = network({ cidr: "10.20.0.0/22", hosts });
    expect(net.regions.byName).toEqual({ first: "10.20.0.26", last: "10.20.3.254", capacity: 997 });
    // sha256("n") mod 997 = 676: index 0 is 676 slots into the region.
    expect(net.addressOf("n0")).toBe("10.20.2.190");
    expect(net.addressOf("n299")).toBe("10.20.3.233");
    expect(net.addressOf("n320")).toBe("10.20.3.254");
    expect(net.addressOf("n321")).toBe("10.20.0.26");
  });

  test("refuses a malformed CIDR", () => {
    const e = errorOf(() => network({ cidr: "10.17.3/24" }));
    expect(e.message).toBe('net/lan: cidr: "10.17.3/24" is not an IPv4 CIDR block. Fix: give a network in CIDR form, for example "10.0.0.0/16"');
  });

  test("refuses an IPv6 CIDR", () => {
    expect(() => network({ cidr: "fd00::/64" })).toThrow(/cidr: "fd00::\/64" is IPv6/);
  });

  test("refuses a CIDR with host bits set", () => {
    expect(() => network({ cidr: "10.17.3.5/24" })).toThrow('net/lan: cidr: "10.17.3.5/24" has host bits set. Fix: use the network address, "10.17.3.0/24"');
  });

  test("refuses a block too small for nodes", () => {
    expect(() => network({ cidr: "10.17.3.0/30" })).toThrow(/"10\.17\.3\.0\/30" is too small .* Fix: use a prefix of \/29 or shorter/);
  });

  test("refuses a CIDR that overlaps k3s's pod network", () => {
    const e = errorOf(() => network({ cidr: "10.42.1.0/24" }));
    expect(e.field).toBe("cidr");
    expect(e.message).toMatch(/10\.42\.1\.0\/24 overlaps 10\.42\.0\.0\/16, which must stay free/);
  });

  test("refuses a CIDR that overlaps another libvirt network in the stack", () => {
    const stack = new TerraformStack(new App(), "net");
    network({ cidr: "10.17.0.0/16" }, stack);
    const e = errorOf(() => new LibvirtNetwork(stack, "other", { name: "other", cidr: "10.17.3.0/24", hosts: [] }));
    expect(e.message).toBe("net/other: cidr: 10.17.3.0/24 overlaps 10.17.0.0/16 of net/lan. Fix: give each libvirt network its own block");
  });

  test("refuses an avoided block given as a malformed CIDR", () => {
    expect(() => network({ avoidCidrs: ["nonsense"] })).toThrow(/avoidCidrs: "nonsense" is not an IPv4 CIDR block/);
  });

  test("refuses more sequential hosts than the sequential region holds", () => {
    const hosts = Array.from({ length: 17 }, (_, i) => ({ name: `n${i}` }));
    const e = errorOf(() => network({ hosts }));
    expect(e.message).toBe(
      "net/lan: hosts: 17 sequentially placed hosts do not fit in 10.17.3.0/24: its sequential region holds 16 (10.17.3.10 to 10.17.3.25). Fix: place the others by name (AddressPlacement.BY_NAME), or use a larger block",
    );
  });

  test("fills the sequential region exactly to its last address", () => {
    const hosts = Array.from({ length: 16 }, (_, i) => ({ name: `n${i}` }));
    expect(network({ hosts }).net.addressOf("n15")).toBe("10.17.3.25");
  });

  test("a group fills a small block exactly to its last host address", () => {
    const hosts = Array.from({ length: 9 }, (_, i) => ({ name: `w${i}`, placement: AddressPlacement.BY_NAME, member: { group: "w", index: i } }));
    const { net } = network({ cidr: "10.17.3.0/28", hosts });
    expect(net.regions).toEqual({ sequential: { first: "10.17.3.2", last: "10.17.3.5", capacity: 4 }, byName: { first: "10.17.3.6", last: "10.17.3.14", capacity: 9 } });
    expect(hosts.map((h) => net.addressOf(h.name)).sort()).toEqual(Array.from({ length: 9 }, (_, i) => `10.17.3.${6 + i}`).sort());
  });

  test("refuses a first host offset that is not a whole number from 2, or leaves no by-name address", () => {
    for (const firstHostOffset of [1, 2.5, 239]) {
      expect(() => network({ firstHostOffset }), String(firstHostOffset)).toThrow(
        `net/lan: firstHostOffset: ${firstHostOffset} is not an offset from 2 to 238 in 10.17.3.0/24 (offset 0 is the network, 1 the gateway, and 16 sequential addresses and one placed by name must follow it). Fix: give a whole number from 2 to 238, or leave it out for 10`,
      );
    }
    expect(network({ firstHostOffset: 238 }).net.regions.byName).toEqual({ first: "10.17.3.254", last: "10.17.3.254", capacity: 1 });
  });

  test("refuses a block larger than a /8, whose addresses could share a MAC", () => {
    expect(() => network({ cidr: "10.0.0.0/7", avoidCidrs: [] })).toThrow(
      'net/lan: cidr: "10.0.0.0/7" is larger than a /8, so two nodes could share a MAC (a MAC carries the address\'s low 24 bits). Fix: use a prefix of /8 or longer (for example /24)',
    );
  });

  test("refuses a group member that is not placed by name, or has no group or a bad index", () => {
    expect(() => network({ hosts: [{ name: "w0", member: { group: "w", index: 0 } }] })).toThrow(
      "net/lan: hosts.w0.member: a group member is placed by name. Fix: give it placement AddressPlacement.BY_NAME, or leave member out",
    );
    for (const member of [{ group: "", index: 0 }, { group: "w", index: -1 }, { group: "w", index: 1.5 }]) {
      expect(() => network({ hosts: [{ name: "w0", placement: AddressPlacement.BY_NAME, member }] }), JSON.stringify(member)).toThrow(
        `net/lan: hosts.w0.member: group \`${member.group}\` index ${member.index} is not a named group and a whole number from 0. Fix: give the group's name and the host's number in it, from 0`,
      );
    }
  });

  test("refuses duplicate host names", () => {
    expect(() => network({ hosts: [{ name: "c1" }, { name: "c1" }] })).toThrow("net/lan: hosts.c1: duplicate host name `c1`. Fix: give every node a unique name");
  });

  test("refuses a host name that is not a DNS label", () => {
    expect(() => network({ hosts: [{ name: "Node_1" }] })).toThrow(/hosts\.Node_1: `Node_1` is not a DNS label/);
  });

  test("refuses an explicit address outside the block", () => {
    expect(() => network({ hosts: [{ name: "c1", address: "10.17.4.10" }] })).toThrow(/hosts\.c1\.address: 10\.17\.4\.10 is not a host address in 10\.17\.3\.0\/24/);
  });

  test("refuses an explicit address that is the gateway", () => {
    expect(() => network({ hosts: [{ name: "c1", address: "10.17.3.1" }] })).toThrow(
      "net/lan: hosts.c1.address: 10.17.3.1 is already taken by the gateway (the host bridge). Fix: give every node its own address",
    );
  });

  test("refuses the address of a host it does not have", () => {
    expect(() => network().net.addressOf("nope")).toThrow(/hosts: no host named `nope`/);
  });
});

describe("addressing", () => {
  test("overlaps is true for nested and equal blocks and false for neighbours", () => {
    const a = parseIpv4Cidr("", "cidr", "10.0.0.0/16");
    expect(overlaps(a, parseIpv4Cidr("", "cidr", "10.0.5.0/24"))).toBe(true);
    expect(overlaps(parseIpv4Cidr("", "cidr", "10.0.5.0/24"), a)).toBe(true);
    expect(overlaps(a, a)).toBe(true);
    expect(overlaps(a, parseIpv4Cidr("", "cidr", "10.1.0.0/16"))).toBe(false);
  });
});

describe("worker addresses by name", () => {
  it("keep every other worker's address when a worker is added or removed", () => {
    const plan = (names: string[]) => {
      const stack = new TerraformStack(new App(), "t");
      const net = new LibvirtNetwork(stack, "n", {
        name: "n",
        hosts: [{ name: "c0" }, ...names.map((name) => ({ name, placement: AddressPlacement.BY_NAME }))],
      });
      return new Map(names.map((n) => [n, net.addressOf(n)]));
    };
    const names = Array.from({ length: 12 }, (_, i) => `pool-${i}`);
    const all = plan(names);
    const fewer = plan(names.filter((n) => n !== "pool-5"));
    const more = plan([...names, "pool-12", "pool-13"]);
    for (const n of names) {
      if (n !== "pool-5") expect(fewer.get(n), n).toBe(all.get(n));
      expect(more.get(n), n).toBe(all.get(n));
    }
  });

  it("refuse two names with one slot instead of probing past it", () => {
    // sha256 mod 229 is 85 for both names, so both want 10.17.3.111.
    const hosts = ["node-26", "node-13"].map((name) => ({ name, placement: AddressPlacement.BY_NAME }));
    const e = errorOf(() => networkOf({ hosts }));
    expect(e.message).toBe(
      "net/lan: hosts: `node-13` (placed by the hash of its name) and `node-26` (placed by the hash of its name) would both take 10.17.3.111. Fix: pin the newer of them (the other keeps its address) to a free address (LibvirtPlatform.local's `addresses`, or the host's `address`), or rename one",
    );
  });
});
