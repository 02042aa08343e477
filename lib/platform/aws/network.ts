/**
 * The cluster's network: a new VPC laid out from a CIDR, or an existing VPC and its subnets.
 */
import { DataAwsAvailabilityZones } from "@cdktf/provider-aws/lib/data-aws-availability-zones";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { Construct, Fn } from "../../cdktf";
import { MicroOsError } from "../../core/errors";
import { parseIpv4Cidr } from "../../core/ipv4";
import { zoneSubnetCidrs } from "./cidr";

/** How private subnets reach the internet. */
export enum NatGateways {
  /** No NAT gateway: private subnets have no route out (bring VPC endpoints or a proxy). */
  NONE = "none",
  /** One NAT gateway in the first zone, shared by every private subnet. */
  SINGLE = "single",
  /** One NAT gateway per zone, so losing a zone keeps the others online. */
  PER_ZONE = "per-zone",
}

/** A subnet nodes can be placed in. */
export interface NodeSubnet {
  /** Subnet id (a token for a new VPC). */
  readonly id: string;
  /** Its IPv4 CIDR, known at synth time: controllers' fixed addresses are computed from it. */
  readonly cidr: string;
}

/** What the rest of the platform needs from a network. */
export interface IClusterNetwork {
  /** The VPC's id (a token for a new VPC). */
  readonly vpcId: string;
  /** The VPC's IPv4 CIDR, known at synth time. */
  readonly vpcCidr: string;
  /** Private subnets, one per zone, in zone order; nodes live here. */
  readonly privateSubnets: readonly NodeSubnet[];
  /** Public subnet ids, for an internet-facing load balancer; may be empty. */
  readonly publicSubnetIds: readonly string[];
}

/** Props for {@link ClusterVpc}. */
export interface ClusterVpcProps {
  /** IPv4 CIDR of the VPC, /16 to /24, for example `10.0.0.0/16`. */
  readonly cidr: string;
  /**
   * Availability zones: names (`["eu-central-1a", "eu-central-1b"]`), or a count, in which case
   * the zones are read with an `aws_availability_zones` data source (which needs the AWS API at plan time).
   */
  readonly zones: number | readonly string[];
  /** @default NatGateways.SINGLE */
  readonly natGateways?: NatGateways;
  /** Prefix of the resources' `Name` tags. */
  readonly namePrefix: string;
  /** Tags on every resource. @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * A new VPC: per zone a public subnet (routed to an internet gateway) and a private one (routed
 * to a NAT gateway when there is one). Subnet CIDRs come from {@link zoneSubnetCidrs}; construct
 * ids carry the zone's index, which the CIDR layout also derives from, so they move together.
 */
export class ClusterVpc extends Construct implements IClusterNetwork {
  public readonly vpcId: string;
  public readonly vpcCidr: string;
  public readonly privateSubnets: readonly NodeSubnet[];
  public readonly publicSubnetIds: readonly string[];
  /** The VPC resource. */
  public readonly vpc: Vpc;

