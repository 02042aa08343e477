/**
 * Kairos on AWS: one server and a pool of two agents on Kairos's public AMIs (owner
 * 171987620676, kairos-docs installation/cloud-servers/aws.md). Each node's `#cloud-config`
 * travels in user data; at first boot the AMI resets itself onto the release's standard (k3s)
 * image and reboots. Agents of the pool share one launch template, and EC2 names each host.
 */
import { AwsProvider, type AwsProviderConfig } from "@cdktf/provider-aws/lib/provider";
import type { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { type AwsClusterBinding, AwsPlatform, Cluster, ClusterToken, Kairos, KairosFlavor, SecretsInUserData } from "cdktf-microos";
import { EXAMPLE_SSH_KEY, warnAboutStandIns } from "../shared";

export interface KairosAwsStackProps {
  /**
   * An AMI id instead of the public AMI lookup (a data source, which needs AWS credentials to plan).
   * @default - the public AMI of Kairos v4.2.0, looked up by owner and name
   */
  readonly amiId?: string;
  /** @default { region: "eu-central-1" } */
  readonly provider?: AwsProviderConfig;
  /** Where the k3s token comes from. @default ClusterToken.random() */
  readonly token?: ClusterToken;
}

export class KairosAwsStack extends TerraformStack {
  public readonly cluster: Cluster;

  constructor(scope: Construct, id: string, props: KairosAwsStackProps = {}) {
    super(scope, id);
    warnAboutStandIns(this, { sshKey: EXAMPLE_SSH_KEY });
    new AwsProvider(this, "aws", props.provider ?? { region: "eu-central-1" });
    this.cluster = new Cluster(this, "kairos", {
      // Pinned: the release, its flavour and the k3s of its standard images (the cluster runs that k3s).
      os: Kairos.release("v4.2.0", { flavor: KairosFlavor.hadron("v0.5.1"), k3sVersion: "v1.36.3+k3s1", amis: props.amiId ? { amd64: props.amiId } : undefined }),
      // Kairos reads its config only from EC2 user data, so the token and CA keys sit there: opted in.
      platform: AwsPlatform.newVpc({ cidr: "10.11.0.0/16", zones: ["eu-central-1a", "eu-central-1b"], secretsInUserData: SecretsInUserData.ALLOW }),
      controllers: { count: 1, size: "t3.medium" },
      pools: [{ name: "agents", count: 2, size: "t3.medium" }],
      kubernetes: { token: props.token },
      sshKeys: [EXAMPLE_SSH_KEY],
    });
  }

  /** The AWS side of the cluster. */
  public get binding(): AwsClusterBinding {
    return this.cluster.platform as AwsClusterBinding;
  }
}
