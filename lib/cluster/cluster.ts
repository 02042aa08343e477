import { Annotations, Construct, TerraformLocal, TerraformOutput, TerraformStack, terraformEncoder } from "../cdktf";
import { MicroOsError } from "../core/errors";
import type { SizeInput } from "../core/size";
import { isK3sReleaseTag, K3S_API_PORT, K3S_RELEASE_TAG_EXAMPLE } from "../core/k3s";
import type { ConfigCustomizer, ConfigFormat } from "../core/format";
import { Architecture, isDnsLabel, NodeRole, type NodeSpec } from "../core/node";
import { IgnitionConfig } from "../ignition/config";
import { IGNITION_FORMAT } from "../ignition/format";
import { K3S_DEFAULT_CIDRS, K3sRole, type K3sNodeProps } from "../k3s/node";
import type { NodeBootstrap } from "../os/os";
import type { RenderedConfig } from "../core/format";
import type { MachineInfo, MachineRequest, NodeConfigSource, PlatformBinding } from "../platform/platform";
import { checkProps } from "../core/props";
import { type ClusterProps, CLUSTER_PROPS, type PoolProps } from "./props";
import { k3sSecureToken } from "../k3s/certificates";
import { k3sEndOfLifeProblem } from "../k3s/release";
import { type BoundCertificates, ClusterCertificates } from "./certificates";
import { refuseNameClash } from "./terraform-names";
import { ClusterToken } from "./token";

export type { AccessProps, ClusterProps, ControllersProps, KubernetesProps, PoolProps } from "./props";

/** A node's config source: renders once the stack is synthesized, and freezes the escape hatches then. */
class ClusterConfig implements NodeConfigSource {
  private final?: RenderedConfig;

  constructor(
    public readonly format: ConfigFormat,
    public readonly holdsSecret: boolean,
    private readonly produce: () => RenderedConfig,
    private readonly onFreeze: () => void,
  ) {}

  public render(): RenderedConfig {
    if (!this.final) {
      this.onFreeze();
      this.final = this.produce();
    }
    return this.final;
  }

  public preview(): RenderedConfig {
    return this.final ?? this.produce();
  }
}

/**
 * A pool (or the controllers) after construction: escape hatches that apply to all its nodes or
 * to one. Each is named for what it holds and refused at the call on an OS that reads another
 * config format.
 */
export class ClusterPool {
  /** Node names of the pool, in order. */
  public readonly nodeNames: readonly string[];
  /** @internal */
  public readonly _customizers: ConfigCustomizer<unknown>[] = [];
  /** @internal */
  public readonly _nodeCustomizers = new Map<string, ConfigCustomizer<unknown>[]>();
  private poolIgnition?: IgnitionConfig;
  private readonly nodeIgnitions = new Map<string, IgnitionConfig>();

  /** @internal */
  constructor(
    public readonly name: string,
    nodeNames: readonly string[],
    private readonly cluster: Cluster,
    /** True when the platform boots every node of the pool from one config. */
    private readonly shared: boolean,
  ) {
    this.nodeNames = nodeNames;
  }

  /** Ignition merged into every node of the pool, after the OS's own content (Ignition OSes). */
  public get ignition(): IgnitionConfig {
    this.cluster._acceptHatch(`pool(${this.name}).ignition`, IGNITION_FORMAT);
    if (!this.poolIgnition) {
      const extra = new IgnitionConfig({ version: this.cluster._ignitionVersion(), name: `pool ${this.name}`, variant: this.cluster._ignitionVariant() });
      this.poolIgnition = extra;
      this._customizers.push((config) => mergeUnlessEmpty(config as IgnitionConfig, extra));
    }
    return this.poolIgnition;
  }

  /** Ignition for one node of the pool, merged after the pool's (Ignition OSes). */
  public nodeIgnition(nodeName: string): IgnitionConfig {
    const field = `pool(${this.name}).nodeIgnition(${nodeName})`;
    this.checkNode(field, nodeName);
    this.cluster._acceptHatch(field, IGNITION_FORMAT);
    let extra = this.nodeIgnitions.get(nodeName);
    if (!extra) {
      extra = new IgnitionConfig({ version: this.cluster._ignitionVersion(), name: `node ${nodeName}`, variant: this.cluster._ignitionVariant() });
      const added = extra;
      this.nodeIgnitions.set(nodeName, added);
      this.addNodeCustomizer(nodeName, (config) => mergeUnlessEmpty(config as IgnitionConfig, added));
    }
    return extra;
  }

