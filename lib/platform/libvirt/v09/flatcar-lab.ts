/**
 * Prototype: the dmacvicar/libvirt 0.9 resources for Flatcar machines on one libvirt host, to show
 * what the 0.9 platform will create (issue 16, part 3). Not yet wired into `LibvirtPlatform`.
 *
 * One `FlatcarLab09` holds the shared pieces: a NAT network with fixed addresses, a directory
 * pool and the base image volume (`create.content.url`). `addMachine` adds, per machine: the
 * `libvirt_ignition` file (written on the machine running Terraform), a volume the file is
 * uploaded into (so that a remote `qemu+ssh://` host reads it from its own disk), a copy-on-write
 * overlay over the base image (a backing store), and the domain, which gets the Ignition through a
 * QEMU fw_cfg entry of `sys_info` with ACPI on.
 */
import { createHash } from "node:crypto";
import { Construct, Fn, Lazy, Token } from "../../../cdktf";
import { MicroOsError } from "../../../core/errors";
import { contains, hostAt, parseIpv4Cidr, type Ipv4Network } from "../../../core/ipv4";
import { Domain } from "../../../../gen/libvirt-0.9/providers/libvirt/domain";
import { Ignition } from "../../../../gen/libvirt-0.9/providers/libvirt/ignition";
import { Network } from "../../../../gen/libvirt-0.9/providers/libvirt/network";
import { Pool } from "../../../../gen/libvirt-0.9/providers/libvirt/pool";
import { Volume } from "../../../../gen/libvirt-0.9/providers/libvirt/volume";
import { ensureLibvirt09Provider } from "./provider";

/**
 * The fw_cfg name Flatcar reads its Ignition config from (Flatcar docs,
 * deploy/virt-options/libvirt.md; the Ignition project's qemu platform).
 */
export const FLATCAR_FW_CFG_NAME = "opt/org.flatcar-linux/config";

export interface FlatcarLab09Props {
  /** libvirt connection URI. @default "qemu:///system" */
  readonly uri?: string;
  /** The NAT network's IPv4 block; machines get fixed addresses in it. */
  readonly cidr: string;
  /** libvirt name of the network. @default "microos" */
  readonly networkName?: string;
  /** libvirt name of the directory pool. @default "microos" */
  readonly poolName?: string;
  /** Host directory of the pool. @default "/var/lib/libvirt/images/microos" */
  readonly poolPath?: string;
  /** URL of the Flatcar QEMU image (qcow2), for example a release's `flatcar_production_qemu_image.img`. */
  readonly imageUrl: string;
  /** Name of the base image volume. */
  readonly imageVolumeName: string;
}

export interface FlatcarMachine09Props {
  /** The machine's Ignition config (JSON text; may hold Terraform tokens). */
  readonly ignition: string;
  /** Offset of the machine's fixed address in the network (2 and up; 1 is the host). */
  readonly hostOffset: number;
  /** Memory in MiB. @default 2048 */
  readonly memoryMiB?: number;
  /** Virtual CPUs. @default 2 */
  readonly vcpus?: number;
  /** Size of the machine's disk in bytes. @default 10 GiB */
  readonly diskBytes?: number;
}

/** The resources of one machine. */
export interface FlatcarMachine09 {
  readonly name: string;
  readonly address: string;
  readonly mac: string;
  readonly ignition: Ignition;
  readonly ignitionVolume: Volume;
  readonly disk: Volume;
  readonly domain: Domain;
}

const NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export class FlatcarLab09 extends Construct {
  public readonly network: Network;
  public readonly pool: Pool;
  public readonly image: Volume;
  private readonly net: Ipv4Network;
  private readonly offsets = new Map<number, string>();

  constructor(scope: Construct, id: string, props: FlatcarLab09Props) {
    super(scope, id);
    const at = this.node.path;
    this.net = parseIpv4Cidr(at, "cidr", props.cidr);
    if (this.net.prefixLength > 29) throw new MicroOsError(at, "cidr", `"${props.cidr}" leaves no room for machines`, "give a block of /29 or larger, for example a /24");
    const networkName = props.networkName ?? "microos";
    const poolName = props.poolName ?? "microos";
    for (const [field, value] of [["networkName", networkName], ["poolName", poolName]] as const) {
      if (!NAME.test(value)) throw new MicroOsError(at, field, `"${value}" is not a valid name`, "use lowercase letters, digits and dashes");
    }
    ensureLibvirt09Provider(this, props.uri ?? "qemu:///system");
    this.network = new Network(this, "network", {
      name: networkName,
      autostart: true,
      forward: { mode: "nat" },
      // The host takes the block's first address (libvirt formatnetwork: <ip address=... prefix=...>).
      // Each machine's fixed address: one DHCP host entry per MAC, in address order.
      ips: [
        {
          address: hostAt(this.net, 1),
          prefix: this.net.prefixLength,
          dhcp: { hosts: Lazy.anyValue({ produce: () => [...this.offsets.entries()].sort(([a], [b]) => a - b).map(([offset, name]) => ({ mac: macFor(name), ip: hostAt(this.net, offset), name })) }) },
        },
      ],
    });
    this.pool = new Pool(this, "pool", { name: poolName, type: "dir", target: { path: props.poolPath ?? "/var/lib/libvirt/images/microos" } });
    // 0.9: a volume's content comes from create.content.url (provider docs/resources/volume.md).
    this.image = new Volume(this, "image", {
      name: props.imageVolumeName,
      pool: this.pool.name,
      target: { format: { type: "qcow2" } },
      create: { content: { url: props.imageUrl } },
    });
  }

  /** Adds one Flatcar machine: its Ignition, the volume holding it, its disk and its domain. */
  public addMachine(name: string, props: FlatcarMachine09Props): FlatcarMachine09 {
    const at = `${this.node.path}/${name}`;
    if (!NAME.test(name)) throw new MicroOsError(at, "name", `"${name}" is not a valid machine name`, "use lowercase letters, digits and dashes, at most 63");
    const offset = props.hostOffset;
    if (!Number.isInteger(offset) || offset < 2 || offset >= this.net.size - 1) {
      throw new MicroOsError(at, "hostOffset", `${offset} is outside the network's machine addresses`, `give an integer from 2 to ${this.net.size - 2}`);
    }
    const taken = this.offsets.get(offset);
    if (taken) throw new MicroOsError(at, "hostOffset", `${offset} is already ${taken}'s address`, "give each machine its own offset");
    this.offsets.set(offset, name);
    const address = hostAt(this.net, offset);
    if (!contains(this.net, address)) throw new Error(`unreachable: ${address} outside ${this.net.cidr}`);
    const mac = macFor(name);
    // A changed config gives new volume names, so the machine's disk is made again from the image
    // (a changed libvirt_ignition alone does not replace a domain: dmacvicar/terraform-provider-libvirt#854).
    const hash = configHash(props.ignition);
    // 0.9: libvirt_ignition only writes a local file and exposes its path (provider docs/resources/ignition.md).
    const ignition = new Ignition(this, `${name}-ignition`, { name: `${name}.ign`, content: props.ignition });
    const ignitionVolume = new Volume(this, `${name}-config`, {
      name: `${name}-${hash}.ign`,
      pool: this.pool.name,
      target: { format: { type: "raw" } },
      create: { content: { url: ignition.path } },
    });
    const disk = new Volume(this, `${name}-disk`, {
      name: `${name}-${hash}.qcow2`,
      pool: this.pool.name,
      capacity: props.diskBytes ?? 10 * 2 ** 30,
      target: { format: { type: "qcow2" } },
      backingStore: { path: this.image.path, format: { type: "qcow2" } },
    });
    const domain = new Domain(this, name, {
      name,
      type: "kvm",
      memory: props.memoryMiB ?? 2048,
      memoryUnit: "MiB",
      vcpu: props.vcpus ?? 2,
      running: true,
      os: { type: "hvm", typeArch: "x86_64", typeMachine: "q35", bootDevices: [{ dev: "hd" }] },
      // Flatcar needs ACPI for fw_cfg; `value` is required even with `file` (flatcar/Flatcar#1996).
      features: { acpi: true },
      // The uploaded volume's path is a path on the hypervisor, so a qemu+ssh:// host can read it.
      sysInfo: [{ fwCfg: { entry: [{ name: FLATCAR_FW_CFG_NAME, file: ignitionVolume.path, value: "" }] } }],
      devices: {
        disks: [{ source: { volume: { pool: this.pool.name, volume: disk.name } }, target: { dev: "vda", bus: "virtio" }, driver: { type: "qcow2" } }],
        interfaces: [{ source: { network: { network: this.network.name } }, model: { type: "virtio" }, mac: { address: mac } }],
        consoles: [{ target: { type: "serial", port: 0 } }],
      },
    });
    return { name, address, mac, ignition, ignitionVolume, disk, domain };
  }
}

/**
 * A stable MAC address from the machine name: the 52:54:00 prefix libvirt and QEMU use for
 * generated addresses (libvirt formatdomain, "MAC address"), then three bytes of sha256(name).
 */
export function macFor(name: string): string {
  const h = createHash("sha256").update(name).digest();
  return ["52", "54", "00", ...[h[0], h[1], h[2]].map((b) => b.toString(16).padStart(2, "0"))].join(":");
}

/** The first 12 hex digits of the config's sha256, computed by Terraform when the config holds tokens. */
function configHash(config: string): string {
  if (Token.isUnresolved(config)) return Fn.substr(Fn.sha256(config), 0, 12);
  return createHash("sha256").update(config).digest("hex").slice(0, 12);
}
