/**
 * Kairos as an operating system: releases and their artifacts, k3s roles with the token only in
 * k3s's own config file, the AWS and libvirt boot profiles, and the examples' clusters.
 */
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { Testing } from "../lib/cdktf";
import { ClusterToken } from "../lib/cluster";
import { realisticValue, resolveApplyTime, terraformTextEncoder as localEncoder } from "../lib/testing/firstboot/applytime";
// Configs are read as the node reads them: after apply, with a realistic token.
const applied = (text: string): string => resolveApplyTime(text);
const TOKEN_VALUE = realisticValue("TfToken[TOKEN.3]");
import { MicroOsError } from "../lib/core/errors";
import { Architecture, NodeRole, type NodeSpec } from "../lib/core/node";
import { K3sComponent, type K3sNodeProps, K3sRole } from "../lib/k3s";
import { KAIROS_FORMAT, KairosStage, validateKairosConfig } from "../lib/kairos";
import type { NodeBootstrap } from "../lib/os/os";
import { KAIROS_AMI_OWNER, KAIROS_DEFAULT_RELEASE, Kairos, KairosFlavor } from "../lib/os/kairos";
import { AwsMetadataProtocol, AWS_BOOT_PROFILE } from "../lib/platform/aws/profile";
import { LIBVIRT_BOOT_PROFILE, LibvirtFirmware } from "../lib/platform/libvirt/profile";
import { offlineAwsProviderConfig } from "../lib/testing/terraform";
import { KairosAwsStack } from "../examples/kairos-aws/stack";
import { KairosLibvirtStack } from "../examples/kairos-libvirt/stack";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOKtq6hCw2cvBvT3m5JTp0VsDLt4Ox/JYm8CqXx9HQYb admin@example";
const TOKEN = "${TfToken[TOKEN.3]}";
const K3S = "v1.36.3+k3s1";

function errorOf(f: () => unknown): MicroOsError {
  try {
    f();
  } catch (e) {
    if (e instanceof MicroOsError) return e;
    throw e;
  }
  throw new Error("expected a MicroOsError");
}

const spec = (name: string, role = NodeRole.CONTROLLER, architecture = Architecture.AMD64): NodeSpec => ({ name, role, pool: role === NodeRole.CONTROLLER ? "controllers" : "general", architecture });
const boot = (name: string, k3s: K3sNodeProps | undefined, role = NodeRole.CONTROLLER): NodeBootstrap => ({ spec: spec(name, role), hostname: name, sshKeys: [KEY], k3s });

const first = boot("demo-controller-0", { role: K3sRole.CLUSTER_INIT, token: TOKEN, version: K3S, nodeName: "demo-controller-0", nodeIp: "10.0.0.10", tlsSans: ["10.0.0.10"], disable: [K3sComponent.TRAEFIK] });
const joining = boot("demo-controller-1", { role: K3sRole.SERVER, token: TOKEN, version: K3S, serverUrl: "https://10.0.0.10:6443", nodeIp: "10.0.0.11" });
const agent = boot("demo-general-0", { role: K3sRole.AGENT, token: TOKEN, version: K3S, serverUrl: "https://api.example:6443", labels: { "example.com/pool": "general" } }, NodeRole.WORKER);

/** The node's k3s config file, as the initramfs stage writes it. */
function k3sFile(config: ReturnType<typeof parse>): { permissions: number; content: Record<string, unknown> } {
  const files = (config.stages.initramfs as Array<{ files: Array<{ path: string; permissions: number; content: string; encoding?: string }> }>).flatMap((s) => s.files);
  const f = files.find((x) => x.path === "/etc/rancher/k3s/config.yaml")!;
  // A file that holds an apply-time value arrives gzipped and base64-encoded (yip decodes gz+b64).
  expect(f.encoding).toBe("gz+b64");
  return { permissions: f.permissions, content: parse(gunzipSync(Buffer.from(f.content, "base64")).toString("utf8")) };
}

