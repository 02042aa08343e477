/**
 * The dmacvicar/libvirt 0.9.7 schema: derived from the provider's generated docs plus corrections
 * (scripts/derive-libvirt-0.9-schema.ts), checked against the provider's own examples, and the
 * 0.9.7 conformance check (lib/testing/libvirt-schema.ts) catching each kind of error.
 *
 * LIBVIRT_PROVIDER_SRC, when set, is a checkout of github.com/dmacvicar/terraform-provider-libvirt
 * at v0.9.7 (`git archive v0.9.7 docs examples | tar -x -C <dir>`): the tests then also compare
 * the committed docs copy with it and check every example file of the tag, not only the examples
 * the docs embed.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { checkLibvirtResources, checkProviderResources, libvirtProviderSchema, type ProviderSchema } from "../lib/testing/libvirt-schema";
import {
  LIBVIRT_09_DOCS_COPY,
  LIBVIRT_09_SCHEMA_PATH,
  applyCorrections,
  deriveLibvirt09Schema,
  loadCorrections,
  schemaDocFiles,
  schemaFromDocs,
} from "../scripts/derive-libvirt-0.9-schema";
import { readHcl } from "./helpers/hcl";

const SRC = process.env.LIBVIRT_PROVIDER_SRC;
const noSource = "LIBVIRT_PROVIDER_SRC not set: export it as a checkout of dmacvicar/terraform-provider-libvirt at v0.9.7 (git archive v0.9.7 docs examples | tar -x -C <dir>)";

describe("libvirt 0.9.7 schema derivation", () => {
  test("re-deriving from the committed docs copy gives the committed schema byte for byte", () => {
    const fresh = deriveLibvirt09Schema(LIBVIRT_09_DOCS_COPY);
    expect(fresh === fs.readFileSync(LIBVIRT_09_SCHEMA_PATH, "utf8"), "run: node --import tsx scripts/derive-libvirt-0.9-schema.ts schemas/libvirt-0.9.7-docs").toBe(true);
  });

  test("the committed docs copy is the tag's docs, file for file", (ctx) => {
    if (!SRC) return ctx.skip(noSource);
    expect(schemaDocFiles(LIBVIRT_09_DOCS_COPY)).toEqual(schemaDocFiles(SRC));
    for (const file of schemaDocFiles(SRC)) {
      expect(fs.readFileSync(path.join(LIBVIRT_09_DOCS_COPY, "docs", file), "utf8"), file).toBe(fs.readFileSync(path.join(SRC, "docs", file), "utf8"));
    }
  });

  test("covers the provider's resources and data sources", () => {
    const schema = libvirtProviderSchema();
    expect(Object.keys(schema.resource_schemas)).toEqual([
      "libvirt_cloudinit_disk",
      "libvirt_combustion",
      "libvirt_domain",
      "libvirt_ignition",
      "libvirt_network",
      "libvirt_pool",
      "libvirt_volume",
    ]);
    expect(Object.keys(schema.data_source_schemas ?? {})).toEqual(["libvirt_domain_interface_addresses", "libvirt_node_device_info", "libvirt_node_devices", "libvirt_node_info"]);
    expect(Object.keys(schema.provider!.block.attributes!)).toEqual(["uri"]);
  });

  test("reads the nesting mode, the flags and the types from the docs", () => {
    const domain = libvirtProviderSchema().resource_schemas.libvirt_domain.block.attributes!;
    expect(domain.name).toMatchObject({ type: "string", required: true });
    expect(domain.memory).toMatchObject({ type: "number", optional: true });
    expect(domain.uuid).toMatchObject({ type: "string", computed: true });
    expect(domain.devices.nested_type!.nesting_mode).toBe("single");
    expect(domain.devices.nested_type!.attributes.disks.nested_type!.nesting_mode).toBe("list");
    expect(domain.features.nested_type!.attributes.acpi).toMatchObject({ type: "bool", optional: true });
    const fwCfg = domain.sys_info.nested_type!.attributes.fw_cfg.nested_type!.attributes.entry;
    expect(fwCfg.nested_type!.attributes).toMatchObject({ name: { required: true }, file: { optional: true }, value: { required: true } });
  });

  test("the corrections are applied, each citing the Go file it was read from", () => {
    const corrections = loadCorrections();
    expect(corrections.length).toBe(15);
    for (const c of corrections) expect(c.source, c.id).toMatch(/internal\/[\w/]+\.go/);
    const schema = libvirtProviderSchema().resource_schemas;
    const domain = schema.libvirt_domain.block.attributes!;
    expect(domain.update.nested_type!.attributes.shutdown.nested_type!.attributes.timeout).toMatchObject({ type: "number", optional: true });
    expect(Object.keys(domain.destroy.nested_type!.attributes)).toEqual(["graceful", "shutdown"]);
    expect(domain.qemu_commandline.nested_type!.attributes.args.nested_type!.attributes.value).toMatchObject({ required: true });
    expect(domain.vmware_data_center_path).toMatchObject({ type: "string", optional: true });
    expect(Object.keys(schema.libvirt_pool.block.attributes!.create.nested_type!.attributes)).toEqual(["autostart", "build", "start"]);
    const vcpu = domain.vcpus.nested_type!.attributes.vcpu.nested_type!.attributes.id;
    expect(vcpu).toMatchObject({ optional: true });
    expect(vcpu.computed).toBeUndefined();
    expect(schema.libvirt_network.block.attributes!.vlan.nested_type!.attributes.tags.nested_type!.attributes.id).toMatchObject({ required: true });
  });

  test("a correction that no longer finds what it expects fails the derivation", () => {
    const corrections = loadCorrections();
    const docs = () => schemaFromDocs(LIBVIRT_09_DOCS_COPY);
    const update = corrections.find((c) => c.id === "domain-update")!;
    expect(() => applyCorrections(docs(), [update, update])).toThrow("correction domain-update: `update` is documented already: use replace");
    const flags = corrections.find((c) => c.id === "domain-nested-identity-optional")!;
    expect(() => applyCorrections(docs(), [flags, flags])).toThrow("correction domain-nested-identity-optional: `cpu.numa.cell.id` is optional in the docs, expected computed");
    expect(() => applyCorrections(docs(), [{ ...update, source: "the README" }])).toThrow("correction domain-update: source must name the Go file it was read from");
  });
});

/**
 * Where the provider's own examples disagree with its schema at v0.9.7 (FACTS.md, "libvirt
 * provider"): `os.boot_devices` is a list of `{ dev }` objects, the kernel command line is
 * `os.cmdline` (there is no `kernel_args`), an interface has no `type`, and `type` (the domain's
 * hypervisor type) is required at the top level (internal/codegen/policy/field_policy.go,
 * applyTopLevelImmutabilityPolicy). Any other problem, or one of these fixed, fails the test.
 */
