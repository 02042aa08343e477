/**
 * The machines of an AWS cluster: controllers as instances with fixed private addresses, workers
 * as one autoscaling group per pool (or as instances), each with its IAM identity and its config
 * delivered as user data (whole, or a stub that fetches the config from the cluster's private S3
 * object).
 */
import { createHash } from "node:crypto";
import { Construct, lazyString, terraformLiteral } from "../../cdktf";
import { MicroOsError } from "../../core/errors";
import { NodeRole } from "../../core/node";
import { instanceTypeOf } from "../../core/size";
import { type ConfigLocation, type MachineInfo, type MachineRequest, type NodeConfigSource, ReplacementPolicy, terraformAddress } from "../platform";
import { ConfigBucket, EC2_USER_DATA_LIMIT, checkUserDataSize, estimateUserDataBytes } from "./delivery";
import { NodeIdentity } from "./iam";
import { AwsImagePolicy, type ClusterImages } from "./image";
import { instanceTypeArchitecture } from "./instance-type";
import type { ControllerAddress } from "./layout";
import type { ApiLoadBalancer } from "./load-balancer";
import { EBS_VOLUME_GIB, NodeInstance, RootVolumeType, WorkerPool } from "./machine";
import type { IClusterNetwork } from "./network";
import type { AwsBootProfile } from "./profile";
import { type AwsPlatformOptions, SecretsInUserData, WorkerPlacement } from "./props";
import type { ClusterSecurityGroups } from "./security";

/** A machine the AWS platform built for a node. */
export interface AwsMachine extends MachineInfo {
  /** The node's IAM role and instance profile (shared by the nodes of an autoscaled pool): grant it what the node may use. */
  readonly identity: NodeIdentity;
  /** The instance (controllers, and workers placed as instances). @default - none for autoscaled workers */
  readonly instance?: NodeInstance;
  /** The launch template and autoscaling group of the node's pool. @default - none for instances */
  readonly pool?: WorkerPool;
}

/** What the machines of a binding are built from: the binding's settings and its shared resources. */
export interface AwsMachinesContext {
  readonly clusterName: string;
  readonly options: AwsPlatformOptions;
  /** Tags on every resource (the provider's default_tags left out). */
  readonly tags: Readonly<Record<string, string>>;
  /** Every tag a machine should end with, the provider's default_tags included (launch templates, groups). */
  readonly launchedTags: Readonly<Record<string, string>>;
  readonly network: IClusterNetwork;
  readonly securityGroups: ClusterSecurityGroups;
  readonly loadBalancer: ApiLoadBalancer;
  readonly images: ClusterImages;
  readonly controllerAddresses: ReadonlyMap<string, ControllerAddress>;
}

/**
 * Builds a binding's machines as children of the binding (`nodes/<name>`, `pools/<pool>`, and
 * `config`, the S3 bucket, once a config needs it).
 */
export class AwsMachineBuilder {
  private bucket?: ConfigBucket;
  private readonly userDatas: string[] = [];

  constructor(
    private readonly scope: Construct,
    private readonly ctx: AwsMachinesContext,
  ) {}

  /** The S3 bucket for large configs, once one was needed. */
  public get configBucket(): ConfigBucket | undefined {
    return this.bucket;
  }

  /** Bytes of the largest user data (see {@link AwsClusterBinding.largestUserDataBytes}). */
  public get largestUserDataBytes(): number {
    return Math.max(0, ...this.userDatas.map((u) => estimateUserDataBytes(u)));
  }

