/**
 * EC2 machines: a single instance (controllers, or workers placed as instances) and a worker pool
 * (a launch template and an autoscaling group that rolls through an instance refresh).
 */
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { Annotations, Construct, TerraformStack, Token, terraformEncoder, terraformLiteral } from "../../cdktf";
import { terraformText } from "./delivery";
import { NAME_LIMITS, awsName } from "./names";
import { AwsMetadataProtocol } from "./profile";

/** EBS volume types for the root disk (EC2 user guide, "Amazon EBS volume types"). */
export enum RootVolumeType {
  GP3 = "gp3",
  GP2 = "gp2",
  IO2 = "io2",
  IO1 = "io1",
}

/**
 * The sizes EBS takes per volume type, in GiB (EBS user guide, "Amazon EBS volume types": gp3
 * 1 GiB to 64 TiB since September 2025, gp2 1 GiB to 16 TiB, io2 4 GiB to 64 TiB, io1 4 GiB to
 * 16 TiB; the 64 TiB ceilings are also the largest volume EBS supports, "Amazon EBS volume constraints").
 */
export const EBS_VOLUME_GIB: Readonly<Record<RootVolumeType, { readonly min: number; readonly max: number }>> = {
  [RootVolumeType.GP3]: { min: 1, max: 65536 },
  [RootVolumeType.GP2]: { min: 1, max: 16384 },
  [RootVolumeType.IO2]: { min: 4, max: 65536 },
  [RootVolumeType.IO1]: { min: 4, max: 16384 },
};

/** Root disk settings. */
export interface RootVolume {
  readonly sizeGib: number;
  readonly type: RootVolumeType;
  /** KMS key for EBS encryption. @default - the account's default EBS key */
  readonly kmsKeyId?: string;
}

const warnedStacks = new WeakSet<object>();

/**
 * Instance metadata options for a machine whose user-data reader speaks `protocol`: IMDSv2 only
 * (`http_tokens = required`) wherever the reader sends session tokens (Ignition does: coreos/ignition
 * v2.26.0 internal/providers/aws/aws.go, `latest/api/token`), IMDSv1 allowed (`optional`) only for
 * a reader that cannot, with a warning at synth. Hop limit 1 either way, so containers cannot use
 * an IMDSv2 token (EC2 user guide, "Configure the instance metadata options"); IMDSv1 has no such
 * guard, which is why those OSes firewall pods off the address.
 */
function metadataOptions(scope: Construct, protocol: AwsMetadataProtocol | undefined) {
  const v1 = protocol === AwsMetadataProtocol.PLAIN_GET;
  // Once per stack, on the first such machine: the same words on every machine would say nothing more.
  const stack = TerraformStack.of(scope);
  if (v1 && !warnedStacks.has(stack)) {
    warnedStacks.add(stack);
    Annotations.of(scope).addWarning(
      "metadataProtocol: this OS reads EC2 user data with IMDSv1 only, so the machine allows IMDSv1 (http_tokens = optional); " +
        "any process that reaches 169.254.169.254 can read the user data, which holds the join token. The OS's config drops pod traffic to that address before k3s starts; " +
        "prefer an OS whose user-data reader uses IMDSv2 where that is not enough",
    );
  }
  return { httpEndpoint: "enabled", httpTokens: v1 ? "optional" : "required", httpPutResponseHopLimit: 1 };
}

/** Props for {@link NodeInstance}. */
export interface NodeInstanceProps {
  /** `Name` tag and hostname-like name. */
  readonly name: string;
  /** The image's AMI id. */
  readonly amiId: string;
  /** The EC2 instance type, for example `t3.medium`. */
  readonly instanceType: string;
  /** The subnet the instance is placed in. */
  readonly subnetId: string;
  /** Fixed private address. @default - DHCP from the subnet */
  readonly privateIp?: string;
  /** Security groups of the instance. */
  readonly securityGroupIds: readonly string[];
  /** Name of the IAM instance profile the instance runs with. */
  readonly instanceProfileName: string;
  /** @default - no EC2 key pair */
  readonly keyName?: string;
  /** User data text (the provider base64-encodes it). */
  readonly userData: string;
  /** The metadata protocol the OS's user-data reader speaks. @default AwsMetadataProtocol.SESSION_TOKENS */
  readonly metadataProtocol?: AwsMetadataProtocol;
  /** The root disk: size, volume type and KMS key (always encrypted, deleted with the instance). */
  readonly rootVolume: RootVolume;
  /**
   * Attributes Terraform ignores after creation (`ami`, `user_data`), so the node is not replaced
   * when they change. @default []
   */
  readonly ignoreChanges?: readonly string[];
  /** @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

/** One EC2 instance. */
export class NodeInstance extends Construct {
  /** The EC2 instance. */
  public readonly instance: Instance;
  /** Private address (fixed, or a token). */
  public readonly privateIp: string;

