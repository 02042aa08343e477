/**
 * Fedora CoreOS on libvirt: the qemu disk image, Ignition through QEMU fw_cfg under the key
 * Fedora CoreOS reads.
 */
import { createHash } from "node:crypto";
import { Architecture } from "../../core/node";
import { MicroOsError } from "../../core/errors";
import { type LibvirtBootProfile, LibvirtFirmware } from "../../platform/libvirt/profile";
import type { FcosRelease } from "./aws";
import { AT } from "./internal";

/** The fw_cfg key Fedora CoreOS reads Ignition from on QEMU (fedora-coreos-docs provisioning-qemu.adoc, getting-started-libvirt.adoc). */
export const FCOS_FW_CFG_KEY = "opt/com.coreos/config";

/** Decompressed qemu images per architecture, as local paths or URLs. */
export interface FedoraCoreOsQemuImages {
  /** @default - amd64 nodes are refused on libvirt */
  readonly amd64?: string;
  /** @default - arm64 nodes are refused on libvirt */
  readonly arm64?: string;
}

/** What the libvirt pairing reads of the OS besides the release. */
export interface FcosLibvirtRelease extends FcosRelease {
  readonly qemuImages: FedoraCoreOsQemuImages;
}

/** Stream metadata's architecture names (builds.coreos.fedoraproject.org/streams/<stream>.json `architectures`). */
export function fcosArchitecture(architecture: Architecture): string {
  return architecture === Architecture.ARM64 ? "aarch64" : "x86_64";
}

/**
 * Why a qemu image must be given: Fedora CoreOS publishes its qemu image only xz-compressed (the
 * stream metadata lists `artifacts.qemu.formats["qcow2.xz"]`, and the docs download it with
 * `coreos-installer download -p qemu -f qcow2.xz --decompress`), and the libvirt provider does
 * not decompress a volume's source (dmacvicar/terraform-provider-libvirt#390, #653). Release URLs
 * under /prod/streams are not a stable layout either: fedora-coreos-tracker Design.md, "Bucket
 * Layout", tells tools to read artifact URLs from the stream metadata.
 */
const WHY = "Fedora CoreOS publishes its qemu image only as qcow2.xz, which the libvirt provider cannot decompress";

/** Checks a qemu image location at the call that gives it. */
export function checkQemuImage(field: string, location: unknown): string {
  if (typeof location !== "string" || !(/^\/\S+$/.test(location) || /^https?:\/\/[^\s/]+\/\S+$/.test(location))) {
    throw new MicroOsError(AT, field, `\`${String(location)}\` is neither an absolute path nor an http(s) URL`, "give the path of the decompressed qcow2 on the libvirt host, for example `/var/lib/libvirt/images/fedora-coreos-qemu.x86_64.qcow2`");
  }
  if (/\.(xz|gz|zst)$/.test(location)) {
    throw new MicroOsError(AT, field, `\`${location}\` is compressed; ${WHY}`, "decompress it first (`coreos-installer download -p qemu -f qcow2.xz --decompress` does both) and give the .qcow2");
  }
  return location;
}

/** The boot profile of a Fedora CoreOS node on libvirt. */
export function fcosLibvirtProfile(os: FcosLibvirtRelease, architecture: Architecture, at: string): LibvirtBootProfile {
  const url = os.qemuImages[architecture];
  if (url === undefined) {
    const arch = fcosArchitecture(architecture);
    throw new MicroOsError(
      at,
      `qemuImages.${architecture}`,
      `no qemu image is given for ${architecture}; ${WHY}`,
      `download and decompress it on the libvirt host (\`coreos-installer download -s ${os.streamName} -a ${arch} -p qemu -f qcow2.xz --decompress\`) and pass its path as \`qemuImages: { ${architecture}: "/var/lib/libvirt/images/fedora-coreos-...-qemu.${arch}.qcow2" }\``,
    );
  }
  // Stable for one release and image: the release when pinned, else a digest of the location.
  const tag = os.version ?? createHash("sha256").update(url).digest("hex").slice(0, 10);
  return {
    image: { kind: "disk", url, volumeName: `fcos-${os.streamName}-${tag}-${architecture}.qcow2` },
    architecture,
    // x86_64 images boot BIOS or UEFI ("dual EFI/BIOS", fedora-coreos-tracker Design.md "Disk
    // Layout"); aarch64 has no BIOS boot, so it boots UEFI.
    firmware: architecture === Architecture.ARM64 ? LibvirtFirmware.UEFI : LibvirtFirmware.BIOS,
    delivery: { kind: "fw-cfg", key: FCOS_FW_CFG_KEY },
    adminUser: "core",
    minimums: os.minimums,
  };
}
