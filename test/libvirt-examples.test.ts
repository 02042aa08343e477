import { describe, expect, test } from "vitest";
import { App, Testing } from "../lib/cdktf";
import { validateK3osConfig } from "../lib/testing/k3os";
import { checkLibvirtResources } from "../lib/testing/libvirt-schema";
import { FlatcarLibvirtStack } from "../examples/flatcar-libvirt/stack";
import { K3osLibvirtStack } from "../examples/k3os-libvirt/stack";
import { SSH_KEY } from "./libvirt-helpers";

const synthOf = (stack: FlatcarLibvirtStack | K3osLibvirtStack): Record<string, any> => JSON.parse(Testing.synth(stack, true));

describe("examples/flatcar-libvirt", () => {
  const synth = synthOf(new FlatcarLibvirtStack(new App(), "flatcar-libvirt", { k3sSysextSha256: "a".repeat(64), sshKeys: [SSH_KEY] }));

  test("every libvirt resource conforms to the 0.8.3 schema", () => {
    expect(checkLibvirtResources(synth)).toEqual([]);
  });

  test("builds one controller and two workers from one Flatcar base image", () => {
    expect(Object.values(synth.resource.libvirt_domain).map((d: any) => d.name).sort()).toEqual(["flatcar-demo-controller-0", "flatcar-demo-worker-0", "flatcar-demo-worker-1"]);
    expect(Object.values(synth.resource.libvirt_volume).filter((v: any) => v.source)).toHaveLength(1);
  });

  test("workers' disks are hashed by Terraform from their token-bearing Ignition", () => {
    const names = Object.values(synth.resource.libvirt_volume).map((v: any) => v.name as string);
    expect(names).toContain("flatcar-demo-controller-0.qcow2");
    expect(names.filter((n) => n.startsWith("flatcar-demo-worker-0-"))).toEqual([
      expect.stringMatching(/^flatcar-demo-worker-0-\$\{substr\(sha256\(join\("\\n", \["https:[^"]+", libvirt_ignition\.[^.]+\.content\]\)\), 0, 8\)\}\.qcow2$/),
    ]);
  });
});

describe("examples/k3os-libvirt", () => {
  const synth = synthOf(new K3osLibvirtStack(new App(), "k3os-libvirt", { sshKeys: [SSH_KEY] }));

  test("every libvirt resource conforms to the 0.8.3 schema", () => {
    expect(checkLibvirtResources(synth)).toEqual([]);
  });

  test("every node's config.yaml passes the strict k3OS schema as user data", () => {
    const disks = Object.values(synth.resource.libvirt_cloudinit_disk) as Array<{ user_data: string }>;
    expect(disks).toHaveLength(3);
    for (const disk of disks) expect(validateK3osConfig(disk.user_data)).toEqual([]);
  });

  test("agents join the server at its fixed address", () => {
    const agent = (Object.values(synth.resource.libvirt_cloudinit_disk) as Array<{ name: string; user_data: string }>).find((d) => d.name === "k3os-demo-agent-0-config.iso")!;
    expect(agent.user_data).toContain("server_url: https://10.17.4.10:6443");
  });
});