  /** Checks every request, then builds controllers, then workers (instances or one group per pool). */
  public build(requests: readonly MachineRequest[], isBound: (nodeName: string) => boolean): AwsMachine[] {
    const at = this.scope.node.path;
    const seen = new Set<string>();
    for (const r of requests) {
      const nat = `${at}/nodes/${r.spec.name}`;
      if (!isBound(r.spec.name)) throw new MicroOsError(nat, "spec.name", "the node was not given to bind()", "bind the same node list you add machines for");
      if (seen.has(r.spec.name)) throw new MicroOsError(nat, "spec.name", "two requests for one node", "request each node once");
      seen.add(r.spec.name);
      this.checkRequest(r, nat);
    }

    const infos: AwsMachine[] = [];
    const nodesScope = new Construct(this.scope, "nodes");
    const workers = requests.filter((r) => r.spec.role === NodeRole.WORKER);
    for (const r of requests.filter((r) => r.spec.role === NodeRole.CONTROLLER)) {
      infos.push(this.addInstance(nodesScope, r, true));
    }
    if ((this.ctx.options.workerPlacement ?? WorkerPlacement.AUTOSCALING_GROUP) === WorkerPlacement.INSTANCES) {
      for (const r of workers) infos.push(this.addInstance(nodesScope, r, false));
    } else {
      const pools = new Map<string, MachineRequest[]>();
      for (const r of workers) pools.set(r.spec.pool, [...(pools.get(r.spec.pool) ?? []), r]);
      const poolsScope = pools.size ? new Construct(this.scope, "pools") : undefined;
      for (const [pool, members] of pools) infos.push(...this.addPool(poolsScope!, pool, members));
    }
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
    const { sizeGib: disk, type: volumeType } = this.rootVolume(r);
    const ebs = EBS_VOLUME_GIB[volumeType];
    if (disk < ebs.min || disk > ebs.max) {
      throw new MicroOsError(at, "diskGib", `${disk} GiB is outside the ${ebs.min} GiB to ${ebs.max} GiB (${ebs.max / 1024} TiB) an EBS ${volumeType} volume holds`, `give ${ebs.min} to ${ebs.max} GiB${ebs.max < 65536 ? ", or rootVolumeType: RootVolumeType.GP3 for up to 65536" : ""}`);
    }
    if (disk < profile.minimums.diskGib) {
      throw new MicroOsError(at, "diskGib", `${disk} GiB is less than the ${profile.minimums.diskGib} GiB the OS needs`, `give at least ${profile.minimums.diskGib} GiB`);
    }
    if (!profile.fetch && r.config.holdsSecret && (this.ctx.options.secretsInUserData ?? SecretsInUserData.REFUSE) !== SecretsInUserData.ALLOW) {
      throw new MicroOsError(
        at,
        "secretsInUserData",
        `the ${r.config.format.description} holds the cluster's secrets (the k3s token${r.spec.role === NodeRole.CONTROLLER ? " and the CA keys" : ""}) and this OS reads it only from EC2 user data, which anyone allowed ec2:DescribeInstanceAttribute can read`,
        "use an OS that fetches its config from the cluster's private S3 object (an Ignition OS), or pass secretsInUserData: SecretsInUserData.ALLOW to the AWS platform to accept it",
      );
    }
    if (!profile.fetch) checkUserDataSize(r.config.preview(), this.ctx.options.userDataLimit ?? EC2_USER_DATA_LIMIT, at);
    if (r.spot && r.spec.role === NodeRole.CONTROLLER) {
      throw new MicroOsError(at, "spot", "controllers hold etcd and must not be reclaimed by EC2", "run controllers on on-demand capacity; use spot for worker pools");
    }
  }

  /** The request's instance type, or the default for its architecture when it gives none. */
  private instanceType(r: MachineRequest): string {
    if (r.size) return instanceTypeOf(r.size, `${this.scope.node.path}/nodes/${r.spec.name}`, "size");
    const defaults = { amd64: "t3.medium", arm64: "t4g.medium", ...(this.ctx.options.defaultInstanceTypes ?? {}) };
    return defaults[r.spec.architecture];
  }

