import type { IgnitionConfig } from "../../ignition/config";
import { addHostnameFile } from "../../ignition/hostname";
import { AT } from "./internal";

/**
 * Sets the machine's static host name: `/etc/hostname`, one line, read by systemd-hostnamed at
 * boot (hostname(5); Flatcar docs "Network configuration with networkd" rely on systemd for it).
 * Plain Ignition, shared with Fedora CoreOS (lib/ignition/hostname.ts); errors point at `flatcar`.
 */
export function addHostname(config: IgnitionConfig, hostname: string): void {
  addHostnameFile(config, hostname, AT);
}
