/**
 * The parts of a config format that readers of configs use: its validators and the testing kit's
 * decoder, and what they return. Plain data, no cdktf; a format fills them in beside its model.
 */

/** Options every validator takes. */
export interface ValidationOptions {
  /** Accept warnings (a validator that tells warnings from errors reports only errors). @default false */
  readonly allowWarnings?: boolean;
}

/** One check a config must pass: a schema, semantic rules, or the OS's own validator program. */
export interface ConfigValidator {
  /** Name in reports: `schema`, `semantic checks`, `ignition-validate`. */
  readonly name: string;
  /** What each problem starts with: `schema`, `k3os`. @default - the name */
  readonly prefix?: string;
  /**
   * Why the check cannot run here and how to make it (a program that is not installed); undefined
   * when it can run. A check that cannot run is left out, with a note.
   * @default - it can always run
   */
  unavailable?(): string | undefined;
  /** The problems with a config as delivered (apply-time values filled in); empty when it passes. */
  check(text: string, options: ValidationOptions): readonly string[];
}

/** A file a config writes, contents decoded. */
export interface DecodedFile {
  /** Absolute path on the node. */
  readonly path: string;
  /**
   * The file's text (its encoding undone), apply-time values as placeholders; undefined when it
   * comes from a remote source or is not UTF-8 text.
   */
  readonly contents?: string;
  /** The remote URL it is fetched from, when not inline. */
  readonly source?: string;
  /** Permission bits, for example `0o644`; undefined when the config leaves the default. */
  readonly mode?: number;
  /** Whether an existing file is replaced, when the config says. */
  readonly overwrite?: boolean;
  /** Owner's name or id, when the config sets one. */
  readonly user?: string;
  /** Group's name or id, when the config sets one. */
  readonly group?: string;
  /** Texts appended to the file, decoded like `contents`. */
  readonly appended: readonly string[];
}

/** A systemd unit a config writes or enables. */
export interface DecodedUnit {
  /** The unit's name, for example `k3s.service`. */
  readonly name: string;
  /** True when systemd enables it at first boot (`enabled`, or a link in a target's `.wants`). */
  readonly enabled: boolean;
  /** True when the config masks it. */
  readonly mask: boolean;
  /** The unit file's text, when the config writes one. */
  readonly contents?: string;
  /** Dropins by name. */
  readonly dropins: Readonly<Record<string, string>>;
}

/** A user a config configures. */
export interface DecodedUser {
  /** The user's name. */
  readonly name: string;
  /** Its authorized ssh keys, whole lines. */
  readonly sshAuthorizedKeys: readonly string[];
  /** Its supplementary groups. */
  readonly groups: readonly string[];
}

/** The k3s settings a config starts k3s with. */
export interface DecodedK3s {
  /** The k3s sub-command the node runs. */
  readonly role: "server" | "agent";
  /**
   * The settings as k3s config-file keys (flag names without `--`: `token`, `server`,
   * `node-label`; docs.k3s.io/installation/configuration), wherever the OS keeps them.
   */
  readonly config: Readonly<Record<string, unknown>>;
}

/** A config as the testing kit shows it. */
export interface DecodedConfig {
  /** The files the config writes, in order. */
  readonly files: readonly DecodedFile[];
  /** The units, or why the OS has none (`k3OS runs OpenRC, ...`). */
  readonly units: readonly DecodedUnit[] | string;
  /** The users the config configures. */
  readonly users: readonly DecodedUser[];
  /** Undefined when the config starts no k3s. */
  readonly k3s?: DecodedK3s;
}

/** How the testing kit reads a config of one format (the object its reader returned). */
export interface ConfigDecoder {
  /** Files, units, users and k3s settings. */
  decode(config: Readonly<Record<string, unknown>>): DecodedConfig;
  /**
   * The URL of the config this one is only a stub for (Ignition's `ignition.config.replace`), so
   * the kit reads the full config from where the platform stored it.
   * @default - never a stub
   */
  replacedBy?(config: Readonly<Record<string, unknown>>): string | undefined;
  /**
   * A copy of the config with `map` applied to every text it carries, encoded texts too (data
   * URLs decoded, mapped and encoded again), so placeholders show where apply-time values are.
   * @default - `map` applied to every string
   */
  mapText?(config: Readonly<Record<string, unknown>>, map: (text: string) => string): Record<string, unknown>;
  /**
   * The config as text for people to read, from the mapped object and the mapped delivered text.
   * @default - the delivered text
   */
  show?(config: Readonly<Record<string, unknown>>, text: string): string;
}
