/**
 * How a node's provisioning config reaches it. EC2 user data holds at most 16 KB, and Ignition on
 * AWS does not gunzip it (FACTS.md: AWS EC2 user guide; coreos/ignition#1100). A larger Ignition
 * config goes to a private S3 object, and user data carries a stub whose `ignition.config.replace`
 * points at it with a `sha512` hash (coreos/bugs#1631), fetched with the instance role.
 */
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA as S3BucketServerSideEncryptionConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { Construct, TerraformLocal, terraformEncoder, terraformLiteral } from "../../cdktf";
import { deferredMarkers, isDeferred } from "../../core/deferred";
import { MicroOsError } from "../../core/errors";
import { ConfigFormat, type RenderedConfig } from "../../os/types";
import { NAME_LIMITS, awsName } from "./names";

/** EC2's user data limit in bytes, before base64 (AWS EC2 user guide, "Instance user data"). */
export const EC2_USER_DATA_LIMIT = 16384;

/**
 * Bytes counted for each apply-time value in a config when its size is estimated: the value is
 * not known at synth, so a k3s token or a load balancer name is assumed to take at most this.
 */
export const DEFERRED_VALUE_BUDGET = 1024;

/** The size user data will have: exact for known content, an upper estimate with apply-time values. */
export function estimateUserDataBytes(content: string): number {
  const markers = deferredMarkers(content);
  let known = content;
  for (const m of markers) known = known.replace(m, "");
  return Buffer.byteLength(known, "utf8") + markers.length * DEFERRED_VALUE_BUDGET;
}

/** The Ignition spec version of a rendered config, for the stub that points at it. */
export function ignitionVersionOf(content: string): string {
  try {
    const v = (JSON.parse(content) as { ignition?: { version?: unknown } }).ignition?.version;
    if (typeof v === "string" && /^3\.\d+\.\d+/.test(v)) return v;
  } catch {
    // not JSON: fall through to the oldest version Flatcar reads
  }
  return "3.3.0";
}

/**
 * A stub Ignition config that replaces itself with the config at `source`, verified by
 * `sha512-<hex>` (Ignition spec 3.x `ignition.config.replace`; coreos/ignition docs/configuration-v3_3.md).
 */
export function ignitionReplaceStub(version: string, source: string, sha512Hex: string): string {
  return JSON.stringify({
    ignition: { version, config: { replace: { source, verification: { hash: `sha512-${sha512Hex}` } } } },
  });
}

/**
 * Text that Terraform functions (`sha512`, `base64encode`) can take: known text as it is, text
 * with apply-time values through a `locals` entry. cdktf refuses a function argument holding
 * unescaped double quotes (cdktf lib/functions/helpers.ts, stringValue), which every JSON config
 * has; a reference to a local carries none, and Terraform sees the exact text.
 */
export function terraformText(scope: Construct, id: string, text: string): string {
  return isDeferred(text) ? new TerraformLocal(scope, id, terraformLiteral(text)).asString : text;
}

/** Where a config is delivered. */
export enum DeliveryKind {
  /** Whole config in user data. */
  USER_DATA = "user-data",
  /** Config in S3, stub in user data. */
  S3 = "s3",
}

/** Decides the delivery for one config; refuses what cannot be delivered. */
export function chooseDelivery(config: RenderedConfig, limit: number, at: string): DeliveryKind {
  const size = estimateUserDataBytes(config.content);
  if (size <= limit) return DeliveryKind.USER_DATA;
  if (config.format === ConfigFormat.IGNITION) return DeliveryKind.S3;
  throw new MicroOsError(
    at,
    "config",
    `the k3OS config is about ${size} bytes, over the ${limit}-byte user data limit, and k3OS reads its config only from user data`,
    "make the config smaller (fetch large files at boot with write_files from a URL, or move manifests out of the config)",
  );
}

/** Props for {@link ConfigBucket}. */
export interface ConfigBucketProps {
  readonly clusterName: string;
  /** @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

/** A config stored in the bucket. */
export interface StoredConfig {
  /** `s3://bucket/key` (the bucket part is a token). */
  readonly url: string;
  /** The object's ARN, for the reading node's policy. */
  readonly objectArn: string;
  /** User data: the stub that replaces itself with the stored config. */
  readonly stub: string;
}

/**
 * A private bucket for provisioning configs: public access blocked, owner-enforced objects,
 * server-side encryption by default, and a policy that refuses requests without TLS.
 */
export class ConfigBucket extends Construct {
  public readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, props: ConfigBucketProps) {
    super(scope, id);
    const tags = props.tags ?? {};
    // A prefix: bucket names are global, so AWS-side uniqueness comes from the provider's suffix.
    this.bucket = new S3Bucket(this, "Resource", {
      bucketPrefix: `${awsName([props.clusterName, "config"], NAME_LIMITS.bucketPrefix - 1)}-`,
      forceDestroy: true,
      tags,
    });
    new S3BucketPublicAccessBlock(this, "public-access-block", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership", {
      bucket: this.bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    new S3BucketServerSideEncryptionConfiguration(this, "encryption", {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
    });
    new S3BucketPolicy(this, "tls-only", {
      bucket: this.bucket.id,
      // Deny on aws:SecureTransport false (S3 user guide, "Security best practices": enforce encryption in transit).
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [this.bucket.arn, `${this.bucket.arn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      }),
    });
  }

  /**
   * Stores an Ignition config under `key` (derived from a node or pool name) and returns the stub
   * that fetches it. The hash is computed here when the content is known, else by Terraform.
   */
  public addIgnition(id: string, key: string, content: string): StoredConfig {
    const text = terraformText(this, `${id}-content`, content);
    new S3Object(this, id, {
      bucket: this.bucket.id,
      key,
      content: terraformLiteral(text),
      contentType: "application/json",
      serverSideEncryption: "AES256",
    });
    const url = `s3://${this.bucket.bucket}/${key}`;
    return {
      url,
      objectArn: `${this.bucket.arn}/${key}`,
      stub: ignitionReplaceStub(ignitionVersionOf(content), url, terraformEncoder.sha512hex(text)),
    };
  }
}
