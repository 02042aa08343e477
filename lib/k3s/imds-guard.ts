/**
 * Keeps pods away from the EC2 instance metadata service. A node whose user-data reader speaks
 * only IMDSv1 runs with `http_tokens = optional`, and IMDSv1 answers any process that reaches
 * 169.254.169.254, pods included (the hop limit guards only IMDSv2's token: EC2 user guide,
 * "Configure the instance metadata options"); that node's user data holds the join token. The
 * rule drops packets from the pod network to that address in the `raw` table's PREROUTING, which
 * sees routed pod traffic before any chain k3s, flannel or kube-proxy manage (netfilter hook
 * order: raw PREROUTING first). Plain text: no cdktf.
 */
import { K3S_DEFAULT_CIDRS } from "./node";

/** The instance metadata address (EC2 user guide, "Access instance metadata"). */
export const INSTANCE_METADATA_ADDRESS = "169.254.169.254";

/** Shell that adds the rule once (idempotent: `-C` checks it first); exits non-zero when it cannot. */
export function imdsGuardCommand(podCidr: string = K3S_DEFAULT_CIDRS[0]): string {
  const rule = `PREROUTING -s ${podCidr} -d ${INSTANCE_METADATA_ADDRESS}/32 -j DROP`;
  return `iptables -t raw -C ${rule} 2>/dev/null || iptables -t raw -I ${rule}`;
}
