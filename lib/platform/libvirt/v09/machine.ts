/**
 * One libvirt machine on provider 0.9.7: its disk, its config delivery, and its domain.
 *
 * 0.9's `libvirt_ignition` and `libvirt_cloudinit_disk` only write a file on the machine running
 * Terraform and expose its `path` (provider docs/resources/ignition.md, cloudinit_disk.md), so the
 * machine uploads that file into a volume of the pool (`create.content.url = <path>`) and the
 * domain reads the volume: a `qemu+ssh://` host finds the config on its own disk.
 */
import { Construct, lazyString, terraformLiteral } from "../../../cdktf";
import { Architecture, NodeRole } from "../../../core/node";
import { type ConfigLocation, type MachineInfo, type NodeConfigSource, ReplacementPolicy, terraformAddress } from "../../platform";
import { CloudinitDisk } from "../../../../gen/libvirt-0.9/providers/libvirt/cloudinit-disk";
import { Domain, type DomainDevicesDisks, type DomainOs } from "../../../../gen/libvirt-0.9/providers/libvirt/domain";
import { Ignition } from "../../../../gen/libvirt-0.9/providers/libvirt/ignition";
import { Volume } from "../../../../gen/libvirt-0.9/providers/libvirt/volume";
import { machineBasics } from "../machine-checks";
import { configHash } from "../machine";
import type { LibvirtNetwork } from "../network";
import type { LibvirtBootProfile } from "../profile";
import { LibvirtProviderVersion } from "../provider";
import type { LibvirtImage09 } from "./image";

/** Props of {@link LibvirtMachine09}: those of the 0.8.3 LibvirtMachine, with 0.9's image and shared config. */
export interface LibvirtMachine09Props {
  /** Node name: host name and DNS label; must be one of the network's hosts. */
  readonly name: string;
  /** libvirt domain name, unique on the host. @default - `name` */
  readonly domainName?: string;
  /** @default NodeRole.WORKER */
  readonly role?: NodeRole;
  /** The image the machine boots. */
  readonly image: LibvirtImage09;
  /** Storage pool for the machine's volumes (a reference to the pool's name). */
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
  /** UEFI firmware (loader) path on the host. Required for arm64 and any UEFI-only image. @default - BIOS boot */
  readonly uefiFirmware?: string;
  /** UEFI variables template on the host. @default - libvirt's default for the firmware */
  readonly uefiVarsTemplate?: string;
  /**
   * A fw_cfg config the nodes of a pool share (its `libvirt_ignition` and the volume it is
   * uploaded into), with the hash of its content for disk names.
   * @default - the machine makes its own from `config`
   */
  readonly sharedIgnition?: SharedIgnition09;
}

/** A fw_cfg config the nodes of a pool share, on provider 0.9. */
export interface SharedIgnition09 {
  readonly resource: Ignition;
  /** The volume the config file is uploaded into; the domains' fw_cfg entries read its path. */
  readonly volume: Volume;
  /** Short hash of the config and image, for disk names. */
  readonly hash: string;
}

const GIB = 1024 ** 3;

/**
 * Uploads a config file written by `libvirt_ignition` or `libvirt_cloudinit_disk` (its `path`)
 * into a raw volume of the pool. A volume cannot be updated in place (provider 0.9.7
 * volume_resource.go, Update: "Storage volumes cannot be updated"), so under REPLACE the name
 * carries the config's hash and a new config is a new volume; under KEEP the name is fixed and a
 * new file is ignored (`create`).
 */
export function uploadedConfig(scope: Construct, id: string, props: { name: string; pool: string; path: string; keep: boolean }): Volume {
  return new Volume(scope, id, {
    name: props.name,
    pool: props.pool,
    target: { format: { type: "raw" } },
    create: { content: { url: props.path } },
    ...(props.keep ? { lifecycle: { ignoreChanges: ["create"] } } : {}),
  });
}

/**
 * A machine on provider 0.9: a disk volume (id `Disk`: an overlay on the base image with a backing
 * store, or an empty disk for installers), its config delivery as its boot profile says (`Ignition`
 * uploaded into `ConfigVolume` and read through a `sys_info` fw_cfg entry, or a NoCloud `CloudInit`
 * disk uploaded into `ConfigVolume` and attached as a CD-ROM), and the domain (id `Resource`) with
 * a serial console and a fixed MAC, whose DHCP host entry in the network gives the fixed address.
 */
