/**
 * Fedora CoreOS with k3s on the local libvirt: one controller and a pool of two workers on a NAT
 * network, each with a fixed address and a resolvable name. `cdktf deploy` needs libvirtd on the
 * host, the dmacvicar/libvirt 0.9.7 provider, and the decompressed Fedora CoreOS qemu image
 * (`coreos-installer download -s stable -p qemu -f qcow2.xz --decompress`; set FCOS_QEMU_IMAGE).
 */
import type { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { Cluster, ClusterToken, FedoraCoreOsStream, FedoraCoreOs, K3sFedoraCoreOsInstall, LibvirtPlatform } from "cdktf-microos";
import { EXAMPLE_FCOS_QEMU_IMAGE, EXAMPLE_K3S_BINARY_SHA256, EXAMPLE_K3S_VERSION, EXAMPLE_SSH_KEY, warnAboutStandIns } from "../shared";

export interface FcosLibvirtStackProps {
  /** Where the k3s token comes from. @default ClusterToken.random() */
  readonly token?: ClusterToken;
  /** libvirt connection URI. @default "qemu:///system" */
  readonly uri?: string;
}

export class FcosLibvirtStack extends TerraformStack {
  public readonly cluster: Cluster;

  constructor(scope: Construct, id: string, props: FcosLibvirtStackProps = {}) {
    super(scope, id);
    warnAboutStandIns(this, { sshKey: EXAMPLE_SSH_KEY, k3sBinarySha256: EXAMPLE_K3S_BINARY_SHA256, fcosQemuImage: EXAMPLE_FCOS_QEMU_IMAGE });
    this.cluster = new Cluster(this, "lab", {
      os: FedoraCoreOs.stream(FedoraCoreOsStream.STABLE, {
        k3sInstall: K3sFedoraCoreOsInstall.binary({ version: EXAMPLE_K3S_VERSION, sha256: { amd64: EXAMPLE_K3S_BINARY_SHA256 } }),
        qemuImages: { amd64: EXAMPLE_FCOS_QEMU_IMAGE },
      }),
      platform: LibvirtPlatform.local({ uri: props.uri, cidr: "10.17.6.0/24", domain: "fcos.internal" }),
      controllers: { count: 1, size: "2x4096", diskGib: 20 },
      pools: [{ name: "general", count: 2, size: "2x2048", diskGib: 20, labels: { "example.org/tier": "general" } }],
      kubernetes: { k3sVersion: EXAMPLE_K3S_VERSION, token: props.token },
      sshKeys: [EXAMPLE_SSH_KEY],
    });
  }
}
