/**
 * The props of a {@link Cluster} and their shape at run time, in one file: the shape is checked at
 * the Cluster's constructor (lib/core/props.ts), so a JavaScript caller's wrong type, misspelt
 * option or enum value given in another spelling is refused there, naming the field, before
 * anything is built; `satisfies ShapeOf<...>` keeps the two from drifting apart.
 */
import { cidr } from "../core/ipv4";
import { Architecture, TaintEffect } from "../core/node";
import type { Taint } from "../core/node";
import { bool, type ShapeOf, implementing, instance, list, num, object, oneOf, optional, record, required, type Shape, str } from "../core/props";
import { MachineSize, type SizeInput } from "../core/size";
import { sshKey } from "../core/ssh";
import { K3sComponent } from "../k3s/node";
import type { IOperatingSystem } from "../os/os";
import type { IPlatform, PlatformBinding } from "../platform/platform";
import type { ClusterCertificates } from "./certificates";
import { ClusterToken } from "./token";

/** The controllers: k3s servers with embedded etcd. */
export interface ControllersProps {
  /** How many; 1, or an odd number for etcd quorum. @default 1 */
  readonly count?: number;
  /**
   * Machine size: `MachineSize.instanceType("t3.medium")` on AWS, `MachineSize.cpuMemory(2, 4096)`
   * on libvirt, or the platform's spelling (`"t3.medium"`, `"2x4096"`). @default - the platform's default
   */
  readonly size?: SizeInput;
  /** @default Architecture.AMD64 */
  readonly architecture?: Architecture;
  /** Root disk in GiB. @default - the platform's default */
  readonly diskGib?: number;
}

/** A named pool of workers (k3s agents) that share a size and a config. */
export interface PoolProps {
  /** DNS label, unique in the cluster; part of every node name and Terraform address of the pool. */
  readonly name: string;
  /** How many nodes; they are named `<cluster>-<pool>-<i>`. Give `nodeNames` instead to name them. @default 1 (when `nodeNames` is not given) */
  readonly count?: number;
  /** Explicit node name suffixes (`<cluster>-<pool>-<suffix>`); removing one touches only that node. @default - from count */
  readonly nodeNames?: readonly string[];
  /** Machine size (see {@link ControllersProps.size}). @default - the platform's default */
  readonly size?: SizeInput;
  /** @default Architecture.AMD64 */
  readonly architecture?: Architecture;
  /** Kubernetes labels. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Kubernetes taints. @default [] */
  readonly taints?: readonly Taint[];
  /** Spot capacity (AWS). @default false */
  readonly spot?: boolean;
  /** Root disk in GiB. @default - the platform's default */
  readonly diskGib?: number;
}

/** k3s options. */
export interface KubernetesProps {
  /**
   * k3s release, for example `v1.36.4+k3s1` (github.com/k3s-io/k3s/releases tag format). The OS
   * knows the release it runs (k3OS bundles one; Flatcar's `k3sInstall` names the one it installs,
   * with its digests), so leave this out; a version that differs from the OS's is refused.
   * @default - the OS's release
   */
  readonly k3sVersion?: string;
  /**
   * Where the cluster token comes from: a plain secret (not a `K10...` token), since the first
   * server starts the cluster with it and joining nodes get its secure form.
   * @default ClusterToken.random()
   */
  readonly token?: ClusterToken;
  /**
   * Where the cluster's certificate authorities come from. By default they are made in the
   * Terraform run, so the stack outputs a sensitive `kubeconfig` and nodes join with the token's
   * secure form, which pins the server CA.
   * @default ClusterCertificates.terraform()
   */
  readonly certificates?: ClusterCertificates;
  /** Packaged components to turn off. @default [] */
  readonly disable?: readonly K3sComponent[];
  /** Further flags for servers. @default [] */
  readonly serverArgs?: readonly string[];
  /** Further flags for agents. @default [] */
  readonly agentArgs?: readonly string[];
}

/** Who may reach the cluster (AWS security groups). */
export interface AccessProps {
  /** CIDRs allowed to reach the Kubernetes API (6443). @default [] - nobody outside the VPC */
  readonly apiCidrs?: readonly string[];
  /** CIDRs allowed to reach SSH (22). @default [] - SSH closed */
  readonly sshCidrs?: readonly string[];
}

