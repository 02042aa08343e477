/**
 * The libvirt platform's behaviour beyond one machine's resources: binding, addresses, defaults,
 * and its refusals. Every stack passes the 0.9.7 schema check (buildCluster).
 */
import { describe, expect, test } from "vitest";
import { App, TerraformStack } from "../lib/cdktf";
import { Architecture, NodeRole } from "../lib/core/node";
import { LIBVIRT_BOOT_PROFILE, LibvirtFirmware } from "../lib/platform/libvirt/profile";
import { type LibvirtLocalProps, LibvirtPlatform, parseLibvirtSize } from "../lib/platform/libvirt";
import { FLATCAR_IMAGE, all, buildCluster, byName, errorOf, flatcarRequest, k3osRequest, libvirtRequest, spec } from "./libvirt-helpers";

const NODES = [spec("c1", NodeRole.CONTROLLER), spec("w1"), spec("w2")];
const local = (props: LibvirtLocalProps = {}) => LibvirtPlatform.local(props);


describe("LibvirtPlatform.local", () => {
  test("refuses a `provider` option: the platform writes for provider 0.9.7 only", () => {
    const e = errorOf(() => LibvirtPlatform.local({ provider: "0.8.3" } as unknown as LibvirtLocalProps));
    expect(e.message).toMatch(/^LibvirtPlatform\.local: provider: no such option\. Fix: /);
  });
});

