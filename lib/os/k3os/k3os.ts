/**
 * k3OS as an operating system for the Cluster: each node's `config.yaml` and its images.
 * k3OS is no longer maintained (rancher/k3os README); the last release is v0.22.2-k3s2r0.
 */
import type { Encoder } from "../../core/deferred";
import { imdsGuardCommand } from "../../k3s/imds-guard";
import { MicroOsError } from "../../core/errors";
import { Architecture } from "../../core/node";
import { K3osConfig, type K3osConfigProps } from "../../k3os/config";
import { K3osDelivery } from "../../k3os/validate";
import type { NodeSpec } from "../../core/node";
import { BootProfiles, type ProfileKey } from "../../core/profile";
import { K3OS_FORMAT } from "../../k3os/format";
import { AWS_BOOT_PROFILE } from "../../platform/aws/profile";
import { LIBVIRT_BOOT_PROFILE } from "../../platform/libvirt/profile";
import type { IOperatingSystem, NodeBootstrap } from "../os";
import type { RenderedConfig } from "../../core/format";
import { k3osAwsProfile } from "./aws";
import { applyK3sToK3os } from "./k3s";
import { k3osLibvirtProfile } from "./libvirt";
import { checkProps, object, oneOf, optional, type ShapeOf, str } from "../../core/props";


/** AMI ids per architecture, for images you built (k3OS publishes none). */
export interface K3osAmis {
  /** @default - amd64 nodes are refused on AWS */
  readonly amd64?: string;
  /** @default - arm64 nodes are refused on AWS */
  readonly arm64?: string;
}

/** Options for a k3OS release. */
export interface K3osProps {
  /**
   * AMIs with k3OS installed. k3OS publishes no AMIs; build one with its packer template
   * (rancher/k3os package/packer/aws, a takeover install over Ubuntu; k3os#117).
   * @default - none: AWS nodes are refused
   */
  readonly amis?: K3osAmis;
  /**
   * How the config reaches a node. Cloud user data (AWS, a NoCloud ISO) is applied in the runtime
   * phase only, and keys for earlier phases are refused there.
   * @default K3osDelivery.USER_DATA
   */
  readonly delivery?: K3osDelivery;
  /**
   * Extra config every node gets (sysctls, files, run_cmd, ...). k3s keys are filled from the
   * node's k3s settings and may not be set here.
   * @default - none
   */
  readonly config?: K3osConfigProps;
}

// K3osProps at run time, typed against the interfaces; `config` is checked by K3osConfig itself (lib/k3os/props.ts).
const AMI_ID = optional(str({ fix: "give an AMI id like ami-0123456789abcdef0" }));
const K3OS_PROPS = object({
  amis: optional(object({ amd64: AMI_ID, arm64: AMI_ID } satisfies ShapeOf<K3osAmis>)),
  delivery: optional(oneOf(K3osDelivery, "K3osDelivery")),
  config: () => undefined,
} satisfies ShapeOf<K3osProps>);

/** The k3OS release this library is tested with: the last one (FACTS.md; github.com/rancher/k3os/releases). */
export const K3OS_DEFAULT_RELEASE = "v0.22.2-k3s2r0";

// Release tags v<0>.<minor>.<patch>-k3s<N>r<M> (github.com/rancher/k3os tags, v0.19 onward).
const TAG = /^v0\.(\d{1,2})\.(\d{1,2})-k3s(\d+)r(\d+)$/;

/** k3OS, one release. */
export class K3os implements IOperatingSystem {
  /**
   * A k3OS release by tag, for example `v0.22.2-k3s2r0`.
   * @param tag @default K3OS_DEFAULT_RELEASE
   */
  public static release(tag: string = K3OS_DEFAULT_RELEASE, props: K3osProps = {}): K3os {
    checkProps("K3os", "tag", tag, str({ fix: `give a tag like "${K3OS_DEFAULT_RELEASE}"` }));
    checkProps("K3os", "", props, K3OS_PROPS);
    if (!TAG.test(tag)) {
      throw new MicroOsError("K3os", "tag", `"${tag}" is not a k3OS release tag`, `give a tag like "${K3OS_DEFAULT_RELEASE}" (github.com/rancher/k3os/releases)`);
    }
    for (const arch of Object.values(Architecture)) {
      const ami = props.amis?.[arch];
      if (ami !== undefined && !/^ami-[0-9a-f]{8}([0-9a-f]{9})?$/.test(ami)) {
        throw new MicroOsError("K3os", `amis.${arch}`, `"${ami}" is not an AMI id`, "give an id like ami-0123456789abcdef0");
      }
    }
    if (props.config?.k3sArgs || props.config?.token || props.config?.serverUrl) {
      throw new MicroOsError("K3os", "config", "k3s keys (k3sArgs, token, serverUrl) come from the node's k3s settings", "set them through the cluster's kubernetes options");
    }
    // Build once now so that bad extra config fails here, not per node.
    new K3osConfig(props.config);
    return new K3os(tag, props);
  }

