/**
 * `AwsPlatform`: lays a cluster out on AWS. `bind()` builds the network, security groups, the API
 * load balancer and the image lookups; the binding's `addMachines()` builds controllers as
 * instances with fixed private addresses and worker pools as autoscaling groups.
 */
import { createHash } from "node:crypto";
import { Construct, lazyString, terraformLiteral } from "../../cdktf";
import { MicroOsError } from "../../core/errors";
import { instanceTypeOf } from "../../core/size";
import { type NodeSpec, NodeRole, isDnsLabel } from "../../core/node";
import { type BindOptions, type ConfigLocation, type IPlatform, type MachineInfo, type MachineRequest, type NodeConfigSource, type PlatformBinding, ReplacementPolicy, terraformAddress } from "../platform";
import { overlaps, parseIpv4Cidr } from "../../core/ipv4";
import { hostAddress } from "./cidr";
import { ConfigBucket, EC2_USER_DATA_LIMIT, checkUserDataSize, estimateUserDataBytes } from "./delivery";
import { NodeIdentity } from "./iam";
import { AwsImagePolicy, ClusterImages } from "./image";
import { instanceTypeArchitecture } from "./instance-type";
import { ApiLoadBalancer, LoadBalancerScheme } from "./load-balancer";
import { NodeInstance, RootVolumeType, WorkerPool } from "./machine";
import { ClusterVpc, type IClusterNetwork, NatGateways, type NodeSubnet, existingNetwork } from "./network";
import { AWS_BOOT_PROFILE, type AwsBootProfile } from "./profile";
import { ClusterSecurityGroups } from "./security";
import { checkCapacity, existingVpcShape, newVpcShape } from "./props-shape";
import { checkProps } from "../../core/props";

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
  readonly vpcId: string;
  readonly vpcCidr: string;
  /** Subnets for the nodes, with their CIDRs. */
  readonly privateSubnets: readonly NodeSubnet[];
  /** Needed for an internet-facing load balancer. @default [] */
  readonly publicSubnetIds?: readonly string[];
}

type NetworkChoice = { readonly kind: "new"; readonly props: AwsNewVpcProps } | { readonly kind: "existing"; readonly props: AwsExistingVpcProps };

// Controllers take host addresses from this offset on in their zone's private subnet.
const CONTROLLER_ADDRESS_OFFSET = 10;

/** The AWS platform. */
export class AwsPlatform implements IPlatform<AwsClusterBinding> {
  /** A new VPC with public and private subnets over `zones`. */
  public static newVpc(props: AwsNewVpcProps): AwsPlatform {
    checkProps("AwsPlatform.newVpc", "", props, newVpcShape());
    return new AwsPlatform({ kind: "new", props });
  }

  /** An existing VPC and subnets, by id. */
  public static existingVpc(props: AwsExistingVpcProps): AwsPlatform {
    checkProps("AwsPlatform.existingVpc", "", props, existingVpcShape());
    return new AwsPlatform({ kind: "existing", props });
  }

  public readonly name = "AWS";
  public readonly profileKey = AWS_BOOT_PROFILE;

  private constructor(private readonly network: NetworkChoice) {}

  public bind(scope: Construct, clusterName: string, nodes: readonly NodeSpec[], options: BindOptions = {}): AwsClusterBinding {
    return new AwsClusterBinding(scope, "aws-platform", { clusterName, nodes, network: this.network, access: options });
  }
}

/** Props for {@link AwsClusterBinding}. */
interface AwsClusterBindingProps {
  readonly clusterName: string;
  readonly nodes: readonly NodeSpec[];
  readonly network: NetworkChoice;
  /** The cluster's `access` (API and SSH CIDRs), given instead of the platform's own options. @default {} */
  readonly access?: BindOptions;
}

/**
 * A cluster's AWS resources (the construct `bind()` returns). Children: `network`, `security`,
 * `api`, `images`, `config` (the S3 bucket, only when a config needs it), `nodes/<name>` and
 * `pools/<pool>`.
 *
 * Controller addresses: the i-th controller in the node list lives in zone `i mod zones` and takes
 * host `10 + floor(i / zones)` of that zone's private subnet. Controllers are a short fixed list,
 * so keep their order: adding a controller at the end moves no one; worker pools never shift them.
 */
