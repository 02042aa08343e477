/**
 * Machine images on AWS: the OS names an image (`AwsImageSource`); the image policy decides
 * whether later releases are followed or an id is pinned.
 */
import { DataAwsAmi } from "@cdktf/provider-aws/lib/data-aws-ami";
import { Construct } from "../../cdktf";
import { Architecture } from "../../core/node";
import { MicroOsError } from "../../core/errors";
import { checkProps, object, optional, type Shape, type ShapeOf, str } from "../../core/props";
import type { AwsImageSource } from "./profile";

/** Which image policy. */
export enum AwsImagePolicyKind {
  /**
   * Look the newest image up at each plan, and ignore later image changes on existing machines
   * and launch templates: Flatcar updates itself in place, so a new AMI must not replace nodes.
   */
  TRACK_NEWEST_IGNORE_CHANGES = "track-newest-ignore-changes",
  /** Use the given AMI ids; changing one rolls workers (controllers still follow their own update policy). */
  PIN = "pin",
}

/** AMI ids per architecture. */
export interface PinnedAmis {
  readonly amd64?: string;
  readonly arm64?: string;
}

// EC2 image ids: `ami-` and 8 or 17 hex digits (EC2 API reference, "Resource IDs").
const AMI_ID = /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/;

/** True when `id` looks like an EC2 image id. */
export function isAmiId(id: string): boolean {
  return AMI_ID.test(id);
}

// PinnedAmis at run time: unknown architectures (`x86_64`) are refused, the ids checked below.
const PINNED_AMIS: Shape = object({ amd64: optional(str({ fix: 'give "ami-" and 8 or 17 hex digits' })), arm64: optional(str({ fix: 'give "ami-" and 8 or 17 hex digits' })) } satisfies ShapeOf<PinnedAmis>);

/** How machines pick their AMI. */
export class AwsImagePolicy {
  /** Follow the OS's newest image; never replace a machine because a newer one appears. (The default.) */
  public static trackNewestIgnoreChanges(): AwsImagePolicy {
    return new AwsImagePolicy(AwsImagePolicyKind.TRACK_NEWEST_IGNORE_CHANGES, {});
  }

  /** Use these AMI ids instead of what the OS would look up. */
  public static pin(amis: PinnedAmis): AwsImagePolicy {
    checkProps("AwsImagePolicy.pin", "amis", amis, PINNED_AMIS);
    for (const [arch, id] of Object.entries(amis)) {
      if (id !== undefined && !isAmiId(id)) {
        throw new MicroOsError("AwsImagePolicy.pin", arch, `"${id}" is not an AMI id`, 'give "ami-" and 8 or 17 hex digits');
      }
    }
    return new AwsImagePolicy(AwsImagePolicyKind.PIN, amis);
  }

  private constructor(
    public readonly kind: AwsImagePolicyKind,
    public readonly amis: PinnedAmis,
  ) {}

  /** Launch templates and instances ignore later image changes. */
  public get ignoresImageChanges(): boolean {
    return this.kind === AwsImagePolicyKind.TRACK_NEWEST_IGNORE_CHANGES;
  }
}

/** An image resolved for machines. */
export interface ResolvedImage {
  /** AMI id (a token for a lookup). */
  readonly amiId: string;
  readonly architecture: Architecture;
  /** Root device name (a token for a lookup; else the given default). */
  readonly rootDeviceName: string;
}

/** Props for {@link ClusterImages}. */
export interface ClusterImagesProps {
  /** Whether images are looked up (the newest) or pinned by AMI id. */
  readonly policy: AwsImagePolicy;
  /** Root device of images given by id. @default "/dev/xvda" (Flatcar's, per typhoon aws/flatcar-linux workers.tf) */
  readonly rootDeviceName?: string;
}

/**
 * Resolves image sources to AMI ids: one `aws_ami` data source per distinct lookup (its id is
 * derived from the name pattern and architecture), fixed ids as they are.
 */
export class ClusterImages extends Construct {
  private readonly lookups = new Map<string, DataAwsAmi>();

  constructor(
    scope: Construct,
    id: string,
    private readonly props: ClusterImagesProps,
  ) {
    super(scope, id);
  }

  /** The image for `source` under the policy. */
  public resolve(source: AwsImageSource, at: string, profileRootDevice?: string): ResolvedImage {
    const rootDeviceName = this.props.rootDeviceName ?? profileRootDevice ?? "/dev/xvda";
    if (this.props.policy.kind === AwsImagePolicyKind.PIN) {
      const pinned = this.props.policy.amis[source.architecture];
      if (!pinned) {
        throw new MicroOsError(at, "image", `the image policy pins no AMI for ${source.architecture}`, `add ${source.architecture}: "ami-..." to AwsImagePolicy.pin()`);
      }
      return { amiId: pinned, architecture: source.architecture, rootDeviceName };
    }
    if (source.kind === "id") {
      if (!isAmiId(source.amiId)) {
        throw new MicroOsError(at, "image.amiId", `"${source.amiId}" is not an AMI id`, 'give "ami-" and 8 or 17 hex digits');
      }
      return { amiId: source.amiId, architecture: source.architecture, rootDeviceName };
    }
    const pattern = source.namePattern ?? source.descriptionPattern;
    if (pattern === undefined) {
      throw new MicroOsError(at, "image", "an AMI lookup without a name or description pattern would match every image of the owner", "give namePattern or descriptionPattern in the OS's AWS profile");
    }
    const key = `${pattern.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "")}-${source.architecture}`;
    let ami = this.lookups.get(key);
    if (!ami) {
      if (source.owners.length === 0) {
        throw new MicroOsError(at, "image.owners", "an AMI lookup without owners could match anyone's image", "give the publisher's account id");
      }
      ami = new DataAwsAmi(this, key, {
        owners: [...source.owners],
        mostRecent: true,
        // Filters as typhoon aws/flatcar-linux/kubernetes/ami.tf: name, architecture, virtualization-type.
        filter: [
          ...(source.namePattern !== undefined ? [{ name: "name", values: [source.namePattern] }] : []),
          ...(source.descriptionPattern !== undefined ? [{ name: "description", values: [source.descriptionPattern] }] : []),
          { name: "architecture", values: [ec2Architecture(source.architecture)] },
          { name: "virtualization-type", values: ["hvm"] },
        ],
      });
      this.lookups.set(key, ami);
    }
    return { amiId: ami.id, architecture: source.architecture, rootDeviceName: ami.rootDeviceName };
  }
}

/** EC2's spelling of an architecture (`x86_64`, `arm64`; EC2 DescribeImages `architecture` filter). */
export function ec2Architecture(a: Architecture): string {
  return a === Architecture.ARM64 ? "arm64" : "x86_64";
}
