/**
 * AWS resource names: derived from the cluster and node names (never list positions), shortened
 * with a hash when a resource kind's length limit would cut them.
 */
import { createHash } from "node:crypto";

/**
 * `parts` joined by `-`, at most `max` characters: names that fit are kept as they are, longer
 * ones are cut and end in 8 hex characters of their SHA-256 so two long names stay distinct.
 */
export function awsName(parts: readonly string[], max: number): string {
  const full = parts.filter((p) => p.length > 0).join("-");
  if (full.length <= max) return full;
  const hash = createHash("sha256").update(full).digest("hex").slice(0, 8);
  return `${full.slice(0, max - 9).replace(/-+$/, "")}-${hash}`;
}

// Name length limits from the AWS API references: load balancer and target group names 32
// (ElasticLoadBalancingV2 CreateLoadBalancer / CreateTargetGroup), IAM role and instance profile
// names 64 (IAM CreateRole), launch template names 128 (EC2 CreateLaunchTemplate), Auto Scaling
// group names 255 (CreateAutoScalingGroup), S3 bucket_prefix 37 (hashicorp/aws aws_s3_bucket docs).
export const NAME_LIMITS = {
  loadBalancer: 32,
  targetGroup: 32,
  iamRole: 64,
  launchTemplate: 128,
  autoscalingGroup: 255,
  bucketPrefix: 37,
  securityGroup: 255,
} as const;