  /**
   * Edits the config builder of every node of the pool, after the OS's own content, for an OS
   * whose configs are in `format`: `pool.customize(K3OS_FORMAT, (config) => config.addNtpServers(...))`
   * on k3OS; on an Ignition OS, `pool.ignition` is the simpler hatch.
   */
  public customize<C>(format: ConfigFormat<C>, customize: ConfigCustomizer<C>): this {
    this.cluster._acceptHatch(`pool(${this.name}).customize`, format);
    if (typeof customize !== "function") {
      throw new MicroOsError(this.cluster.node.path, `pool(${this.name}).customize`, "the customizer is not a function", "pass `(config) => { ... }`");
    }
    this._customizers.push(customize as ConfigCustomizer<unknown>);
    return this;
  }

  /** Edits one node's config builder, after the pool's escape hatches (see {@link customize}). */
  public customizeNode<C>(nodeName: string, format: ConfigFormat<C>, customize: ConfigCustomizer<C>): this {
    const field = `pool(${this.name}).customizeNode(${nodeName})`;
    this.checkNode(field, nodeName);
    this.cluster._acceptHatch(field, format);
    this.addNodeCustomizer(nodeName, customize as ConfigCustomizer<unknown>);
    return this;
  }

  private checkNode(field: string, nodeName: string): void {
    if (!this.nodeNames.includes(nodeName)) {
      throw new MicroOsError(this.cluster.node.path, field, "no node of that name in the pool", `use one of ${this.nodeNames.join(", ")}`);
    }
    if (this.shared) {
      throw new MicroOsError(this.cluster.node.path, field, "the platform boots every node of this pool from one config, so a node cannot have its own", "put the content in the pool's config, or place workers one machine each (AWS: workerPlacement: WorkerPlacement.INSTANCES)");
    }
  }

  private addNodeCustomizer(nodeName: string, customize: ConfigCustomizer<unknown>): void {
    const list = this._nodeCustomizers.get(nodeName) ?? [];
    list.push(customize);
    this._nodeCustomizers.set(nodeName, list);
  }
}

// Content-free encoding, used only to see whether an escape hatch holds anything.
const asIs = { base64: (t: string) => t, base64gzip: (t: string) => t, sha512hex: (t: string) => t, sha256hex: (t: string) => t };
/** Merges `extra` unless it holds nothing (an untouched hatch leaves the config as the OS made it). */
function mergeUnlessEmpty(config: IgnitionConfig, extra: IgnitionConfig): void {
  const spec = extra.toSpec({ encoder: asIs });
  if (Object.keys(spec).length === 1 && Object.keys(spec.ignition).length === 1) return;
  config.merge(extra);
}

/**
 * An output of a cluster under a stable name (`api_endpoint`, `kubeconfig`, `nodes`, `token`)
 * rather than cdktf's path-and-hash logical id, so users and scripts can name it. The name gets
 * the cluster id in front (`prod_api_endpoint`) only when another cluster shares the stack, which
 * is known at synth, when the name is first read.
 */
class ClusterOutput extends TerraformOutput {
  constructor(private readonly cluster: Construct, private readonly outputName: string, config: ConstructorParameters<typeof TerraformOutput>[2]) {
    super(cluster, outputName, config);
  }

  public override get friendlyUniqueId(): string {
    const stack = TerraformStack.of(this.cluster);
    const clusters = stack.node.findAll().filter((c) => c instanceof Cluster);
    return clusters.length > 1 ? `${this.cluster.node.id}_${this.outputName}` : this.outputName;
  }

  // The name is final only at synth (it depends on the clusters in the stack): checked then (./terraform-names.ts).
  public override toTerraform(): unknown {
    this.refuseClash();
    return super.toTerraform();
  }

  public override toHclTerraform(): unknown {
    this.refuseClash();
    return super.toHclTerraform();
  }

  private refuseClash(): void {
    refuseNameClash(this, { at: this.cluster.node.path, field: `outputs.${this.outputName}`, fix: `rename your own output (the cluster's outputs are ${CLUSTER_OUTPUT_NAMES.join(", ")}, prefixed with the cluster id when a stack holds two clusters)` });
  }
}

