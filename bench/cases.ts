/**
 * The benchmark's cases. Each builds one stack in the given App; `bench/case.ts` runs one of them
 * in a fresh Node process and reports its time, memory and output size.
 *
 * Imports are lazy (inside each builder) so a case loads only the modules it uses: the baseline
 * pays for the `@cdktf/provider-aws` barrel, the library cases never load it.
 */
import type { App } from "cdktf";
import type { IPlatform } from "../lib/platform/platform";

export interface BuiltCase {
  /** Machines the case describes (for bytes per node). */
  readonly nodes: number;
  /** What the case built, when it is not evident from its name. */
  readonly note?: string;
}

export type CaseBuilder = (app: App) => Promise<BuiltCase>;

const SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINxxTXAsO5o3pBfyYS4NBMV3PninW6f7qwsyun4YP8GB admin@example";
const K3S_VERSION = "v1.36.4+k3s1";
const ZONES = ["eu-central-1a", "eu-central-1b", "eu-central-1c"];

/** 3 controllers, and `nodes - 3` workers split over pools of at most `poolSize`. */
function pools(nodes: number, size: string, poolSize: number) {
  const workers = nodes - 3;
  const count = Math.ceil(workers / poolSize);
  return Array.from({ length: count }, (_, i) => ({
    name: `pool-${i}`,
    count: Math.floor(workers / count) + (i < workers % count ? 1 : 0),
    size,
  }));
}

/** A Flatcar cluster of `nodes` nodes. */
function clusterCase(platform: "aws" | "libvirt", nodes: number): CaseBuilder {
  return async (app) => {
    const { TerraformStack } = await import("cdktf");
    const { Cluster, ClusterToken } = await import("../lib/cluster");
    const { K3sFlatcarInstall } = await import("../lib/os/flatcar/k3s");
    const { Flatcar, FlatcarChannel } = await import("../lib/os/flatcar");
    const stack = new TerraformStack(app, `cluster-${platform}-${nodes}`);
    let p: IPlatform;
    if (platform === "aws") {
      const { AwsProvider } = await import("@cdktf/provider-aws/lib/provider");
      const { AwsPlatform } = await import("../lib/platform/aws");
      new AwsProvider(stack, "aws", { region: "eu-central-1" });
      p = AwsPlatform.newVpc({ cidr: "10.0.0.0/16", zones: ZONES });
    } else {
      const { LibvirtPlatform } = await import("../lib/platform/libvirt");
      p = LibvirtPlatform.local({ cidr: "10.20.0.0/16" });
    }
    const size = platform === "aws" ? "t3.medium" : "2x4096";
    new Cluster(stack, "demo", {
      os: Flatcar.channel(FlatcarChannel.STABLE, { k3sInstall: K3sFlatcarInstall.sysext({ version: K3S_VERSION, sha256: { amd64: "ab".repeat(32) } }) }),
      platform: p,
      controllers: { count: 3, size },
      // 97 workers in 3 pools at 100 nodes; 997 in 4 pools at 1000.
      pools: nodes > 3 ? pools(nodes, size, 250) : [],
      kubernetes: { k3sVersion: K3S_VERSION, token: ClusterToken.fromVariable() },
      sshKeys: [SSH_KEY],
    });
    return { nodes };
  };
}

/**
 * Plain cdktf, the way its docs start: the provider barrel, and by hand the raw resources the
 * 3-node AWS cluster describes (VPC, subnets, security groups, 3 instances with user data, an NLB).
 */
