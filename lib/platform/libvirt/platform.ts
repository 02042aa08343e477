/**
 * The libvirt platform for the Cluster: `LibvirtPlatform.local(props)`.
 */
import { Ignition } from "../../../gen/libvirt/ignition";
import { Pool } from "../../../gen/libvirt/pool";
import { Construct, lazyString, terraformLiteral } from "../../cdktf";
import { MicroOsError } from "../../core/errors";
import { cpuMemoryOf, type SizeInput } from "../../core/size";
import { NodeRole, type NodeSpec } from "../../core/node";
import { type BindOptions, type IPlatform, type MachineRequest, type NodeConfigSource, type PlatformBinding, terraformAddress } from "../platform";
import { LibvirtImage } from "./image";
import { LibvirtMachine, ReplacementPolicy, type SharedIgnition, configHash, uploadedConfig } from "./machine";
import { AddressPlacement, LibvirtNetwork } from "./network";
import { type LibvirtBootProfile, type LibvirtImageSource, LIBVIRT_BOOT_PROFILE } from "./profile";
import { checkProps } from "../../core/props";
import { LIBVIRT_LOCAL_PROPS, type LibvirtLocalProps } from "./props";
import { LIBVIRT_LOCAL_URI, ensureLibvirtProvider } from "./provider";

export type { LibvirtLocalProps } from "./props";

/** A libvirt size: `MachineSize.cpuMemory(vcpu, memoryMib)` or `<vcpu>x<memoryMiB>`, for example `2x4096`. */
export function parseLibvirtSize(at: string, field: string, size: SizeInput): { vcpu: number; memoryMib: number } {
  return cpuMemoryOf(size, at, field);
}

/** libvirt on one host: a NAT network and a storage pool per cluster, one domain per node. */
export class LibvirtPlatform implements IPlatform<LibvirtClusterBinding> {
  /**
   * The host's system libvirt (`qemu:///system` unless `uri` says otherwise), through the
   * dmacvicar/libvirt provider, pinned to LIBVIRT_PROVIDER_VERSION (0.9.7).
   */
  public static local(props: LibvirtLocalProps = {}): LibvirtPlatform {
    checkProps("LibvirtPlatform.local", "", props, LIBVIRT_LOCAL_PROPS);
    return new LibvirtPlatform(props);
  }

  public readonly name = "libvirt";
  public readonly profileKey = LIBVIRT_BOOT_PROFILE;

  private constructor(private readonly props: LibvirtLocalProps) {}

  public bind(scope: Construct, clusterName: string, nodes: readonly NodeSpec[], options: BindOptions = {}): LibvirtClusterBinding {
    return new LibvirtClusterBinding(scope, "Libvirt", { ...this.props, clusterName, nodes, bindOptions: options });
  }
}

/** Props of {@link LibvirtClusterBinding}. */
export interface LibvirtClusterBindingProps extends LibvirtLocalProps {
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
export class LibvirtClusterBinding extends Construct implements PlatformBinding<LibvirtMachine> {
  public readonly poolsShareConfig: boolean;
  /** The cluster's NAT network (id `Network`), which fixes every node's address and MAC. */
  public readonly network: LibvirtNetwork;
  /** The storage pool (`libvirt_pool`, id `Pool`). */
  public readonly pool: Pool;
  public readonly apiEndpoint: string;
  public readonly apiTlsSans: readonly string[];
  private readonly props: LibvirtClusterBindingProps;
  private readonly specs = new Map<string, NodeSpec>();
  private readonly images = new Map<string, LibvirtImage>();
  private readonly machines = new Map<string, LibvirtMachine>();
  private built = false;

