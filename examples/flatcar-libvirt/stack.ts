/**
 * Flatcar with k3s on the local libvirt: one controller and two workers on a NAT network, each
 * with a fixed address and name. The Cluster construct will replace the wiring below; here it is
 * spelled out: bind the platform, render each node with the addresses it gives, add machines.
 */
import { Construct } from "constructs";
import { TerraformOutput, TerraformStack, TerraformVariable, terraformEncoder } from "../../lib/cdktf";
import { Architecture, type NodeSpec, NodeRole } from "../../lib/core/node";
import { K3sFlatcarInstall } from "../../lib/k3s/ignition";
import { K3sRole } from "../../lib/k3s/node";
import { Flatcar, FlatcarChannel } from "../../lib/os/flatcar";
import { type LibvirtCluster, LibvirtPlatform } from "../../lib/platform/libvirt";
import type { MachineRequest } from "../../lib/platform/platform";

const K3S_VERSION = "v1.31.4+k3s1";

export interface FlatcarLibvirtStackProps {
  /** SHA-256 of the k3s sysext image for amd64 (flatcar/sysext-bakery release `k3s-<version>`). */
  readonly k3sSysextSha256: string;
  /** OpenSSH public keys for `core`. */
  readonly sshKeys: readonly string[];
  /** libvirt connection URI. @default "qemu:///system" */
  readonly uri?: string;
}

export class FlatcarLibvirtStack extends TerraformStack {
  public readonly binding: LibvirtCluster;

  constructor(scope: Construct, id: string, props: FlatcarLibvirtStackProps) {
    super(scope, id);
    const token = new TerraformVariable(this, "k3s_token", { type: "string", sensitive: true, description: "k3s cluster token" });
    const os = Flatcar.channel(FlatcarChannel.STABLE, {
      k3sInstall: K3sFlatcarInstall.sysext({ sha256: { amd64: props.k3sSysextSha256 } }),
    });
    const platform = LibvirtPlatform.local({ uri: props.uri, cidr: "10.17.3.0/24", domain: "flatcar.internal" });

    const nodes: NodeSpec[] = [
      { name: "controller-0", role: NodeRole.CONTROLLER, pool: "controllers", architecture: Architecture.AMD64 },
      { name: "worker-0", role: NodeRole.WORKER, pool: "general", architecture: Architecture.AMD64 },
      { name: "worker-1", role: NodeRole.WORKER, pool: "general", architecture: Architecture.AMD64 },
    ];
    this.binding = platform.bind(this, "flatcar-demo", nodes) as LibvirtCluster;
    const serverUrl = `https://${this.binding.apiEndpoint}:6443`;

    const requests: MachineRequest[] = nodes.map((spec) => ({
      spec,
      size: spec.role === NodeRole.CONTROLLER ? "2x4096" : "2x2048",
      diskGib: 20,
      image: os.libvirtImage(spec.architecture),
      minimums: os.minimums,
      config: os.renderNode(
        {
          spec,
          hostname: spec.name,
          sshKeys: props.sshKeys,
          k3s:
            spec.role === NodeRole.CONTROLLER
              ? { role: K3sRole.CLUSTER_INIT, token: token.stringValue, version: K3S_VERSION, nodeIp: this.binding.addressOf(spec.name), tlsSans: this.binding.apiTlsSans }
              : { role: K3sRole.AGENT, token: token.stringValue, version: K3S_VERSION, serverUrl, nodeIp: this.binding.addressOf(spec.name) },
        },
        terraformEncoder,
      ),
    }));
    this.binding.addMachines(requests);

    new TerraformOutput(this, "api_endpoint", { value: serverUrl });
  }
}
