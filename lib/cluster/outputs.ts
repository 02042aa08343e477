/**
 * The cluster's outputs under stable names: the API endpoint, the nodes (with where each node's
 * config is, for the testing kit), the kubeconfig and the token.
 */
import { Construct, lazyValue, TerraformOutput, TerraformStack } from "../cdktf";
import type { ConfigFormat } from "../core/format";
import { K3S_API_PORT } from "../core/k3s";
import type { NodeSpec } from "../core/node";
import type { MachineInfo } from "../platform/platform";
import { refuseNameClash } from "./terraform-names";

/**
 * An output of a cluster under a stable name (`api_endpoint`, `kubeconfig`, `nodes`, `token`)
 * rather than cdktf's path-and-hash logical id, so users and scripts can name it. The name gets
 * the cluster id in front (`prod_api_endpoint`) only when another cluster shares the stack, which
 * is known at synth, when the name is first read.
 */
class ClusterOutput extends TerraformOutput {
  constructor(
    private readonly cluster: Construct,
    private readonly outputName: string,
    config: ConstructorParameters<typeof TerraformOutput>[2],
  ) {
    super(cluster, outputName, config);
  }

  // Read many times at synth (the output's key, the name-clash check of every other output), so
  // it counts the stack's clusters from the registry rather than walking the stack's tree.
  public override get friendlyUniqueId(): string {
    return (clustersWithOutputs.get(TerraformStack.of(this.cluster))?.size ?? 0) > 1 ? `${this.cluster.node.id}_${this.outputName}` : this.outputName;
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

/** The clusters of each stack that have outputs (every cluster adds them in its constructor). */
const clustersWithOutputs = new WeakMap<TerraformStack, Set<Construct>>();

/** What the outputs are made of. */
export interface ClusterOutputsInput {
  /** The API's address. */
  readonly apiEndpoint: string;
  /** The format every node's config is in. */
  readonly format: ConfigFormat;
  /** The machines, and each one's node spec. */
  readonly machines: readonly MachineInfo[];
  readonly specOf: (node: string) => NodeSpec;
  /** @default - no kubeconfig output */
  readonly kubeconfig?: string;
  /** @default - no token output */
  readonly token?: string;
}

/** Adds the cluster's outputs under `cluster`. */
export function addClusterOutputs(cluster: Construct, input: ClusterOutputsInput): void {
  const stack = TerraformStack.of(cluster);
  const clusters = clustersWithOutputs.get(stack) ?? new Set<Construct>();
  clustersWithOutputs.set(stack, clusters.add(cluster));
  const output = (name: string, config: ConstructorParameters<typeof TerraformOutput>[2]) => new ClusterOutput(cluster, name, config);
  output("api_endpoint", { value: `https://${input.apiEndpoint}:${K3S_API_PORT}`, description: "Kubernetes API" });
  const format = input.format.name;
  output("nodes", {
    // One entry per node: produced at resolve, which walks it once, so cdktf's output does not
    // walk it a second time (terraform-output.js synthesizeValue tests every string for tokens).
    value: lazyValue(() =>
      Object.fromEntries(
        input.machines.map((m) => {
          const spec = input.specOf(m.name);
          const { resource, attribute, encoding } = m.configLocation;
          return [m.name, { address: m.address, ssh: m.sshCommand, role: spec.role, pool: spec.pool, config: { format, resource, attribute, encoding } }];
        }),
      ),
    ),
    description: "node name -> address, ssh command, role, pool, and where its first-boot config is (format, resource, attribute)",
  });
  if (input.kubeconfig) {
    output("kubeconfig", { value: input.kubeconfig, sensitive: true, description: "admin kubeconfig: the API endpoint, the server CA, and a client certificate of the cluster's client CA" });
  }
  if (input.token) {
    output("token", { value: input.token, sensitive: true, description: "k3s cluster token" });
  }
}
