import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { App, TerraformStack, Testing } from "../lib/cdktf";
import { LibvirtProviderVersion, ensureLibvirtProvider } from "../lib/platform/libvirt";
import { checkLibvirtResources } from "../lib/testing/libvirt-schema";
import { LIBVIRT_BINDINGS, LIBVIRT_GEN_DIR, bindingsSchema, generateLibvirtBindings, pruneForBindings } from "../scripts/gen-libvirt";
import { Domain as Domain09 } from "../gen/libvirt-0.9/providers/libvirt/domain";
import { LibvirtProvider as LibvirtProvider09 } from "../gen/libvirt-0.9/providers/libvirt/provider";
import { Volume as Volume09 } from "../gen/libvirt-0.9/providers/libvirt/volume";

function listFiles(dir: string, prefix = ""): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
    .sort();
}

async function expectRegeneratesByteForByte(version: keyof typeof LIBVIRT_BINDINGS): Promise<void> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "libvirt-gen-"));
  try {
    await generateLibvirtBindings(out, version);
    const dir = LIBVIRT_BINDINGS[version].genDir;
    const committed = listFiles(dir);
    expect(listFiles(out)).toEqual(committed);
    for (const file of committed) {
      const fresh = fs.readFileSync(path.join(out, file));
      const kept = fs.readFileSync(path.join(dir, file));
      expect(fresh.equals(kept), `${file} differs from a fresh generation; run npm run gen:libvirt`).toBe(true);
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

describe("generated libvirt bindings", () => {
  test("regenerating from the schema gives the committed files byte for byte", async () => {
    await expectRegeneratesByteForByte("0.8.3");
    expect(LIBVIRT_BINDINGS["0.8.3"].genDir).toBe(LIBVIRT_GEN_DIR);
  });

  test("cover every resource and data source of the 0.8.3 schema", () => {
    const dirs = fs.readdirSync(path.join(LIBVIRT_GEN_DIR, "providers", "libvirt"), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    expect(dirs).toEqual([
      "cloudinit-disk",
      "combustion",
      "data-libvirt-network-dns-host-template",
      "data-libvirt-network-dns-srv-template",
      "data-libvirt-network-dnsmasq-options-template",
      "data-libvirt-node-device-info",
      "data-libvirt-node-devices",
      "data-libvirt-node-info",
      "domain",
      "ignition",
      "network",
      "pool",
      "provider",
      "volume",
    ]);
  });

  for (const version of [LibvirtProviderVersion.V0_8_3, LibvirtProviderVersion.V0_9_7]) {
    test(`the synthesized required_providers pins dmacvicar/libvirt = ${version}`, () => {
      const stack = new TerraformStack(new App(), "pin");
      ensureLibvirtProvider(stack, undefined, version);
      const synth = JSON.parse(Testing.synth(stack));
      expect(synth.terraform.required_providers.libvirt).toEqual({ source: "dmacvicar/libvirt", version: `= ${version}` });
      expect(synth.provider.libvirt).toEqual([{ uri: "qemu:///system" }]);
      expect(checkLibvirtResources(synth, { version })).toEqual([]);
    });

    test(`a ${version} provider the stack already has is kept, and still pinned`, () => {
      const stack = new TerraformStack(new App(), "pin");
      const first = ensureLibvirtProvider(stack, "qemu+ssh://root@host/system", version);
      expect(ensureLibvirtProvider(stack, undefined, version)).toBe(first);
      const synth = JSON.parse(Testing.synth(stack));
      expect(synth.provider.libvirt).toEqual([{ uri: "qemu+ssh://root@host/system" }]);
      expect(synth.terraform.required_providers.libvirt.version).toBe(`= ${version}`);
      expect(checkLibvirtResources(synth, { version })).toEqual([]);
    });
  }

  test("without a version the provider is 0.9.7", () => {
    const stack = new TerraformStack(new App(), "pin");
    ensureLibvirtProvider(stack);
    expect(JSON.parse(Testing.synth(stack)).terraform.required_providers.libvirt.version).toBe("= 0.9.7");
  });
});

type Attr = { nested_type?: { attributes: Record<string, Attr>; nesting_mode: string }; [k: string]: unknown };
const FQPN = "registry.terraform.io/dmacvicar/libvirt";
const fullSchema = () => JSON.parse(fs.readFileSync(LIBVIRT_BINDINGS["0.9.7"].schema, "utf8")).provider_schemas[FQPN];

/** Every attribute path of a tree of nested attributes. */
function paths(attrs: Record<string, Attr>, prefix = ""): string[] {
  return Object.entries(attrs).flatMap(([k, a]) => [`${prefix}${k}`, ...(a.nested_type ? paths(a.nested_type.attributes, `${prefix}${k}.`) : [])]);
}

describe("generated libvirt 0.9.7 bindings (gen/libvirt-0.9)", () => {
  test("regenerating from the schema gives the committed files byte for byte", async () => {
    await expectRegeneratesByteForByte("0.9.7");
  });

  test("cover every resource and data source of the 0.9.7 schema", () => {
    const dirs = fs.readdirSync(path.join(LIBVIRT_BINDINGS["0.9.7"].genDir, "providers", "libvirt"), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    expect(dirs).toEqual([
      "cloudinit-disk",
      "combustion",
      "data-libvirt-domain-interface-addresses",
      "data-libvirt-node-device-info",
      "data-libvirt-node-devices",
      "data-libvirt-node-info",
      "domain",
      "ignition",
      "network",
      "pool",
      "provider",
      "volume",
    ]);
  });

  test("libvirt_volume keeps its format, backing store and content, and every top-level attribute", () => {
    const full = fullSchema().resource_schemas.libvirt_volume.block.attributes as Record<string, Attr>;
    const kept = bindingsSchema("0.9.7").provider_schemas[FQPN].resource_schemas.libvirt_volume.block.attributes as Record<string, Attr>;
    expect(Object.keys(kept)).toEqual(Object.keys(full));
    for (const p of ["target.format.type", "backing_store.path", "backing_store.format.type", "create.content.url", "capacity"]) expect(paths(kept), p).toContain(p);
    for (const p of ["target.permissions", "target.encryption", "target.timestamps", "backing_store.permissions"]) expect(paths(kept), p).not.toContain(p);
  });

  test("libvirt_domain is pruned by the keep list's rule, and only libvirt_domain and libvirt_volume", () => {
    const full = fullSchema();
    const pruned = bindingsSchema("0.9.7").provider_schemas[FQPN];
    for (const type of Object.keys(full.resource_schemas)) {
      if (type !== "libvirt_domain" && type !== "libvirt_volume") expect(pruned.resource_schemas[type], type).toEqual(full.resource_schemas[type]);
    }
    expect(pruned.data_source_schemas).toEqual(full.data_source_schemas);
    const fullDomain = full.resource_schemas.libvirt_domain.block.attributes as Record<string, Attr>;
    const kept = pruned.resource_schemas.libvirt_domain.block.attributes as Record<string, Attr>;
    const keptPaths = paths(kept);
    const allPaths = paths(fullDomain);
    // A subset of the full schema, with every top-level attribute.
    expect(keptPaths.filter((p) => !allPaths.includes(p))).toEqual([]);
    expect(Object.keys(kept)).toEqual(Object.keys(fullDomain));
    // What a Flatcar machine sets is typed; the rest is pruned.
    for (const p of ["os.type_arch", "os.boot_devices.dev", "features.acpi", "sys_info.fw_cfg.entry.value", "devices.disks.source.volume.volume", "devices.interfaces.source.network.network", "devices.interfaces.wait_for_ip.timeout", "destroy.shutdown"]) {
      expect(keptPaths, p).toContain(p);
    }
    for (const p of ["devices.tpms", "features.hyper_v.spinlocks", "devices.disks.source.network", "qemu_commandline.args"]) expect(keptPaths, p).not.toContain(p);
    expect(allPaths.length).toBe(3757);
    expect(keptPaths.length).toBe(361);
  });

  test("the pruning rule keeps scalars, listed paths and listed subtrees, and refuses a path the schema lacks", () => {
    const n = (attributes: Record<string, Attr>): Attr => ({ nested_type: { attributes, nesting_mode: "single" }, optional: true });
    const s = { type: "string", optional: true };
    const tree = { a: s, b: n({ c: s, d: n({ e: s, f: n({ g: s }) }), h: n({ i: n({ j: s }) }) }) };
    expect(pruneForBindings(tree, [], "t")).toEqual({ a: s, b: n({ c: s }) });
    expect(pruneForBindings(tree, ["b.d"], "t")).toEqual({ a: s, b: n({ c: s, d: n({ e: s }) }) });
    expect(pruneForBindings(tree, ["b.h.*"], "t")).toEqual({ a: s, b: n({ c: s, h: n({ i: n({ j: s }) }) }) });
    expect(() => pruneForBindings(tree, ["b.d.f.g", "b.x"], "t")).toThrow("t: kept paths not in the schema (or under a pruned parent): b.d.f.g, b.x");
  });

  test("a typed domain synthesizes and passes the 0.9.7 check; pruned attributes are reached through addOverride", () => {
    const stack = new TerraformStack(new App(), "v09");
    new LibvirtProvider09(stack, "libvirt", { uri: "qemu:///system" });
    const disk = new Volume09(stack, "disk", { name: "n0.qcow2", pool: "default", capacity: 10737418240 });
    const domain = new Domain09(stack, "n0", {
      name: "n0",
      type: "kvm",
      memory: 2048,
      memoryUnit: "MiB",
      os: { type: "hvm", typeArch: "x86_64", typeMachine: "q35", bootDevices: [{ dev: "hd" }] },
      features: { acpi: true },
      sysInfo: [{ fwCfg: { entry: [{ name: "opt/org.flatcar-linux/config", file: "/var/lib/libvirt/images/n0.ign", value: "" }] } }],
      devices: {
        disks: [{ source: { volume: { pool: "default", volume: disk.name } }, target: { dev: "vda", bus: "virtio" } }],
        interfaces: [{ source: { network: { network: "default" } }, waitForIp: { timeout: 300 } }],
      },
    });
    domain.addOverride("devices.tpms", [{ model: "tpm-crb", backend: { emulator: { version: "2.0" } } }]);
    domain.addOverride("features.hyper_v", { spinlocks: { state: "on", retries: 8191 } });
    domain.addOverride("qemu_commandline", { args: [{ value: "-no-hpet" }] });
    const synth = JSON.parse(Testing.synth(stack));
    const body = synth.resource.libvirt_domain.n0;
    expect(body.sys_info).toEqual([{ fw_cfg: { entry: [{ name: "opt/org.flatcar-linux/config", file: "/var/lib/libvirt/images/n0.ign", value: "" }] } }]);
    expect(body.devices.tpms[0].model).toBe("tpm-crb");
    expect(body.devices.disks[0].target).toEqual({ dev: "vda", bus: "virtio" });
    expect(synth.terraform.required_providers.libvirt).toEqual({ source: "dmacvicar/libvirt", version: "0.9.7" });
    expect(checkLibvirtResources(synth, { version: "0.9.7" })).toEqual([]);
    // The escape hatch is checked too: a misspelt override is caught.
    domain.addOverride("devices.tpms", [{ modle: "tpm-crb" }]);
    expect(checkLibvirtResources(JSON.parse(Testing.synth(stack)), { version: "0.9.7" })).toEqual(["libvirt_domain.n0.devices.tpms[0].modle: unknown attribute or block"]);
  });
});
