import { describe, expect, it } from "vitest";
import { resolveApplyTime, terraformTextEncoder as localEncoder } from "../lib/testing/firstboot/applytime";
// Configs are read as the node reads them: after apply, with a realistic token.
const applied = (text: string): string => resolveApplyTime(text);
import { Architecture, NodeRole, type NodeSpec, TaintEffect } from "../lib/core/node";
import { K3osDelivery } from "../lib/k3os";
import { K3sComponent, type K3sNodeProps, K3sRole } from "../lib/k3s";
import { K3OS_DEFAULT_RELEASE, K3os } from "../lib/os/k3os";
import type { NodeBootstrap } from "../lib/os/os";
import { K3OS_FORMAT } from "../lib/k3os/format";
import { AWS_BOOT_PROFILE, AwsMetadataProtocol } from "../lib/platform/aws/profile";
import { imdsGuardCommand } from "../lib/k3s/imds-guard";
import { LIBVIRT_BOOT_PROFILE, LibvirtFirmware } from "../lib/platform/libvirt/profile";

const anyNode = (architecture: Architecture) => ({ name: "n-0", role: NodeRole.WORKER, pool: "p", architecture });
import { validateK3osConfig } from "../lib/testing/k3os";
import { parse } from "yaml";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOKtq6hCw2cvBvT3m5JTp0VsDLt4Ox/JYm8CqXx9HQYb admin@example";
const TOKEN = "${TfToken[TOKEN.3]}";
const K3S = "v1.22.2+k3s2";

function bootstrap(name: string, k3s: K3sNodeProps | undefined, role = NodeRole.CONTROLLER): NodeBootstrap {
  const spec: NodeSpec = { name, role, pool: role === NodeRole.CONTROLLER ? "controllers" : "general", architecture: Architecture.AMD64 };
  return { spec, hostname: name, sshKeys: [KEY], k3s };
}

const nodes: Array<[string, NodeBootstrap]> = [
  ["first-server", bootstrap("demo-controller-0", { role: K3sRole.CLUSTER_INIT, token: TOKEN, version: K3S, nodeName: "demo-controller-0", nodeIp: "192.168.122.10", tlsSans: ["192.168.122.10"], disable: [K3sComponent.TRAEFIK] })],
  ["joining-server", bootstrap("demo-controller-1", { role: K3sRole.SERVER, token: TOKEN, version: K3S, serverUrl: "https://192.168.122.10:6443", nodeName: "demo-controller-1", nodeIp: "192.168.122.11" })],
  ["agent", bootstrap("demo-general-0", { role: K3sRole.AGENT, token: TOKEN, version: K3S, serverUrl: "https://192.168.122.10:6443", nodeName: "demo-general-0", labels: { "example.com/pool": "general" }, taints: [{ key: "dedicated", value: "general", effect: TaintEffect.NO_SCHEDULE }] }, NodeRole.WORKER)],
];

