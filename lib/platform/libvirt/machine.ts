/**
 * One libvirt machine: its disk, its provisioning config delivery, and its domain.
 */
import { createHash } from "node:crypto";
import { Construct, Fn, lazyString, terraformLiteral } from "../../cdktf";
import { isDeferred } from "../../core/deferred";
import { Architecture, NodeRole } from "../../core/node";
import { type ConfigLocation, type MachineInfo, type NodeConfigSource, ReplacementPolicy, terraformAddress } from "../platform";

export { ReplacementPolicy };
import { CloudinitDisk } from "../../../gen/libvirt/providers/libvirt/cloudinit-disk";
import { Domain, type DomainConfig } from "../../../gen/libvirt/providers/libvirt/domain";
import { Ignition } from "../../../gen/libvirt/providers/libvirt/ignition";
import { Volume } from "../../../gen/libvirt/providers/libvirt/volume";
import type { LibvirtImage } from "./image";
import type { LibvirtNetwork } from "./network";
import { machineBasics } from "./machine-checks";
import type { LibvirtBootProfile } from "./profile";
import { LibvirtProviderVersion } from "./provider";

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
  /** How the node boots: image, firmware, config delivery, admin user, minimums (from its OS). */
  readonly profile: LibvirtBootProfile;
  /** The node's config, rendered at synth. */
  readonly config: NodeConfigSource;
  /** @default 2 */
  readonly vcpu?: number;
  /** @default 2048 */
  readonly memoryMib?: number;
  /** Root disk size. @default 20 */
  readonly diskGib?: number;
  /** @default - REPLACE for workers, KEEP for controllers */
  readonly replacement?: ReplacementPolicy;
  /**
   * UEFI firmware (loader) path on the host, for example `/usr/share/AAVMF/AAVMF_CODE.fd`.
   * Required for arm64 and any UEFI-only image. @default - BIOS boot
   */
  readonly uefiFirmware?: string;
  /** UEFI variables template on the host. @default - libvirt's default for the firmware */
  readonly uefiVarsTemplate?: string;
  /**
   * A fw_cfg config resource the nodes of a pool share, with the hash of its content for disk names.
   * @default - the machine makes its own from `config`
   */
  readonly sharedIgnition?: SharedIgnition;
}

const GIB = 1024 ** 3;

/**
 * A machine: a disk volume (id `Disk`), its config delivery as its boot profile says (`Ignition`
 * through fw_cfg, or a NoCloud `CloudInit` disk), and the domain (id `Resource`) with a serial
 * console and a fixed address and MAC on the network.
 */
export class LibvirtMachine extends Construct implements MachineInfo {
  /** The provider version the machine's resources are written for. */
  public readonly provider = LibvirtProviderVersion.V0_8_3;
  public readonly name: string;
  public readonly domain: Domain;
  public readonly disk: Volume;
  /** Fixed IPv4 address. */
  public readonly address: string;
  /** `ssh <admin user>@<ip>`, the user from the OS's boot profile. */
  public readonly sshCommand: string;
  public readonly replacement: ReplacementPolicy;
  /** The config volume the domain reads through fw_cfg, where the profile delivers it so. */
  public readonly ignition?: Ignition;
  /** The NoCloud config disk, where the profile delivers the config so. */
  public readonly cloudInit?: CloudinitDisk;
  public readonly configLocation: ConfigLocation;

