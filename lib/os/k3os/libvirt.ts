/**
 * k3OS on libvirt: the release ISO booted through its own kernel and initrd with the kernel
 * arguments of an unattended install, the node's config.yaml on a NoCloud disk.
 */
import { Architecture } from "../../core/node";
import type { MachineMinimums } from "../../core/profile";
import { type LibvirtBootProfile, LibvirtFirmware } from "../../platform/libvirt/profile";

/** Release asset URLs of a k3OS tag (FACTS.md; github.com/rancher/k3os/releases). */
export function k3osReleaseAssets(tag: string, architecture: Architecture): { isoUrl: string; kernelUrl: string; initrdUrl: string } {
  const base = `https://github.com/rancher/k3os/releases/download/${tag}/`;
  // Assets: k3os-<arch>.iso, k3os-vmlinuz-<arch>, k3os-initrd-<arch>.
  return { isoUrl: `${base}k3os-${architecture}.iso`, kernelUrl: `${base}k3os-vmlinuz-${architecture}`, initrdUrl: `${base}k3os-initrd-${architecture}` };
}

/**
 * Kernel arguments for an unattended k3OS install that also boots the installed system later
 * (rancher/k3os README, "Automated Installation"; overlay/libexec/k3os/mode):
 * `k3os.fallback_mode=install` installs only when no K3OS_STATE partition exists, and reboots
 * afterwards (install.sh powers off only under `k3os.mode=install`); later boots find the
 * partition and run from disk. `k3os.data_sources=cdrom` makes every boot read the node's
 * config.yaml from the NoCloud ISO: k3OS's linuxkit metadata reads `user-data` from a CD labelled
 * `cidata` since rancher/k3os#467 (linuxkit/linuxkit#3503).
 */
export function k3osInstallArgs(isoUrl: string): Array<[string, string]> {
  return [
    ["console", "ttyS0"],
    ["k3os.fallback_mode", "install"],
    ["k3os.install.silent", "true"],
    ["k3os.install.device", "/dev/vda"],
    ["k3os.install.tty", "ttyS0"],
    // Only used when the attached ISO is not found.
    ["k3os.install.iso_url", isoUrl],
    ["k3os.data_sources", "cdrom"],
  ];
}

/** The boot profile of a k3OS node on libvirt. */
export function k3osLibvirtProfile(tag: string, architecture: Architecture, minimums: MachineMinimums): LibvirtBootProfile {
  const assets = k3osReleaseAssets(tag, architecture);
  return {
    image: { kind: "installer", ...assets, volumeName: `k3os-${tag}-${architecture}.iso` },
    architecture,
    // QEMU arm64 (virt) machines have no BIOS and boot through UEFI firmware; amd64 boots with SeaBIOS.
    firmware: architecture === Architecture.ARM64 ? LibvirtFirmware.UEFI : LibvirtFirmware.BIOS,
    delivery: { kind: "nocloud" },
    kernelArgs: k3osInstallArgs(assets.isoUrl),
    adminUser: "rancher",
    minimums,
  };
}