export class LibvirtMachine09 extends Construct implements MachineInfo {
  /** The provider version the machine's resources are written for. */
  public readonly provider = LibvirtProviderVersion.V0_9_7;
  public readonly name: string;
  public readonly domain: Domain;
  public readonly disk: Volume;
  /** Fixed IPv4 address. */
  public readonly address: string;
  /** `ssh <admin user>@<ip>`, the user from the OS's boot profile. */
  public readonly sshCommand: string;
  public readonly replacement: ReplacementPolicy;
  /** The Ignition file, where the profile delivers the config through fw_cfg. */
  public readonly ignition?: Ignition;
  /** The NoCloud config ISO file, where the profile delivers the config so. */
  public readonly cloudInit?: CloudinitDisk;
  /** The volume the config file is uploaded into (the fw_cfg file, or the config CD-ROM). */
  public readonly configVolume: Volume;
  public readonly configLocation: ConfigLocation;

  constructor(scope: Construct, id: string, props: LibvirtMachine09Props) {
    super(scope, id);
    const at = this.node.path;
    const { image, config, profile } = props;
    this.name = props.name;
    // This platform attaches ISOs as SATA CD-ROMs, which QEMU's arm64 `virt` machine does not have.
    const { domainName, replacement, keep, vcpu, memoryMib, diskGib } = machineBasics(at, props, image.source, "the platform attaches ISOs as SATA CD-ROMs");
    this.replacement = replacement;
    const arch = profile.architecture;

    this.address = props.network.addressOf(props.name);
    const fwCfg = profile.delivery.kind === "fw-cfg" ? profile.delivery : undefined;

    // The config resource comes first: a config holding apply-time values is hashed from its attribute.
    const content = lazyString(() => terraformLiteral(config.render().content));
    let configRef: string;
    if (fwCfg && props.sharedIgnition) {
      this.ignition = props.sharedIgnition.resource;
      configRef = this.ignition.content;
    } else if (fwCfg) {
      this.ignition = new Ignition(this, "Ignition", { name: `${domainName}.ign`, content });
      configRef = this.ignition.content;
    } else {
      this.cloudInit = new CloudinitDisk(this, "CloudInit", {
        name: `${domainName}-config.iso`,
        userData: content,
        // NoCloud meta-data keys (cloud-init docs, datasource NoCloud).
        metaData: `instance-id: ${domainName}\nlocal-hostname: ${props.name}\n`,
      });
      configRef = this.cloudInit.userData;
    }

    // REPLACE: the disk's and the config volume's names carry a hash of the config and the image,
    // so a new config or release is a new disk (a changed config file alone would not recreate the
    // machine, dmacvicar/terraform-provider-libvirt#854), and the domain is replaced with it.
    const hash = props.sharedIgnition ? props.sharedIgnition.hash : configHash(config, image.url, configRef);
    const suffix = keep ? "" : `-${hash}`;

    if (props.sharedIgnition && fwCfg) {
      this.configVolume = props.sharedIgnition.volume;
    } else if (this.ignition) {
      this.configVolume = uploadedConfig(this, "ConfigVolume", { name: `${domainName}${suffix}.ign`, pool: props.pool, path: this.ignition.path, keep });
    } else {
      this.configVolume = uploadedConfig(this, "ConfigVolume", { name: `${domainName}-config${suffix}.iso`, pool: props.pool, path: this.cloudInit!.path, keep });
    }

    const overlay = image.source.kind === "disk";
    this.disk = new Volume(this, "Disk", {
      name: `${domainName}${suffix}.qcow2`,
      pool: props.pool,
      capacity: diskGib * GIB,
      target: { format: { type: "qcow2" } },
      // A copy-on-write overlay on the base image (provider examples/alpine_cloudinit.tf, backing_store).
      ...(overlay ? { backingStore: { path: image.volume.path, format: { type: "qcow2" } } } : {}),
      // KEEP: a new base image must not recreate a controller's disk.
      ...(keep && overlay ? { lifecycle: { ignoreChanges: ["backing_store"] } } : {}),
    });

    // CD-ROMs on SATA, as the provider's own example attaches its cloud-init ISO (examples/alpine_cloudinit.tf).
    const cdrom = (volume: Volume, dev: string): DomainDevicesDisks => ({
      device: "cdrom",
      source: { volume: { pool: volume.pool, volume: volume.name } },
      target: { dev, bus: "sata" },
    });
    const disks: DomainDevicesDisks[] = [
      { source: { volume: { pool: this.disk.pool, volume: this.disk.name } }, target: { dev: "vda", bus: "virtio" }, driver: { type: "qcow2" } },
    ];
    if (image.source.kind !== "disk") disks.push(cdrom(image.volume, "sda"));
    if (this.cloudInit) disks.push(cdrom(this.configVolume, image.source.kind === "disk" ? "sda" : "sdb"));

    // A KVM guest of the host's architecture (the provider's examples: type "kvm", os type "hvm",
    // type_arch/type_machine, which 0.9.2+ requires in place of arch/machine).
    const os: DomainOs = {
      type: "hvm",
      typeArch: arch === Architecture.ARM64 ? "aarch64" : "x86_64",
      typeMachine: arch === Architecture.ARM64 ? "virt" : "q35",
      ...(image.source.kind === "installer"
        ? {
            // Direct kernel boot of the installer with the profile's arguments, in the profile's order.
            kernel: image.kernel!.path,
            initrd: image.initrd!.path,
            cmdline: (profile.kernelArgs ?? []).map(([k, v]) => `${k}=${v}`).join(" "),
          }
        : image.source.kind === "iso"
          ? // vda first: while it is empty the firmware falls through to the ISO, which installs to
            // it; once installed, the machine boots its disk (libvirt domain XML, `<boot dev>` order).
            { bootDevices: [{ dev: "hd" }, { dev: "cdrom" }] }
          : { bootDevices: [{ dev: "hd" }] }),
      // UEFI as libvirt's domain XML writes it, `<loader readonly='yes' type='pflash'>` (the provider's
      // examples/resources/libvirt_domain/resource.tf, "VM with UEFI firmware").
      ...(props.uefiFirmware ? { loader: props.uefiFirmware, loaderReadonly: "yes", loaderType: "pflash" } : {}),
      // libvirt's own NVRAM file name for a domain (`<nvram>` under /var/lib/libvirt/qemu/nvram).
      ...(props.uefiFirmware && props.uefiVarsTemplate ? { nvRam: { nvRam: `/var/lib/libvirt/qemu/nvram/${domainName}_VARS.fd`, template: props.uefiVarsTemplate } } : {}),
    };

    // KEEP: nothing that a new config or release changes reaches the domain.
    const ignored: string[] = [];
    if (fwCfg) ignored.push("sys_info");
    if (image.source.kind === "installer") ignored.push("os.kernel", "os.initrd", "os.cmdline");
    if (image.source.kind !== "disk") ignored.push("devices.disks");

    this.domain = new Domain(this, "Resource", {
      name: domainName,
      type: "kvm",
      vcpu,
      memory: memoryMib,
      memoryUnit: "MiB",
      running: true,
      os,
      // ACPI on: Flatcar needs it for fw_cfg (flatcar docs deploy/virt-options/libvirt.md), and a
      // guest shuts down cleanly on the provider's update and destroy.
      features: { acpi: true },
      ...(arch === Architecture.ARM64 ? { cpu: { mode: "host-passthrough" } } : {}),
      // The fw_cfg entry reads the uploaded volume's path on the hypervisor. `value` is required
      // even when `file` is set (flatcar/Flatcar#1996; provider issue #1202).
      ...(fwCfg ? { sysInfo: [{ fwCfg: { entry: [{ name: fwCfg.key, file: this.configVolume.path, value: "" }] } }] } : {}),
      devices: {
        disks,
        interfaces: [{ source: { network: { network: props.network.networkName } }, model: { type: "virtio" }, mac: { address: props.network.macOf(props.name) } }],
        // A serial console on the first port (`virsh console <domain>`).
        consoles: [{ target: { type: "serial", port: 0 } }],
      },
      // REPLACE: a new disk replaces the domain. The reference is written as a plain address:
      // Terraform's JSON syntax refuses `${...}` in replace_triggered_by ("Invalid character"),
      // which is what cdktf writes for a resource given here.
      lifecycle: keep ? (ignored.length ? { ignoreChanges: ignored } : undefined) : { replaceTriggeredBy: [terraformAddress(this.disk)] },
    });
    this.sshCommand = `ssh ${profile.adminUser}@${this.address}`;
    this.configLocation = this.ignition
      ? { resource: terraformAddress(this.ignition), attribute: "content", encoding: "text" }
      : { resource: terraformAddress(this.cloudInit!), attribute: "user_data", encoding: "text" };
  }
}
