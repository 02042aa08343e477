/**
 * The shapes of {@link AwsNewVpcProps} and {@link AwsExistingVpcProps}, checked at
 * `AwsPlatform.newVpc` / `existingVpc` (lib/core/props.ts), and the subnet and capacity
 * arithmetic a type cannot express. Plain data, no cdktf.
 */
import { MicroOsError } from "../../core/errors";
import { contains, overlaps, parseIpv4Cidr } from "../../core/ipv4";
import { Architecture, type NodeSpec, NodeRole } from "../../core/node";
import { type ShapeOf, instance, list, num, object, oneOf, optional, record, required, type Shape, str } from "../../core/props";
import { cidr } from "../../core/ipv4";
import { ReplacementPolicy } from "../platform";
import { AwsImagePolicy } from "./image";
import { instanceTypeArchitecture } from "./instance-type";
import { LoadBalancerScheme } from "./load-balancer";
import { RootVolumeType } from "./machine";
import { NatGateways, type NodeSubnet } from "./network";
import type { AwsExistingVpcProps, AwsNewVpcProps, AwsPlatformOptions } from "./platform";

// EC2 CreateKeyPair / ImportKeyPair, KeyName: "Constraints: Up to 255 ASCII characters" (EC2 API
// reference); printable ASCII without leading or trailing space, which the console trims.
const KEY_NAME = /^[!-~]([ -~]{0,253}[!-~])?$/;
// KMS key identifiers EBS takes (KMS developer guide, "Key identifiers (KeyId)"): key id, multi-Region
// key id, alias name, key ARN or alias ARN.
const KMS_KEY = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}|alias\/[A-Za-z0-9/_-]{1,250}|arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key\/[0-9a-f-]{36}|key\/mrk-[0-9a-f]{32}|alias\/[A-Za-z0-9/_-]{1,250}))$/;
// Linux block device names EC2 accepts for the root device (EC2 user guide, "Device names on Linux instances").
const DEVICE = /^\/dev\/(xvd[a-z]{1,2}|sd[a-z]{1,2}|nvme[0-9]+n[0-9]+)$/;
// AWS tag keys up to 128 characters, values up to 256; `aws:` is reserved (AWS tagging guide, "Tag naming limits").
const TAG_KEY = str({ max: 128, fix: "give tag keys of 1 to 128 characters, not starting with aws:", test: (k) => (k.toLowerCase().startsWith("aws:") ? "starts with the reserved prefix aws:" : undefined) });
const TAG_VALUE = str({ nonEmpty: false, max: 256, fix: "give tag values of at most 256 characters" });

const instanceTypeFor = (arch: Architecture): Shape => (at, field, value) => {
  str({ fix: `give an EC2 instance type for ${arch}` })(at, field, value);
  const actual = instanceTypeArchitecture(value as string, at, field);
  if (actual !== arch) throw new MicroOsError(at, field, `instance type ${String(value)} is ${actual}, not ${arch}`, `give a ${arch} instance type, for example ${arch === Architecture.AMD64 ? "t3.medium" : "t4g.medium"}`);
};

let options: ShapeOf<AwsPlatformOptions> | undefined;
// Built on first use: the enums come from modules that import this one's importers.
function optionShapes(): ShapeOf<AwsPlatformOptions> {
  options ??= {
    keyName: optional(str({ pattern: KEY_NAME, what: "an EC2 key pair name", fix: "give the key pair's name: up to 255 printable ASCII characters, no leading or trailing space" })),
    loadBalancerScheme: optional(oneOf(LoadBalancerScheme, "LoadBalancerScheme")),
    userDataLimit: optional(num("give a byte count, at most 16384")),
    imagePolicy: optional(instance(AwsImagePolicy, "build it with AwsImagePolicy.trackNewestIgnoreChanges() or another AwsImagePolicy factory")),
    controllerReplacement: optional(oneOf(ReplacementPolicy, "ReplacementPolicy")),
    workerPlacement: optional(oneOf({ AUTOSCALING_GROUP: "autoscaling-group", INSTANCES: "instances" }, "WorkerPlacement")),
    defaultInstanceTypes: optional(object({ amd64: optional(instanceTypeFor(Architecture.AMD64)), arm64: optional(instanceTypeFor(Architecture.ARM64)) })),
    diskGib: optional(num("give the size in GiB, for example 30")),
    rootVolumeType: optional(oneOf(RootVolumeType, "RootVolumeType")),
    ebsKmsKeyId: optional(str({ pattern: KMS_KEY, what: "a KMS key id, alias or ARN", fix: 'give a key id ("1234abcd-12ab-34cd-56ef-1234567890ab"), "alias/<name>", or a key or alias ARN' })),
    rootDeviceName: optional(str({ pattern: DEVICE, what: "an absolute EC2 device path", fix: 'give an absolute device path such as "/dev/xvda" or "/dev/sda1"' })),
    tags: optional(record(TAG_KEY, TAG_VALUE)),
    providerDefaultTags: optional(record(TAG_KEY, TAG_VALUE)),
    secretsInUserData: optional(oneOf({ REFUSE: "refuse", ALLOW: "allow" }, "SecretsInUserData")),
  } satisfies ShapeOf<AwsPlatformOptions>;
  return options;
}

