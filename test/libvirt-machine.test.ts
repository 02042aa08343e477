import { describe, expect, test } from "vitest";
import { App, Fn, TerraformStack, Testing, terraformEncoder } from "../lib/cdktf";
import { Architecture, NodeRole, type NodeSpec } from "../lib/core/node";
import { K3sFlatcarInstall } from "../lib/os/flatcar/k3s";
import { K3sRole, type K3sNodeProps } from "../lib/k3s/node";
import { Flatcar, FlatcarChannel } from "../lib/os/flatcar";
import { IGNITION_FORMAT } from "../lib/ignition/format";
import { LIBVIRT_BOOT_PROFILE, LibvirtFirmware } from "../lib/platform/libvirt/profile";
import { fixedConfig } from "./helpers/config";
import {
  type LibvirtLocalProps,
  LibvirtPlatform,
  LibvirtProviderVersion,
  ReplacementPolicy,
  libvirtDiskHash,
  parseLibvirtSize,
} from "../lib/platform/libvirt";
import { FLATCAR_FW_CFG_KEY } from "../lib/os/flatcar/libvirt";
import { validateK3osConfig } from "../lib/testing/k3os";
import { need } from "./helpers/external";
import { ignitionValidateTool, runIgnitionValidate } from "../lib/testing/ignition";
import {
  FLATCAR_IMAGE,
  FLATCAR_PROFILE,
  K3OS_IMAGE,
  SSH_KEY,
  assertConforms,
  PROVIDERS,
  type TestRequest,
  buildCluster as buildClusterOn,
  errorOf,
  flatcarConfig,
  flatcarRequest,
  libvirtRequest,
  k3osConfig,
  k3osRequest,
  spec,
} from "./libvirt-helpers";

const NODES = [spec("c1", NodeRole.CONTROLLER), spec("w1"), spec("w2")];

// The machine, k3OS and replacement tests of this file read provider 0.8.3's attributes
// (test/libvirt-09-machine.test.ts reads 0.9.7's); the platform's other behaviour runs on both, below.
const V0_8_3 = LibvirtProviderVersion.V0_8_3;
const local = (props: LibvirtLocalProps = {}) => LibvirtPlatform.local({ provider: V0_8_3, ...props });
const buildCluster = (nodes: readonly NodeSpec[], request: (n: NodeSpec) => TestRequest, props: LibvirtLocalProps = {}) => buildClusterOn(nodes, request, { provider: V0_8_3, ...props });

type Resources = Record<string, Record<string, any>>;
const byName = (synth: Record<string, any>, type: string, name: string): Record<string, any> => {
  const found = Object.values(synth.resource[type] as Resources).find((r) => r.name === name);
  if (!found) throw new Error(`no ${type} named ${name}`);
  return found;
};
const all = (synth: Record<string, any>, type: string): Record<string, any>[] => Object.values((synth.resource[type] ?? {}) as Resources);

