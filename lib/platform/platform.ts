/**
 * The contract between the Cluster and a platform (AWS, libvirt, ...). Data flows one way: the
 * cluster binds the platform to its node list (the network, load balancer and addresses), then
 * asks for every machine, each with its OS's boot profile for this platform and its config. The
 * configs are rendered at synth, so escape hatches added after construction reach them; every
 * resource exists when the cluster's constructor returns. A platform never reaches back into the
 * cluster and names no OS.
 */
import type { Construct } from "../cdktf";
import type { ConfigFormat } from "../core/format";
import type { NodeSpec } from "../core/node";
import type { ProfileKey } from "../core/profile";
import type { SizeInput } from "../core/size";
import type { RenderedConfig } from "../core/format";

/**
 * A node's provisioning config, rendered when the stack is synthesized. Nodes that share one
 * config (a pool on a platform that boots one config per pool) share one source object.
 */
export interface NodeConfigSource {
  readonly format: ConfigFormat;
  /** True when the config holds a secret (the k3s token), which should not travel in clear user data. */
  readonly holdsSecret: boolean;
  /**
   * The final config. Call it only while the stack is synthesized (from a `Lazy` producer): the
   * first call renders and freezes the cluster's escape hatches.
   */
  render(): RenderedConfig;
  /** The config as it stands now, before later escape hatches; for estimates at construction. */
  preview(): RenderedConfig;
}

/** A node as the platform will build it. */
export interface MachineRequest {
  readonly spec: NodeSpec;
  readonly config: NodeConfigSource;
  /** The node's boot profile for this platform (the type its {@link IPlatform.profileKey} names). */
  readonly profile: unknown;
  /**
   * Machine size: `MachineSize.instanceType("t3.medium")` on AWS, `MachineSize.cpuMemory(2, 4096)`
   * on libvirt, or the platform's spelling (`t3.medium`, `2x4096`). @default - the platform's default
   */
  readonly size?: SizeInput;
  /** Root disk size in GiB. @default - the platform's default */
  readonly diskGib?: number;
  /** Spot capacity (AWS workers). @default false */
  readonly spot?: boolean;
}

/** Where a node's config (or the stub that fetches it) sits in the synthesized Terraform. */
export interface ConfigLocation {
  /** Terraform address of the resource, for example `aws_instance.<key>`. */
  readonly resource: string;
  /** The attribute that holds it, for example `user_data`. */
  readonly attribute: string;
  /** How the attribute holds the text. */
  readonly encoding: "text" | "base64";
}

/** A machine a platform built for a node. */
export interface MachineInfo {
  readonly name: string;
  /** Private address, known at synth time where the platform fixes it, else a token. */
  readonly address: string;
  /** Command to open a shell on the node. */
  readonly sshCommand: string;
  /** Where its config is delivered (nodes that share one config share the location). */
  readonly configLocation: ConfigLocation;
}

/** The Terraform address of a resource (`type.key`), known at construction. */
export function terraformAddress(resource: { readonly terraformResourceType: string; readonly friendlyUniqueId: string }): string {
  return `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
}

/** A platform bound to one cluster in one scope. */
export interface PlatformBinding<M extends MachineInfo = MachineInfo> {
  /** The address controllers' API is reached at (IP, DNS name or token). */
  readonly apiEndpoint: string;
  /** Extra TLS SANs the k3s servers must carry (load balancer names). */
  readonly apiTlsSans: readonly string[];
  /**
   * Worker nodes of one pool boot one shared config (AWS autoscaling groups), so the cluster
   * leaves per-node values (host name, node name) out of worker configs. @default false
   */
  readonly poolsShareConfig?: boolean;
  /** The node's fixed private address, known at synth time. */
  addressOf(nodeName: string): string;
  /** Builds one machine per request. Call once. */
  addMachines(requests: readonly MachineRequest[]): readonly M[];
  /** The machine built for a node. */
  machine(nodeName: string): M;
}

/** A platform the Cluster can lay a cluster on: `AwsPlatform.newVpc(...)`, `LibvirtPlatform.local(...)`. */
export interface IPlatform<B extends PlatformBinding = PlatformBinding> {
  /** The platform's name in messages. */
  readonly name: string;
  /** The key the platform reads its nodes' boot profiles by. */
  readonly profileKey: ProfileKey<unknown>;
  /**
   * Lays out the network for the given nodes (every name the cluster will have, controllers
   * first) under `scope`, and returns the binding. `clusterName` prefixes resource names.
   */
  bind(scope: Construct, clusterName: string, nodes: readonly NodeSpec[], options?: BindOptions): B;
}

/** Cluster-wide settings a platform applies where it can. */
export interface BindOptions {
  /** CIDRs that may reach the Kubernetes API; a platform without a firewall refuses a non-empty list. @default [] */
  readonly apiCidrs?: readonly string[];
  /** CIDRs that may reach SSH; likewise. @default [] */
  readonly sshCidrs?: readonly string[];
  /**
   * Blocks the node network must not overlap: the cluster's Kubernetes pod and service networks.
   * @default [] - no Kubernetes
   */
  readonly reservedCidrs?: readonly string[];
}

/** What a changed provisioning config or image does to an existing machine, on every platform. */
export enum ReplacementPolicy {
  /**
   * The machine is rebuilt with the new config or image (AWS: nothing is ignored, so a new AMI or
   * user data replaces the instance; libvirt: the disk's name carries a hash of config and image,
   * so a change means a new disk and domain, since a changed `libvirt_ignition` alone would not
   * recreate the domain, dmacvicar/terraform-provider-libvirt#854). The default for workers.
   */
  REPLACE = "replace",
  /**
   * The machine is left alone: Terraform ignores later changes to its image and config. The
   * default for controllers, which hold etcd.
   */
  KEEP = "keep",
}
