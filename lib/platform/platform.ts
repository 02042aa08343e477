/**
 * The contract between the Cluster and a platform (AWS, libvirt). Data flows one way: the cluster
 * asks the platform to lay out the network for a list of nodes, renders each node's config with
 * the addresses it learns, then asks for the machines. A platform never reaches back into the cluster.
 */
import type { Construct } from "../cdktf";
import type { NodeSpec } from "../core/node";
import type { AwsImageSource, LibvirtImageSource, RenderedConfig } from "../os/types";

/** Which platform a node runs on. */
export enum PlatformKind {
  AWS = "aws",
  LIBVIRT = "libvirt",
}

/** A node as the platform will build it. */
export interface MachineRequest {
  readonly spec: NodeSpec;
  readonly config: RenderedConfig;
  /** Image for this node, as its OS chose it for this platform. */
  readonly image: AwsImageSource | LibvirtImageSource;
  /**
   * Machine size: an EC2 instance type on AWS (`t3.medium`); on libvirt `<vcpu>x<memory MiB>`
   * (`2x4096`), or a size name the platform documents.
   */
  readonly size: string;
  /** Root disk size in GiB. @default - the platform's default */
  readonly diskGib?: number;
  /** Spot capacity (AWS workers). @default false */
  readonly spot?: boolean;
  /** Smallest memory (MiB) and disk (GiB) the OS needs; the platform refuses less. @default - the platform's own minimums */
  readonly minimums?: { readonly memoryMib: number; readonly diskGib: number };
}

/** What a platform built for a cluster, after {@link PlatformBinding.addMachines}. */
export interface MachineInfo {
  readonly name: string;
  /** Private address, known at synth time where the platform fixes it, else a token. */
  readonly address: string;
  /** Command to open a shell on the node. */
  readonly sshCommand: string;
}

/** A platform bound to one cluster in one scope. */
export interface PlatformBinding {
  readonly kind: PlatformKind;
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
  addMachines(requests: readonly MachineRequest[]): readonly MachineInfo[];
}

/** A platform the Cluster can lay a cluster on: `AwsPlatform.newVpc(...)`, `LibvirtPlatform.local(...)`. */
export interface IPlatform {
  readonly kind: PlatformKind;
  /**
   * Lays out the network for the given nodes (every name the cluster will have, controllers
   * first) under `scope`, and returns the binding. `clusterName` prefixes resource names.
   */
  bind(scope: Construct, clusterName: string, nodes: readonly NodeSpec[], options?: BindOptions): PlatformBinding;
}

/** Cluster-wide settings a platform applies where it can. */
export interface BindOptions {
  /** CIDRs that may reach the Kubernetes API; a platform without a firewall refuses a non-empty list. @default [] */
  readonly apiCidrs?: readonly string[];
  /** CIDRs that may reach SSH; likewise. @default [] */
  readonly sshCidrs?: readonly string[];
}