const KNOWN_EXAMPLE_BUGS: Record<string, string[]> = {
  "alpine_cloudinit.tf": ["libvirt_domain.alpine.devices.interfaces[0].type: unknown attribute or block"],
  "domain_with_autostart.tf": ["libvirt_domain.example_with_autostart.type: required attribute missing"],
  "domain_with_filesystem.tf": ["libvirt_domain.example_with_filesystem.type: required attribute missing"],
  "domain_with_metadata.tf": ["libvirt_domain.example_with_metadata.type: required attribute missing"],
  "resources/libvirt_domain/resource.tf": [
    'libvirt_domain.example.os.boot_devices[0]: expected an object, got string "hd"',
    'libvirt_domain.example.os.boot_devices[1]: expected an object, got string "network"',
    'libvirt_domain.uefi_example.os.boot_devices[0]: expected an object, got string "hd"',
    "libvirt_domain.kernel_boot.os.kernel_args: unknown attribute or block",
  ],
  "two_vms_with_cloudinit.tf": [
    "libvirt_domain.vm1.devices.interfaces[0].type: unknown attribute or block",
    "libvirt_domain.vm2.devices.interfaces[0].type: unknown attribute or block",
  ],
};

/** The example each doc page embeds (terraform-plugin-docs copies examples/resources/<type>/resource.tf and the like). */
const EMBEDDED_EXAMPLE: Record<string, string> = {
  "index.md": "provider/provider.tf",
  "data-sources/node_device_info.md": "data-sources/libvirt_node_device_info/data-source.tf",
  "data-sources/node_devices.md": "data-sources/libvirt_node_devices/data-source.tf",
  "data-sources/node_info.md": "data-sources/libvirt_node_info/data-source.tf",
  "resources/domain.md": "resources/libvirt_domain/resource.tf",
  "resources/volume.md": "resources/libvirt_volume/resource.tf",
};

