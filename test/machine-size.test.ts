import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { describe, expect, it } from "vitest";
import { TerraformStack, Testing } from "../lib/cdktf";
import { Cluster } from "../lib/cluster";
import { MachineSize } from "../lib/core/size";
import { Flatcar, FlatcarChannel } from "../lib/os/flatcar";
import { AwsImagePolicy, AwsPlatform } from "../lib/platform/aws";
import { LibvirtPlatform } from "../lib/platform/libvirt";
import { offlineAwsProviderConfig } from "../lib/testing/terraform";

const host = () => Flatcar.channel(FlatcarChannel.STABLE);
const resources = (stack: TerraformStack, type: string) => Object.values((JSON.parse(Testing.synth(stack)).resource[type] ?? {}) as Record<string, Record<string, unknown>>);

describe("MachineSize", () => {
  it("sizes libvirt machines by vCPUs and memory", () => {
    const stack = new TerraformStack(Testing.app(), "t");
    new Cluster(stack, "lab", { os: host(), platform: LibvirtPlatform.local(), controllers: { size: MachineSize.cpuMemory(4, 8192) } });
    expect(resources(stack, "libvirt_domain")[0]).toMatchObject({ vcpu: 4, memory: 8192 });
  });

  it("sizes AWS machines by instance type", () => {
    const stack = new TerraformStack(Testing.app(), "t");
    new AwsProvider(stack, "aws", offlineAwsProviderConfig());
    new Cluster(stack, "prod", {
      os: host(),
      platform: AwsPlatform.newVpc({ cidr: "10.0.0.0/16", zones: ["eu-central-1a"], imagePolicy: AwsImagePolicy.pin({ amd64: "ami-0123456789abcdef0" }) }),
      controllers: { size: MachineSize.instanceType("m6i.large") },
    });
    expect(resources(stack, "aws_instance")[0].instance_type).toBe("m6i.large");
  });

  it("is refused on the platform that cannot build it, naming the kind to give", () => {
    expect(() => new Cluster(new TerraformStack(Testing.app(), "t"), "lab", { os: host(), platform: LibvirtPlatform.local(), controllers: { size: MachineSize.instanceType("t3.medium") } })).toThrow(
      "t/lab/Libvirt: requests.lab-controller-0.size: instance type t3.medium is not a libvirt size. Fix: give MachineSize.cpuMemory(vcpu, memoryMib), for example MachineSize.cpuMemory(2, 4096)",
    );
    const stack = new TerraformStack(Testing.app(), "u");
    new AwsProvider(stack, "aws", offlineAwsProviderConfig());
    expect(
      () =>
        new Cluster(stack, "prod", {
          os: host(),
          platform: AwsPlatform.newVpc({ cidr: "10.0.0.0/16", zones: ["eu-central-1a"] }),
          controllers: { size: MachineSize.cpuMemory(2, 4096) },
        }),
    ).toThrow('u/prod/aws-platform/nodes/prod-controller-0: size: 2x4096 is not an EC2 instance type. Fix: give MachineSize.instanceType("t3.medium") (AWS sizes machines by instance type)');
  });

  it("refuses sizes that are not sizes at the call", () => {
    expect(() => MachineSize.cpuMemory(0, 4096)).toThrow("MachineSize.cpuMemory: vcpu: 0 is not a positive whole number. Fix: give at least 1 vCPU");
    expect(() => MachineSize.cpuMemory(2, 1.5)).toThrow("MachineSize.cpuMemory: memoryMib: 1.5 is not a positive whole number. Fix: give the memory in MiB, for example 4096");
    expect(() => MachineSize.instanceType("t3 medium")).toThrow('MachineSize.instanceType: name: "t3 medium" is not an EC2 instance type name. Fix: give <family>.<size>, for example "t3.medium"');
  });
});
