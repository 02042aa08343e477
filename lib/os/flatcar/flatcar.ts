/**
 * Flatcar Container Linux as an operating system the Cluster can put on its nodes: renders each
 * node's Ignition config and names the image per platform. Plain TypeScript, no cdktf.
 */
import type { Encoder } from "../../core/deferred";
import { Architecture, NodeRole, type NodeSpec } from "../../core/node";
import { IgnitionConfig, IgnitionVersion } from "../../ignition/config";
import { BootProfiles, type ProfileKey } from "../../core/profile";
import { IGNITION_FORMAT } from "../../ignition/format";
import { AWS_BOOT_PROFILE } from "../../platform/aws/profile";
import { LIBVIRT_BOOT_PROFILE } from "../../platform/libvirt/profile";
import type { IOperatingSystem, NodeBootstrap } from "../os";
import type { RenderedConfig } from "../../core/format";
import { flatcarAwsProfile } from "./aws";
import { flatcarLibvirtProfile } from "./libvirt";
import { addHostname } from "./hostname";
import { fail } from "./internal";
import { applyK3s, K3sFlatcarInstall } from "./k3s";
import { setNtpServers, setTimezone } from "./time";
import { FlatcarUpdates, RebootStrategy } from "./updates";
import { checkProps } from "../../core/props";
import { FLATCAR_PROPS, type FlatcarProps } from "./props";
import { resolveSpec, specOfRelease } from "../ignition-os/releases";
import { FLATCAR_CHANNEL_SPECS, FLATCAR_SPECS, FLATCAR_VARIANT } from "./releases";

export type { FlatcarNodeCustomizer, FlatcarProps } from "./props";

/** A Flatcar release channel (flatcar.org releases; FACTS.md). */
export enum FlatcarChannel {
  STABLE = "stable",
  BETA = "beta",
  ALPHA = "alpha",
  LTS = "lts",
}

// Flatcar versions are MAJOR.MINOR.PATCH, for example 4081.2.0 (release server directory names).
const VERSION = /^(\d+)\.(\d+)\.(\d+)$/;
// FACTS.md: Flatcar reads Ignition spec 3.x from 3185.0.0 (the first row of FLATCAR_SPECS).
const FIRST_IGNITION_V3 = 3185;

/**
 * Flatcar Container Linux: `Flatcar.channel(FlatcarChannel.STABLE)` follows a channel,
 * `Flatcar.release(FlatcarChannel.STABLE, "4081.2.0")` pins the release nodes first boot (they
 * still update themselves unless updates are disabled).
 */
export class Flatcar implements IOperatingSystem {
  /** The newest release of a channel. */
  public static channel(channel: FlatcarChannel | `${FlatcarChannel}`, props: FlatcarProps = {}): Flatcar {
    checkProps("flatcar", "", props, FLATCAR_PROPS);
    return new Flatcar(checkChannel(channel), undefined, props);
  }

  /** A fixed release of a channel, for example `Flatcar.release(FlatcarChannel.STABLE, "4081.2.0")`. */
  public static release(channel: FlatcarChannel | `${FlatcarChannel}`, version: string, props: FlatcarProps = {}): Flatcar {
    checkProps("flatcar", "", props, FLATCAR_PROPS);
    const ch = checkChannel(channel);
    const m = typeof version === "string" ? VERSION.exec(version) : null;
    if (!m) {
      fail("version", `\`${String(version)}\` is not a Flatcar version`, "give MAJOR.MINOR.PATCH as on flatcar.org/releases, for example `4081.2.0`");
    }
    const major = Number(m[1]);
    if (major < FIRST_IGNITION_V3) {
      fail("version", `Flatcar ${version} predates Ignition spec 3 (read from ${FIRST_IGNITION_V3}.0.0)`, `pin ${FIRST_IGNITION_V3}.0.0 or newer`);
    }
    return new Flatcar(ch, version, props);
  }

  public readonly name = "Flatcar Container Linux";
  public readonly configFormat = IGNITION_FORMAT;
  /**
   * Memory and disk a Flatcar k3s node needs: 2048 MiB (a k3s server with embedded etcd and a
   * workload measured 1606 MB, docs.k3s.io reference/resource-profiling) and 8 GiB of disk
   * (Flatcar "Installing to disk": an installation requires at least 8 GB).
   */
  public readonly minimums = { memoryMib: 2048, diskGib: 8 } as const;
  /** The channel. */
  public readonly channelName: FlatcarChannel;
  /** The pinned release, or undefined for the channel's newest. */
  public readonly version: string | undefined;
  /** Ignition spec version of rendered configs. */
  public readonly ignitionVersion: IgnitionVersion;
  private readonly props: FlatcarProps;
  private readonly controllerUpdates: FlatcarUpdates;
  private readonly workerUpdates: FlatcarUpdates;
  private readonly profiles: BootProfiles;

