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
import { Construct, TerraformLocal, lazyString, terraformEncoder, terraformLiteral } from "../../cdktf";
import { deferredMarkers, isDeferred, localEncoder } from "../../core/deferred";
import { MicroOsError } from "../../core/errors";
import type { RenderedConfig } from "../../core/format";
import type { NodeConfigSource } from "../platform";
import type { AwsConfigFetch } from "./profile";
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

/**
 * Text that Terraform functions (`sha512`, `base64encode`) can take: known text as it is, text
 * with apply-time values through a `locals` entry. cdktf refuses a function argument holding
 * unescaped double quotes (cdktf lib/functions/helpers.ts, stringValue), which every JSON config
 * has; a reference to a local carries none, and Terraform sees the exact text.
 */
export function terraformText(scope: Construct, id: string, text: string): string {
  return isDeferred(text) ? new TerraformLocal(scope, id, terraformLiteral(text)).asString : text;
}

/** Refuses a config that must travel whole in user data but is larger than `limit`. */
export function checkUserDataSize(config: RenderedConfig, limit: number, at: string): void {
  const size = estimateUserDataBytes(config.content);
  if (size <= limit) return;
  throw new MicroOsError(
    at,
    "config",
    `the ${config.format.description} is about ${size} bytes, over the ${limit}-byte user data limit, and the OS reads its config only from user data`,
    "make the config smaller (fetch large files at boot from a URL, or move manifests out of the config)",
  );
}

/** Props for {@link ConfigBucket}. */
export interface ConfigBucketProps {
  /** The cluster's name, which starts the bucket's name prefix. */
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
  /** The S3 bucket. */
  public readonly bucket: S3Bucket;
  private readonly tags: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: ConfigBucketProps) {
    super(scope, id);
    const tags = props.tags ?? {};
    this.tags = tags;
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
   * Stores a config under `key` (derived from a node or pool name) and returns the stub, made by
   * the OS's `fetch`, that fetches it. The config is rendered at synth; its hash is computed here
   * when the content is known then, else by Terraform from the stored text.
   */
  public addConfig(id: string, key: string, config: NodeConfigSource, fetch: AwsConfigFetch): StoredConfig {
    // A config with apply-time values (a secret always is one) goes through a local: Terraform
    // hashes it there, since cdktf cannot pass quoted JSON to `sha512`. Known text is stored and
    // hashed as it is.
    const local = config.holdsSecret ? new TerraformLocal(this, `${id}-content`, lazyString(() => terraformLiteral(config.render().content))) : undefined;
    const object = new S3Object(this, id, {
      bucket: this.bucket.id,
      key,
      content: local ? local.asString : lazyString(() => terraformLiteral(config.render().content)),
      contentType: fetch.contentType,
      serverSideEncryption: "AES256",
      tags: this.tags,
    });
    const url = `s3://${this.bucket.bucket}/${key}`;
    const stub = lazyString(() => {
      const content = config.render().content;
      // Without a local, a config that gained apply-time values after construction is hashed from the object's own attribute.
      const hash = !isDeferred(content) ? localEncoder.sha512hex(content) : terraformEncoder.sha512hex(local ? local.asString : object.content);
      return terraformLiteral(fetch.stub(url, hash));
    });
    return { url, objectArn: `${this.bucket.arn}/${key}`, stub };
  }
}
