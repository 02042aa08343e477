/**
 * Image volumes in a storage pool, as a boot profile names them: a base qcow2 disk that machines
 * overlay, or an installer ISO (with the kernel and initrd a machine boots it through, where the
 * OS publishes them).
 */
import { Construct } from "../../cdktf";
import { Volume } from "../../../gen/libvirt/volume";
import type { LibvirtImageSource } from "./profile";

/** Props of {@link LibvirtImage}. */
export interface LibvirtImageProps {
  /** Where the image comes from, as the OS's boot profile names it. */
  readonly source: LibvirtImageSource;
  /** Name of the storage pool that holds the volumes (a reference to the pool's name). */
  readonly pool: string;
}

/** A volume downloaded into the pool: 0.9 fills a volume from `create.content.url` (provider docs/resources/volume.md). */
function download(scope: Construct, id: string, name: string, pool: string, url: string, format: "qcow2" | "raw"): Volume {
  return new Volume(scope, id, { name, pool, target: { format: { type: format } }, create: { content: { url } } });
}

/**
 * One image in a pool: for a `disk` source the base volume (id `Resource`); for an `installer`
 * source the ISO (id `Resource`) plus `Kernel` and `Initrd`; for an `iso` source the ISO alone.
 */
export class LibvirtImage extends Construct {
  /** Where the image comes from (the `source` prop): its kind decides which volumes exist. */
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
    const { source, pool } = props;
    if (source.kind === "disk") {
      this.volume = download(this, "Resource", source.volumeName, pool, source.url, "qcow2");
      return;
    }
    const stem = source.volumeName.replace(/\.iso$/, "");
    this.volume = download(this, "Resource", `${stem}.iso`, pool, source.isoUrl, "raw");
    if (source.kind === "installer") {
      this.kernel = download(this, "Kernel", `${stem}.vmlinuz`, pool, source.kernelUrl, "raw");
      this.initrd = download(this, "Initrd", `${stem}.initrd`, pool, source.initrdUrl, "raw");
    }
  }

  /** The image's URL (the ISO for installers): part of a replaced machine's disk hash. */
  public get url(): string {
    return this.source.kind === "disk" ? this.source.url : this.source.isoUrl;
  }
}
