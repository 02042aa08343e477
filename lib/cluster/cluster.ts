import { Annotations, Construct, TerraformLocal, terraformEncoder } from "../cdktf";
import { MicroOsError } from "../core/errors";
import { isK3sReleaseTag, K3S_RELEASE_TAG_EXAMPLE } from "../core/k3s";
import type { ConfigFormat, RenderedConfig } from "../core/format";
import { isDnsLabel, NodeRole, type NodeSpec } from "../core/node";
import type { K3sNodeProps } from "../k3s/node";
import type { NodeBootstrap } from "../os/os";
import type { MachineInfo, MachineRequest, PlatformBinding } from "../platform/platform";
import { checkProps } from "../core/props";
import { type ClusterProps, CLUSTER_PROPS } from "./props";
import { k3sSecureToken } from "../k3s/certificates";
import { k3sEndOfLifeProblem } from "../k3s/release";
import { type BoundCertificates, ClusterCertificates } from "./certificates";
import { ClusterConfig, ClusterPool, type HatchHost } from "./hatches";
import { addClusterOutputs } from "./outputs";
import { ClusterToken } from "./token";
import { clusterTopology, CONTROLLERS, type K3sPlacement, k3sPlacements, kubernetesNetworks, type TopologyNode } from "./topology";

export { ClusterPool } from "./hatches";

export type { AccessProps, ClusterProps, ControllersProps, KubernetesProps, PoolProps } from "./props";

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
  private readonly entries = new Map<string, TopologyNode>();
  private readonly configs = new Map<string, ClusterConfig>();
  private frozen = false;
  private readonly certificates?: BoundCertificates;
  private joinToken?: string;
  private placements?: Map<string, K3sPlacement>;

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
    const topology = clusterTopology({ id, path: this.node.path, controllers: props.controllers, pools: props.pools });
    for (const node of topology.nodes) this.entries.set(node.spec.name, node);
    this.nodes = topology.nodes.map((e) => e.spec);
    this.platform = props.platform.bind(this, id, this.nodes, {
      apiCidrs: props.access?.apiCidrs,
      sshCidrs: props.access?.sshCidrs,
      reservedCidrs: props.kubernetes ? kubernetesNetworks(props.kubernetes.serverArgs ?? []) : [],
    });
    const shared = this.platform.poolsShareConfig === true;
    const host: HatchHost = {
      path: this.node.path,
      acceptHatch: (field, format) => this.acceptHatch(field, format),
      configSpec: os.configSpec,
    };
    for (const { name, nodeNames } of topology.pools) this.pools.set(name, new ClusterPool(name, nodeNames, host, shared && name !== CONTROLLERS));
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
    addClusterOutputs(this, {
      apiEndpoint: this.apiEndpoint,
      format: os.configFormat,
      machines,
      specOf: (name) => this.entries.get(name)!.spec,
      kubeconfig: this.kubeconfig,
      token: this.token,
    });
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

  /** Refuses an escape hatch for another format than the OS's, or after synth. */
  private acceptHatch(field: string, format: ConfigFormat<unknown>): void {
    if (this.frozen) {
      throw new MicroOsError(this.node.path, field, "the cluster is already synthesized", "add escape hatches before synth");
    }
    const os = this.props.os;
    if (format !== os.configFormat) {
      throw new MicroOsError(this.node.path, field, `${os.name} reads ${os.configFormat.description}, not ${format?.description}`, `use the escape hatch for ${os.configFormat.description}`);
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
    this.placements ??= k3sPlacements(this.nodes, (name) => this.platform.addressOf(name), this.apiEndpoint);
    const placement = this.placements.get(spec.name)!;
    // Joining nodes pin the server CA by its hash when the cluster made it (lib/k3s/certificates.ts).
    // A local, so every config holds one reference without quotes (configs nest it in quoted
    // text) and validators see one apply-time value; the local's template reads as the token form.
    this.joinToken ??= this.certificates ? new TerraformLocal(this, "join-token", k3sSecureToken(this.certificates.serverCaSha256, this.token)).asString : this.token;
    // The node that starts the cluster has the plain secret; joining nodes the token's secure form.
    const token = placement.serverUrl === undefined ? this.token : this.joinToken;
    // Nodes of a shared-config pool take the name the platform gives the host.
    const common = { token, version, nodeName: sharedPool ? undefined : spec.name, labels: spec.labels, taints: spec.taints, role: placement.role, serverUrl: placement.serverUrl };
    if (spec.role === NodeRole.WORKER) return { ...common, extraArgs: k.agentArgs };
    const address = this.platform.addressOf(spec.name);
    return {
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
