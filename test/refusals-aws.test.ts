/**
 * Checks against reality on AWS (issue 18): instance type names against the EC2 API model's
 * catalogue (gen/aws/instance-types.ts, written by scripts/gen-instance-types.ts), and the subnet
 * capacity arithmetic for instances and autoscaling groups. Each bad input asserts its message.
 */
import { describe, expect, it } from "vitest";
import { INSTANCE_TYPE_FAMILIES, INSTANCE_TYPES_DIGEST, INSTANCE_TYPES_SOURCE } from "../gen/aws/instance-types";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Architecture } from "../lib/core/node";
import { AwsPlatform, WorkerPlacement, instanceTypeArchitecture } from "../lib/platform/aws";
import { DEFAULT_VERSION, enumText, parseInstanceTypeEnum, renderInstanceTypes } from "../scripts/gen-instance-types";
import { bindOnly, buildCluster, controllers, workers } from "./fixtures/aws/cluster";
import { type Refusal, refusals } from "./refusals-helpers";

const names = Object.entries(INSTANCE_TYPE_FAMILIES).flatMap(([f, sizes]) => sizes.split(" ").map((s) => `${f}.${s}`));

describe("the instance type catalogue", () => {
  it("is what the generator writes from its own names (sorted, complete, from the recorded source)", () => {
    const file = readFileSync(join(__dirname, "..", "gen", "aws", "instance-types.ts"), "utf8");
    expect(renderInstanceTypes([...names].sort(), DEFAULT_VERSION, INSTANCE_TYPES_DIGEST)).toBe(file);
    expect(INSTANCE_TYPES_SOURCE).toBe(`@aws-sdk/client-ec2@${DEFAULT_VERSION}`);
    expect(names.length).toBeGreaterThan(1000);
  });

  it("parses the SDK's enum text and ignores the other enums around it", () => {
    const text = 'export const _Other = {\n    x: "not.a-type",\n};\nexport const _InstanceType = {\n' + names.map((n) => `    ${n.replace(/[.-]/g, "_")}: "${n}",`).join("\n") + '\n};\nexport const _After = {\n    y: "z.large",\n};\n';
    expect(parseInstanceTypeEnum(text)).toEqual([...names].sort());
    expect(enumText(text).startsWith("export const _InstanceType = {")).toBe(true);
    expect(enumText(text).endsWith("\n};")).toBe(true);
  });

  it("holds the types the library and its examples use, with their architectures", () => {
    for (const [t, arch] of [["t3.medium", Architecture.AMD64], ["t4g.medium", Architecture.ARM64], ["m7i-flex.large", Architecture.AMD64], ["u-6tb1.metal", Architecture.AMD64], ["a1.large", Architecture.ARM64], ["c7gn.xlarge", Architecture.ARM64]] as const) {
      expect(names).toContain(t);
      expect(instanceTypeArchitecture(t, "t", "size")).toBe(arch);
    }
  });
});

const T = (type: string) => () => instanceTypeArchitecture(type, "here", "size");
const typeCases: Refusal[] = [
  { name: "a misspelt size (t3.meduim)", run: T("t3.meduim"), message: 'here: size: "t3.meduim" is not an EC2 instance type (family t3 has no size meduim). Fix: use a size of t3 that EC2 offers: 2xlarge, large, medium, micro, nano, small, xlarge' },
  { name: "a family that does not exist (t5.large)", run: T("t5.large"), message: 'here: size: "t5.large" is not an EC2 instance type (no family t5)' },
  { name: "a size the family lacks (t3.metal)", run: T("t3.metal"), message: 'here: size: "t3.metal" is not an EC2 instance type (family t3 has no size metal)' },
  { name: "a Graviton size the family lacks (t4g.24xlarge)", run: T("t4g.24xlarge"), message: 'here: size: "t4g.24xlarge" is not an EC2 instance type (family t4g has no size 24xlarge)' },
  { name: "an instance type in capitals (T3.MEDIUM)", run: T("T3.MEDIUM"), message: 'here: size: "T3.MEDIUM" is not an EC2 instance type. Fix: give "<family>.<size>"' },
  { name: "an instance type with a trailing dot", run: T("t3."), message: 'here: size: "t3." is not an EC2 instance type' },
  { name: "a family alone (m5)", run: T("m5"), message: 'here: size: "m5" is not an EC2 instance type' },
  { name: "a misspelt flex family (m7i_flex.large)", run: T("m7i_flex.large"), message: 'here: size: "m7i_flex.large" is not an EC2 instance type' },
  { name: "a made-up high-memory family (u-99tb1.metal)", run: T("u-99tb1.metal"), message: 'here: size: "u-99tb1.metal" is not an EC2 instance type (no family u-99tb1)' },
  { name: "a libvirt size on AWS (2x4096)", run: T("2x4096"), message: 'here: size: "2x4096" is not an EC2 instance type' },
  { name: "a misspelt instance type through a request", run: () => buildCluster(AwsPlatform.newVpc({ cidr: "10.0.0.0/16", zones: 1 }), controllers(1, { size: "m5.larg" })), message: 'test/aws-platform/nodes/controller-0: size: "m5.larg" is not an EC2 instance type (family m5 has no size larg)' },
];

// A /24 VPC cuts into /28 subnets: 16 addresses, 11 usable after EC2's 5 (cidr.ts).
const SMALL = (placement?: WorkerPlacement) => AwsPlatform.newVpc({ cidr: "10.0.0.0/24", zones: ["eu-central-1a"], workerPlacement: placement });
const subnet28 = () => AwsPlatform.existingVpc({ vpcId: "vpc-0123456789abcdef0", vpcCidr: "10.1.0.0/16", privateSubnets: [{ id: "subnet-0123456789abcdef0", cidr: "10.1.0.0/28" }, { id: "subnet-0123456789abcdef1", cidr: "10.1.0.16/28" }] });
const capacityCases: Refusal[] = [
  { name: "an autoscaling group larger than its subnet", run: () => bindOnly(SMALL(), [...controllers(1), ...workers("big", 11)]), message: "test/aws-platform: privateSubnets: 12 nodes (1 controllers, 11 workers) need more addresses than the private subnets hold (11: EC2 reserves 5 in each)" },
  { name: "more worker instances than the subnet addresses", run: () => bindOnly(SMALL(WorkerPlacement.INSTANCES), [...controllers(1), ...workers("a", 6), ...workers("b", 6)]), message: "test/aws-platform: privateSubnets: 13 nodes (1 controllers, 12 workers) need more addresses than the private subnets hold (11" },
  { name: "more nodes than two existing /28 subnets address", run: () => bindOnly(subnet28(), [...controllers(3), ...workers("w", 20)]), message: "test/aws-platform: privateSubnets: 23 nodes (3 controllers, 20 workers) need more addresses than the private subnets hold (22: EC2 reserves 5 in each)" },
];

describe("instance types against the catalogue", () => refusals(typeCases));
describe("subnet capacity", () => {
  refusals(capacityCases);
  it("accepts as many nodes as the subnets address", () => {
    expect(() => bindOnly(SMALL(), [...controllers(1), ...workers("fit", 10)])).not.toThrow();
  });
});

export const AWS_REFUSALS = typeCases.length + capacityCases.length;
