/**
 * How a Flatcar node takes OS updates: the update server and group (update_engine) and when it
 * reboots into a new release (locksmithd). Both read `/etc/flatcar/update.conf`
 * (flatcar-website docs/latest/setup/releases/update-strategies.md and update-conf.md;
 * flatcar/locksmith README "Reboot windows").
 */
import { Weekday } from "../../core/weekday";
import type { IgnitionConfig } from "../../ignition/config";
import { bool, checkProps, object, optional, type Shape, type ShapeOf, str } from "../../core/props";
import { AT, fail } from "./internal";

/** The file both update_engine and locksmithd read (Flatcar docs "update.conf specification"). */
export const UPDATE_CONF_PATH = "/etc/flatcar/update.conf";

/** What locksmithd does once update_engine has written a new release to the passive partition. */
export enum RebootStrategy {
  /** Reboot without a lock (the Flatcar default, 5 minutes after the update). */
  REBOOT = "reboot",
  /**
   * Take a lock in etcd first, so only a few machines reboot at once. locksmithd must reach an
   * etcd it can use (its `LOCKSMITHD_ENDPOINT` and certificates): k3s's embedded etcd is not
   * wired for it by this library.
   */
  ETCD_LOCK = "etcd-lock",
  /** Do not reboot: the new release waits on the passive partition for the next reboot. */
  OFF = "off",
}

/** Short day names locksmithd accepts for the start of a reboot window (flatcar/locksmith README); shared with Zincati (lib/core/weekday.ts). */
export { Weekday };

/** A reboot (maintenance) window; reboots under any strategy wait for it. */
export interface RebootWindow {
  /** Day the window opens. @default - every day */
  readonly day?: Weekday;
  /** Time the window opens, 24-hour `HH:MM` in the node's time zone, for example `04:00`. */
  readonly time: string;
  /** Length as a Go duration with `h`, `m`, `s` units, for example `1h30m`; at most a week. */
  readonly length: string;
}

/** Options for automatic updates. */
export interface AutomaticUpdatesOptions {
  /** What locksmithd does after an update. @default RebootStrategy.REBOOT */
  readonly strategy?: RebootStrategy;
  /** When reboots may happen. @default - any time */
  readonly window?: RebootWindow;
  /**
   * Update group (`GROUP=`): a channel name or a Nebraska group id. The image already names its
   * own channel in `/usr/share/flatcar/update.conf`; set this only to switch.
   * @default - the image's channel
   */
  readonly group?: string;
  /** Update server (`SERVER=`), an `https://` or `http://` Omaha endpoint. @default - Flatcar's public server */
  readonly server?: string;
}

/** Options for turning updates off. */
export interface DisabledUpdatesOptions {
  /**
   * Also mask `update-engine.service` and `locksmithd.service`. Flatcar documents this but does
   * not recommend it: a later manual update needs the services unmasked until the new release has
   * been marked good. Without it, `SERVER=disabled` stops updates and keeps manual ones easy.
   * @default false
   */
  readonly maskServices?: boolean;
}

// HH:MM, 24-hour; Go's `15:04` layout takes a one- or two-digit hour.
const TIME = /^([01]?\d|2[0-3]):[0-5]\d$/;
// Go time.ParseDuration, limited to hours, minutes and seconds.
const DURATION = /^(\d+(\.\d+)?(h|m|s))+$/;
const UNIT_SECONDS: Record<string, number> = { h: 3600, m: 60, s: 1 };
const WEEK_SECONDS = 7 * 24 * 3600;
// Values in update.conf: no quotes, backslashes or line breaks to escape.
const CONF_VALUE = /^[A-Za-z0-9_.:/@+-]+$/;

