/**
 * Flatcar on libvirt: the qemu disk image, Ignition through QEMU fw_cfg under Flatcar's key.
 */
import { Architecture } from "../../core/node";
import { type LibvirtBootProfile, LibvirtFirmware } from "../../platform/libvirt/profile";
import type { FlatcarRelease } from "./aws";

/** The fw_cfg key Flatcar reads Ignition from (flatcar/flatcar-terraform qemu-libvirt/libvirt-machines.tf; FACTS.md). */
export const FLATCAR_FW_CFG_KEY = "opt/org.flatcar-linux/config";

/** The boot profile of a Flatcar node on libvirt. */
export function flatcarLibvirtProfile(os: FlatcarRelease, architecture: Architecture): LibvirtBootProfile {
  const release = os.version ?? "current";
  const arm = architecture === Architecture.ARM64;
  const board = arm ? "arm64-usr" : "amd64-usr";
  // amd64: the BIOS qemu image (FACTS.md, flatcar.org QEMU docs). arm64 boots only through UEFI:
  // the `qemu_uefi` image (flatcar/sysext-bakery lib/ boot helper lists
  // flatcar_production_qemu_uefi_image.img with its efi_code/efi_vars files).
  const file = arm ? "flatcar_production_qemu_uefi_image.img" : "flatcar_production_qemu_image.img";
  return {
    image: {
      kind: "disk",
      // {channel}.release.flatcar-linux.net/{board}/{version|current}/... (FACTS.md, flatcar.org quickstart)
      url: `https://${os.channelName}.release.flatcar-linux.net/${board}/${release}/${file}`,
      volumeName: `flatcar-${os.channelName}-${release}-${architecture}.qcow2`,
    },
    architecture,
    firmware: arm ? LibvirtFirmware.UEFI : LibvirtFirmware.BIOS,
    delivery: { kind: "fw-cfg", key: FLATCAR_FW_CFG_KEY },
    adminUser: "core",
    minimums: os.minimums,
  };
}
