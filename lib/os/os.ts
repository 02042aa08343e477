/**
 * The contract every operating system (Flatcar, k3OS) fulfils for the Cluster: render one node's
 * provisioning config and name the image it boots on each platform. An OS never creates Terraform
 * resources.
 */
import type { Encoder } from "../core/deferred";
import type { Architecture, NodeSpec } from "../core/node";
import type { IgnitionConfig, IgnitionVersion } from "../ignition/config";
import type { K3osConfig } from "../k3os/config";
import type { K3sNodeProps } from "../k3s/node";
import type { AwsImageSource, LibvirtImageSource, RenderedConfig } from "./types";

/** Which micro-OS. */
export enum OsFamily {
  FLATCAR = "flatcar",
  K3OS = "k3os",
}

/** What the cluster tells the OS about one node. */
export interface NodeBootstrap {
  readonly spec: NodeSpec;
  /**
   * Host name written into the config.
   * @default - none: the platform names the host (EC2 and DHCP do), so nodes of a pool can share one config
   */
  readonly hostname?: string;
  /** OpenSSH public keys for the OS's admin user (`core` on Flatcar, `rancher` on k3OS). */
  readonly sshKeys: readonly string[];
  /** k3s settings; absent for a host without Kubernetes. */
  readonly k3s?: K3sNodeProps;
  /**
   * Escape hatches: Ignition merged after the OS's own content (Flatcar). An OS that does not read
   * Ignition refuses a non-empty one. @default []
   */
  readonly ignitionExtras?: readonly IgnitionConfig[];
  /**
   * Escape hatches for k3OS: each edits the node's k3OS config after the OS's own keys. An OS that
   * does not read k3OS config refuses a non-empty list. @default []
   */
  readonly k3osExtras?: readonly K3osCustomizer[];
}

/** Edits a node's k3OS config (an escape hatch of the Cluster's pools). */
export type K3osCustomizer = (config: K3osConfig) => void;

/** An operating system the Cluster can put on its nodes. */
export interface IOperatingSystem {
  readonly family: OsFamily;
  /** The Ignition spec version the OS renders (Flatcar); escape hatches are built for it. @default - none (not Ignition) */
  readonly ignitionVersion?: IgnitionVersion;
  /** Renders the node's config; `encoder` keeps apply-time values intact. */
  renderNode(node: NodeBootstrap, encoder: Encoder): RenderedConfig;
  /** The image for a node of this architecture on AWS. */
  awsImage(architecture: Architecture): AwsImageSource;
  /** The image for a node of this architecture on libvirt. */
  libvirtImage(architecture: Architecture): LibvirtImageSource;
  /** The k3s version the OS ships with, where it ships one (k3OS); the cluster's default. @default - none */
  readonly bundledK3sVersion?: string;
  /** Smallest memory (MiB) and disk (GiB) the OS needs on a machine. */
  readonly minimums: { readonly memoryMib: number; readonly diskGib: number };
}
