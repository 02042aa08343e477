/**
 * k3OS on AWS. k3OS publishes no AMIs (rancher/k3os README; build one with its packer template,
 * package/packer/aws), so the AMI id is a prop. Its config travels as YAML in user data. Workers
 * are placed as instances, one config each, since k3OS names the host from its config.
 */
import { AwsProvider, type AwsProviderConfig } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { TerraformOutput, TerraformStack, TerraformVariable, terraformEncoder } from "../../lib/cdktf";
import { Architecture, type NodeSpec, NodeRole } from "../../lib/core/node";
import { K3sRole } from "../../lib/k3s/node";
import { K3os } from "../../lib/os/k3os";
import { type AwsClusterBinding, AwsPlatform, WorkerPlacement } from "../../lib/platform/aws";
import type { MachineRequest } from "../../lib/platform/platform";

export interface K3osAwsStackProps {
  /** An amd64 AMI with k3OS installed. */
  readonly amiId: string;
  /** @default { region: "eu-central-1" } */
  readonly provider?: AwsProviderConfig;
  /** OpenSSH public keys for `rancher`. */
  readonly sshKeys: readonly string[];
}

export class K3osAwsStack extends TerraformStack {
  public readonly binding: AwsClusterBinding;

  constructor(scope: Construct, id: string, props: K3osAwsStackProps) {
    super(scope, id);
    new AwsProvider(this, "aws", props.provider ?? { region: "eu-central-1" });
    const token = new TerraformVariable(this, "k3s_token", { type: "string", sensitive: true, description: "k3s cluster token" });
    const os = K3os.release(undefined, { amis: { amd64: props.amiId } });
    const platform = AwsPlatform.newVpc({
      cidr: "10.10.0.0/16",
      zones: ["eu-central-1a", "eu-central-1b"],
      workerPlacement: WorkerPlacement.INSTANCES,
    });
    const nodes: NodeSpec[] = [
      { name: "server", role: NodeRole.CONTROLLER, pool: "controllers", architecture: Architecture.AMD64 },
      { name: "agent-0", role: NodeRole.WORKER, pool: "agents", architecture: Architecture.AMD64 },
      { name: "agent-1", role: NodeRole.WORKER, pool: "agents", architecture: Architecture.AMD64 },
    ];
    this.binding = platform.bind(this, "k3os-demo", nodes) as AwsClusterBinding;
    const serverUrl = `https://${this.binding.addressOf("server")}:6443`;
    const version = os.k3sVersion;
    const requests: MachineRequest[] = nodes.map((spec) => ({
      spec,
      size: "t3.medium",
      image: os.awsImage(spec.architecture),
      config: os.renderNode(
        {
          spec,
          hostname: spec.name,
          sshKeys: props.sshKeys,
          k3s:
            spec.role === NodeRole.CONTROLLER
              ? { role: K3sRole.CLUSTER_INIT, token: token.stringValue, version, tlsSans: this.binding.apiTlsSans }
              : { role: K3sRole.AGENT, token: token.stringValue, version, serverUrl },
        },
        terraformEncoder,
      ),
    }));
    this.binding.addMachines(requests);
    new TerraformOutput(this, "api_endpoint", { value: `https://${this.binding.apiEndpoint}:6443` });
  }
}