// The options at run time (lib/core/props.ts): options that are not an object and unknown keys
// (`reboot`, a window's `start`) are refused; the values keep their own checks and messages below.
const checkedBelow: Shape = () => undefined;
const AUTOMATIC_OPTIONS: Shape = object({
  strategy: checkedBelow,
  window: (at, field, value) => (typeof value === "object" && value !== null ? object({ day: checkedBelow, time: checkedBelow, length: checkedBelow } satisfies ShapeOf<RebootWindow>)(at, field, value) : undefined),
  group: optional(str({ fix: "give a channel name (stable, beta, alpha, lts) or a Nebraska group id" })),
  server: optional(str({ fix: "give the update server's https:// URL" })),
} satisfies ShapeOf<AutomaticUpdatesOptions>);
const DISABLED_OPTIONS: Shape = object({ maskServices: optional(bool()) } satisfies ShapeOf<DisabledUpdatesOptions>);
// A URL in update.conf: nothing a shell-style reader would treat as quoting or expansion.
const SERVER_TEXT = /^[^\s"'\\$`]+$/;

/**
 * Update behaviour for a Flatcar node: `FlatcarUpdates.automatic({...})` or
 * `FlatcarUpdates.disabled()`. Checked when built; applied with {@link FlatcarUpdates.applyTo}.
 */
export class FlatcarUpdates {
  /** Automatic updates (Flatcar's default behaviour), with the reboot strategy and window given. */
  public static automatic(options: AutomaticUpdatesOptions = {}): FlatcarUpdates {
    checkProps(AT, "updates", options, AUTOMATIC_OPTIONS);
    const strategy = options.strategy ?? RebootStrategy.REBOOT;
    if (!Object.values(RebootStrategy).includes(strategy)) {
      fail("updates.strategy", `\`${String(strategy)}\` is not a locksmithd reboot strategy`, "use RebootStrategy.REBOOT, ETCD_LOCK or OFF");
    }
    if (options.window) checkWindow(options.window);
    if (options.group !== undefined && !CONF_VALUE.test(options.group)) {
      fail("updates.group", `\`${options.group}\` is not a usable update group`, "give a channel name (stable, beta, alpha, lts) or a Nebraska group id, without spaces or quotes");
    }
    if (options.server !== undefined) checkServer(options.server);
    if (strategy === RebootStrategy.OFF && options.window) {
      fail("updates.window", "a reboot window does nothing when the reboot strategy is `off`", "drop the window, or pick RebootStrategy.REBOOT or ETCD_LOCK");
    }
    return new FlatcarUpdates(true, strategy, options.window, options.group, options.server, false);
  }

  /**
   * No automatic updates: `SERVER=disabled` in update.conf, Flatcar's recommended way (updates
   * can still be applied by hand with `flatcar-update`).
   */
  public static disabled(options: DisabledUpdatesOptions = {}): FlatcarUpdates {
    checkProps(AT, "updates", options, DISABLED_OPTIONS);
    return new FlatcarUpdates(false, undefined, undefined, undefined, undefined, options.maskServices ?? false);
  }

  private constructor(
    /** Whether the node updates itself. */
    public readonly enabled: boolean,
    /** The reboot strategy; undefined when updates are disabled. */
    public readonly strategy: RebootStrategy | undefined,
    public readonly window: RebootWindow | undefined,
    public readonly group: string | undefined,
    public readonly server: string | undefined,
    public readonly maskServices: boolean,
  ) {}

  /** The text of `/etc/flatcar/update.conf` for these settings. */
  public updateConf(): string {
    const lines: string[] = [];
    if (!this.enabled) {
      // update-strategies.md "Disable Automatic Updates": an invalid SERVER stops update checks.
      lines.push("SERVER=disabled");
    } else {
      // update-conf.md: GROUP= and SERVER= for update_engine.
      if (this.group !== undefined) lines.push(`GROUP=${this.group}`);
      if (this.server !== undefined) lines.push(`SERVER=${this.server}`);
      // update-strategies.md: REBOOT_STRATEGY= for locksmithd.
      lines.push(`REBOOT_STRATEGY=${this.strategy}`);
      if (this.window) {
        // flatcar/locksmith README "Reboot windows"; a start with a day holds a space, so quote it.
        const start = this.window.day ? `${this.window.day} ${this.window.time}` : this.window.time;
        lines.push(`LOCKSMITHD_REBOOT_WINDOW_START=${start.includes(" ") ? `"${start}"` : start}`);
        lines.push(`LOCKSMITHD_REBOOT_WINDOW_LENGTH=${this.window.length}`);
      }
    }
    return `${lines.join("\n")}\n`;
  }

  /** Writes update.conf (and masks the services when asked) into `config`. */
  public applyTo(config: IgnitionConfig): void {
    // Overwrite: the file is in the writable /etc and may exist (update-strategies.md sets overwrite: true).
    config.addFile(UPDATE_CONF_PATH, this.updateConf(), { mode: 0o644, overwrite: true });
    if (this.maskServices) {
      // update-strategies.md "Disable Automatic Updates": mask both to stop updates and reboots.
      config.addUnit("update-engine.service", { mask: true });
      config.addUnit("locksmithd.service", { mask: true });
    }
  }
}

function checkWindow(window: RebootWindow): void {
  if (window.day !== undefined && !Object.values(Weekday).includes(window.day)) {
    fail("updates.window.day", `\`${String(window.day)}\` is not a day locksmithd knows`, "use Weekday.MONDAY ... Weekday.SUNDAY (locksmithd reads short English day names)");
  }
  if (typeof window.time !== "string" || !TIME.test(window.time)) {
    fail("updates.window.time", `\`${String(window.time)}\` is not a 24-hour HH:MM time`, "write the start like `04:00` or `23:30`; put the day in `day`");
  }
  if (typeof window.length !== "string" || !DURATION.test(window.length)) {
    fail("updates.window.length", `\`${String(window.length)}\` is not a duration locksmithd can read`, "write a Go duration in hours, minutes, seconds, for example `1h` or `1h30m`");
  }
  const seconds = durationSeconds(window.length);
  if (seconds <= 0) {
    fail("updates.window.length", "the window has no length", "give a positive length, for example `1h`");
  }
  if (seconds > WEEK_SECONDS) {
    fail("updates.window.length", `\`${window.length}\` is longer than a week, so the window never closes`, "give at most `168h`, or drop the window to reboot any time");
  }
}

function checkServer(server: string): void {
  let url: URL | undefined;
  try {
    url = new URL(server);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:") || !url.hostname || !SERVER_TEXT.test(server)) {
    fail("updates.server", `\`${server}\` is not an update server URL`, "give the Omaha endpoint as an https:// URL, for example `https://public.update.flatcar-linux.net/v1/update/`");
  }
}

function durationSeconds(text: string): number {
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(h|m|s)/g)) total += Number(m[1]) * UNIT_SECONDS[m[2]];
  return total;
}
