/**
 * Checks a typed k3s node before any renderer uses it. Every check names the field and the fix;
 * none quotes the token.
 */
import ipaddr from "ipaddr.js";
import { isDeferred } from "../core/deferred";
import { MicroOsError } from "../core/errors";
import { isK3sReleaseTag, isK3sServerUrl, K3S_API_PORT, K3S_RELEASE_TAG_EXAMPLE, K3S_SERVER_URL_EXAMPLE, k3sTokenProblem, K3sTokenUse } from "../core/k3s";
import { checkLabel, checkTaint } from "../core/kubernetes";
import { isDnsSubdomain } from "../core/names";
import { isK3sServerSecretPath } from "./certificates";
import { K3sComponent, type K3sNodeProps, K3sRole } from "./node";

/** The flags the typed props set; extraArgs may not set them again (and may not carry secrets). */
const TYPED_FLAGS: Readonly<Record<string, string>> = {
  server: "serverUrl",
  s: "serverUrl",
  token: "token",
  t: "token",
  "token-file": "token",
  "agent-token": "token",
  "agent-token-file": "token",
  "cluster-secret": "token",
  "cluster-init": "role (K3sRole.CLUSTER_INIT)",
  "node-name": "nodeName",
  "node-label": "labels",
  "node-taint": "taints",
  "node-ip": "nodeIp",
  "advertise-address": "advertiseAddress",
  "tls-san": "tlsSans",
  disable: "disable",
};

/** True when `value` is an IPv4 dotted quad or an IPv6 address. */
export function isIpAddress(value: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(value) || (value.includes(":") && ipaddr.IPv6.isValid(value));
}

/** Parses `--flag` / `--flag=value` into its name and value (`true` for a bare flag). */
export function parseFlag(arg: string): { name: string; value: string | true } | undefined {
  const m = /^--([a-z0-9][a-z0-9-]*)(=([\s\S]*))?$/.exec(arg);
  if (!m) return undefined;
  return { name: m[1], value: m[2] === undefined ? true : m[3] };
}

