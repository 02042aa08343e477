/**
 * Image volumes in a storage pool: the base qcow2 disk (Flatcar's qemu image) that machines copy
 * on write, or an installer ISO (k3OS) with the kernel and initrd a machine boots it through.
 */
import { Construct } from "../../cdktf";
import { MicroOsError } from "../../core/errors";
import type { LibvirtImageSource } from "../../os/types";
import { Volume } from "../../../gen/libvirt/providers/libvirt/volume";

/** Props of {@link LibvirtImage}. */
export interface LibvirtImageProps {
  /** Where the image comes from, as the OS names it. */
  readonly source: LibvirtImageSource;
  /** Name of the storage pool that holds the volumes. */
  readonly pool: string;
}

/**
 * One image in a pool: for a `disk` source a base volume (id `Resource`) downloaded from the
 * image URL; for an `iso` source the ISO (id `Resource`) plus the `Kernel` and `Initrd` volumes
 * that k3OS publishes beside it (release assets `k3os-vmlinuz-<arch>`, `k3os-initrd-<arch>`,
 * rancher/k3os releases), so a machine can boot the installer with its own kernel arguments.
 */
export class LibvirtImage extends Construct {
  public readonly source: LibvirtImageSource;
  /** The base volume (disk image) or the ISO volume. */
  public readonly volume: Volume;
  /** Installer kernel volume (`iso` sources only). */
  public readonly kernel?: Volume;
  /** Installer initrd volume (`iso` sources only). */
  public readonly initrd?: Volume;

  constructor(scope: Construct, id: string, props: LibvirtImageProps) {
    super(scope, id);
    this.source = props.source;
    const { source } = props;
    if (source.kind === "disk") {
      this.volume = new Volume(this, "Resource", {
        name: source.volumeName,
        pool: props.pool,
        source: source.url,
        // Flatcar's qemu image is qcow2 (flatcar/flatcar-terraform qemu-libvirt).
        format: "qcow2",
      });
    } else {
      // The provider attaches a disk whose file ends in `.iso` as an IDE CD-ROM
      // (dmacvicar/terraform-provider-libvirt libvirt/domain.go, setDisks).
      const isoName = source.volumeName.endsWith(".iso") ? source.volumeName : `${source.volumeName}.iso`;
      this.volume = new Volume(this, "Resource", { name: isoName, pool: props.pool, source: source.url, format: "raw" });
      const { kernelUrl, initrdUrl } = k3osBootFiles(this.node.path, source.url);
      const stem = isoName.replace(/\.iso$/, "");
      this.kernel = new Volume(this, "Kernel", { name: `${stem}.vmlinuz`, pool: props.pool, source: kernelUrl, format: "raw" });
      this.initrd = new Volume(this, "Initrd", { name: `${stem}.initrd`, pool: props.pool, source: initrdUrl, format: "raw" });
    }
  }

  /**
   * The path of the ISO on the host: the provider's volume id is the libvirt volume key, which in a
   * `dir` pool is the file's path (libvirt storage volume XML, `<key>`).
   */
  public get isoPath(): string {
    return this.volume.id;
  }
}

/**
 * The kernel and initrd published beside a k3OS ISO: `.../k3os-<arch>.iso` ->
 * `.../k3os-vmlinuz-<arch>` and `.../k3os-initrd-<arch>` (rancher/k3os release assets).
 */
export function k3osBootFiles(at: string, isoUrl: string): { kernelUrl: string; initrdUrl: string } {
  const match = /^(.*\/)k3os-([a-z0-9]+)\.iso$/.exec(isoUrl);
  if (!match) {
    throw new MicroOsError(at, "source.url", `\`${isoUrl}\` is not a k3OS release ISO URL (…/k3os-<arch>.iso)`, "use the ISO from a rancher/k3os release, whose kernel and initrd sit beside it");
  }
  const [, base, arch] = match;
  return { kernelUrl: `${base}k3os-vmlinuz-${arch}`, initrdUrl: `${base}k3os-initrd-${arch}` };
}