describe("Flatcar machines on libvirt", () => {
  const { synth, machines } = buildCluster(NODES, flatcarRequest);

  test("each node gets its Ignition through libvirt_ignition and Flatcar's fw_cfg key", () => {
    const domain = byName(synth, "libvirt_domain", "demo-w1");
    expect(domain.fw_cfg_name).toBe("opt/org.flatcar-linux/config");
    expect(FLATCAR_FW_CFG_KEY).toBe("opt/org.flatcar-linux/config");
    const ignition = byName(synth, "libvirt_ignition", "demo-w1.ign");
    expect(domain.coreos_ignition).toMatch(/^\$\{libvirt_ignition\.[^.]+\.id\}$/);
    expect(domain.coreos_ignition).toContain(Object.entries(synth.resource.libvirt_ignition as Resources).find(([, r]) => r === ignition)![0]);
    expect(JSON.parse(ignition.content).ignition.version).toBe("3.3.0");
  });

  test("the Ignition inside every libvirt_ignition passes ignition-validate", (ctx) => {
    need(ctx, ignitionValidateTool());
    const contents = all(synth, "libvirt_ignition").map((r) => r.content as string);
    expect(contents).toHaveLength(3);
    for (const content of contents) {
      const result = runIgnitionValidate(content);
      expect(result, result.output).toMatchObject({ ok: true });
    }
  });

  test("ignition-validate rejects a broken config taken through the same path", (ctx) => {
    need(ctx, ignitionValidateTool());
    const broken = buildCluster([spec("c1", NodeRole.CONTROLLER)], () => ({
      config: { format: IGNITION_FORMAT, content: JSON.stringify({ ignition: { version: "3.3.0" }, storage: { files: [{ path: "relative/path" }] } }) },
      profile: FLATCAR_PROFILE,
      size: "2x2048",
    })).synth;
    expect(runIgnitionValidate(all(broken, "libvirt_ignition")[0].content).ok).toBe(false);
  });

  test("a Flatcar OS config rendered for libvirt passes ignition-validate", (ctx) => {
    need(ctx, ignitionValidateTool());
    const os = Flatcar.channel(FlatcarChannel.STABLE);
    const nodes = [spec("c1", NodeRole.CONTROLLER)];
    const { synth: s } = buildCluster(nodes, (n) => ({
      config: os.renderNode(
        { spec: n, hostname: n.name, sshKeys: [SSH_KEY] },
        terraformEncoder,
      ),
      profile: os.bootProfile(LIBVIRT_BOOT_PROFILE, n),
      size: "2x4096",
    }));
    const result = runIgnitionValidate(all(s, "libvirt_ignition")[0].content);
    expect(result, result.output).toMatchObject({ ok: true });
    expect(all(s, "libvirt_volume").find((v) => v.source)?.source).toBe("https://stable.release.flatcar-linux.net/amd64-usr/current/flatcar_production_qemu_image.img");
  });

  test("Flatcar k3s nodes rendered for libvirt addresses pass ignition-validate", (ctx) => {
    need(ctx, ignitionValidateTool());
    const os = Flatcar.channel(FlatcarChannel.STABLE, { k3sInstall: K3sFlatcarInstall.sysext({ version: "v1.36.4+k3s1", sha256: { amd64: "a".repeat(64) } }) });
    const nodes = [spec("c1", NodeRole.CONTROLLER), spec("w1")];
    const app = new App();
    const stack = new TerraformStack(app, "k3s");
    const binding = local().bind(stack, "demo", nodes);
    // A literal token keeps every config known at synth time, so the validator sees final JSON.
    const k3s = (n: NodeSpec): K3sNodeProps =>
      n.role === NodeRole.CONTROLLER
        ? { role: K3sRole.CLUSTER_INIT, token: "example-token", version: "v1.36.4+k3s1", nodeIp: binding.addressOf(n.name), tlsSans: binding.apiTlsSans }
        : { role: K3sRole.AGENT, token: "example-token", version: "v1.36.4+k3s1", serverUrl: `https://${binding.apiEndpoint}:6443`, nodeIp: binding.addressOf(n.name) };
    binding.addMachines(
      nodes.map((n) => ({
        spec: n,
        config: fixedConfig(os.renderNode({ spec: n, hostname: n.name, sshKeys: [SSH_KEY], k3s: k3s(n) }, terraformEncoder)),
        profile: os.bootProfile(LIBVIRT_BOOT_PROFILE, n),
        size: "2x4096",
      })),
    );
    const s = JSON.parse(Testing.synth(stack, true));
    assertConforms(s);
    const contents = all(s, "libvirt_ignition").map((r) => r.content as string);
    expect(contents).toHaveLength(2);
    for (const content of contents) {
      expect(content).not.toContain("${");
      const result = runIgnitionValidate(content);
      expect(result, result.output).toMatchObject({ ok: true });
    }
    expect(contents.join("\n")).toContain("10.17.3.10");
  });

  test("each node's disk is a copy-on-write qcow2 of the chosen size on the base image", () => {
    const base = byName(synth, "libvirt_volume", "flatcar-stable-current-amd64.qcow2");
    expect(base).toMatchObject({ source: FLATCAR_IMAGE.url, format: "qcow2" });
    const disk = all(synth, "libvirt_volume").find((v) => String(v.name).startsWith("demo-w1"))!;
    expect(disk).toMatchObject({ format: "qcow2", size: 10 * 1024 ** 3 });
    expect(disk.base_volume_id).toMatch(/^\$\{libvirt_volume\.Libvirt_Image-flatcar-stable-current-amd64qcow2_[0-9A-F]+\.id\}$/);
  });

  test("the base image is downloaded once for all nodes", () => {
    expect(all(synth, "libvirt_volume").filter((v) => v.source)).toHaveLength(1);
  });

  test("vcpu and memory come from the size, and there is a serial console", () => {
    const domain = byName(synth, "libvirt_domain", "demo-c1");
    expect(domain).toMatchObject({ vcpu: 2, memory: 2048, console: [{ type: "pty", target_port: "0", target_type: "serial" }] });
  });

  test("each node has a fixed address, its host name and the MAC of that address (52:54:00 and its low 24 bits)", () => {
    const domain = byName(synth, "libvirt_domain", "demo-w2");
    expect(domain.network_interface).toEqual([
      { network_id: expect.stringMatching(/^\$\{libvirt_network\./), hostname: "w2", addresses: ["10.17.3.185"], mac: "52:54:00:11:03:b9", wait_for_lease: false },
    ]);
  });

  test("reports every node's address and ssh command as core", () => {
    expect(machines.map(({ name, address, sshCommand }) => ({ name, address, sshCommand }))).toEqual([
      { name: "c1", address: "10.17.3.10", sshCommand: "ssh core@10.17.3.10" },
      { name: "w1", address: "10.17.3.44", sshCommand: "ssh core@10.17.3.44" },
      { name: "w2", address: "10.17.3.185", sshCommand: "ssh core@10.17.3.185" },
    ]);
  });

  test("creates a storage pool under /var/lib/libvirt/images by default", () => {
    expect(all(synth, "libvirt_pool")).toEqual([{ name: "demo", type: "dir", target: { path: "/var/lib/libvirt/images/demo" } }]);
  });

  test("every volume and config lives in the cluster's pool", () => {
    for (const r of [...all(synth, "libvirt_volume"), ...all(synth, "libvirt_ignition")]) {
      expect(r.pool).toMatch(/^\$\{libvirt_pool\.Libvirt_Pool_[0-9A-F]+\.name\}$/);
    }
  });

  test("synthesizes byte-identical output twice", () => {
    const again = buildCluster(NODES, flatcarRequest).synth;
    expect(JSON.stringify(again)).toBe(JSON.stringify(synth));
  });

  test("snapshot of one Flatcar machine", async () => {
    const domain = byName(synth, "libvirt_domain", "demo-w1");
    const disk = all(synth, "libvirt_volume").find((v) => String(v.name).startsWith("demo-w1"));
    const ignition = byName(synth, "libvirt_ignition", "demo-w1.ign");
    const snapshot = { domain, disk, ignition: { ...ignition, content: JSON.parse(ignition.content) } };
    await expect(`${JSON.stringify(snapshot, null, 2)}\n`).toMatchFileSnapshot("./fixtures/libvirt/flatcar-machine.snapshot.json");
  });
});

describe("k3OS machines on libvirt", () => {
  const { synth, machines } = buildCluster(NODES, k3osRequest);

  test("the installer boots from the ISO's kernel and initrd with unattended install arguments", () => {
    const domain = byName(synth, "libvirt_domain", "demo-w1");
    expect(domain.kernel).toMatch(/^\$\{libvirt_volume\.[^.]*_Kernel_[0-9A-F]+\.id\}$/);
    expect(domain.initrd).toMatch(/^\$\{libvirt_volume\.[^.]*_Initrd_[0-9A-F]+\.id\}$/);
    const args = Object.assign({}, ...(domain.cmdline as Record<string, string>[]));
    expect(args).toMatchObject({
      "k3os.fallback_mode": "install",
      "k3os.install.silent": "true",
      "k3os.install.device": "/dev/vda",
      "k3os.data_sources": "cdrom",
      console: "ttyS0",
    });
    expect(JSON.stringify(domain.cmdline)).not.toContain("k3os.mode");
  });

  test("the kernel and initrd are the release assets beside the ISO", () => {
    expect(K3OS_IMAGE).toMatchObject({
      kernelUrl: "https://github.com/rancher/k3os/releases/download/v0.22.2-k3s2r0/k3os-vmlinuz-amd64",
      initrdUrl: "https://github.com/rancher/k3os/releases/download/v0.22.2-k3s2r0/k3os-initrd-amd64",
    });
    const sources = all(synth, "libvirt_volume").map((v) => v.source).filter(Boolean).sort();
    expect(sources).toEqual([
      "https://github.com/rancher/k3os/releases/download/v0.22.2-k3s2r0/k3os-amd64.iso",
      "https://github.com/rancher/k3os/releases/download/v0.22.2-k3s2r0/k3os-initrd-amd64",
      "https://github.com/rancher/k3os/releases/download/v0.22.2-k3s2r0/k3os-vmlinuz-amd64",
    ]);
  });

  test("the install disk comes first and the ISO is attached as a file ending in .iso", () => {
    const domain = byName(synth, "libvirt_domain", "demo-c1");
    expect(domain.disk[0].volume_id).toMatch(/Machine-c1_Disk/);
    expect(domain.disk[1].file).toMatch(/^\$\{libvirt_volume\.Libvirt_Image-k3os-v0222-k3s2r0-amd64iso_[0-9A-F]+\.id\}$/);
    expect(byName(synth, "libvirt_volume", "k3os-v0.22.2-k3s2r0-amd64.iso").format).toBe("raw");
  });

  test("each node's config.yaml rides on a NoCloud disk as user data", () => {
    const disk = byName(synth, "libvirt_cloudinit_disk", "demo-w1-config.iso");
    expect(disk.user_data).toBe(k3osConfig("w1", "https://10.17.3.10:6443").content);
    expect(disk.meta_data).toBe("instance-id: demo-w1\nlocal-hostname: w1\n");
    expect(byName(synth, "libvirt_domain", "demo-w1").cloudinit).toMatch(/^\$\{libvirt_cloudinit_disk\./);
  });

  test("every config.yaml on a NoCloud disk passes the strict k3OS schema as user data", () => {
    const configs = all(synth, "libvirt_cloudinit_disk").map((d) => d.user_data as string);
    expect(configs).toHaveLength(3);
    for (const config of configs) expect(validateK3osConfig(config)).toEqual([]);
  });

  test("reports ssh commands as rancher", () => {
    expect(machines.find((m) => m.name === "w2")?.sshCommand).toBe("ssh rancher@10.17.3.185");
  });

  test("snapshot of one k3OS machine", async () => {
    const domain = byName(synth, "libvirt_domain", "demo-w1");
    const disk = all(synth, "libvirt_volume").find((v) => String(v.name).startsWith("demo-w1"));
    const config = byName(synth, "libvirt_cloudinit_disk", "demo-w1-config.iso");
    await expect(`${JSON.stringify({ domain, disk, config }, null, 2)}\n`).toMatchFileSnapshot("./fixtures/libvirt/k3os-machine.snapshot.json");
  });
});

describe("replacement policy", () => {
  const worker = (synth: Record<string, any>) => all(synth, "libvirt_volume").find((v) => String(v.name).startsWith("demo-w1"))!;
  const controller = (synth: Record<string, any>) => all(synth, "libvirt_volume").find((v) => String(v.name).startsWith("demo-c1"))!;
  const withConfig = (extra: string, props = {}) =>
    buildCluster(NODES, (n) => ({ ...flatcarRequest(n), config: flatcarConfig(n.name, extra) }), props).synth;

  test("a worker's disk name carries a short hash of its config", () => {
    const synth = withConfig("");
    expect(worker(synth).name).toBe(`demo-w1-${libvirtDiskHash(flatcarConfig("w1").content, FLATCAR_IMAGE.url)}.qcow2`);
    expect(worker(synth).name).toMatch(/^demo-w1-[0-9a-f]{8}\.qcow2$/);
  });

  test("a changed config renames (so replaces) a worker's disk", () => {
    expect(worker(withConfig("one")).name).not.toBe(worker(withConfig("two")).name);
  });

  test("a new k3OS release renames (so reinstalls) a worker's disk", () => {
    const on = (tag: string) =>
      worker(buildCluster(NODES, (n) => ({ ...k3osRequest(n), image: { ...K3OS_IMAGE, isoUrl: K3OS_IMAGE.isoUrl.replace("v0.22.2-k3s2r0", tag), volumeName: `k3os-${tag}.iso` } })).synth).name;
    expect(on("v0.22.2-k3s2r0")).not.toBe(on("v0.21.5-k3s2r1"));
  });

  test("a changed config leaves a controller's disk name alone", () => {
    expect(controller(withConfig("one")).name).toBe("demo-c1.qcow2");
    expect(controller(withConfig("two")).name).toBe("demo-c1.qcow2");
  });

  test("a controller ignores changes to its Ignition and base image", () => {
    const synth = withConfig("");
    expect(byName(synth, "libvirt_domain", "demo-c1").lifecycle).toEqual({ ignore_changes: ["coreos_ignition"] });
    expect(controller(synth).lifecycle).toEqual({ ignore_changes: ["base_volume_id"] });
    expect(byName(synth, "libvirt_domain", "demo-w1").lifecycle).toBeUndefined();
  });

  test("a k3OS controller ignores changes to its config disk and boot files", () => {
    const synth = buildCluster(NODES, k3osRequest).synth;
    expect(byName(synth, "libvirt_domain", "demo-c1").lifecycle).toEqual({ ignore_changes: ["cloudinit", "kernel", "initrd", "cmdline"] });
  });

  test("controllerReplacement REPLACE makes controllers roll too", () => {
    const synth = withConfig("", { controllerReplacement: ReplacementPolicy.REPLACE });
    expect(controller(synth).name).toMatch(/^demo-c1-[0-9a-f]{8}\.qcow2$/);
    expect(byName(synth, "libvirt_domain", "demo-c1").lifecycle).toBeUndefined();
  });

  test("workerReplacement KEEP leaves workers alone", () => {
    const synth = withConfig("", { workerReplacement: ReplacementPolicy.KEEP });
    expect(worker(synth).name).toBe("demo-w1.qcow2");
    expect(byName(synth, "libvirt_domain", "demo-w1").lifecycle).toEqual({ ignore_changes: ["coreos_ignition"] });
  });

  test("a config holding apply-time values is hashed by Terraform", () => {
    const app = new App();
    const stack = new TerraformStack(app, "t");
    const binding = local().bind(stack, "demo", [spec("c1", NodeRole.CONTROLLER), spec("w1")]);
    const deferred = Fn.uuid();
    binding.addMachines([
      libvirtRequest(spec("c1", NodeRole.CONTROLLER), flatcarRequest(spec("c1"))),
      libvirtRequest(spec("w1"), { ...flatcarRequest(spec("w1")), config: { format: IGNITION_FORMAT, content: `{"ignition":{"version":"3.3.0"},"x":"${deferred}"}` } }),
    ]);
    const synth = JSON.parse(Testing.synth(stack, true));
    assertConforms(synth);
    expect(worker(synth).name).toMatch(/^demo-w1-\$\{substr\(sha256\(join\("\\n", \["https:\/\/stable\.release\.flatcar-linux\.net\/[^"]+", libvirt_ignition\.[^.]+\.content\]\)\), 0, 8\)\}\.qcow2$/);
  });
});

for (const provider of PROVIDERS) {
  // Behaviour that holds on both provider versions, checked on each (and its schema, by buildCluster).
  const local = (props: LibvirtLocalProps = {}) => LibvirtPlatform.local({ provider, ...props });
  const buildCluster = (nodes: readonly NodeSpec[], request: (n: NodeSpec) => TestRequest, props: LibvirtLocalProps = {}) => buildClusterOn(nodes, request, { provider, ...props });

  describe(`LibvirtPlatform on provider ${provider}`, () => {
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
      // 0.8.3 downloads through `source`, 0.9 through `create.content.url`.
      const urls = all(synth, "libvirt_volume").map((v) => String(v.source ?? v.create?.content?.url ?? "")).filter((u) => u.startsWith("https://"));
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
        provider === V0_8_3
          ? { arch: "aarch64", machine: "virt", firmware: "/usr/share/AAVMF/AAVMF_CODE.fd", nvram: { template: "/usr/share/AAVMF/AAVMF_VARS.fd" } }
          : {
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


  describe(`LibvirtPlatform with the Cluster's conventions on provider ${provider}`, () => {
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

  describe(`k3OS on arm64 on provider ${provider}`, () => {
    test("refuses an ISO-installed arm64 node, since ISOs are attached on a bus arm64 machines lack", () => {
      const e = errorOf(() =>
        buildCluster([spec("c1", NodeRole.CONTROLLER, Architecture.ARM64)], (n) => ({ ...k3osRequest(n), architecture: Architecture.ARM64, firmware: LibvirtFirmware.UEFI }), { uefiFirmware: "/usr/share/AAVMF/AAVMF_CODE.fd" }),
      );
      expect(e.field).toBe("image");
      expect(e.message).toMatch(
        provider === V0_8_3
          ? /an installer ISO cannot boot an arm64 machine here: the libvirt 0\.8\.3 provider attaches ISOs on IDE/
          : /an installer ISO cannot boot an arm64 machine here: the platform attaches ISOs as SATA CD-ROMs, which arm64 machines lack/,
      );
    });
  });

  describe(`fixed addresses on provider ${provider}`, () => {
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
}
