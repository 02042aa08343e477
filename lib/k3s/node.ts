/**
 * A typed k3s node: what k3s needs to know to start as the first server, join as a server, or
 * join as an agent. Plain data (no cdktf); renderers turn it into the k3s config file, into k3OS
 * config keys, or into Ignition for Flatcar.
 */
import type { Taint } from "../core/node";

/** k3s's default pod and service networks (docs.k3s.io cli/server, `--cluster-cidr`, `--service-cidr`); a node network must not overlap them. */
export const K3S_DEFAULT_CIDRS: readonly string[] = ["10.42.0.0/16", "10.43.0.0/16"];

/** How a k3s node enters the cluster. */
export enum K3sRole {
  /** The first server: starts embedded etcd with `--cluster-init`. */
  CLUSTER_INIT = "cluster-init",
  /** A server that joins an existing one (`server` + `--server`). */
  SERVER = "server",
  /** A worker: `agent` + `--server`. */
  AGENT = "agent",
}

/** A component packaged with k3s that can be turned off (`--disable`), per the k3s docs. */
export enum K3sComponent {
  TRAEFIK = "traefik",
  SERVICELB = "servicelb",
  LOCAL_STORAGE = "local-storage",
  METRICS_SERVER = "metrics-server",
  COREDNS = "coredns",
}

/**
 * A file k3s reads when it starts, written by the node's OS before k3s first starts (for example
 * the cluster's custom CA files on a server, see lib/k3s/certificates.ts). Each OS writes it its
 * own way: Ignition `storage.files`, k3OS or Kairos `write_files`.
 */
export interface K3sFile {
  /** Absolute path on the node. */
  readonly path: string;
  /** Text, which may hold apply-time values (a key made in the Terraform run). */
  readonly content: string;
  /** Permission bits, for example `0o600` for a private key. */
  readonly mode: number;
}

/** Everything k3s needs for one node. */
export interface K3sNodeProps {
  /** How the node enters the cluster: starts it, joins as a server, or joins as an agent. */
  readonly role: K3sRole;
  /** Cluster token; may be an apply-time value. Never logged or output in clear. */
  readonly token: string;
  /**
   * `https://<host>:6443` of a server to join; required unless the role is CLUSTER_INIT.
   * @default - none; only a CLUSTER_INIT node, which starts the cluster and joins none, may leave it out
   */
  readonly serverUrl?: string;
  /** Kubernetes node name. @default - the host name */
  readonly nodeName?: string;
  /** Labels given at registration. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Taints given at registration. @default [] */
  readonly taints?: readonly Taint[];
  /** `--node-ip`. @default - k3s picks */
  readonly nodeIp?: string;
  /** `--advertise-address` (servers). @default - the node IP */
  readonly advertiseAddress?: string;
  /** `--tls-san` names and addresses (servers). @default [] */
  readonly tlsSans?: readonly string[];
  /** Packaged components to turn off (servers). @default [] */
  readonly disable?: readonly K3sComponent[];
  /** k3s release, for example `v1.36.4+k3s1`. */
  readonly version: string;
  /** Further k3s flags, each `--flag=value`. @default [] */
  readonly extraArgs?: readonly string[];
  /**
   * Files k3s needs on disk before it first starts, such as the custom CA files of a server.
   * Private keys (under the server's TLS directory) are refused on an agent.
   * @default []
   */
  readonly files?: readonly K3sFile[];
}
