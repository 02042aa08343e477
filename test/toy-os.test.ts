/**
 * Done when (issue 22): a new OS with a new config format is its folder, shown by a toy OS on a
 * toy format that live outside lib/ (test/fixtures/toy-os/, importing only the package root) and
 * go through the Cluster (its escape hatches too), the testing kit and every node matcher without
 * a line of lib/ knowing them.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { Cluster, ConfigFormat, Flatcar, FlatcarChannel, IGNITION_FORMAT, LibvirtPlatform } from "../lib";
import { TerraformStack, Testing } from "../lib/cdktf";
import { installMatchers, type SynthResult, synthStack } from "../lib/testing";
import { TOY_FORMAT, ToyConfig } from "./fixtures/toy-os/format";
import { ToyOs } from "./fixtures/toy-os/os";
import { failure, SSH_KEY } from "./testing-kit-clusters";

installMatchers(expect);

const CA = "-----BEGIN CERTIFICATE-----\nMIIBtoy\n-----END CERTIFICATE-----\n";

function build(edit?: (cluster: Cluster) => void): SynthResult {
  const stack = new TerraformStack(Testing.app(), "toy");
  const cluster = new Cluster(stack, "demo", {
    os: new ToyOs(),
    platform: LibvirtPlatform.local(),
    controllers: { count: 3 },
    pools: [{ name: "general", count: 2 }],
    kubernetes: {},
    sshKeys: [SSH_KEY],
  });
  // The hatches, typed by the toy format: a merged builder for the pool and for one node, and a customizer.
  cluster.pool("general").config(TOY_FORMAT).addFile("/etc/ssl/certs/toy-ca.pem", CA);
  cluster.pool("general").nodeConfig("demo-general-1", TOY_FORMAT).addFile("/etc/node-marker", "one\n", 0o600);
  cluster.pool("controllers").customize(TOY_FORMAT, (config) => config.enableUnit("toy-metrics.service"));
  edit?.(cluster);
  return synthStack(stack);
}

describe("a toy OS with a toy format, defined outside lib/", () => {
  const synth = build();
  const workers = () => synth.nodes().filter((n) => n.name.startsWith("demo-general-"));

  it("no file of lib/ names it: lib/ was not touched for it", () => {
    const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
    const lib = resolve(__dirname, "../lib");
    expect(files(lib).filter((f) => /toy/i.test(readFileSync(f, "utf8")))).toEqual([]);
    expect(ConfigFormat.byName("toy")).toBe(TOY_FORMAT);
  });

  it("the cluster records the toy format, and the kit reads every node with it", () => {
    expect(synth.nodes().map((n) => [n.name, n.kind, n.delivery.kind])).toEqual(
      ["demo-controller-0", "demo-controller-1", "demo-controller-2", "demo-general-0", "demo-general-1"].map((n) => [n, "toy", "config-iso"]),
    );
    expect(synth.node("demo-general-0").text.startsWith("#toy-config 2\n")).toBe(true);
  });

  it("toHaveFile: the pool's file on every worker, the node's on its node only, decoded from base64", () => {
    expect(workers()).toHaveFile("/etc/ssl/certs/toy-ca.pem", { contents: CA, mode: 0o644 });
    expect(synth.node("demo-general-1")).toHaveFile("/etc/node-marker", { contents: "one\n", mode: 0o600 });
    expect(synth.node("demo-general-0")).not.toHaveFile("/etc/node-marker");
    expect(synth.node("demo-general-0")).toHaveFile("/etc/hostname", { contents: "demo-general-0\n" });
  });

  it("toHaveUnit and toHaveUser", () => {
    expect(workers()).toHaveUnit("k3s-agent.service", { enabled: true });
    expect(synth.nodes().filter((n) => n.name.includes("controller"))).toHaveUnit("toy-metrics.service");
    expect(synth).toHaveUser("toy", { sshKey: SSH_KEY });
  });

  it("toHaveConfigKey and the k3s settings, apply-time values as placeholders", () => {
    expect(synth.node("demo-controller-0")).toHaveConfigKey("k3s.role", "server");
    expect(synth.node("demo-controller-0").k3s).toEqual({ role: "server", config: { token: expect.stringMatching(/^<apply-time: /), "cluster-init": "true" } });
    expect(synth.node("demo-controller-1").k3s?.config.server).toMatch(/^https:\/\/10\.\d+\.\d+\.\d+:6443$/);
    // Joining nodes hold the token's secure form: the server CA's hash, then the secret (lib/k3s/certificates.ts).
    for (const w of workers()) expect(w.k3s).toEqual({ role: "agent", config: { token: expect.stringMatching(/^K10[0-9a-f]{64}::server:<apply-time: /), server: expect.stringMatching(/:6443$/) } });
  });

  it("toPassValidators runs the toy format's validator, and fails on what it refuses", () => {
    expect(synth).toPassValidators();
    const bad = build((c) => c.pool("general").customizeNode("demo-general-0", TOY_FORMAT, (config: ToyConfig) => config.addFile("/tmp/open", "x", 0o666)));
    expect(failure(() => expect(bad.node("demo-general-0")).toPassValidators())).toMatch(/1 problem\(s\) \(toy rules\):\n {2}toy: file \/tmp\/open: mode 0666 is world-writable$/);
    expect(bad.node("demo-general-1")).toPassValidators();
  });

  it("toHaveResourceWithProperties", () => {
    expect(synth).toHaveResourceWithProperties("libvirt_domain", { name: "demo-general-1" });
  });

  it("hatches are refused across formats, at the call", () => {
    const stack = new TerraformStack(Testing.app(), "x");
    const toy = new Cluster(stack, "toy", { os: new ToyOs(), platform: LibvirtPlatform.local(), kubernetes: {} });
    expect(() => toy.pool("controllers").config(IGNITION_FORMAT)).toThrow("x/toy: pool(controllers).config(ignition): Toy OS reads Toy config, not Ignition JSON. Fix: use the escape hatch for Toy config");
    const flatcar = new Cluster(new TerraformStack(Testing.app(), "x"), "fl", { os: Flatcar.channel(FlatcarChannel.STABLE), platform: LibvirtPlatform.local() });
    expect(() => flatcar.pool("controllers").customize(TOY_FORMAT, () => {})).toThrow("x/fl: pool(controllers).customize: Flatcar Container Linux reads Ignition JSON, not Toy config. Fix: use the escape hatch for Ignition JSON");
  });

  it("a merge clash between the pool's and a node's builder names both", () => {
    expect(() => build((c) => c.pool("general").nodeConfig("demo-general-0", TOY_FORMAT).addFile("/etc/ssl/certs/toy-ca.pem", "other"))).toThrow(/the path is written in both toy\/demo-general-0 and node demo-general-0/);
  });
});