  private constructor(channel: FlatcarChannel, version: string | undefined, props: FlatcarProps) {
    this.channelName = channel;
    this.version = version;
    this.props = props;
    const reads = version !== undefined ? specOfRelease(FLATCAR_SPECS, version)! : FLATCAR_CHANNEL_SPECS[channel];
    this.ignitionVersion = resolveSpec("flatcar", FLATCAR_SPECS, props.ignitionVersion, reads, version !== undefined ? `Flatcar ${version}` : `Flatcar ${channel}'s current release`);
    for (const [field, value] of [["controllerUpdates", props.controllerUpdates], ["workerUpdates", props.workerUpdates]] as const) {
      if (value !== undefined && !(value instanceof FlatcarUpdates)) {
        fail(field, "the value is not a FlatcarUpdates", "build it with FlatcarUpdates.automatic({...}) or FlatcarUpdates.disabled()");
      }
    }
    this.controllerUpdates = props.controllerUpdates ?? FlatcarUpdates.automatic({ strategy: RebootStrategy.OFF });
    this.workerUpdates = props.workerUpdates ?? FlatcarUpdates.automatic({ strategy: RebootStrategy.REBOOT });
    // Check time settings now, at the call that introduces them, not at the first render.
    const probe = new IgnitionConfig({ version: this.ignitionVersion, variant: FLATCAR_VARIANT });
    if (props.timezone !== undefined) setTimezone(probe, props.timezone);
    if (props.ntpServers !== undefined) setNtpServers(probe, props.ntpServers);
    if (props.k3sInstall !== undefined && !(props.k3sInstall instanceof K3sFlatcarInstall)) {
      fail("k3sInstall", "the value is not a K3sFlatcarInstall", "build it with K3sFlatcarInstall.sysext({ version, sha256 }) or K3sFlatcarInstall.binary({ version, sha256 })");
    }
    if (props.customize !== undefined && typeof props.customize !== "function") {
      fail("customize", "the value is not a function", "pass `(config, node) => { ... }`");
    }
    // Each platform pairing lives in its own file of this folder.
    this.profiles = new BootProfiles(this.name)
      .add(AWS_BOOT_PROFILE, (spec) => flatcarAwsProfile(this, checkArchitecture(spec.architecture)))
      .add(LIBVIRT_BOOT_PROFILE, (spec) => flatcarLibvirtProfile(this, checkArchitecture(spec.architecture)));
  }

  /** The k3s release `k3sInstall` installs. @default - none without `k3sInstall` */
  public get k3sVersion(): string | undefined {
    return this.props.k3sInstall?.version;
  }

  public supportsPlatform(key: ProfileKey<unknown>): boolean {
    return this.profiles.supports(key);
  }

  public bootProfile<P>(key: ProfileKey<P>, spec: NodeSpec): P {
    return this.profiles.get(key, spec, `flatcar/${spec.name}`);
  }

  /** Update settings a node of this role gets. */
  public updatesFor(role: NodeRole): FlatcarUpdates {
    return role === NodeRole.CONTROLLER ? this.controllerUpdates : this.workerUpdates;
  }

  /** The node's Ignition config as a builder, before rendering (for tests and inspection). */
  public configFor(node: NodeBootstrap): IgnitionConfig {
    // Named for the node, so the builder's errors (a merge clash, a duplicate path) say whose config it is.
    const config = new IgnitionConfig({ version: this.ignitionVersion, name: `flatcar/${node.spec.name}`, variant: FLATCAR_VARIANT });
    if (node.hostname !== undefined) addHostname(config, node.hostname);
    // Flatcar's admin user is `core`; Ignition adds the keys to its authorized_keys.
    if (node.sshKeys.length > 0) config.addSshKeys("core", node.sshKeys);
    this.updatesFor(node.spec.role).applyTo(config);
    if (this.props.timezone !== undefined) setTimezone(config, this.props.timezone);
    if (this.props.ntpServers !== undefined) setNtpServers(config, this.props.ntpServers);
    if (node.k3s) applyK3s(config, node.k3s, this.props.k3sInstall, node.spec.architecture, `flatcar/${node.spec.name}`);
    // The cluster's escape hatches (pool, then node), after the OS's own content; the builder
    // refuses a path or unit both define, naming both configs.
    for (const customize of node.customizers ?? []) customize(config);
    this.props.customize?.(config, node);
    return config;
  }

  public renderNode(node: NodeBootstrap, encoder: Encoder): RenderedConfig {
    return { format: IGNITION_FORMAT, content: this.configFor(node).render({ encoder }) };
  }
}

function checkChannel(channel: string): FlatcarChannel {
  if (!(Object.values(FlatcarChannel) as string[]).includes(channel)) {
    fail("channel", `\`${String(channel)}\` is not a Flatcar channel`, "use FlatcarChannel.STABLE, BETA, ALPHA or LTS");
  }
  return channel as FlatcarChannel;
}

function checkArchitecture(architecture: Architecture): Architecture {
  if (!Object.values(Architecture).includes(architecture)) {
    fail("architecture", `\`${String(architecture)}\` is not an architecture Flatcar publishes`, "use Architecture.AMD64 or ARM64");
  }
  return architecture;
}
