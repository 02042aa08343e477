/**
 * What Flatcar and Fedora CoreOS share as Ignition OSes: the spec each release reads, the checks
 * of their update and customize props, the boot-profile plumbing, and the order in which a node's
 * config is built (host name, keys for `core`, updates, the OS's own parts, the cluster's escape
 * hatches, the user's customize hook). Each OS keeps its own parts and messages. Plain
 * TypeScript, no cdktf.
 */
import type { Encoder } from "../../core/deferred";
import { MicroOsError } from "../../core/errors";
import type { RenderedConfig } from "../../core/format";
import { NodeRole, type NodeSpec } from "../../core/node";
import type { BootProfiles, ProfileKey } from "../../core/profile";
import { IgnitionConfig } from "../../ignition/config";
import { IGNITION_FORMAT, type IgnitionSpecChoice } from "../../ignition/format";
import type { IgnitionVariant, IgnitionVersion } from "../../ignition/version";
import type { IOperatingSystem, NodeBootstrap } from "../os";
import { resolveSpec, specOfRelease, type SpecTable } from "./releases";

/** An OS's update policy: what it adds to a node's config. */
export interface IgnitionOsUpdates {
  applyTo(config: IgnitionConfig): void;
}

/** How an OS describes itself to the base. */
export interface IgnitionOsInit<U extends IgnitionOsUpdates> {
  /** Where errors point: `flatcar`, `fcos`. */
  readonly at: string;
  /** The OS's name in messages. */
  readonly name: string;
  /** What the OS reads of Ignition. */
  readonly variant: IgnitionVariant;
  /** The spec each release reads. */
  readonly specs: SpecTable;
  /** The spec the channel's (stream's) current release reads, used when no release is pinned. */
  readonly channelSpec: IgnitionVersion;
  /** The channel or stream, for messages. */
  readonly channel: string;
  /** The pinned release, if any. */
  readonly version: string | undefined;
  /** The spec asked for in props, if any. */
  readonly ignitionVersion: unknown;
  /** The update props and their defaults. */
  readonly updates: {
    /** True for a value of the OS's update type (its classes keep their constructors private). */
    readonly is: (value: unknown) => boolean;
    readonly fail: { readonly problem: string; readonly fix: string };
    readonly controller: unknown;
    readonly worker: unknown;
    readonly controllerDefault: () => U;
    readonly workerDefault: () => U;
  };
  /** The user's customize hook, checked to be a function. */
  readonly customize: unknown;
}

/** The shared half of Flatcar and Fedora CoreOS. */
export abstract class IgnitionOs<U extends IgnitionOsUpdates> implements IOperatingSystem {
  public abstract readonly name: string;
  public readonly configFormat = IGNITION_FORMAT;
  /** The pinned release, or undefined for the channel's (stream's) newest. */
  public readonly version: string | undefined;
  /** Ignition spec version of rendered configs. */
  public readonly ignitionVersion: IgnitionVersion;
  /** The spec escape hatches build in (IOperatingSystem.configSpec): {@link ignitionVersion} and {@link variant}. */
  public get configSpec(): IgnitionSpecChoice {
    return { version: this.ignitionVersion, variant: this.variant };
  }
  /** What the OS reads of Ignition (features it lacks are refused). */
  public readonly variant: IgnitionVariant;
  private readonly at: string;
  private readonly controllerUpdates: U;
  private readonly workerUpdates: U;
  private readonly customizeHook: ((config: IgnitionConfig, node: NodeBootstrap) => void) | undefined;
  private profileSet?: BootProfiles;

  protected constructor(init: IgnitionOsInit<U>) {
    const fail = (field: string, problem: string, fix: string): never => {
      throw new MicroOsError(init.at, field, problem, fix);
    };
    this.at = init.at;
    this.version = init.version;
    this.variant = init.variant;
    const reads = init.version !== undefined ? specOfRelease(init.specs, init.version)! : init.channelSpec;
    this.ignitionVersion = resolveSpec(init.at, init.specs, init.ignitionVersion, reads, init.version !== undefined ? `${init.name} ${init.version}` : `${init.name} ${init.channel}'s current release`);
    const u = init.updates;
    for (const [field, value] of [["controllerUpdates", u.controller], ["workerUpdates", u.worker]] as const) {
      if (value !== undefined && !u.is(value)) fail(field, u.fail.problem, u.fail.fix);
    }
    this.controllerUpdates = (u.controller as U | undefined) ?? u.controllerDefault();
    this.workerUpdates = (u.worker as U | undefined) ?? u.workerDefault();
    if (init.customize !== undefined && typeof init.customize !== "function") fail("customize", "the value is not a function", "pass `(config, node) => { ... }`");
    this.customizeHook = init.customize as typeof this.customizeHook;
  }

  /** The OS's boot profiles, one per platform it pairs with (each in its own file of its folder). */
  protected abstract buildProfiles(): BootProfiles;

  /** Writes the host name the OS's way. */
  protected abstract addHostname(config: IgnitionConfig, hostname: string): void;

  /** The OS's own parts after updates (time, k3s, ...). */
  protected abstract addOwnParts(config: IgnitionConfig, node: NodeBootstrap, at: string): void;

  /** An empty config of this OS's spec and variant, for checking settings at the call that gives them. */
  protected probe(): IgnitionConfig {
    return new IgnitionConfig({ version: this.ignitionVersion, variant: this.variant });
  }

  private get profiles(): BootProfiles {
    this.profileSet ??= this.buildProfiles();
    return this.profileSet;
  }

  public supportsPlatform(key: ProfileKey<unknown>): boolean {
    return this.profiles.supports(key);
  }

  public bootProfile<P>(key: ProfileKey<P>, spec: NodeSpec): P {
    return this.profiles.get(key, spec, `${this.at}/${spec.name}`);
  }

  /** Update settings a node of this role gets. */
  public updatesFor(role: NodeRole): U {
    return role === NodeRole.CONTROLLER ? this.controllerUpdates : this.workerUpdates;
  }

  /** The node's Ignition config as a builder, before rendering (for tests and inspection). */
  public configFor(node: NodeBootstrap): IgnitionConfig {
    // Named for the node, so the builder's errors (a merge clash, a duplicate path) say whose config it is.
    const at = `${this.at}/${node.spec.name}`;
    const config = new IgnitionConfig({ version: this.ignitionVersion, name: at, variant: this.variant });
    if (node.hostname !== undefined) this.addHostname(config, node.hostname);
    // Both OSes' admin user is `core`; Ignition adds the keys to its authorized_keys.
    if (node.sshKeys.length > 0) config.addSshKeys("core", node.sshKeys);
    this.updatesFor(node.spec.role).applyTo(config);
    this.addOwnParts(config, node, at);
    // The cluster's escape hatches (pool, then node), after the OS's own content; the builder
    // refuses a path or unit both define, naming both configs.
    for (const customize of node.customizers ?? []) customize(config);
    this.customizeHook?.(config, node);
    return config;
  }

  public renderNode(node: NodeBootstrap, encoder: Encoder): RenderedConfig {
    return { format: IGNITION_FORMAT, content: this.configFor(node).render({ encoder }) };
  }
}
