/**
 * k3OS on AWS: one server and a pool of two agents. k3OS publishes no AMIs (rancher/k3os README;
 * build one with its packer template, package/packer/aws), so the AMI id is a prop. Each node's
 * config travels as YAML in user data; agents of the pool share one launch template, and k3OS
 * names each host itself.
 *
 * k3OS reads its config only from EC2 user data, so the token and the first server's CA keys sit
 * there, readable by anyone allowed ec2:DescribeInstanceAttribute in the account: the one stack
 * that opts in with `secretsInUserData: SecretsInUserData.ALLOW`. Use Flatcar where that matters.
 */
import { AwsProvider, type AwsProviderConfig } from "@cdktf/provider-aws/lib/provider";
import type { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { type AwsClusterBinding, AwsPlatform, Cluster, ClusterToken, K3os, SecretsInUserData } from "cdktf-microos";
import { EXAMPLE_SSH_KEY, K3OS_AMI_STAND_IN, warnAboutStandIns } from "../shared";

export interface K3osAwsStackProps {
  /** An amd64 AMI with k3OS v0.22.2-k3s2r0 installed. @default - a stand-in id: replace it */
  readonly amiId?: string;
  /** @default { region: "eu-central-1" } */
  readonly provider?: AwsProviderConfig;
  /** Where the k3s token comes from. @default ClusterToken.random() */
  readonly token?: ClusterToken;
}

export class K3osAwsStack extends TerraformStack {
  public readonly cluster: Cluster<AwsClusterBinding>;

  constructor(scope: Construct, id: string, props: K3osAwsStackProps = {}) {
    super(scope, id);
    const amiId = props.amiId ?? process.env.K3OS_AMI ?? K3OS_AMI_STAND_IN;
    warnAboutStandIns(this, { sshKey: EXAMPLE_SSH_KEY, k3osAmi: amiId });
    new AwsProvider(this, "aws", props.provider ?? { region: "eu-central-1" });
    this.cluster = new Cluster(this, "k3os", {
      os: K3os.release("v0.22.2-k3s2r0", { amis: { amd64: amiId } }),
      platform: AwsPlatform.newVpc({ cidr: "10.10.0.0/16", zones: ["eu-central-1a", "eu-central-1b"], secretsInUserData: SecretsInUserData.ALLOW }),
      controllers: { count: 1, size: "t3.medium" },
      pools: [{ name: "agents", count: 2, size: "t3.medium" }],
      kubernetes: { token: props.token },
      sshKeys: [EXAMPLE_SSH_KEY],
    });
  }

  /** The AWS side of the cluster. */
  public get binding(): AwsClusterBinding {
    return this.cluster.platform;
  }
}
