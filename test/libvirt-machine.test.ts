/**
 * The libvirt platform's resources (dmacvicar/libvirt 0.9.7): a machine's disk, config delivery
 * and domain, for Flatcar (fw_cfg) and k3OS (installer, NoCloud), and their replacement rules.
 * Every stack passes the 0.9.7 schema check (buildCluster).
 */
import { describe, expect, test } from "vitest";
import { App, Fn, TerraformStack, Testing, terraformEncoder } from "../lib/cdktf";
import { NodeRole } from "../lib/core/node";
import { IGNITION_FORMAT } from "../lib/ignition/format";
import { FLATCAR_FW_CFG_KEY } from "../lib/os/flatcar/libvirt";
import { LibvirtPlatform, ReplacementPolicy, libvirtDiskHash } from "../lib/platform/libvirt";
import { LIBVIRT_BOOT_PROFILE } from "../lib/platform/libvirt/profile";
import { Flatcar, FlatcarChannel } from "../lib/os/flatcar";
import { K3sFlatcarInstall } from "../lib/os/flatcar/k3s";
import { K3sRole, type K3sNodeProps } from "../lib/k3s/node";
import type { NodeSpec } from "../lib/core/node";
import { fixedConfig } from "./helpers/config";
import { macOfAddress } from "../lib/platform/libvirt/addressing";
import { validateK3osConfig } from "../lib/testing/k3os";
import { ignitionValidateTool, runIgnitionValidate } from "../lib/testing/ignition";
import { libvirtProviderSchema, type SchemaBlock } from "../lib/testing/libvirt-schema";
import { need } from "./helpers/external";
import { terraformTools, terraformValidateAndPlan } from "../lib/testing/terraform";
import { FLATCAR_IMAGE, FLATCAR_PROFILE, all, byName, K3OS_IMAGE, K3OS_PROFILE, SSH_KEY, assertConforms, buildCluster, flatcarConfig, flatcarRequest, k3osRequest, libvirtRequest, spec } from "./libvirt-helpers";

const NODES = [spec("c1", NodeRole.CONTROLLER), spec("w1"), spec("w2")];

type Resources = Record<string, Record<string, any>>;
const startingWith = (synth: Record<string, any>, type: string, prefix: string, suffix: string) => all(synth, type).filter((r) => String(r.name).startsWith(prefix) && String(r.name).endsWith(suffix));
const one = <T>(list: T[]): T => {
  expect(list).toHaveLength(1);
  return list[0];
};
/** The resource key a `${type.key.attr}` reference names. */
const keyOf = (synth: Record<string, any>, type: string, resource: Record<string, any>) => Object.entries(synth.resource[type] as Resources).find(([, r]) => r === resource)![0];