describe("K3os operating system", () => {
  it("defaults to the last release and reports its family", () => {
    const os = K3os.release();
    expect(os.tag).toBe(K3OS_DEFAULT_RELEASE);
    expect(os.name).toBe("k3OS");
    expect(os.configFormat).toBe(K3OS_FORMAT);
  });

  it("derives the bundled k3s version from the tag", () => {
    expect(K3os.release("v0.22.2-k3s2r0").k3sVersion).toBe("v1.22.2+k3s2");
    expect(K3os.release("v0.21.5-k3s2r1").k3sVersion).toBe("v1.21.5+k3s2");
  });

  for (const [name, node] of nodes) {
    it(`renders the ${name} as k3OS config that passes the strict schema and semantic checks`, () => {
      const rendered = K3os.release().renderNode(node, localEncoder);
      expect(rendered.format).toBe(K3OS_FORMAT);
      expect(validateK3osConfig(applied(rendered.content))).toEqual([]);
    });

    it(`matches the golden node config for the ${name}`, async () => {
      await expect(K3os.release().renderNode(node, localEncoder).content).toMatchFileSnapshot(`fixtures/k3os/node-${name}.yaml`);
    });
  }

  it("gives user rancher the ssh keys and sets the host name", () => {
    const obj = parse(K3os.release().renderNode(nodes[2][1], localEncoder).content);
    expect(obj.ssh_authorized_keys).toEqual([KEY]);
    expect(obj.hostname).toBe("demo-general-0");
  });

  it("adds extra config from props to every node", () => {
    const os = K3os.release(K3OS_DEFAULT_RELEASE, { config: { sysctls: { "vm.max_map_count": "262144" }, runCmd: ["echo ready"] } });
    const obj = parse(applied(os.renderNode(nodes[0][1], localEncoder).content));
    expect(obj.k3os.sysctls).toEqual({ "vm.max_map_count": "262144" });
    // The user's command, then the rule that keeps pods off the instance metadata address (lib/k3s/imds-guard.ts).
    expect(obj.run_cmd).toEqual(["echo ready", imdsGuardCommand()]);
  });

  it("allows boot_cmd in props only for the system delivery", () => {
    const userData = K3os.release(K3OS_DEFAULT_RELEASE, { config: { bootCmd: ["echo"] } });
    expect(() => userData.renderNode(nodes[0][1], localEncoder)).toThrow(/k3os: boot_cmd: k3OS applies config from cloud user data only in its runtime phase/);
    const system = K3os.release(K3OS_DEFAULT_RELEASE, { config: { bootCmd: ["echo"] }, delivery: K3osDelivery.SYSTEM });
    expect(parse(applied(system.renderNode(nodes[0][1], localEncoder).content)).boot_cmd).toEqual(["echo"]);
  });

  it("names the release ISO for each architecture", () => {
    const os = K3os.release();
    const base = "https://github.com/rancher/k3os/releases/download/v0.22.2-k3s2r0/";
    expect(os.bootProfile(LIBVIRT_BOOT_PROFILE, anyNode(Architecture.AMD64))).toMatchObject({
      image: { kind: "installer", isoUrl: `${base}k3os-amd64.iso`, kernelUrl: `${base}k3os-vmlinuz-amd64`, initrdUrl: `${base}k3os-initrd-amd64`, volumeName: "k3os-v0.22.2-k3s2r0-amd64.iso" },
      firmware: LibvirtFirmware.BIOS,
      delivery: { kind: "nocloud" },
      adminUser: "rancher",
    });
    expect(os.bootProfile(LIBVIRT_BOOT_PROFILE, anyNode(Architecture.ARM64))).toMatchObject({ image: { isoUrl: `${base}k3os-arm64.iso` }, firmware: LibvirtFirmware.UEFI });
  });

  it("uses the AMI given in props", () => {
    const os = K3os.release(K3OS_DEFAULT_RELEASE, { amis: { amd64: "ami-0123456789abcdef0" } });
    expect(os.bootProfile(AWS_BOOT_PROFILE, anyNode(Architecture.AMD64))).toEqual({
      image: { kind: "id", amiId: "ami-0123456789abcdef0", architecture: Architecture.AMD64 },
      adminUser: "rancher",
      minimums: { memoryMib: 2048, diskGib: 2 },
      metadataProtocol: AwsMetadataProtocol.PLAIN_GET,
    });
  });

  it("states the memory and disk k3OS needs", () => {
    expect(K3os.release().minimums).toEqual({ memoryMib: 2048, diskGib: 2 });
  });

  describe("refuses", () => {
    it("a tag that is not a k3OS release tag", () => {
      expect(() => K3os.release("0.22.2")).toThrow('K3os: tag: "0.22.2" is not a k3OS release tag. Fix: give a tag like "v0.22.2-k3s2r0" (github.com/rancher/k3os/releases)');
    });

    it("an AWS node without an AMI, since k3OS publishes none", () => {
      expect(() => K3os.release().bootProfile(AWS_BOOT_PROFILE, anyNode(Architecture.ARM64))).toThrow(
        'K3os: amis.arm64: k3OS publishes no AMIs, and none is given for arm64. Fix: build one (rancher/k3os package/packer/aws) and pass K3os.release("v0.22.2-k3s2r0", { amis: { arm64: "ami-..." } })',
      );
    });

    it("an AMI id that is not one", () => {
      expect(() => K3os.release(K3OS_DEFAULT_RELEASE, { amis: { amd64: "ubuntu-22.04" } })).toThrow(/K3os: amis\.amd64: "ubuntu-22\.04" is not an AMI id/);
    });

    it("k3s keys in the extra config", () => {
      expect(() => K3os.release(K3OS_DEFAULT_RELEASE, { config: { token: "x" } })).toThrow(/K3os: config: k3s keys \(k3sArgs, token, serverUrl\) come from the node's k3s settings/);
    });

    it("a k3s version k3OS does not bundle", () => {
      const node = bootstrap("c0", { role: K3sRole.CLUSTER_INIT, token: TOKEN, version: "v1.36.4+k3s1" });
      expect(() => K3os.release().renderNode(node, localEncoder)).toThrow(
        "k3os/c0: k3s.version: k3OS runs the k3s it bundles (v1.22.2+k3s2), not v1.36.4+k3s1. Fix: set the k3s version to v1.22.2+k3s2, or use Flatcar to pin another k3s",
      );
    });

    it("a node without k3s settings", () => {
      expect(() => K3os.release().renderNode(bootstrap("h0", undefined), localEncoder)).toThrow(/k3os\/h0: k3s: k3OS always runs k3s, but the node has no k3s settings/);
    });
  });
});
