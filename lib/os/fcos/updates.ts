/**
 * How a Fedora CoreOS node takes OS updates: Zincati stages each release with rpm-ostree and
 * finalizes it by rebooting under an updates strategy (coreos/zincati docs/usage/auto-updates.md,
 * docs/usage/updates-strategy.md; fedora-coreos-docs auto-updates.adoc). Zincati reads TOML
 * dropins from `/etc/zincati/config.d/*.toml`, later file names overriding earlier ones
 * (zincati docs/usage/configuration.md).
 */
import { Weekday } from "../../core/weekday";
import type { IgnitionConfig } from "../../ignition/config";
import { isTimezoneName } from "../../ignition/timezone";
import { checkProps, list, object, optional, type Shape, type ShapeOf, str } from "../../core/props";
import { AT, fail } from "./internal";

/** Zincati's dropin directory for the administrator's settings (zincati docs/usage/configuration.md). */
export const ZINCATI_CONFIG_DIR = "/etc/zincati/config.d";
/** The strategy dropin; the name Fedora CoreOS's docs use (auto-updates.adoc, "OS update finalization"). */
export const ZINCATI_STRATEGY_PATH = `${ZINCATI_CONFIG_DIR}/55-updates-strategy.toml`;
/** The dropin that turns updates off, sorted late so it wins (zincati docs/usage/auto-updates.md, "Disabling auto-updates"). */
export const ZINCATI_DISABLE_PATH = `${ZINCATI_CONFIG_DIR}/90-disable-auto-updates.toml`;

/** Zincati's finalization strategies, as its config spells them (updates-strategy.md). */
export enum ZincatiStrategy {
  /** Reboot as soon as an update is staged (Zincati's default). */
  IMMEDIATE = "immediate",
  /** Reboot only inside weekly maintenance windows. */
  PERIODIC = "periodic",
  /** Take a reboot slot from a FleetLock lock manager first (for example poseidon/fleetlock). */
  FLEET_LOCK = "fleet_lock",
}

/** One weekly maintenance window (`[[updates.periodic.window]]`). */
export interface ZincatiWindow {
  /** Days the window opens on (`Weekday`, the abbreviated names Zincati reads, updates-strategy.md `days`); at least one, each once. */
  readonly days: readonly Weekday[];
  /** Opening time, `hh:mm` (ISO 8601, 24-hour), in the window time zone. */
  readonly startTime: string;
  /** Length in minutes, at least 1; a window may cross into the next day. */
  readonly lengthMinutes: number;
}

/** Options for the periodic strategy. */
export interface PeriodicUpdatesOptions {
  /** The maintenance windows; at least one. */
  readonly windows: readonly ZincatiWindow[];
  /**
   * Time zone of every window: an IANA name or `localtime` (the node's /etc/localtime).
   * @default - UTC (Zincati's default, which it recommends to avoid skew and DST effects)
   */
  readonly timeZone?: string;
}

/** Options for the lock-based strategy. */
export interface FleetLockUpdatesOptions {
  /** Base URL of the FleetLock service, `http://` or `https://` (updates-strategy.md, `base_url`). */
  readonly baseUrl: string;
}

