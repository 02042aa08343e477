/**
 * Flatcar Container Linux as an operating system the Cluster can put on its nodes: renders each
 * node's Ignition config and names the image per platform. Plain TypeScript, no cdktf.
 */
import { Architecture } from "../../core/node";
import type { IgnitionConfig } from "../../ignition/config";
import { BootProfiles } from "../../core/profile";
import { AWS_BOOT_PROFILE } from "../../platform/aws/profile";
import { LIBVIRT_BOOT_PROFILE } from "../../platform/libvirt/profile";
import type { NodeBootstrap } from "../os";
import { IgnitionOs } from "../ignition-os/base";
import { flatcarAwsProfile } from "./aws";
import { flatcarLibvirtProfile } from "./libvirt";
import { addHostname } from "./hostname";
import { AT, fail } from "./internal";
import { applyK3s, K3sFlatcarInstall } from "./k3s";
import { setNtpServers, setTimezone } from "./time";
import { FlatcarUpdates, RebootStrategy } from "./updates";
import { checkProps } from "../../core/props";
import { FLATCAR_PROPS, type FlatcarProps } from "./props";
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
export class Flatcar extends IgnitionOs<FlatcarUpdates> {
  /** The newest release of a channel. */
  public static channel(channel: FlatcarChannel | `${FlatcarChannel}`, props: FlatcarProps = {}): Flatcar {
    checkProps(AT, "", props, FLATCAR_PROPS);
    return new Flatcar(checkChannel(channel), undefined, props);
  }

  /** A fixed release of a channel, for example `Flatcar.release(FlatcarChannel.STABLE, "4081.2.0")`. */
  public static release(channel: FlatcarChannel | `${FlatcarChannel}`, version: string, props: FlatcarProps = {}): Flatcar {
    checkProps(AT, "", props, FLATCAR_PROPS);
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
  /**
   * Memory and disk a Flatcar k3s node needs: 2048 MiB (a k3s server with embedded etcd and a
   * workload measured 1606 MB, docs.k3s.io reference/resource-profiling) and 8 GiB of disk
   * (Flatcar "Installing to disk": an installation requires at least 8 GB).
   */
  public readonly minimums = { memoryMib: 2048, diskGib: 8 } as const;
  /** The channel. */
  public readonly channelName: FlatcarChannel;
  private readonly props: FlatcarProps;

  private constructor(channel: FlatcarChannel, version: string | undefined, props: FlatcarProps) {
    super({
      at: AT,
      name: "Flatcar",
      variant: FLATCAR_VARIANT,
      specs: FLATCAR_SPECS,
      channelSpec: FLATCAR_CHANNEL_SPECS[channel],
      channel,
      version,
      ignitionVersion: props.ignitionVersion,
      updates: {
        is: (v) => v instanceof FlatcarUpdates,
        fail: { problem: "the value is not a FlatcarUpdates", fix: "build it with FlatcarUpdates.automatic({...}) or FlatcarUpdates.disabled()" },
        controller: props.controllerUpdates,
        worker: props.workerUpdates,
        controllerDefault: () => FlatcarUpdates.automatic({ strategy: RebootStrategy.OFF }),
        workerDefault: () => FlatcarUpdates.automatic({ strategy: RebootStrategy.REBOOT }),
      },
      customize: props.customize,
    });
    this.channelName = channel;
    this.props = props;
    // Check time settings now, at the call that introduces them, not at the first render.
    if (props.timezone !== undefined) setTimezone(this.probe(), props.timezone);
    if (props.ntpServers !== undefined) setNtpServers(this.probe(), props.ntpServers);
    if (props.k3sInstall !== undefined && !(props.k3sInstall instanceof K3sFlatcarInstall)) {
      fail("k3sInstall", "the value is not a K3sFlatcarInstall", "build it with K3sFlatcarInstall.sysext({ version, sha256 }) or K3sFlatcarInstall.binary({ version, sha256 })");
    }
  }

  /** The k3s release `k3sInstall` installs. @default - none without `k3sInstall` */
  public get k3sVersion(): string | undefined {
    return this.props.k3sInstall?.version;
  }

  protected buildProfiles(): BootProfiles {
    // Each platform pairing lives in its own file of this folder.
    return new BootProfiles(this.name)
      .add(AWS_BOOT_PROFILE, (spec) => flatcarAwsProfile(this, checkArchitecture(spec.architecture)))
      .add(LIBVIRT_BOOT_PROFILE, (spec) => flatcarLibvirtProfile(this, checkArchitecture(spec.architecture)));
  }

  protected addHostname(config: IgnitionConfig, hostname: string): void {
    addHostname(config, hostname);
  }

  protected addOwnParts(config: IgnitionConfig, node: NodeBootstrap, at: string): void {
    if (this.props.timezone !== undefined) setTimezone(config, this.props.timezone);
    if (this.props.ntpServers !== undefined) setNtpServers(config, this.props.ntpServers);
    if (node.k3s) applyK3s(config, node.k3s, this.props.k3sInstall, node.spec.architecture, at);
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
