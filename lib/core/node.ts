/**
 * What the cluster hands each layer below it about one node. Plain data: no cdktf here.
 */

/** CPU architecture of a node and of the image it boots. */
export enum Architecture {
  /** x86-64; Flatcar calls it `amd64-usr`, EC2 `x86_64`. */
  AMD64 = "amd64",
  /** 64-bit ARM; Flatcar calls it `arm64-usr`, EC2 `arm64`. */
  ARM64 = "arm64",
}

/** A node's place in the cluster. */
export enum NodeRole {
  /** Runs the k3s server (API, embedded etcd). Never replaced by accident. */
  CONTROLLER = "controller",
  /** Runs the k3s agent; may roll when its config or image changes. */
  WORKER = "worker",
}

/** A Kubernetes taint effect. */
export enum TaintEffect {
  NO_SCHEDULE = "NoSchedule",
  PREFER_NO_SCHEDULE = "PreferNoSchedule",
  NO_EXECUTE = "NoExecute",
}

/** A Kubernetes taint. */
export interface Taint {
  readonly key: string;
  /** @default - no value (`key:Effect`) */
  readonly value?: string;
  readonly effect: TaintEffect;
}

/** One machine of the cluster, as the platform and the OS see it. */
export interface NodeSpec {
  /** DNS label, unique in the cluster; every Terraform address of the node derives from it. */
  readonly name: string;
  readonly role: NodeRole;
  /** `controllers` for controllers, else the worker pool's name. */
  readonly pool: string;
  readonly architecture: Architecture;
  /** Kubernetes labels for the node. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Kubernetes taints for the node. @default [] */
  readonly taints?: readonly Taint[];
  /**
   * The node's number in its pool, when its name ends in one (`<cluster>-<pool>-<i>`): platforms
   * place a pool's numbered nodes side by side, so they never collide with each other.
   * @default - none
   */
  readonly index?: number;
}

// Node names are DNS labels; the one check lives with the other name rules.
export { isDnsLabel } from "./names";
