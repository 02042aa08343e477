/**
 * Kairos on libvirt: the release's standard ISO, booted from the CD-ROM while the machine's disk
 * is empty, installs itself unattended from the config on a NoCloud disk, then reboots into the
 * installed system.
 */
import type { Architecture } from "../../core/node";
import type { MachineMinimums } from "../../core/profile";
import { type LibvirtBootProfile, LibvirtFirmware } from "../../platform/libvirt/profile";
import type { KairosArtifacts } from "./release";

/** The boot profile of a Kairos node on libvirt. */
export function kairosLibvirtProfile(artifacts: KairosArtifacts, architecture: Architecture, minimums: MachineMinimums): LibvirtBootProfile {
  return {
    // A release publishes the ISO (and its checksums and signatures) only, no kernel or initrd
    // beside it (kairos-io/kairos-factory-action reusable-factory.yaml, "GitHub Release": *.iso*),
    // so the ISO boots whole.
    image: { kind: "iso", isoUrl: artifacts.isoUrl, volumeName: artifacts.isoName },
    architecture,
    // Kairos's own QEMU tests boot the ISO with the default firmware and set OVMF only for secure
    // boot (kairos .github/workflows/reusable-qemu-test.yaml, FIRMWARE).
    firmware: LibvirtFirmware.BIOS,
    // Kairos reads user-data from a disk labelled cidata (mudler/yip datasourceProviders
    // provider_cdrom.go FindCIs("cidata"); kairos-docs installation/automated.md, "Data source").
    delivery: { kind: "nocloud" },
    adminUser: "kairos",
    minimums,
  };
}
