/**
 * The shape of {@link ClusterProps}, checked at the Cluster's constructor (lib/core/props.ts), so
 * a JavaScript caller's wrong type, misspelt option or enum value given in another spelling is
 * refused there, naming the field, before anything is built.
 */
import { cidr } from "../core/ipv4";
import { Architecture, TaintEffect } from "../core/node";
import type { AccessProps, ClusterProps, ControllersProps, KubernetesProps, PoolProps } from "./cluster";
import type { Taint } from "../core/node";
import { bool, type ShapeOf, implementing, instance, list, num, object, oneOf, optional, record, required, type Shape, str } from "../core/props";
import { MachineSize } from "../core/size";
import { sshKey } from "../core/ssh";
import { K3sComponent } from "../k3s/node";
import { ClusterToken } from "./token";

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
