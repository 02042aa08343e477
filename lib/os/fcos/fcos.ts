/**
 * Fedora CoreOS as an operating system the Cluster can put on its nodes: renders each node's
 * Ignition config and names the image per platform. Plain TypeScript, no cdktf.
 */
import { Architecture } from "../../core/node";
import { BootProfiles } from "../../core/profile";
import type { IgnitionConfig, IgnitionVersion } from "../../ignition/config";
import { addHostnameFile } from "../../ignition/hostname";
import { setTimezoneLink } from "../../ignition/timezone";
import { AWS_BOOT_PROFILE } from "../../platform/aws/profile";
import { LIBVIRT_BOOT_PROFILE } from "../../platform/libvirt/profile";
import type { NodeBootstrap } from "../os";
import { IgnitionOs } from "../ignition-os/base";
import { fcosAwsProfile } from "./aws";
import { AT, fail } from "./internal";
import { applyK3sToFcos, K3sFedoraCoreOsInstall } from "./k3s";
import { checkQemuImage, type FedoraCoreOsQemuImages, fcosLibvirtProfile } from "./libvirt";
import { FedoraCoreOsUpdates } from "./updates";
import { FCOS_SPECS, FCOS_STREAM_SPEC, FCOS_VARIANT } from "./releases";
import { checkProps, object, optional, type Shape, type ShapeOf, str } from "../../core/props";

/** A Fedora CoreOS update stream (fedora-coreos-docs update-streams.adoc). */
export enum FedoraCoreOsStream {
  STABLE = "stable",
  TESTING = "testing",
  NEXT = "next",
}

/** A hook that edits a node's Ignition config after the OS has rendered its own parts. */
export type FedoraCoreOsNodeCustomizer = (config: IgnitionConfig, node: NodeBootstrap) => void;

/** Options for a Fedora CoreOS operating system. */
export interface FedoraCoreOsProps {
  /**
   * Ignition spec version of the rendered configs; one newer than the release reads is refused.
   * Fedora CoreOS reads every spec from 3.0.0 up to its Ignition's newest (fedora-coreos-tracker
   * Design.md, "Supported Ignition Versions"); current releases of every stream ship Ignition
   * 2.26, which reads up to 3.6.0 (the table: lib/os/fcos/releases.ts `FCOS_SPECS`).
   * @default - the newest spec the release reads: 3.6.0 for a stream and for 44.x releases,
   * 3.4.0 for older pinned releases
   */
  readonly ignitionVersion?: IgnitionVersion;
  /**
   * Updates on controllers.
   * @default FedoraCoreOsUpdates.disabled(): a controller holds etcd, and Zincati's default
   * (`immediate`) would reboot controllers the moment each release is staged, two at once if the
   * release reaches them together, costing etcd its quorum. Update them one at a time by hand
   * (`rpm-ostree upgrade`, reboot), or give `FedoraCoreOsUpdates.fleetLock({ baseUrl })` with a lock
   * manager such as poseidon/fleetlock.
   */
  readonly controllerUpdates?: FedoraCoreOsUpdates;
  /**
   * Updates on workers.
   * @default FedoraCoreOsUpdates.immediate(): Zincati's own default; workers reboot into each release
   * (use `FedoraCoreOsUpdates.periodic({ windows })` to keep reboots to quiet hours)
   */
  readonly workerUpdates?: FedoraCoreOsUpdates;
  /** tz database name for every node, for example `Europe/Berlin`. @default - UTC (Fedora CoreOS's default and recommendation, time-zone.adoc) */
  readonly timezone?: string;
  /**
   * How k3s gets onto nodes that run it (`K3sFedoraCoreOsInstall.binary({ version, sha256 })`); nodes run
   * its `version`. Required once any node carries k3s settings.
   * @default - none: rendering a node with k3s fails and says to set it
   */
  readonly k3sInstall?: K3sFedoraCoreOsInstall;
  /**
   * The decompressed qemu image per architecture for libvirt nodes: a path on the libvirt host or
   * an http(s) URL of a `.qcow2`. Fedora CoreOS publishes the image only xz-compressed, which the
   * libvirt provider cannot read.
   * @default - none: libvirt nodes are refused, saying how to download the image
   */
  readonly qemuImages?: FedoraCoreOsQemuImages;
  /** Edits each node's config last, after hostname, keys, updates, time, k3s and the cluster's escape hatches. @default - none */
  readonly customize?: FedoraCoreOsNodeCustomizer;
}

