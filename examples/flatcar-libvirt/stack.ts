/**
 * Flatcar with k3s on the local libvirt: one controller and a pool of two workers on a NAT network,
 * each with a fixed address and a resolvable name. `cdktf deploy` needs libvirtd on the host and
 * the dmacvicar/libvirt 0.9.7 provider.
 */
import type { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { Cluster, ClusterToken, Flatcar, FlatcarChannel, K3sFlatcarInstall, LibvirtPlatform } from "cdktf-microos";
import { EXAMPLE_K3S_SYSEXT_SHA256, EXAMPLE_K3S_VERSION, EXAMPLE_SSH_KEY, warnAboutStandIns } from "../shared";

export interface FlatcarLibvirtStackProps {
  /** Where the k3s token comes from. @default ClusterToken.random() */
  readonly token?: ClusterToken;
  /** libvirt connection URI. @default "qemu:///system" */
  readonly uri?: string;
}

export class FlatcarLibvirtStack extends TerraformStack {
  public readonly cluster: Cluster;

  constructor(scope: Construct, id: string, props: FlatcarLibvirtStackProps = {}) {
    super(scope, id);
    warnAboutStandIns(this, { sshKey: EXAMPLE_SSH_KEY, k3sSysextSha256: EXAMPLE_K3S_SYSEXT_SHA256 });
    this.cluster = new Cluster(this, "lab", {
      os: Flatcar.channel(FlatcarChannel.STABLE, {
        k3sInstall: K3sFlatcarInstall.sysext({ version: EXAMPLE_K3S_VERSION, sha256: { amd64: EXAMPLE_K3S_SYSEXT_SHA256 } }),
      }),
      platform: LibvirtPlatform.local({ uri: props.uri, cidr: "10.17.3.0/24", domain: "lab.internal" }),
      controllers: { count: 1, size: "2x4096", diskGib: 20 },
      pools: [{ name: "general", count: 2, size: "2x2048", diskGib: 20, labels: { "example.org/tier": "general" } }],
      kubernetes: { k3sVersion: EXAMPLE_K3S_VERSION, token: props.token },
      sshKeys: [EXAMPLE_SSH_KEY],
    });
  }
}
