/**
 * What a libvirt machine settles before it makes resources: its defaults (domain name, replacement
 * policy, size) and the checks of size and firmware.
 */
import { MicroOsError } from "../../core/errors";
import { Architecture, NodeRole } from "../../core/node";
import { ReplacementPolicy } from "../platform";
import { type LibvirtBootProfile, LibvirtFirmware, type LibvirtImageSource } from "./profile";

// The most vCPUs QEMU gives a machine of the type the platform picks: q35 (amd64) takes 4096
// (qemu hw/i386/pc_q35.c pc_q35_machine_options, max_cpus, QEMU 9.0 on; 1024 before), virt
// (arm64) 512 (qemu hw/arm/virt.c virt_machine_class_init, max_cpus, "the maximum supported by KVM").
const QEMU_Q35_MAX_CPUS = 4096;
const QEMU_VIRT_MAX_CPUS = 512;
// QEMU's guests address at most 52 bits of physical memory on x86_64 and aarch64 (qemu
// target/i386/cpu-param.h and target/arm/cpu-param.h, TARGET_PHYS_ADDR_SPACE_BITS 52): 4 PiB.
const GUEST_MAX_MEMORY_MIB = 2 ** 52 / 2 ** 20;
// A qcow2 disk with the default 64 KiB clusters holds at most 2 PiB (qemu block/qcow2.h: "32 MB
// L1 table is enough for 2 PB images at 64k cluster size", QCOW_MAX_L1_SIZE); Debian's qemu-img
// 7.2 creates 2048T and refuses 2049T ("The image size is too large for file format 'qcow2'").
const QCOW2_MAX_DISK_GIB = 2 ** 51 / 2 ** 30;

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
 * below the OS's minimums or above what QEMU's machine and a qcow2 disk hold, an arm64 or UEFI-only machine without UEFI firmware, and an installer
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
  const maxVcpu = profile.architecture === Architecture.ARM64 ? QEMU_VIRT_MAX_CPUS : QEMU_Q35_MAX_CPUS;
  if (vcpu > maxVcpu) {
    throw new MicroOsError(at, "vcpu", `${vcpu} vCPUs are more than QEMU's ${profile.architecture === Architecture.ARM64 ? "virt" : "q35"} machine takes (${maxVcpu})`, `give at most ${maxVcpu} vCPUs`);
  }
  if (memoryMib > GUEST_MAX_MEMORY_MIB) {
    throw new MicroOsError(at, "memoryMib", `${memoryMib} MiB is more than a guest's ${GUEST_MAX_MEMORY_MIB} MiB (4 PiB, 52-bit physical addresses)`, "give the memory in MiB, for example 4096");
  }
  if (!Number.isInteger(memoryMib) || memoryMib < minimums.memoryMib) {
    throw new MicroOsError(at, "memoryMib", `${memoryMib} MiB is below the ${minimums.memoryMib} MiB the OS needs`, `give at least ${minimums.memoryMib} MiB`);
  }
  if (!Number.isInteger(diskGib) || diskGib < minimums.diskGib) {
    throw new MicroOsError(at, "diskGib", `${diskGib} GiB is below the ${minimums.diskGib} GiB the OS needs`, `give at least ${minimums.diskGib} GiB`);
  }
  if (diskGib > QCOW2_MAX_DISK_GIB) {
    throw new MicroOsError(at, "diskGib", `${diskGib} GiB is more than a qcow2 disk holds (${QCOW2_MAX_DISK_GIB} GiB, 2 PiB, at QEMU's default 64 KiB clusters)`, `give at most ${QCOW2_MAX_DISK_GIB} GiB`);
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
