/**
 * Names hosts and Kubernetes objects carry, checked once for every layer: DNS labels, DNS
 * subdomains, host names. Plain functions, no cdktf.
 */

// RFC 1123 label as Kubernetes validates it (k8s.io/apimachinery pkg/util/validation,
// IsDNS1123Label): lower case, digits, inner '-', at most 63 characters.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

// RFC 1123 subdomain as Kubernetes validates it (IsDNS1123Subdomain): dot-separated lower-case
// labels, at most 253 characters in all.
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

// A host name label (RFC 1123 section 2.1, RFC 952): letters of either case, digits, inner '-',
// at most 63 characters.
const HOST_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** True when `name` is an RFC 1123 DNS label (lower case, digits, `-`, at most 63 characters). */
export function isDnsLabel(name: string): boolean {
  return DNS_LABEL.test(name);
}

/** True when `name` is an RFC 1123 DNS subdomain (Kubernetes node names, label key prefixes). */
export function isDnsSubdomain(name: string): boolean {
  return name.length <= 253 && DNS_SUBDOMAIN.test(name);
}

/** True for an RFC 1123 host name: dot-separated labels of either case, at most 253 characters. */
export function isHostName(name: string): boolean {
  return name.length <= 253 && name.split(".").every((l) => HOST_LABEL.test(l));
}
