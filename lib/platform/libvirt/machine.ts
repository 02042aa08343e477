/**
 * One libvirt machine: its disk, its config delivery, and its domain.
 *
 * Provider 0.9's `libvirt_ignition` and `libvirt_cloudinit_disk` only write a file on the machine
 * running Terraform and expose its `path` (provider docs/resources/ignition.md, cloudinit_disk.md),
 * so the machine uploads that file into a volume of the pool (`create.content.url = <path>`) and
 * the domain reads the volume: a `qemu+ssh://` host finds the config on its own disk.
 */
import { createHash } from "node:crypto";
import { Construct, lazyString, terraformLiteral } from "../../cdktf";
import { isDeferred } from "../../core/deferred";
import { Architecture, NodeRole } from "../../core/node";
import { type ConfigLocation, type MachineInfo, type NodeConfigSource, ReplacementPolicy, terraformAddress } from "../platform";
import { CloudinitDisk } from "../../../gen/libvirt/cloudinit-disk";
import { Domain, type DomainDevicesDisks, type DomainOs } from "../../../gen/libvirt/domain";
import { Ignition } from "../../../gen/libvirt/ignition";
import { Volume } from "../../../gen/libvirt/volume";
import type { LibvirtImage } from "./image";
import { machineBasics } from "./machine-checks";
import type { LibvirtNetwork } from "./network";
import type { LibvirtBootProfile } from "./profile";

export { ReplacementPolicy };

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
  /** Storage pool for the machine's volumes (a reference to the pool's name). */
  readonly pool: string;
  /** The network the machine joins; its host entry for `name` gives the machine's fixed address and MAC. */
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
   * A fw_cfg config the nodes of a pool share (its `libvirt_ignition` and the volume it is
   * uploaded into), with the hash of its content for disk names.
   * @default - the machine makes its own from `config`
   */
  readonly sharedIgnition?: SharedIgnition;
}

/** A fw_cfg config the nodes of a pool share. */
export interface SharedIgnition {
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
  return new Volume(
    scope,
    id,
    { name: props.name, pool: props.pool, target: { format: { type: "raw" } }, create: { content: { url: props.path } } },
    props.keep ? { lifecycle: { ignoreChanges: ["create"] } } : {},
  );
}

/**
 * A machine: a disk volume (id `Disk`: an overlay on the base image with a backing store, or an
 * empty disk for installers), its config delivery as its boot profile says (`Ignition` uploaded
 * into `ConfigVolume` and read through a `sys_info` fw_cfg entry, or a NoCloud `CloudInit` disk
 * uploaded into `ConfigVolume` and attached as a CD-ROM), and the domain (id `Resource`) with a
 * serial console and a fixed MAC, whose DHCP host entry in the network gives the fixed address.
 */
export class LibvirtMachine extends Construct implements MachineInfo {
  /** The node's name (the `name` prop). */
  public readonly name: string;
  /** The libvirt domain (`libvirt_domain`, id `Resource`). */
  public readonly domain: Domain;
  /** The machine's disk (id `Disk`): a qcow2 overlay on the base image, or an empty disk that an installer or ISO installs to. */
  public readonly disk: Volume;
  /** Fixed IPv4 address. */
  public readonly address: string;
  /** `ssh <admin user>@<ip>`, the user from the OS's boot profile. */
  public readonly sshCommand: string;
  /** What a changed config or image does to the machine: the `replacement` prop, else KEEP for controllers and REPLACE for other nodes. */
  public readonly replacement: ReplacementPolicy;
  /** The Ignition file, where the profile delivers the config through fw_cfg. */
  public readonly ignition?: Ignition;
  /** The NoCloud config ISO file, where the profile delivers the config so. */
  public readonly cloudInit?: CloudinitDisk;
  /** The volume the config file is uploaded into (the fw_cfg file, or the config CD-ROM). */
  public readonly configVolume: Volume;
  public readonly configLocation: ConfigLocation;

