/**
 * The machine's static host name in an Ignition config: plain Ignition, read the same way by every
 * systemd OS that boots from Ignition (Flatcar, Fedora CoreOS). Moved here from lib/os/flatcar so
 * both OS folders share it; Flatcar's `addHostname` still exports it with Flatcar's error location.
 */
import { isDeferred } from "../core/deferred";
import { MicroOsError } from "../core/errors";
import { isHostName } from "../core/names";
import type { IgnitionConfig } from "./config";

// The kernel keeps at most 64 bytes of host name (HOST_NAME_MAX; hostname(5), man7.org).
const HOST_NAME_MAX = 64;

/**
 * Sets the machine's static host name: `/etc/hostname`, one line, read by systemd-hostnamed at
 * boot (hostname(5); Flatcar docs "Network configuration with networkd" rely on systemd for it,
 * Fedora CoreOS docs hostname.adoc write the same file). `at` names the caller in errors.
 */
export function addHostnameFile(config: IgnitionConfig, hostname: string, at = "ignition"): void {
  const fail = (problem: string, fix: string): never => {
    throw new MicroOsError(at, "hostname", problem, fix);
  };
  if (typeof hostname !== "string" || hostname.trim() === "") fail("the value is empty", "give the node's host name, for example `controller-0`");
  // A name known only at apply time (a platform's DNS name) is checked by the platform, not here.
  if (isDeferred(hostname)) {
    config.addFile("/etc/hostname", `${hostname}\n`, { mode: 0o644, overwrite: true });
    return;
  }
  if (hostname.length > HOST_NAME_MAX) {
    fail(`\`${hostname}\` is ${hostname.length} characters, the kernel keeps at most ${HOST_NAME_MAX}`, "use a shorter name (a DNS label, not a long FQDN)");
  }
  if (!isHostName(hostname)) {
    fail(`\`${hostname}\` is not an RFC 1123 host name`, "use letters, digits and inner hyphens in dot-separated labels, for example `worker-1`");
  }
  // hostname(5): a single newline-terminated line. Overwrite: some images ship the file.
  config.addFile("/etc/hostname", `${hostname}\n`, { mode: 0o644, overwrite: true });
}
