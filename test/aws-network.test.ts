import { afterAll, describe, expect, test } from "vitest";
import { Architecture } from "../lib/core/node";
import { AwsPlatform, instanceTypeArchitecture, zoneSubnetCidrs } from "../lib/platform/aws";
import { parseIpv4Cidr } from "../lib/core/ipv4";
import { hostAddress } from "../lib/platform/aws/cidr";
import { awsName } from "../lib/platform/aws/names";
import { buildCluster, controllers, resourcesOf, workers } from "./fixtures/aws/cluster";
import { defaults, existing, opened, standard } from "./fixtures/aws/scenarios";
import { checkRecordedStacks, tallyLine } from "./fixtures/aws/terraform";

type Rule = { cidr_ipv4?: string; from_port?: number; to_port?: number; ip_protocol: string; description?: string; referenced_security_group_id?: string };

function ingress(json: ReturnType<typeof standard.build>["json"]): Rule[] {
  return Object.values(resourcesOf(json, "aws_vpc_security_group_ingress_rule")) as Rule[];
}

describe("subnet layout", () => {
  test("zone i gets block i as public and block 8+i as private subnet of a /16", () => {
    expect(zoneSubnetCidrs("10.0.0.0/16", 3, "t")).toEqual([
      { public: "10.0.0.0/20", private: "10.0.128.0/20" },
      { public: "10.0.16.0/20", private: "10.0.144.0/20" },
      { public: "10.0.32.0/20", private: "10.0.160.0/20" },
    ]);
  });

  test("adding a zone keeps the existing zones' subnets", () => {
    const two = zoneSubnetCidrs("10.9.0.0/20", 2, "t");
    const three = zoneSubnetCidrs("10.9.0.0/20", 3, "t");
    expect(three.slice(0, 2)).toEqual(two);
  });

  test("a /24 VPC gives /28 subnets, the smallest EC2 allows", () => {
    expect(zoneSubnetCidrs("192.168.5.0/24", 1, "t")[0]).toEqual({ public: "192.168.5.0/28", private: "192.168.5.128/28" });
  });

  test("a VPC CIDR smaller than /24 is refused", () => {
    expect(() => zoneSubnetCidrs("10.0.0.0/25", 1, "here")).toThrow("here: cidr: a /25 VPC cannot be cut into the 16 subnets of the layout (EC2 allows VPCs of /16 to /28, subnets down to /28). Fix: give a VPC CIDR between /16 and /24");
  });

  test("a VPC CIDR larger than /16 is refused", () => {
    expect(() => zoneSubnetCidrs("10.0.0.0/8", 1, "here")).toThrow(/a \/8 VPC cannot be cut/);
  });

  test("more than 8 zones are refused", () => {
    expect(() => zoneSubnetCidrs("10.0.0.0/16", 9, "here")).toThrow("here: zones: 9 zones. Fix: use 1 to 8 zones");
  });

  test("a CIDR with host bits names the network address to use", () => {
    expect(() => parseIpv4Cidr("here", "cidr", "10.0.0.1/16")).toThrow('here: cidr: "10.0.0.1/16" has host bits set. Fix: use the network address, "10.0.0.0/16"');
  });

  test("text that is not a CIDR is refused", () => {
    expect(() => parseIpv4Cidr("here", "cidr", "10.0.0.0")).toThrow('here: cidr: "10.0.0.0" is not an IPv4 CIDR block');
  });

  test("an IPv6 CIDR is refused", () => {
    expect(() => parseIpv4Cidr("here", "cidr", "fd00::/64")).toThrow('here: cidr: "fd00::/64" is IPv6');
  });

  test("a host address inside EC2's reserved addresses is refused", () => {
    expect(hostAddress("10.0.128.0/20", 10, "t", "ip")).toBe("10.0.128.10");
    expect(() => hostAddress("10.0.0.0/28", 15, "here", "privateIp")).toThrow("here: privateIp: subnet 10.0.0.0/28 has no usable address at offset 15");
  });
});