  constructor(scope: Construct, id: string, props: NodeInstanceProps) {
    super(scope, id);
    const tags = { ...(props.tags ?? {}), Name: props.name };
    this.instance = new Instance(this, "Resource", {
      ami: props.amiId,
      instanceType: props.instanceType,
      subnetId: props.subnetId,
      privateIp: props.privateIp,
      vpcSecurityGroupIds: [...props.securityGroupIds],
      iamInstanceProfile: props.instanceProfileName,
      keyName: props.keyName,
      userData: terraformLiteral(props.userData),
      metadataOptions: metadataOptions(this, props.metadataProtocol),
      rootBlockDevice: {
        volumeSize: props.rootVolume.sizeGib,
        volumeType: props.rootVolume.type,
        encrypted: true,
        kmsKeyId: props.rootVolume.kmsKeyId,
        deleteOnTermination: true,
        tags,
      },
      tags,
      lifecycle: props.ignoreChanges && props.ignoreChanges.length ? { ignoreChanges: [...props.ignoreChanges] } : undefined,
    });
    this.privateIp = props.privateIp ?? this.instance.privateIp;
  }
}

/** Props for {@link WorkerPool}. */
export interface WorkerPoolProps {
  /** The cluster's name, which starts the launch template's and group's names. */
  readonly clusterName: string;
  /** The pool's name, which ends the launch template's and group's names (`<clusterName>-<poolName>`). */
  readonly poolName: string;
  /** The image's AMI id. */
  readonly amiId: string;
  /** Root device of the image (`/dev/xvda` for Flatcar). */
  readonly rootDeviceName: string;
  /** The EC2 instance type of every machine, for example `t3.medium`. */
  readonly instanceType: string;
  /** Subnets the autoscaling group spreads the machines over. */
  readonly subnetIds: readonly string[];
  /** Security groups of the machines. */
  readonly securityGroupIds: readonly string[];
  /** ARN of the IAM instance profile the machines run with. */
  readonly instanceProfileArn: string;
  /** @default - no EC2 key pair */
  readonly keyName?: string;
  /** User data text; base64-encoded here as launch templates require. */
  readonly userData: string;
  /** The metadata protocol the OS's user-data reader speaks. @default AwsMetadataProtocol.SESSION_TOKENS */
  readonly metadataProtocol?: AwsMetadataProtocol;
  /** The root disk of every machine: size, volume type and KMS key (always encrypted, deleted with the machine). */
  readonly rootVolume: RootVolume;
  /** Number of machines. */
  readonly size: number;
  /** Run on spot capacity. @default false */
  readonly spot?: boolean;
  /** Ignore later `image_id` changes (Flatcar updates itself). @default true */
  readonly ignoreImageChanges?: boolean;
  /** Least share of healthy machines during a rolling refresh. @default 66 */
  readonly minHealthyPercentage?: number;
  /** @default {} */
  readonly tags?: Readonly<Record<string, string>>;
  /** Tags for the launched machines and volumes and the group, where the provider's default_tags do not reach. @default - `tags` */
  readonly launchedTags?: Readonly<Record<string, string>>;
}

/**
 * A pool of identical workers: one launch template (every machine boots the same config) and an
 * autoscaling group over the private subnets. A new launch template version (a changed config)
 * starts a rolling instance refresh.
 */
export class WorkerPool extends Construct {
  /** The launch template every machine of the pool boots from. */
  public readonly launchTemplate: LaunchTemplate;
  /** The autoscaling group, of fixed size `size`, that rolls through an instance refresh on a new template version. */
  public readonly group: AutoscalingGroup;

  constructor(scope: Construct, id: string, props: WorkerPoolProps) {
    super(scope, id);
    const name = awsName([props.clusterName, props.poolName], NAME_LIMITS.launchTemplate);
    const tags = props.tags ?? {};
    const nodeTags = { ...(props.launchedTags ?? tags), Name: name };
    this.launchTemplate = new LaunchTemplate(this, "launch-template", {
      name,
      imageId: props.amiId,
      instanceType: props.instanceType,
      keyName: props.keyName,
      // Launch templates take user data base64-encoded (EC2 API, RequestLaunchTemplateData.UserData).
      userData: terraformEncoder.base64(terraformText(this, "user-data", props.userData)),
      iamInstanceProfile: { arn: props.instanceProfileArn },
      vpcSecurityGroupIds: [...props.securityGroupIds],
      metadataOptions: metadataOptions(this, props.metadataProtocol),
      blockDeviceMappings: [
        {
          deviceName: props.rootDeviceName,
          ebs: {
            volumeSize: props.rootVolume.sizeGib,
            volumeType: props.rootVolume.type,
            encrypted: "true",
            kmsKeyId: props.rootVolume.kmsKeyId,
            deleteOnTermination: "true",
          },
        },
      ],
      instanceMarketOptions: props.spot ? { marketType: "spot" } : undefined,
      tagSpecifications: [
        { resourceType: "instance", tags: nodeTags },
        { resourceType: "volume", tags: nodeTags },
      ],
      updateDefaultVersion: true,
      tags,
      lifecycle: props.ignoreImageChanges ?? true ? { ignoreChanges: ["image_id"] } : undefined,
    });
    this.group = new AutoscalingGroup(this, "Resource", {
      name: awsName([props.clusterName, props.poolName], NAME_LIMITS.autoscalingGroup),
      minSize: props.size,
      maxSize: props.size,
      desiredCapacity: props.size,
      vpcZoneIdentifier: [...props.subnetIds],
      healthCheckType: "EC2",
      launchTemplate: { id: this.launchTemplate.id, version: Token.asString(this.launchTemplate.latestVersion) },
      // A changed launch template starts a refresh (hashicorp/aws aws_autoscaling_group,
      // instance_refresh): workers roll a few at a time.
      instanceRefresh: {
        strategy: "Rolling",
        preferences: { minHealthyPercentage: props.minHealthyPercentage ?? 66 },
      },
      // The group's tags reach the machines it launches (propagate_at_launch): the pool and role
      // tags land on every autoscaled instance, and default_tags never reach an autoscaling
      // group's tags (HashiCorp blog, "Default tags in the Terraform AWS provider").
      tag: Object.entries(nodeTags).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
    });
  }
}
