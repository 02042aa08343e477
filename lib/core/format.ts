/**
 * Config formats: the language a node's first-boot config is written in (Ignition JSON, a k3OS
 * `config.yaml`, ...). Each config model defines its own (`IGNITION_FORMAT` in lib/ignition,
 * `K3OS_FORMAT` in lib/k3os); `C` is the model's builder, which escape hatches edit.
 */
import { MicroOsError } from "./errors";

const known = new Map<string, ConfigFormat<unknown>>();

/** A config language, typed by the builder escape hatches receive. */
export class ConfigFormat<C = unknown> {
  /** Defines a format; a name is defined once per process. */
  public static define<C>(name: string, description: string): ConfigFormat<C> {
    if (known.has(name)) {
      throw new MicroOsError("ConfigFormat", "name", `the format "${name}" is defined twice`, "define each config format once, beside its model");
    }
    const format = new ConfigFormat<C>(name, description);
    known.set(name, format);
    return format;
  }

  /** The format called `name`, once its model is loaded; undefined otherwise. */
  public static byName(name: string): ConfigFormat<unknown> | undefined {
    return known.get(name);
  }

  /** Phantom: ties the format to its builder type. */
  declare private readonly builderType?: C;

  private constructor(
    /** Short name, as the testing kit records it: `ignition`, `k3os`. */
    public readonly name: string,
    /** For messages: `Ignition JSON`. */
    public readonly description: string,
  ) {}

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
  readonly format: ConfigFormat;
  /** The config text. May hold apply-time values (cdktf tokens) rendered through a Terraform encoder. */
  readonly content: string;
}
