/**
 * One libvirt machine: its disk, its provisioning config delivery, and its domain.
 */
import { createHash } from "node:crypto";
import { Construct, Fn, terraformLiteral } from "../../cdktf";
import { isDeferred } from "../../core/deferred";
import { MicroOsError } from "../../core/errors";
import { Architecture, NodeRole } from "../../core/node";
import { ConfigFormat, type RenderedConfig } from "../../os/types";
import { CloudinitDisk } from "../../../gen/libvirt/providers/libvirt/cloudinit-disk";
import { Domain, type DomainConfig } from "../../../gen/libvirt/providers/libvirt/domain";
import { Ignition } from "../../../gen/libvirt/providers/libvirt/ignition";
import { Volume } from "../../../gen/libvirt/providers/libvirt/volume";
import type { LibvirtImage } from "./image";
import type { LibvirtNetwork } from "./network";

/** What a changed provisioning config (or image) does to an existing machine. */
export enum ReplacementPolicy {
  /**
   * The machine is rebuilt: its disk volume's name carries a short hash of the config and image,
   * so a new config or release means a new disk and a new domain. A changed `libvirt_ignition` alone would not
   * recreate the domain (dmacvicar/terraform-provider-libvirt#854). The default for workers.
   */
  REPLACE = "replace",
  /**
   * The machine is left alone: no hash in the disk name, and the domain ignores changes to its
   * config and boot files. The default for controllers, which hold etcd.
   */
  KEEP = "keep",
}

/** Smallest machine an OS runs on. */
export interface MachineMinimums {
  readonly memoryMib: number;
  readonly diskGib: number;
}

/** Minimums by config format when the caller names none. */
export const LIBVIRT_DEFAULT_MINIMUMS: Readonly<Record<ConfigFormat, MachineMinimums>> = {
  // k3s server needs 2 GB RAM (k3s docs, installation requirements); Flatcar needs at least 8 GB
  // of disk (flatcar.org docs, installing to disk).
  [ConfigFormat.IGNITION]: { memoryMib: 2048, diskGib: 8 },
  // k3OS: installing from the live ISO needs 2 GB RAM; K3OS_STATE needs at least 2 GB
  // (rancher/k3os README, Quick Start and Custom partition layout).
  [ConfigFormat.K3OS]: { memoryMib: 2048, diskGib: 2 },
};

/** The fw_cfg key Flatcar reads Ignition from (flatcar/flatcar-terraform qemu-libvirt/libvirt-machines.tf). */
export const FLATCAR_FW_CFG_NAME = "opt/org.flatcar-linux/config";

/** Props of {@link LibvirtMachine}. */
export interface LibvirtMachineProps {
  /** Node name: host name and DNS label; must be one of the network's hosts. */
  readonly name: string;
  /** libvirt domain name, unique on the host. @default - `name` */
  readonly domainName?: string;
  /** @default NodeRole.WORKER */
  readonly role?: NodeRole;
  /** The image the machine boots. */
  readonly image: LibvirtImage;
  /** Storage pool for the machine's volumes. */
  readonly pool: string;
  readonly network: LibvirtNetwork;
  /** Ignition JSON (Flatcar, `disk` images) or k3OS config.yaml (`iso` images). */
  readonly config: RenderedConfig;
  /** @default 2 */
  readonly vcpu?: number;
  /** @default 2048 */
  readonly memoryMib?: number;
  /** Root disk size. @default 20 */
  readonly diskGib?: number;
  /** @default - REPLACE for workers, KEEP for controllers */
  readonly replacement?: ReplacementPolicy;
  /** Smallest memory and disk the OS needs. @default - LIBVIRT_DEFAULT_MINIMUMS for the config format */
  readonly minimums?: MachineMinimums;
  /**
   * UEFI firmware (loader) path on the host, for example `/usr/share/AAVMF/AAVMF_CODE.fd`.
   * Required for arm64 and any UEFI-only image. @default - BIOS boot
   */
  readonly uefiFirmware?: string;
  /** UEFI variables template on the host. @default - libvirt's default for the firmware */
  readonly uefiVarsTemplate?: string;
  /**
   * An Ignition resource the nodes of a pool share, with the hash of its content for disk names.
   * @default - the machine makes its own from `config`
   */
  readonly sharedIgnition?: { readonly resource: Ignition; readonly hash: string };
}

const GIB = 1024 ** 3;

/**
 * A machine: a disk volume (id `Disk`), its config (`Ignition` or `CloudInit`), and the domain
 * (id `Resource`) with a serial console and a fixed address on the network.
 */
