/**
 * Time zone and NTP servers (flatcar-website docs/latest/setup/customization/
 * configuring-date-and-timezone.md: `/etc/localtime` as a symlink into `/usr/share/zoneinfo/`,
 * systemd-timesyncd as the NTP client, `NTP=` under `[Time]`).
 */
import * as ipaddr from "ipaddr.js";
import type { IgnitionConfig } from "../../ignition/config";
import { isHostName } from "../../core/names";
import { setTimezoneLink } from "../../ignition/timezone";
import { AT, fail } from "./internal";

/**
 * Sets the system time zone. Flatcar recommends UTC (its default); when you need another zone,
 * set the same one on every node. Plain Ignition, shared with Fedora CoreOS
 * (lib/ignition/timezone.ts); errors point at `flatcar`.
 */
export function setTimezone(config: IgnitionConfig, timezone: string): void {
  setTimezoneLink(config, timezone, AT);
}

/** Path of the timesyncd drop-in this library writes (timesyncd.conf(5): `/etc/systemd/timesyncd.conf.d/*.conf`). */
export const TIMESYNCD_DROPIN_PATH = "/etc/systemd/timesyncd.conf.d/50-ntp-servers.conf";

/**
 * Sets the NTP servers systemd-timesyncd uses. A drop-in rather than `/etc/systemd/timesyncd.conf`
 * itself, so the image's file stays untouched (timesyncd.conf(5) reads `timesyncd.conf.d/*.conf`).
 */
export function setNtpServers(config: IgnitionConfig, servers: readonly string[]): void {
  if (!Array.isArray(servers) || servers.length === 0) {
    fail("ntpServers", "no server is given", "list at least one NTP server, or leave it unset for DHCP-provided servers and Flatcar's pool");
  }
  const seen = new Set<string>();
  servers.forEach((s, i) => {
    const ok = typeof s === "string" && (ipaddr.IPv4.isValidFourPartDecimal(s) || ipaddr.IPv6.isValid(s) || (isHostName(s) && /[A-Za-z]/.test(s)));
    if (!ok) {
      fail(`ntpServers[${i}]`, `\`${String(s)}\` is not a host name or IP address`, "give a server such as `0.flatcar.pool.ntp.org` or `169.254.169.123`");
    }
    if (seen.has(s)) fail(`ntpServers[${i}]`, `\`${s}\` is listed twice`, "list each server once");
    seen.add(s);
  });
  config.addFile(TIMESYNCD_DROPIN_PATH, `[Time]\nNTP=${servers.join(" ")}\n`, { mode: 0o644 });
}
