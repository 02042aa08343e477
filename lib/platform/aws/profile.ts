/**
 * What the AWS platform needs from an OS for one node: its boot profile on AWS. Each OS writes its
 * own in its folder (`lib/os/<os>/aws.ts`); this module names no OS and imports no cdktf, so an OS
 * can depend on it without pulling in the provider bindings.
 */
import type { Architecture } from "../../core/node";
import { type MachineMinimums, ProfileKey } from "../../core/profile";

/** How the platform finds the machine image. */
export type AwsImageSource =
  | {
      /** Look the newest matching AMI up with an `aws_ami` data source. */
      readonly kind: "lookup";
      /** Publisher account ids. */
      readonly owners: readonly string[];
      /** `name` filter, for example `Flatcar-stable-*`. @default - no name filter (give `descriptionPattern`) */
      readonly namePattern?: string;
      /** `description` filter, for example `Fedora CoreOS stable *`. @default - no description filter */
      readonly descriptionPattern?: string;
      readonly architecture: Architecture;
    }
  | {
      /** A fixed AMI id. */
      readonly kind: "id";
      readonly amiId: string;
      readonly architecture: Architecture;
    };

/**
 * A config too large for user data (or one that holds a secret) goes to a private S3 object; the
 * OS says how a node fetches it: user data that names the object's URL and its SHA-512.
 */
export interface AwsConfigFetch {
  /** User data that fetches the config at `url` (`s3://bucket/key`) and checks it against `sha512Hex`. */
  stub(url: string, sha512Hex: string): string;
  /** The stored object's media type. */
  readonly contentType: string;
  /** Ending of the object's key, for example `.ign`. */
  readonly keySuffix: string;
}

/** The instance metadata protocol a node's user-data reader speaks (EC2 user guide, "Use IMDSv2"). */
export enum AwsMetadataProtocol {
  /** IMDSv2: a PUT for a session token, then requests that carry it. The platform requires tokens. */
  SESSION_TOKENS = "IMDSv2",
  /**
   * IMDSv1 only: plain GETs without a token. The platform must leave tokens optional (and says so
   * at synth); the OS then keeps its pods away from the metadata address.
   */
  PLAIN_GET = "IMDSv1",
}

/** A node's boot profile on AWS. */
export interface AwsBootProfile {
  /**
   * How the OS's reader fetches user data from the instance metadata service.
   * @default AwsMetadataProtocol.SESSION_TOKENS
   */
  readonly metadataProtocol?: AwsMetadataProtocol;
  readonly image: AwsImageSource;
  /** The user ssh logs in as (`core` on Flatcar). */
  readonly adminUser: string;
  /** Smallest memory and root disk the OS needs. */
  readonly minimums: MachineMinimums;
  /**
   * How the node fetches a config from S3. @default - none: the config must travel whole in user
   * data, and one over the limit is refused
   */
  readonly fetch?: AwsConfigFetch;
  /** Root device of images given by id. @default - the platform's `rootDeviceName` */
  readonly rootDeviceName?: string;
}

/** The key the AWS platform reads boot profiles by. */
export const AWS_BOOT_PROFILE = new ProfileKey<AwsBootProfile>("AWS");
