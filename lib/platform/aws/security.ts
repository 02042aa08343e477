/**
 * Security groups: one for controllers, one for workers, one for the API load balancer. Between
 * nodes only the ports k3s needs are open; the API only from `apiCidrs`; SSH only from `sshCidrs`.
 */
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "../../cdktf";
import { parseIpv4Cidr } from "../../core/ipv4";
import { K3S_API_PORT } from "../../core/k3s";

// The k3s API port lives with the other k3s facts (lib/core/k3s.ts); load-balancer.ts takes it from here.
export { K3S_API_PORT };

/** A port (range) and protocol opened between node groups. */
interface PortRule {
  readonly name: string;
  readonly protocol: "tcp" | "udp";
  readonly from: number;
  readonly to: number;
}

// docs.k3s.io/installation/requirements, "Inbound Rules for K3s Nodes": 2379-2380/tcp between
// servers (embedded etcd), 6443/tcp agents to servers (supervisor and API), 8472/udp between all
// nodes (flannel VXLAN), 10250/tcp between all nodes (kubelet metrics).
const API: PortRule = { name: "k3s-api", protocol: "tcp", from: K3S_API_PORT, to: K3S_API_PORT };
const ETCD: PortRule = { name: "etcd", protocol: "tcp", from: 2379, to: 2380 };
const VXLAN: PortRule = { name: "flannel-vxlan", protocol: "udp", from: 8472, to: 8472 };
const KUBELET: PortRule = { name: "kubelet", protocol: "tcp", from: 10250, to: 10250 };
const SSH: PortRule = { name: "ssh", protocol: "tcp", from: 22, to: 22 };

/** Props for {@link ClusterSecurityGroups}. */
export interface ClusterSecurityGroupsProps {
  /** The VPC the groups are created in. */
  readonly vpcId: string;
  /** Prefix of the groups' names. */
  readonly namePrefix: string;
  /** Sources allowed to reach the API through the load balancer. */
  readonly apiCidrs: readonly string[];
  /** Sources allowed to SSH to nodes. @default [] (SSH closed) */
  readonly sshCidrs?: readonly string[];
  /** @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

/** The three security groups of a cluster and the rules between them. */
export class ClusterSecurityGroups extends Construct {
  /** The controllers' group (`<namePrefix>-controllers`). */
  public readonly controllers: SecurityGroup;
  /** The workers' group (`<namePrefix>-workers`). */
  public readonly workers: SecurityGroup;
  /** The API load balancer's group (`<namePrefix>-api`): the k3s API from `apiCidrs` and from the nodes. */
  public readonly loadBalancer: SecurityGroup;

  constructor(scope: Construct, id: string, props: ClusterSecurityGroupsProps) {
    super(scope, id);
    const at = this.node.path;
    props.apiCidrs.forEach((c, i) => parseIpv4Cidr(at, `apiCidrs[${i}]`, c));
    (props.sshCidrs ?? []).forEach((c, i) => parseIpv4Cidr(at, `sshCidrs[${i}]`, c));
    const tags = props.tags ?? {};
    const group = (name: string, description: string) =>
      new SecurityGroup(this, name, {
        name: `${props.namePrefix}-${name}`,
        description,
        vpcId: props.vpcId,
        tags: { ...tags, Name: `${props.namePrefix}-${name}` },
      });
    this.controllers = group("controllers", "k3s servers");
    this.workers = group("workers", "k3s agents");
    this.loadBalancer = group("api", "k3s API load balancer");

    const allow = (to: SecurityGroup, toName: string, from: SecurityGroup, fromName: string, rules: readonly PortRule[]) => {
      for (const r of rules) {
        new VpcSecurityGroupIngressRule(this, `${toName}-${r.name}-from-${fromName}`, {
          securityGroupId: to.id,
          referencedSecurityGroupId: from.id,
          ipProtocol: r.protocol,
          fromPort: r.from,
          toPort: r.to,
          description: `${r.name} from ${fromName}`,
          tags,
        });
      }
    };
    allow(this.controllers, "controllers", this.controllers, "controllers", [API, ETCD, VXLAN, KUBELET]);
    allow(this.controllers, "controllers", this.workers, "workers", [API, VXLAN, KUBELET]);
    allow(this.workers, "workers", this.controllers, "controllers", [VXLAN, KUBELET]);
    allow(this.workers, "workers", this.workers, "workers", [VXLAN, KUBELET]);
    allow(this.controllers, "controllers", this.loadBalancer, "api", [API]);
    // Nodes may reach the API through the load balancer too.
    allow(this.loadBalancer, "api", this.controllers, "controllers", [API]);
    allow(this.loadBalancer, "api", this.workers, "workers", [API]);

    props.apiCidrs.forEach((cidr) => {
      new VpcSecurityGroupIngressRule(this, `api-k3s-api-from-${cidrId(cidr)}`, {
        securityGroupId: this.loadBalancer.id,
        cidrIpv4: cidr,
        ipProtocol: "tcp",
        fromPort: K3S_API_PORT,
        toPort: K3S_API_PORT,
        description: `k3s API from ${cidr}`,
        tags,
      });
    });
    new VpcSecurityGroupEgressRule(this, "api-to-controllers", {
      securityGroupId: this.loadBalancer.id,
      referencedSecurityGroupId: this.controllers.id,
      ipProtocol: "tcp",
      fromPort: K3S_API_PORT,
      toPort: K3S_API_PORT,
      description: "k3s API to controllers",
      tags,
    });

    for (const [name, sg] of [["controllers", this.controllers], ["workers", this.workers]] as const) {
      for (const cidr of props.sshCidrs ?? []) {
        new VpcSecurityGroupIngressRule(this, `${name}-ssh-from-${cidrId(cidr)}`, {
          securityGroupId: sg.id,
          cidrIpv4: cidr,
          ipProtocol: SSH.protocol,
          fromPort: SSH.from,
          toPort: SSH.to,
          description: `ssh from ${cidr}`,
          tags,
        });
      }
      // Nodes fetch images, k3s and updates from the internet (through NAT).
      new VpcSecurityGroupEgressRule(this, `${name}-egress`, {
        securityGroupId: sg.id,
        cidrIpv4: "0.0.0.0/0",
        ipProtocol: "-1",
        description: "all outbound",
        tags,
      });
    }
  }
}

/** `10.0.0.0/8` -> `10-0-0-0-8`, for construct ids. */
function cidrId(cidr: string): string {
  return cidr.replace(/[./:]/g, "-");
}
