/**
 * A node's identity: an IAM role and instance profile with nothing attached but what the node
 * needs, which is at most reading its own provisioning config from S3.
 */
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "../../cdktf";
import { NAME_LIMITS, awsName } from "./names";

/** Props for {@link NodeIdentity}. */
export interface NodeIdentityProps {
  /** Name parts, for example `[cluster, node]`. */
  readonly nameParts: readonly string[];
  /** @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

/** An IAM role EC2 can assume and its instance profile. */
export class NodeIdentity extends Construct {
  /** The role, which only `ec2.amazonaws.com` may assume. */
  public readonly role: IamRole;
  /** The instance profile that gives the role to a machine (same name as the role). */
  public readonly instanceProfile: IamInstanceProfile;
  private readonly name: string;

  constructor(scope: Construct, id: string, props: NodeIdentityProps) {
    super(scope, id);
    this.name = awsName([...props.nameParts], NAME_LIMITS.iamRole);
    this.role = new IamRole(this, "Resource", {
      name: this.name,
      // Trust policy for EC2 instance profiles (IAM user guide, "Using an IAM role to grant
      // permissions to applications running on Amazon EC2 instances").
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
      tags: props.tags ?? {},
    });
    this.instanceProfile = new IamInstanceProfile(this, "profile", {
      name: this.name,
      role: this.role.name,
      tags: props.tags ?? {},
    });
  }

  /** Lets the node read exactly one S3 object (`s3:GetObject` on its ARN). */
  public allowReadObject(objectArn: string): void {
    new IamRolePolicy(this, "read-config", {
      name: "read-provisioning-config",
      role: this.role.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: objectArn }],
      }),
    });
  }
}
