/**
 * The libvirt platform for the Cluster: `LibvirtPlatform.local(props)`.
 */
import { Ignition } from "../../../gen/libvirt/providers/libvirt/ignition";
import { Fn, terraformLiteral } from "../../cdktf";
import { isDeferred } from "../../core/deferred";
import { ConfigFormat } from "../../os/types";
import { Construct } from "../../cdktf";
import { MicroOsError } from "../../core/errors";
import { NodeRole, type NodeSpec } from "../../core/node";
import type { LibvirtImageSource } from "../../os/types";
import {
  type BindOptions,
  type IPlatform,
  type MachineInfo,
  type MachineRequest,
  type PlatformBinding,
  PlatformKind,
} from "../platform";
import { Pool } from "../../../gen/libvirt/providers/libvirt/pool";
import { LibvirtImage } from "./image";
import { LibvirtMachine, libvirtDiskHash, type MachineMinimums, ReplacementPolicy } from "./machine";
import { AddressPlacement, K3S_DEFAULT_CIDRS, LibvirtNetwork } from "./network";
import { LIBVIRT_LOCAL_URI, ensureLibvirtProvider } from "./provider";

/** Props of {@link LibvirtPlatform.local}. */
export interface LibvirtLocalProps {
  /** libvirt connection URI. @default "qemu:///system" */
  readonly uri?: string;
  /** IPv4 block of the cluster's NAT network. @default "10.17.3.0/24" */
  readonly cidr?: string;
  /** DNS domain of the network. @default - `<clusterName>.internal` */
  readonly domain?: string;
  /** Blocks the network must not overlap. @default K3S_DEFAULT_CIDRS */
  readonly avoidCidrs?: readonly string[];
  /**
   * Fixed addresses by node name. Nodes not named here get the next free address in order
   * (controllers first), so an address otherwise follows the node's position: pin the ones that
   * must never move. @default {}
   */
  readonly addresses?: Readonly<Record<string, string>>;
  /** Offset in the block of the first controller's address. @default 10, or 2 in blocks smaller than /27 */
  readonly firstHostOffset?: number;
  /** Storage pool name. @default - the cluster name */
  readonly poolName?: string;
  /** Directory of the storage pool on the host. @default - `/var/lib/libvirt/images/<poolName>` */
  readonly poolPath?: string;
  /** Machine size when a request names none (`<vcpu>x<memoryMiB>`). @default "2x2048" */
  readonly size?: string;
  /** Root disk size when a request names none. @default 20 */
  readonly diskGib?: number;
  /** Policy for controllers. @default ReplacementPolicy.KEEP */
  readonly controllerReplacement?: ReplacementPolicy;
  /** Policy for workers. @default ReplacementPolicy.REPLACE */
  readonly workerReplacement?: ReplacementPolicy;
  /** Smallest memory and disk the OS needs. @default - from the request, else LIBVIRT_DEFAULT_MINIMUMS */
  readonly minimums?: MachineMinimums;
  /**
   * Workers of a pool boot one shared Ignition (one `libvirt_ignition` per pool instead of per
   * node) and take their host name from the network's DHCP host entry, as systemd-networkd does
   * by default (systemd.network, `[DHCPv4] UseHostname=`). Smaller output and faster synth for
   * large pools; per-node escape hatches are then refused.
   * @default false - each node's config names its host
   */
  readonly shareWorkerConfigs?: boolean;
  /** UEFI firmware path on the host; required for arm64 nodes. @default - BIOS boot */
  readonly uefiFirmware?: string;
  /** UEFI variables template path on the host. @default - libvirt's default */
  readonly uefiVarsTemplate?: string;
}

/** Parses a libvirt size `<vcpu>x<memoryMiB>`, for example `2x4096`. */
export function parseLibvirtSize(at: string, field: string, size: string): { vcpu: number; memoryMib: number } {
  const match = /^([1-9][0-9]*)x([1-9][0-9]*)$/.exec(size);
  if (!match) {
    throw new MicroOsError(at, field, `\`${size}\` is not a libvirt size`, "write `<vcpu>x<memory MiB>`, for example `2x4096`");
  }
  return { vcpu: Number(match[1]), memoryMib: Number(match[2]) };
}

/** libvirt on one host: a NAT network and a storage pool per cluster, one domain per node. */
export class LibvirtPlatform implements IPlatform {
  /** The host's system libvirt (`qemu:///system` unless `uri` says otherwise). */
  public static local(props: LibvirtLocalProps = {}): LibvirtPlatform {
    return new LibvirtPlatform(props);
  }