const baseline: CaseBuilder = async (app) => {
  const { TerraformStack, TerraformOutput, TerraformVariable } = await import("cdktf");
  const aws = await import("@cdktf/provider-aws");
  const stack = new TerraformStack(app, "baseline");
  new aws.provider.AwsProvider(stack, "aws", { region: "eu-central-1" });
  const vpc = new aws.vpc.Vpc(stack, "vpc", { cidrBlock: "10.0.0.0/16", enableDnsHostnames: true, enableDnsSupport: true });
  const igw = new aws.internetGateway.InternetGateway(stack, "igw", { vpcId: vpc.id });
  const publicRt = new aws.routeTable.RouteTable(stack, "public", { vpcId: vpc.id, route: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }] });
  const ami = new aws.dataAwsAmi.DataAwsAmi(stack, "flatcar", {
    owners: ["075585003325"],
    mostRecent: true,
    filter: [
      { name: "name", values: ["Flatcar-stable-*"] },
      { name: "architecture", values: ["x86_64"] },
    ],
  });
  const publicSubnets: string[] = [];
  const privateSubnets: string[] = [];
  ZONES.forEach((zone, i) => {
    const pub = new aws.subnet.Subnet(stack, `public-${i}`, { vpcId: vpc.id, cidrBlock: `10.0.${i}.0/24`, availabilityZone: zone, mapPublicIpOnLaunch: true });
    new aws.routeTableAssociation.RouteTableAssociation(stack, `public-${i}-rt`, { subnetId: pub.id, routeTableId: publicRt.id });
    const priv = new aws.subnet.Subnet(stack, `private-${i}`, { vpcId: vpc.id, cidrBlock: `10.0.${16 + i}.0/24`, availabilityZone: zone });
    publicSubnets.push(pub.id);
    privateSubnets.push(priv.id);
  });
  const eip = new aws.eip.Eip(stack, "nat-ip", { domain: "vpc" });
  const nat = new aws.natGateway.NatGateway(stack, "nat", { allocationId: eip.id, subnetId: publicSubnets[0] });
  const privateRt = new aws.routeTable.RouteTable(stack, "private", { vpcId: vpc.id, route: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }] });
  privateSubnets.forEach((id, i) => new aws.routeTableAssociation.RouteTableAssociation(stack, `private-${i}-rt`, { subnetId: id, routeTableId: privateRt.id }));
  const nodesSg = new aws.securityGroup.SecurityGroup(stack, "nodes", {
    vpcId: vpc.id,
    ingress: [
      { protocol: "tcp", fromPort: 6443, toPort: 6443, cidrBlocks: ["10.0.0.0/16"] },
      { protocol: "tcp", fromPort: 10250, toPort: 10250, cidrBlocks: ["10.0.0.0/16"] },
      { protocol: "tcp", fromPort: 2379, toPort: 2380, cidrBlocks: ["10.0.0.0/16"] },
      { protocol: "udp", fromPort: 8472, toPort: 8472, cidrBlocks: ["10.0.0.0/16"] },
    ],
    egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
  });
  const lb = new aws.lb.Lb(stack, "api", { loadBalancerType: "network", internal: true, subnets: privateSubnets });
  const tg = new aws.lbTargetGroup.LbTargetGroup(stack, "api-tg", { port: 6443, protocol: "TCP", vpcId: vpc.id, targetType: "instance" });
  new aws.lbListener.LbListener(stack, "api-listener", { loadBalancerArn: lb.arn, port: 6443, protocol: "TCP", defaultAction: [{ type: "forward", targetGroupArn: tg.arn }] });
  const token = new TerraformVariable(stack, "k3s_token", { type: "string", sensitive: true });
  for (let i = 0; i < 3; i++) {
    const ignition = {
      ignition: { version: "3.4.0" },
      passwd: { users: [{ name: "core", sshAuthorizedKeys: [SSH_KEY] }] },
      storage: {
        files: [
          { path: "/etc/hostname", mode: 420, contents: { source: `data:,demo-controller-${i}` } },
          { path: "/etc/rancher/k3s/config.yaml", mode: 384, contents: { source: `data:,token: ${token.stringValue}\nnode-ip: 10.0.${16 + i}.10\n` } },
        ],
      },
      systemd: { units: [{ name: "k3s.service", enabled: true, contents: "[Service]\nExecStart=/opt/bin/k3s server\n" }] },
    };
    const userData = JSON.stringify(ignition);
    const instance = new aws.instance.Instance(stack, `controller-${i}`, {
      ami: ami.id,
      instanceType: "t3.medium",
      subnetId: privateSubnets[i],
      privateIp: `10.0.${16 + i}.10`,
      vpcSecurityGroupIds: [nodesSg.id],
      userData,
      rootBlockDevice: { volumeSize: 30, volumeType: "gp3", encrypted: true },
      tags: { Name: `demo-controller-${i}` },
    });
    new aws.lbTargetGroupAttachment.LbTargetGroupAttachment(stack, `api-tg-${i}`, { targetGroupArn: tg.arn, targetId: instance.id, port: 6443 });
  }
  new TerraformOutput(stack, "api_endpoint", { value: lb.dnsName });
  return { nodes: 3 };
};

/** The example `npm run synth` builds by default (flatcar-aws once the catalog has it), without its summary. */
export async function defaultExampleName(): Promise<string> {
  const { EXAMPLES } = await import("../examples/catalog");
  return "flatcar-aws" in EXAMPLES ? "flatcar-aws" : Object.keys(EXAMPLES)[0];
}

const example: CaseBuilder = async (app) => {
  const { EXAMPLES } = await import("../examples/catalog");
  const name = await defaultExampleName();
  const cluster = (EXAMPLES as Record<string, (app: App, id: string) => { readonly nodes: readonly unknown[] }>)[name](app, name);
  return { nodes: cluster.nodes.length, note: name };
};

export const CASES: Readonly<Record<string, CaseBuilder>> = {
  baseline,
  example,
  "aws-3": clusterCase("aws", 3),
  "aws-100": clusterCase("aws", 100),
  "aws-1000": clusterCase("aws", 1000),
  "libvirt-3": clusterCase("libvirt", 3),
  "libvirt-100": clusterCase("libvirt", 100),
  "libvirt-1000": clusterCase("libvirt", 1000),
};