  constructor(scope: Construct, id: string, props: LibvirtClusterBindingProps) {
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
        // The NAT network is reachable from the host only; the platform writes no firewall rules to narrow it.
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
        member: n.role !== NodeRole.CONTROLLER && n.index !== undefined ? { group: n.pool, index: n.index } : undefined,
      })),
      firstHostOffset: props.firstHostOffset,
      avoidCidrs: props.avoidCidrs ?? props.bindOptions?.reservedCidrs ?? [],
    });
    const poolName = props.poolName ?? props.clusterName;
    this.pool = new Pool(this, "Pool", { name: poolName, type: "dir", target: { path: props.poolPath ?? `/var/lib/libvirt/images/${poolName}` } });
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

  public addMachines(requests: readonly MachineRequest[]): readonly LibvirtMachine[] {
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
    // One fw_cfg config resource per config the cluster shares between the nodes of a pool.
    const shared = new Map<NodeConfigSource, SharedIgnition>();
    const workerReplacement = this.props.workerReplacement ?? ReplacementPolicy.REPLACE;
    // One reference to the pool's name for every machine.
    const poolName = this.pool.name;
    return requests.map((request) => {
      const spec = request.spec;
      if (request.spot) {
        throw new MicroOsError(at, `requests.${spec.name}.spot`, "spot capacity is an AWS option; a libvirt host has none", "leave spot out of pools on libvirt");
      }
      const profile = request.profile as LibvirtBootProfile;
      const image = this.imageFor(profile.image);
      const size = request.size === undefined || request.size === "" ? (this.props.size ?? "2x2048") : request.size;
      const { vcpu, memoryMib } = parseLibvirtSize(at, `requests.${spec.name}.size`, size);
      const sharable = this.poolsShareConfig && spec.role !== NodeRole.CONTROLLER && profile.delivery.kind === "fw-cfg";
      let sharedIgnition = sharable ? shared.get(request.config) : undefined;
      if (sharable && !sharedIgnition) {
        sharedIgnition = this.sharedIgnition(spec.pool, request.config, image.url, workerReplacement);
        shared.set(request.config, sharedIgnition);
      }
      const machine = new LibvirtMachine(this, `Machine-${spec.name}`, {
        name: spec.name,
        // Domain names are unique per host: prefix the cluster unless the node name carries it.
        domainName: spec.name.startsWith(`${this.props.clusterName}-`) ? spec.name : `${this.props.clusterName}-${spec.name}`,
        role: spec.role,
        pool: poolName,
        network: this.network,
        profile,
        config: request.config,
        vcpu,
        memoryMib,
        diskGib: request.diskGib ?? this.props.diskGib ?? 20,
        replacement: spec.role === NodeRole.CONTROLLER ? (this.props.controllerReplacement ?? ReplacementPolicy.KEEP) : workerReplacement,
        uefiFirmware: this.props.uefiFirmware,
        uefiVarsTemplate: this.props.uefiVarsTemplate,
        image,
        sharedIgnition,
      });
      this.machines.set(spec.name, machine);
      return machine;
    });
  }

  /**
   * The config one pool's workers share: `libvirt_ignition` writes the file, which is uploaded
   * into a volume the domains read, named with the config's hash under REPLACE (see uploadedConfig).
   */
  private sharedIgnition(pool: string, config: NodeConfigSource, imageUrl: string, replacement: ReplacementPolicy): SharedIgnition {
    const name = `${this.props.clusterName}-${pool}`;
    const content = lazyString(() => terraformLiteral(config.render().content));
    const resource = new Ignition(this, `Ignition-${pool}`, { name: `${name}.ign`, content });
    const hash = configHash(config, imageUrl, () => `${terraformAddress(resource)}.content`);
    const keep = replacement === ReplacementPolicy.KEEP;
    const volume = uploadedConfig(this, `ConfigVolume-${pool}`, { name: keep ? `${name}.ign` : `${name}-${hash}.ign`, pool: this.pool.name, path: resource.path, keep });
    return { resource, volume, hash };
  }

  private imageFor(source: LibvirtImageSource): LibvirtImage {
    const key = `${source.kind}:${source.kind === "disk" ? source.url : source.isoUrl}`;
    let image = this.images.get(key);
    if (!image) {
      // Image ids derive from the volume name, never from request order.
      image = new LibvirtImage(this, `Image-${source.volumeName}`, { source, pool: this.pool.name });
      this.images.set(key, image);
    }
    return image;
  }
}
