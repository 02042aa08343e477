/**
 * Every example synthesizes, and every config and resource in it passes the validators that apply:
 * Ignition through the schema, our semantic checks and ignition-validate; k3OS through the strict
 * schema; libvirt resources through the provider schema; AWS stacks through terraform validate
 * and plan against the real provider (test/aws-terraform.test.ts covers those stacks too).
 */
import { afterAll, describe, expect, it } from "vitest";
import { Testing } from "../lib/cdktf";
import type { Cluster } from "../lib/cluster";
import { ClusterToken } from "../lib/cluster";
import { ignitionValidateTool } from "../lib/testing/ignition";
import { checkLibvirtResources } from "../lib/testing/libvirt-schema";
import { checkClusterConfigs } from "../examples/summary";
import { FcosAwsStack } from "../examples/fcos-aws/stack";
import { FcosLibvirtStack } from "../examples/fcos-libvirt/stack";
import { FlatcarAwsStack } from "../examples/flatcar-aws/stack";
import { FlatcarContainersStack } from "../examples/flatcar-containers/stack";
import { FlatcarLibvirtStack } from "../examples/flatcar-libvirt/stack";
import { K3osAwsStack } from "../examples/k3os-aws/stack";
import { K3osLibvirtStack } from "../examples/k3os-libvirt/stack";
import { KairosAwsStack } from "../examples/kairos-aws/stack";
import { KairosLibvirtStack } from "../examples/kairos-libvirt/stack";
import { offlineAwsProviderConfig } from "../lib/testing/terraform";
import { need } from "./helpers/external";

let configsChecked = 0;
afterAll(() => console.log(`examples: ${configsChecked} node configs passed every validator that applies`));

interface Built {
  readonly stack: FcosAwsStack | FcosLibvirtStack | FlatcarLibvirtStack | K3osLibvirtStack | FlatcarContainersStack | FlatcarAwsStack | K3osAwsStack | KairosAwsStack | KairosLibvirtStack;
  readonly cluster: Cluster;
}

// terraform validate and plan of the AWS examples: test/aws-terraform.test.ts.
const awsExamples: Record<string, () => Built> = {
  "fcos-aws": () => {
    const stack = new FcosAwsStack(Testing.app(), "fcos-aws", { provider: offlineAwsProviderConfig(), token: ClusterToken.fromVariable() });
    return { stack, cluster: stack.cluster };
  },
  "flatcar-aws": () => {
    const stack = new FlatcarAwsStack(Testing.app(), "flatcar-aws", { provider: offlineAwsProviderConfig(), token: ClusterToken.fromVariable() });
    return { stack, cluster: stack.cluster };
  },
  "k3os-aws": () => {
    const stack = new K3osAwsStack(Testing.app(), "k3os-aws", { provider: offlineAwsProviderConfig(), token: ClusterToken.fromVariable() });
    return { stack, cluster: stack.cluster };
  },
  "kairos-aws": () => {
    const stack = new KairosAwsStack(Testing.app(), "kairos-aws", { provider: offlineAwsProviderConfig(), token: ClusterToken.fromVariable() });
    return { stack, cluster: stack.cluster };
  },
};

const libvirtExamples: Record<string, () => Built> = {
  "fcos-libvirt": () => {
    const stack = new FcosLibvirtStack(Testing.app(), "fcos-libvirt", { token: ClusterToken.fromVariable() });
    return { stack, cluster: stack.cluster };
  },
  "flatcar-libvirt": () => {
    const stack = new FlatcarLibvirtStack(Testing.app(), "flatcar-libvirt", { token: ClusterToken.fromVariable() });
    return { stack, cluster: stack.cluster };
  },
  "k3os-libvirt": () => {
    const stack = new K3osLibvirtStack(Testing.app(), "k3os-libvirt", { token: ClusterToken.fromVariable() });
    return { stack, cluster: stack.cluster };
  },
  "kairos-libvirt": () => {
    const stack = new KairosLibvirtStack(Testing.app(), "kairos-libvirt", { token: ClusterToken.fromVariable() });
    return { stack, cluster: stack.cluster };
  },
  "flatcar-containers": () => {
    const stack = new FlatcarContainersStack(Testing.app(), "flatcar-containers", {});
    return { stack, cluster: stack.cluster };
  },
};

const builds: Array<[string, () => Built, boolean]> = [
  ...Object.entries(awsExamples).map(([name, build]): [string, () => Built, boolean] => [name, build, false]),
  ...Object.entries(libvirtExamples).map(([name, build]): [string, () => Built, boolean] => [name, build, true]),
];

for (const [name, build, libvirt] of builds) {
  describe(`examples/${name}`, () => {
    const { stack, cluster } = build();
    const text = Testing.synth(stack, true);
    const json = JSON.parse(text) as object;

    it("synthesizes the same bytes twice", () => {
      expect(Testing.synth(build().stack, true)).toBe(text);
    });

    if (libvirt) {
      it("pins the libvirt provider 0.9.7 and passes its schema check", () => {
        expect((json as { terraform: { required_providers: Record<string, unknown> } }).terraform.required_providers.libvirt).toEqual({ source: "dmacvicar/libvirt", version: "= 0.9.7" });
        expect(checkLibvirtResources(json)).toEqual([]);
      });
    }

    it("renders node configs that pass every validator", (ctx) => {
      const hasIgnition = [...cluster.renderedConfigs.values()].some((c) => c.format.name === "ignition");
      if (hasIgnition) need(ctx, ignitionValidateTool());
      const lines = checkClusterConfigs(cluster);
      expect(lines.length).toBe(cluster.nodes.length);
      for (const line of lines) expect(line.problems, line.node).toEqual([]);
      configsChecked += lines.length;
    });
  });
}

describe("examples/flatcar-containers", () => {
  it("runs its services as enabled units on the host, without k3s", () => {
    const { cluster } = libvirtExamples["flatcar-containers"]();
    Testing.synth(cluster.node.scope as FlatcarContainersStack);
    const config = cluster.renderedConfigs.get("web-controller-0")!.content;
    expect(config).toContain('"name":"web.service","enabled":true');
    expect(config).toContain('"name":"cache.service","enabled":true');
    expect(config).not.toContain("k3s");
  });
});
