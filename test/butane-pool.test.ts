/**
 * Typhoon-style Butane snippets (poseidon/typhoon docs/advanced/customization.md: custom-files.yaml
 * and custom-units.yaml, Flatcar Linux, carried over in test/fixtures/butane/cases.ts) added to a pool lands in every node's
 * config of that pool, as the node reads it, and in no other node's (issue 24). Read with the
 * testing kit from the synthesized stack, on libvirt (one config per node) and on AWS.
 */
import { describe, expect, it } from "vitest";
import { IGNITION_FORMAT } from "../lib/ignition/format";
import { WorkerPlacement } from "../lib/platform/aws";
import { synthCluster } from "../lib/testing";
import { CASES, TYPHOON_SNIPPETS } from "./fixtures/butane/cases";
import { flatcarAws, flatcarLibvirt, type KitCluster } from "./testing-kit-clusters";


function check(kit: KitCluster): void {
  for (const snippet of TYPHOON_SNIPPETS) kit.cluster.pool("general").config(IGNITION_FORMAT).addButane(snippet);
  const synth = synthCluster(kit.stack);
  const pool = synth.nodes().filter((n) => n.name.startsWith("demo-general-"));
  const others = synth.nodes().filter((n) => !n.name.startsWith("demo-general-"));
  expect(pool.map((n) => n.name)).toEqual(["demo-general-0", "demo-general-1"]);
  expect(others.length).toBeGreaterThan(0);
  for (const n of pool) {
    expect(n.file("/opt/hello"), n.name).toMatchObject({ contents: "Hello World\n", mode: 0o644 });
    expect(n.unit("hello.service"), n.name).toMatchObject({ enabled: true, contents: expect.stringContaining("ExecStart=/usr/bin/echo Hello World!\n") });
  }
  for (const n of others) {
    expect(n.file("/opt/hello"), n.name).toBeUndefined();
    expect(n.unit("hello.service"), n.name).toBeUndefined();
  }
}

describe("a Butane snippet on a pool", () => {
  it("lands in every node of the pool on libvirt, and nowhere else", () => check(flatcarLibvirt()));
  it("lands in every node of the pool on AWS, and nowhere else", () => check(flatcarAws(WorkerPlacement.INSTANCES)));

  it("reaches the nodes through customize(IGNITION_FORMAT, ...) too, checked against the OS's variant", () => {
    const kit = flatcarLibvirt();
    kit.cluster.pool("controllers").customize(IGNITION_FORMAT, (config) => config.addButane(TYPHOON_SNIPPETS[0]));
    const synth = synthCluster(kit.stack);
    for (const n of synth.nodes()) {
      if (n.name.startsWith("demo-controller-")) expect(n.file("/opt/hello"), n.name).toMatchObject({ contents: "Hello World\n", mode: 0o644 });
      else expect(n.file("/opt/hello"), n.name).toBeUndefined();
    }
    const fcos = CASES.find((c) => c.name === "Typhoon's Fedora CoreOS custom-files snippet")!.butane;
    const other = flatcarLibvirt();
    other.cluster.pool("controllers").customize(IGNITION_FORMAT, (config) => config.addButane(fcos));
    expect(() => synthCluster(other.stack)).toThrow(/butane variant: "fcos" is not the Butane variant Flatcar reads/);
  });

  it("is refused at the call when written for another OS's variant", () => {
    const fcos = CASES.find((c) => c.name === "Typhoon's Fedora CoreOS custom-files snippet")!.butane;
    expect(() => flatcarLibvirt().cluster.pool("general").config(IGNITION_FORMAT).addButane(fcos)).toThrow(/^pool general: butane variant: "fcos" is not the Butane variant Flatcar reads/);
    expect(() => flatcarLibvirt().cluster.pool("general").nodeConfig("demo-general-0", IGNITION_FORMAT).addButane(fcos)).toThrow(/^node demo-general-0: butane variant: "fcos"/);
  });

  it("clashes with what the pool already has, at the call", () => {
    const kit = flatcarLibvirt();
    kit.cluster.pool("general").config(IGNITION_FORMAT).addFile("/opt/hello", "typed\n");
    expect(() => kit.cluster.pool("general").config(IGNITION_FORMAT).addButane(TYPHOON_SNIPPETS[0])).toThrow(/\/opt\/hello/);
  });
});