describe("Kairos releases", () => {
  it("v4.2.0 by default: Hadron v0.5.1 with k3s v1.36.3+k3s1, the cluster's k3s version", () => {
    const os = Kairos.release();
    expect([os.tag, os.flavor.toString(), os.k3sVersion, os.name, os.configFormat]).toEqual([KAIROS_DEFAULT_RELEASE, "hadron-v0.5.1", K3S, "Kairos", KAIROS_FORMAT]);
  });

  it("names the release's artifacts as Kairos publishes them", () => {
    expect(Kairos.release("v4.2.0").artifacts()).toEqual({
      isoName: "kairos-hadron-v0.5.1-standard-amd64-generic-v4.2.0-k3sv1.36.3+k3s1.iso",
      isoUrl: "https://github.com/kairos-io/kairos/releases/download/v4.2.0/kairos-hadron-v0.5.1-standard-amd64-generic-v4.2.0-k3sv1.36.3%2Bk3s1.iso",
      standardImage: "quay.io/kairos/hadron:v0.5.1-standard-amd64-generic-v4.2.0-k3s-v1.36.3-k3s1",
      amiName: "kairos-hadron-v0.5.1-core-amd64-generic-v4.2.0.raw",
    });
  });

  it("takes another k3s the release ships, and a release it does not know when flavour and k3s are named", () => {
    expect(Kairos.release("v4.2.0", { k3sVersion: "v1.35.7+k3s1" }).artifacts().isoName).toBe("kairos-hadron-v0.5.1-standard-amd64-generic-v4.2.0-k3sv1.35.7+k3s1.iso");
    expect(Kairos.release("v4.3.0", { flavor: KairosFlavor.hadron("v0.6.0"), k3sVersion: K3S }).artifacts().amiName).toBe("kairos-hadron-v0.6.0-core-amd64-generic-v4.3.0.raw");
  });

  const refusals: Array<[string, () => unknown, string]> = [
    ["a tag that is no release tag", () => Kairos.release("4.2"), 'Kairos: tag: "4.2" is not a Kairos release tag. Fix: give a tag like "v4.2.0" (github.com/kairos-io/kairos/releases)'],
    ["a release it does not know, without flavour", () => Kairos.release("v4.3.0", { k3sVersion: K3S }), 'Kairos: flavor: the library does not know which flavour and k3s release v4.3.0 publishes. Fix: name both, for example Kairos.release("v4.3.0", { flavor: KairosFlavor.hadron("v0.5.1"), k3sVersion: "v1.36.3+k3s1" }), as the release\'s asset names read'],
    ["a k3s version that is no k3s tag", () => Kairos.release("v4.2.0", { k3sVersion: "1.36" }), 'Kairos: k3sVersion: "1.36" is not a k3s release tag. Fix: give a tag like "v1.36.4+k3s1", one the release ships'],
    ["an AMI id that is no AMI id", () => Kairos.release("v4.2.0", { amis: { amd64: "ami-1" } }), 'Kairos: amis.amd64: "ami-1" is not an AMI id. Fix: give an id like ami-0123456789abcdef0'],
    ["an install device that is no device", () => Kairos.release("v4.2.0", { installDevice: "sda" }), 'Kairos: installDevice: "sda" is not a device path. Fix: give a device such as /dev/vda'],
    ["k3s keys in the extra config", () => Kairos.release("v4.2.0", { config: { k3s: {} } }), "Kairos: config: the k3s, install and reset blocks come from the node's k3s settings and the release. Fix: set k3s through the cluster's kubernetes options; use the escape hatch for anything else"],
    ["bad extra config, at the call", () => Kairos.release("v4.2.0", { config: { hostname: "A_B" } }), 'kairos: hostname: "A_B" is not a host name. Fix: use lower-case DNS labels separated by dots'],
    ["a flavour name that is no name", () => KairosFlavor.of("Hadron", "v1"), 'KairosFlavor: name: "Hadron" is not a flavour name. Fix: give a lower-case name such as "hadron"'],
    ["an arm64 node (the release publishes amd64 only)", () => Kairos.release().bootProfile(AWS_BOOT_PROFILE, spec("a-0", NodeRole.WORKER, Architecture.ARM64)), "kairos/a-0: architecture: Kairos v4.2.0 publishes no arm64 images. Fix: run Kairos nodes on amd64"],
    ["a node asking for another k3s than the images carry", () => Kairos.release().renderNode(boot("n-0", { role: K3sRole.CLUSTER_INIT, token: TOKEN_VALUE, version: "v1.35.7+k3s1" }), localEncoder), "kairos/n-0: k3s.version: the Kairos image runs the k3s it bundles (v1.36.3+k3s1), not v1.35.7+k3s1. Fix: set the k3s version to v1.36.3+k3s1, or pick the Kairos k3sVersion that ships v1.35.7+k3s1"],
  ];
  for (const [what, call, message] of refusals) {
    it(`refuses ${what}`, () => expect(errorOf(call).message).toBe(message));
  }
});