  constructor(scope: Construct, id: string, props: LibvirtMachineProps) {
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
    if (fwCfg && props.sharedIgnition) {
      this.ignition = props.sharedIgnition.resource;
    } else if (fwCfg) {
      this.ignition = new Ignition(this, "Ignition", { name: `${domainName}.ign`, content });
    } else {
      this.cloudInit = new CloudinitDisk(this, "CloudInit", {
        name: `${domainName}-config.iso`,
        user_data: content,
        // NoCloud meta-data keys (cloud-init docs, datasource NoCloud).
        meta_data: `instance-id: ${domainName}\nlocal-hostname: ${props.name}\n`,
      });
    }
    // Read only when the config holds apply-time values, after the tree is built.
    const configAttribute = () => (this.ignition ? `${terraformAddress(this.ignition)}.content` : `${terraformAddress(this.cloudInit!)}.user_data`);

    // REPLACE: the disk's and the config volume's names carry a hash of the config and the image,
    // so a new config or release is a new disk (a changed config file alone would not recreate the
    // machine, dmacvicar/terraform-provider-libvirt#854), and the domain is replaced with it. The
    // image URL is part of the hash: an installed worker on a new release must reinstall.
    const hash = props.sharedIgnition ? props.sharedIgnition.hash : configHash(config, image.url, configAttribute);
    const suffix = keep ? "" : `-${hash}`;

    if (props.sharedIgnition && fwCfg) {
      this.configVolume = props.sharedIgnition.volume;
    } else if (this.ignition) {
      this.configVolume = uploadedConfig(this, "ConfigVolume", { name: `${domainName}${suffix}.ign`, pool: props.pool, path: this.ignition.path, keep });
    } else {
      this.configVolume = uploadedConfig(this, "ConfigVolume", { name: `${domainName}-config${suffix}.iso`, pool: props.pool, path: this.cloudInit!.path, keep });
    }

    const overlay = image.source.kind === "disk";
    this.disk = new Volume(
      this,
      "Disk",
      {
        name: `${domainName}${suffix}.qcow2`,
        pool: props.pool,
        capacity: diskGib * GIB,
        target: { format: { type: "qcow2" } },
        // A copy-on-write overlay on the base image (provider examples/alpine_cloudinit.tf, backing_store).
        ...(overlay ? { backing_store: { path: image.volume.path, format: { type: "qcow2" } } } : {}),
      },
      // KEEP: a new base image must not recreate a controller's disk.
      keep && overlay ? { lifecycle: { ignoreChanges: ["backing_store"] } } : {},
    );

    // CD-ROMs on SATA, as the provider's own example attaches its cloud-init ISO (examples/alpine_cloudinit.tf).
    const cdrom = (volume: Volume, dev: string): DomainDevicesDisks => ({
      device: "cdrom",
      source: { volume: { pool: props.pool, volume: volume.name } },
      target: { dev, bus: "sata" },
    });
    const disks: DomainDevicesDisks[] = [
      // The disk's name is a reference, so the domain is created after its disk.
      { source: { volume: { pool: props.pool, volume: this.disk.name } }, target: { dev: "vda", bus: "virtio" }, driver: { type: "qcow2" } },
    ];
    if (image.source.kind !== "disk") disks.push(cdrom(image.volume, "sda"));
    if (this.cloudInit) disks.push(cdrom(this.configVolume, image.source.kind === "disk" ? "sda" : "sdb"));

    // A KVM guest of the host's architecture (the provider's examples: type "kvm", os type "hvm",
    // type_arch/type_machine, which 0.9.2+ requires in place of arch/machine).
    const os: DomainOs = {
      type: "hvm",
      type_arch: arch === Architecture.ARM64 ? "aarch64" : "x86_64",
      type_machine: arch === Architecture.ARM64 ? "virt" : "q35",
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
            { boot_devices: [{ dev: "hd" }, { dev: "cdrom" }] }
          : { boot_devices: [{ dev: "hd" }] }),
      // UEFI as libvirt's domain XML writes it, `<loader readonly='yes' type='pflash'>` (the provider's
      // examples/resources/libvirt_domain/resource.tf, "VM with UEFI firmware").
      ...(props.uefiFirmware ? { loader: props.uefiFirmware, loader_readonly: "yes", loader_type: "pflash" } : {}),
      // libvirt's own NVRAM file name for a domain (`<nvram>` under /var/lib/libvirt/qemu/nvram).
      ...(props.uefiFirmware && props.uefiVarsTemplate ? { nv_ram: { nv_ram: `/var/lib/libvirt/qemu/nvram/${domainName}_VARS.fd`, template: props.uefiVarsTemplate } } : {}),
    };

