import { beforeAll, describe, expect, test } from "vitest";
import { NodeRole } from "../lib/core/node";
import { checkLibvirtResources, checkProviderResources, type ProviderSchema } from "../lib/testing/libvirt-schema";
import { LibvirtProviderVersion } from "../lib/platform/libvirt";
import { buildCluster, flatcarRequest, k3osRequest, spec } from "./libvirt-helpers";

let good: Record<string, any>;
let goodK3os: Record<string, any>;

// The 0.8.3 check, on stacks written for 0.8.3 (test/libvirt-09-schema.test.ts checks 0.9.7's).
beforeAll(() => {
  const provider = LibvirtProviderVersion.V0_8_3;
  good = buildCluster([spec("c1", NodeRole.CONTROLLER), spec("w1")], flatcarRequest, { provider }).synth;
  goodK3os = buildCluster([spec("c1", NodeRole.CONTROLLER), spec("w1")], k3osRequest, { provider }).synth;
});

/** A deep copy of the good Flatcar synth output with one change. */
function mutate(edit: (doc: Record<string, any>) => void, from: () => Record<string, any> = () => good): Record<string, any> {
  const doc = structuredClone(from());
  edit(doc);
  return doc;
}

const firstOf = (doc: Record<string, any>, type: string): Record<string, any> =>
  Object.values(doc.resource[type] as Record<string, Record<string, any>>)[0];

describe("checkLibvirtResources", () => {
  test("passes the synthesized Flatcar cluster", () => {
    expect(checkLibvirtResources(good)).toEqual([]);
  });

  test("passes the synthesized k3OS cluster", () => {
    expect(checkLibvirtResources(goodK3os)).toEqual([]);
  });

  test("reports an unknown attribute", () => {
    const doc = mutate((d) => (firstOf(d, "libvirt_domain").cores = 4));
    expect(checkLibvirtResources(doc)).toEqual([expect.stringMatching(/^libvirt_domain\.\S+\.cores: unknown attribute or block$/)]);
  });

  test("reports an unknown attribute inside a block", () => {
    const doc = mutate((d) => (firstOf(d, "libvirt_domain").network_interface[0].model = "virtio"));
    expect(checkLibvirtResources(doc)).toEqual([expect.stringMatching(/network_interface\[0\]\.model: unknown attribute or block$/)]);
  });

  test("reports an unknown block", () => {
    const doc = mutate((d) => (firstOf(d, "libvirt_domain").os = [{ type: "hvm" }]));
    expect(checkLibvirtResources(doc)).toEqual([expect.stringMatching(/\.os: unknown attribute or block$/)]);
  });

  test("reports a missing required attribute", () => {
    const doc = mutate((d) => delete firstOf(d, "libvirt_volume").name);
    expect(checkLibvirtResources(doc)).toEqual([expect.stringMatching(/^libvirt_volume\.\S+\.name: required attribute missing$/)]);
  });

  test("reports a missing required attribute inside a block", () => {
    const doc = mutate((d) => delete firstOf(d, "libvirt_domain").console[0].target_port);
    expect(checkLibvirtResources(doc)).toEqual([expect.stringMatching(/console\[0\]\.target_port: required attribute missing$/)]);
  });

  test("reports a string where a number belongs", () => {
    const doc = mutate((d) => (firstOf(d, "libvirt_domain").memory = "lots"));
    expect(checkLibvirtResources(doc)).toEqual([expect.stringMatching(/\.memory: expected number, got string "lots"$/)]);
  });

  test("reports a list where a string belongs", () => {
    const doc = mutate((d) => (firstOf(d, "libvirt_domain").name = ["a", "b"]));
    expect(checkLibvirtResources(doc)).toEqual([expect.stringMatching(/\.name: expected string, got list$/)]);
  });

  test("reports a string where a bool belongs", () => {
    const doc = mutate((d) => (firstOf(d, "libvirt_network").autostart = "yes"));
    expect(checkLibvirtResources(doc)).toEqual([expect.stringMatching(/\.autostart: expected bool, got string "yes"$/)]);
  });

  test("reports a string where a list belongs", () => {
    const doc = mutate((d) => (firstOf(d, "libvirt_network").addresses = "10.17.3.0/24"));
    expect(checkLibvirtResources(doc)).toEqual([expect.stringMatching(/\.addresses: expected list, got string "10\.17\.3\.0\/24"$/)]);
  });

  test("reports a wrong element type inside a list of maps", () => {
    const doc = mutate((d) => (firstOf(d, "libvirt_domain").cmdline = [{ console: { port: 0 } }]), () => goodK3os);
    expect(checkLibvirtResources(doc)).toEqual([expect.stringMatching(/\.cmdline\[0\]\.console: expected string, got object$/)]);
  });

  test("reports a list where a map belongs", () => {
    const doc = mutate((d) => (firstOf(d, "libvirt_domain").cmdline = [["console=ttyS0"]]), () => goodK3os);
    expect(checkLibvirtResources(doc)).toEqual([expect.stringMatching(/\.cmdline\[0\]: expected map, got list$/)]);
  });

  test("reports too many items in a single-item block", () => {
    const doc = mutate((d) => (firstOf(d, "libvirt_domain").cpu = [{ mode: "host-passthrough" }, { mode: "host-model" }]));
    expect(checkLibvirtResources(doc)).toEqual([expect.stringMatching(/\.cpu: at most 1 block\(s\) allowed, found 2$/)]);
  });

  test("reports a setting of a read-only attribute", () => {
    const doc = mutate((d) => (d.data = { libvirt_node_info: { host: { cpu_model: "x86" } } }));
    expect(checkLibvirtResources(doc)).toEqual(["data.libvirt_node_info.host.cpu_model: read-only (computed) attribute cannot be set"]);
  });

  test("accepts a Terraform expression for any type", () => {
    const doc = mutate((d) => {
      const domain = firstOf(d, "libvirt_domain");
      domain.memory = "${var.memory}";
      domain.network_interface[0].addresses = "${local.addresses}";
      domain.disk = "${local.disks}";
    });
    expect(checkLibvirtResources(doc)).toEqual([]);
  });

  test("checks the content of a dynamic block", () => {
    const good = mutate((d) => (firstOf(d, "libvirt_domain").dynamic = { disk: { for_each: "${var.disks}", content: { volume_id: "${disk.value}" } } }));
    expect(checkLibvirtResources(good)).toEqual([]);
    const bad = mutate((d) => (firstOf(d, "libvirt_domain").dynamic = { disk: { for_each: "${var.disks}", content: { volume: "x" } } }));
    expect(checkLibvirtResources(bad)).toEqual([expect.stringMatching(/\.dynamic\.disk\.content\.volume: unknown attribute or block$/)]);
  });

  test("reports a dynamic block the schema does not have", () => {
    const doc = mutate((d) => (firstOf(d, "libvirt_domain").dynamic = { drive: { for_each: "${var.disks}", content: {} } }));
    expect(checkLibvirtResources(doc)).toEqual([expect.stringMatching(/\.dynamic\.drive: unknown block$/)]);
  });

  test("checks the provider block against the provider schema", () => {
    const doc = mutate((d) => (d.provider.libvirt = [{ alias: "remote" }]));
    expect(checkLibvirtResources(doc)).toEqual(["provider.libvirt[0].uri: required attribute missing"]);
  });

  test("reports an unknown libvirt resource type", () => {
    const doc = mutate((d) => (d.resource.libvirt_machine = { m: { name: "x" } }));
    expect(checkLibvirtResources(doc)).toEqual(["libvirt_machine.m: unknown resource type `libvirt_machine`"]);
  });

  test("checks libvirt data sources", () => {
    const doc = mutate((d) => (d.data = { libvirt_network_dns_host_template: { h: { hostname: "a" } } }));
    expect(checkLibvirtResources(doc)).toEqual(["data.libvirt_network_dns_host_template.h.ip: required attribute missing"]);
  });

  test("ignores resources of other providers", () => {
    const doc = mutate((d) => (d.resource.random_password = { p: { whatever: true } }));
    expect(checkLibvirtResources(doc)).toEqual([]);
  });
});