// Options that moved: the binding names where they belong (lib/platform/aws/platform.ts).
const MOVED: Record<string, Shape> = { apiCidrs: () => undefined, sshCidrs: () => undefined, rootVolumeGib: () => undefined, replaceControllersOnChange: () => undefined };

const zonesShape: Shape = (at, field, value) => {
  if (typeof value === "number") return num()(at, field, value);
  list(str({ fix: 'give zone names like "eu-central-1a"' }))(at, field, value);
};

/** Props of `AwsPlatform.newVpc`. */
export function newVpcShape(): Shape {
  return object({ ...MOVED, ...({ ...optionShapes(), cidr: required(cidr()), zones: required(zonesShape), natGateways: optional(oneOf(NatGateways, "NatGateways")) } satisfies ShapeOf<AwsNewVpcProps>) });
}

/** Props of `AwsPlatform.existingVpc`: the subnets inside the VPC, each once, none overlapping. */
export function existingVpcShape(): Shape {
  const subnet = object({ id: required(str({ fix: 'give the subnet id, "subnet-" and 8 or 17 hex digits' })), cidr: required(cidr()) });
  const base = object({
    ...MOVED,
    ...optionShapes(),
    vpcId: required(str({ fix: 'give the VPC id, "vpc-" and 8 or 17 hex digits' })),
    vpcCidr: required(cidr()),
    privateSubnets: required(list(subnet)),
    publicSubnetIds: optional(list(str({ fix: 'give subnet ids, "subnet-" and 8 or 17 hex digits' }), { unique: true })),
  } satisfies ShapeOf<AwsExistingVpcProps> & typeof MOVED);
  return (at, field, value) => {
    base(at, field, value);
    checkSubnets(at, value as { vpcCidr: string; privateSubnets: readonly NodeSubnet[] });
  };
}

function checkSubnets(at: string, props: { vpcCidr: string; privateSubnets: readonly NodeSubnet[] }): void {
  const vpc = parseIpv4Cidr(at, "vpcCidr", props.vpcCidr);
  const nets = props.privateSubnets.map((s, i) => parseIpv4Cidr(at, `privateSubnets[${i}].cidr`, s.cidr));
  nets.forEach((net, i) => {
    const field = `privateSubnets[${i}]`;
    if (!contains(vpc, net.network.toString()) || net.prefixLength < vpc.prefixLength) {
      throw new MicroOsError(at, `${field}.cidr`, `${net.cidr} is outside the VPC ${vpc.cidr}`, "give the CIDR of a subnet of this VPC");
    }
    // EC2 subnets are /16 to /28 (Amazon VPC user guide, "Subnet sizing for IPv4").
    if (net.prefixLength > 28 || net.prefixLength < 16) {
      throw new MicroOsError(at, `${field}.cidr`, `a /${net.prefixLength} is not an EC2 subnet size`, "give a subnet of /16 to /28");
    }
    const j = props.privateSubnets.findIndex((o, k) => k < i && o.id === props.privateSubnets[i].id);
    if (j >= 0) throw new MicroOsError(at, `${field}.id`, `subnet ${props.privateSubnets[i].id} is listed twice (also privateSubnets[${j}])`, "list each subnet once");
    const k = nets.findIndex((o, n) => n < i && overlaps(o, net));
    if (k >= 0) throw new MicroOsError(at, `${field}.cidr`, `${net.cidr} overlaps privateSubnets[${k}] (${nets[k].cidr})`, "give each subnet its own block: subnets of one VPC never overlap");
  });
}

// EC2 reserves the first four addresses and the last one of every subnet (Amazon VPC user guide, "Subnet CIDR blocks").
const RESERVED_PER_SUBNET = 5;

/**
 * Refuses more nodes than the private subnets can address: every node (instance or a machine of
 * an autoscaling group) takes one address, and a group spreads over all the subnets.
 */
export function checkCapacity(at: string, nodes: readonly NodeSpec[], subnets: readonly NodeSubnet[]): void {
  const capacity = subnets.reduce((sum, s) => sum + parseIpv4Cidr(at, "privateSubnets", s.cidr).size - RESERVED_PER_SUBNET, 0);
  if (nodes.length > capacity) {
    const controllers = nodes.filter((n) => n.role === NodeRole.CONTROLLER).length;
    throw new MicroOsError(
      at,
      "privateSubnets",
      `${nodes.length} nodes (${controllers} controllers, ${nodes.length - controllers} workers) need more addresses than the private subnets hold (${capacity}: EC2 reserves ${RESERVED_PER_SUBNET} in each)`,
      "give larger or more subnets (a larger VPC CIDR or more zones), or fewer nodes",
    );
  }
}