export class AwsClusterBinding extends Construct implements PlatformBinding<AwsMachine> {
  /** True with autoscaling groups: a pool's machines boot one config, so it names no node. */
  public readonly poolsShareConfig: boolean;
  public readonly apiEndpoint: string;
  public readonly apiTlsSans: readonly string[];
  public readonly network: IClusterNetwork;
  public readonly securityGroups: ClusterSecurityGroups;
  public readonly loadBalancer: ApiLoadBalancer;
  public readonly images: ClusterImages;

  private readonly clusterName: string;
  private readonly options: AwsPlatformOptions;
  private readonly nodesByName = new Map<string, NodeSpec>();
  private readonly controllerAddresses = new Map<string, { subnet: NodeSubnet; ip: string }>();
  private readonly tags: Record<string, string>;
  /** Every tag a machine should end with, the provider's default_tags included (launch templates, groups). */
  private readonly launchedTags: Record<string, string>;
  private bucket?: ConfigBucket;
  private machinesAdded = false;
  private readonly userDatas: string[] = [];
  private readonly machinesByName = new Map<string, AwsMachine>();

  constructor(scope: Construct, id: string, props: AwsClusterBindingProps) {
    super(scope, id);
    const at = this.node.path;
    this.clusterName = props.clusterName;
    // Who may reach the cluster is the cluster's `access`, in one place; a JavaScript caller (or an
    // older config) that gives it to the platform is told where it belongs.
    for (const field of ["apiCidrs", "sshCidrs", "rootVolumeGib", "replaceControllersOnChange"] as const) {
      if ((props.network.props as unknown as Record<string, unknown>)[field] !== undefined) {
        const where = field === "rootVolumeGib" ? "the platform's `diskGib`, or the pool's" : field === "replaceControllersOnChange" ? "`controllerReplacement: ReplacementPolicy.REPLACE`" : `the cluster's \`access.${field}\``;
        throw new MicroOsError(at, field, "the AWS platform takes no such option", `give it as ${where}`);
      }
    }
    this.options = props.network.props;
    const o = this.options;
    const access = props.access ?? {};
    if (!isDnsLabel(props.clusterName) || props.clusterName.length > 28) {
      throw new MicroOsError(at, "clusterName", `"${props.clusterName}" is not a DNS label of at most 28 characters`, "use lower-case letters, digits and '-' (AWS load balancer names hold 32 characters)");
    }
    for (const n of props.nodes) {
      if (!isDnsLabel(n.name)) throw new MicroOsError(at, `nodes[${n.name}].name`, "the node name is not a DNS label", "use lower-case letters, digits and '-', at most 63 characters");
      if (this.nodesByName.has(n.name)) throw new MicroOsError(at, `nodes[${n.name}]`, "the node name is used twice", "give every node its own name");
      this.nodesByName.set(n.name, n);
    }
    if (o.userDataLimit !== undefined && (!Number.isInteger(o.userDataLimit) || o.userDataLimit < 0 || o.userDataLimit > EC2_USER_DATA_LIMIT)) {
      throw new MicroOsError(at, "userDataLimit", `${o.userDataLimit} is outside 0..${EC2_USER_DATA_LIMIT}`, `give a byte count up to EC2's limit of ${EC2_USER_DATA_LIMIT}`);
    }
    if (o.diskGib !== undefined && (!Number.isInteger(o.diskGib) || o.diskGib < 1)) {
      throw new MicroOsError(at, "diskGib", `${o.diskGib} is not a positive whole number`, "give the size in GiB, for example 30");
    }
    const defaults = o.providerDefaultTags ?? {};
    this.launchedTags = { ...defaults, ...(o.tags ?? {}), [`kubernetes.io/cluster/${props.clusterName}`]: "owned" };
    this.tags = Object.fromEntries(Object.entries(this.launchedTags).filter(([k, v]) => defaults[k] !== v));
    this.poolsShareConfig = (o.workerPlacement ?? WorkerPlacement.AUTOSCALING_GROUP) === WorkerPlacement.AUTOSCALING_GROUP;

    if (props.network.kind === "new") {
      const p = props.network.props;
      this.network = new ClusterVpc(this, "network", { cidr: p.cidr, zones: p.zones, natGateways: p.natGateways, namePrefix: props.clusterName, tags: this.tags });
    } else {
      this.network = existingNetwork(at, props.network.props);
    }

    checkCapacity(at, props.nodes, this.network.privateSubnets);
    // Pods and services get the cluster's Kubernetes networks; nodes inside them could not be reached.
    const vpc = parseIpv4Cidr(at, "cidr", this.network.vpcCidr);
    for (const reserved of props.access?.reservedCidrs ?? []) {
      if (overlaps(vpc, parseIpv4Cidr(at, "reservedCidrs", reserved))) {
        throw new MicroOsError(at, "cidr", `the VPC ${vpc.cidr} overlaps the cluster's Kubernetes pod or service network ${reserved}`, "pick a VPC block outside it, for example 10.0.0.0/16");
      }
    }
    const apiCidrs = access.apiCidrs ?? [this.network.vpcCidr];
    this.securityGroups = new ClusterSecurityGroups(this, "security", {
      vpcId: this.network.vpcId,
      namePrefix: props.clusterName,
      apiCidrs,
      sshCidrs: access.sshCidrs,
      tags: this.tags,
    });

    const scheme = o.loadBalancerScheme ?? (access.apiCidrs ? LoadBalancerScheme.INTERNET_FACING : LoadBalancerScheme.INTERNAL);
    if (scheme === LoadBalancerScheme.INTERNET_FACING && this.network.publicSubnetIds.length === 0) {
      throw new MicroOsError(at, "publicSubnetIds", "an internet-facing load balancer needs public subnets", "give publicSubnetIds, or loadBalancerScheme: LoadBalancerScheme.INTERNAL");
    }
    this.loadBalancer = new ApiLoadBalancer(this, "api", {
      clusterName: props.clusterName,
      scheme,
      vpcId: this.network.vpcId,
      subnetIds: scheme === LoadBalancerScheme.INTERNET_FACING ? this.network.publicSubnetIds : this.network.privateSubnets.map((s) => s.id),
      securityGroupId: this.securityGroups.loadBalancer.id,
      tags: this.tags,
    });
    this.apiEndpoint = this.loadBalancer.dnsName;
    this.apiTlsSans = [this.loadBalancer.dnsName];
    this.images = new ClusterImages(this, "images", {
      policy: o.imagePolicy ?? AwsImagePolicy.trackNewestIgnoreChanges(),
      rootDeviceName: o.rootDeviceName,
    });

    const subnets = this.network.privateSubnets;
    props.nodes
      .filter((n) => n.role === NodeRole.CONTROLLER)
      .forEach((n, i) => {
        const subnet = subnets[i % subnets.length];
        const offset = CONTROLLER_ADDRESS_OFFSET + Math.floor(i / subnets.length);
        this.controllerAddresses.set(n.name, { subnet, ip: hostAddress(subnet.cidr, offset, `${at}/nodes/${n.name}`, "privateIp") });
      });
  }

