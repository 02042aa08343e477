/**
 * Flatcar on AWS: its public AMIs, its admin user, and the Ignition stub that fetches a config
 * kept in S3.
 */
import { Architecture } from "../../core/node";
import type { MachineMinimums } from "../../core/profile";
import type { IgnitionVersion } from "../../ignition/config";
import { ignitionReplaceStub } from "../../ignition/stub";
import type { AwsBootProfile } from "../../platform/aws/profile";

/** The AMI owner account Flatcar publishes from (poseidon/typhoon aws/flatcar-linux/kubernetes/ami.tf; FACTS.md). */
export const FLATCAR_AMI_OWNER = "075585003325";

/** What the Flatcar pairings read of the OS. */
export interface FlatcarRelease {
  readonly channelName: string;
  readonly version: string | undefined;
  readonly ignitionVersion: IgnitionVersion;
  readonly minimums: MachineMinimums;
}

/** The boot profile of a Flatcar node on AWS. */
export function flatcarAwsProfile(os: FlatcarRelease, architecture: Architecture): AwsBootProfile {
  // AMI names are `Flatcar-<channel>-<version>-hvm` (flatcar/Flatcar#947 names
  // `Flatcar-stable-2905.2.6-hvm`); typhoon ami.tf matches `Flatcar-<channel>-*` plus the
  // architecture filter, which tells amd64 and arm64 images apart.
  const namePattern = os.version ? `Flatcar-${os.channelName}-${os.version}-*` : `Flatcar-${os.channelName}-*`;
  return {
    image: { kind: "lookup", owners: [FLATCAR_AMI_OWNER], namePattern, architecture },
    // Flatcar's admin user is `core` (flatcar.org docs, "Customizing the SSH daemon").
    adminUser: "core",
    minimums: os.minimums,
    // Ignition on AWS fetches `s3://` sources with the instance role (coreos/ignition
    // internal/resource/url.go); the stub names the same spec version as the config.
    fetch: { stub: (url, sha512Hex) => ignitionReplaceStub(os.ignitionVersion, url, sha512Hex), contentType: "application/json", keySuffix: ".ign" },
    // Flatcar's root device on EC2 (typhoon aws/flatcar-linux workers.tf).
    rootDeviceName: "/dev/xvda",
  };
}