describe("instance type architecture", () => {
  test.each([
    ["t3.medium", Architecture.AMD64],
    ["m5.large", Architecture.AMD64],
    ["g4dn.xlarge", Architecture.AMD64],
    ["c7i-flex.large", Architecture.AMD64],
    ["u-6tb1.metal", Architecture.AMD64],
    ["t4g.medium", Architecture.ARM64],
    ["m6g.large", Architecture.ARM64],
    ["c7g.xlarge", Architecture.ARM64],
    ["m7gd.large", Architecture.ARM64],
    ["r8g.large", Architecture.ARM64],
    ["c6gn.large", Architecture.ARM64],
    ["im4gn.large", Architecture.ARM64],
    ["g5g.xlarge", Architecture.ARM64],
    ["a1.large", Architecture.ARM64],
  ])("%s is %s", (type, arch) => {
    expect(instanceTypeArchitecture(type, "t", "size")).toBe(arch);
  });

  test("a size without a family and size is refused", () => {
    expect(() => instanceTypeArchitecture("medium", "here", "size")).toThrow('here: size: "medium" is not an EC2 instance type. Fix: give "<family>.<size>", for example "t3.medium" or "t4g.medium"');
  });
});

describe("names", () => {
  test("a name that fits is kept", () => {
    expect(awsName(["demo", "api"], 32)).toBe("demo-api");
  });

  test("a long name is cut to the limit and ends in a hash", () => {
    const n = awsName(["a-very-long-cluster-name-indeed", "controllers"], 32);
    expect(n).toHaveLength(32);
    expect(n).toMatch(/^a-very-long-cluster-name-[0-9a-f]{8}$|-[0-9a-f]{8}$/);
    expect(n).not.toBe(awsName(["a-very-long-cluster-name-indeed", "controllerz"], 32));
  });
});

describe("security groups", () => {
  test("between nodes only the k3s ports are open", () => {
    const fromGroups = ingress(standard.build().json).filter((r) => r.referenced_security_group_id);
    const ports = new Set(fromGroups.map((r) => `${r.ip_protocol}/${r.from_port}-${r.to_port}`));
    expect([...ports].sort()).toEqual(["tcp/10250-10250", "tcp/2379-2380", "tcp/6443-6443", "udp/8472-8472"]);
  });

  test("etcd is open between controllers only", () => {
    const etcd = ingress(standard.build().json).filter((r) => r.from_port === 2379);
    expect(etcd.map((r) => r.description)).toEqual(["etcd from controllers"]);
  });

  test("the API is open only to the given apiCidrs", () => {
    const cidrRules = ingress(standard.build().json).filter((r) => r.cidr_ipv4);
    expect(cidrRules).toEqual([expect.objectContaining({ cidr_ipv4: "203.0.113.0/24", from_port: 6443, to_port: 6443 })]);
  });

  test("without apiCidrs the API is open to the VPC only, through an internal load balancer", () => {
    const { json } = defaults.build();
    const cidrRules = ingress(json).filter((r) => r.cidr_ipv4);
    expect(cidrRules).toEqual([expect.objectContaining({ cidr_ipv4: "10.1.0.0/20", from_port: 6443 })]);
    expect(Object.values(resourcesOf(json, "aws_lb"))[0]).toMatchObject({ internal: true, load_balancer_type: "network" });
  });

  test("SSH is closed unless sshCidrs are given", () => {
    expect(ingress(standard.build().json).filter((r) => r.from_port === 22)).toEqual([]);
    expect(ingress(defaults.build().json).filter((r) => r.from_port === 22)).toEqual([]);
  });

  test("no ingress rule opens 0.0.0.0/0 unless asked", () => {
    for (const s of [standard, defaults, existing]) {
      expect(ingress(s.build().json).filter((r) => r.cidr_ipv4 === "0.0.0.0/0")).toEqual([]);
    }
  });

  test("the API is open to the world only when apiCidrs asks for 0.0.0.0/0", () => {
    const world = ingress(opened.build().json).filter((r) => r.cidr_ipv4 === "0.0.0.0/0");
    expect(world).toEqual([expect.objectContaining({ from_port: 6443, to_port: 6443, ip_protocol: "tcp" })]);
  });

  test("given sshCidrs open port 22 on controllers and workers from them only", () => {
    const ssh = ingress(opened.build().json).filter((r) => r.from_port === 22);
    expect(ssh).toHaveLength(2);
    expect(ssh.every((r) => r.cidr_ipv4 === "198.51.100.7/32" && r.to_port === 22)).toBe(true);
  });

  test("a bad apiCidrs entry is refused with its index", () => {
    expect(() => buildCluster(AwsPlatform.newVpc({ cidr: "10.0.0.0/16", zones: ["eu-central-1a"] }), controllers(1), "demo", { apiCidrs: ["any"] })).toThrow(
      'test/aws-platform/security: apiCidrs[0]: "any" is not an IPv4 CIDR block',
    );
  });
});