describe("Kairos node configs", () => {
  const os = Kairos.release();
  for (const [name, node] of [["first server", first], ["joining server", joining], ["agent", agent]] as const) {
    it(`renders the ${name} as a config that passes the Kairos schema and rules`, () => {
      const rendered = os.renderNode(node, localEncoder);
      expect(rendered.format).toBe(KAIROS_FORMAT);
      expect(validateKairosConfig(applied(rendered.content))).toEqual([]);
    });
  }

  it("gives the kairos user (in group admin) the ssh keys, and sets the host name", () => {
    const c = parse(applied(os.renderNode(agent, localEncoder).content));
    expect(c.users).toEqual([{ name: "kairos", groups: ["admin"], ssh_authorized_keys: [KEY] }]);
    expect(c.hostname).toBe("demo-general-0");
  });

  it("starts the first server with --cluster-init, in k3s's config file", () => {
    const c = parse(applied(os.renderNode(first, localEncoder).content));
    expect(c.k3s).toEqual({ enabled: true });
    expect(c["k3s-agent"]).toBeUndefined();
    expect(k3sFile(c).content).toMatchObject({ token: TOKEN_VALUE, "cluster-init": true, "node-ip": "10.0.0.10", disable: ["traefik"] });
    expect(k3sFile(c).content.server).toBeUndefined();
  });

  it("joins other servers to the first one's fixed address, and agents to the API endpoint", () => {
    expect(k3sFile(parse(applied(os.renderNode(joining, localEncoder).content))).content).toMatchObject({ server: "https://10.0.0.10:6443", token: TOKEN_VALUE });
    const a = parse(applied(os.renderNode(agent, localEncoder).content));
    expect(a["k3s-agent"]).toEqual({ enabled: true });
    expect(a.k3s).toBeUndefined();
    expect(k3sFile(a).content).toMatchObject({ server: "https://api.example:6443", token: TOKEN_VALUE, "node-label": ["example.com/pool=general"] });
  });

  it("keeps the token in the 0600 config file only: not in k3s args, env or anywhere else", () => {
    const text = applied(os.renderNode(agent, localEncoder).content);
    const c = parse(text);
    expect(k3sFile(c).permissions).toBe(0o600);
    // The token is only inside the encoded k3s config file.
    expect(text).not.toContain(TOKEN_VALUE);
    expect(k3sFile(c).content.token).toBe(TOKEN_VALUE);
    expect(JSON.stringify(c["k3s-agent"])).not.toContain("applytime-");
  });

  it("installs from the ISO to /dev/vda and reboots; resets the AMI onto the standard image", () => {
    const c = parse(applied(os.renderNode(first, localEncoder).content));
    expect(c.install).toEqual({ device: "/dev/vda", auto: true, reboot: true });
    expect(c.reset).toEqual({ system: { source: "oci:quay.io/kairos/hadron:v0.5.1-standard-amd64-generic-v4.2.0-k3s-v1.36.3-k3s1" } });
  });

  it("applies escape hatches to its builder, after its own content", () => {
    const node = { ...agent, customizers: [(c: unknown) => (c as import("../lib/kairos").KairosConfig).addCommands(KairosStage.BOOT, "echo hi")] };
    expect(parse(applied(os.renderNode(node, localEncoder).content)).stages.boot).toEqual([{ commands: ["echo hi"] }]);
  });
});