  /**
   * Bytes of the largest user data (a stub counts as itself); an upper estimate when it holds
   * apply-time values (see {@link estimateUserDataBytes}). Renders the configs: read it at synth
   * or after the last escape hatch.
   */
  public get largestUserDataBytes(): number {
    return Math.max(0, ...this.userDatas.map((u) => estimateUserDataBytes(u)));
  }

  /** The machine built for a node (a worker of an autoscaling group: its pool's group). */
  public machine(nodeName: string): AwsMachine {
    const m = this.machinesByName.get(nodeName);
    if (!m) throw new MicroOsError(this.node.path, `machine(${nodeName})`, "no machine of that name", `use one of ${[...this.machinesByName.keys()].join(", ")}`);
    return m;
  }

  /** The S3 bucket for large configs, once one was needed. */
  public get configBucket(): ConfigBucket | undefined {
    return this.bucket;
  }

  /**
   * A controller's fixed private address. Workers have none (autoscaling groups and DHCP pick
   * their addresses at launch): for a worker this returns the text
   * `(<name>: address assigned at launch)`, which is no address; never put it in a config.
   * An unknown name is an error.
   */
  public addressOf(nodeName: string): string {
    const c = this.controllerAddresses.get(nodeName);
    if (c) return c.ip;
    if (this.nodesByName.has(nodeName)) return workerAddressPlaceholder(nodeName);
    throw new MicroOsError(this.node.path, `addressOf(${nodeName})`, "no such node was given to bind()", "bind every node name before asking for its address");
  }