  constructor(scope: Construct, id: string, props: ClusterVpcProps) {
    super(scope, id);
    const at = this.node.path;
    const zoneCount = typeof props.zones === "number" ? props.zones : props.zones.length;
    if (typeof props.zones !== "number") {
      const seen = new Set<string>();
      for (const z of props.zones) {
        if (!/^[a-z]{2}(-[a-z0-9]+)+[a-z]$/.test(z)) {
          throw new MicroOsError(at, "zones", `"${z}" is not an availability zone name`, 'give names like "eu-central-1a", or a count');
        }
        if (seen.has(z)) throw new MicroOsError(at, "zones", `zone "${z}" is listed twice`, "list each zone once");
        seen.add(z);
      }
    }
    const cidrs = zoneSubnetCidrs(props.cidr, zoneCount, at);
    const tags = props.tags ?? {};
    const named = (name: string) => ({ ...tags, Name: `${props.namePrefix}-${name}` });

    this.vpc = new Vpc(this, "Resource", {
      cidrBlock: props.cidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: named("vpc"),
    });
    this.vpcId = this.vpc.id;
    this.vpcCidr = props.cidr;

    let zoneName: (i: number) => string;
    if (typeof props.zones === "number") {
      const azs = new DataAwsAvailabilityZones(this, "zones", { state: "available" });
      zoneName = (i) => Fn.element(azs.names, i);
    } else {
      const names = props.zones;
      zoneName = (i) => names[i];
    }

    const igw = new InternetGateway(this, "internet-gateway", { vpcId: this.vpc.id, tags: named("igw") });
    const publicRoutes = new RouteTable(this, "public-routes", { vpcId: this.vpc.id, tags: named("public") });
    new Route(this, "public-default-route", {
      routeTableId: publicRoutes.id,
      destinationCidrBlock: "0.0.0.0/0",
      gatewayId: igw.id,
    });

    const nat = props.natGateways ?? NatGateways.SINGLE;
    const natIds: string[] = [];
    const publicIds: string[] = [];
    const privates: NodeSubnet[] = [];
    const privateRouteTables: string[] = [];
    cidrs.forEach((c, i) => {
      const zone = `zone-${i}`;
      const pub = new Subnet(this, `${zone}-public`, {
        vpcId: this.vpc.id,
        cidrBlock: c.public,
        availabilityZone: zoneName(i),
        tags: named(`public-${i}`),
      });
      new RouteTableAssociation(this, `${zone}-public-routes`, { subnetId: pub.id, routeTableId: publicRoutes.id });
      publicIds.push(pub.id);

      if (nat === NatGateways.PER_ZONE || (nat === NatGateways.SINGLE && i === 0)) {
        const eip = new Eip(this, `${zone}-nat-address`, { domain: "vpc", tags: named(`nat-${i}`) });
        const gw = new NatGateway(this, `${zone}-nat`, {
          allocationId: eip.allocationId,
          subnetId: pub.id,
          tags: named(`nat-${i}`),
          dependsOn: [igw],
        });
        natIds.push(gw.id);
      }

      const priv = new Subnet(this, `${zone}-private`, {
        vpcId: this.vpc.id,
        cidrBlock: c.private,
        availabilityZone: zoneName(i),
        tags: named(`private-${i}`),
      });
      const routes = new RouteTable(this, `${zone}-private-routes`, { vpcId: this.vpc.id, tags: named(`private-${i}`) });
      new RouteTableAssociation(this, `${zone}-private-routes-association`, { subnetId: priv.id, routeTableId: routes.id });
      if (nat !== NatGateways.NONE) {
        new Route(this, `${zone}-private-default-route`, {
          routeTableId: routes.id,
          destinationCidrBlock: "0.0.0.0/0",
          natGatewayId: nat === NatGateways.PER_ZONE ? natIds[i] : natIds[0],
        });
      }
      privates.push({ id: priv.id, cidr: c.private });
      privateRouteTables.push(routes.id);
    });
    // Nodes fetch their configs from S3: a gateway endpoint routes that traffic inside the VPC, so
    // it needs no NAT and costs no NAT traffic (Amazon VPC user guide, "Gateway endpoints for
    // Amazon S3"; service name com.amazonaws.<region>.s3).
    const region = new DataAwsRegion(this, "region");
    new VpcEndpoint(this, "s3-endpoint", {
      vpcId: this.vpc.id,
      serviceName: `com.amazonaws.${region.name}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: privateRouteTables,
      tags: named("s3"),
    });
    this.privateSubnets = privates;
    this.publicSubnetIds = publicIds;
  }
}

/** Props of an existing network. */
export interface ExistingNetworkProps {
  /** `vpc-...` id. */
  readonly vpcId: string;
  /** The VPC's IPv4 CIDR (security rules and the default `apiCidrs` use it). */
  readonly vpcCidr: string;
  /** Private subnets for the nodes, with their CIDRs (controllers' addresses are computed from them). */
  readonly privateSubnets: readonly NodeSubnet[];
  /** Public subnet ids, needed for an internet-facing load balancer. @default [] */
  readonly publicSubnetIds?: readonly string[];
}

/** Checks an existing network's ids and CIDRs and returns it as an {@link IClusterNetwork}. */
export function existingNetwork(at: string, props: ExistingNetworkProps): IClusterNetwork {
  if (!/^vpc-[0-9a-f]{8,17}$/.test(props.vpcId)) {
    throw new MicroOsError(at, "vpcId", `"${props.vpcId}" is not a VPC id`, 'give the id as "vpc-" and 8 or 17 hex digits');
  }
  parseIpv4Cidr(at, "vpcCidr", props.vpcCidr);
  if (props.privateSubnets.length === 0) {
    throw new MicroOsError(at, "privateSubnets", "no subnet given", "give at least one private subnet (id and CIDR) for the nodes");
  }
  props.privateSubnets.forEach((s, i) => {
    if (!/^subnet-[0-9a-f]{8,17}$/.test(s.id)) {
      throw new MicroOsError(at, `privateSubnets[${i}].id`, `"${s.id}" is not a subnet id`, 'give the id as "subnet-" and 8 or 17 hex digits');
    }
    parseIpv4Cidr(at, `privateSubnets[${i}].cidr`, s.cidr);
  });
  (props.publicSubnetIds ?? []).forEach((id, i) => {
    if (!/^subnet-[0-9a-f]{8,17}$/.test(id)) {
      throw new MicroOsError(at, `publicSubnetIds[${i}]`, `"${id}" is not a subnet id`, 'give the id as "subnet-" and 8 or 17 hex digits');
    }
  });
  return {
    vpcId: props.vpcId,
    vpcCidr: props.vpcCidr,
    privateSubnets: [...props.privateSubnets],
    publicSubnetIds: [...(props.publicSubnetIds ?? [])],
  };
}