describe("Kairos boot profiles", () => {
  const os = Kairos.release();

  it("on AWS: the public AMI by owner, name and architecture, user data only, admin kairos", () => {
    expect(os.bootProfile(AWS_BOOT_PROFILE, spec("n-0"))).toEqual({
      image: { kind: "lookup", owners: [KAIROS_AMI_OWNER], namePattern: "kairos-hadron-v0.5.1-core-amd64-generic-v4.2.0.raw", architecture: Architecture.AMD64 },
      adminUser: "kairos",
      minimums: { memoryMib: 2048, diskGib: 8 },
      metadataProtocol: AwsMetadataProtocol.PLAIN_GET,
      rootDeviceName: "/dev/xvda",
    });
    expect(KAIROS_AMI_OWNER).toBe("171987620676");
  });

  it("on AWS with an AMI id given, that id", () => {
    expect(Kairos.release("v4.2.0", { amis: { amd64: "ami-0123456789abcdef0" } }).bootProfile(AWS_BOOT_PROFILE, spec("n-0")).image).toEqual({ kind: "id", amiId: "ami-0123456789abcdef0", architecture: Architecture.AMD64 });
  });

  it("on libvirt: the standard ISO booted whole, config on a NoCloud disk, BIOS", () => {
    const p = os.bootProfile(LIBVIRT_BOOT_PROFILE, spec("n-0"));
    expect(p.image).toEqual({ kind: "iso", isoUrl: os.artifacts().isoUrl, volumeName: os.artifacts().isoName });
    expect([p.delivery, p.firmware, p.adminUser, p.kernelArgs]).toEqual([{ kind: "nocloud" }, LibvirtFirmware.BIOS, "kairos", undefined]);
  });
});

describe("the Kairos examples' clusters", () => {
  it("kairos-libvirt: each domain boots its disk, then the ISO, with the config on a cloud-init disk", () => {
    const stack = new KairosLibvirtStack(Testing.app(), "kairos-libvirt", { token: ClusterToken.fromVariable() });
    const json = JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    const domains = Object.values(json.resource.libvirt_domain);
    expect(domains).toHaveLength(3);
    for (const d of domains) {
      const os = d.os as { boot_devices?: Array<{ dev: string }>; kernel?: unknown } | undefined;
      expect(os?.boot_devices?.map((b) => b.dev)).toEqual(["hd", "cdrom"]);
      expect(os?.kernel).toBeUndefined();
    }
    expect(Object.keys(json.resource.libvirt_cloudinit_disk)).toHaveLength(3);
    // One ISO volume, downloaded from the release.
    expect(JSON.stringify(json.resource.libvirt_volume)).toContain(Kairos.release().artifacts().isoUrl);
    for (const [, config] of stack.cluster.renderedConfigs) expect(validateKairosConfig(config.content)).toEqual([]);
    // The pool's escape hatch reached the agents' configs only.
    const motd = [...stack.cluster.renderedConfigs].filter(([, c]) => c.content.includes("/etc/motd")).map(([n]) => n);
    expect(motd.sort()).toEqual(stack.cluster.nodes.filter((n) => n.pool === "agents").map((n) => n.name).sort());
  });

  it("kairos-aws: the AMI looked up by Kairos's owner and the release's name", () => {
    const stack = new KairosAwsStack(Testing.app(), "kairos-aws", { provider: offlineAwsProviderConfig(), token: ClusterToken.fromVariable() });
    const json = JSON.parse(Testing.synth(stack)) as { data: Record<string, Record<string, Record<string, unknown>>> };
    const amis = Object.values(json.data.aws_ami);
    expect(amis.length).toBeGreaterThan(0);
    for (const ami of amis) {
      expect(ami.owners).toEqual(["171987620676"]);
      expect(ami.filter).toEqual(expect.arrayContaining([{ name: "name", values: ["kairos-hadron-v0.5.1-core-amd64-generic-v4.2.0.raw"] }]));
    }
    expect(stack.cluster.nodes).toHaveLength(3);
    for (const [, config] of stack.cluster.renderedConfigs) expect(validateKairosConfig(config.content)).toEqual([]);
  });
});