// FedoraCoreOsProps at run time (lib/core/props.ts): props that are not an object, unknown options
// and wrong types are refused at the factory. The Ignition version, updates, install, images and
// hook keep their own checks (and messages) in the constructor; here they are known keys.
const checkedLater: Shape = () => undefined;
const FCOS_PROPS: Shape = object({
  ignitionVersion: checkedLater,
  controllerUpdates: checkedLater,
  workerUpdates: checkedLater,
  timezone: optional(str({ fix: 'give a tz database name such as "Europe/Berlin"' })),
  k3sInstall: checkedLater,
  qemuImages: optional(object({ amd64: checkedLater, arm64: checkedLater } satisfies ShapeOf<FedoraCoreOsQemuImages>)),
  customize: checkedLater,
} satisfies ShapeOf<FedoraCoreOsProps>);

// Versions are X.Y.Z.A: Fedora major, snapshot date, stream code, revision
// (fedora-coreos-tracker Design.md, "Version numbers").
const VERSION = /^(\d{2,3})\.(\d{8})\.(\d+)\.(\d+)$/;
// The stream code Z of official builds (same table).
const STREAM_CODE: Record<FedoraCoreOsStream, string> = { [FedoraCoreOsStream.NEXT]: "1", [FedoraCoreOsStream.TESTING]: "2", [FedoraCoreOsStream.STABLE]: "3" };

/**
 * Fedora CoreOS: `FedoraCoreOs.stream(FedoraCoreOsStream.STABLE, props)` follows a stream,
 * `FedoraCoreOs.release(FedoraCoreOsStream.STABLE, "44.20260802.3.1", props)` pins the release nodes
 * first boot (they still update themselves unless updates are disabled).
 */
export class FedoraCoreOs extends IgnitionOs<FedoraCoreOsUpdates> {
  /** The newest release of a stream. */
  public static stream(stream: FedoraCoreOsStream | `${FedoraCoreOsStream}`, props: FedoraCoreOsProps = {}): FedoraCoreOs {
    checkProps(AT, "", props, FCOS_PROPS);
    return new FedoraCoreOs(checkStream(stream), undefined, props);
  }

  /** A fixed release of a stream, for example `FedoraCoreOs.release(FedoraCoreOsStream.STABLE, "44.20260802.3.1")`. */
  public static release(stream: FedoraCoreOsStream | `${FedoraCoreOsStream}`, version: string, props: FedoraCoreOsProps = {}): FedoraCoreOs {
    checkProps(AT, "", props, FCOS_PROPS);
    const s = checkStream(stream);
    const m = typeof version === "string" ? VERSION.exec(version) : null;
    if (!m) {
      fail("version", `\`${String(version)}\` is not a Fedora CoreOS version`, "give X.Y.Z.A as on fedoraproject.org/coreos/download, for example `44.20260802.3.1`");
    }
    if (m[3] !== STREAM_CODE[s]) {
      const actual = (Object.keys(STREAM_CODE) as FedoraCoreOsStream[]).find((k) => STREAM_CODE[k] === m[3]);
      fail("version", `${version} is ${actual ? `a ${actual}` : "not a"} release, not one of ${s} (its third number is ${m[3]}; ${s} releases have ${STREAM_CODE[s]})`, actual ? `use FedoraCoreOsStream.${actual.toUpperCase()}, or pin a ${s} release` : `pin a ${s} release`);
    }
    return new FedoraCoreOs(s, version, props);
  }

