/**
 * The Fedora CoreOS examples end to end, beyond what test/examples.test.ts checks for every
 * example: the AWS stack through the real terraform and hashicorp/aws 5.100.0 (offline), its
 * AMI lookup by Fedora's owner and stream, every node's delivered config applied by the real
 * Ignition program (`bootNode`, S3-offloaded configs through their stubs), and the libvirt
 * stack's qemu image and fw_cfg key.
 */
import { createHash } from "node:crypto";
import { describe, expect, it, test } from "vitest";
import { Testing } from "../lib/cdktf";
import { ClusterToken } from "../lib/cluster";
import { FCOS_AMI_OWNER, FCOS_FW_CFG_KEY, ZINCATI_DISABLE_PATH, ZINCATI_STRATEGY_PATH } from "../lib/os/fcos";
import { bootNode, ignitionProgramTool, installMatchers, rootPrivilegeTool, synthStack } from "../lib/testing";
import { offlineAwsProviderConfig, terraformTools } from "../lib/testing/terraform";
import { FcosAwsStack } from "../examples/fcos-aws/stack";
import { FcosLibvirtStack } from "../examples/fcos-libvirt/stack";
import { EXAMPLE_FCOS_QEMU_IMAGE, EXAMPLE_K3S_BINARY_SHA256, EXAMPLE_K3S_VERSION } from "../examples/shared";
import { need } from "./helpers/external";
import { checkStack } from "./fixtures/aws/terraform";

installMatchers(expect);

const TOKEN_VAR = { k3s_token: "offline-test-token-0123456789abcdef" };
const BINARY_URL = `https://github.com/k3s-io/k3s/releases/download/${EXAMPLE_K3S_VERSION}/k3s`;

function awsExample(pinnedAmi?: string) {
  const stack = new FcosAwsStack(Testing.app(), "fcos-aws", { provider: offlineAwsProviderConfig(), pinnedAmi, token: ClusterToken.fromVariable({ name: "k3s_token" }) });
  return { stack, json: JSON.parse(Testing.synth(stack)) };
}

describe("examples/fcos-aws through terraform", () => {
  test("with a pinned AMI plans offline", (ctx) => {
    need(ctx, terraformTools());
    const { json } = awsExample("ami-0123456789abcdef0");
    const result = checkStack(json, { plan: true, variables: TOKEN_VAR, standIns: true });
    expect(result.output).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy/);
    expect(result.ok).toBe(true);
  });

  test("looking Fedora CoreOS stable up validates", (ctx) => {
    need(ctx, terraformTools());
    const { json } = awsExample();
    const result = checkStack(json, { plan: false, standIns: true });
    expect(result.output).toMatch(/The configuration is valid/);
    expect(result.ok).toBe(true);
  });

  it("looks the AMI up by Fedora's owner, the stream's description and x86_64", () => {
    const amis = Object.values(awsExample().json.data.aws_ami) as { owners: string[]; most_recent: boolean; filter: { name: string; values: string[] }[] }[];
    expect(amis).toHaveLength(1);
    expect(amis[0].owners).toEqual([FCOS_AMI_OWNER]);
    expect(amis[0].filter).toEqual(expect.arrayContaining([{ name: "description", values: ["Fedora CoreOS stable *"] }, { name: "architecture", values: ["x86_64"] }]));
  });
});

describe("examples/fcos-aws nodes after Ignition's first boot", () => {
  const synth = synthStack(awsExample("ami-0123456789abcdef0").stack);
  const ready = (ctx: Parameters<typeof need>[0]) => {
    need(ctx, ignitionProgramTool());
    need(ctx, rootPrivilegeTool());
  };
  // No contents for the binary: the examples carry a stand-in digest, so it is served as a placeholder without its hash.
  const remoteContents = {};

  it("delivers every node a stub that fetches its config from S3", () => {
    const nodes = synth.nodes();
    expect(nodes.length).toBeGreaterThanOrEqual(4);
    for (const n of nodes) expect(n.kind).toBe("ignition");
  });

  it("the first controller holds the k3s binary, the cluster-init config, the SELinux oneshot and Zincati off", async (ctx) => {
    ready(ctx);
    const tree = await bootNode(synth, "prod-controller-0", { test: ctx, remoteContents });
    expect(tree).toHaveFile("/etc/rancher/k3s/config.yaml", { mode: 0o600, contents: expect.stringContaining("cluster-init: true\n") });
    expect(tree).toHaveFile("/etc/rancher/k3s/config.yaml", { contents: expect.stringContaining("selinux: true\n") });
    expect(tree).toHaveUnit("k3s-selinux.service", { enabled: true });
    expect(tree).toHaveUnit("k3s.service", { enabled: true });
    expect(tree).toHaveFile(ZINCATI_DISABLE_PATH, { contents: "[updates]\nenabled = false\n" });
    expect(tree.stubs.map((s) => s.source)).toContain(BINARY_URL);
  });

  it("a pool worker joins as an agent and reboots for updates only in its window", async (ctx) => {
    ready(ctx);
    const worker = synth.nodes().find((n) => n.name.includes("general"))!;
    const tree = await bootNode(synth, worker.name, { test: ctx, remoteContents });
    expect(tree).toHaveUnit("k3s-agent.service", { enabled: true });
    expect(tree).toHaveFile(ZINCATI_STRATEGY_PATH, { contents: expect.stringContaining('days = [ "Sun" ]\nstart_time = "02:00"\nlength_minutes = 120\n') });
  });
});

describe("examples/fcos-libvirt", () => {
  const stack = new FcosLibvirtStack(Testing.app(), "fcos-libvirt", { token: ClusterToken.fromVariable() });
  const json = JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, Record<string, unknown>>> };
  const synth = synthStack(stack);

  it("bases every disk on the qemu image it was given, and delivers Ignition under opt/com.coreos/config", () => {
    const volumes = Object.values(json.resource.libvirt_volume);
    // The base volume is named for the stream and the image; the provider version decides the
    // attribute that names its source, so the test looks for the path in the resource.
    const digest = createHash("sha256").update(EXAMPLE_FCOS_QEMU_IMAGE).digest("hex").slice(0, 10);
    const base = volumes.filter((v) => String(v.name).startsWith("fcos-"));
    expect(base.map((v) => v.name)).toEqual([`fcos-stable-${digest}-amd64.qcow2`]);
    expect(JSON.stringify(base[0])).toContain(JSON.stringify(EXAMPLE_FCOS_QEMU_IMAGE));
    const domains = Object.values(json.resource.libvirt_domain);
    expect(domains).toHaveLength(3);
    expect(JSON.stringify(json)).toContain(FCOS_FW_CFG_KEY);
    expect(JSON.stringify(json)).not.toContain("opt/org.flatcar-linux/config");
  });

  it("every node applies, with its host name and the admin key for core", async (ctx) => {
    need(ctx, ignitionProgramTool());
    need(ctx, rootPrivilegeTool());
    for (const n of synth.nodes()) {
      const tree = await bootNode(synth, n.name, { test: ctx, });
      expect(tree).toHaveFile("/etc/hostname", { contents: `${n.name}\n` });
      expect(tree.authorizedKeys("core").length).toBe(1);
      expect(tree.file("/usr/local/bin/k3s")?.mode).toBe(0o755);
    }
  });

  it("verifies the k3s download against the example's digest", () => {
    const text = synth.node("lab-controller-0")._resolved.text;
    expect(text).toContain(`"hash":"sha256-${EXAMPLE_K3S_BINARY_SHA256}"`);
  });
});
