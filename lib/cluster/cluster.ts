import {
  Aspects,
  Construct,
  type IConstruct,
  TerraformOutput,
  terraformEncoder,
} from "../cdktf";
import { MicroOsError } from "../core/errors";
import { Architecture, isDnsLabel, NodeRole, type NodeSpec, type Taint } from "../core/node";
import { IgnitionConfig } from "../ignition/config";
import { K3sComponent, K3sRole, type K3sNodeProps } from "../k3s/node";
import type { IOperatingSystem, K3osCustomizer, NodeBootstrap } from "../os/os";
import type { RenderedConfig } from "../os/types";
import { type IPlatform, type MachineInfo, type MachineRequest, type PlatformBinding, PlatformKind } from "../platform/platform";
import { ClusterToken } from "./token";

/** The controllers: k3s servers with embedded etcd. */
export interface ControllersProps {
  /** How many; 1, or an odd number for etcd quorum. @default 1 */
  readonly count?: number;
  /** Machine size: an EC2 instance type on AWS, `<vcpu>x<memoryMiB>` on libvirt. @default - the platform's default */
  readonly size?: string;
  /** @default Architecture.AMD64 */
  readonly architecture?: Architecture;
  /** Root disk in GiB. @default - the platform's default */
  readonly diskGib?: number;
}

/** A named pool of workers (k3s agents) that share a size and a config. */
export interface PoolProps {
  /** DNS label, unique in the cluster; part of every node name and Terraform address of the pool. */
  readonly name: string;
  /** How many nodes; they are named `<cluster>-<pool>-<i>`. Give `nodeNames` instead to name them. */
  readonly count?: number;
  /** Explicit node name suffixes (`<cluster>-<pool>-<suffix>`); removing one touches only that node. @default - from count */
  readonly nodeNames?: readonly string[];
  /** Machine size. @default - the platform's default */
  readonly size?: string;
  /** @default Architecture.AMD64 */
  readonly architecture?: Architecture;
  /** Kubernetes labels. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Kubernetes taints. @default [] */
  readonly taints?: readonly Taint[];
  /** Spot capacity (AWS). @default false */
  readonly spot?: boolean;
  /** Root disk in GiB. @default - the platform's default */
  readonly diskGib?: number;
}

/** k3s options. */
export interface KubernetesProps {
  /**
   * k3s release, for example `v1.31.4+k3s1` (github.com/k3s-io/k3s/releases tag format).
   * @default - the version the OS bundles (k3OS); required on Flatcar
   */
  readonly k3sVersion?: string;
  /** Where the cluster token comes from. @default ClusterToken.random() */
  readonly token?: ClusterToken;
  /** Packaged components to turn off. @default [] */
  readonly disable?: readonly K3sComponent[];
  /** Further flags for servers. @default [] */
  readonly serverArgs?: readonly string[];
  /** Further flags for agents. @default [] */
  readonly agentArgs?: readonly string[];
}

/** Who may reach the cluster (AWS security groups). */
export interface AccessProps {
  /** CIDRs allowed to reach the Kubernetes API (6443). @default [] - nobody outside the VPC */
  readonly apiCidrs?: readonly string[];
  /** CIDRs allowed to reach SSH (22). @default [] - SSH closed */
  readonly sshCidrs?: readonly string[];
}

/** Properties of a {@link Cluster}. */
export interface ClusterProps {
  /** The micro-OS on every node: `Flatcar.channel(...)` or `K3os.release(...)`. */
  readonly os: IOperatingSystem;
  /** Where the machines run: `AwsPlatform.newVpc(...)` or `LibvirtPlatform.local(...)`. */
  readonly platform: IPlatform;
  /** @default - one controller of the platform's default size */
  readonly controllers?: ControllersProps;
  /** Worker pools. @default [] */
  readonly pools?: readonly PoolProps[];
  /** k3s settings. @default - no Kubernetes: hosts only (Flatcar), see examples/flatcar-containers */
  readonly kubernetes?: KubernetesProps;
  /** OpenSSH public keys for the admin user of every node. @default [] */
  readonly sshKeys?: readonly string[];
  /** Who may reach the API and SSH (AWS security groups). @default - API from inside the network only, SSH closed */
  readonly access?: AccessProps;
}

