/**
 * The cluster's topology as plain functions, testable without cdktf: which nodes there are (the
 * controllers, then each pool's, named from the cluster id, the pool and each node's number or
 * given name), the k3s role each runs, the server each joins, the order they form the cluster in,
 * and the networks Kubernetes keeps for itself.
 */
import { MicroOsError } from "../core/errors";
import { K3S_API_PORT } from "../core/k3s";
import { Architecture, isDnsLabel, NodeRole, type NodeSpec } from "../core/node";
import type { SizeInput } from "../core/size";
import { K3S_DEFAULT_CIDRS, K3sRole } from "../k3s/node";
import type { ControllersProps, PoolProps } from "./props";

/** The pool name of the controllers. */
export const CONTROLLERS = "controllers";
// Kubernetes supports clusters of at most 5,000 nodes (kubernetes.io docs, "Considerations for
// large clusters"); a larger count is a mistake, and would not fit in memory as node specs.
const MAX_CLUSTER_NODES = 5000;
// k3s's flags for its pod and service networks (docs.k3s.io cli/server, "Networking").
const NETWORK_FLAGS = ["--cluster-cidr", "--service-cidr"];

/** One node of the topology: its spec and the machine it asks for. */
export interface TopologyNode {
  readonly spec: NodeSpec;
  readonly size?: SizeInput;
  readonly diskGib?: number;
  readonly spot?: boolean;
}

/** The nodes of a cluster and its pools. */
export interface Topology {
  /** Every node, controllers first, then each pool's in the order given. */
  readonly nodes: readonly TopologyNode[];
  /** Each pool's node names, the controllers first. */
  readonly pools: ReadonlyArray<{ readonly name: string; readonly nodeNames: readonly string[] }>;
}

/** What the topology is made from. */
export interface TopologyInput {
  /** The cluster id: a DNS label, the first part of every node name. */
  readonly id: string;
  /** Where errors point (the cluster's construct path). */
  readonly path: string;
  /** @default - one controller */
  readonly controllers?: ControllersProps;
  /** @default [] */
  readonly pools?: readonly PoolProps[];
}

/** The cluster's nodes and pools; refuses counts, names and sizes that cannot be. */
export function clusterTopology(input: TopologyInput): Topology {
  const { id, path } = input;
  const fail = (field: string, problem: string, fix: string): never => {
    throw new MicroOsError(path, field, problem, fix);
  };
  const nodes = new Map<string, TopologyNode>();
  const add = (node: TopologyNode): void => {
    const name = node.spec.name;
    if (!isDnsLabel(name)) fail(`node ${name}`, "the node name is not a DNS label (too long or bad characters)", "shorten the cluster id or pool name, or use lower-case letters, digits and '-'");
    if (nodes.has(name)) fail(`node ${name}`, "two nodes have this name", "give pool nodes distinct names");
    nodes.set(name, node);
  };
  const controllers = input.controllers ?? {};
  const count = controllers.count ?? 1;
  if (!Number.isInteger(count) || count < 1) fail("controllers.count", `${count} is not a positive whole number`, "give 1, 3 or 5 controllers");
  if (count > MAX_CLUSTER_NODES) fail("controllers.count", `${count} controllers are more than a Kubernetes cluster supports (${MAX_CLUSTER_NODES} nodes)`, "give 1, 3 or 5 controllers");
  if (count % 2 === 0) fail("controllers.count", `${count} controllers cannot keep etcd quorum better than ${count - 1}`, `use an odd number: ${count - 1} or ${count + 1}`);
  const controllerNames = Array.from({ length: count }, (_, i) => `${id}-controller-${i}`);
  for (const name of controllerNames) {
    add({ spec: { name, role: NodeRole.CONTROLLER, pool: CONTROLLERS, architecture: controllers.architecture ?? Architecture.AMD64 }, size: controllers.size, diskGib: controllers.diskGib });
  }
  const pools: Array<{ name: string; nodeNames: string[] }> = [{ name: CONTROLLERS, nodeNames: controllerNames }];
  for (const [i, pool] of (input.pools ?? []).entries()) {
    const field = `pools[${i}]`;
    if (!isDnsLabel(pool.name) || pool.name === CONTROLLERS) fail(`${field}.name`, `"${pool.name}" is not usable as a pool name`, "use a DNS label (lower case, digits, '-') other than 'controllers'");
    if (pools.some((p) => p.name === pool.name)) fail(`${field}.name`, `pool "${pool.name}" is defined twice`, "give each pool its own name");
    const suffixes = poolSuffixes(pool, field, fail);
    const names = suffixes.map((s) => `${id}-${pool.name}-${s}`);
    for (const [n, name] of names.entries()) {
      // A numeric suffix is the node's number, whether it came from count or nodeNames.
      const index = /^(0|[1-9][0-9]{0,8})$/.test(suffixes[n]) ? Number(suffixes[n]) : undefined;
      add({
        spec: { name, role: NodeRole.WORKER, pool: pool.name, architecture: pool.architecture ?? Architecture.AMD64, labels: pool.labels, taints: pool.taints, index },
        size: pool.size,
        diskGib: pool.diskGib,
        spot: pool.spot,
      });
    }
    pools.push({ name: pool.name, nodeNames: names });
  }
  if (nodes.size > MAX_CLUSTER_NODES) {
    fail("pools", `${nodes.size} nodes are more than a Kubernetes cluster supports (${MAX_CLUSTER_NODES})`, `give at most ${MAX_CLUSTER_NODES} in all, or split the workload over clusters`);
  }
  return { nodes: [...nodes.values()], pools };
}

