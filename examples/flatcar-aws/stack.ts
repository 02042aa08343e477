/**
 * Flatcar on AWS with k3s: three controllers over three zones behind an API load balancer, and a
 * worker pool in an autoscaling group. The Cluster construct will replace the wiring below; here
 * it is spelled out: bind the platform, render each node with the addresses it gives, add machines.
 */
import { AwsProvider, type AwsProviderConfig } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { TerraformOutput, TerraformStack, TerraformVariable, terraformEncoder } from "../../lib/cdktf";
import { Architecture, type NodeSpec, NodeRole } from "../../lib/core/node";
import { K3sFlatcarInstall } from "../../lib/k3s/ignition";
import { K3sRole, type K3sNodeProps } from "../../lib/k3s/node";
import { Flatcar, FlatcarChannel } from "../../lib/os/flatcar";
import { AwsImagePolicy, type AwsClusterBinding, AwsPlatform } from "../../lib/platform/aws";
import type { MachineRequest } from "../../lib/platform/platform";

const K3S_VERSION = "v1.31.4+k3s1";

export interface FlatcarAwsStackProps {
  /** @default { region: "eu-central-1" } */
  readonly provider?: AwsProviderConfig;
  /** Pin this AMI instead of looking Flatcar stable up. @default - the newest Flatcar stable AMI */
  readonly pinnedAmi?: string;
  /** SHA-256 of the k3s sysext image for amd64 (flatcar/sysext-bakery release `k3s-<version>`). */
  readonly k3sSysextSha256: string;
  /** OpenSSH public keys for `core`. */
  readonly sshKeys: readonly string[];
}

export class FlatcarAwsStack extends TerraformStack {
  public readonly binding: AwsClusterBinding;

  constructor(scope: Construct, id: string, props: FlatcarAwsStackProps) {
    super(scope, id);
    new AwsProvider(this, "aws", props.provider ?? { region: "eu-central-1" });
    const token = new TerraformVariable(this, "k3s_token", { type: "string", sensitive: true, description: "k3s cluster token" });

    const os = Flatcar.channel(FlatcarChannel.STABLE, {
      k3sInstall: K3sFlatcarInstall.sysext({ sha256: { amd64: props.k3sSysextSha256 } }),
    });
    const platform = AwsPlatform.newVpc({
      cidr: "10.0.0.0/16",
      zones: ["eu-central-1a", "eu-central-1b", "eu-central-1c"],
      apiCidrs: ["203.0.113.0/24"],
      imagePolicy: props.pinnedAmi ? AwsImagePolicy.pin({ amd64: props.pinnedAmi }) : undefined,
    });

    const controllers: NodeSpec[] = [0, 1, 2].map((i) => ({ name: `controller-${i}`, role: NodeRole.CONTROLLER, pool: "controllers", architecture: Architecture.AMD64 }));
    const workers: NodeSpec[] = [0, 1, 2].map((i) => ({ name: `general-${i}`, role: NodeRole.WORKER, pool: "general", architecture: Architecture.AMD64 }));
    this.binding = platform.bind(this, "flatcar-demo", [...controllers, ...workers]) as AwsClusterBinding;

    const first = this.binding.addressOf("controller-0");
    const serverUrl = `https://${first}:6443`;
    const k3s = (role: K3sRole, extra: Partial<K3sNodeProps>): K3sNodeProps => ({ role, token: token.stringValue, version: K3S_VERSION, ...extra });
    const requests: MachineRequest[] = controllers.map((spec, i) => ({
      spec,
      size: "t3.medium",
      image: os.awsImage(spec.architecture),
      config: os.renderNode(
        {
          spec,
          hostname: spec.name,
          sshKeys: props.sshKeys,
          k3s: k3s(i === 0 ? K3sRole.CLUSTER_INIT : K3sRole.SERVER, {
            serverUrl: i === 0 ? undefined : serverUrl,
            nodeIp: this.binding.addressOf(spec.name),
            tlsSans: this.binding.apiTlsSans,
          }),
        },
        terraformEncoder,
      ),
    }));
    // One config for the whole pool (its machines boot one launch template, `poolsShareConfig`):
    // no host name in it, so each machine keeps the one EC2 gives it (ip-10-0-...), unique in the
    // VPC as k3s requires (docs.k3s.io/installation/requirements, "Prerequisites").
    const poolConfig = os.renderNode({ spec: workers[0], sshKeys: props.sshKeys, k3s: k3s(K3sRole.AGENT, { serverUrl }) }, terraformEncoder);
    for (const spec of workers) requests.push({ spec, size: "t3.large", spot: true, image: os.awsImage(spec.architecture), config: poolConfig });
    this.binding.addMachines(requests);

    new TerraformOutput(this, "api_endpoint", { value: `https://${this.binding.apiEndpoint}:6443` });
  }
}
