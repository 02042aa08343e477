/**
 * What the libvirt platform needs from an OS for one node: its boot profile on libvirt. Each OS
 * writes its own in its folder (`lib/os/<os>/libvirt.ts`); this module names no OS and imports no
 * cdktf.
 */
import type { Architecture } from "../../core/node";
import { type MachineMinimums, ProfileKey } from "../../core/profile";

/** The image a machine boots. */
export type LibvirtImageSource =
  | {
      /** A bootable qcow2 disk image: each machine gets a copy-on-write disk on it. */
      readonly kind: "disk";
      readonly url: string;
      /** Base volume name, stable for one release, for example `flatcar-stable-current-amd64.qcow2`. */
      readonly volumeName: string;
    }
  | {
      /**
       * An installer ISO booted through its own kernel and initrd with the profile's kernel
       * arguments; the machine installs itself to its empty disk.
       */
      readonly kind: "installer";
      readonly isoUrl: string;
      readonly kernelUrl: string;
      readonly initrdUrl: string;
      /** Stem of the volume names (`<stem>.iso`, `<stem>.vmlinuz`, `<stem>.initrd`). */
      readonly volumeName: string;
    }
  | {
      /**
       * An installer ISO booted whole, for OSes that publish no kernel and initrd beside it: the
       * machine boots its disk first and, while that disk is empty, falls through to the ISO as a
       * CD-ROM, which installs the system to the disk from the delivered config.
       */
      readonly kind: "iso";
      readonly isoUrl: string;
      /** Volume name of the ISO, for example `<os>-<release>.iso`. */
      readonly volumeName: string;
    };

/** How the node's config reaches it. */
export type LibvirtConfigDelivery =
  | {
      /** A QEMU fw_cfg entry under `key` (Ignition on QEMU reads `opt/com.coreos/config` or the OS's own key). */
      readonly kind: "fw-cfg";
      readonly key: string;
    }
  | {
      /** A NoCloud config disk (ISO labelled `cidata`) holding the config as `user-data`. */
      readonly kind: "nocloud";
    };

/** Firmware a machine boots with. */
export enum LibvirtFirmware {
  BIOS = "bios",
  UEFI = "uefi",
}

/** A node's boot profile on libvirt. */
export interface LibvirtBootProfile {
  readonly image: LibvirtImageSource;
  readonly architecture: Architecture;
  readonly firmware: LibvirtFirmware;
  readonly delivery: LibvirtConfigDelivery;
  /** Kernel arguments (installer images), in order. @default [] */
  readonly kernelArgs?: ReadonlyArray<readonly [string, string]>;
  /** The user ssh logs in as. */
  readonly adminUser: string;
  /** Smallest memory and disk the OS needs. */
  readonly minimums: MachineMinimums;
}

/** The key the libvirt platform reads boot profiles by. */
export const LIBVIRT_BOOT_PROFILE = new ProfileKey<LibvirtBootProfile>("libvirt");
