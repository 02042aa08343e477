import { describe, expect, test } from "vitest";
import { App, TerraformStack, TerraformVariable, Testing } from "../lib/cdktf";
import { FLATCAR_FW_CFG_NAME, FlatcarLab09, macFor } from "../lib/platform/libvirt/v09";
import { checkLibvirtResources } from "../lib/testing/libvirt-schema";
import { errorOf } from "./libvirt-helpers";

const IMAGE = {
  // flatcar.org quickstart: {channel}.release.flatcar-linux.net/amd64-usr/{version|current}/flatcar_production_qemu_image.img
  imageUrl: "https://stable.release.flatcar-linux.net/amd64-usr/current/flatcar_production_qemu_image.img",
  imageVolumeName: "flatcar-stable-current-amd64.qcow2",
};

function lab(edit?: (l: FlatcarLab09) => void): { stack: TerraformStack; lab: FlatcarLab09 } {
  const stack = new TerraformStack(new App(), "lab");
  const l = new FlatcarLab09(stack, "lab", { cidr: "10.17.3.0/24", ...IMAGE });
  edit?.(l);
  return { stack, lab: l };
}

const ignition = (host: string) => JSON.stringify({ ignition: { version: "3.3.0" }, storage: { files: [{ path: "/etc/hostname", contents: { source: `data:,${host}` } }] } });

describe("libvirt 0.9 prototype: one Flatcar machine", () => {
  const { stack } = lab((l) => l.addMachine("node-0", { ignition: ignition("node-0"), hostOffset: 10 }));
  const synth = JSON.parse(Testing.synth(stack));
  const byId = (type: string, part: string) => Object.entries(synth.resource[type] as Record<string, any>).find(([k]) => k.includes(part))![1];

  test("passes the 0.9.7 schema check, and is pinned to 0.9.7", () => {
    expect(checkLibvirtResources(synth, { version: "0.9.7" })).toEqual([]);
    expect(synth.terraform.required_providers.libvirt).toEqual({ source: "dmacvicar/libvirt", version: "= 0.9.7" });
    expect(Object.keys(synth.resource).sort()).toEqual(["libvirt_domain", "libvirt_ignition", "libvirt_network", "libvirt_pool", "libvirt_volume"]);
  });

  test("network with the machine's fixed address, pool, base image from create.content.url", () => {
    expect(Object.values(synth.resource.libvirt_network)[0]).toMatchObject({
      name: "microos",
      forward: { mode: "nat" },
      ips: [{ address: "10.17.3.1", prefix: 24, dhcp: { hosts: [{ mac: macFor("node-0"), ip: "10.17.3.10", name: "node-0" }] } }],
    });
    expect(Object.values(synth.resource.libvirt_pool)[0]).toMatchObject({ name: "microos", type: "dir", target: { path: "/var/lib/libvirt/images/microos" } });
    expect(byId("libvirt_volume", "image")).toMatchObject({ name: IMAGE.imageVolumeName, create: { content: { url: IMAGE.imageUrl } }, target: { format: { type: "qcow2" } } });
  });

  test("overlay disk over the base image, Ignition uploaded into a volume, names carrying the config hash", () => {
    const disk = byId("libvirt_volume", "node-0-disk");
    expect(disk.backing_store).toEqual({ path: expect.stringMatching(/^\$\{libvirt_volume\.lab_image_\w+\.path\}$/), format: { type: "qcow2" } });
    const config = byId("libvirt_volume", "node-0-config");
    expect(config.create.content.url).toMatch(/^\$\{libvirt_ignition\.lab_node-0-ignition_\w+\.path\}$/);
    expect(config.name).toMatch(/^node-0-[0-9a-f]{12}\.ign$/);
    expect(disk.name).toBe(config.name.replace(/\.ign$/, ".qcow2"));
    expect(byId("libvirt_ignition", "node-0").content).toBe(ignition("node-0"));
  });

  test("domain: Ignition through a sys_info fw_cfg entry from the uploaded volume's path, value empty, ACPI on", () => {
    const domain = byId("libvirt_domain", "node-0");
    expect(domain.sys_info).toEqual([{ fw_cfg: { entry: [{ name: FLATCAR_FW_CFG_NAME, file: expect.stringMatching(/^\$\{libvirt_volume\.lab_node-0-config_\w+\.path\}$/), value: "" }] } }]);
    expect(domain.features).toEqual({ acpi: true });
    expect(domain.os).toEqual({ type: "hvm", type_arch: "x86_64", type_machine: "q35", boot_devices: [{ dev: "hd" }] });
    expect(domain.devices.interfaces).toEqual([{ source: { network: { network: expect.stringContaining("libvirt_network.") } }, model: { type: "virtio" }, mac: { address: macFor("node-0") } }]);
    expect(domain.coreos_ignition).toBeUndefined();
  });

  test("a changed config renames the disk and config volumes; the same config gives the same output", () => {
    const other = JSON.parse(Testing.synth(lab((l) => l.addMachine("node-0", { ignition: ignition("other"), hostOffset: 10 })).stack));
    const again = JSON.parse(Testing.synth(lab((l) => l.addMachine("node-0", { ignition: ignition("node-0"), hostOffset: 10 })).stack));
    expect(again).toEqual(synth);
    const name = (doc: any, part: string) => Object.entries(doc.resource.libvirt_volume as Record<string, any>).find(([k]) => k.includes(part))![1].name;
    expect(name(other, "node-0-disk")).not.toBe(name(synth, "node-0-disk"));
    expect(name(other, "node-0-config")).not.toBe(name(synth, "node-0-config"));
  });

  test("a config holding a Terraform token is hashed by Terraform", () => {
    const { stack: s } = lab((l) => l.addMachine("node-0", { ignition: new TerraformVariable(l, "config", { type: "string" }).stringValue, hostOffset: 10 }));
    const doc = JSON.parse(Testing.synth(s));
    expect(Object.values(doc.resource.libvirt_volume as Record<string, any>).map((v) => v.name)).toContain("node-0-${substr(sha256(var.lab_config_97A37F68), 0, 12)}.qcow2");
    expect(checkLibvirtResources(doc, { version: "0.9.7" })).toEqual([]);
  });

  test("two machines get DHCP host entries in address order", () => {
    const { stack: s } = lab((l) => {
      l.addMachine("b", { ignition: ignition("b"), hostOffset: 12 });
      l.addMachine("a", { ignition: ignition("a"), hostOffset: 11 });
    });
    const doc = JSON.parse(Testing.synth(s));
    expect((Object.values(doc.resource.libvirt_network)[0] as any).ips[0].dhcp.hosts.map((h: any) => h.ip)).toEqual(["10.17.3.11", "10.17.3.12"]);
    expect(checkLibvirtResources(doc, { version: "0.9.7" })).toEqual([]);
  });
});