  private rootVolume(r: MachineRequest) {
    return {
      sizeGib: r.diskGib ?? this.ctx.options.diskGib ?? 30,
      type: this.ctx.options.rootVolumeType ?? RootVolumeType.GP3,
      kmsKeyId: this.ctx.options.ebsKmsKeyId,
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
      this.bucket ??= new ConfigBucket(this.scope, "config", { clusterName: this.ctx.clusterName, tags: this.ctx.tags });
      const objectKey = `${key}${profile.fetch.keySuffix}`;
      const stored = this.bucket.addConfig(objectKey.replace(/[^a-z0-9-]/g, "-"), objectKey, config, profile.fetch);
      identity.allowReadObject(stored.objectArn);
      userData = stored.stub;
    } else {
      const limit = this.ctx.options.userDataLimit ?? EC2_USER_DATA_LIMIT;
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
    const image = this.ctx.images.resolve(profile.image, at, profile.rootDeviceName);
    // Node names already start with the cluster id (`prod-controller-0`): no second prefix.
    const identity = new NodeIdentity(holder, "identity", { nameParts: [name], tags: this.ctx.tags });
    const userData = this.userData(r.config, profile, `nodes/${name}`, identity, at);
    const fixed = controller ? this.ctx.controllerAddresses.get(name) : undefined;
    const subnets = this.ctx.network.privateSubnets;
    // Workers placed as instances spread over zones by a hash of their name, so adding or removing
    // any node of the pool moves no other node to another zone.
    const subnet = fixed?.subnet ?? subnets[createHash("sha256").update(name).digest().readUInt32BE(0) % subnets.length];
    const ignore: string[] = [];
    if (controller && (this.ctx.options.controllerReplacement ?? ReplacementPolicy.KEEP) === ReplacementPolicy.KEEP) ignore.push("ami", "user_data");
    else if (this.ignoresImageChanges()) ignore.push("ami");
    const machine = new NodeInstance(holder, "machine", {
      name,
      amiId: image.amiId,
      instanceType: this.instanceType(r),
      subnetId: subnet.id,
      privateIp: fixed?.ip,
      securityGroupIds: [controller ? this.ctx.securityGroups.controllers.id : this.ctx.securityGroups.workers.id],
      instanceProfileName: identity.instanceProfile.name,
      keyName: this.ctx.options.keyName,
      userData,
      metadataProtocol: profile.metadataProtocol,
      rootVolume: this.rootVolume(r),
      ignoreChanges: ignore,
      tags: { ...this.ctx.tags, "microos/node": name, "microos/role": r.spec.role },
    });
    if (controller) this.ctx.loadBalancer.attach(`target-${name}`, machine.instance.id);
    const address = fixed?.ip ?? machine.instance.privateIp;
    const configLocation: ConfigLocation = { resource: terraformAddress(machine.instance), attribute: "user_data", encoding: "text" };
    return { name, address, sshCommand: `ssh ${profile.adminUser}@${address}`, configLocation, identity, instance: machine };
  }

  private ignoresImageChanges(): boolean {
    return (this.ctx.options.imagePolicy ?? AwsImagePolicy.trackNewestIgnoreChanges()).ignoresImageChanges;
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
    const image = this.ctx.images.resolve(profile.image, at, profile.rootDeviceName);
    const identity = new NodeIdentity(holder, "identity", { nameParts: [this.ctx.clusterName, "pool", pool], tags: this.ctx.tags });
    const userData = this.userData(first.config, profile, `pools/${pool}`, identity, at);
    const group = new WorkerPool(holder, "machines", {
      clusterName: this.ctx.clusterName,
      poolName: pool,
      amiId: image.amiId,
      rootDeviceName: image.rootDeviceName,
      instanceType: this.instanceType(first),
      subnetIds: this.ctx.network.privateSubnets.map((s) => s.id),
      securityGroupIds: [this.ctx.securityGroups.workers.id],
      instanceProfileArn: identity.instanceProfile.arn,
      keyName: this.ctx.options.keyName,
      userData,
      metadataProtocol: profile.metadataProtocol,
      rootVolume: this.rootVolume(first),
      size: members.length,
      spot: first.spot,
      ignoreImageChanges: this.ignoresImageChanges(),
      tags: { ...this.ctx.tags, "microos/pool": pool, "microos/role": NodeRole.WORKER },
      launchedTags: { ...this.ctx.launchedTags, "microos/pool": pool, "microos/role": NodeRole.WORKER },
    });
    const configLocation: ConfigLocation = { resource: terraformAddress(group.launchTemplate), attribute: "user_data", encoding: "base64" };
    // Read once: each read of a resource attribute makes a new cdktf token, with a stack trace.
    const groupName = group.group.name;
    return members.map((m) => ({
      name: m.spec.name,
      // No fixed address: the group launches machines with DHCP addresses under its own names.
      address: `(a machine of autoscaling group ${this.ctx.clusterName}-${pool})`,
      sshCommand: `aws ec2 describe-instances --filters Name=tag:aws:autoscaling:groupName,Values=${groupName} # then ssh ${profile.adminUser}@<private ip>`,
      configLocation,
      identity,
      pool: group,
    }));
  }
}
