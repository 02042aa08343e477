/**
 * The props of `AwsPlatform.newVpc` / `existingVpc` ({@link AwsNewVpcProps}, {@link AwsExistingVpcProps})
 * and their shapes at run time, in one file; the shapes are checked at the factories
 * (lib/core/props.ts), with the subnet arithmetic a type cannot express. Plain data, no cdktf.
 */
import { MicroOsError } from "../../core/errors";
import { contains, overlaps, parseIpv4Cidr } from "../../core/ipv4";
import { Architecture } from "../../core/node";
import { type ShapeOf, instance, list, num, object, oneOf, optional, record, required, type Shape, str } from "../../core/props";
import { cidr } from "../../core/ipv4";
import { ReplacementPolicy } from "../platform";
import { AwsImagePolicy } from "./image";
import { instanceTypeArchitecture } from "./instance-type";
import { LoadBalancerScheme } from "./load-balancer";
import { RootVolumeType } from "./machine";
import { NatGateways, type NodeSubnet } from "./network";

/** Where workers run. */
export enum WorkerPlacement {
  /** One launch template and autoscaling group per pool; every node of a pool boots the same config. */
  AUTOSCALING_GROUP = "autoscaling-group",
  /** One instance per worker node, each with its own config (and address picked by DHCP). */
  INSTANCES = "instances",
}

/**
 * Whether a config that holds the cluster's secrets (the k3s token, a controller's CA keys) may
 * travel whole in EC2 user data, which anyone allowed `ec2:DescribeInstanceAttribute` can read.
 * Only an OS that cannot fetch its config from S3 (k3OS, Kairos) puts its config there; an
 * Ignition OS always gets a stub that fetches the private S3 object.
 */
export enum SecretsInUserData {
  /** Refuse such a node at the call: the default. */
  REFUSE = "refuse",
  /** Accept it, knowing who can read user data in the account (the k3OS and Kairos examples do). */
  ALLOW = "allow",
}