  public readonly kind = PlatformKind.LIBVIRT;

  private constructor(private readonly props: LibvirtLocalProps) {}

  public bind(scope: Construct, clusterName: string, nodes: readonly NodeSpec[], options: BindOptions = {}): PlatformBinding {
    return new LibvirtCluster(scope, "Libvirt", { ...this.props, clusterName, nodes, bindOptions: options });
  }
}

/** Props of {@link LibvirtCluster}. */
export interface LibvirtClusterProps extends LibvirtLocalProps {
  /** Prefix of every libvirt name (network, pool, volumes, domains). */
  readonly clusterName: string;
  /** Every node of the cluster, controllers first. */
  readonly nodes: readonly NodeSpec[];
  /** Cluster-wide access settings. @default {} */
  readonly bindOptions?: BindOptions;
}

/**
 * A cluster's libvirt resources: provider (when the stack has none), network (`Network`), pool
 * (`Pool`), images (`Image<n>` by image), and machines (`Machine-<node name>`). Outputs are the Cluster's.
 */
export class LibvirtCluster extends Construct implements PlatformBinding {
  public readonly kind = PlatformKind.LIBVIRT;
  public readonly poolsShareConfig: boolean;
  public readonly network: LibvirtNetwork;
  public readonly pool: Pool;
  public readonly apiEndpoint: string;
  public readonly apiTlsSans: readonly string[];
  private readonly props: LibvirtClusterProps;
  private readonly specs = new Map<string, NodeSpec>();
  private readonly images = new Map<string, LibvirtImage>();
  private readonly machines = new Map<string, LibvirtMachine>();
  private built = false;

  constructor(scope: Construct, id: string, props: LibvirtClusterProps) {
    super(scope, id);
    const at = this.node.path;
    this.props = props;
    for (const spec of props.nodes) {
      if (this.specs.has(spec.name)) {
        throw new MicroOsError(at, `nodes.${spec.name}`, `duplicate node name \`${spec.name}\``, "give every node a unique name");
      }
      this.specs.set(spec.name, spec);
    }
    for (const field of ["apiCidrs", "sshCidrs"] as const) {
      const cidrs = props.bindOptions?.[field] ?? [];
      if (cidrs.length > 0) {
        // The NAT network is reachable from the host only; libvirt 0.8.3 has no firewall rules to narrow it.
        throw new MicroOsError(at, `access.${field}`, "libvirt's NAT network has no firewall to limit who reaches the nodes", "leave it empty on libvirt (only the host reaches the network)");
      }
    }
    this.poolsShareConfig = props.shareWorkerConfigs ?? false;
    const controllers = props.nodes.filter((n) => n.role === NodeRole.CONTROLLER);
    if (controllers.length === 0) {
      throw new MicroOsError(at, "nodes", "no controller among the nodes", "list at least one node with role CONTROLLER");
    }
    ensureLibvirtProvider(this, props.uri ?? LIBVIRT_LOCAL_URI);

    // Controllers first, so their addresses stay put when worker pools change.
    const ordered = [...controllers, ...props.nodes.filter((n) => n.role !== NodeRole.CONTROLLER)];
    for (const name of Object.keys(props.addresses ?? {})) {
      if (!this.specs.has(name)) {
        throw new MicroOsError(at, `addresses.${name}`, `no node named \`${name}\``, `name one of ${[...this.specs.keys()].join(", ")}`);
      }
    }
    this.network = new LibvirtNetwork(this, "Network", {
      name: props.clusterName,
      cidr: props.cidr,
      domain: props.domain,
      hosts: ordered.map((n) => ({
        name: n.name,
        address: props.addresses?.[n.name],
        placement: n.role === NodeRole.CONTROLLER ? AddressPlacement.SEQUENTIAL : AddressPlacement.BY_NAME,
      })),
      firstHostOffset: props.firstHostOffset,
      avoidCidrs: props.avoidCidrs ?? K3S_DEFAULT_CIDRS,
    });
    const poolName = props.poolName ?? props.clusterName;
    this.pool = new Pool(this, "Pool", {
      name: poolName,
      type: "dir",
      target: { path: props.poolPath ?? `/var/lib/libvirt/images/${poolName}` },
    });
    this.apiEndpoint = this.network.addressOf(controllers[0].name);
    this.apiTlsSans = [this.network.fqdnOf(controllers[0].name)];
  }

  public addressOf(nodeName: string): string {
    if (!this.specs.has(nodeName)) {
      throw new MicroOsError(this.node.path, "nodeName", `no node named \`${nodeName}\``, "ask for a node the platform was bound with");
    }
    return this.network.addressOf(nodeName);
  }

