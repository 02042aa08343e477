/**
 * k3OS on the local libvirt: one server and two agents, each installed unattended from the k3OS
 * ISO with its config.yaml on a NoCloud config disk (see lib/platform/libvirt/README.md).
 */
import type { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { Cluster, ClusterToken, K3os, K3OS_FORMAT, LibvirtPlatform } from "cdktf-microos";
import { EXAMPLE_SSH_KEY, warnAboutStandIns } from "../shared";

export interface K3osLibvirtStackProps {
  /** Where the k3s token comes from. @default ClusterToken.random() */
  readonly token?: ClusterToken;
  /** libvirt connection URI. @default "qemu:///system" */
  readonly uri?: string;
}

export class K3osLibvirtStack extends TerraformStack {
  public readonly cluster: Cluster;

  constructor(scope: Construct, id: string, props: K3osLibvirtStackProps = {}) {
    super(scope, id);
    warnAboutStandIns(this, { sshKey: EXAMPLE_SSH_KEY });
    this.cluster = new Cluster(this, "k3os", {
      // The last k3OS release; it bundles k3s v1.22.2+k3s2, which the cluster runs.
      os: K3os.release("v0.22.2-k3s2r0"),
      platform: LibvirtPlatform.local({ uri: props.uri, cidr: "10.17.4.0/24", domain: "k3os.internal" }),
      controllers: { count: 1, size: "2x4096", diskGib: 20 },
      pools: [{ name: "agents", count: 2, size: "2x2048", diskGib: 20 }],
      kubernetes: { token: props.token },
      sshKeys: [EXAMPLE_SSH_KEY],
    });
    this.cluster.pool("agents").customize(K3OS_FORMAT, (config) => config.addNtpServers("0.pool.ntp.org", "1.pool.ntp.org"));
  }
}
