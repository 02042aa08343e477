/**
 * Kairos as an operating system for the Cluster: each node's `#cloud-config` and its images.
 * Kairos is the maintained, k3OS-like system: immutable, configured by one cloud-config
 * document, k3s built into its standard images (kairos-docs; FACTS.md "Kairos").
 */
import type { Encoder } from "../../core/deferred";
import { MicroOsError } from "../../core/errors";
import { Architecture, type NodeSpec } from "../../core/node";
import { BootProfiles, type ProfileKey } from "../../core/profile";
import { KairosConfig, type KairosConfigProps } from "../../kairos/config";
import { KAIROS_FORMAT } from "../../kairos/format";
import { AWS_BOOT_PROFILE } from "../../platform/aws/profile";
import { LIBVIRT_BOOT_PROFILE } from "../../platform/libvirt/profile";
import type { IOperatingSystem, NodeBootstrap } from "../os";
import type { RenderedConfig } from "../../core/format";
import { checkProps, instance, object, optional, type Shape, type ShapeOf, str } from "../../core/props";
import { kairosAwsProfile } from "./aws";
import { applyK3sToKairos } from "./k3s";
import { kairosLibvirtProfile } from "./libvirt";
import { KAIROS_DEFAULT_RELEASE, kairosArtifacts, type KairosArtifacts, KairosFlavor, resolveRelease } from "./release";

/** Options for a Kairos release. */
export interface KairosProps {
  /**
   * The flavour the images are built from.
   * @default - the one the release publishes (Hadron v0.5.1 for v4.2.0); required for releases the library does not know
   */
  readonly flavor?: KairosFlavor;
  /**
   * The k3s release of the standard images the nodes run (each Kairos release ships three, named in
   * its asset names: `...-k3sv1.36.3+k3s1.iso`). Also the cluster's k3s version.
   * @default - the one the docs name for the release (v1.36.3+k3s1 for v4.2.0); required for releases the library does not know
   */
  readonly k3sVersion?: string;
  /**
   * AMI ids to use instead of the public ones. Kairos keeps AMIs of its four newest stable
   * releases only (kairos .github/public-cloud/cleanup-old-images-aws.sh), so an older pinned
   * release needs its own copy.
   * @default - the public AMI of the release, looked up by owner and name
   */
  readonly amis?: { readonly amd64?: string };
  /**
   * The disk an ISO-booted node installs itself to.
   * @default "/dev/vda" (the first virtio disk, as libvirt attaches the machine's disk)
   */
  readonly installDevice?: string;
  /**
   * Extra config every node gets (users, stages, files). The k3s blocks come from the node's k3s
   * settings and may not be set here.
   * @default - none
   */
  readonly config?: KairosConfigProps;
}

// KairosProps at run time (lib/core/props.ts): props that are not an object, unknown options and
// wrong types are refused at Kairos.release; the forms (tags, AMI ids, devices) keep their checks
// below, and `config` is checked by KairosConfig itself (lib/kairos/config.ts).
const KAIROS_PROPS: Shape = object({
  flavor: optional(instance(KairosFlavor, 'build it with KairosFlavor.hadron("v0.5.1") or KairosFlavor.of(name, release)')),
  k3sVersion: optional(str({ fix: 'give a k3s release tag like "v1.36.3+k3s1", one the release ships' })),
  amis: optional(object({ amd64: optional(str({ fix: "give an id like ami-0123456789abcdef0" })) })),
  installDevice: optional(str({ fix: "give a device such as /dev/vda" })),
  config: () => undefined,
} satisfies ShapeOf<KairosProps>);

/** The user Kairos images come with; it gets the cluster's ssh keys (kairos-docs reference/configuration.md, "Additional users"). */
export const KAIROS_ADMIN_USER = "kairos";

/** Kairos, one release and flavour. */
export class Kairos implements IOperatingSystem {
  /**
   * A Kairos release by tag, for example `v4.2.0`.
   * @param tag @default KAIROS_DEFAULT_RELEASE
   */
  public static release(tag: string = KAIROS_DEFAULT_RELEASE, props: KairosProps = {}): Kairos {
    checkProps("Kairos", "tag", tag, str({ fix: `give a tag like "${KAIROS_DEFAULT_RELEASE}"` }));
    checkProps("Kairos", "", props, KAIROS_PROPS);
    const { flavor, k3sVersion } = resolveRelease(tag, props.flavor, props.k3sVersion);
    const ami = props.amis?.amd64;
    if (ami !== undefined && !/^ami-[0-9a-f]{8}([0-9a-f]{9})?$/.test(ami)) {
      throw new MicroOsError("Kairos", "amis.amd64", `"${ami}" is not an AMI id`, "give an id like ami-0123456789abcdef0");
    }
    if (props.installDevice !== undefined && !/^\/dev\/\S+$/.test(props.installDevice)) {
      throw new MicroOsError("Kairos", "installDevice", `"${props.installDevice}" is not a device path`, "give a device such as /dev/vda");
    }
    if (props.config?.k3s || props.config?.k3sAgent || props.config?.install || props.config?.reset) {
      throw new MicroOsError("Kairos", "config", "the k3s, install and reset blocks come from the node's k3s settings and the release", "set k3s through the cluster's kubernetes options; use the escape hatch for anything else");
    }
    // Build once now so that bad extra config fails here, not per node.
    new KairosConfig(props.config);
    return new Kairos(tag, flavor, k3sVersion, props);
  }

