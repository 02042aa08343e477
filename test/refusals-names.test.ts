/**
 * Terraform names the cluster chooses that the user's own stack already uses (or uses later):
 * cdktf merges every element into one cdk.tf.json keyed by name, so a second variable or output of
 * the same name would silently replace the first. Refused when the cluster is built (against what
 * the stack holds then) and at synth (against what was added since), naming both (issue 22).
 */
import { describe, expect, it } from "vitest";
import { TerraformOutput, TerraformStack, TerraformVariable, Testing } from "../lib/cdktf";
import { Cluster, type ClusterProps, ClusterToken } from "../lib/cluster";
import { Flatcar, FlatcarChannel } from "../lib/os/flatcar";
import { K3sFlatcarInstall } from "../lib/os/flatcar/k3s";
import { LibvirtPlatform } from "../lib/platform/libvirt";
import { type Refusal, refusals } from "./refusals-helpers";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINxxTXAsO5o3pBfyYS4NBMV3PninW6f7qwsyun4YP8GB admin@example";
const props = (token: ClusterToken, cidr = "10.17.3.0/24"): ClusterProps => ({
  os: Flatcar.channel(FlatcarChannel.STABLE, { k3sInstall: K3sFlatcarInstall.sysext({ version: "v1.36.4+k3s1", sha256: { amd64: "ab".repeat(32) } }) }),
  platform: LibvirtPlatform.local({ cidr }),
  kubernetes: { token, certificates: undefined },
  sshKeys: [KEY],
});
const stack = () => new TerraformStack(Testing.app(), "test");

const cases: Refusal[] = [
  {
    name: "a token variable named like the user's variable made before the cluster",
    run: () => {
      const s = stack();
      new TerraformVariable(s, "k3s_token", { type: "string", description: "the user's own" });
      new Cluster(s, "demo", props(ClusterToken.fromVariable({ name: "k3s_token" })));
    },
    message: 'test/demo: kubernetes.token: the Terraform variable "k3s_token" is also declared by test/k3s_token, and cdk.tf.json keeps one variable per name, so one would silently replace the other. Fix: give ClusterToken.fromVariable({ name }) a name other than "k3s_token", or rename your own variable',
  },
  {
    name: "a token variable named like a user's variable made after the cluster, at synth",
    run: () => {
      const s = stack();
      new Cluster(s, "demo", props(ClusterToken.fromVariable({ name: "k3s_token" })));
      new TerraformVariable(s, "k3s_token", { type: "string" });
      Testing.synth(s);
    },
    message: 'test/demo: kubernetes.token: the Terraform variable "k3s_token" is also declared by test/k3s_token',
  },
  {
    name: "a token variable named like a variable the user renamed to it",
    run: () => {
      const s = stack();
      new Cluster(s, "demo", props(ClusterToken.fromVariable({ name: "cluster_secret" })));
      new TerraformVariable(s, "secret", { type: "string" }).overrideLogicalId("cluster_secret");
      Testing.synth(s);
    },
    message: 'test/demo: kubernetes.token: the Terraform variable "cluster_secret" is also declared by test/secret',
  },
  {
    name: "the user's own output named like the cluster's api_endpoint, at synth",
    run: () => {
      const s = stack();
      new Cluster(s, "demo", props(ClusterToken.fromVariable()));
      new TerraformOutput(s, "api_endpoint", { value: "https://example.test:6443" });
      Testing.synth(s);
    },
    message: 'test/demo: outputs.api_endpoint: the Terraform output "api_endpoint" is also declared by test/api_endpoint, and cdk.tf.json keeps one output per name',
  },
  {
    name: "the user's own output named like the cluster's nodes, made before the cluster",
    run: () => {
      const s = stack();
      new TerraformOutput(s, "nodes", { value: "mine" });
      new Cluster(s, "demo", props(ClusterToken.fromVariable()));
      Testing.synth(s);
    },
    message: 'test/demo: outputs.nodes: the Terraform output "nodes" is also declared by test/nodes',
  },
];

describe("Terraform names the user already uses", () => {
  refusals(cases);

  it("accepts names no one else uses, and two clusters whose outputs get their ids in front", () => {
    const s = stack();
    new TerraformVariable(s, "k3s_token", { type: "string" });
    new TerraformOutput(s, "my_api", { value: "x" });
    new Cluster(s, "one", props(ClusterToken.fromVariable({ name: "one_token" })));
    new Cluster(s, "two", props(ClusterToken.fromVariable({ name: "two_token" }), "10.17.4.0/24"));
    const out = JSON.parse(Testing.synth(s));
    expect(Object.keys(out.variable).sort()).toEqual(["k3s_token", "one_token", "two_token"]);
    expect(Object.keys(out.output)).toEqual(expect.arrayContaining(["my_api", "one_api_endpoint", "two_api_endpoint"]));
  });
});