const CLUSTER_OUTPUT_NAMES = ["api_endpoint", "nodes", "kubeconfig", "token"];

const CONTROLLERS = "controllers";
// Kubernetes supports clusters of at most 5,000 nodes (kubernetes.io docs, "Considerations for
// large clusters"); a larger count is a mistake, and would not fit in memory as node specs.
const MAX_CLUSTER_NODES = 5000;
// k3s's flags for its pod and service networks (docs.k3s.io cli/server, "Networking").
const NETWORK_FLAGS = ["--cluster-cidr", "--service-cidr"];

/** What the cluster keeps per node besides its spec. */
interface NodeEntry {
  readonly spec: NodeSpec;
  readonly size?: SizeInput;
  readonly diskGib?: number;
  readonly spot?: boolean;
}

/**
 * A micro-OS Kubernetes cluster: controllers and named worker pools on one platform, each node
 * provisioned at first boot by its OS's config, k3s forming itself without SSH.
 *
 * Every resource exists when the constructor returns; the configs are rendered when the stack is
 * synthesized, so escape hatches added afterwards still reach them. Node names are
 * `<id>-controller-<i>` and `<id>-<pool>-<i>`; every Terraform address of a node derives from its
 * name, so scaling a pool adds or removes only the nodes that change.
 */
export class Cluster<B extends PlatformBinding = PlatformBinding> extends Construct {
  /** Every node of the cluster, controllers first. */
  public readonly nodes: readonly NodeSpec[];
  /** The address the Kubernetes API is reached at. */
  public readonly apiEndpoint: string;
  /** The platform binding: network, load balancer, and a machine per node (`platform.machine(name)`). */
  public readonly platform: B;
  /** The cluster token (an apply-time value); undefined without Kubernetes. */
  public readonly token?: string;
  /**
   * An admin kubeconfig (an apply-time value, also the sensitive output `kubeconfig`); undefined
   * without Kubernetes or with {@link ClusterCertificates.k3sGenerated}.
   */
  public readonly kubeconfig?: string;
  /** The machines, by node name (on AWS a worker of an autoscaling group shares its pool's). */
  public readonly machines: ReadonlyMap<string, MachineInfo>;

  private readonly props: ClusterProps<B>;
  private readonly pools = new Map<string, ClusterPool>();
  private readonly entries = new Map<string, NodeEntry>();
  private readonly configs = new Map<string, ClusterConfig>();
  private frozen = false;
  private readonly certificates?: BoundCertificates;
  private joinToken?: string;

