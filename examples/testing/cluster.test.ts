/**
 * Unit tests for a cluster with the cdktf-microos testing kit: copy this file next to your stack.
 * It imports `cdktf-microos` and `cdktf-microos/testing` as your project does (in this repository
 * tsconfig.json "paths" and vitest.config.mts map them to the sources).
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { AwsPlatform, Cluster, ClusterCertificates, ClusterToken, Flatcar, FlatcarChannel, IGNITION_FORMAT, K3sFlatcarInstall } from "cdktf-microos";
import { installMatchers, synthStack } from "cdktf-microos/testing";

installMatchers(expect);

const MY_CA = "-----BEGIN CERTIFICATE-----\nMIIB...my company's root...\n-----END CERTIFICATE-----\n";

/** The stack under test: Flatcar on AWS, three controllers and a pool of workers. */
function myStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "prod");
  new AwsProvider(stack, "aws", { region: "eu-central-1" });
  const cluster = new Cluster(stack, "demo", {
    os: Flatcar.channel(FlatcarChannel.STABLE, {
      // sha256 of k3s-v1.36.4+k3s1-x86-64.raw from flatcar/sysext-bakery's release (a stand-in here).
      k3sInstall: K3sFlatcarInstall.sysext({ version: "v1.36.4+k3s1", sha256: { amd64: "0".repeat(64) } }),
    }),
    // Workers of a pool run in one autoscaling group: the kit shows the pool as one node named
    // after it ("general"). With workerPlacement: WorkerPlacement.INSTANCES each worker is a node.
    platform: AwsPlatform.newVpc({ cidr: "10.0.0.0/16", zones: ["eu-central-1a", "eu-central-1b", "eu-central-1c"] }),
    controllers: { count: 3, size: "t3.medium" },
    pools: [{ name: "general", count: 2, size: "t3.large" }],
    // Neither needs an optional peer (the packaging test installs none): the defaults,
    // ClusterToken.random() and ClusterCertificates.terraform(), need provider-random and provider-tls.
    kubernetes: { k3sVersion: "v1.36.4+k3s1", token: ClusterToken.fromVariable(), certificates: ClusterCertificates.k3sGenerated() },
    sshKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG5vZGVzLWZpcnN0Ym9vdC10ZXN0LWtleS0xMjM0NTY3 admin@example"],
    access: { apiCidrs: ["203.0.113.0/24"] },
  });
  for (const pool of ["controllers", "general"]) {
    cluster.pool(pool).config(IGNITION_FORMAT).addFile("/etc/ssl/certs/my-ca.pem", MY_CA, { mode: 0o644 });
  }
  return stack;
}

const synth = synthStack(myStack());
const workers = synth.nodes().filter((n) => !n.name.includes("-controller-"));

describe("my cluster", () => {
  it("has worker nodes that run k3s as agents", () => {
    expect(workers.length).toBeGreaterThan(0);
    expect(workers).toHaveUnit("k3s-agent.service", { enabled: true });
    expect(workers).toHaveFile("/etc/rancher/k3s/config.yaml", { contents: expect.stringContaining("server: ") });
    expect(workers).not.toHaveUnit("k3s.service");
  });

  it("puts my CA file on every node", () => {
    expect(synth.nodes()).toHaveFile("/etc/ssl/certs/my-ca.pem", { contents: MY_CA, mode: 0o644 });
  });

  it("opens no security group to SSH from the world", () => {
    expect(synth).not.toHaveResourceWithProperties(VpcSecurityGroupIngressRule, { fromPort: 22, cidrIpv4: "0.0.0.0/0" });
    expect(synth).not.toHaveResourceWithProperties(VpcSecurityGroupIngressRule, { fromPort: 22, cidrIpv6: "::/0" });
  });

  it("keeps the k3s token out of the program: every node reads it at apply time", () => {
    expect(synth.nodes()).toHaveFile("/etc/rancher/k3s/config.yaml", { contents: expect.stringMatching(/token: \|-\n {2}<apply-time: var\.\S+>/) });
  });

  it("renders configs that pass the validators", () => {
    expect(synth).toPassValidators();
  });
});