/** A pool (or the controllers) after construction: escape hatches that apply to all its nodes. */
export class ClusterPool {
  /** Extra Ignition merged into every Flatcar node of the pool. */
  public readonly flatcar: IgnitionConfig;
  /** Node names of the pool, in order. */
  public readonly nodeNames: readonly string[];
  /** @internal */
  public readonly _k3osCustomizers: K3osCustomizer[] = [];
  private readonly perNode = new Map<string, IgnitionConfig>();

  constructor(
    public readonly name: string,
    nodeNames: readonly string[],
    private readonly cluster: Cluster,
  ) {
    this.nodeNames = nodeNames;
    this.flatcar = new IgnitionConfig({ version: cluster._ignitionVersion() });
  }

  /** Extra Ignition for one node of the pool, merged after the pool's. */
  public node(nodeName: string): IgnitionConfig {
    if (!this.nodeNames.includes(nodeName)) {
      throw new MicroOsError(this.cluster.node.path, `pool(${this.name}).node(${nodeName})`, "no node of that name in the pool", `use one of ${this.nodeNames.join(", ")}`);
    }
    let c = this.perNode.get(nodeName);
    if (!c) {
      c = new IgnitionConfig({ version: this.cluster._ignitionVersion() });
      this.perNode.set(nodeName, c);
    }
    return c;
  }

  /** Edits the k3OS config of every node of the pool, after the OS's own keys (k3OS clusters). */
  public customizeK3os(customize: K3osCustomizer): this {
    this._k3osCustomizers.push(customize);
    return this;
  }

  /** @internal true when some node of the pool has an escape hatch of its own. */
  public _hasNodeExtras(): boolean {
    return [...this.perNode.values()].some((c) => !isEmpty(c));
  }

  /** @internal the pool's and the node's Ignition escape hatches that hold anything. */
  public _ignitionFor(nodeName: string): IgnitionConfig[] {
    return [this.flatcar, this.perNode.get(nodeName)].filter((c): c is IgnitionConfig => c !== undefined && !isEmpty(c));
  }
}

// Content-free encoding, used only to see whether an escape hatch holds anything.
const asIs = { base64: (t: string) => t, base64gzip: (t: string) => t, sha512hex: (t: string) => t, sha256hex: (t: string) => t };
function isEmpty(config: IgnitionConfig): boolean {
  const spec = config.toSpec({ encoder: asIs });
  return Object.keys(spec).length === 1 && Object.keys(spec.ignition).length === 1;
}

// k3s release tags: v<major>.<minor>.<patch>[-rcN]+k3s<N> (github.com/k3s-io/k3s/releases).
const K3S_VERSION = /^v1\.\d{1,2}\.\d{1,2}(-rc\d+)?\+k3s\d+$/;
const CONTROLLERS = "controllers";

/**
 * A micro-OS Kubernetes cluster: controllers and named worker pools on one platform, each node
 * provisioned at first boot (Ignition or k3OS config), k3s forming itself without SSH.
 *
 * Node names are `<id>-controller-<i>` and `<id>-<pool>-<i>`; every Terraform address of a node
 * derives from its name, so scaling a pool adds or removes only the nodes that change.
 */
export class Cluster extends Construct {
  /** Every node of the cluster, controllers first. */
  public readonly nodes: readonly NodeSpec[];
  /** The address the Kubernetes API is reached at. */
  public readonly apiEndpoint: string;
  /** The platform binding (network etc.). */
  public readonly platform: PlatformBinding;
  /** The cluster token (an apply-time value); undefined without Kubernetes. */
  public readonly token?: string;