function listTf(dir: string, prefix = ""): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listTf(path.join(dir, e.name), `${prefix}${e.name}/`) : e.name.endsWith(".tf") ? [`${prefix}${e.name}`] : []))
    .sort();
}

const settings = (doc: Record<string, any>): number =>
  ["resource", "data"].reduce((n, s) => n + Object.values(doc[s] ?? {}).reduce((m: number, v: any) => m + Object.keys(v).length, 0), 0);

describe("the provider's examples at v0.9.7 against the derived schema", () => {
  test("the examples embedded in the committed docs conform, but for the known example bugs", () => {
    const seen: string[] = [];
    for (const file of schemaDocFiles(LIBVIRT_09_DOCS_COPY)) {
      const text = fs.readFileSync(path.join(LIBVIRT_09_DOCS_COPY, "docs", file), "utf8");
      for (const m of text.matchAll(/^```terraform\n([\s\S]*?)^```$/gm)) {
        const example = EMBEDDED_EXAMPLE[file];
        expect(example, `${file} embeds an example this test does not know`).toBeDefined();
        seen.push(file);
        const doc = readHcl(m[1], file);
        expect(checkLibvirtResources(doc), file).toEqual(KNOWN_EXAMPLE_BUGS[example] ?? []);
      }
    }
    expect(seen.sort()).toEqual(Object.keys(EMBEDDED_EXAMPLE).sort());
  });

  test("every example file of the tag conforms, but for the known example bugs", (ctx) => {
    if (!SRC) return ctx.skip(noSource);
    const files = listTf(path.join(SRC, "examples"));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const doc = readHcl(fs.readFileSync(path.join(SRC, "examples", file), "utf8"), file);
      expect(settings(doc) + Object.keys(doc.provider ?? {}).length, `${file} sets nothing`).toBeGreaterThan(0);
      expect(checkLibvirtResources(doc), file).toEqual(KNOWN_EXAMPLE_BUGS[file] ?? []);
    }
    expect(Object.keys(KNOWN_EXAMPLE_BUGS).filter((f) => !files.includes(f))).toEqual([]);
  });

  test("the HCL reader keeps references and arithmetic as expressions and reads heredocs", () => {
    const doc = readHcl(
      [
        'resource "libvirt_volume" "v" {',
        "  name = \"a-${var.x}\" # comment",
        "  capacity = 10 * 1024",
        "  create = { content = { url = libvirt_cloudinit_disk.c.path } }",
        "  target = {",
        '    format = { type = "qcow2" },',
        "  }",
        "}",
        'output "o" {',
        "  value = <<-EOF",
        "    hello",
        "      world",
        "  EOF",
        "}",
      ].join("\n"),
    );
    expect(doc).toEqual({
      resource: { libvirt_volume: { v: { name: "a-${var.x}", capacity: "${10 * 1024}", create: { content: { url: "${libvirt_cloudinit_disk.c.path}" } }, target: { format: { type: "qcow2" } } } } },
      output: { o: { value: "hello\n  world\n" } },
    });
    expect(() => readHcl('resource "a" "b" {\n  x = [1, 2\n}', "bad.tf")).toThrow(/^bad\.tf:\d+: /);
  });
});

