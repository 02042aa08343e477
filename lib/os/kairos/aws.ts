/**
 * Kairos on AWS: the public AMIs Kairos publishes, config in user data only.
 */
import type { Architecture } from "../../core/node";
import type { MachineMinimums } from "../../core/profile";
import { type AwsBootProfile, AwsMetadataProtocol } from "../../platform/aws/profile";

/**
 * The account Kairos publishes its public AMIs from (kairos-docs installation/cloud-servers/aws.md,
 * "Verify the AMI"; kairos .github/workflows/upload-cloud-images.yaml assumes a role in it).
 */
export const KAIROS_AMI_OWNER = "171987620676";

/** The boot profile of a Kairos node on AWS: a lookup by owner and AMI name, or a fixed id. */
export function kairosAwsProfile(image: { amiName: string } | { amiId: string }, architecture: Architecture, minimums: MachineMinimums): AwsBootProfile {
  return {
    image: "amiId" in image ? { kind: "id", amiId: image.amiId, architecture } : { kind: "lookup", owners: [KAIROS_AMI_OWNER], namePattern: image.amiName, architecture },
    // The config's `kairos` user, the one Kairos images come with (kairos-docs reference/configuration.md, "Additional users").
    adminUser: "kairos",
    minimums,
    // No `fetch`: Kairos reads EC2 user data itself (aws.md, "User data"; mudler/yip datasource
    // provider_aws.go) and has no stub that fetches from S3, so the config travels whole.
    // yip's AWS datasource sends plain GETs to 169.254.169.254 without a session token (mudler/yip
    // v1.24.0 pkg/plugins/datasourceProviders/provider_aws.go awsGet): IMDSv1 only. The k3s unit
    // keeps pods off the metadata address (./k3s.ts, lib/k3s/imds-guard.ts).
    metadataProtocol: AwsMetadataProtocol.PLAIN_GET,
    // Root device of the registered AMI (upload-image-to-aws.sh, register-image --root-device-name).
    rootDeviceName: "/dev/xvda",
  };
}
