/**
 * Sizes and disks past what the platform can build, refused when the cluster asks for the machine
 * instead of at apply (issue 22): EBS root volumes outside their type's sizes (EBS user guide,
 * "Amazon EBS volume types"), libvirt machines with more vCPUs than QEMU's machine type takes or
 * more memory than a guest can address. Each case asserts its message; the limits themselves are
 * accepted.
 */
import { describe, expect, it } from "vitest";
import { TerraformStack, Testing } from "../lib/cdktf";
import { Cluster, type ClusterProps, ClusterToken } from "../lib/cluster";
import { Architecture } from "../lib/core/node";
import { MachineSize } from "../lib/core/size";
import { Flatcar, FlatcarChannel } from "../lib/os/flatcar";
import { K3sFlatcarInstall } from "../lib/os/flatcar/k3s";
import { AwsPlatform, RootVolumeType } from "../lib/platform/aws";
import { LibvirtPlatform } from "../lib/platform/libvirt";
import { type Refusal, refusals } from "./refusals-helpers";

const os = () => Flatcar.channel(FlatcarChannel.STABLE, { k3sInstall: K3sFlatcarInstall.sysext({ version: "v1.36.4+k3s1", sha256: { amd64: "ab".repeat(32), arm64: "cd".repeat(32) } }) });
const aws = (over: Record<string, unknown> = {}) => AwsPlatform.newVpc({ cidr: "10.0.0.0/16", zones: 2, ...over });
function cluster(props: Partial<ClusterProps>): () => Cluster {
  return () => new Cluster(new TerraformStack(Testing.app(), "test"), "demo", { os: os(), platform: LibvirtPlatform.local({ uefiFirmware: "/usr/share/AAVMF/AAVMF_CODE.fd" }), kubernetes: { token: ClusterToken.fromVariable() }, ...props } as ClusterProps);
}

const cases: Refusal[] = [
  { name: "a gp3 root disk over 64 TiB", run: cluster({ platform: aws(), pools: [{ name: "big", count: 1, diskGib: 65537 }] }), message: "test/demo/aws-platform/nodes/demo-big-0: diskGib: 65537 GiB is outside the 1 GiB to 65536 GiB (64 TiB) an EBS gp3 volume holds" },
  { name: "a gp2 root disk over 16 TiB", run: cluster({ platform: aws({ rootVolumeType: RootVolumeType.GP2 }), controllers: { diskGib: 20000 } }), message: "test/demo/aws-platform/nodes/demo-controller-0: diskGib: 20000 GiB is outside the 1 GiB to 16384 GiB (16 TiB) an EBS gp2 volume holds. Fix: give 1 to 16384 GiB, or rootVolumeType: RootVolumeType.GP3 for up to 65536" },
  { name: "an io1 platform default disk over 16 TiB", run: cluster({ platform: aws({ rootVolumeType: RootVolumeType.IO1, diskGib: 16385 }) }), message: "diskGib: 16385 GiB is outside the 4 GiB to 16384 GiB (16 TiB) an EBS io1 volume holds" },
  { name: "an io2 root disk over 64 TiB", run: cluster({ platform: aws({ rootVolumeType: RootVolumeType.IO2 }), controllers: { diskGib: 70000 } }), message: "diskGib: 70000 GiB is outside the 4 GiB to 65536 GiB (64 TiB) an EBS io2 volume holds" },
  { name: "a libvirt amd64 machine with more vCPUs than q35 takes", run: cluster({ controllers: { size: MachineSize.cpuMemory(4097, 4096) } }), message: "test/demo/Libvirt/Machine-demo-controller-0: vcpu: 4097 vCPUs are more than QEMU's q35 machine takes (4096). Fix: give at most 4096 vCPUs" },
  { name: "a libvirt arm64 machine with more vCPUs than virt takes", run: cluster({ controllers: { size: "513x4096", architecture: Architecture.ARM64 } }), message: "vcpu: 513 vCPUs are more than QEMU's virt machine takes (512)" },
  { name: "a libvirt machine with more memory than a guest addresses", run: cluster({ pools: [{ name: "huge", count: 1, size: MachineSize.cpuMemory(2, 2 ** 32 + 1) }] }), message: "memoryMib: 4294967297 MiB is more than a guest's 4294967296 MiB (4 PiB, 52-bit physical addresses)" },
  { name: "a libvirt disk larger than a qcow2 disk holds", run: cluster({ pools: [{ name: "huge", count: 1, diskGib: 2 ** 21 + 1 }] }), message: "test/demo/Libvirt/Machine-demo-huge-0: diskGib: 2097153 GiB is more than a qcow2 disk holds (2097152 GiB, 2 PiB, at QEMU's default 64 KiB clusters). Fix: give at most 2097152 GiB" },
];

describe("sizes and disks within the platform's limits", () => {
  refusals(cases);

  it("accepts the limits themselves", () => {
    expect(cluster({ platform: aws(), controllers: { diskGib: 65536 } })).not.toThrow();
    expect(cluster({ platform: aws({ rootVolumeType: RootVolumeType.GP2 }), controllers: { diskGib: 16384 } })).not.toThrow();
    expect(cluster({ controllers: { size: MachineSize.cpuMemory(4096, 4096) } })).not.toThrow();
    expect(cluster({ controllers: { size: "512x4096", architecture: Architecture.ARM64 } })).not.toThrow();
  });
});
