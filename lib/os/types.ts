/**
 * What an operating system hands a platform: a node's provisioning config and the image it boots.
 * Plain data, no cdktf: the platform turns it into resources.
 */
import type { Architecture } from "../core/node";

/** The format of a provisioning config. */
export enum ConfigFormat {
  /** Ignition JSON (Flatcar). */
  IGNITION = "ignition",
  /** k3OS `config.yaml`. */
  K3OS = "k3os",
}

/** A node's rendered provisioning config. */
export interface RenderedConfig {
  readonly format: ConfigFormat;
  /** The config text. May hold apply-time values (cdktf tokens) rendered through a Terraform encoder. */
  readonly content: string;
}

/** How a platform finds the AWS machine image. */
export type AwsImageSource =
  | {
      /** Look the newest matching AMI up with an `aws_ami` data source. */
      readonly kind: "lookup";
      readonly owners: readonly string[];
      /** `name` filter, for example `Flatcar-stable-*`. */
      readonly namePattern: string;
      readonly architecture: Architecture;
    }
  | {
      /** A fixed AMI id. */
      readonly kind: "id";
      readonly amiId: string;
      readonly architecture: Architecture;
    };

/** How a platform gets the libvirt image. */
export type LibvirtImageSource =
  | {
      /** A bootable qcow2 disk image (Flatcar's qemu image): each machine gets a copy-on-write disk on it. */
      readonly kind: "disk";
      readonly url: string;
      /** Name for the base volume, stable for one release, for example `flatcar-stable-current-amd64.qcow2`. */
      readonly volumeName: string;
      readonly architecture: Architecture;
      /** The image boots through UEFI only (Flatcar arm64). */
      readonly uefi: boolean;
    }
  | {
      /** An installer ISO (k3OS): the machine boots it and installs to an empty disk. */
      readonly kind: "iso";
      readonly url: string;
      readonly volumeName: string;
      readonly architecture: Architecture;
      readonly uefi: boolean;
    };
