/**
 * The k3s configuration file, /etc/rancher/k3s/config.yaml: k3s server and agent read it at start.
 * Keys are the CLI flag names without the leading `--`; repeatable flags are YAML lists
 * (docs.k3s.io/installation/configuration, "Configuration File").
 */
import { formatTaint } from "../core/kubernetes";
import { renderGoYaml } from "../core/yaml";
import { type K3sNodeProps, K3sRole } from "./node";
import { checkK3sNode, parseFlag } from "./validate";

/** Where k3s reads its config file (docs.k3s.io/installation/configuration). */
export const K3S_CONFIG_PATH = "/etc/rancher/k3s/config.yaml";

/** The k3s flags of a node as config-file keys, in a fixed order (typed keys first, then extraArgs in the order given). */
export function k3sConfigObject(node: K3sNodeProps, at = "k3s"): Record<string, unknown> {
  checkK3sNode(node, at);
  const out: Record<string, unknown> = {};
  // --server / --token (docs.k3s.io/cli/server, "Cluster Options"; docs.k3s.io/cli/agent).
  if (node.serverUrl !== undefined) out.server = node.serverUrl;
  out.token = node.token;
  // --cluster-init starts embedded etcd on the first server (docs.k3s.io/datastore/ha-embedded).
  if (node.role === K3sRole.CLUSTER_INIT) out["cluster-init"] = true;
  if (node.nodeName !== undefined) out["node-name"] = node.nodeName;
  if (node.nodeIp !== undefined) out["node-ip"] = node.nodeIp;
  if (node.advertiseAddress !== undefined) out["advertise-address"] = node.advertiseAddress;
  if (node.tlsSans?.length) out["tls-san"] = [...node.tlsSans];
  if (node.disable?.length) out.disable = [...node.disable];
  const labels = Object.entries(node.labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (labels.length) out["node-label"] = labels.map(([k, v]) => `${k}=${v}`);
  if (node.taints?.length) out["node-taint"] = node.taints.map(formatTaint);
  for (const arg of node.extraArgs ?? []) {
    const { name, value } = parseFlag(arg)!;
    const prev = out[name];
    if (prev === undefined) out[name] = value;
    else out[name] = Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

/** Renders the node's /etc/rancher/k3s/config.yaml. Holds the token: write it mode 0600. */
export function renderK3sConfigFile(node: K3sNodeProps, at = "k3s"): string {
  // YAML 1.1-safe: k3s parses with a Go YAML library, and an apply-time token becomes a literal
  // block that needs no escaping (lib/core/yaml.ts).
  // The file is encoded whole by the platform (a data URL, base64encode); the token is one line.
  return renderGoYaml(k3sConfigObject(node, at), { legacyDeferredBlocks: true });
}
