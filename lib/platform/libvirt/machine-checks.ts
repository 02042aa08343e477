/**
 * What a libvirt machine settles before it makes resources: its defaults (domain name, replacement
 * policy, size) and the checks of size and firmware.
 */
import { MicroOsError } from "../../core/errors";
import { Architecture, NodeRole } from "../../core/node";
import { ReplacementPolicy } from "../platform";
import { type LibvirtBootProfile, LibvirtFirmware, type LibvirtImageSource } from "./profile";

/** The machine's props, as far as its defaults and checks read them. */
export interface MachineBasicsProps {
  readonly name: string;
  readonly domainName?: string;
  readonly role?: NodeRole;
  readonly profile: LibvirtBootProfile;
  readonly vcpu?: number;
  readonly memoryMib?: number;
  readonly diskGib?: number;
  readonly replacement?: ReplacementPolicy;
  readonly uefiFirmware?: string;
}

/** A machine's settled defaults. */
export interface MachineBasics {
  readonly domainName: string;
  readonly replacement: ReplacementPolicy;
  /** The replacement policy is KEEP. */
  readonly keep: boolean;
  readonly vcpu: number;
  readonly memoryMib: number;
  readonly diskGib: number;
}

/**
 * The machine's defaults (domain name = node name, KEEP for controllers and REPLACE for others,
 * 2 vCPUs, 2048 MiB, 20 GiB), refusing CPUs that are not a positive whole number, memory or disk
 * below the OS's minimums, an arm64 or UEFI-only machine without UEFI firmware, and an installer
 * ISO on arm64 (`isoBus` says why: the bus ISOs are attached on).
 */
export function machineBasics(at: string, props: MachineBasicsProps, image: LibvirtImageSource, isoBus: string): MachineBasics {
  const { profile } = props;
  const role = props.role ?? NodeRole.WORKER;
  const replacement = props.replacement ?? (role === NodeRole.CONTROLLER ? ReplacementPolicy.KEEP : ReplacementPolicy.REPLACE);
  const vcpu = props.vcpu ?? 2;
  const memoryMib = props.memoryMib ?? 2048;
  const diskGib = props.diskGib ?? 20;
  const minimums = profile.minimums;
  if (!Number.isInteger(vcpu) || vcpu < 1) {
    throw new MicroOsError(at, "vcpu", `${vcpu} is not a positive whole number of CPUs`, "give at least 1 vCPU");
  }
  if (!Number.isInteger(memoryMib) || memoryMib < minimums.memoryMib) {
    throw new MicroOsError(at, "memoryMib", `${memoryMib} MiB is below the ${minimums.memoryMib} MiB the OS needs`, `give at least ${minimums.memoryMib} MiB`);
  }
  if (!Number.isInteger(diskGib) || diskGib < minimums.diskGib) {
    throw new MicroOsError(at, "diskGib", `${diskGib} GiB is below the ${minimums.diskGib} GiB the OS needs`, `give at least ${minimums.diskGib} GiB`);
  }
  const arch = profile.architecture;
  const uefiOnly = profile.firmware === LibvirtFirmware.UEFI;
  if ((uefiOnly || arch === Architecture.ARM64) && !props.uefiFirmware) {
    throw new MicroOsError(at, "uefiFirmware", `a ${arch} machine${uefiOnly ? " on a UEFI-only image" : ""} boots only through UEFI firmware, and none is set`, "set `uefiFirmware` to the firmware path on the host, for example `/usr/share/AAVMF/AAVMF_CODE.fd` (arm64) or `/usr/share/OVMF/OVMF_CODE.fd` (amd64)");
  }
  if (image.kind !== "disk" && arch === Architecture.ARM64) {
    throw new MicroOsError(at, "image", `an installer ISO cannot boot an arm64 machine here: ${isoBus}, which arm64 machines lack`, "run installer-booted nodes on amd64, or use an OS with a disk image on arm64");
  }
  return { domainName: props.domainName ?? props.name, replacement, keep: replacement === ReplacementPolicy.KEEP, vcpu, memoryMib, diskGib };
}