  public readonly name = "Kairos";
  public readonly configFormat = KAIROS_FORMAT;
  /**
   * Hadron with k3s boots in 2 GB of RAM and an 8 GB disk at the least (kairos-docs
   * quickstart/index.md, "Bare-minimum"); the active, passive and recovery images all live on it.
   */
  public readonly minimums = { memoryMib: 2048, diskGib: 8 } as const;
  /** The k3s version of the standard images the nodes run. */
  public readonly k3sVersion: string;

  private readonly profiles: BootProfiles;

  private constructor(
    public readonly tag: string,
    public readonly flavor: KairosFlavor,
    k3sVersion: string,
    private readonly props: KairosProps,
  ) {
    this.k3sVersion = k3sVersion;
    // Each platform pairing lives in its own file of this folder.
    this.profiles = new BootProfiles(this.name)
      .add(AWS_BOOT_PROFILE, (spec) => {
        const amiId = this.props.amis?.amd64;
        const artifacts = this.artifactsFor(spec);
        return kairosAwsProfile(amiId ? { amiId } : { amiName: artifacts.amiName }, spec.architecture, this.minimums);
      })
      .add(LIBVIRT_BOOT_PROFILE, (spec) => kairosLibvirtProfile(this.artifactsFor(spec), spec.architecture, this.minimums));
  }

  public supportsPlatform(key: ProfileKey<unknown>): boolean {
    return this.profiles.supports(key);
  }

  public bootProfile<P>(key: ProfileKey<P>, spec: NodeSpec): P {
    return this.profiles.get(key, spec, `kairos/${spec.name}`);
  }

  /** The release's artifact names for an architecture (amd64 only: the release publishes no others). */
  public artifacts(architecture: Architecture = Architecture.AMD64): KairosArtifacts {
    return kairosArtifacts(this.tag, this.flavor, this.k3sVersion, architecture);
  }

  /** The node's config; `encoder` carries apply-time values (base64 files, jsonencode scalars). */
  public renderNode(node: NodeBootstrap, encoder: Encoder): RenderedConfig {
    return { format: KAIROS_FORMAT, content: this.renderConfig(node).render({ encoder }) };
  }

  /** The node's config as a builder (for inspection or further keys before rendering). */
  public renderConfig(node: NodeBootstrap): KairosConfig {
    const at = `kairos/${node.spec.name}`;
    const artifacts = this.artifactsFor(node.spec);
    const config = new KairosConfig(this.props.config);
    // Kairos's schema requires one user at least (kairos-sdk RootSchema); `admin` gives sudo
    // (kairos-docs examples/cluster-setup/multi-node.md).
    if (config.hasUser(KAIROS_ADMIN_USER)) config.addSshKeys(KAIROS_ADMIN_USER, ...node.sshKeys);
    else config.addUser({ name: KAIROS_ADMIN_USER, groups: ["admin"], sshAuthorizedKeys: node.sshKeys });
    if (node.hostname !== undefined) config.setHostname(node.hostname);
    // Booted from the ISO (libvirt): install to the disk without questions, then reboot into it
    // (kairos-docs installation/automated.md). Cloud images install by a reset instead (below),
    // so the block is unused there.
    config.setInstall({ device: this.props.installDevice ?? "/dev/vda", auto: true, reboot: true });
    // Booted from the public AMI (AWS): it resets itself at first boot (aws.md, "auto-reset mode"),
    // and the AMI is a core image without k3s (upload-cloud-images.yaml), so the reset installs the
    // release's standard image of the same flavour and k3s (aws.md, `reset.system.source`). An ISO
    // install ignores this block.
    config.setReset({ systemSource: `oci:${artifacts.standardImage}` });
    if (node.k3s) applyK3sToKairos(config, node.k3s, { bundledK3sVersion: this.k3sVersion, at });
    for (const customize of node.customizers ?? []) customize(config);
    return config;
  }

  private artifactsFor(spec: NodeSpec): KairosArtifacts {
    if (spec.architecture !== Architecture.AMD64) {
      // The release workflow builds amd64 only ("Release AMD64 artifacts", kairos .github/workflows/release.yaml),
      // and the AMIs are registered x86_64 (upload-image-to-aws.sh).
      throw new MicroOsError(`kairos/${spec.name}`, "architecture", `Kairos ${this.tag} publishes no ${spec.architecture} images`, "run Kairos nodes on amd64");
    }
    return this.artifacts(spec.architecture);
  }
}
