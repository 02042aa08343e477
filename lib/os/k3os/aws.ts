/**
 * k3OS on AWS: an AMI the user built (k3OS publishes none), config in user data only.
 */
import type { Architecture } from "../../core/node";
import type { MachineMinimums } from "../../core/profile";
import type { AwsBootProfile } from "../../platform/aws/profile";

/** The boot profile of a k3OS node on AWS from the AMI id the user gives. */
export function k3osAwsProfile(amiId: string, architecture: Architecture, minimums: MachineMinimums): AwsBootProfile {
  return {
    image: { kind: "id", amiId, architecture },
    // k3OS's one user is `rancher` (rancher/k3os README, "Configuration Reference").
    adminUser: "rancher",
    minimums,
    // No `fetch`: k3OS reads its config from user data only (rancher/k3os pkg/cc, datasource aws).
  };
}