  constructor(scope: Construct, id: string, props: ClusterProps<B>) {
    super(scope, id);
    this.props = props;
    if (!isDnsLabel(id)) {
      throw new MicroOsError(this.node.path, "id", `"${id}" is not a DNS label`, "use lower-case letters, digits and '-', at most 63 characters");
    }
    // Every prop's type and form, for JavaScript callers too (lib/cluster/props.ts).
    checkProps(this.node.path, "", props, CLUSTER_PROPS);
    const os = props.os;
    if (!os.supportsPlatform(props.platform.profileKey)) {
      throw new MicroOsError(this.node.path, "platform", `${os.name} has no boot profile for ${props.platform.name}`, "pick a platform the OS supports, or another OS");
    }
    const k3sVersion = this.validateKubernetes();
    // A release past upstream support still synthesizes (it must, to be upgraded), with a warning (lib/k3s/release.ts).
    const endOfLife = k3sVersion === undefined ? undefined : k3sEndOfLifeProblem(k3sVersion);
    if (endOfLife !== undefined) Annotations.of(this).addWarning(`${this.node.path}: kubernetes.k3sVersion: ${endOfLife}`);
    const controllers = props.controllers ?? {};
    const count = controllers.count ?? 1;
    if (!Number.isInteger(count) || count < 1) {
      throw new MicroOsError(this.node.path, "controllers.count", `${count} is not a positive whole number`, "give 1, 3 or 5 controllers");
    }
    if (count > MAX_CLUSTER_NODES) {
      throw new MicroOsError(this.node.path, "controllers.count", `${count} controllers are more than a Kubernetes cluster supports (${MAX_CLUSTER_NODES} nodes)`, "give 1, 3 or 5 controllers");
    }
    if (count % 2 === 0) {
      throw new MicroOsError(this.node.path, "controllers.count", `${count} controllers cannot keep etcd quorum better than ${count - 1}`, `use an odd number: ${count - 1} or ${count + 1}`);
    }
    const controllerNames = Array.from({ length: count }, (_, i) => `${id}-controller-${i}`);
    for (const name of controllerNames) {
      this.addEntry({ spec: { name, role: NodeRole.CONTROLLER, pool: CONTROLLERS, architecture: controllers.architecture ?? Architecture.AMD64 }, size: controllers.size, diskGib: controllers.diskGib });
    }
    const poolNodes: Array<[string, string[]]> = [[CONTROLLERS, controllerNames]];
    for (const [i, pool] of (props.pools ?? []).entries()) {
      const field = `pools[${i}]`;
      if (!isDnsLabel(pool.name) || pool.name === CONTROLLERS) {
        throw new MicroOsError(this.node.path, `${field}.name`, `"${pool.name}" is not usable as a pool name`, "use a DNS label (lower case, digits, '-') other than 'controllers'");
      }
      if (poolNodes.some(([name]) => name === pool.name)) {
        throw new MicroOsError(this.node.path, `${field}.name`, `pool "${pool.name}" is defined twice`, "give each pool its own name");
      }
      const suffixes = this.poolSuffixes(pool, field);
      const names = suffixes.map((s) => `${id}-${pool.name}-${s}`);
      for (const [n, name] of names.entries()) {
        // A numeric suffix is the node's number, whether it came from count or nodeNames.
        const index = /^(0|[1-9][0-9]{0,8})$/.test(suffixes[n]) ? Number(suffixes[n]) : undefined;
        this.addEntry({
          spec: { name, role: NodeRole.WORKER, pool: pool.name, architecture: pool.architecture ?? Architecture.AMD64, labels: pool.labels, taints: pool.taints, index },
          size: pool.size,
          diskGib: pool.diskGib,
          spot: pool.spot,
        });
      }
      poolNodes.push([pool.name, names]);
    }
    if (this.entries.size > MAX_CLUSTER_NODES) {
      throw new MicroOsError(this.node.path, "pools", `${this.entries.size} nodes are more than a Kubernetes cluster supports (${MAX_CLUSTER_NODES})`, `give at most ${MAX_CLUSTER_NODES} in all, or split the workload over clusters`);
    }
    this.nodes = [...this.entries.values()].map((e) => e.spec);
    this.platform = props.platform.bind(this, id, this.nodes, {
      apiCidrs: props.access?.apiCidrs,
      sshCidrs: props.access?.sshCidrs,
      reservedCidrs: this.kubernetesNetworks(),
    });
    const shared = this.platform.poolsShareConfig === true;
    for (const [name, nodes] of poolNodes) this.pools.set(name, new ClusterPool(name, nodes, this, shared && name !== CONTROLLERS));
    this.apiEndpoint = this.platform.apiEndpoint;
    if (props.kubernetes) {
      this.token = (props.kubernetes.token ?? ClusterToken.random())._bind(this);
      this.certificates = (props.kubernetes.certificates ?? ClusterCertificates.terraform())._bind(this, { clusterName: id, apiEndpoint: this.apiEndpoint });
      this.kubeconfig = this.certificates?.kubeconfig;
    }

    const requests: MachineRequest[] = [];
    const poolConfigs = new Map<string, ClusterConfig>();
    for (const entry of this.entries.values()) {
      const spec = entry.spec;
      const sharedPool = shared && spec.role === NodeRole.WORKER;
      // A pool whose nodes share one config is rendered once: each rendering wraps apply-time
      // values in fresh Terraform function tokens, so two renderings of one content would differ.
      let config = sharedPool ? poolConfigs.get(spec.pool) : undefined;
      if (!config) {
        config = this.configFor(spec, sharedPool, k3sVersion);
        if (sharedPool) poolConfigs.set(spec.pool, config);
      }
      this.configs.set(spec.name, config);
      requests.push({ spec, config, profile: os.bootProfile(props.platform.profileKey, spec), size: entry.size, diskGib: entry.diskGib, spot: entry.spot });
    }
    // The OS's own checks run now, on the first node of each pool (its nodes differ only in their
    // names, which the cluster has checked), so a mistake fails at this call without rendering
    // every node twice.
    for (const pool of this.pools.values()) if (pool.nodeNames.length) this.configs.get(pool.nodeNames[0])!.preview();
    const machines = this.platform.addMachines(requests);
    this.machines = new Map(machines.map((m) => [m.name, m]));
    this.addOutputs(machines);
  }