  /** True when `nodeName` has a fixed address (controllers). */
  public hasFixedAddress(nodeName: string): boolean {
    return this.controllerAddresses.has(nodeName);
  }

  public addMachines(requests: readonly MachineRequest[]): readonly AwsMachine[] {
    const at = this.node.path;
    if (this.machinesAdded) throw new MicroOsError(at, "addMachines", "called twice", "pass every machine in one call");
    this.machinesAdded = true;
    const seen = new Set<string>();
    for (const r of requests) {
      const nat = `${at}/nodes/${r.spec.name}`;
      if (!this.nodesByName.has(r.spec.name)) throw new MicroOsError(nat, "spec.name", "the node was not given to bind()", "bind the same node list you add machines for");
      if (seen.has(r.spec.name)) throw new MicroOsError(nat, "spec.name", "two requests for one node", "request each node once");
      seen.add(r.spec.name);
      this.checkRequest(r, nat);
    }

    const infos: AwsMachine[] = [];
    const nodesScope = new Construct(this, "nodes");
    const workers = requests.filter((r) => r.spec.role === NodeRole.WORKER);
    for (const r of requests.filter((r) => r.spec.role === NodeRole.CONTROLLER)) {
      infos.push(this.addInstance(nodesScope, r, true));
    }
    if ((this.options.workerPlacement ?? WorkerPlacement.AUTOSCALING_GROUP) === WorkerPlacement.INSTANCES) {
      for (const r of workers) infos.push(this.addInstance(nodesScope, r, false));
    } else {
      const pools = new Map<string, MachineRequest[]>();
      for (const r of workers) pools.set(r.spec.pool, [...(pools.get(r.spec.pool) ?? []), r]);
      const poolsScope = pools.size ? new Construct(this, "pools") : undefined;
      for (const [pool, members] of pools) infos.push(...this.addPool(poolsScope!, pool, members));
    }
    for (const m of infos) this.machinesByName.set(m.name, m);
    return infos;
  }

  private checkRequest(r: MachineRequest, at: string): void {
    const profile = r.profile as AwsBootProfile;
    const image = profile.image;
    if (image.architecture !== r.spec.architecture) {
      throw new MicroOsError(at, "image.architecture", `the image is ${image.architecture} but the node is ${r.spec.architecture}`, "pick the image for the node's architecture");
    }
    const size = this.instanceType(r);
    const typeArch = instanceTypeArchitecture(size, at, "size");
    if (typeArch !== image.architecture) {
      throw new MicroOsError(at, "size", `instance type ${size} is ${typeArch} but the image is ${image.architecture}`, typeArch === "arm64" ? "use an x86 instance type (for example t3.medium) or an arm64 image" : "use a Graviton instance type (for example t4g.medium) or an amd64 image");
    }
    if (r.diskGib !== undefined && (!Number.isInteger(r.diskGib) || r.diskGib < 1)) {
      throw new MicroOsError(at, "diskGib", `${r.diskGib} is not a positive whole number`, "give the size in GiB");
    }
    const disk = this.rootVolume(r).sizeGib;
    if (disk < profile.minimums.diskGib) {
      throw new MicroOsError(at, "diskGib", `${disk} GiB is less than the ${profile.minimums.diskGib} GiB the OS needs`, `give at least ${profile.minimums.diskGib} GiB`);
    }
    if (!profile.fetch && r.config.holdsSecret && (this.options.secretsInUserData ?? SecretsInUserData.REFUSE) !== SecretsInUserData.ALLOW) {
      throw new MicroOsError(
        at,
        "secretsInUserData",
        `the ${r.config.format.description} holds the cluster's secrets (the k3s token${r.spec.role === NodeRole.CONTROLLER ? " and the CA keys" : ""}) and this OS reads it only from EC2 user data, which anyone allowed ec2:DescribeInstanceAttribute can read`,
        "use an OS that fetches its config from the cluster's private S3 object (an Ignition OS), or pass secretsInUserData: SecretsInUserData.ALLOW to the AWS platform to accept it",
      );
    }
    if (!profile.fetch) checkUserDataSize(r.config.preview(), this.options.userDataLimit ?? EC2_USER_DATA_LIMIT, at);
    if (r.spot && r.spec.role === NodeRole.CONTROLLER) {
      throw new MicroOsError(at, "spot", "controllers hold etcd and must not be reclaimed by EC2", "run controllers on on-demand capacity; use spot for worker pools");
    }
  }