  public readonly name = "k3OS";
  public readonly configFormat = K3OS_FORMAT;
  /**
   * k3OS needs at least 2 GB of RAM to boot from its ISO (a live or ISO install) and 1 GB once
   * installed; its state partition needs at least 2 GB (rancher/k3os README, "Quick Start" and
   * "Custom partition layout"). We boot the ISO on libvirt, so the larger memory figure applies.
   */
  public readonly minimums = { memoryMib: 2048, diskGib: 2 } as const;
  /** The k3s version this release bundles (tag v0.X.Y-k3sNrM carries k3s v1.X.Y+k3sN; images/10-k3s/Dockerfile at the tag). */
  public readonly k3sVersion: string;

  private constructor(
    public readonly tag: string,
    private readonly props: K3osProps,
  ) {
    const [, minor, patch, k3s] = TAG.exec(tag)!;
    this.k3sVersion = `v1.${minor}.${patch}+k3s${k3s}`;
    // Each platform pairing lives in its own file of this folder.
    this.profiles = new BootProfiles(this.name)
      .add(AWS_BOOT_PROFILE, (spec) => k3osAwsProfile(this.amiFor(spec.architecture), spec.architecture, this.minimums))
      .add(LIBVIRT_BOOT_PROFILE, (spec) => k3osLibvirtProfile(this.tag, spec.architecture, this.minimums));
  }

  private readonly profiles: BootProfiles;

  public supportsPlatform(key: ProfileKey<unknown>): boolean {
    return this.profiles.supports(key);
  }

  public bootProfile<P>(key: ProfileKey<P>, spec: NodeSpec): P {
    return this.profiles.get(key, spec, `k3os/${spec.name}`);
  }

  /** The node's k3OS config; `encoder` carries apply-time values (base64 files, jsonencode scalars). */
  public renderNode(node: NodeBootstrap, encoder: Encoder): RenderedConfig {
    return { format: K3OS_FORMAT, content: this.renderConfig(node).render({ delivery: this.props.delivery ?? K3osDelivery.USER_DATA, encoder }) };
  }

  /** The node's config as a builder (for inspection or further keys before rendering). */
  public renderConfig(node: NodeBootstrap): K3osConfig {
    const at = `k3os/${node.spec.name}`;
    const config = new K3osConfig(this.props.config);
    // k3OS's one user is `rancher`; ssh_authorized_keys go to it (README, ssh_authorized_keys).
    if (node.sshKeys.length) config.addSshKeys(...node.sshKeys);
    if (node.hostname !== undefined) config.setHostname(node.hostname);
    if (node.k3s) {
      applyK3sToK3os(config, node.k3s, { bundledK3sVersion: this.k3sVersion, at });
      // k3OS reads EC2 user data with IMDSv1 (see ./aws.ts), so pods must not reach the metadata
      // service. run_cmd runs before k3s is (re)started with the user data's config: k3OS's
      // runtime phase applies write_files, run_cmd, then k3s (rancher/k3os v0.22.2-k3s2r0
      // pkg/cc/apply.go RunApply: ApplyRuncmd before ApplyK3SInstall).
      config.addRunCmd(imdsGuardCommand());
    } else {
      // Without k3s settings the node stays a k3OS host; k3OS would still start a lone server.
      throw new MicroOsError(at, "k3s", "k3OS always runs k3s, but the node has no k3s settings", "give the cluster kubernetes options, or use Flatcar for hosts without Kubernetes");
    }
    for (const customize of node.customizers ?? []) customize(config);
    return config;
  }

  /** k3OS publishes no AMIs: the id comes from props. */
  private amiFor(architecture: Architecture): string {
    const amiId = this.props.amis?.[architecture];
    if (amiId === undefined) {
      throw new MicroOsError(
        "K3os",
        `amis.${architecture}`,
        `k3OS publishes no AMIs, and none is given for ${architecture}`,
        `build one (rancher/k3os package/packer/aws) and pass K3os.release("${this.tag}", { amis: { ${architecture}: "ami-..." } })`,
      );
    }
    return amiId;
  }
}
