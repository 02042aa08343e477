import { isDeferred } from "../../core/deferred";
import type { IgnitionConfig } from "../../ignition/config";
import { isHostName } from "../../core/names";
import { fail, requireText } from "./internal";

// The kernel keeps at most 64 bytes of host name (HOST_NAME_MAX; hostname(5), man7.org).
const HOST_NAME_MAX = 64;

/**
 * Sets the machine's static host name: `/etc/hostname`, one line, read by systemd-hostnamed at
 * boot (hostname(5); Flatcar docs "Network configuration with networkd" rely on systemd for it).
 */
export function addHostname(config: IgnitionConfig, hostname: string): void {
  requireText("hostname", hostname, "give the node's host name, for example `controller-0`");
  // A name known only at apply time (a platform's DNS name) is checked by the platform, not here.
  if (isDeferred(hostname)) {
    config.addFile("/etc/hostname", `${hostname}\n`, { mode: 0o644, overwrite: true });
    return;
  }
  if (hostname.length > HOST_NAME_MAX) {
    fail("hostname", `\`${hostname}\` is ${hostname.length} characters, the kernel keeps at most ${HOST_NAME_MAX}`, "use a shorter name (a DNS label, not a long FQDN)");
  }
  if (!isHostName(hostname)) {
    fail("hostname", `\`${hostname}\` is not an RFC 1123 host name`, "use letters, digits and inner hyphens in dot-separated labels, for example `worker-1`");
  }
  // hostname(5): a single newline-terminated line. Overwrite: some images ship the file.
  config.addFile("/etc/hostname", `${hostname}\n`, { mode: 0o644, overwrite: true });
}
