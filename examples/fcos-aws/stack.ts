/**
 * Fedora CoreOS with k3s on AWS: three controllers over three zones behind the API load balancer,
 * and a pool of three spot workers in an autoscaling group. Controllers take no automatic updates
 * (they hold etcd); workers reboot into each release in a Sunday-night window. The API is open to
 * one office range, SSH is closed (keys still go to `core` for a bastion or SSM port forward).
 */
import { AwsProvider, type AwsProviderConfig } from "@cdktf/provider-aws/lib/provider";
import type { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { type AwsClusterBinding, AwsImagePolicy, AwsPlatform, Cluster, ClusterToken, FedoraCoreOsStream, FedoraCoreOsUpdates, FedoraCoreOs, K3sFedoraCoreOsInstall, Weekday } from "cdktf-microos";
import { EXAMPLE_K3S_BINARY_SHA256, EXAMPLE_K3S_VERSION, EXAMPLE_SSH_KEY, warnAboutStandIns } from "../shared";

export interface FcosAwsStackProps {
  /** @default { region: "eu-central-1" } */
  readonly provider?: AwsProviderConfig;
  /** Pin this AMI instead of looking the newest Fedora CoreOS stable up. @default - the newest Fedora CoreOS stable AMI */
  readonly pinnedAmi?: string;
  /** Where the k3s token comes from. @default ClusterToken.random() */
  readonly token?: ClusterToken;
}

export class FcosAwsStack extends TerraformStack {
  public readonly cluster: Cluster;

  constructor(scope: Construct, id: string, props: FcosAwsStackProps = {}) {
    super(scope, id);
    warnAboutStandIns(this, { sshKey: EXAMPLE_SSH_KEY, k3sBinarySha256: EXAMPLE_K3S_BINARY_SHA256 });
    new AwsProvider(this, "aws", props.provider ?? { region: "eu-central-1" });
    this.cluster = new Cluster(this, "prod", {
      os: FedoraCoreOs.stream(FedoraCoreOsStream.STABLE, {
        k3sInstall: K3sFedoraCoreOsInstall.binary({ version: EXAMPLE_K3S_VERSION, sha256: { amd64: EXAMPLE_K3S_BINARY_SHA256 } }),
        workerUpdates: FedoraCoreOsUpdates.periodic({ windows: [{ days: [Weekday.SUNDAY], startTime: "02:00", lengthMinutes: 120 }] }),
      }),
      platform: AwsPlatform.newVpc({
        cidr: "10.12.0.0/16",
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
    return this.cluster.platform as AwsClusterBinding;
  }
}
