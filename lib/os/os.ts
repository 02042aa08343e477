/**
 * The contract every operating system fulfils for the Cluster: render one node's provisioning
 * config, and describe how the node boots on each platform it supports (its boot profiles, made
 * in the OS's own folder). An OS never creates Terraform resources.
 */
import type { Encoder } from "../core/deferred";
import type { ConfigCustomizer, ConfigFormat } from "../core/format";
import type { NodeSpec } from "../core/node";
import type { ProfileKey } from "../core/profile";
import type { K3sNodeProps } from "../k3s/node";
import type { RenderedConfig } from "../core/format";

/** What the cluster tells the OS about one node. */
export interface NodeBootstrap {
  readonly spec: NodeSpec;
  /**
   * Host name written into the config.
   * @default - none: the platform names the host (EC2 and DHCP do), so nodes of a pool can share one config
   */
  readonly hostname?: string;
  /** OpenSSH public keys for the OS's admin user. */
  readonly sshKeys: readonly string[];
  /** k3s settings; absent for a host without Kubernetes. */
  readonly k3s?: K3sNodeProps;
  /**
   * Escape hatches: each edits the node's config builder (of the OS's {@link IOperatingSystem.configFormat})
   * after the OS's own content, pool hatches before node hatches. @default []
   */
  readonly customizers?: readonly ConfigCustomizer<unknown>[];
}

/** An operating system the Cluster can put on its nodes. */
export interface IOperatingSystem {
  /** The OS's name in messages, for example `Flatcar Container Linux`. */
  readonly name: string;
  /** The language of its configs; escape hatches must be written for it. */
  readonly configFormat: ConfigFormat;
  /**
   * The spec of {@link IOperatingSystem.configFormat} the OS renders, as the format's builder takes it (Ignition:
   * the spec version and the OS's variant); escape hatches that hold their own builder get one in
   * it, so they refuse at the call what the OS cannot read. @default - the format's default
   */
  readonly configSpec?: unknown;
  /**
   * The k3s release the OS runs: the one it bundles (k3OS) or installs (Flatcar's `k3sInstall`).
   * The cluster's default, and the only version it accepts when set. @default - none
   */
  readonly k3sVersion?: string;
  /** Renders the node's config; `encoder` keeps apply-time values intact. */
  renderNode(node: NodeBootstrap, encoder: Encoder): RenderedConfig;
  /** True when the OS has a boot profile for the platform of `key`. */
  supportsPlatform(key: ProfileKey<unknown>): boolean;
  /** How `spec` boots on the platform of `key`; refused when the OS does not support it. */
  bootProfile<P>(key: ProfileKey<P>, spec: NodeSpec): P;
}