/** Properties of a {@link Cluster}. */
export interface ClusterProps<B extends PlatformBinding = PlatformBinding> {
  /** The micro-OS on every node: `Flatcar.channel(...)` or `K3os.release(...)`. */
  readonly os: IOperatingSystem;
  /** Where the machines run: `AwsPlatform.newVpc(...)` or `LibvirtPlatform.local(...)`. */
  readonly platform: IPlatform<B>;
  /** @default - one controller of the platform's default size */
  readonly controllers?: ControllersProps;
  /** Worker pools. @default [] */
  readonly pools?: readonly PoolProps[];
  /** k3s settings. @default - no Kubernetes: hosts only (Flatcar), see examples/flatcar-containers */
  readonly kubernetes?: KubernetesProps;
  /** OpenSSH public keys for the admin user of every node. @default [] */
  readonly sshKeys?: readonly string[];
  /** Who may reach the API and SSH (AWS security groups). @default - API from inside the network only, SSH closed */
  readonly access?: AccessProps;
}

// A typed MachineSize or its string shorthand; the platform parses it (lib/core/size.ts).
const size = optional((at, field, value) => (value instanceof MachineSize ? undefined : str({ fix: 'give MachineSize.instanceType("t3.medium") / MachineSize.cpuMemory(2, 4096), or "t3.medium" on AWS, "2x4096" on libvirt' })(at, field, value)));
const architecture = optional(oneOf(Architecture, "Architecture"));
// Counts and sizes: the type here; their ranges are checked where they are used, with their own messages.
const diskGib = optional(num("give the root disk size in GiB, for example 30"));

const taint = object({
  key: required(str({ fix: "give the taint key, for example dedicated" })),
  value: optional(str({ nonEmpty: false, fix: "give the taint value as a string" })),
  effect: required(oneOf(TaintEffect, "TaintEffect")),
} satisfies ShapeOf<Taint>);

const pool = object({
  name: required(str({ fix: 'give the pool a DNS label, for example "workers"' })),
  count: optional(num("give the number of nodes, 0 or more")),
  nodeNames: optional(list(str({ fix: "use lower-case letters, digits and '-'" }), { unique: true })),
  size,
  architecture,
  labels: optional(record(str({ fix: "give label keys as strings" }), str({ nonEmpty: false, fix: "give label values as strings" }))),
  taints: optional(list(taint)),
  spot: optional(bool()),
  diskGib,
} satisfies ShapeOf<PoolProps>);

/** {@link ClusterProps} at run time. */
export const CLUSTER_PROPS: Shape = object({
  os: required(implementing("IOperatingSystem", ["renderNode", "supportsPlatform", "bootProfile"], "give an operating system built by its factory, for example its channel(...) or release(...)")),
  platform: required(implementing("IPlatform", ["bind"], "give a platform from AwsPlatform.newVpc(...), AwsPlatform.existingVpc(...) or LibvirtPlatform.local(...)")),
  controllers: optional(
    object({
      count: optional(num("give 1, 3 or 5 controllers")),
      size,
      architecture,
      diskGib,
    } satisfies ShapeOf<ControllersProps>),
  ),
  pools: optional(list(pool)),
  kubernetes: optional(
    object({
      k3sVersion: optional(str({ fix: 'give a k3s release tag like "v1.36.4+k3s1", or leave it out' })),
      token: optional(instance(ClusterToken, "build it with ClusterToken.random(), ClusterToken.fromVariable() or ClusterToken.fromSecretValue(...)")),
      // Checked by its interface, so this shape does not depend on how certificates are made.
      certificates: optional(implementing("ClusterCertificates", ["_bind"], "build it with ClusterCertificates.terraform() or ClusterCertificates.k3sGenerated()")),
      disable: optional(list(oneOf(K3sComponent, "K3sComponent"), { unique: true })),
      serverArgs: optional(list(str({ fix: 'give each k3s flag as one string, for example "--flannel-backend=wireguard-native"' }))),
      agentArgs: optional(list(str({ fix: 'give each k3s flag as one string, for example "--node-label=x=y"' }))),
    } satisfies ShapeOf<KubernetesProps>),
  ),
  sshKeys: optional(list(sshKey(), { unique: true })),
  access: optional(
    object({
      apiCidrs: optional(list(cidr(), { unique: true })),
      sshCidrs: optional(list(cidr(), { unique: true })),
    } satisfies ShapeOf<AccessProps>),
  ),
} satisfies ShapeOf<ClusterProps>);