// hh:mm, 24-hour, two-digit hour (ISO 8601 as updates-strategy.md asks).
const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
// Windows recur weekly, so a longer one never closes.
const WEEK_MINUTES = 7 * 24 * 60;
// A base URL written into a TOML basic string: nothing that needs escaping there.
const URL_TEXT = /^[^\s"\\]+$/;

// The options at run time (lib/core/props.ts): options that are not an object and unknown keys
// (`timezone` for `timeZone`, `length` for `lengthMinutes`) are refused; the values keep their
// own checks below, with their messages.
const checkedBelow: Shape = () => undefined;
const WINDOW: Shape = (at, field, value) => (typeof value === "object" && value !== null && !Array.isArray(value) ? object({ days: checkedBelow, startTime: checkedBelow, lengthMinutes: checkedBelow } satisfies ShapeOf<ZincatiWindow>)(at, field, value) : undefined);
const PERIODIC_OPTIONS: Shape = object({
  windows: (at, field, value) => (Array.isArray(value) ? list(WINDOW)(at, field, value) : undefined),
  timeZone: optional(str({ fix: "give a name like `Europe/Berlin`, or `localtime`, or leave it unset for UTC" })),
} satisfies ShapeOf<PeriodicUpdatesOptions>);
const FLEET_LOCK_OPTIONS: Shape = object({ baseUrl: checkedBelow } satisfies ShapeOf<FleetLockUpdatesOptions>);

/**
 * Update behaviour for a Fedora CoreOS node: `FedoraCoreOsUpdates.immediate()`, `.periodic({ windows })`,
 * `.fleetLock({ baseUrl })` or `.disabled()`. Checked when built; written by {@link FedoraCoreOsUpdates.applyTo}.
 */
export class FedoraCoreOsUpdates {
  /** Reboot into each release as soon as it is staged (Zincati's default strategy). */
  public static immediate(): FedoraCoreOsUpdates {
    return new FedoraCoreOsUpdates(true, ZincatiStrategy.IMMEDIATE, undefined, undefined, undefined);
  }

  /** Reboot into a staged release only inside the given weekly windows. */
  public static periodic(options: PeriodicUpdatesOptions): FedoraCoreOsUpdates {
    checkProps(AT, "updates", options, PERIODIC_OPTIONS);
    const windows = options?.windows;
    if (!Array.isArray(windows) || windows.length === 0) {
      fail("updates.windows", "no maintenance window is given", "give at least one window, for example { days: [Weekday.SUNDAY], startTime: \"03:00\", lengthMinutes: 60 }");
    }
    windows.forEach((w, i) => checkWindow(w, i));
    const tz = options.timeZone;
    if (tz !== undefined && tz !== "localtime" && !isTimezoneName(tz)) {
      fail("updates.timeZone", `\`${String(tz)}\` is neither an IANA time zone name nor \`localtime\``, "give a name like `Europe/Berlin`, or `localtime`, or leave it unset for UTC");
    }
    return new FedoraCoreOsUpdates(true, ZincatiStrategy.PERIODIC, windows.map((w) => ({ ...w, days: [...w.days] })), tz, undefined);
  }

  /** Take a reboot slot from a FleetLock lock manager before rebooting, and give it back after. */
  public static fleetLock(options: FleetLockUpdatesOptions): FedoraCoreOsUpdates {
    checkProps(AT, "updates", options, FLEET_LOCK_OPTIONS);
    const base = options?.baseUrl;
    let url: URL | undefined;
    try {
      url = typeof base === "string" ? new URL(base) : undefined;
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || !URL_TEXT.test(base)) {
      fail("updates.baseUrl", `\`${String(base)}\` is not a FleetLock base URL`, "give the lock manager's http:// or https:// URL, for example `http://10.3.0.15/`");
    }
    return new FedoraCoreOsUpdates(true, ZincatiStrategy.FLEET_LOCK, undefined, undefined, base);
  }

  /**
   * No automatic updates: Zincati stays running but idle (auto-updates.md, "Disabling
   * auto-updates"); update by hand with `rpm-ostree upgrade` and a reboot.
   */
  public static disabled(): FedoraCoreOsUpdates {
    return new FedoraCoreOsUpdates(false, undefined, undefined, undefined, undefined);
  }

  private constructor(
    /** Whether Zincati updates the node. */
    public readonly enabled: boolean,
    /** The finalization strategy; undefined when updates are disabled. */
    public readonly strategy: ZincatiStrategy | undefined,
    public readonly windows: readonly ZincatiWindow[] | undefined,
    public readonly timeZone: string | undefined,
    public readonly fleetLockUrl: string | undefined,
  ) {}

  /** Where the dropin goes. */
  public get path(): string {
    return this.enabled ? ZINCATI_STRATEGY_PATH : ZINCATI_DISABLE_PATH;
  }

  /** The dropin's TOML, as updates-strategy.md and auto-updates.md write it. */
  public toml(): string {
    if (!this.enabled) return "[updates]\nenabled = false\n";
    const lines = ["[updates]", `strategy = "${this.strategy}"`];
    if (this.strategy === ZincatiStrategy.FLEET_LOCK) {
      lines.push("", "[updates.fleet_lock]", `base_url = "${this.fleetLockUrl}"`);
    }
    if (this.strategy === ZincatiStrategy.PERIODIC) {
      if (this.timeZone !== undefined) lines.push("", "[updates.periodic]", `time_zone = "${this.timeZone}"`);
      for (const w of this.windows ?? []) {
        lines.push("", "[[updates.periodic.window]]", `days = [ ${w.days.map((d) => `"${d}"`).join(", ")} ]`, `start_time = "${w.startTime}"`, `length_minutes = ${w.lengthMinutes}`);
      }
    }
    return `${lines.join("\n")}\n`;
  }

  /** Writes the dropin into `config`. */
  public applyTo(config: IgnitionConfig): void {
    config.addFile(this.path, this.toml(), { mode: 0o644 });
  }
}

function checkWindow(w: ZincatiWindow, i: number): void {
  const at = `updates.windows[${i}]`;
  const days: readonly string[] = Object.values(Weekday);
  if (!Array.isArray(w?.days) || w.days.length === 0) {
    fail(`${at}.days`, "the window opens on no day", "list the days it opens on, for example [Weekday.SATURDAY, Weekday.SUNDAY]");
  }
  const seen = new Set<string>();
  for (const d of w.days) {
    if (!days.includes(d)) fail(`${at}.days`, `\`${String(d)}\` is not a day Zincati reads`, "use Weekday.MONDAY ... Weekday.SUNDAY");
    if (seen.has(d)) fail(`${at}.days`, `\`${d}\` is listed twice`, "list each day once");
    seen.add(d);
  }
  if (typeof w.startTime !== "string" || !HH_MM.test(w.startTime)) {
    fail(`${at}.startTime`, `\`${String(w.startTime)}\` is not an hh:mm time`, "write the opening time with a two-digit hour, like `03:00` or `23:30`");
  }
  if (!Number.isInteger(w.lengthMinutes) || w.lengthMinutes < 1) {
    fail(`${at}.lengthMinutes`, `\`${String(w.lengthMinutes)}\` is not a whole number of minutes above zero`, "give the length in minutes, for example 60");
  }
  if (w.lengthMinutes > WEEK_MINUTES) {
    fail(`${at}.lengthMinutes`, `${w.lengthMinutes} minutes is longer than a week, so the weekly window never closes`, `give at most ${WEEK_MINUTES}, or use FedoraCoreOsUpdates.immediate()`);
  }
}
