/**
 * k3OS on the local libvirt: one server and two agents, each installed unattended from the k3OS
 * ISO, with its config.yaml on a NoCloud disk. The Cluster construct will replace the wiring below.
 */
import { Construct } from "constructs";
import { TerraformOutput, TerraformStack, TerraformVariable, terraformEncoder } from "../../lib/cdktf";
import { Architecture, type NodeSpec, NodeRole } from "../../lib/core/node";
import { K3sRole } from "../../lib/k3s/node";
import { K3os } from "../../lib/os/k3os";
import { type LibvirtCluster, LibvirtPlatform } from "../../lib/platform/libvirt";
import type { MachineRequest } from "../../lib/platform/platform";

export interface K3osLibvirtStackProps {
  /** OpenSSH public keys for `rancher`. */
  readonly sshKeys: readonly string[];
  /** libvirt connection URI. @default "qemu:///system" */
  readonly uri?: string;
}

export class K3osLibvirtStack extends TerraformStack {
  public readonly binding: LibvirtCluster;

  constructor(scope: Construct, id: string, props: K3osLibvirtStackProps) {
    super(scope, id);
    const token = new TerraformVariable(this, "k3s_token", { type: "string", sensitive: true, description: "k3s cluster token" });
    const os = K3os.release();
    const platform = LibvirtPlatform.local({ uri: props.uri, cidr: "10.17.4.0/24", domain: "k3os.internal" });
    const nodes: NodeSpec[] = [
      { name: "server", role: NodeRole.CONTROLLER, pool: "controllers", architecture: Architecture.AMD64 },
      { name: "agent-0", role: NodeRole.WORKER, pool: "agents", architecture: Architecture.AMD64 },
      { name: "agent-1", role: NodeRole.WORKER, pool: "agents", architecture: Architecture.AMD64 },
    ];
    this.binding = platform.bind(this, "k3os-demo", nodes) as LibvirtCluster;
    const serverUrl = `https://${this.binding.apiEndpoint}:6443`;
    const version = os.k3sVersion;
    const requests: MachineRequest[] = nodes.map((spec) => ({
      spec,
      size: "2x2048",
      diskGib: 10,
      image: os.libvirtImage(spec.architecture),
      minimums: os.minimums,
      config: os.renderNode(
        {
          spec,
          hostname: spec.name,
          sshKeys: props.sshKeys,
          k3s:
            spec.role === NodeRole.CONTROLLER
              ? { role: K3sRole.CLUSTER_INIT, token: token.stringValue, version, tlsSans: this.binding.apiTlsSans }
              : { role: K3sRole.AGENT, token: token.stringValue, version, serverUrl },
        },
        terraformEncoder,
      ),
    }));
    this.binding.addMachines(requests);

    new TerraformOutput(this, "api_endpoint", { value: serverUrl });
  }
}
