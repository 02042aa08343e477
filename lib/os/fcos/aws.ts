/**
 * Fedora CoreOS on AWS: its public AMIs, its admin user, and the Ignition stub that fetches a
 * config kept in S3.
 */
import type { Architecture } from "../../core/node";
import type { MachineMinimums } from "../../core/profile";
import type { IgnitionVersion } from "../../ignition/config";
import { ignitionReplaceStub } from "../../ignition/stub";
import type { AwsBootProfile } from "../../platform/aws/profile";

/** The AMI owner account Fedora publishes Fedora CoreOS from (poseidon/typhoon aws/fedora-coreos/kubernetes/ami.tf; FACTS.md). */
export const FCOS_AMI_OWNER = "125523088429";

/** What the Fedora CoreOS pairings read of the OS. */
export interface FcosRelease {
  readonly streamName: string;
  readonly version: string | undefined;
  readonly ignitionVersion: IgnitionVersion;
  readonly minimums: MachineMinimums;
}

/** The boot profile of a Fedora CoreOS node on AWS. */
export function fcosAwsProfile(os: FcosRelease, architecture: Architecture): AwsBootProfile {
  return {
    image: {
      kind: "lookup",
      owners: [FCOS_AMI_OWNER],
      // AMI descriptions are `Fedora CoreOS <stream> <version>`: typhoon ami.tf matches
      // `Fedora CoreOS <stream> *` with an architecture filter for x86_64 and arm64 images.
      descriptionPattern: `Fedora CoreOS ${os.streamName} *`,
      // AMI names are `fedora-coreos-<version>-<arch>` (Terraform modules pin `fedora-coreos-38.*.*-x86_64`);
      // a pinned release narrows the lookup to its own images.
      ...(os.version !== undefined ? { namePattern: `fedora-coreos-${os.version}-*` } : {}),
      architecture,
    },
    // Fedora CoreOS's default user is `core` (fedora-coreos-docs provisioning-aws.adoc, authentication.adoc).
    adminUser: "core",
    minimums: os.minimums,
    // User data is limited to 16 KB, and the docs keep larger or secret configs in S3 behind a
    // `config.replace` stub fetched with the instance role (provisioning-aws.adoc, "Remote
    // Ignition configuration"); the stub names the same spec version as the config.
    fetch: { stub: (url, sha512Hex) => ignitionReplaceStub(os.ignitionVersion, url, sha512Hex), contentType: "application/json", keySuffix: ".ign" },
    // The root device the docs map (provisioning-aws.adoc: `DeviceName=/dev/xvda`).
    rootDeviceName: "/dev/xvda",
  };
}