export class LibvirtMachine extends Construct {
  public readonly name: string;
  public readonly domain: Domain;
  public readonly disk: Volume;
  /** Fixed IPv4 address. */
  public readonly address: string;
  /** `ssh core@<ip>` (Flatcar) or `ssh rancher@<ip>` (k3OS). */
  public readonly sshCommand: string;
  public readonly replacement: ReplacementPolicy;

  constructor(scope: Construct, id: string, props: LibvirtMachineProps) {
    super(scope, id);
    const at = this.node.path;
    const { image, config } = props;
    this.name = props.name;
    const domainName = props.domainName ?? props.name;
    const role = props.role ?? NodeRole.WORKER;
    this.replacement = props.replacement ?? (role === NodeRole.CONTROLLER ? ReplacementPolicy.KEEP : ReplacementPolicy.REPLACE);
    const vcpu = props.vcpu ?? 2;
    const memoryMib = props.memoryMib ?? 2048;
    const diskGib = props.diskGib ?? 20;
    const minimums = props.minimums ?? LIBVIRT_DEFAULT_MINIMUMS[config.format];

    if (!Number.isInteger(vcpu) || vcpu < 1) {
      throw new MicroOsError(at, "vcpu", `${vcpu} is not a positive whole number of CPUs`, "give at least 1 vCPU");
    }
    if (!Number.isInteger(memoryMib) || memoryMib < minimums.memoryMib) {
      throw new MicroOsError(at, "memoryMib", `${memoryMib} MiB is below the ${minimums.memoryMib} MiB the OS needs`, `give at least ${minimums.memoryMib} MiB`);
    }
    if (!Number.isInteger(diskGib) || diskGib < minimums.diskGib) {
      throw new MicroOsError(at, "diskGib", `${diskGib} GiB is below the ${minimums.diskGib} GiB the OS needs`, `give at least ${minimums.diskGib} GiB`);
    }
    const wantsUefi = image.source.uefi || image.source.architecture === Architecture.ARM64;
    if (wantsUefi && !props.uefiFirmware) {
      throw new MicroOsError(at, "uefiFirmware", `a ${image.source.architecture} machine${image.source.uefi ? " on a UEFI-only image" : ""} boots only through UEFI firmware, and none is set`, "set `uefiFirmware` to the firmware path on the host, for example `/usr/share/AAVMF/AAVMF_CODE.fd` (arm64) or `/usr/share/OVMF/OVMF_CODE.fd` (amd64)");
    }
    if (image.source.kind === "iso" && image.source.architecture === Architecture.ARM64) {
      // provider 0.8.3 attaches ISOs and the cloud-init disk on IDE (libvirt/domain.go, setDisks and
      // newDiskForCloudInit), which QEMU's arm64 `virt` machine does not have.
      throw new MicroOsError(at, "image", "an installer ISO cannot boot an arm64 machine here: the libvirt 0.8.3 provider attaches ISOs on IDE, which arm64 machines lack", "run ISO-installed nodes (k3OS) on amd64, or use a disk image on arm64");
    }
    const expected = config.format === ConfigFormat.IGNITION ? "disk" : "iso";
    if (image.source.kind !== expected) {
      throw new MicroOsError(at, "image", `a ${config.format} config needs a \`${expected}\` image, got \`${image.source.kind}\``, config.format === ConfigFormat.IGNITION ? "boot Flatcar's qemu disk image" : "boot the k3OS ISO");
    }

    this.address = props.network.addressOf(props.name);
    const keep = this.replacement === ReplacementPolicy.KEEP;

    // The config resource comes first: a config holding apply-time values is hashed from its attribute.
    let ignition: Ignition | undefined;
    let cloudInit: CloudinitDisk | undefined;
    let configRef: string;
    if (config.format === ConfigFormat.IGNITION && props.sharedIgnition) {
      ignition = props.sharedIgnition.resource;
      configRef = ignition.content;
    } else if (config.format === ConfigFormat.IGNITION) {
      ignition = new Ignition(this, "Ignition", { name: `${domainName}.ign`, pool: props.pool, content: terraformLiteral(config.content) });
      configRef = ignition.content;
    } else {
      cloudInit = new CloudinitDisk(this, "CloudInit", {
        name: `${domainName}-config.iso`,
        pool: props.pool,
        userData: terraformLiteral(config.content),
        // NoCloud meta-data keys (cloud-init docs, datasource NoCloud).
        metaData: `instance-id: ${domainName}\nlocal-hostname: ${props.name}\n`,
      });
      configRef = cloudInit.userData;
    }

    // REPLACE: the disk name carries a hash of the config, so a new config is a new disk, which
    // replaces the domain (flatcar/flatcar-terraform does this for #854).
    // The image URL is part of the hash: a k3OS worker on a new release must reinstall, since its
    // old disk would otherwise boot the new kernel over the old system.
    const hash = props.sharedIgnition ? props.sharedIgnition.hash : isDeferred(config.content) ? Fn.substr(Fn.sha256(Fn.join("\n", [image.source.url, configRef])), 0, 8) : libvirtDiskHash(config.content, image.source.url);
    const diskName = keep ? `${domainName}.qcow2` : `${domainName}-${hash}.qcow2`;

    this.disk = new Volume(this, "Disk", {
      name: diskName,
      pool: props.pool,
      format: "qcow2",
      size: diskGib * GIB,
      ...(image.source.kind === "disk" ? { baseVolumeId: image.volume.id } : {}),
      // KEEP: a new base image must not recreate a controller's disk.
      ...(keep && image.source.kind === "disk" ? { lifecycle: { ignoreChanges: ["base_volume_id"] } } : {}),
    });

    const common: DomainConfig = {
      name: domainName,
      vcpu,
      memory: memoryMib,
      networkInterface: [
        {
          networkId: props.network.networkId,
          hostname: props.name,
          addresses: [this.address],
          mac: props.network.macOf(props.name),
          waitForLease: false,
        },
      ],
      // A serial console on the first port (`virsh console <domain>`).
      console: [{ type: "pty", targetPort: "0", targetType: "serial" }],
      ...(image.source.architecture === Architecture.ARM64 ? { arch: "aarch64", machine: "virt", cpu: { mode: "host-passthrough" } } : {}),
      ...(props.uefiFirmware ? { firmware: props.uefiFirmware } : {}),
      ...(props.uefiFirmware && props.uefiVarsTemplate ? { nvram: { template: props.uefiVarsTemplate } } : {}),
    };

    if (ignition) {
      this.domain = new Domain(this, "Resource", {
        ...common,
        disk: [{ volumeId: this.disk.id }],
        coreosIgnition: ignition.id,
        // Flatcar reads Ignition from this fw_cfg key; the provider's default is Fedora CoreOS's.
        fwCfgName: FLATCAR_FW_CFG_NAME,
        ...(keep ? { lifecycle: { ignoreChanges: ["coreos_ignition"] } } : {}),
      });
      this.sshCommand = `ssh core@${this.address}`;
    } else {
      this.domain = new Domain(this, "Resource", {
        ...common,
        // vda: the install target; the ISO is found by its K3OS label (rancher/k3os install.sh get_iso).
        // The provider sorts kernel arguments (libvirt/domain.go, setCmdlineArgs); k3OS reads them in any order.
        disk: [{ volumeId: this.disk.id }, { file: image.isoPath }],
        kernel: image.kernel!.id,
        initrd: image.initrd!.id,
        cmdline: k3osInstallArgs(image.source.url).map(([k, v]) => ({ [k]: v })),
        cloudinit: cloudInit!.id,
        ...(keep ? { lifecycle: { ignoreChanges: ["cloudinit", "kernel", "initrd", "cmdline"] } } : {}),
      });
      this.sshCommand = `ssh rancher@${this.address}`;
    }
  }
}

/**
 * Kernel arguments for an unattended k3OS install that also boots the installed system later
 * (rancher/k3os README, "Automated Installation"; overlay/libexec/k3os/mode):
 * `k3os.fallback_mode=install` installs only when no K3OS_STATE partition exists, and reboots
 * afterwards (install.sh powers off only under `k3os.mode=install`); later boots find the
 * partition and run from disk. `k3os.data_sources=cdrom` makes every boot read the node's
 * config.yaml from the NoCloud ISO: k3OS's linuxkit metadata reads `user-data` from a CD labelled
 * `cidata` since rancher/k3os#467 (linuxkit/linuxkit#3503), and the provider builds that ISO with
 * mkisofs (libvirt/cloudinit_def.go), the kind rancher/k3os#741 reports working.
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

/** First 8 hex characters of the SHA-256 of `<image URL>\n<config>`, for a config known at synth time. */
export function libvirtDiskHash(content: string, imageUrl: string): string {
  return createHash("sha256").update(`${imageUrl}\n${content}`, "utf8").digest("hex").slice(0, 8);
}