  /** The request's instance type, or the default for its architecture when it gives none. */
  private instanceType(r: MachineRequest): string {
    if (r.size) return instanceTypeOf(r.size, `${this.node.path}/nodes/${r.spec.name}`, "size");
    const defaults = { amd64: "t3.medium", arm64: "t4g.medium", ...(this.options.defaultInstanceTypes ?? {}) };
    return defaults[r.spec.architecture];
  }

  private rootVolume(r: MachineRequest) {
    return {
      sizeGib: r.diskGib ?? this.options.diskGib ?? 30,
      type: this.options.rootVolumeType ?? RootVolumeType.GP3,
      kmsKeyId: this.options.ebsKmsKeyId,
    };
  }

  /**
   * User data for a config. An OS that can fetch its config gets a stub naming the config's private
   * S3 object under `key`, which `identity` may read; any other gets the whole config, checked
   * against the user data limit when it is rendered.
   */
  private userData(config: NodeConfigSource, profile: AwsBootProfile, key: string, identity: NodeIdentity, at: string): string {
    let userData: string;
    if (profile.fetch) {
      this.bucket ??= new ConfigBucket(this, "config", { clusterName: this.clusterName, tags: this.tags });
      const objectKey = `${key}${profile.fetch.keySuffix}`;
      const stored = this.bucket.addConfig(objectKey.replace(/[^a-z0-9-]/g, "-"), objectKey, config, profile.fetch);
      identity.allowReadObject(stored.objectArn);
      userData = stored.stub;
    } else {
      const limit = this.options.userDataLimit ?? EC2_USER_DATA_LIMIT;
      userData = lazyString(() => {
        const rendered = config.render();
        checkUserDataSize(rendered, limit, at);
        return terraformLiteral(rendered.content);
      });
    }
    this.userDatas.push(userData);
    return userData;
  }

  private addInstance(scope: Construct, r: MachineRequest, controller: boolean): AwsMachine {
    const name = r.spec.name;
    const holder = new Construct(scope, name);
    const at = holder.node.path;
    const profile = r.profile as AwsBootProfile;
    const image = this.images.resolve(profile.image, at, profile.rootDeviceName);
    // Node names already start with the cluster id (`prod-controller-0`): no second prefix.
    const identity = new NodeIdentity(holder, "identity", { nameParts: [name], tags: this.tags });
    const userData = this.userData(r.config, profile, `nodes/${name}`, identity, at);
    const fixed = controller ? this.controllerAddresses.get(name) : undefined;
    const subnets = this.network.privateSubnets;
    // Workers placed as instances spread over zones by a hash of their name, so adding or removing
    // any node of the pool moves no other node to another zone.
    const subnet = fixed?.subnet ?? subnets[createHash("sha256").update(name).digest().readUInt32BE(0) % subnets.length];
    const ignore: string[] = [];
    if (controller && (this.options.controllerReplacement ?? ReplacementPolicy.KEEP) === ReplacementPolicy.KEEP) ignore.push("ami", "user_data");
    else if (this.ignoresImageChanges()) ignore.push("ami");
    const machine = new NodeInstance(holder, "machine", {
      name,
      amiId: image.amiId,
      instanceType: this.instanceType(r),
      subnetId: subnet.id,
      privateIp: fixed?.ip,
      securityGroupIds: [controller ? this.securityGroups.controllers.id : this.securityGroups.workers.id],
      instanceProfileName: identity.instanceProfile.name,
      keyName: this.options.keyName,
      userData,
      rootVolume: this.rootVolume(r),
      ignoreChanges: ignore,
      tags: { ...this.tags, "microos/node": name, "microos/role": r.spec.role },
    });
    if (controller) this.loadBalancer.attach(`target-${name}`, machine.instance.id);
    const address = fixed?.ip ?? machine.instance.privateIp;
    const configLocation: ConfigLocation = { resource: terraformAddress(machine.instance), attribute: "user_data", encoding: "text" };
    return { name, address, sshCommand: `ssh ${profile.adminUser}@${address}`, configLocation, identity, instance: machine };
  }