  /**
   * Each node's provisioning config by node name, rendered now with the escape hatches added so
   * far (apply-time values appear as cdktf tokens). Nodes that share one config share one entry.
   */
  public get renderedConfigs(): ReadonlyMap<string, RenderedConfig> {
    const rendered = new Map<ClusterConfig, RenderedConfig>();
    return new Map([...this.configs].map(([name, config]) => {
      let r = rendered.get(config);
      if (!r) {
        r = config.preview();
        rendered.set(config, r);
      }
      return [name, r];
    }));
  }

  /** The escape hatches of a pool (`"controllers"` for the controllers). */
  public pool(name: string): ClusterPool {
    const p = this.pools.get(name);
    if (!p) {
      throw new MicroOsError(this.node.path, `pool(${name})`, "no pool of that name", `use one of ${[...this.pools.keys()].join(", ")}`);
    }
    return p;
  }

  /** @internal the Ignition version escape hatches are built for. */
  public _ignitionVersion() {
    return (this.props.os as { readonly ignitionVersion?: IgnitionConfig["version"] }).ignitionVersion;
  }

  /** @internal the Ignition variant (what the OS reads) escape hatches are built for. */
  public _ignitionVariant() {
    return (this.props.os as { readonly variant?: IgnitionConfig["variant"] }).variant;
  }

  /** @internal refuses an escape hatch for another format than the OS's, or after synth. */
  public _acceptHatch(field: string, format: ConfigFormat<unknown>): void {
    if (this.frozen) {
      throw new MicroOsError(this.node.path, field, "the cluster is already synthesized", "add escape hatches before synth");
    }
    const os = this.props.os;
    if (format !== os.configFormat) {
      throw new MicroOsError(this.node.path, field, `${os.name} reads ${os.configFormat.description}, not ${format.description}`, `use the escape hatch for ${os.configFormat.description}`);
    }
  }

  private configFor(spec: NodeSpec, sharedPool: boolean, k3sVersion: string | undefined): ClusterConfig {
    const pool = () => this.pools.get(spec.pool)!;
    const k3s = this.k3sFor(spec, sharedPool, k3sVersion);
    const produce = (): RenderedConfig => {
      const boot: NodeBootstrap = {
        spec,
        hostname: sharedPool ? undefined : spec.name,
        sshKeys: this.props.sshKeys ?? [],
        k3s,
        customizers: [...pool()._customizers, ...(pool()._nodeCustomizers.get(spec.name) ?? [])],
      };
      return this.props.os.renderNode(boot, terraformEncoder);
    };
    return new ClusterConfig(this.props.os.configFormat, k3s !== undefined, produce, () => {
      this.frozen = true;
    });
  }

  private k3sFor(spec: NodeSpec, sharedPool: boolean, version: string | undefined): K3sNodeProps | undefined {
    const k = this.props.kubernetes;
    if (!k || !this.token || version === undefined) return undefined;
    const address = this.platform.addressOf(spec.name);
    // Nodes of a shared-config pool take the name the platform gives the host.
    // Joining nodes pin the server CA by its hash when the cluster made it (lib/k3s/certificates.ts).
    // A local, so every config holds one reference without quotes (configs nest it in quoted
    // text) and validators see one apply-time value; the local's template reads as the token form.
    this.joinToken ??= this.certificates ? new TerraformLocal(this, "join-token", k3sSecureToken(this.certificates.serverCaSha256, this.token)).asString : this.token;
    const joinToken = this.joinToken;
    const common = { token: this.token, version, nodeName: sharedPool ? undefined : spec.name, labels: spec.labels, taints: spec.taints };
    if (spec.role === NodeRole.WORKER) {
      return { ...common, token: joinToken, role: K3sRole.AGENT, serverUrl: `https://${this.apiEndpoint}:${K3S_API_PORT}`, extraArgs: k.agentArgs };
    }
    const server = {
      ...common,
      nodeIp: address,
      advertiseAddress: address,
      tlsSans: [...this.platform.apiTlsSans, address],
      disable: k.disable,
      extraArgs: k.serverArgs,
      // The CA files go to every controller (the same files each time): any of them may be the
      // first to start after a replacement, and k3s reads them only at its first start.
      files: this.certificates?.serverFiles,
    };
    if (spec.name === this.nodes[0].name) return { ...server, role: K3sRole.CLUSTER_INIT };
    // Joining servers reach the first controller at its fixed address, known at synth time.
    return { ...server, token: joinToken, role: K3sRole.SERVER, serverUrl: `https://${this.platform.addressOf(this.nodes[0].name)}:${K3S_API_PORT}` };
  }