  public readonly name = "Fedora CoreOS";
  /**
   * Memory and disk a Fedora CoreOS k3s node needs: 2048 MiB (a k3s server with embedded etcd and
   * a workload measured 1606 MB, docs.k3s.io reference/resource-profiling; the Fedora CoreOS
   * libvirt and QEMU guides boot with 2048 MB) and 10 GiB of disk (the root filesystem must be at
   * least 8 GiB, storage.adoc, beside the boot partitions; the guides give 10 GB disks and
   * provisioning-openstack.adoc `--min-disk=10`).
   */
  public readonly minimums = { memoryMib: 2048, diskGib: 10 } as const;
  /** The stream. */
  public readonly streamName: FedoraCoreOsStream;
  /** The decompressed qemu images for libvirt nodes. */
  public readonly qemuImages: FedoraCoreOsQemuImages;
  private readonly props: FedoraCoreOsProps;

  private constructor(stream: FedoraCoreOsStream, version: string | undefined, given: FedoraCoreOsProps) {
    const props = given ?? {};
    super({
      at: AT,
      name: "Fedora CoreOS",
      variant: FCOS_VARIANT,
      specs: FCOS_SPECS,
      channelSpec: FCOS_STREAM_SPEC,
      channel: stream,
      version,
      ignitionVersion: props.ignitionVersion,
      updates: {
        is: (v) => v instanceof FedoraCoreOsUpdates,
        fail: { problem: "the value is not a FedoraCoreOsUpdates", fix: "build it with FedoraCoreOsUpdates.immediate(), .periodic({ windows }), .fleetLock({ baseUrl }) or .disabled()" },
        controller: props.controllerUpdates,
        worker: props.workerUpdates,
        controllerDefault: () => FedoraCoreOsUpdates.disabled(),
        workerDefault: () => FedoraCoreOsUpdates.immediate(),
      },
      customize: props.customize,
    });
    this.streamName = stream;
    this.props = props;
    // Check the time zone now, at the call that introduces it, not at the first render.
    if (props.timezone !== undefined) setTimezoneLink(this.probe(), props.timezone, AT);
    if (props.k3sInstall !== undefined && !(props.k3sInstall instanceof K3sFedoraCoreOsInstall)) {
      fail("k3sInstall", "the value is not a K3sFedoraCoreOsInstall", "build it with K3sFedoraCoreOsInstall.binary({ version, sha256 })");
    }
    const images: Record<string, string> = {};
    for (const arch of Object.values(Architecture)) {
      const location = props.qemuImages?.[arch];
      if (location !== undefined) images[arch] = checkQemuImage(`qemuImages.${arch}`, location);
    }
    this.qemuImages = images;
  }

  /** The k3s release `k3sInstall` installs. @default - none without `k3sInstall` */
  public get k3sVersion(): string | undefined {
    return this.props.k3sInstall?.version;
  }

  protected buildProfiles(): BootProfiles {
    // Each platform pairing lives in its own file of this folder.
    return new BootProfiles(this.name)
      .add(AWS_BOOT_PROFILE, (spec) => fcosAwsProfile(this, checkArchitecture(spec.architecture)))
      .add(LIBVIRT_BOOT_PROFILE, (spec) => fcosLibvirtProfile(this, checkArchitecture(spec.architecture), `${AT}/${spec.name}`));
  }

  protected addHostname(config: IgnitionConfig, hostname: string): void {
    addHostnameFile(config, hostname, AT);
  }

  protected addOwnParts(config: IgnitionConfig, node: NodeBootstrap, at: string): void {
    if (this.props.timezone !== undefined) setTimezoneLink(config, this.props.timezone, AT);
    if (node.k3s) applyK3sToFcos(config, node.k3s, this.props.k3sInstall, node.spec.architecture, at);
  }
}

function checkStream(stream: string): FedoraCoreOsStream {
  if (!(Object.values(FedoraCoreOsStream) as string[]).includes(stream)) {
    fail("stream", `\`${String(stream)}\` is not a Fedora CoreOS stream`, "use FedoraCoreOsStream.STABLE, TESTING or NEXT");
  }
  return stream as FedoraCoreOsStream;
}

function checkArchitecture(architecture: Architecture): Architecture {
  if (!Object.values(Architecture).includes(architecture)) {
    fail("architecture", `\`${String(architecture)}\` is not an architecture Fedora CoreOS publishes for AWS and QEMU`, "use Architecture.AMD64 or ARM64");
  }
  return architecture;
}