describe("Flatcar machines", () => {
  const { synth, machines, binding } = buildCluster(NODES, flatcarRequest);
  const worker = one(startingWith(synth, "libvirt_volume", "demo-w1-", ".qcow2"));

  test("are pinned to = 0.9.7 with their own provider block", () => {
    expect(synth.terraform.required_providers.libvirt).toEqual({ source: "dmacvicar/libvirt", version: "= 0.9.7" });
    expect(synth.provider.libvirt).toEqual([{ uri: "qemu:///system" }]);
    expect(Object.keys(synth.resource).sort()).toEqual(["libvirt_domain", "libvirt_ignition", "libvirt_network", "libvirt_pool", "libvirt_volume"]);
  });

  test("the base image is one volume filled from create.content.url", () => {
    const base = byName(synth, "libvirt_volume", "flatcar-stable-current-amd64.qcow2");
    expect(base).toEqual({ name: "flatcar-stable-current-amd64.qcow2", pool: expect.stringMatching(/^\$\{libvirt_pool\./), target: { format: { type: "qcow2" } }, create: { content: { url: FLATCAR_IMAGE.url } } });
    expect(all(synth, "libvirt_volume").filter((v) => String(v.create?.content?.url).startsWith("https://"))).toHaveLength(1);
  });

  test("each node's disk is a qcow2 overlay of the chosen size with the base image as its backing store", () => {
    const base = byName(synth, "libvirt_volume", "flatcar-stable-current-amd64.qcow2");
    expect(worker).toMatchObject({ capacity: 10 * 1024 ** 3, target: { format: { type: "qcow2" } } });
    expect(worker.backing_store).toEqual({ path: `\${libvirt_volume.${keyOf(synth, "libvirt_volume", base)}.path}`, format: { type: "qcow2" } });
    expect(worker.create).toBeUndefined();
  });

  test("the Ignition is written by libvirt_ignition and uploaded into a volume of the pool from the file's path", () => {
    const ignition = byName(synth, "libvirt_ignition", "demo-w1.ign");
    expect(Object.keys(ignition).sort()).toEqual(["content", "name"]);
    expect(JSON.parse(ignition.content).ignition.version).toBe("3.3.0");
    const upload = one(startingWith(synth, "libvirt_volume", "demo-w1-", ".ign"));
    expect(upload).toEqual({
      name: worker.name.replace(/\.qcow2$/, ".ign"),
      pool: expect.stringMatching(/^\$\{libvirt_pool\./),
      target: { format: { type: "raw" } },
      create: { content: { url: `\${libvirt_ignition.${keyOf(synth, "libvirt_ignition", ignition)}.path}` } },
    });
  });

  test("the domain reads the uploaded volume's path on the hypervisor through a sys_info fw_cfg entry under Flatcar's key, value empty, ACPI on", () => {
    const domain = byName(synth, "libvirt_domain", "demo-w1");
    const upload = one(startingWith(synth, "libvirt_volume", "demo-w1-", ".ign"));
    expect(domain.sys_info).toEqual([{ fw_cfg: { entry: [{ name: FLATCAR_FW_CFG_KEY, file: `\${libvirt_volume.${keyOf(synth, "libvirt_volume", upload)}.path}`, value: "" }] } }]);
    expect(domain.features).toEqual({ acpi: true });
    expect(domain.coreos_ignition).toBeUndefined();
    expect(domain.fw_cfg_name).toBeUndefined();
  });

  test("vcpu, memory in MiB, a KVM q35 machine booting its disk, a serial console", () => {
    const domain = byName(synth, "libvirt_domain", "demo-c1");
    expect(domain).toMatchObject({ type: "kvm", vcpu: 2, memory: 2048, memory_unit: "MiB", running: true });
    expect(domain.os).toEqual({ type: "hvm", type_arch: "x86_64", type_machine: "q35", boot_devices: [{ dev: "hd" }] });
    expect(domain.devices.consoles).toEqual([{ target: { type: "serial", port: 0 } }]);
  });

  test("the disk is attached from its volume on virtio", () => {
    const domain = byName(synth, "libvirt_domain", "demo-w1");
    const key = keyOf(synth, "libvirt_volume", worker);
    const pool = keyOf(synth, "libvirt_pool", one(all(synth, "libvirt_pool")));
    // The volume's name is a reference, so Terraform creates the disk before the domain.
    expect(domain.devices.disks).toEqual([{ source: { volume: { pool: `\${libvirt_pool.${pool}.name}`, volume: `\${libvirt_volume.${key}.name}` } }, target: { dev: "vda", bus: "virtio" }, driver: { type: "qcow2" } }]);
  });

  test("each node's NIC has the MAC of its fixed address, which the network's DHCP host entry maps to that address and name", () => {
    const domain = byName(synth, "libvirt_domain", "demo-w2");
    expect(domain.devices.interfaces).toEqual([{ source: { network: { network: expect.stringMatching(/^\$\{libvirt_network\.[^.]+\.name\}$/) } }, model: { type: "virtio" }, mac: { address: "52:54:00:11:03:b9" } }]);
    const network = one(all(synth, "libvirt_network"));
    expect(network.ips[0].dhcp.hosts).toContainEqual({ mac: "52:54:00:11:03:b9", ip: "10.17.3.185", name: "w2" });
    expect(network.ips[0].dhcp.hosts.map((h: { mac: string; ip: string }) => h.mac === macOfAddress(h.ip))).toEqual([true, true, true]);
  });

  test("reports every node's address and ssh command as core", () => {
    expect(machines.map(({ name, address, sshCommand }) => ({ name, address, sshCommand }))).toEqual([
      { name: "c1", address: "10.17.3.10", sshCommand: "ssh core@10.17.3.10" },
      { name: "w1", address: "10.17.3.44", sshCommand: "ssh core@10.17.3.44" },
      { name: "w2", address: "10.17.3.185", sshCommand: "ssh core@10.17.3.185" },
    ]);
  });

  test("the machine's handles: domain, disk, Ignition, config volume; the config location is libvirt_ignition.content", () => {
    const m = binding.machine("w1");
    expect([m.domain.terraformResourceType, m.disk.terraformResourceType, m.ignition?.terraformResourceType, m.configVolume.terraformResourceType]).toEqual(["libvirt_domain", "libvirt_volume", "libvirt_ignition", "libvirt_volume"]);
    expect(m.configLocation).toEqual({ resource: `libvirt_ignition.${keyOf(synth, "libvirt_ignition", byName(synth, "libvirt_ignition", "demo-w1.ign"))}`, attribute: "content", encoding: "text" });
  });

  test("a remote host's URI reaches the provider, and the volumes' paths stay the host's", () => {
    const s = buildCluster([spec("c1", NodeRole.CONTROLLER)], flatcarRequest, { uri: "qemu+ssh://me@host/system", poolName: "fast", poolPath: "/srv/vm" }).synth;
    expect(s.provider.libvirt).toEqual([{ uri: "qemu+ssh://me@host/system" }]);
    expect(all(s, "libvirt_pool")).toEqual([{ name: "fast", type: "dir", target: { path: "/srv/vm" } }]);
    // Nothing the domain reads is a path on the machine running Terraform.
    expect(JSON.stringify(byName(s, "libvirt_domain", "demo-c1"))).not.toContain("libvirt_ignition.");
  });

  test("synthesizes byte-identical output twice", () => {
    expect(JSON.stringify(buildCluster(NODES, flatcarRequest).synth)).toBe(JSON.stringify(synth));
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

  test("a Flatcar OS config rendered for libvirt passes ignition-validate, on the release's qemu image", (ctx) => {
    need(ctx, ignitionValidateTool());
    const os = Flatcar.channel(FlatcarChannel.STABLE);
    const { synth: s } = buildCluster([spec("c1", NodeRole.CONTROLLER)], (n) => ({
      config: os.renderNode({ spec: n, hostname: n.name, sshKeys: [SSH_KEY] }, terraformEncoder),
      profile: os.bootProfile(LIBVIRT_BOOT_PROFILE, n),
      size: "2x4096",
    }));
    const result = runIgnitionValidate(all(s, "libvirt_ignition")[0].content);
    expect(result, result.output).toMatchObject({ ok: true });
    expect(byName(s, "libvirt_volume", "flatcar-stable-current-amd64.qcow2").create.content.url).toBe("https://stable.release.flatcar-linux.net/amd64-usr/current/flatcar_production_qemu_image.img");
  });

  test("Flatcar k3s nodes rendered for libvirt addresses pass ignition-validate", (ctx) => {
    need(ctx, ignitionValidateTool());
    const os = Flatcar.channel(FlatcarChannel.STABLE, { k3sInstall: K3sFlatcarInstall.sysext({ version: "v1.36.4+k3s1", sha256: { amd64: "a".repeat(64) } }) });
    const nodes = [spec("c1", NodeRole.CONTROLLER), spec("w1")];
    const stack = new TerraformStack(new App(), "k3s");
    const b = LibvirtPlatform.local().bind(stack, "demo", nodes);
    // A literal token keeps every config known at synth time, so the validator sees final JSON.
    const k3s = (n: NodeSpec): K3sNodeProps =>
      n.role === NodeRole.CONTROLLER
        ? { role: K3sRole.CLUSTER_INIT, token: "example-token", version: "v1.36.4+k3s1", nodeIp: b.addressOf(n.name), tlsSans: b.apiTlsSans }
        : { role: K3sRole.AGENT, token: "example-token", version: "v1.36.4+k3s1", serverUrl: `https://${b.apiEndpoint}:6443`, nodeIp: b.addressOf(n.name) };
    b.addMachines(
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

  test("creates a storage pool under /var/lib/libvirt/images by default, and every volume lives in it", () => {
    expect(all(synth, "libvirt_pool")).toEqual([{ name: "demo", type: "dir", target: { path: "/var/lib/libvirt/images/demo" } }]);
    for (const r of all(synth, "libvirt_volume")) expect(r.pool).toMatch(/^\$\{libvirt_pool\.Libvirt_Pool_[0-9A-F]+\.name\}$/);
  });

  test("snapshot of one Flatcar machine", async () => {
    const domain = byName(synth, "libvirt_domain", "demo-w1");
    const ignition = byName(synth, "libvirt_ignition", "demo-w1.ign");
    const upload = one(startingWith(synth, "libvirt_volume", "demo-w1-", ".ign"));
    await expect(`${JSON.stringify({ domain, disk: worker, ignition, upload }, null, 2)}\n`).toMatchFileSnapshot("./fixtures/libvirt/flatcar-machine.snapshot.json");
  });
});

describe("k3OS machines", () => {
  const { synth, machines } = buildCluster(NODES, k3osRequest);
  const domain = byName(synth, "libvirt_domain", "demo-w1");

  test("the ISO, kernel and initrd are volumes filled from the release assets", () => {
    const urls = all(synth, "libvirt_volume").map((v) => v.create?.content?.url).filter((u) => String(u).startsWith("https://")).sort();
    expect(urls).toEqual([K3OS_IMAGE.initrdUrl, K3OS_IMAGE.isoUrl, K3OS_IMAGE.kernelUrl].sort());
    expect(byName(synth, "libvirt_volume", "k3os-v0.22.2-k3s2r0-amd64.iso").target).toEqual({ format: { type: "raw" } });
  });

  test("the installer boots through the ISO's kernel and initrd with the unattended install arguments, in the profile's order", () => {
    expect(domain.os).toEqual({
      type: "hvm",
      type_arch: "x86_64",
      type_machine: "q35",
      kernel: expect.stringMatching(/^\$\{libvirt_volume\.[^.]*_Kernel_[^.]+\.path\}$/),
      initrd: expect.stringMatching(/^\$\{libvirt_volume\.[^.]*_Initrd_[^.]+\.path\}$/),
      cmdline: K3OS_PROFILE.kernelArgs!.map(([k, v]) => `${k}=${v}`).join(" "),
    });
    expect(domain.os.cmdline).toContain("k3os.install.device=/dev/vda");
  });

  test("the install disk comes first, empty; then the ISO and the config ISO as SATA CD-ROMs", () => {
    const disk = one(startingWith(synth, "libvirt_volume", "demo-w1-", ".qcow2"));
    expect(disk.backing_store).toBeUndefined();
    expect(disk.capacity).toBe(10 * 1024 ** 3);
    expect(domain.devices.disks.map((d: any) => [d.device ?? "disk", d.target.dev, d.target.bus])).toEqual([
      ["disk", "vda", "virtio"],
      ["cdrom", "sda", "sata"],
      ["cdrom", "sdb", "sata"],
    ]);
    const iso = keyOf(synth, "libvirt_volume", byName(synth, "libvirt_volume", "k3os-v0.22.2-k3s2r0-amd64.iso"));
    const pool = keyOf(synth, "libvirt_pool", one(all(synth, "libvirt_pool")));
    expect(domain.devices.disks[1].source).toEqual({ volume: { pool: `\${libvirt_pool.${pool}.name}`, volume: `\${libvirt_volume.${iso}.name}` } });
  });

  test("each node's config.yaml is a libvirt_cloudinit_disk's user data, uploaded into the volume the domain attaches", () => {
    const config = byName(synth, "libvirt_cloudinit_disk", "demo-w1-config.iso");
    expect(config.meta_data).toBe("instance-id: demo-w1\nlocal-hostname: w1\n");
    expect(config.pool).toBeUndefined();
    const upload = one(startingWith(synth, "libvirt_volume", "demo-w1-config-", ".iso"));
    expect(upload.create).toEqual({ content: { url: `\${libvirt_cloudinit_disk.${keyOf(synth, "libvirt_cloudinit_disk", config)}.path}` } });
    expect(domain.devices.disks[2].source.volume.volume).toBe(`\${libvirt_volume.${keyOf(synth, "libvirt_volume", upload)}.name}`);
    expect(domain.sys_info).toBeUndefined();
  });

  test("every config.yaml on a NoCloud disk passes the strict k3OS schema", () => {
    const configs = all(synth, "libvirt_cloudinit_disk");
    expect(configs).toHaveLength(3);
    for (const c of configs) expect(validateK3osConfig(c.user_data)).toEqual([]);
  });

  test("an ISO booted whole (no kernel beside it) boots the disk first and falls through to the ISO", () => {
    const iso = { kind: "iso" as const, isoUrl: K3OS_IMAGE.isoUrl, volumeName: "installer.iso" };
    const s = buildCluster([spec("c1", NodeRole.CONTROLLER)], (n) => ({ ...k3osRequest(n), image: iso })).synth;
    const d = byName(s, "libvirt_domain", "demo-c1");
    expect(d.os).toEqual({ type: "hvm", type_arch: "x86_64", type_machine: "q35", boot_devices: [{ dev: "hd" }, { dev: "cdrom" }] });
    expect(d.devices.disks.map((x: any) => x.target.dev)).toEqual(["vda", "sda", "sdb"]);
    expect(all(s, "libvirt_volume").filter((v) => /\.(vmlinuz|initrd)$/.test(v.name))).toEqual([]);
  });

  test("reports ssh commands as rancher", () => {
    expect(machines.find((m) => m.name === "w2")?.sshCommand).toBe("ssh rancher@10.17.3.185");
  });

  test("snapshot of one k3OS machine", async () => {
    const disk = one(startingWith(synth, "libvirt_volume", "demo-w1-", ".qcow2"));
    const config = byName(synth, "libvirt_cloudinit_disk", "demo-w1-config.iso");
    await expect(`${JSON.stringify({ domain, disk, config }, null, 2)}\n`).toMatchFileSnapshot("./fixtures/libvirt/k3os-machine.snapshot.json");
  });
});

describe("replacement policy", () => {
  const withConfig = (extra: string, props = {}) => buildCluster(NODES, (n) => ({ ...flatcarRequest(n), config: flatcarConfig(n.name, extra) }), props).synth;
  const names = (synth: Record<string, any>, node: string) => all(synth, "libvirt_volume").map((v) => String(v.name)).filter((n) => n.startsWith(`demo-${node}`)).sort();

  test("a worker's disk and config volume carry a short hash of its config and image", () => {
    const hash = libvirtDiskHash(flatcarConfig("w1").content, FLATCAR_IMAGE.url);
    expect(names(withConfig(""), "w1")).toEqual([`demo-w1-${hash}.ign`, `demo-w1-${hash}.qcow2`]);
  });

  test("a changed config renames a worker's disk and config volume, and the domain is replaced with its disk", () => {
    const one = withConfig("one");
    expect(names(one, "w1")).not.toEqual(names(withConfig("two"), "w1"));
    const disk = all(one, "libvirt_volume").find((v) => String(v.name).startsWith("demo-w1-") && v.name.endsWith(".qcow2"))!;
    // A plain address: Terraform's JSON syntax refuses `${...}` here.
    expect(byName(one, "libvirt_domain", "demo-w1").lifecycle).toEqual({ replace_triggered_by: [`libvirt_volume.${keyOf(one, "libvirt_volume", disk)}`] });
  });

  test("a new k3OS release renames (so reinstalls) a worker's disk", () => {
    const on = (tag: string) =>
      names(buildCluster(NODES, (n) => ({ ...k3osRequest(n), image: { ...K3OS_IMAGE, isoUrl: K3OS_IMAGE.isoUrl.replace("v0.22.2-k3s2r0", tag), volumeName: `k3os-${tag}.iso` } })).synth, "w1");
    expect(on("v0.22.2-k3s2r0")).not.toEqual(on("v0.21.5-k3s2r1"));
  });

  test("a changed config leaves a controller's volume names alone", () => {
    expect(names(withConfig("one"), "c1")).toEqual(["demo-c1.ign", "demo-c1.qcow2"]);
    expect(names(withConfig("two"), "c1")).toEqual(["demo-c1.ign", "demo-c1.qcow2"]);
  });

  test("a controller ignores a new config file (the upload's create), a new base image (backing_store) and its fw_cfg entry; workers ignore nothing", () => {
    const synth = withConfig("");
    expect(byName(synth, "libvirt_domain", "demo-c1").lifecycle).toEqual({ ignore_changes: ["sys_info"] });
    expect(byName(synth, "libvirt_volume", "demo-c1.qcow2").lifecycle).toEqual({ ignore_changes: ["backing_store"] });
    expect(byName(synth, "libvirt_volume", "demo-c1.ign").lifecycle).toEqual({ ignore_changes: ["create"] });
    for (const v of all(synth, "libvirt_volume").filter((x) => String(x.name).startsWith("demo-w1"))) expect(v.lifecycle).toBeUndefined();
  });

  test("a k3OS controller ignores its boot files, kernel arguments, CD-ROMs and config upload", () => {
    const synth = buildCluster(NODES, k3osRequest).synth;
    expect(byName(synth, "libvirt_domain", "demo-c1").lifecycle).toEqual({ ignore_changes: ["os.kernel", "os.initrd", "os.cmdline", "devices.disks"] });
    expect(byName(synth, "libvirt_volume", "demo-c1-config.iso").lifecycle).toEqual({ ignore_changes: ["create"] });
  });

  test("controllerReplacement REPLACE makes controllers roll too", () => {
    const synth = withConfig("", { controllerReplacement: ReplacementPolicy.REPLACE });
    expect(names(synth, "c1")).toEqual([expect.stringMatching(/^demo-c1-[0-9a-f]{8}\.ign$/), expect.stringMatching(/^demo-c1-[0-9a-f]{8}\.qcow2$/)]);
    expect(byName(synth, "libvirt_domain", "demo-c1").lifecycle.replace_triggered_by).toHaveLength(1);
  });

  test("workerReplacement KEEP leaves workers alone", () => {
    const synth = withConfig("", { workerReplacement: ReplacementPolicy.KEEP });
    expect(names(synth, "w1")).toEqual(["demo-w1.ign", "demo-w1.qcow2"]);
    expect(byName(synth, "libvirt_domain", "demo-w1").lifecycle).toEqual({ ignore_changes: ["sys_info"] });
  });

  test("a config holding apply-time values is hashed by Terraform", () => {
    const stack = new TerraformStack(new App(), "t");
    const binding = LibvirtPlatform.local().bind(stack, "demo", [spec("c1", NodeRole.CONTROLLER), spec("w1")]);
    binding.addMachines([
      libvirtRequest(spec("c1", NodeRole.CONTROLLER), flatcarRequest(spec("c1"))),
      libvirtRequest(spec("w1"), { ...flatcarRequest(spec("w1")), config: { format: IGNITION_FORMAT, content: `{"ignition":{"version":"3.3.0"},"x":"${Fn.uuid()}"}` } }),
    ]);
    const synth = JSON.parse(Testing.synth(stack, true));
    assertConforms(synth);
    const hash = /^\$\{substr\(sha256\(join\("\\n", \["https:\/\/stable\.release\.flatcar-linux\.net\/[^"]+", libvirt_ignition\.[^.]+\.content\]\)\), 0, 8\)\}/.source;
    const w1 = names(synth, "w1");
    expect(w1[0]).toMatch(new RegExp(`^demo-w1-${hash.slice(1)}\\.ign$`));
    expect(w1[1]).toMatch(new RegExp(`^demo-w1-${hash.slice(1)}\\.qcow2$`));
  });
});

describe("lifecycle paths name real attributes (the schema check skips lifecycle; Terraform refuses an unknown path at plan)", () => {
  /** Whether `a.b.c` walks through the schema's attributes and nested attributes. */
  const exists = (block: SchemaBlock, path: string): boolean => {
    let attrs: Record<string, any> = { ...block.attributes, ...block.block_types };
    for (const part of path.split(".")) {
      const a = attrs[part];
      if (!a) return false;
      attrs = a.nested_type?.attributes ?? { ...a.block?.attributes, ...a.block?.block_types };
    }
    return true;
  };
  const kept = { workerReplacement: ReplacementPolicy.KEEP };
  const iso = { kind: "iso" as const, isoUrl: K3OS_IMAGE.isoUrl, volumeName: "installer.iso" };
  {
    test("every ignore_changes path exists and every replace_triggered_by names a resource of the stack", () => {
      const schema = libvirtProviderSchema();
      const stacks = [
        buildCluster(NODES, flatcarRequest, kept).synth,
        buildCluster(NODES, k3osRequest, kept).synth,
        buildCluster(NODES, (n) => ({ ...k3osRequest(n), image: iso }), kept).synth,
        buildCluster(NODES, flatcarRequest).synth,
      ];
      const seen = new Set<string>();
      for (const synth of stacks) {
        for (const [type, byKey] of Object.entries(synth.resource as Record<string, Resources>)) {
          for (const r of Object.values(byKey)) {
            for (const path of (r.lifecycle?.ignore_changes ?? []) as string[]) {
              expect(exists(schema.resource_schemas[type].block, path), `${type}: ${path}`).toBe(true);
              seen.add(`${type}.${path}`);
            }
            for (const ref of (r.lifecycle?.replace_triggered_by ?? []) as string[]) {
              const [, t, k] = /^([a-z_]+)\.([^.]+)$/.exec(ref) ?? [];
              expect(synth.resource[t]?.[k], ref).toBeDefined();
            }
          }
        }
      }
      expect(seen.size).toBe(7);
    });
  }
});

describe("lifecycle meta-arguments Terraform itself accepts", () => {
  // No libvirt provider binary here: every libvirt resource stands in as a terraform_data of its
  // own (Terraform's built-in resource) with the platform's replace_triggered_by, rewritten to the
  // stand-ins' addresses, so `terraform validate` parses the meta-argument as written.
  test("replace_triggered_by is a plain address, which terraform validate accepts (it refuses `${...}`)", (ctx) => {
    need(ctx, terraformTools());
    const synth = buildCluster(NODES, flatcarRequest).synth;
    const standIn = (address: string) => `terraform_data.${address.replace(".", "__")}`;
    const data: Record<string, unknown> = {};
    let triggers = 0;
    for (const [type, byKey] of Object.entries(synth.resource as Record<string, Resources>)) {
      for (const [key, r] of Object.entries(byKey)) {
        const refs = (r.lifecycle?.replace_triggered_by ?? []) as string[];
        triggers += refs.length;
        data[`${type}__${key}`] = { input: "x", ...(refs.length ? { lifecycle: { replace_triggered_by: refs.map(standIn) } } : {}) };
      }
    }
    expect(triggers).toBe(2);
    const result = terraformValidateAndPlan({ resource: { terraform_data: data } }, { plan: false });
    expect(result.ok, result.output).toBe(true);
    // The same stand-ins with the `${...}` form cdktf writes for a resource are refused.
    const wrapped = JSON.parse(JSON.stringify(data).replace(/"(terraform_data\.[^"]+)"/g, '"${$1}"'));
    expect(terraformValidateAndPlan({ resource: { terraform_data: wrapped } }, { plan: false }).ok).toBe(false);
  });
});