  constructor(scope: Construct, id: string, props: LibvirtMachineProps) {
    super(scope, id);
    const at = this.node.path;
    const { image, config, profile } = props;
    this.name = props.name;
    // provider 0.8.3 attaches ISOs and the cloud-init disk on IDE (libvirt/domain.go, setDisks and
    // newDiskForCloudInit), which QEMU's arm64 `virt` machine does not have.
    const { domainName, replacement, keep, vcpu, memoryMib, diskGib } = machineBasics(at, props, image.source, "the libvirt 0.8.3 provider attaches ISOs on IDE");
    this.replacement = replacement;
    const arch = profile.architecture;

    this.address = props.network.addressOf(props.name);

    // The config resource comes first: a config holding apply-time values is hashed from its attribute.
    const content = lazyString(() => terraformLiteral(config.render().content));
    let configRef: string;
    if (profile.delivery.kind === "fw-cfg" && props.sharedIgnition) {
      this.ignition = props.sharedIgnition.resource;
      configRef = this.ignition.content;
    } else if (profile.delivery.kind === "fw-cfg") {
      this.ignition = new Ignition(this, "Ignition", { name: `${domainName}.ign`, pool: props.pool, content });
      configRef = this.ignition.content;
    } else {
      this.cloudInit = new CloudinitDisk(this, "CloudInit", {
        name: `${domainName}-config.iso`,
        pool: props.pool,
        userData: content,
        // NoCloud meta-data keys (cloud-init docs, datasource NoCloud).
        metaData: `instance-id: ${domainName}\nlocal-hostname: ${props.name}\n`,
      });
      configRef = this.cloudInit.userData;
    }

    // REPLACE: the disk name carries a hash of the config, so a new config is a new disk, which
    // replaces the domain (flatcar/flatcar-terraform does this for #854).
    // The image URL is part of the hash: an installed worker on a new release must reinstall, since
    // its old disk would otherwise boot the new kernel over the old system.
    const hash = props.sharedIgnition ? props.sharedIgnition.hash : configHash(config, image.url, configRef);
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
      ...(arch === Architecture.ARM64 ? { arch: "aarch64", machine: "virt", cpu: { mode: "host-passthrough" } } : {}),
      ...(props.uefiFirmware ? { firmware: props.uefiFirmware } : {}),
      ...(props.uefiFirmware && props.uefiVarsTemplate ? { nvram: { template: props.uefiVarsTemplate } } : {}),
    };
    const boot =
      image.source.kind === "installer"
        ? {
            // vda: the install target, then the installer ISO as a CD-ROM.
            // The provider sorts kernel arguments (libvirt/domain.go, setCmdlineArgs).
            disk: [{ volumeId: this.disk.id }, { file: image.isoPath }],
            kernel: image.kernel!.id,
            initrd: image.initrd!.id,
            cmdline: (profile.kernelArgs ?? []).map(([k, v]) => ({ [k]: v })),
          }
        : image.source.kind === "iso"
          ? {
              // vda first: while it is empty the firmware falls through to the ISO, which installs
              // to it; once installed, the machine boots its disk (libvirt domain XML, `<boot dev>` order).
              disk: [{ volumeId: this.disk.id }, { file: image.isoPath }],
              bootDevice: [{ dev: ["hd", "cdrom"] }],
            }
          : { disk: [{ volumeId: this.disk.id }] };
    const delivery =
      profile.delivery.kind === "fw-cfg"
        ? // QEMU fw_cfg under `fw_cfg_name`; the provider's default is Fedora CoreOS's key, so the
          // profile's key is always given.
          { coreosIgnition: this.ignition!.id, fwCfgName: profile.delivery.key }
        : { cloudinit: this.cloudInit!.id };
    const ignored = profile.delivery.kind === "fw-cfg" ? ["coreos_ignition"] : ["cloudinit"];
    if (image.source.kind === "installer") ignored.push("kernel", "initrd", "cmdline");
    this.domain = new Domain(this, "Resource", { ...common, ...boot, ...delivery, ...(keep ? { lifecycle: { ignoreChanges: ignored } } : {}) });
    this.sshCommand = `ssh ${profile.adminUser}@${this.address}`;
    this.configLocation = this.ignition
      ? { resource: terraformAddress(this.ignition), attribute: "content", encoding: "text" }
      : { resource: terraformAddress(this.cloudInit!), attribute: "user_data", encoding: "text" };
  }
}

/** A fw_cfg config the nodes of a pool share. */
export interface SharedIgnition {
  readonly resource: Ignition;
  /** Short hash of the config and image, for disk names. */
  readonly hash: string;
}

/**
 * The short hash of a machine's config and image for its disk name: computed here when the final
 * config is known at synth, by Terraform (`sha256` of the config attribute) when it holds
 * apply-time values.
 */
export function configHash(config: NodeConfigSource, imageUrl: string, configRef: string): string {
  return lazyString(() => {
    const content = config.render().content;
    return isDeferred(content) ? Fn.substr(Fn.sha256(Fn.join("\n", [imageUrl, configRef])), 0, 8) : libvirtDiskHash(content, imageUrl);
  });
}

/** First 8 hex characters of the SHA-256 of `<image URL>\n<config>`, for a config known at synth time. */
export function libvirtDiskHash(content: string, imageUrl: string): string {
  return createHash("sha256").update(`${imageUrl}\n${content}`, "utf8").digest("hex").slice(0, 8);
}