  private readonly props: ClusterProps;
  private readonly pools = new Map<string, ClusterPool>();
  private readonly specs = new Map<string, NodeSpec & { readonly size?: string; readonly diskGib?: number; readonly spot?: boolean }>();
  private built?: readonly MachineInfo[];
  private readonly rendered = new Map<string, RenderedConfig>();

  constructor(scope: Construct, id: string, props: ClusterProps) {
    super(scope, id);
    this.props = props;
    if (!isDnsLabel(id)) {
      throw new MicroOsError(this.node.path, "id", `"${id}" is not a DNS label`, "use lower-case letters, digits and '-', at most 63 characters");
    }
    this.validateKubernetes();
    const controllers = props.controllers ?? {};
    const count = controllers.count ?? 1;
    if (!Number.isInteger(count) || count < 1) {
      throw new MicroOsError(this.node.path, "controllers.count", `${count} is not a positive whole number`, "give 1, 3 or 5 controllers");
    }
    if (count % 2 === 0) {
      throw new MicroOsError(this.node.path, "controllers.count", `${count} controllers cannot keep etcd quorum better than ${count - 1}`, `use an odd number: ${count - 1} or ${count + 1}`);
    }
    const controllerNames = Array.from({ length: count }, (_, i) => `${id}-controller-${i}`);
    for (const name of controllerNames) {
      this.addSpec({ name, role: NodeRole.CONTROLLER, pool: CONTROLLERS, architecture: controllers.architecture ?? Architecture.AMD64, size: controllers.size, diskGib: controllers.diskGib });
    }
    this.pools.set(CONTROLLERS, new ClusterPool(CONTROLLERS, controllerNames, this));

    for (const [i, pool] of (props.pools ?? []).entries()) {
      const field = `pools[${i}]`;
      if (!isDnsLabel(pool.name) || pool.name === CONTROLLERS) {
        throw new MicroOsError(this.node.path, `${field}.name`, `"${pool.name}" is not usable as a pool name`, "use a DNS label (lower case, digits, '-') other than 'controllers'");
      }
      if (this.pools.has(pool.name)) {
        throw new MicroOsError(this.node.path, `${field}.name`, `pool "${pool.name}" is defined twice`, "give each pool its own name");
      }
      const suffixes = this.poolSuffixes(pool, field);
      const names = suffixes.map((s) => `${id}-${pool.name}-${s}`);
      for (const name of names) {
        this.addSpec({
          name,
          role: NodeRole.WORKER,
          pool: pool.name,
          architecture: pool.architecture ?? Architecture.AMD64,
          labels: pool.labels,
          taints: pool.taints,
          size: pool.size,
          diskGib: pool.diskGib,
          spot: pool.spot,
        });
      }
      this.pools.set(pool.name, new ClusterPool(pool.name, names, this));
    }
    this.nodes = [...this.specs.values()].map(({ size: _s, diskGib: _d, spot: _p, ...spec }) => spec);
    this.platform = props.platform.bind(this, id, this.nodes, { apiCidrs: props.access?.apiCidrs, sshCidrs: props.access?.sshCidrs });
    this.apiEndpoint = this.platform.apiEndpoint;
    if (props.kubernetes) this.token = (props.kubernetes.token ?? ClusterToken.random())._bind(this);

    // Machines are built when the stack is synthesized, so pool(...) escape hatches added after
    // construction are part of every node's config.
    Aspects.of(this).add({ visit: (c: IConstruct) => { if (c === this) this.build(); } });
  }

  /**
   * Each node's rendered provisioning config, by node name; filled when the stack is synthesized
   * (apply-time values appear as cdktf tokens).
   */
  public get renderedConfigs(): ReadonlyMap<string, RenderedConfig> {
    return this.rendered;
  }

