/**
 * Config formats: the language a node's first-boot config is written in (Ignition JSON, a k3OS
 * `config.yaml`, ...). A format is a plugin: one object that carries everything about it, so the
 * cluster, the testing kit and any summary look formats up and name none. Each config model
 * defines its own (`IGNITION_FORMAT` in lib/ignition, `K3OS_FORMAT` in lib/k3os, ...); `C` is the
 * model's builder, which escape hatches edit, and `S` the spec an OS picks (a version, a variant).
 */
import { MicroOsError } from "./errors";
import type { ConfigDecoder, ConfigValidator } from "./format-parts";

export type { ConfigDecoder, ConfigValidator, DecodedConfig, DecodedFile, DecodedK3s, DecodedUnit, DecodedUser, ValidationOptions } from "./format-parts";

/** Everything a format is made of: what {@link ConfigFormat.define} takes. */
export interface ConfigFormatParts<C, S = unknown> {
  /** Short name, as the cluster records it for the testing kit: `ignition`, `k3os`. */
  readonly name: string;
  /** For messages: `Ignition JSON`. */
  readonly description: string;
  /**
   * A blank builder, for an escape hatch that holds its own content: in the spec the OS renders
   * (its `configSpec`: the version, and what the OS reads of the format), named for messages.
   */
  builder(options: { readonly spec?: S; readonly name: string }): C;
  /**
   * Adds a hatch's builder to a node's, after the OS's content. Absent for a format whose
   * builders do not merge: its hatches are customizers only.
   * @default - none
   */
  merge?(into: C, extra: C): void;
  /**
   * Reads a config as delivered (apply-time values filled in) the way the OS's own reader parses
   * it, and returns the object it reads; throws with the reader's complaint.
   */
  read(text: string): Readonly<Record<string, unknown>>;
  /** The checks a config must pass (schemas, semantic rules, the OS's own validator). */
  readonly validators: readonly ConfigValidator[];
  /** How the testing kit reads files, units, users and the k3s settings out of a read config. */
  readonly decoder: ConfigDecoder;
}

const known = new Map<string, ConfigFormat<unknown>>();

/** A config language, typed by the builder escape hatches receive and the spec an OS picks. */
export class ConfigFormat<C = unknown, S = unknown> {
  /** Defines a format; a name is defined once per process. */
  public static define<C, S = unknown>(parts: ConfigFormatParts<C, S>): ConfigFormat<C, S> {
    if (typeof parts?.name !== "string" || !/^[a-z][a-z0-9-]*$/.test(parts.name)) {
      throw new MicroOsError("ConfigFormat", "name", `${JSON.stringify(parts?.name)} is not a format name`, "use lower-case letters, digits and '-', like `ignition`");
    }
    if (known.has(parts.name)) {
      throw new MicroOsError("ConfigFormat", "name", `the format "${parts.name}" is defined twice`, "define each config format once, beside its model");
    }
    for (const key of ["builder", "read"] as const) {
      if (typeof parts[key] !== "function") throw new MicroOsError(`ConfigFormat ${parts.name}`, key, "the value is not a function", "pass a function");
    }
    if (!Array.isArray(parts.validators) || typeof parts.decoder?.decode !== "function") {
      throw new MicroOsError(`ConfigFormat ${parts.name}`, "validators, decoder", "a format needs its validators (a list) and a decoder (files, units, users, k3s)", "pass both");
    }
    const format = new ConfigFormat<C, S>(parts);
    known.set(parts.name, format as ConfigFormat<unknown>);
    return format;
  }

  /** The format called `name`, once its model is loaded; undefined otherwise. */
  public static byName(name: string): ConfigFormat<unknown> | undefined {
    return known.get(name);
  }

  /** The names of the formats loaded so far, sorted. */
  public static names(): readonly string[] {
    return [...known.keys()].sort();
  }

  /** Phantom: ties the format to its builder type. */
  declare private readonly builderType?: C;

  /** Short name, as the testing kit records it: `ignition`, `k3os`. */
  public readonly name: string;
  /** For messages: `Ignition JSON`. */
  public readonly description: string;
  /** The format's parts (builder, merge, reader, validators, decoder). */
  public readonly parts: ConfigFormatParts<C, S>;

  private constructor(parts: ConfigFormatParts<C, S>) {
    this.name = parts.name;
    this.description = parts.description;
    this.parts = parts;
  }

  /** A blank builder in `spec` (the OS's), for an escape hatch that holds its own content. */
  public builder(options: { readonly spec?: S; readonly name: string }): C {
    return this.parts.builder(options);
  }

  /** True when hatch builders of this format merge into a node's (see {@link ConfigFormatParts.merge}). */
  public get merges(): boolean {
    return this.parts.merge !== undefined;
  }

  /** Adds `extra` to `into`; refused for a format without a merge. */
  public merge(into: C, extra: C): void {
    if (!this.parts.merge) {
      throw new MicroOsError(`ConfigFormat ${this.name}`, "merge", `${this.description} builders do not merge`, "edit the node's builder with customize(format, fn)");
    }
    this.parts.merge(into, extra);
  }

  /** Reads a delivered config as the OS's reader does (see {@link ConfigFormatParts.read}). */
  public read(text: string): Readonly<Record<string, unknown>> {
    return this.parts.read(text);
  }

  /** The checks a config must pass. */
  public get validators(): readonly ConfigValidator[] {
    return this.parts.validators;
  }

  /** How the testing kit reads a config's files, units, users and k3s settings. */
  public get decoder(): ConfigDecoder {
    return this.parts.decoder;
  }

  /** The format's name. */
  public toString(): string {
    return this.name;
  }
}

/** Edits a node's config builder (an escape hatch), after the OS's own content. */
export type ConfigCustomizer<C> = (config: C) => void;

/**
 * What an operating system hands the cluster for a node, and the cluster hands the platform: its
 * rendered provisioning config. Plain data, no cdktf. Images and deliveries are in the boot
 * profiles (lib/core/profile.ts).
 */
export interface RenderedConfig {
  /** The format the config is in. */
  readonly format: ConfigFormat;
  /** The config text. May hold apply-time values (cdktf tokens) rendered through a Terraform encoder. */
  readonly content: string;
}