/** Settings shared by {@link AwsPlatform.newVpc} and {@link AwsPlatform.existingVpc}. */
export interface AwsPlatformOptions {
  /** EC2 key pair name for the nodes. @default - none (keys come from the OS config) */
  readonly keyName?: string;
  /** @default - INTERNET_FACING when the cluster's `access.apiCidrs` is given, else INTERNAL */
  readonly loadBalancerScheme?: LoadBalancerScheme;
  /**
   * Largest config (bytes) sent whole as user data, for an OS that cannot fetch its config from
   * S3 (k3OS): a larger one is refused. Apply-time values count {@link DEFERRED_VALUE_BUDGET}
   * bytes each. At most 16384. Configs of an OS that can fetch (Flatcar's Ignition) always go to
   * the cluster's private S3 object behind a small stub, since they hold the cluster's secrets and
   * escape hatches may grow them until synth.
   * @default 16384
   */
  readonly userDataLimit?: number;
  /** @default AwsImagePolicy.trackNewestIgnoreChanges() */
  readonly imagePolicy?: AwsImagePolicy;
  /**
   * What a changed AMI or user data does to a controller. Controllers hold etcd, so by default
   * Terraform ignores both after creation (as typhoon does) and the OS updates in place;
   * `ReplacementPolicy.REPLACE` lets a change replace the instance.
   * @default ReplacementPolicy.KEEP
   */
  readonly controllerReplacement?: ReplacementPolicy;
  /** @default WorkerPlacement.AUTOSCALING_GROUP */
  readonly workerPlacement?: WorkerPlacement;
  /**
   * Instance types for requests that give no size (an empty `size`).
   * @default { amd64: "t3.medium", arm64: "t4g.medium" } (2 vCPU, 4 GiB: above a k3s server's needs)
   */
  readonly defaultInstanceTypes?: { readonly amd64?: string; readonly arm64?: string };
  /** Root disk size in GiB when a node gives none. @default 30 */
  readonly diskGib?: number;
  /** @default RootVolumeType.GP3 */
  readonly rootVolumeType?: RootVolumeType;
  /** KMS key for EBS encryption (volumes are always encrypted). @default - the account's default EBS key */
  readonly ebsKmsKeyId?: string;
  /** Root device of images given by AMI id. @default "/dev/xvda" */
  readonly rootDeviceName?: string;
  /**
   * Whether an OS that reads only user data (k3OS, Kairos) may carry the cluster's secrets there.
   * @default SecretsInUserData.REFUSE
   */
  readonly secretsInUserData?: SecretsInUserData;
  /** Tags on every resource. @default {} */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * The tags the stack's AWS provider sets in `default_tags`, so the platform does not repeat
   * them: a resource tag with the same key and value is left out (the provider adds it; before
   * hashicorp/aws 5.0 an identical pair was an error, hashicorp/terraform-provider-aws#19204),
   * while the autoscaling groups' tags and the launch templates' `tag_specifications`, which
   * default_tags do not reach (HashiCorp blog, "Default tags in the Terraform AWS provider"),
   * carry them so autoscaled instances and their volumes get them too. A key given in `tags`
   * with another value keeps that value (resource tags win over default_tags).
   * @default {}
   */
  readonly providerDefaultTags?: Readonly<Record<string, string>>;
}

/** Props for {@link AwsPlatform.newVpc}. */
export interface AwsNewVpcProps extends AwsPlatformOptions {
  /** VPC CIDR, /16 to /24. */
  readonly cidr: string;
  /** Zone names, or a count (then looked up at plan time through the AWS API). */
  readonly zones: number | readonly string[];
  /** @default NatGateways.SINGLE */
  readonly natGateways?: NatGateways;
}

/** Props for {@link AwsPlatform.existingVpc}. */
export interface AwsExistingVpcProps extends AwsPlatformOptions {
  /** The VPC's id (`vpc-...`). */
  readonly vpcId: string;
  /** The VPC's IPv4 CIDR: the private subnets must lie in it, and it is the default of the cluster's `access.apiCidrs`. */
  readonly vpcCidr: string;
  /** Subnets for the nodes, with their CIDRs. */
  readonly privateSubnets: readonly NodeSubnet[];
  /** Needed for an internet-facing load balancer. @default [] */
  readonly publicSubnetIds?: readonly string[];
}


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

const OPTIONS = {
    keyName: optional(str({ pattern: KEY_NAME, what: "an EC2 key pair name", fix: "give the key pair's name: up to 255 printable ASCII characters, no leading or trailing space" })),
    loadBalancerScheme: optional(oneOf(LoadBalancerScheme, "LoadBalancerScheme")),
    userDataLimit: optional(num("give a byte count, at most 16384")),
    imagePolicy: optional(instance(AwsImagePolicy, "build it with AwsImagePolicy.trackNewestIgnoreChanges() or another AwsImagePolicy factory")),
    controllerReplacement: optional(oneOf(ReplacementPolicy, "ReplacementPolicy")),
    workerPlacement: optional(oneOf(WorkerPlacement, "WorkerPlacement")),
    defaultInstanceTypes: optional(object({ amd64: optional(instanceTypeFor(Architecture.AMD64)), arm64: optional(instanceTypeFor(Architecture.ARM64)) })),
    diskGib: optional(num("give the size in GiB, for example 30")),
    rootVolumeType: optional(oneOf(RootVolumeType, "RootVolumeType")),
    ebsKmsKeyId: optional(str({ pattern: KMS_KEY, what: "a KMS key id, alias or ARN", fix: 'give a key id ("1234abcd-12ab-34cd-56ef-1234567890ab"), "alias/<name>", or a key or alias ARN' })),
    rootDeviceName: optional(str({ pattern: DEVICE, what: "an absolute EC2 device path", fix: 'give an absolute device path such as "/dev/xvda" or "/dev/sda1"' })),
    tags: optional(record(TAG_KEY, TAG_VALUE)),
    providerDefaultTags: optional(record(TAG_KEY, TAG_VALUE)),
    secretsInUserData: optional(oneOf(SecretsInUserData, "SecretsInUserData")),
} satisfies ShapeOf<AwsPlatformOptions>;

// Options that moved: the binding names where they belong (lib/platform/aws/platform.ts).
const MOVED: Record<string, Shape> = { apiCidrs: () => undefined, sshCidrs: () => undefined, rootVolumeGib: () => undefined, replaceControllersOnChange: () => undefined };

const zonesShape: Shape = (at, field, value) => {
  if (typeof value === "number") return num()(at, field, value);
  list(str({ fix: 'give zone names like "eu-central-1a"' }))(at, field, value);
};

/** Props of `AwsPlatform.newVpc`. */
export function newVpcShape(): Shape {
  return object({ ...MOVED, ...({ ...OPTIONS, cidr: required(cidr()), zones: required(zonesShape), natGateways: optional(oneOf(NatGateways, "NatGateways")) } satisfies ShapeOf<AwsNewVpcProps>) });
}

/** Props of `AwsPlatform.existingVpc`: the subnets inside the VPC, each once, none overlapping. */
export function existingVpcShape(): Shape {
  const subnet = object({ id: required(str({ fix: 'give the subnet id, "subnet-" and 8 or 17 hex digits' })), cidr: required(cidr()) });
  const base = object({
    ...MOVED,
    ...OPTIONS,
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
