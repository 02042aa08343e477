/**
 * k3OS on AWS: an AMI the user built (k3OS publishes none), config in user data only.
 */
import type { Architecture } from "../../core/node";
import type { MachineMinimums } from "../../core/profile";
import { type AwsBootProfile, AwsMetadataProtocol } from "../../platform/aws/profile";

/** The boot profile of a k3OS node on AWS from the AMI id the user gives. */
export function k3osAwsProfile(amiId: string, architecture: Architecture, minimums: MachineMinimums): AwsBootProfile {
  return {
    image: { kind: "id", amiId, architecture },
    // k3OS's one user is `rancher` (rancher/k3os README, "Configuration Reference").
    adminUser: "rancher",
    minimums,
    // No `fetch`: k3OS reads its config from user data only (rancher/k3os pkg/cc, datasource aws).
    // Its reader is linuxkit's metadata program (rancher/k3os v0.22.2-k3s2r0
    // images/20-progs/Dockerfile builds linuxkit pkg/metadata at v0.8; overlay/etc/init.d/cloud-config
    // runs it), whose AWS provider sends plain GETs without a session token (linuxkit/linuxkit
    // pkg/metadata/provider_aws.go awsGet): IMDSv1 only. The k3OS config keeps pods off the
    // metadata address (./k3os.ts, lib/k3s/imds-guard.ts).
    metadataProtocol: AwsMetadataProtocol.PLAIN_GET,
  };
}
