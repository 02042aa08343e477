/**
 * Checks for the Kubernetes names a node carries, whichever config model writes them (the k3s
 * config file, k3OS's config): label keys and values, taints. Each check returns undefined when
 * the input is good, else a problem and a fix for a MicroOsError.
 */
import { isDeferred } from "./deferred";
import type { Finding } from "./errors";
import { isDnsSubdomain } from "./names";
import { type Taint, TaintEffect } from "./node";

export { isDnsSubdomain } from "./names";

// Label names and values: at most 63 characters, alphanumeric at both ends, `-`, `_`, `.` inside
// (kubernetes.io/docs/concepts/overview/working-with-objects/labels, "Syntax and character set").
// A label key prefix is an RFC 1123 DNS subdomain (lib/core/names.ts).
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** Checks a label key (`[prefix/]name`). */
export function checkLabelKey(key: string): Finding | undefined {
  if (isDeferred(key)) {
    return { problem: "the label key is a value known only at apply time", fix: "give label keys as literal strings" };
  }
  const slash = key.indexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && !isDnsSubdomain(prefix)) {
    return {
      problem: `the key prefix "${prefix}" is not a DNS subdomain`,
      fix: "use lower-case letters, digits, '-' and '.' in the prefix, at most 253 characters (for example example.com/role)",
    };
  }
  if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name)) {
    return {
      problem: `the key name "${name}" is not a Kubernetes label name`,
      fix: "use at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
    };
  }
  return undefined;
}

/** Checks a label value (may be empty). */
export function checkLabelValue(value: string): Finding | undefined {
  if (isDeferred(value) || value === "") return undefined;
  if (value.length > 63 || !LABEL_NAME.test(value)) {
    return {
      problem: `the value "${value}" is not a Kubernetes label value`,
      fix: "use at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (or an empty value)",
    };
  }
  return undefined;
}

// The kubelet registers a node with labels in the kubernetes.io / k8s.io namespaces only when they
// carry an allowed prefix or are in the allowed set; otherwise it refuses to start (kubelet
// reference, --node-labels; NodeRestriction admission plugin).
const ALLOWED_K8S_LABEL_PREFIXES = ["kubelet.kubernetes.io/", "node.kubernetes.io/"];
const ALLOWED_K8S_LABELS = new Set([
  "beta.kubernetes.io/arch",
  "beta.kubernetes.io/instance-type",
  "beta.kubernetes.io/os",
  "failure-domain.beta.kubernetes.io/region",
  "failure-domain.beta.kubernetes.io/zone",
  "kubernetes.io/arch",
  "kubernetes.io/hostname",
  "kubernetes.io/os",
  "node.kubernetes.io/instance-type",
  "topology.kubernetes.io/region",
  "topology.kubernetes.io/zone",
]);

/** Checks that the kubelet lets a node give itself this label at registration. */
export function checkSelfLabel(key: string): Finding | undefined {
  const slash = key.indexOf("/");
  if (slash < 0) return undefined;
  const prefix = key.slice(0, slash);
  const reserved = /(^|\.)(kubernetes\.io|k8s\.io)$/.test(prefix);
  if (!reserved) return undefined;
  if (ALLOWED_K8S_LABELS.has(key) || ALLOWED_K8S_LABEL_PREFIXES.some((p) => key.startsWith(p))) return undefined;
  return {
    problem: `the kubelet refuses to register a node with the label "${key}" (kubernetes.io and k8s.io labels are reserved)`,
    fix: "use your own prefix (for example example.com/role=worker), a node.kubernetes.io/ label, or label the node with kubectl after it joins",
  };
}

/** Checks a whole label (key, value, self-labelling rule). */
export function checkLabel(key: string, value: string): Finding | undefined {
  return checkLabelKey(key) ?? checkLabelValue(value) ?? checkSelfLabel(key);
}

const EFFECTS: readonly string[] = Object.values(TaintEffect);

/** Checks a typed taint. */
export function checkTaint(taint: Taint): Finding | undefined {
  const key = checkLabelKey(taint.key);
  if (key) return { problem: `taint key: ${key.problem}`, fix: key.fix };
  if (taint.value !== undefined) {
    const value = checkLabelValue(taint.value);
    if (value) return { problem: `taint value: ${value.problem}`, fix: value.fix };
  }
  if (!EFFECTS.includes(taint.effect)) {
    return { problem: `"${String(taint.effect)}" is not a taint effect`, fix: "use TaintEffect.NO_SCHEDULE, PREFER_NO_SCHEDULE or NO_EXECUTE" };
  }
  return undefined;
}

/** The `key=value:Effect` (or `key:Effect`) form k3s and k3OS take. */
export function formatTaint(taint: Taint): string {
  return taint.value !== undefined && taint.value !== "" ? `${taint.key}=${taint.value}:${taint.effect}` : `${taint.key}:${taint.effect}`;
}

/** Parses `key=value:Effect` (or `key:Effect`); a Finding when malformed. */
export function parseTaint(text: string): Taint | Finding {
  const colon = text.lastIndexOf(":");
  if (colon < 0) {
    return { problem: `"${text}" has no effect`, fix: "write taints as key=value:Effect, for example dedicated=gpu:NoSchedule" };
  }
  const effect = text.slice(colon + 1);
  const head = text.slice(0, colon);
  const eq = head.indexOf("=");
  const key = eq >= 0 ? head.slice(0, eq) : head;
  const value = eq >= 0 ? head.slice(eq + 1) : undefined;
  const taint: Taint = { key, value, effect: effect as TaintEffect };
  const problem = checkTaint(taint);
  if (problem) return { problem: `"${text}": ${problem.problem}`, fix: `${problem.fix}; write taints as key=value:Effect` };
  return taint;
}

/** True when `x` is a Finding rather than a parsed value. */
export function isProblem(x: unknown): x is Finding {
  return typeof x === "object" && x !== null && "problem" in x && "fix" in x;
}