  private ignoresImageChanges(): boolean {
    return (this.options.imagePolicy ?? AwsImagePolicy.trackNewestIgnoreChanges()).ignoresImageChanges;
  }

  private addPool(scope: Construct, pool: string, members: readonly MachineRequest[]): AwsMachine[] {
    const first = members[0];
    const at = `${scope.node.path}/${pool}`;
    for (const m of members.slice(1)) {
      const field = `${m.spec.name}`;
      if (m.config !== first.config) {
        throw new MicroOsError(
          at,
          `${field}.config`,
          `nodes of pool "${pool}" have different configs, but a pool's machines all boot one launch template`,
          "render one config per pool (no node name or address in it; EC2 names the host), or use workerPlacement: WorkerPlacement.INSTANCES",
        );
      }
      if (String(m.size) !== String(first.size) || m.spot !== first.spot || m.diskGib !== first.diskGib || JSON.stringify(m.profile) !== JSON.stringify(first.profile)) {
        throw new MicroOsError(at, `${field}`, `nodes of pool "${pool}" differ in size, spot, disk or image`, "give every node of a pool the same machine settings");
      }
    }
    const holder = new Construct(scope, pool);
    const profile = first.profile as AwsBootProfile;
    const image = this.images.resolve(profile.image, at, profile.rootDeviceName);
    const identity = new NodeIdentity(holder, "identity", { nameParts: [this.clusterName, "pool", pool], tags: this.tags });
    const userData = this.userData(first.config, profile, `pools/${pool}`, identity, at);
    const group = new WorkerPool(holder, "machines", {
      clusterName: this.clusterName,
      poolName: pool,
      amiId: image.amiId,
      rootDeviceName: image.rootDeviceName,
      instanceType: this.instanceType(first),
      subnetIds: this.network.privateSubnets.map((s) => s.id),
      securityGroupIds: [this.securityGroups.workers.id],
      instanceProfileArn: identity.instanceProfile.arn,
      keyName: this.options.keyName,
      userData,
      rootVolume: this.rootVolume(first),
      size: members.length,
      spot: first.spot,
      ignoreImageChanges: this.ignoresImageChanges(),
      tags: { ...this.tags, "microos/pool": pool, "microos/role": NodeRole.WORKER },
      launchedTags: { ...this.launchedTags, "microos/pool": pool, "microos/role": NodeRole.WORKER },
    });
    const configLocation: ConfigLocation = { resource: terraformAddress(group.launchTemplate), attribute: "user_data", encoding: "base64" };
    return members.map((m) => ({
      name: m.spec.name,
      // No fixed address: the group launches machines with DHCP addresses under its own names.
      address: `(a machine of autoscaling group ${this.clusterName}-${pool})`,
      sshCommand: `aws ec2 describe-instances --filters Name=tag:aws:autoscaling:groupName,Values=${group.group.name} # then ssh ${profile.adminUser}@<private ip>`,
      configLocation,
      identity,
      pool: group,
    }));
  }
}

/** What {@link AwsClusterBinding.addressOf} says for a worker. */
export function workerAddressPlaceholder(nodeName: string): string {
  return `(${nodeName}: address assigned at launch)`;
}

/** A machine the AWS platform built for a node. */
export interface AwsMachine extends MachineInfo {
  /** The node's IAM role and instance profile (shared by the nodes of an autoscaled pool): grant it what the node may use. */
  readonly identity: NodeIdentity;
  /** The instance (controllers, and workers placed as instances). @default - none for autoscaled workers */
  readonly instance?: NodeInstance;
  /** The launch template and autoscaling group of the node's pool. @default - none for instances */
  readonly pool?: WorkerPool;
}