describe(`LibvirtPlatform`, () => {
  test("reads libvirt boot profiles", () => {
    expect(local().profileKey).toBe(LIBVIRT_BOOT_PROFILE);
    expect(local().name).toBe("libvirt");
  });

  test("fixes addresses at bind time: controllers in order from .10, workers at a slot derived from their name; the API endpoint is the first controller", () => {
    const stack = new TerraformStack(new App(), "t");
    const binding = local({ cidr: "192.168.50.0/24" }).bind(stack, "demo", [spec("w1"), spec("c1", NodeRole.CONTROLLER), spec("c2", NodeRole.CONTROLLER)]);
    expect([binding.addressOf("c1"), binding.addressOf("c2"), binding.addressOf("w1")]).toEqual(["192.168.50.10", "192.168.50.11", "192.168.50.44"]);
    expect(binding.apiEndpoint).toBe("192.168.50.10");
    expect(binding.apiTlsSans).toEqual(["c1.demo.internal"]);
  });

  test("addMachines returns each node's name, address and ssh command", () => {
    const stack = new TerraformStack(new App(), "t");
    const binding = local().bind(stack, "demo", [spec("c1", NodeRole.CONTROLLER)]);
    expect(binding.addMachines([libvirtRequest(spec("c1", NodeRole.CONTROLLER), flatcarRequest(spec("c1")))]).map(({ name, address, sshCommand }) => ({ name, address, sshCommand }))).toEqual([
      { name: "c1", address: "10.17.3.10", sshCommand: "ssh core@10.17.3.10" },
    ]);
  });

  test("uses the uri, pool name and path it is given", () => {
    const synth = buildCluster([spec("c1", NodeRole.CONTROLLER)], flatcarRequest, { uri: "qemu+ssh://me@host/system", poolName: "fast", poolPath: "/srv/vm" }).synth;
    expect(synth.provider.libvirt).toEqual([{ uri: "qemu+ssh://me@host/system" }]);
    expect(all(synth, "libvirt_pool")).toEqual([{ name: "fast", type: "dir", target: { path: "/srv/vm" } }]);
  });

  test("mixes images: one base volume per distinct image", () => {
    const synth = buildCluster(NODES, (n) => (n.name === "w2" ? k3osRequest(n) : flatcarRequest(n))).synth;
    const urls = all(synth, "libvirt_volume").map((v) => String(v.create?.content?.url ?? "")).filter((u) => u.startsWith("https://"));
    expect(urls).toHaveLength(4);
  });

  test("refuses duplicate node names at bind", () => {
    const stack = new TerraformStack(new App(), "t");
    const e = errorOf(() => local().bind(stack, "demo", [spec("c1", NodeRole.CONTROLLER), spec("c1")]));
    expect(e.message).toBe("t/Libvirt: nodes.c1: duplicate node name `c1`. Fix: give every node a unique name");
  });

  test("refuses duplicate requests", () => {
    const stack = new TerraformStack(new App(), "t");
    const binding = local().bind(stack, "demo", [spec("c1", NodeRole.CONTROLLER)]);
    const req = libvirtRequest(spec("c1", NodeRole.CONTROLLER), flatcarRequest(spec("c1")));
    expect(() => binding.addMachines([req, req])).toThrow("t/Libvirt: requests.c1: duplicate node name `c1`. Fix: give every node a unique name");
  });

  test("refuses a request for a node it was not bound with", () => {
    const stack = new TerraformStack(new App(), "t");
    const binding = local().bind(stack, "demo", [spec("c1", NodeRole.CONTROLLER)]);
    expect(() => binding.addMachines([libvirtRequest(spec("w9"), flatcarRequest(spec("w9")))])).toThrow(/requests\.w9: node `w9` was not among the nodes/);
  });

  test("refuses a second addMachines call", () => {
    const stack = new TerraformStack(new App(), "t");
    const binding = local().bind(stack, "demo", [spec("c1", NodeRole.CONTROLLER)]);
    binding.addMachines([]);
    expect(() => binding.addMachines([])).toThrow(/addMachines: called twice/);
  });

  test("refuses a cluster without a controller", () => {
    expect(() => local().bind(new TerraformStack(new App(), "t"), "demo", [spec("w1")])).toThrow(/nodes: no controller among the nodes/);
  });

  test("refuses more nodes than the network holds", () => {
    const nodes = [spec("c1", NodeRole.CONTROLLER), ...Array.from({ length: 5 }, (_, i) => spec(`w${i}`))];
    expect(() => local({ cidr: "10.17.3.0/29" }).bind(new TerraformStack(new App(), "t"), "demo", nodes)).toThrow(
      "t/Libvirt/Network: hosts: 5 hosts placed by name do not fit in 10.17.3.0/29: its by-name region holds 3 (10.17.3.4 to 10.17.3.6). Fix: use a larger block (a shorter prefix) or fewer nodes",
    );
  });

  test("refuses an overlapping CIDR", () => {
    const reservedCidrs = ["10.42.0.0/16", "10.43.0.0/16"];
    expect(() => local({ cidr: "10.43.0.0/24" }).bind(new TerraformStack(new App(), "t"), "demo", NODES, { reservedCidrs })).toThrow(/t\/Libvirt\/Network: cidr: 10\.43\.0\.0\/24 overlaps 10\.43\.0\.0\/16/);
    // A cluster without Kubernetes reserves nothing.
    expect(() => local({ cidr: "10.43.0.0/24" }).bind(new TerraformStack(new App(), "t"), "demo", NODES)).not.toThrow();
  });

  test("refuses a malformed CIDR", () => {
    expect(() => local({ cidr: "10.17.3.0/33" }).bind(new TerraformStack(new App(), "t"), "demo", NODES)).toThrow(/cidr: "10\.17\.3\.0\/33" is not an IPv4 CIDR block/);
  });

  test("refuses a malformed size", () => {
    expect(() => buildCluster([spec("c1", NodeRole.CONTROLLER)], (n) => ({ ...flatcarRequest(n), size: "t3.large" }))).toThrow(
      "test/Libvirt: requests.c1.size: `t3.large` is not a libvirt size. Fix: write `<vcpu>x<memory MiB>`, for example `2x4096`",
    );
    expect(parseLibvirtSize("", "size", "4x8192")).toEqual({ vcpu: 4, memoryMib: 8192 });
  });

  test("refuses memory below what the OS needs", () => {
    const e = errorOf(() => buildCluster([spec("c1", NodeRole.CONTROLLER)], (n) => ({ ...flatcarRequest(n), size: "2x1024" })));
    expect(e.message).toBe("test/Libvirt/Machine-c1: memoryMib: 1024 MiB is below the 2048 MiB the OS needs. Fix: give at least 2048 MiB");
  });

  test("refuses a disk below what the OS needs", () => {
    const e = errorOf(() => buildCluster([spec("c1", NodeRole.CONTROLLER)], (n) => ({ ...flatcarRequest(n), diskGib: 4 })));
    expect(e.message).toBe("test/Libvirt/Machine-c1: diskGib: 4 GiB is below the 8 GiB the OS needs. Fix: give at least 8 GiB");
  });

  test("takes the minimums from the OS's boot profile", () => {
    const e = errorOf(() => buildCluster([spec("c1", NodeRole.CONTROLLER)], (n) => ({ ...flatcarRequest(n), size: "2x3072", minimums: { memoryMib: 4096, diskGib: 8 } })));
    expect(e.field).toBe("memoryMib");
    expect(e.message).toMatch(/3072 MiB is below the 4096 MiB/);
  });

  test("refuses an arm64 node without UEFI firmware", () => {
    const e = errorOf(() => buildCluster([spec("c1", NodeRole.CONTROLLER, Architecture.ARM64)], (n) => ({ ...flatcarRequest(n), architecture: Architecture.ARM64, firmware: LibvirtFirmware.UEFI })));
    expect(e.at).toBe("test/Libvirt/Machine-c1");
    expect(e.field).toBe("uefiFirmware");
    expect(e.message).toMatch(/a arm64 machine on a UEFI-only image boots only through UEFI firmware, and none is set\. Fix: set `uefiFirmware`/);
  });

  test("boots an arm64 node through the UEFI firmware it is given", () => {
    const arm = { ...FLATCAR_IMAGE, url: FLATCAR_IMAGE.url.replace("amd64-usr", "arm64-usr"), volumeName: "flatcar-arm64.qcow2" };
    const synth = buildCluster([spec("c1", NodeRole.CONTROLLER, Architecture.ARM64)], (n) => ({ ...flatcarRequest(n), image: arm, architecture: Architecture.ARM64, firmware: LibvirtFirmware.UEFI }), {
      uefiFirmware: "/usr/share/AAVMF/AAVMF_CODE.fd",
      uefiVarsTemplate: "/usr/share/AAVMF/AAVMF_VARS.fd",
    }).synth;
    expect(byName(synth, "libvirt_domain", "demo-c1")).toMatchObject(
      {
        os: {
          type_arch: "aarch64",
          type_machine: "virt",
          loader: "/usr/share/AAVMF/AAVMF_CODE.fd",
          loader_type: "pflash",
          loader_readonly: "yes",
          nv_ram: { nv_ram: "/var/lib/libvirt/qemu/nvram/demo-c1_VARS.fd", template: "/usr/share/AAVMF/AAVMF_VARS.fd" },
        },
        cpu: { mode: "host-passthrough" },
      },
    );
  });
});

