/**
 * Kairos on the local libvirt: one server and two agents, each booted from the release's standard
 * ISO with its `#cloud-config` on a NoCloud config disk; the ISO installs itself unattended to the
 * machine's disk (install.auto, /dev/vda) and reboots into it (see lib/platform/libvirt/README.md).
 */
import type { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { Cluster, ClusterToken, Kairos, KAIROS_FORMAT, KairosFlavor, KairosStage, LibvirtPlatform } from "cdktf-microos";
import { EXAMPLE_SSH_KEY, warnAboutStandIns } from "../shared";

export interface KairosLibvirtStackProps {
  /** Where the k3s token comes from. @default ClusterToken.random() */
  readonly token?: ClusterToken;
  /** libvirt connection URI. @default "qemu:///system" */
  readonly uri?: string;
}

export class KairosLibvirtStack extends TerraformStack {
  public readonly cluster: Cluster;

  constructor(scope: Construct, id: string, props: KairosLibvirtStackProps = {}) {
    super(scope, id);
    warnAboutStandIns(this, { sshKey: EXAMPLE_SSH_KEY });
    this.cluster = new Cluster(this, "kairos", {
      os: Kairos.release("v4.2.0", { flavor: KairosFlavor.hadron("v0.5.1"), k3sVersion: "v1.36.3+k3s1" }),
      platform: LibvirtPlatform.local({ uri: props.uri, cidr: "10.17.5.0/24", domain: "kairos.internal" }),
      controllers: { count: 1, size: "2x4096", diskGib: 20 },
      pools: [{ name: "agents", count: 2, size: "2x2048", diskGib: 20 }],
      kubernetes: { token: props.token },
      sshKeys: [EXAMPLE_SSH_KEY],
    });
    // The generic escape hatch, typed by the format: a file every agent writes at boot.
    this.cluster.pool("agents").customize(KAIROS_FORMAT, (config) =>
      config.addFile({ path: "/etc/motd", content: "Kairos agent, managed by cdktf-microos\n" }, KairosStage.BOOT),
    );
  }
}
