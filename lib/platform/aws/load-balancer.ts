/**
 * A network load balancer in front of the controllers' k3s API (TCP 6443).
 */
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { LbTargetGroupAttachment } from "@cdktf/provider-aws/lib/lb-target-group-attachment";
import { Construct } from "../../cdktf";
import { NAME_LIMITS, awsName } from "./names";
import { K3S_API_PORT } from "./security";

/** Where the API load balancer listens. */
export enum LoadBalancerScheme {
  /** A public address, in the public subnets. */
  INTERNET_FACING = "internet-facing",
  /** A private address, in the private subnets. */
  INTERNAL = "internal",
}

/** Props for {@link ApiLoadBalancer}. */
export interface ApiLoadBalancerProps {
  /** The cluster's name: the load balancer is `<clusterName>-api`, the target group `<clusterName>-controllers` (shortened with a hash past 32 characters). */
  readonly clusterName: string;
  /** Whether the load balancer gets a public or a private address. */
  readonly scheme: LoadBalancerScheme;
  /** The VPC of the target group (the controllers' VPC). */
  readonly vpcId: string;
  /** Subnets the load balancer is placed in: public ones when internet-facing, private ones when internal. */
  readonly subnetIds: readonly string[];
  /** The security group attached to the load balancer. */
  readonly securityGroupId: string;
  /** @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

/** The API load balancer, its target group and listener. */
export class ApiLoadBalancer extends Construct {
  /** The network load balancer. */
  public readonly loadBalancer: Lb;
  /** The TCP 6443 target group that the controllers are registered in ({@link ApiLoadBalancer.attach}). */
  public readonly targetGroup: LbTargetGroup;
  /** DNS name (a token). */
  public readonly dnsName: string;

  constructor(scope: Construct, id: string, props: ApiLoadBalancerProps) {
    super(scope, id);
    const tags = props.tags ?? {};
    this.loadBalancer = new Lb(this, "Resource", {
      name: awsName([props.clusterName, "api"], NAME_LIMITS.loadBalancer),
      loadBalancerType: "network",
      internal: props.scheme === LoadBalancerScheme.INTERNAL,
      subnets: [...props.subnetIds],
      securityGroups: [props.securityGroupId],
      enableCrossZoneLoadBalancing: true,
      tags,
    });
    this.targetGroup = new LbTargetGroup(this, "controllers", {
      name: awsName([props.clusterName, "controllers"], NAME_LIMITS.targetGroup),
      vpcId: props.vpcId,
      port: K3S_API_PORT,
      protocol: "TCP",
      targetType: "instance",
      // Without client IP preservation a controller reaching the API through the load balancer
      // can land on itself (NLB hairpinning; ELB user guide, "Target groups for your NLBs",
      // client IP preservation). Targets see the balancer's address, which its security group admits.
      preserveClientIp: "false",
      healthCheck: { protocol: "TCP", port: String(K3S_API_PORT), healthyThreshold: 3, unhealthyThreshold: 3, interval: 10 },
      tags,
    });
    new LbListener(this, "k3s-api", {
      loadBalancerArn: this.loadBalancer.arn,
      port: K3S_API_PORT,
      protocol: "TCP",
      defaultAction: [{ type: "forward", targetGroupArn: this.targetGroup.arn }],
      tags,
    });
    this.dnsName = this.loadBalancer.dnsName;
  }

  /** Registers a controller instance; `id` derives from the node name. */
  public attach(id: string, instanceId: string): void {
    new LbTargetGroupAttachment(this, id, { targetGroupArn: this.targetGroup.arn, targetId: instanceId, port: K3S_API_PORT });
  }
}