/** Throws a MicroOsError for the first thing wrong with `node`. `at` names the caller (a construct path or `k3s`). */
export function checkK3sNode(node: K3sNodeProps, at = "k3s"): void {
  const fail = (field: string, problem: string, fix: string): never => {
    throw new MicroOsError(at, field, problem, fix);
  };
  const roles: readonly string[] = Object.values(K3sRole);
  if (!roles.includes(node.role)) fail("k3s.role", `"${String(node.role)}" is not a k3s role`, "use K3sRole.CLUSTER_INIT, SERVER or AGENT");
  if (!isK3sReleaseTag(node.version)) {
    fail("k3s.version", `"${String(node.version)}" is not a k3s release tag`, `give a tag like "${K3S_RELEASE_TAG_EXAMPLE}"`);
  }

  // Token: never quoted in a message (lib/core/k3s.ts holds the rules).
  const use = node.role === K3sRole.CLUSTER_INIT ? K3sTokenUse.START : node.role === K3sRole.SERVER ? K3sTokenUse.JOIN_SERVER : K3sTokenUse.JOIN_AGENT;
  const tokenProblem = k3sTokenProblem(typeof node.token === "string" ? node.token : "", use);
  if (tokenProblem) fail("k3s.token", tokenProblem.problem, tokenProblem.fix);

  // Server URL by role.
  if (node.role === K3sRole.CLUSTER_INIT && node.serverUrl !== undefined) {
    fail("k3s.serverUrl", "the first server starts a new cluster and joins none", "remove serverUrl, or use K3sRole.SERVER to join an existing server");
  }
  if (node.role !== K3sRole.CLUSTER_INIT && node.serverUrl === undefined) {
    fail("k3s.serverUrl", `a node with role ${node.role} joins a server but no serverUrl is given`, `set serverUrl to https://<server>:${K3S_API_PORT}`);
  }
  if (node.serverUrl !== undefined && !isK3sServerUrl(node.serverUrl)) {
    fail("k3s.serverUrl", `"${node.serverUrl}" is not https://<host>[:port]`, `give the supervisor URL, for example ${K3S_SERVER_URL_EXAMPLE}`);
  }

  // Server-only settings on an agent would be ignored or stop k3s agent from starting.
  if (node.role === K3sRole.AGENT) {
    if (node.advertiseAddress !== undefined) fail("k3s.advertiseAddress", "advertise-address is a server flag", "remove it for agents");
    if (node.tlsSans?.length) fail("k3s.tlsSans", "tls-san is a server flag", "remove it for agents");
    if (node.disable?.length) fail("k3s.disable", "disable is a server flag", "remove it for agents");
  }

  if (node.nodeName !== undefined && !isDeferred(node.nodeName) && !isDnsSubdomain(node.nodeName)) {
    fail("k3s.nodeName", `"${node.nodeName}" is not a Kubernetes node name`, "use lower-case letters, digits, '-' and '.' (an RFC 1123 subdomain)");
  }
  if (node.nodeIp !== undefined && !isDeferred(node.nodeIp)) {
    const ips = node.nodeIp.split(",");
    if (ips.length > 2 || !ips.every(isIpAddress)) {
      fail("k3s.nodeIp", `"${node.nodeIp}" is not an IP address (or an IPv4,IPv6 pair)`, "give the node's address, for example 10.0.0.10");
    }
  }
  if (node.advertiseAddress !== undefined && !isDeferred(node.advertiseAddress) && !isIpAddress(node.advertiseAddress)) {
    fail("k3s.advertiseAddress", `"${node.advertiseAddress}" is not an IP address`, "give the address other servers reach this one at");
  }
  for (const san of node.tlsSans ?? []) {
    if (isDeferred(san)) continue;
    if (!isIpAddress(san) && !isDnsSubdomain(san.replace(/^\*\./, ""))) {
      fail("k3s.tlsSans", `"${san}" is neither an IP address nor a DNS name`, "give host names or addresses clients use to reach the API");
    }
  }
  const components: readonly string[] = Object.values(K3sComponent);
  const seen = new Set<string>();
  for (const c of node.disable ?? []) {
    if (!components.includes(c)) fail("k3s.disable", `"${String(c)}" is not a packaged component`, `use K3sComponent values: ${components.join(", ")}`);
    if (seen.has(c)) fail("k3s.disable", `"${c}" is listed twice`, "list each component once");
    seen.add(c);
  }
  for (const [key, value] of Object.entries(node.labels ?? {})) {
    const p = checkLabel(key, value);
    if (p) fail(`k3s.labels[${key}]`, p.problem, p.fix);
  }
  for (const t of node.taints ?? []) {
    const p = checkTaint(t);
    if (p) fail(`k3s.taints[${t.key}]`, p.problem, p.fix);
  }
  const paths = new Set<string>();
  for (const [i, file] of (node.files ?? []).entries()) {
    // Paths are named, contents never (they may be keys).
    if (typeof file.path !== "string" || !file.path.startsWith("/")) fail(`k3s.files[${i}].path`, `"${String(file.path)}" is not an absolute path`, "give a path starting with /");
    if (paths.has(file.path)) fail(`k3s.files[${i}].path`, `${file.path} is written twice`, "give each file once");
    paths.add(file.path);
    if (!Number.isInteger(file.mode) || file.mode < 0 || file.mode > 0o7777) fail(`k3s.files[${i}].mode`, `${String(file.mode)} is not a file mode`, "give permission bits such as 0o600");
    if (typeof file.content !== "string") fail(`k3s.files[${i}].content`, "the content is not text", "give the file's text (PEM for keys and certificates)");
    if (node.role === K3sRole.AGENT && isK3sServerSecretPath(file.path)) {
      fail(`k3s.files[${i}].path`, `${file.path} is a server's CA file or a private key, which must not reach an agent`, "write CA keys on the servers only; agents trust the server CA through the token's hash");
    }
  }
  for (const [i, arg] of (node.extraArgs ?? []).entries()) {
    const flag = parseFlag(arg);
    // The argument is not quoted: a misplaced secret must not reach a log.
    if (!flag) fail(`k3s.extraArgs[${i}]`, "the argument is not --flag or --flag=value", "give each flag as one string, for example --kubelet-arg=max-pods=200");
    const typed = TYPED_FLAGS[flag!.name];
    if (typed) {
      fail(`k3s.extraArgs[${i}]`, `--${flag!.name} is set by a typed prop`, `set ${typed} instead (secrets never go on a command line)`);
    }
  }
}
