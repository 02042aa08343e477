/**
 * k3s settings rendered into k3OS's own keys. k3OS starts k3s itself: it passes `k3os.server_url`
 * as K3S_URL, the token as K3S_TOKEN (when it starts `K10`) or as the cluster secret, each label as
 * `--node-label`, each taint as `--kubelet-arg register-with-taints=...`, and `k3os.k3s_args`
 * after them (rancher/k3os pkg/cc/funcs.go ApplyK3S). It lives with the k3OS OS because it joins
 * the two models (lib/k3s's node, lib/k3os's config), which import nothing from each other.
 */
import { MicroOsError } from "../../core/errors";
import type { K3osConfig } from "../../k3os/config";
import { type K3sNodeProps, K3sRole } from "../../k3s/node";
import { checkBundledK3sVersion } from "../../k3s/release";
import { checkK3sNode } from "../../k3s/validate";

/** Options for {@link applyK3sToK3os}. */
export interface K3sK3osOptions {
  /**
   * The k3s version the k3OS release bundles; a node asking for another is refused, since k3OS
   * cannot run a different one.
   * @default - not checked
   */
  readonly bundledK3sVersion?: string;
  /** Where errors point (a construct path). @default "k3s" */
  readonly at?: string;
}

/** Fills `config`'s `k3os.*` keys for `node`: server URL, token, labels, taints, k3s arguments. */
export function applyK3sToK3os(config: K3osConfig, node: K3sNodeProps, options: K3sK3osOptions = {}): K3osConfig {
  const at = options.at ?? "k3s";
  checkK3sNode(node, at);
  checkBundledK3sVersion(at, node.version, options.bundledK3sVersion, "k3OS", "use Flatcar to pin another k3s");
  if (config.k3sArgs !== undefined) {
    throw new MicroOsError(at, "k3os.k3s_args", "the config already has k3s arguments", "let applyK3sToK3os set them, and pass further flags as extraArgs");
  }
  // Exec-style: the sub-command first, then one `--flag=value` entry per flag (README, k3os.k3s_args).
  const args: string[] = [node.role === K3sRole.AGENT ? "agent" : "server"];
  if (node.role === K3sRole.CLUSTER_INIT) args.push("--cluster-init");
  if (node.nodeName !== undefined) args.push(`--node-name=${node.nodeName}`);
  if (node.nodeIp !== undefined) args.push(`--node-ip=${node.nodeIp}`);
  if (node.advertiseAddress !== undefined) args.push(`--advertise-address=${node.advertiseAddress}`);
  for (const san of node.tlsSans ?? []) args.push(`--tls-san=${san}`);
  for (const c of node.disable ?? []) args.push(`--disable=${c}`);
  args.push(...(node.extraArgs ?? []));
  config.setK3sArgs(args);
  // A joining server or agent: k3OS exports K3S_URL, which `k3s server` and `k3s agent` both read.
  if (node.serverUrl !== undefined) config.setServerUrl(node.serverUrl);
  // The token goes only into k3os.token (k3OS hands it to k3s through the environment), never into
  // k3s_args. A token not starting K10 reaches k3s as K3S_CLUSTER_SECRET, which k3s accepted until
  // v1.25.3+k3s1 made it fatal (k3s-io/k3s#4085, longhorn/longhorn#4807); k3OS's last release
  // bundles k3s v1.22.2+k3s2, which maps it to --token.
  config.setToken(node.token);
  // Files k3s reads at its first start (a server's custom CAs): k3OS writes write_files at boot,
  // before it starts k3s (rancher/k3os README, "write_files").
  for (const f of node.files ?? []) config.addFile({ path: f.path, content: f.content, permissions: f.mode });
  for (const [k, v] of Object.entries(node.labels ?? {})) config.addLabel(k, v);
  for (const t of node.taints ?? []) config.addTaint(t);
  return config;
}