describe("checkProviderResources on a schema with min_items and read-only attributes", () => {
  // libvirt 0.8.3 has no block with min_items, so this rule is shown on a small schema.
  const schema: ProviderSchema = {
    resource_schemas: {
      demo_thing: {
        block: {
          attributes: { name: { type: "string", required: true }, id: { type: "string", computed: true } },
          block_types: {
            rule: { nesting_mode: "list", min_items: 2, max_items: 3, block: { attributes: { port: { type: "number", optional: true } } } },
            settings: { nesting_mode: "map", block: { attributes: { on: { type: "bool", optional: true } } } },
          },
        },
      },
    },
  };

  test("passes a conforming resource", () => {
    const doc = { resource: { demo_thing: { t: { name: "a", rule: [{ port: 1 }, { port: 2 }], settings: { x: { on: true } } } } } };
    expect(checkProviderResources(doc, schema, "demo_")).toEqual([]);
  });

  test("reports too few items in a block", () => {
    const doc = { resource: { demo_thing: { t: { name: "a", rule: [{ port: 1 }] } } } };
    expect(checkProviderResources(doc, schema, "demo_")).toEqual(["demo_thing.t.rule: at least 2 block(s) required, found 1"]);
  });

  test("reports a block with min_items left out", () => {
    const doc = { resource: { demo_thing: { t: { name: "a" } } } };
    expect(checkProviderResources(doc, schema, "demo_")).toEqual(["demo_thing.t.rule: at least 2 block(s) required, found 0"]);
  });

  test("reports a read-only attribute that is set", () => {
    const doc = { resource: { demo_thing: { t: { name: "a", id: "x", rule: [{}, {}] } } } };
    expect(checkProviderResources(doc, schema, "demo_")).toEqual(["demo_thing.t.id: read-only (computed) attribute cannot be set"]);
  });

  test("reports a wrong type inside a map of blocks", () => {
    const doc = { resource: { demo_thing: { t: { name: "a", rule: [{}, {}], settings: { x: { on: [1] } } } } } };
    expect(checkProviderResources(doc, schema, "demo_")).toEqual(["demo_thing.t.settings.x.on: expected bool, got list"]);
  });
});
