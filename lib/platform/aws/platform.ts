/**
 * `AwsPlatform`: lays a cluster out on AWS. `bind()` builds the network (./layout.ts), security
 * groups, the API load balancer and the image lookups; the binding's `addMachines()` builds
 * controllers as instances with fixed private addresses and worker pools as autoscaling groups
 * (./machines.ts). The props and their runtime shapes are in ./props.ts.
 */
import { Construct } from "../../cdktf";
import { MicroOsError } from "../../core/errors";
import { type NodeSpec, isDnsLabel } from "../../core/node";
import { checkProps } from "../../core/props";
import type { BindOptions, IPlatform, MachineRequest, PlatformBinding } from "../platform";
import { type ConfigBucket, EC2_USER_DATA_LIMIT } from "./delivery";
import { AwsImagePolicy, ClusterImages } from "./image";
import { type ControllerAddress, type NetworkChoice, checkCapacity, checkReservedCidrs, clusterNetwork, controllerAddresses } from "./layout";
import { ApiLoadBalancer, LoadBalancerScheme } from "./load-balancer";
import { type AwsMachine, AwsMachineBuilder } from "./machines";
import type { IClusterNetwork } from "./network";
import { AWS_BOOT_PROFILE } from "./profile";
import { type AwsExistingVpcProps, type AwsNewVpcProps, existingVpcShape, newVpcShape, WorkerPlacement } from "./props";
import { ClusterSecurityGroups } from "./security";

export { SecretsInUserData, WorkerPlacement } from "./props";
export type { AwsExistingVpcProps, AwsNewVpcProps, AwsPlatformOptions } from "./props";
export type { AwsMachine } from "./machines";

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
  /** The cluster's network: the new VPC, or the existing one given to the platform. */
  public readonly network: IClusterNetwork;
  /** The security groups of the controllers, the workers and the API load balancer. */
  public readonly securityGroups: ClusterSecurityGroups;
  /** The load balancer in front of the controllers' k3s API; its DNS name is `apiEndpoint`. */
  public readonly loadBalancer: ApiLoadBalancer;
  /** Resolves the nodes' images to AMI ids under the platform's image policy. */
  public readonly images: ClusterImages;

  private readonly nodesByName = new Map<string, NodeSpec>();
  private readonly controllerAddresses: ReadonlyMap<string, ControllerAddress>;
  private readonly machines: AwsMachineBuilder;
  private machinesAdded = false;
  private readonly machinesByName = new Map<string, AwsMachine>();

  constructor(scope: Construct, id: string, props: AwsClusterBindingProps) {
    super(scope, id);
    const at = this.node.path;
    // Who may reach the cluster is the cluster's `access`, in one place; a JavaScript caller (or an
    // older config) that gives it to the platform is told where it belongs.
    for (const field of ["apiCidrs", "sshCidrs", "rootVolumeGib", "replaceControllersOnChange"] as const) {
      if ((props.network.props as unknown as Record<string, unknown>)[field] !== undefined) {
        const where = field === "rootVolumeGib" ? "the platform's `diskGib`, or the pool's" : field === "replaceControllersOnChange" ? "`controllerReplacement: ReplacementPolicy.REPLACE`" : `the cluster's \`access.${field}\``;
        throw new MicroOsError(at, field, "the AWS platform takes no such option", `give it as ${where}`);
      }
    }
    const o = props.network.props;
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
    const launchedTags = { ...defaults, ...(o.tags ?? {}), [`kubernetes.io/cluster/${props.clusterName}`]: "owned" };
    const tags = Object.fromEntries(Object.entries(launchedTags).filter(([k, v]) => defaults[k] !== v));
    this.poolsShareConfig = (o.workerPlacement ?? WorkerPlacement.AUTOSCALING_GROUP) === WorkerPlacement.AUTOSCALING_GROUP;

    this.network = clusterNetwork(this, props.network, props.clusterName, tags);
    checkCapacity(at, props.nodes, this.network.privateSubnets);
    // Pods and services get the cluster's Kubernetes networks; nodes inside them could not be reached.
    checkReservedCidrs(at, this.network.vpcCidr, props.access?.reservedCidrs ?? []);
    const apiCidrs = access.apiCidrs ?? [this.network.vpcCidr];
    this.securityGroups = new ClusterSecurityGroups(this, "security", {
      vpcId: this.network.vpcId,
      namePrefix: props.clusterName,
      apiCidrs,
      sshCidrs: access.sshCidrs,
      tags,
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
      tags,
    });
    this.apiEndpoint = this.loadBalancer.dnsName;
    this.apiTlsSans = [this.loadBalancer.dnsName];
    this.images = new ClusterImages(this, "images", {
      policy: o.imagePolicy ?? AwsImagePolicy.trackNewestIgnoreChanges(),
      rootDeviceName: o.rootDeviceName,
    });

    this.controllerAddresses = controllerAddresses(at, props.nodes, this.network.privateSubnets);
    this.machines = new AwsMachineBuilder(this, {
      clusterName: props.clusterName,
      options: o,
      tags,
      launchedTags,
      network: this.network,
      securityGroups: this.securityGroups,
      loadBalancer: this.loadBalancer,
      images: this.images,
      controllerAddresses: this.controllerAddresses,
    });
  }

  /**
   * Bytes of the largest user data (a stub counts as itself); an upper estimate when it holds
   * apply-time values (see {@link estimateUserDataBytes}). Renders the configs: read it at synth
   * or after the last escape hatch.
   */
  public get largestUserDataBytes(): number {
    return this.machines.largestUserDataBytes;
  }

  /** The machine built for a node (a worker of an autoscaling group: its pool's group). */
  public machine(nodeName: string): AwsMachine {
    const m = this.machinesByName.get(nodeName);
    if (!m) throw new MicroOsError(this.node.path, `machine(${nodeName})`, "no machine of that name", `use one of ${[...this.machinesByName.keys()].join(", ")}`);
    return m;
  }

  /** The S3 bucket for large configs, once one was needed. */
  public get configBucket(): ConfigBucket | undefined {
    return this.machines.configBucket;
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
    const infos = this.machines.build(requests, (name) => this.nodesByName.has(name));
    for (const m of infos) this.machinesByName.set(m.name, m);
    return infos;
  }
}

/** What {@link AwsClusterBinding.addressOf} says for a worker. */
export function workerAddressPlaceholder(nodeName: string): string {
  return `(${nodeName}: address assigned at launch)`;
}