describe("network", () => {
  test("a new VPC has a public and a private subnet per zone and one NAT gateway by default", () => {
    const { json } = standard.build();
    const subnets = Object.values(resourcesOf(json, "aws_subnet")).map((s) => s.cidr_block).sort();
    expect(subnets).toEqual(["10.0.0.0/20", "10.0.128.0/20", "10.0.144.0/20", "10.0.16.0/20", "10.0.160.0/20", "10.0.32.0/20"]);
    expect(Object.keys(resourcesOf(json, "aws_nat_gateway"))).toHaveLength(1);
    expect(Object.keys(resourcesOf(json, "aws_internet_gateway"))).toHaveLength(1);
  });

  test("NatGateways.PER_ZONE puts a NAT gateway in every zone", () => {
    expect(Object.keys(resourcesOf(opened.build().json, "aws_nat_gateway"))).toHaveLength(2);
  });

  test("an existing VPC creates no VPC or subnets and places nodes in the given subnets", () => {
    const { json } = existing.build();
    expect(resourcesOf(json, "aws_vpc")).toEqual({});
    expect(resourcesOf(json, "aws_subnet")).toEqual({});
    const subnetIds = Object.values(resourcesOf(json, "aws_instance")).map((i) => i.subnet_id);
    expect(subnetIds).toEqual(["subnet-0a1b2c3d4e5f60711", "subnet-0a1b2c3d4e5f60712", "subnet-0a1b2c3d4e5f60711"]);
  });

  test("an existing VPC with an internet-facing load balancer needs public subnets", () => {
    const platform = AwsPlatform.existingVpc({
      vpcId: "vpc-0a1b2c3d4e5f60718",
      vpcCidr: "172.31.0.0/16",
      privateSubnets: [{ id: "subnet-0a1b2c3d4e5f60711", cidr: "172.31.0.0/20" }],
    });
    expect(() => buildCluster(platform, controllers(1), "demo", { apiCidrs: ["203.0.113.0/24"] })).toThrow(
      "test/aws-platform: publicSubnetIds: an internet-facing load balancer needs public subnets. Fix: give publicSubnetIds, or loadBalancerScheme: LoadBalancerScheme.INTERNAL",
    );
  });

  test("a malformed VPC id is refused", () => {
    const platform = AwsPlatform.existingVpc({ vpcId: "my-vpc", vpcCidr: "172.31.0.0/16", privateSubnets: [{ id: "subnet-0a1b2c3d", cidr: "172.31.0.0/20" }] });
    expect(() => buildCluster(platform, controllers(1))).toThrow('test/aws-platform: vpcId: "my-vpc" is not a VPC id');
  });

  test("an existing VPC without private subnets is refused", () => {
    const platform = AwsPlatform.existingVpc({ vpcId: "vpc-0a1b2c3d", vpcCidr: "172.31.0.0/16", privateSubnets: [] });
    expect(() => buildCluster(platform, controllers(1))).toThrow("test/aws-platform: privateSubnets: no subnet given");
  });

  test("a malformed subnet id is refused with its index", () => {
    const platform = AwsPlatform.existingVpc({ vpcId: "vpc-0a1b2c3d", vpcCidr: "172.31.0.0/16", privateSubnets: [{ id: "private-a", cidr: "172.31.0.0/20" }] });
    expect(() => buildCluster(platform, controllers(1))).toThrow('test/aws-platform: privateSubnets[0].id: "private-a" is not a subnet id');
  });

  test("a zone name listed twice is refused", () => {
    const platform = AwsPlatform.newVpc({ cidr: "10.0.0.0/16", zones: ["eu-central-1a", "eu-central-1a"] });
    expect(() => buildCluster(platform, controllers(1))).toThrow('test/aws-platform/network: zones: zone "eu-central-1a" is listed twice');
  });

  test("a zone that is not a zone name is refused", () => {
    const platform = AwsPlatform.newVpc({ cidr: "10.0.0.0/16", zones: ["eu-central-1"] });
    expect(() => buildCluster(platform, controllers(1))).toThrow('test/aws-platform/network: zones: "eu-central-1" is not an availability zone name');
  });

  test("a cluster name too long for load balancer names is refused", () => {
    const platform = AwsPlatform.newVpc({ cidr: "10.0.0.0/16", zones: ["eu-central-1a"] });
    expect(() => buildCluster(platform, [...controllers(1), ...workers("w", 1)], "a-cluster-name-of-thirty-chars")).toThrow(
      'test/aws-platform: clusterName: "a-cluster-name-of-thirty-chars" is not a DNS label of at most 28 characters',
    );
  });
});

afterAll(() => {
  console.log(tallyLine(checkRecordedStacks()));
});