  /** The machine built for a node, after {@link addMachines}. */
  public machine(nodeName: string): LibvirtMachine {
    const m = this.machines.get(nodeName);
    if (!m) throw new MicroOsError(this.node.path, "nodeName", `no machine named \`${nodeName}\``, "call addMachines with a request for it first");
    return m;
  }

  public addMachines(requests: readonly MachineRequest[]): readonly MachineInfo[] {
    const at = this.node.path;
    if (this.built) {
      throw new MicroOsError(at, "addMachines", "called twice", "pass every machine request in one call");
    }
    this.built = true;
    const seen = new Set<string>();
    for (const request of requests) {
      const name = request.spec.name;
      if (seen.has(name)) {
        throw new MicroOsError(at, `requests.${name}`, `duplicate node name \`${name}\``, "give every node a unique name");
      }
      seen.add(name);
      if (!this.specs.has(name)) {
        throw new MicroOsError(at, `requests.${name}`, `node \`${name}\` was not among the nodes the platform was bound with`, "bind the platform with every node the cluster will have");
      }
    }
    const infos: MachineInfo[] = [];
    // One Ignition resource per shared pool config (the cluster renders a shared pool once).
    const shared = new Map<string, { readonly resource: Ignition; readonly hash: string }>();
    for (const request of requests) {
      if (request.spot) {
        throw new MicroOsError(at, `requests.${request.spec.name}.spot`, "spot capacity is an AWS option; a libvirt host has none", "leave spot out of pools on libvirt");
      }
      const image = this.imageFor(request.image);
      const size = request.size === "" ? (this.props.size ?? "2x2048") : request.size;
      const { vcpu, memoryMib } = parseLibvirtSize(at, `requests.${request.spec.name}.size`, size);
      const spec = request.spec;
      const sharable = this.poolsShareConfig && spec.role !== NodeRole.CONTROLLER && request.config.format === ConfigFormat.IGNITION;
      let sharedIgnition = sharable ? shared.get(request.config.content) : undefined;
      if (sharable && !sharedIgnition) {
        const resource = new Ignition(this, `Ignition-${spec.pool}`, { name: `${this.props.clusterName}-${spec.pool}.ign`, pool: this.pool.name, content: terraformLiteral(request.config.content) });
        const hash = isDeferred(request.config.content) ? Fn.substr(Fn.sha256(Fn.join("\n", [image.source.url, resource.content])), 0, 8) : libvirtDiskHash(request.config.content, image.source.url);
        sharedIgnition = { resource, hash };
        shared.set(request.config.content, sharedIgnition);
      }
      const machine = new LibvirtMachine(this, `Machine-${spec.name}`, {
        sharedIgnition,
        name: spec.name,
        // Domain names are unique per host: prefix the cluster unless the node name carries it.
        domainName: spec.name.startsWith(`${this.props.clusterName}-`) ? spec.name : `${this.props.clusterName}-${spec.name}`,
        role: spec.role,
        image,
        pool: this.pool.name,
        network: this.network,
        config: request.config,
        vcpu,
        memoryMib,
        diskGib: request.diskGib ?? this.props.diskGib ?? 20,
        replacement:
          spec.role === NodeRole.CONTROLLER
            ? (this.props.controllerReplacement ?? ReplacementPolicy.KEEP)
            : (this.props.workerReplacement ?? ReplacementPolicy.REPLACE),
        minimums: request.minimums ?? this.props.minimums,
        uefiFirmware: this.props.uefiFirmware,
        uefiVarsTemplate: this.props.uefiVarsTemplate,
      });
      this.machines.set(spec.name, machine);
      infos.push({ name: spec.name, address: machine.address, sshCommand: machine.sshCommand });
    }
    return infos;
  }

  private imageFor(source: MachineRequest["image"]): LibvirtImage {
    if (source.kind !== "disk" && source.kind !== "iso") {
      throw new MicroOsError(this.node.path, "image", `an AWS image (\`${source.kind}\`) cannot boot on libvirt`, "ask the OS for its libvirt image (`libvirtImage(architecture)`)");
    }
    const libvirtSource = source as LibvirtImageSource;
    const key = `${libvirtSource.kind}:${libvirtSource.url}`;
    let image = this.images.get(key);
    if (!image) {
      // Image ids derive from the volume name, never from request order.
      image = new LibvirtImage(this, `Image-${libvirtSource.volumeName}`, { source: libvirtSource, pool: this.pool.name });
      this.images.set(key, image);
    }
    return image;
  }
}