  /** The pod and service networks the node network must keep clear: k3s's, or the ones its flags name. */
  private kubernetesNetworks(): string[] {
    const k = this.props.kubernetes;
    if (!k) return [];
    const [pods, services] = NETWORK_FLAGS.map((flag, i) => {
      const arg = (k.serverArgs ?? []).find((a) => a.startsWith(`${flag}=`));
      return arg ? arg.slice(flag.length + 1).split(",").filter((c) => c.includes(".")) : [K3S_DEFAULT_CIDRS[i]];
    });
    return [...pods, ...services];
  }

  private addOutputs(machines: readonly MachineInfo[]): void {
    new ClusterOutput(this, "api_endpoint", { value: `https://${this.apiEndpoint}:${K3S_API_PORT}`, description: "Kubernetes API" });
    const format = this.props.os.configFormat.name;
    new ClusterOutput(this, "nodes", {
      value: Object.fromEntries(
        machines.map((m) => {
          const spec = this.entries.get(m.name)!.spec;
          const { resource, attribute, encoding } = m.configLocation;
          return [m.name, { address: m.address, ssh: m.sshCommand, role: spec.role, pool: spec.pool, config: { format, resource, attribute, encoding } }];
        }),
      ),
      description: "node name -> address, ssh command, role, pool, and where its first-boot config is (format, resource, attribute)",
    });
    if (this.kubeconfig) {
      new ClusterOutput(this, "kubeconfig", { value: this.kubeconfig, sensitive: true, description: "admin kubeconfig: the API endpoint, the server CA, and a client certificate of the cluster's client CA" });
    }
    if (this.token) {
      new ClusterOutput(this, "token", { value: this.token, sensitive: true, description: "k3s cluster token" });
    }
  }

  private addEntry(entry: NodeEntry): void {
    const name = entry.spec.name;
    if (!isDnsLabel(name)) {
      throw new MicroOsError(this.node.path, `node ${name}`, "the node name is not a DNS label (too long or bad characters)", "shorten the cluster id or pool name, or use lower-case letters, digits and '-'");
    }
    if (this.entries.has(name)) {
      throw new MicroOsError(this.node.path, `node ${name}`, "two nodes have this name", "give pool nodes distinct names");
    }
    this.entries.set(name, entry);
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
    if (count > MAX_CLUSTER_NODES) {
      throw new MicroOsError(this.node.path, `${field}.count`, `${count} nodes are more than a Kubernetes cluster supports (${MAX_CLUSTER_NODES})`, `give at most ${MAX_CLUSTER_NODES}, or split the workload over clusters`);
    }
    return Array.from({ length: count }, (_, i) => String(i));
  }

  /** Checks the k3s settings and returns the version nodes run (undefined without Kubernetes). */
  private validateKubernetes(): string | undefined {
    const k = this.props.kubernetes;
    if (!k) return undefined;
    const os = this.props.os;
    if (k.k3sVersion === undefined) {
      if (os.k3sVersion === undefined) {
        throw new MicroOsError(this.node.path, "kubernetes.k3sVersion", `${os.name} names no k3s release, and no version is given`, `give the OS the k3s release it installs, or a release tag like "${K3S_RELEASE_TAG_EXAMPLE}"`);
      }
      return os.k3sVersion;
    }
    if (!isK3sReleaseTag(k.k3sVersion)) {
      throw new MicroOsError(this.node.path, "kubernetes.k3sVersion", `"${k.k3sVersion}" is not a k3s release tag`, `give a tag like "${K3S_RELEASE_TAG_EXAMPLE}"`);
    }
    if (os.k3sVersion !== undefined && os.k3sVersion !== k.k3sVersion) {
      throw new MicroOsError(this.node.path, "kubernetes.k3sVersion", `${os.name} runs k3s ${os.k3sVersion}, not ${k.k3sVersion}`, `leave k3sVersion out, or give "${os.k3sVersion}"`);
    }
    return k.k3sVersion;
  }
}
