/**
 * Image volumes in a storage pool, as a boot profile names them: a base qcow2 disk that machines
 * copy on write, or an installer ISO with the kernel and initrd a machine boots it through.
 */
import { Construct } from "../../cdktf";
import { Volume } from "../../../gen/libvirt/providers/libvirt/volume";
import type { LibvirtImageSource } from "./profile";

/** Props of {@link LibvirtImage}. */
export interface LibvirtImageProps {
  /** Where the image comes from, as the OS's boot profile names it. */
  readonly source: LibvirtImageSource;
  /** Name of the storage pool that holds the volumes. */
  readonly pool: string;
}

/**
 * One image in a pool: for a `disk` source a base volume (id `Resource`) downloaded from the
 * image URL; for an `installer` source the ISO (id `Resource`) plus `Kernel` and `Initrd` volumes,
 * so a machine can boot the installer with its own kernel arguments; for an `iso` source the ISO alone.
 */
export class LibvirtImage extends Construct {
  public readonly source: LibvirtImageSource;
  /** The base volume (disk images) or the ISO volume (installers). */
  public readonly volume: Volume;
  /** Installer kernel volume (`installer` sources only). */
  public readonly kernel?: Volume;
  /** Installer initrd volume (`installer` sources only). */
  public readonly initrd?: Volume;

  constructor(scope: Construct, id: string, props: LibvirtImageProps) {
    super(scope, id);
    this.source = props.source;
    const { source } = props;
    if (source.kind === "disk") {
      // A qcow2 base for copy-on-write disks (flatcar/flatcar-terraform qemu-libvirt).
      this.volume = new Volume(this, "Resource", { name: source.volumeName, pool: props.pool, source: source.url, format: "qcow2" });
    } else {
      // The provider attaches a disk whose file ends in `.iso` as an IDE CD-ROM
      // (dmacvicar/terraform-provider-libvirt libvirt/domain.go, setDisks).
      const stem = source.volumeName.replace(/\.iso$/, "");
      this.volume = new Volume(this, "Resource", { name: `${stem}.iso`, pool: props.pool, source: source.isoUrl, format: "raw" });
      if (source.kind === "iso") return;
      this.kernel = new Volume(this, "Kernel", { name: `${stem}.vmlinuz`, pool: props.pool, source: source.kernelUrl, format: "raw" });
      this.initrd = new Volume(this, "Initrd", { name: `${stem}.initrd`, pool: props.pool, source: source.initrdUrl, format: "raw" });
    }
  }

  /** The image's URL (the ISO for installers): part of a replaced machine's disk hash. */
  public get url(): string {
    return this.source.kind === "disk" ? this.source.url : this.source.isoUrl;
  }

  /**
   * The path of the ISO on the host: the provider's volume id is the libvirt volume key, which in a
   * `dir` pool is the file's path (libvirt storage volume XML, `<key>`).
   */
  public get isoPath(): string {
    return this.volume.id;
  }
}