  /** The escape hatches of a pool (`"controllers"` for the controllers). */
  public pool(name: string): ClusterPool {
    const p = this.pools.get(name);
    if (!p) {
      throw new MicroOsError(this.node.path, `pool(${name})`, "no pool of that name", `use one of ${[...this.pools.keys()].join(", ")}`);
    }
    if (this.built) {
      throw new MicroOsError(this.node.path, `pool(${name})`, "the cluster is already synthesized", "add escape hatches before synth");
    }
    return p;
  }

  /** @internal */
  public _ignitionVersion() {
    return this.props.os.ignitionVersion;
  }

  /** Renders every node and asks the platform for the machines. Runs once, at synth. */
  private build(): void {
    if (this.built) return;
    const controllers = this.pools.get(CONTROLLERS)!.nodeNames;
    const first = controllers[0];
    const requests: MachineRequest[] = [];
    // A pool whose nodes share one config is rendered once: each rendering wraps apply-time values
    // in fresh Terraform function tokens, so two renderings of the same content would differ.
    const sharedConfigs = new Map<string, RenderedConfig>();
    for (const spec of this.specs.values()) {
      const { size, diskGib, spot, ...nodeSpec } = spec;
      const pool = this.pools.get(nodeSpec.pool)!;
      const shared = nodeSpec.role === NodeRole.WORKER && this.platform.poolsShareConfig === true;
      if (shared && pool._hasNodeExtras()) {
        throw new MicroOsError(this.node.path, `pool(${pool.name}).node(...)`, "the platform boots every node of a pool from one config, so a node cannot have its own", "put the content in the pool's config, or place workers one machine each (AWS: workerPlacement: WorkerPlacement.INSTANCES)");
      }
      let config = shared ? sharedConfigs.get(pool.name) : undefined;
      if (!config) {
        const boot: NodeBootstrap = {
          spec: nodeSpec,
          hostname: shared ? undefined : nodeSpec.name,
          sshKeys: this.props.sshKeys ?? [],
          k3s: this.k3sFor(nodeSpec, first),
          ignitionExtras: pool._ignitionFor(nodeSpec.name),
          k3osExtras: pool._k3osCustomizers,
        };
        config = this.props.os.renderNode(boot, terraformEncoder);
        if (shared) sharedConfigs.set(pool.name, config);
      }
      this.rendered.set(nodeSpec.name, config);
      requests.push({
        spec: nodeSpec,
        config,
        image: this.props.platform.kind === PlatformKind.AWS ? this.props.os.awsImage(nodeSpec.architecture) : this.props.os.libvirtImage(nodeSpec.architecture),
        size: size ?? "",
        minimums: this.props.os.minimums,
        diskGib,
        spot,
      });
    }
    this.built = this.platform.addMachines(requests);
    this.addOutputs(this.built);
  }

  private k3sFor(spec: NodeSpec, first: string): K3sNodeProps | undefined {
    const k = this.props.kubernetes;
    if (!k || !this.token) return undefined;
    const address = this.platform.addressOf(spec.name);
    const version = k.k3sVersion ?? this.props.os.bundledK3sVersion!;
    // Nodes of a shared-config pool take the name the platform gives the host.
    const nodeName = spec.role === NodeRole.WORKER && this.platform.poolsShareConfig ? undefined : spec.name;
    const common = { token: this.token, version, nodeName, labels: spec.labels, taints: spec.taints };
    if (spec.role === NodeRole.WORKER) {
      return { ...common, role: K3sRole.AGENT, serverUrl: `https://${this.apiEndpoint}:6443`, extraArgs: k.agentArgs };
    }
    const server = {
      ...common,
      nodeIp: address,
      advertiseAddress: address,
      tlsSans: [...this.platform.apiTlsSans, address],
      disable: k.disable,
      extraArgs: k.serverArgs,
    };
    if (spec.name === first) return { ...server, role: K3sRole.CLUSTER_INIT };
    // Joining servers reach the first controller at its fixed address, known at synth time.
    return { ...server, role: K3sRole.SERVER, serverUrl: `https://${this.platform.addressOf(first)}:6443` };
  }

