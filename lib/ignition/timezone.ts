/**
 * The system time zone in an Ignition config: `/etc/localtime` as a relative symlink into
 * `/usr/share/zoneinfo/`, the way both Flatcar (flatcar-website docs/latest/setup/customization/
 * configuring-date-and-timezone.md) and Fedora CoreOS (fedora-coreos-docs time-zone.adoc,
 * "Setting the time zone via Ignition") document it. Moved here from lib/os/flatcar/time.ts so
 * both OS folders share it; Flatcar's `setTimezone` still exports it with Flatcar's error location.
 */
import { MicroOsError } from "../core/errors";
import type { IgnitionConfig } from "./config";

// tz database names: `Area/Location[/Sub]` or a bare name (UTC, EST5EDT); segments of letters,
// digits, `_`, `+`, `-` (tz-link "Names of timezones": ASCII letters, `.`-free, `-`, `_`, `+`).
const TZ_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9][A-Za-z0-9_+-]*){0,2}$/;

/** True when `timezone` has the shape of a tz database name. */
export function isTimezoneName(timezone: unknown): timezone is string {
  return typeof timezone === "string" && TZ_NAME.test(timezone) && timezone.length <= 64;
}

/**
 * Sets the system time zone. Both OSes recommend UTC (their default); when you need another zone,
 * set the same one on every node. `at` names the caller in errors.
 */
export function setTimezoneLink(config: IgnitionConfig, timezone: string, at = "ignition"): void {
  if (typeof timezone !== "string" || timezone.trim() === "") {
    throw new MicroOsError(at, "timezone", "the value is empty", "give a tz database name, for example `Europe/Berlin`, or leave it unset for UTC");
  }
  if (!isTimezoneName(timezone)) {
    throw new MicroOsError(at, "timezone", `\`${timezone}\` is not a tz database name`, "give a name as `timedatectl list-timezones` prints it, for example `America/New_York` or `UTC`");
  }
  // A relative link, overwriting the image's /etc/localtime (both docs above).
  config.addLink("/etc/localtime", `../usr/share/zoneinfo/${timezone}`, { overwrite: true });
}
