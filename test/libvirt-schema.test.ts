/**
 * The conformance checker on SDKv2-style schemas (blocks with min and max items), which other
 * providers' schemas use; the libvirt 0.9.7 schema has nested attributes only
 * (test/libvirt-provider-schema.test.ts).
 */
import { describe, expect, test } from "vitest";
import { checkProviderResources, type ProviderSchema } from "../lib/testing/libvirt-schema";

describe("checkProviderResources on a schema with min_items and read-only attributes", () => {
  const schema: ProviderSchema = {
    resource_schemas: {
      demo_thing: {
        block: {
          attributes: { name: { type: "string", required: true }, id: { type: "string", computed: true } },
          block_types: {
            rule: { nesting_mode: "list", min_items: 2, max_items: 3, block: { attributes: { port: { type: "number", optional: true } } } },
            settings: { nesting_mode: "map", block: { attributes: { on: { type: "bool", optional: true } } } },
            cpu: { nesting_mode: "list", max_items: 1, block: { attributes: { mode: { type: "string", optional: true } } } },
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

  test("reports too many items in a single-item block", () => {
    const doc = { resource: { demo_thing: { t: { name: "a", rule: [{}, {}], cpu: [{ mode: "a" }, { mode: "b" }] } } } };
    expect(checkProviderResources(doc, schema, "demo_")).toEqual(["demo_thing.t.cpu: at most 1 block(s) allowed, found 2"]);
  });

  test("checks the content of a dynamic block, and reports a dynamic block the schema does not have", () => {
    const body = (dynamic: object) => ({ resource: { demo_thing: { t: { name: "a", rule: [{}, {}], dynamic } } } });
    expect(checkProviderResources(body({ cpu: { for_each: "${var.cpus}", content: { mode: "${cpu.value}" } } }), schema, "demo_")).toEqual([]);
    expect(checkProviderResources(body({ cpu: { for_each: "${var.cpus}", content: { model: "x" } } }), schema, "demo_")).toEqual(["demo_thing.t.dynamic.cpu.content.model: unknown attribute or block"]);
    expect(checkProviderResources(body({ drive: { for_each: "${var.disks}", content: {} } }), schema, "demo_")).toEqual(["demo_thing.t.dynamic.drive: unknown block"]);
  });
});