    // KEEP: nothing that a new config or release changes reaches the domain.
    const ignored: string[] = [];
    if (fwCfg) ignored.push("sys_info");
    if (image.source.kind === "installer") ignored.push("os.kernel", "os.initrd", "os.cmdline");
    if (image.source.kind !== "disk") ignored.push("devices.disks");

    this.domain = new Domain(
      this,
      "Resource",
      {
        name: domainName,
        type: "kvm",
        vcpu,
        memory: memoryMib,
        memory_unit: "MiB",
        running: true,
        os,
        // ACPI on: Flatcar needs it for fw_cfg (flatcar docs deploy/virt-options/libvirt.md), and a
        // guest shuts down cleanly on the provider's update and destroy.
        features: { acpi: true },
        ...(arch === Architecture.ARM64 ? { cpu: { mode: "host-passthrough" } } : {}),
        // The fw_cfg entry reads the uploaded volume's path on the hypervisor. `value` is required
        // even when `file` is set (flatcar/Flatcar#1996; provider issue #1202).
        ...(fwCfg ? { sys_info: [{ fw_cfg: { entry: [{ name: fwCfg.key, file: this.configVolume.path, value: "" }] } }] } : {}),
        devices: {
          disks,
          interfaces: [{ source: { network: { network: props.network.networkName } }, model: { type: "virtio" }, mac: { address: props.network.macOf(props.name) } }],
          // A serial console on the first port (`virsh console <domain>`).
          consoles: [{ target: { type: "serial", port: 0 } }],
        },
      },
      {
        // REPLACE: a new disk replaces the domain. The reference is written as a plain address:
        // Terraform's JSON syntax refuses `${...}` in replace_triggered_by ("Invalid character"),
        // which is what cdktf writes for a resource given here.
        lifecycle: keep ? (ignored.length ? { ignoreChanges: ignored } : undefined) : { replaceTriggeredBy: [terraformAddress(this.disk)] },
      },
    );
    this.sshCommand = `ssh ${profile.adminUser}@${this.address}`;
    this.configLocation = this.ignition
      ? { resource: terraformAddress(this.ignition), attribute: "content", encoding: "text" }
      : { resource: terraformAddress(this.cloudInit!), attribute: "user_data", encoding: "text" };
  }
}

/**
 * The short hash of a machine's config and image for its disk name: computed here when the final
 * config is known at synth, by Terraform when it holds apply-time values: `substr(sha256(join("\n",
 * [<image URL>, <config attribute>])), 0, 8)`, where `configAttribute` gives the address of the
 * attribute that stores the config (asked for at synth). The expression is written as text, not
 * with cdktf's Fn (whose every call captures a stack trace): it names a resource of the same stack.
 */
export function configHash(config: NodeConfigSource, imageUrl: string, configAttribute: () => string): string {
  return lazyString(() => {
    const content = config.render().content;
    return isDeferred(content) ? `\${substr(sha256(join("\\n", [${hclQuoted(imageUrl)}, ${configAttribute()}])), 0, 8)}` : libvirtDiskHash(content, imageUrl);
  });
}

/** `text` as an HCL quoted string (HCL native syntax, "Template Literals": escapes and literal `${`, `%{`). */
function hclQuoted(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t").replace(/\$\{/g, () => "$${").replace(/%\{/g, "%%{")}"`;
}

/** First 8 hex characters of the SHA-256 of `<image URL>\n<config>`, for a config known at synth time. */
export function libvirtDiskHash(content: string, imageUrl: string): string {
  return createHash("sha256").update(`${imageUrl}\n${content}`, "utf8").digest("hex").slice(0, 8);
}