  private addOutputs(machines: readonly MachineInfo[]): void {
    new TerraformOutput(this, "api_endpoint", { value: `https://${this.apiEndpoint}:6443`, description: "Kubernetes API" });
    new TerraformOutput(this, "nodes", {
      value: Object.fromEntries(machines.map((m) => [m.name, { address: m.address, ssh: m.sshCommand }])),
      description: "node name -> address and ssh command",
    });
    if (this.token) {
      const first = machines.find((m) => m.name === this.nodes[0].name)!;
      // k3s writes the admin kubeconfig to /etc/rancher/k3s/k3s.yaml on servers (docs.k3s.io cluster-access).
      new TerraformOutput(this, "kubeconfig_command", {
        value: `${first.sshCommand} sudo cat /etc/rancher/k3s/k3s.yaml | sed 's#https://127.0.0.1:6443#https://${this.apiEndpoint}:6443#' > kubeconfig`,
        description: "fetches an admin kubeconfig from the first controller",
      });
      new TerraformOutput(this, "token", { value: this.token, sensitive: true, description: "k3s cluster token" });
    }
  }

  private addSpec(spec: NodeSpec & { readonly size?: string; readonly diskGib?: number; readonly spot?: boolean }): void {
    if (!isDnsLabel(spec.name)) {
      throw new MicroOsError(this.node.path, `node ${spec.name}`, "the node name is not a DNS label (too long or bad characters)", "shorten the cluster id or pool name, or use lower-case letters, digits and '-'");
    }
    if (this.specs.has(spec.name)) {
      throw new MicroOsError(this.node.path, `node ${spec.name}`, "two nodes have this name", "give pool nodes distinct names");
    }
    this.specs.set(spec.name, spec);
  }

  private poolSuffixes(pool: PoolProps, field: string): string[] {
    if (pool.nodeNames && pool.count !== undefined) {
      throw new MicroOsError(this.node.path, field, "both count and nodeNames are given", "give one of them");
    }
    if (pool.nodeNames) {
      for (const n of pool.nodeNames) {
        if (!isDnsLabel(n)) throw new MicroOsError(this.node.path, `${field}.nodeNames`, `"${n}" is not a DNS label`, "use lower-case letters, digits and '-'");
      }
      return [...pool.nodeNames];
    }
    const count = pool.count ?? 1;
    if (!Number.isInteger(count) || count < 0) {
      throw new MicroOsError(this.node.path, `${field}.count`, `${count} is not a whole number of nodes`, "give 0 or more");
    }
    return Array.from({ length: count }, (_, i) => String(i));
  }

  private validateKubernetes(): void {
    const k = this.props.kubernetes;
    if (!k) return;
    if (k.k3sVersion === undefined) {
      if (this.props.os.bundledK3sVersion === undefined) {
        throw new MicroOsError(this.node.path, "kubernetes.k3sVersion", `${this.props.os.family} does not bundle k3s, and no version is given`, 'give a k3s release tag like "v1.31.4+k3s1"');
      }
      return;
    }
    if (!K3S_VERSION.test(k.k3sVersion)) {
      throw new MicroOsError(this.node.path, "kubernetes.k3sVersion", `"${k.k3sVersion}" is not a k3s release tag`, 'give a tag like "v1.31.4+k3s1"');
    }
    const bundled = this.props.os.bundledK3sVersion;
    if (bundled !== undefined && bundled !== k.k3sVersion) {
      throw new MicroOsError(this.node.path, "kubernetes.k3sVersion", `${this.props.os.family} ships k3s ${bundled}, not ${k.k3sVersion}`, `leave k3sVersion out, or give "${bundled}"`);
    }
  }
}