/** A small conforming 0.9.7 stack: the resources of one Flatcar machine, as Terraform JSON. */
function flatcarMachine(): Record<string, any> {
  return {
    provider: { libvirt: [{ uri: "qemu:///system" }] },
    resource: {
      libvirt_volume: {
        base: { name: "flatcar.qcow2", pool: "default", target: { format: { type: "qcow2" } }, create: { content: { url: "https://example.invalid/flatcar.img" } } },
        disk: { name: "n0.qcow2", pool: "default", capacity: 10737418240, backing_store: { path: "${libvirt_volume.base.path}", format: { type: "qcow2" } } },
      },
      libvirt_domain: {
        n0: {
          name: "n0",
          type: "kvm",
          memory: 2048,
          memory_unit: "MiB",
          vcpu: 2,
          os: { type: "hvm", type_arch: "x86_64", type_machine: "q35", boot_devices: [{ dev: "hd" }] },
          features: { acpi: true },
          sys_info: [{ fw_cfg: { entry: [{ name: "opt/org.flatcar-linux/config", file: "/var/lib/libvirt/images/n0.ign", value: "" }] } }],
          devices: {
            disks: [{ source: { volume: { pool: "default", volume: "${libvirt_volume.disk.name}" } }, target: { dev: "vda", bus: "virtio" } }],
            interfaces: [{ model: { type: "virtio" }, source: { network: { network: "default" } }, wait_for_ip: { timeout: 300 } }],
          },
          destroy: { graceful: true, shutdown: { timeout: 60 } },
        },
      },
    },
  };
}

function mutate(edit: (doc: Record<string, any>) => void): Record<string, any> {
  const doc = flatcarMachine();
  edit(doc);
  return doc;
}

describe("checkLibvirtResources", () => {
  test("passes a conforming Flatcar machine", () => {
    expect(checkLibvirtResources(flatcarMachine())).toEqual([]);
  });

  test("reports an unknown attribute, at the top and inside a nested attribute", () => {
    const doc = mutate((d) => {
      d.resource.libvirt_domain.n0.cores = 4;
      d.resource.libvirt_domain.n0.devices.interfaces[0].type = "network";
    });
    expect(checkLibvirtResources(doc)).toEqual([
      "libvirt_domain.n0.devices.interfaces[0].type: unknown attribute or block",
      "libvirt_domain.n0.cores: unknown attribute or block",
    ]);
  });

  test("reports provider 0.8's spellings as unknown", () => {
    const doc = mutate((d) => {
      d.resource.libvirt_domain.n0.coreos_ignition = "${libvirt_ignition.n0.id}";
      d.resource.libvirt_volume.base.source = "https://example.invalid/flatcar.img";
      d.resource.libvirt_domain.n0.network_interface = [{ network_name: "default" }];
    });
    expect(checkLibvirtResources(doc)).toEqual([
      "libvirt_volume.base.source: unknown attribute or block",
      "libvirt_domain.n0.coreos_ignition: unknown attribute or block",
      "libvirt_domain.n0.network_interface: unknown attribute or block",
    ]);
  });

  test("reports a missing required attribute, at the top and inside a list element", () => {
    const doc = mutate((d) => {
      delete d.resource.libvirt_domain.n0.type;
      delete d.resource.libvirt_domain.n0.sys_info[0].fw_cfg.entry[0].value;
    });
    expect(checkLibvirtResources(doc)).toEqual([
      "libvirt_domain.n0.sys_info[0].fw_cfg.entry[0].value: required attribute missing",
      "libvirt_domain.n0.type: required attribute missing",
    ]);
  });

  test("reports a wrong type", () => {
    const doc = mutate((d) => {
      d.resource.libvirt_domain.n0.memory = "lots";
      d.resource.libvirt_domain.n0.features.acpi = "yes";
      d.resource.libvirt_domain.n0.destroy.shutdown.timeout = [60];
    });
    expect(checkLibvirtResources(doc)).toEqual([
      'libvirt_domain.n0.memory: expected number, got string "lots"',
      'libvirt_domain.n0.features.acpi: expected bool, got string "yes"',
      "libvirt_domain.n0.destroy.shutdown.timeout: expected number, got list",
    ]);
  });

  test("reports an object where a list belongs, and a list or a string where an object belongs", () => {
    const doc = mutate((d) => {
      const n0 = d.resource.libvirt_domain.n0;
      n0.sys_info = n0.sys_info[0];
      n0.os = [n0.os];
      n0.devices.disks[0].target = "vda";
    });
    expect(checkLibvirtResources(doc)).toEqual([
      "libvirt_domain.n0.os: expected an object, got list",
      "libvirt_domain.n0.sys_info: expected a list of objects, got object",
      'libvirt_domain.n0.devices.disks[0].target: expected an object, got string "vda"',
    ]);
  });

  test("reports a read-only attribute that is set, and accepts the nested ids 0.9.7 made settable", () => {
    const doc = mutate((d) => {
      d.resource.libvirt_volume.disk.path = "/var/lib/libvirt/images/n0.qcow2";
      d.resource.libvirt_volume.disk.target = { path: "/x" };
      d.resource.libvirt_domain.n0.uuid = "x";
      d.resource.libvirt_domain.n0.vcpus = { vcpu: [{ id: 0, enabled: "yes" }] };
    });
    expect(checkLibvirtResources(doc)).toEqual([
      "libvirt_volume.disk.path: read-only (computed) attribute cannot be set",
      "libvirt_volume.disk.target.path: read-only (computed) attribute cannot be set",
      "libvirt_domain.n0.uuid: read-only (computed) attribute cannot be set",
    ]);
  });

  test("checks the provider block against the 0.9.7 provider schema", () => {
    const doc = mutate((d) => (d.provider.libvirt = [{ uri: "qemu:///system", alias: "a" }, { url: "qemu:///system" }]));
    expect(checkLibvirtResources(doc)).toEqual(["provider.libvirt[1].url: unknown attribute or block"]);
  });

  test("accepts a Terraform expression for any nested attribute or element", () => {
    const doc = mutate((d) => {
      d.resource.libvirt_domain.n0.devices.disks = "${local.disks}";
      d.resource.libvirt_domain.n0.sys_info[0] = "${local.fw_cfg}";
    });
    expect(checkLibvirtResources(doc)).toEqual([]);
  });

  test("reports a stack that pins another provider version than the schema's", () => {
    const doc = mutate((d) => (d.terraform = { required_providers: { libvirt: { source: "dmacvicar/libvirt", version: "= 0.8.3" } } }));
    expect(checkLibvirtResources(doc)).toEqual(['terraform.required_providers.libvirt.version: pins "= 0.8.3", but the schema checked is 0.9.7\'s']);
    expect(checkLibvirtResources(mutate((d) => (d.terraform = { required_providers: { libvirt: { version: "= 0.9.7" } } })))).toEqual([]);
  });
});

