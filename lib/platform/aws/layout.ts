/**
 * Where a cluster sits in AWS: the network the platform was given (a new VPC or an existing one),
 * whether its private subnets address every node, and the controllers' fixed addresses.
 */
import type { Construct } from "../../cdktf";
import { MicroOsError } from "../../core/errors";
import { overlaps, parseIpv4Cidr } from "../../core/ipv4";
import { type NodeSpec, NodeRole } from "../../core/node";
import { hostAddress } from "./cidr";
import { ClusterVpc, type IClusterNetwork, type NodeSubnet, existingNetwork } from "./network";
import type { AwsExistingVpcProps, AwsNewVpcProps } from "./props";

/** The network an {@link AwsPlatform} factory chose, with the props it was given. */
export type NetworkChoice = { readonly kind: "new"; readonly props: AwsNewVpcProps } | { readonly kind: "existing"; readonly props: AwsExistingVpcProps };

/** The cluster's network: a new VPC as the child `network` of `scope`, or the existing one described. */
export function clusterNetwork(scope: Construct, choice: NetworkChoice, clusterName: string, tags: Readonly<Record<string, string>>): IClusterNetwork {
  if (choice.kind === "new") {
    const p = choice.props;
    return new ClusterVpc(scope, "network", { cidr: p.cidr, zones: p.zones, natGateways: p.natGateways, namePrefix: clusterName, tags });
  }
  return existingNetwork(scope.node.path, choice.props);
}

/** Refuses a VPC that overlaps the cluster's Kubernetes pod or service networks: nodes inside them could not be reached. */
export function checkReservedCidrs(at: string, vpcCidr: string, reserved: readonly string[]): void {
  const vpc = parseIpv4Cidr(at, "cidr", vpcCidr);
  for (const r of reserved) {
    if (overlaps(vpc, parseIpv4Cidr(at, "reservedCidrs", r))) {
      throw new MicroOsError(at, "cidr", `the VPC ${vpc.cidr} overlaps the cluster's Kubernetes pod or service network ${r}`, "pick a VPC block outside it, for example 10.0.0.0/16");
    }
  }
}

// EC2 reserves the first four addresses and the last one of every subnet (Amazon VPC user guide, "Subnet CIDR blocks").
const RESERVED_PER_SUBNET = 5;

/**
 * Refuses more nodes than the private subnets can address: every node (instance or a machine of
 * an autoscaling group) takes one address, and a group spreads over all the subnets.
 */
export function checkCapacity(at: string, nodes: readonly NodeSpec[], subnets: readonly NodeSubnet[]): void {
  const capacity = subnets.reduce((sum, s) => sum + parseIpv4Cidr(at, "privateSubnets", s.cidr).size - RESERVED_PER_SUBNET, 0);
  if (nodes.length > capacity) {
    const controllers = nodes.filter((n) => n.role === NodeRole.CONTROLLER).length;
    throw new MicroOsError(
      at,
      "privateSubnets",
      `${nodes.length} nodes (${controllers} controllers, ${nodes.length - controllers} workers) need more addresses than the private subnets hold (${capacity}: EC2 reserves ${RESERVED_PER_SUBNET} in each)`,
      "give larger or more subnets (a larger VPC CIDR or more zones), or fewer nodes",
    );
  }
}

/** A controller's fixed place: its zone's private subnet and its address there. */
export interface ControllerAddress {
  readonly subnet: NodeSubnet;
  readonly ip: string;
}

// Controllers take host addresses from this offset on in their zone's private subnet.
const CONTROLLER_ADDRESS_OFFSET = 10;

/**
 * The controllers' fixed addresses: the i-th controller in the node list lives in zone
 * `i mod zones` and takes host `10 + floor(i / zones)` of that zone's private subnet.
 */
export function controllerAddresses(at: string, nodes: readonly NodeSpec[], subnets: readonly NodeSubnet[]): Map<string, ControllerAddress> {
  const out = new Map<string, ControllerAddress>();
  nodes
    .filter((n) => n.role === NodeRole.CONTROLLER)
    .forEach((n, i) => {
      const subnet = subnets[i % subnets.length];
      const offset = CONTROLLER_ADDRESS_OFFSET + Math.floor(i / subnets.length);
      out.set(n.name, { subnet, ip: hostAddress(subnet.cidr, offset, `${at}/nodes/${n.name}`, "privateIp") });
    });
  return out;
}
