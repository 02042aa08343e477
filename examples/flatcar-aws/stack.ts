/**
 * Flatcar with k3s on AWS: three controllers over three zones behind the API load balancer, and a
 * pool of three spot workers in an autoscaling group. The API is open to one office range, SSH is
 * closed (keys still go to `core` for a bastion or SSM port forward).
 */
import { AwsProvider, type AwsProviderConfig } from "@cdktf/provider-aws/lib/provider";
import type { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { type AwsClusterBinding, AwsImagePolicy, AwsPlatform, Cluster, ClusterToken, Flatcar, FlatcarChannel, K3sFlatcarInstall } from "cdktf-microos";
import { EXAMPLE_K3S_SYSEXT_SHA256, EXAMPLE_K3S_VERSION, EXAMPLE_SSH_KEY, warnAboutStandIns } from "../shared";

export interface FlatcarAwsStackProps {
  /** @default { region: "eu-central-1" } */
  readonly provider?: AwsProviderConfig;
  /** Pin this AMI instead of looking the newest Flatcar stable up. @default - the newest Flatcar stable AMI */
  readonly pinnedAmi?: string;
  /** Where the k3s token comes from. @default ClusterToken.random() */
  readonly token?: ClusterToken;
}

export class FlatcarAwsStack extends TerraformStack {
  public readonly cluster: Cluster<AwsClusterBinding>;

  constructor(scope: Construct, id: string, props: FlatcarAwsStackProps = {}) {
    super(scope, id);
    warnAboutStandIns(this, { sshKey: EXAMPLE_SSH_KEY, k3sSysextSha256: EXAMPLE_K3S_SYSEXT_SHA256 });
    new AwsProvider(this, "aws", props.provider ?? { region: "eu-central-1" });
    this.cluster = new Cluster(this, "prod", {
      os: Flatcar.channel(FlatcarChannel.STABLE, {
        k3sInstall: K3sFlatcarInstall.sysext({ version: EXAMPLE_K3S_VERSION, sha256: { amd64: EXAMPLE_K3S_SYSEXT_SHA256 } }),
      }),
      platform: AwsPlatform.newVpc({
        cidr: "10.0.0.0/16",
        zones: ["eu-central-1a", "eu-central-1b", "eu-central-1c"],
        imagePolicy: props.pinnedAmi ? AwsImagePolicy.pin({ amd64: props.pinnedAmi }) : undefined,
      }),
      controllers: { count: 3, size: "t3.medium" },
      pools: [{ name: "general", count: 3, size: "t3.large", spot: true, labels: { "example.org/tier": "general" } }],
      kubernetes: { k3sVersion: EXAMPLE_K3S_VERSION, token: props.token },
      sshKeys: [EXAMPLE_SSH_KEY],
      access: { apiCidrs: ["203.0.113.0/24"] },
    });
  }

  /** The AWS side of the cluster (network, load balancer, delivery figures). */
  public get binding(): AwsClusterBinding {
    return this.cluster.platform;
  }
}