describe("libvirt 0.9 prototype refusals", () => {
  test("a block too small for machines", () => {
    expect(errorOf(() => new FlatcarLab09(new TerraformStack(new App(), "s"), "lab", { cidr: "10.0.0.0/30", ...IMAGE })).message).toBe(
      's/lab: cidr: "10.0.0.0/30" leaves no room for machines. Fix: give a block of /29 or larger, for example a /24',
    );
  });

  test("a bad network name", () => {
    expect(errorOf(() => new FlatcarLab09(new TerraformStack(new App(), "s"), "lab", { cidr: "10.0.0.0/24", networkName: "My Net", ...IMAGE })).message).toBe(
      's/lab: networkName: "My Net" is not a valid name. Fix: use lowercase letters, digits and dashes',
    );
  });

  test("a bad machine name, an offset outside the block, an offset taken twice", () => {
    const { lab: l } = lab();
    expect(errorOf(() => l.addMachine("Node_0", { ignition: "{}", hostOffset: 10 })).message).toBe(
      'lab/lab/Node_0: name: "Node_0" is not a valid machine name. Fix: use lowercase letters, digits and dashes, at most 63',
    );
    expect(errorOf(() => l.addMachine("n1", { ignition: "{}", hostOffset: 255 })).message).toBe("lab/lab/n1: hostOffset: 255 is outside the network's machine addresses. Fix: give an integer from 2 to 254");
    l.addMachine("n2", { ignition: "{}", hostOffset: 20 });
    expect(errorOf(() => l.addMachine("n3", { ignition: "{}", hostOffset: 20 })).message).toBe("lab/lab/n3: hostOffset: 20 is already n2's address. Fix: give each machine its own offset");
  });
});