describe("checkProviderResources on nested attributes of every nesting mode", () => {
  // libvirt 0.9.7 has only single and list nested attributes; set and map are shown on a small schema.
  const inner = { attributes: { port: { type: "number", required: true }, id: { type: "string", computed: true } } };
  const schema: ProviderSchema = {
    resource_schemas: {
      demo_thing: {
        block: {
          attributes: {
            one: { nested_type: { ...inner, nesting_mode: "single" }, optional: true },
            many: { nested_type: { ...inner, nesting_mode: "list" }, optional: true },
            bag: { nested_type: { ...inner, nesting_mode: "set" }, optional: true },
            named: { nested_type: { ...inner, nesting_mode: "map" }, optional: true },
          },
        },
      },
    },
  };
  const check = (body: object) => checkProviderResources({ resource: { demo_thing: { t: body } } }, schema, "demo_");

  test("passes conforming values", () => {
    expect(check({ one: { port: 1 }, many: [{ port: 1 }, { port: 2 }], bag: [{ port: 3 }], named: { a: { port: 4 } } })).toEqual([]);
  });

  test("reports each kind of error in each mode", () => {
    expect(check({ one: { port: "x" }, many: { port: 1 }, bag: [{}], named: [{ port: 1 }] })).toEqual([
      'demo_thing.t.one.port: expected number, got string "x"',
      "demo_thing.t.many: expected a list of objects, got object",
      "demo_thing.t.bag[0].port: required attribute missing",
      "demo_thing.t.named: expected a map of objects, got list",
    ]);
    expect(check({ named: { a: { port: 1, id: "x" }, b: 7 }, bag: [{ port: 1, extra: true }] })).toEqual([
      "demo_thing.t.named.a.id: read-only (computed) attribute cannot be set",
      "demo_thing.t.named.b: expected an object, got number 7",
      "demo_thing.t.bag[0].extra: unknown attribute or block",
    ]);
  });
});
