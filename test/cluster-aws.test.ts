/**
 * The Cluster on AWS: pools share one launch template, access CIDRs reach the security groups,
 * scaling touches only the group, and the mistakes only AWS can make.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { describe, expect, it } from "vitest";
import { IGNITION_FORMAT } from "../lib/ignition";
import { TerraformStack, Testing } from "../lib/cdktf";
import { Cluster, type ClusterProps, ClusterToken } from "../lib/cluster";
import { K3sFlatcarInstall } from "../lib/os/flatcar/k3s";
import { Flatcar, FlatcarChannel } from "../lib/os/flatcar";
import { AwsImagePolicy, AwsPlatform, type AwsNewVpcProps, WorkerPlacement } from "../lib/platform/aws";
import { offlineAwsProviderConfig } from "../lib/testing/terraform";

type Resources = Record<string, Record<string, Record<string, unknown>>>;

function props(overrides: Partial<ClusterProps> = {}, platform: Partial<AwsNewVpcProps> = {}): ClusterProps {
  return {
    os: Flatcar.channel(FlatcarChannel.STABLE, { k3sInstall: K3sFlatcarInstall.sysext({ version: "v1.36.4+k3s1", sha256: { amd64: "ab".repeat(32) } }) }),
    platform: AwsPlatform.newVpc({ cidr: "10.0.0.0/16", zones: ["eu-central-1a", "eu-central-1b"], imagePolicy: AwsImagePolicy.pin({ amd64: "ami-0123456789abcdef0" }), ...platform }),
    controllers: { count: 1, size: "t3.medium" },
    pools: [{ name: "general", count: 3, size: "t3.large" }],
    kubernetes: { k3sVersion: "v1.36.4+k3s1", token: ClusterToken.fromVariable() },
    ...overrides,
  };
}

function synth(p: ClusterProps, edit?: (c: Cluster) => void) {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", offlineAwsProviderConfig());
  const cluster = new Cluster(stack, "demo", p);
  edit?.(cluster);
  const text = Testing.synth(stack, true);
  return { cluster, text, resource: (JSON.parse(text) as { resource: Resources }).resource };
}

const ingress = (r: Resources) => Object.values(r.aws_vpc_security_group_ingress_rule) as Array<{ from_port: number; cidr_ipv4?: string }>;

describe("Cluster on AWS", () => {
  it("boots every node of a pool from one launch template and one rendered config", () => {
    const { cluster, resource } = synth(props());
    expect(Object.keys(resource.aws_launch_template)).toHaveLength(1);
    const configs = ["demo-general-0", "demo-general-1", "demo-general-2"].map((n) => cluster.renderedConfigs.get(n));
    expect(configs[1]).toBe(configs[0]);
    expect(configs[2]).toBe(configs[0]);
    // EC2 names the host: no host name or k3s node name in a shared config.
    expect(configs[0]!.content).not.toContain("/etc/hostname");
    expect(configs[0]!.content).not.toContain("node-name");
  });

  it("opens the API to the cluster's access CIDRs and nothing else outside the VPC", () => {
    const { resource } = synth(props({ access: { apiCidrs: ["203.0.113.0/24"] } }));
    const api = ingress(resource).filter((r) => r.from_port === 6443 && r.cidr_ipv4 !== undefined && !r.cidr_ipv4.startsWith("10.0."));
    expect(api.map((r) => r.cidr_ipv4)).toEqual(["203.0.113.0/24"]);
    expect(ingress(resource).some((r) => r.cidr_ipv4 === "0.0.0.0/0")).toBe(false);
    expect(Object.values(resource.aws_lb)[0].internal).toBe(false);
  });

  it("keeps SSH closed and the API internal without access", () => {
    const { resource } = synth(props());
    expect(ingress(resource).some((r) => r.from_port === 22)).toBe(false);
    expect(Object.values(resource.aws_lb)[0].internal).toBe(true);
  });

  it("opens SSH to the access CIDRs when given", () => {
    const { resource } = synth(props({ access: { sshCidrs: ["198.51.100.7/32"] } }));
    expect(ingress(resource).filter((r) => r.from_port === 22).map((r) => r.cidr_ipv4)).toContain("198.51.100.7/32");
  });

  it("changes only the autoscaling group when a pool grows from 3 to 5", () => {
    const before = synth(props()).resource;
    const after = synth(props({ pools: [{ name: "general", count: 5, size: "t3.large" }] })).resource;
    const changed: string[] = [];
    for (const [type, byName] of Object.entries(after)) {
      for (const [name, body] of Object.entries(byName)) {
        expect(before[type]?.[name], `${type}.${name} is new`).toBeDefined();
        if (JSON.stringify(before[type][name]) !== JSON.stringify(body)) changed.push(type);
      }
    }
    expect(changed).toEqual(["aws_autoscaling_group"]);
  });

  it("refuses access CIDRs, disk sizes and replacement flags under the platform's old names, naming where they belong", () => {
    const old = (o: Record<string, unknown>) => () => synth(props({}, o as never));
    expect(old({ apiCidrs: ["198.51.100.0/24"] })).toThrow("test/demo/aws-platform: apiCidrs: the AWS platform takes no such option. Fix: give it as the cluster's `access.apiCidrs`");
    expect(old({ sshCidrs: ["198.51.100.0/24"] })).toThrow("sshCidrs: the AWS platform takes no such option. Fix: give it as the cluster's `access.sshCidrs`");
    expect(old({ rootVolumeGib: 50 })).toThrow("rootVolumeGib: the AWS platform takes no such option. Fix: give it as the platform's `diskGib`, or the pool's");
    expect(old({ replaceControllersOnChange: true })).toThrow("replaceControllersOnChange: the AWS platform takes no such option. Fix: give it as `controllerReplacement: ReplacementPolicy.REPLACE`");
  });

  it("refuses a node's own escape hatch in a pool that shares one config", () => {
    expect(() => synth(props(), (c) => c.pool("general").nodeConfig("demo-general-1", IGNITION_FORMAT).addFile("/etc/x", "x"))).toThrow(
      "test/demo: pool(general).nodeConfig(demo-general-1): the platform boots every node of this pool from one config, so a node cannot have its own. Fix: put the content in the pool's config, or place workers one machine each (AWS: workerPlacement: WorkerPlacement.INSTANCES)",
    );
  });

  it("refuses an instance type whose architecture is not the pool's", () => {
    expect(() => synth(props({ pools: [{ name: "general", count: 1, size: "t4g.large" }] }))).toThrow(/arm64|architecture/);
  });
});

describe("Cluster on AWS refuses", () => {
  it("a VPC over k3s's pod or service network", () => {
    expect(() => synth(props({}, { cidr: "10.42.0.0/16" }))).toThrow(/cidr: the VPC 10\.42\.0\.0\/16 overlaps the cluster's Kubernetes pod or service network 10\.42\.0\.0\/16.*Fix: pick a VPC block outside/);
  });
  it("a libvirt size as an instance type", () => {
    expect(() => synth(props({ controllers: { count: 1, size: "2x4096" } }))).toThrow(/2x4096/);
  });
});

describe("Cluster on AWS with workers as instances", () => {
  it("removes only the named node's resources and keeps every other worker in its zone", () => {
    const placed = (names: string[]) =>
      synth(props({ pools: [{ name: "edge", nodeNames: names, size: "t3.large" }] }, { workerPlacement: WorkerPlacement.INSTANCES })).resource;
    const before = placed(["a", "b", "c", "d"]);
    const after = placed(["a", "c", "d"]);
    for (const [type, byName] of Object.entries(after)) {
      for (const [name, body] of Object.entries(byName)) {
        if (/edge-(a|c|d)/.test(name)) expect(JSON.stringify(body), `${type}.${name}`).toBe(JSON.stringify(before[type][name]));
      }
    }
    const removed = Object.entries(before).flatMap(([type, byName]) => Object.keys(byName).filter((n) => !after[type]?.[n]).map((n) => `${type}.${n}`));
    expect(removed.length).toBeGreaterThan(0);
    expect(removed.every((r) => r.includes("edge-b"))).toBe(true);
  });
});