describe(`LibvirtPlatform with the Cluster's conventions`, () => {
  test("an empty size takes the platform's default size", () => {
    const synth = buildCluster([spec("c1", NodeRole.CONTROLLER)], (n) => ({ ...flatcarRequest(n), size: "" }), { size: "4x8192" }).synth;
    expect(byName(synth, "libvirt_domain", "demo-c1")).toMatchObject({ vcpu: 4, memory: 8192 });
  });

  test("node names that already carry the cluster name are not prefixed twice", () => {
    const synth = buildCluster([spec("demo-controller-0", NodeRole.CONTROLLER)], flatcarRequest).synth;
    expect(all(synth, "libvirt_domain").map((d) => d.name)).toEqual(["demo-controller-0"]);
  });

  test("refuses API access CIDRs, which a NAT network cannot enforce", () => {
    const e = errorOf(() => local().bind(new TerraformStack(new App(), "t"), "demo", NODES, { apiCidrs: ["203.0.113.0/24"] }));
    expect(e.message).toBe(
      "t/Libvirt: access.apiCidrs: libvirt's NAT network has no firewall to limit who reaches the nodes. Fix: leave it empty on libvirt (only the host reaches the network)",
    );
  });

  test("refuses SSH access CIDRs likewise", () => {
    expect(() => local().bind(new TerraformStack(new App(), "t"), "demo", NODES, { sshCidrs: ["0.0.0.0/0"] })).toThrow(/access\.sshCidrs: libvirt's NAT network has no firewall/);
  });
});

describe(`k3OS on arm64`, () => {
  test("refuses an ISO-installed arm64 node, since ISOs are attached on a bus arm64 machines lack", () => {
    const e = errorOf(() =>
      buildCluster([spec("c1", NodeRole.CONTROLLER, Architecture.ARM64)], (n) => ({ ...k3osRequest(n), architecture: Architecture.ARM64, firmware: LibvirtFirmware.UEFI }), { uefiFirmware: "/usr/share/AAVMF/AAVMF_CODE.fd" }),
    );
    expect(e.field).toBe("image");
    expect(e.message).toMatch(
      /an installer ISO cannot boot an arm64 machine here: the platform attaches ISOs as SATA CD-ROMs, which arm64 machines lack/,
    );
  });
});

describe(`fixed addresses`, () => {
  test("a node keeps the address it is given, and the others keep theirs", () => {
    const stack = new TerraformStack(new App(), "t");
    const binding = local({ addresses: { w1: "10.17.3.50" } }).bind(stack, "demo", NODES);
    expect([binding.addressOf("c1"), binding.addressOf("w1"), binding.addressOf("w2")]).toEqual(["10.17.3.10", "10.17.3.50", "10.17.3.185"]);
  });

  test("refuses an address for a node that does not exist", () => {
    expect(() => local({ addresses: { w9: "10.17.3.50" } }).bind(new TerraformStack(new App(), "t"), "demo", NODES)).toThrow(
      "t/Libvirt: addresses.w9: no node named `w9`. Fix: name one of c1, w1, w2",
    );
  });

  test("refuses two nodes on one address", () => {
    expect(() => local({ addresses: { w1: "10.17.3.50", w2: "10.17.3.50" } }).bind(new TerraformStack(new App(), "t"), "demo", NODES)).toThrow(
      /hosts\.w2\.address: `w1` \(pinned\) and `w2` \(pinned\) would both take 10\.17\.3\.50\. Fix: pin the newer of them/,
    );
  });
});