function poolSuffixes(pool: PoolProps, field: string, fail: (field: string, problem: string, fix: string) => never): string[] {
  if (pool.nodeNames && pool.count !== undefined) fail(field, "both count and nodeNames are given", "give one of them");
  if (pool.nodeNames) {
    for (const n of pool.nodeNames) {
      if (!isDnsLabel(n)) fail(`${field}.nodeNames`, `"${n}" is not a DNS label`, "use lower-case letters, digits and '-'");
    }
    return [...pool.nodeNames];
  }
  const count = pool.count ?? 1;
  if (!Number.isInteger(count) || count < 0) fail(`${field}.count`, `${count} is not a whole number of nodes`, "give 0 or more");
  if (count > MAX_CLUSTER_NODES) fail(`${field}.count`, `${count} nodes are more than a Kubernetes cluster supports (${MAX_CLUSTER_NODES})`, `give at most ${MAX_CLUSTER_NODES}, or split the workload over clusters`);
  return Array.from({ length: count }, (_, i) => String(i));
}

/** How one node takes part in k3s. */
export interface K3sPlacement {
  readonly role: K3sRole;
  /** The server it joins; undefined for the node that starts the cluster. */
  readonly serverUrl?: string;
}

/**
 * The k3s role of each node and the server it joins, in the order the cluster forms: the first
 * controller starts the cluster (embedded etcd, docs.k3s.io/datastore/ha-embedded); the other
 * controllers join it at its fixed address, known at synth time; workers join through the API
 * endpoint (the load balancer, or the first controller).
 */
export function k3sPlacements(nodes: readonly NodeSpec[], addressOf: (node: string) => string, apiEndpoint: string): Map<string, K3sPlacement> {
  const out = new Map<string, K3sPlacement>();
  const first = nodes.find((n) => n.role === NodeRole.CONTROLLER);
  for (const spec of nodes) {
    if (spec.role === NodeRole.WORKER) out.set(spec.name, { role: K3sRole.AGENT, serverUrl: `https://${apiEndpoint}:${K3S_API_PORT}` });
    else if (spec === first) out.set(spec.name, { role: K3sRole.CLUSTER_INIT });
    else out.set(spec.name, { role: K3sRole.SERVER, serverUrl: `https://${addressOf(first!.name)}:${K3S_API_PORT}` });
  }
  return out;
}

/** The pod and service networks the node network must keep clear: k3s's, or the ones `serverArgs` name. */
export function kubernetesNetworks(serverArgs: readonly string[]): string[] {
  const [pods, services] = NETWORK_FLAGS.map((flag, i) => {
    const arg = serverArgs.find((a) => a.startsWith(`${flag}=`));
    return arg ? arg.slice(flag.length + 1).split(",").filter((c) => c.includes(".")) : [K3S_DEFAULT_CIDRS[i]];
  });
  return [...pods, ...services];
}
