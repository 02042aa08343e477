import { afterEach, describe, expect, it, vi } from "vitest";
import { WorkerPlacement } from "../lib/platform/aws";
import { bootNode, FirstBootTree, ignitionProgramTool, installMatchers, rootPrivilegeTool, StubKind, SynthResult, synthStack } from "../lib/testing";
import { oversize } from "./fixtures/aws/scenarios";
import { need } from "./helpers/external";
import { CA_PATH, CA_TEXT, failure, flatcarAws, flatcarLibvirt, k3osLibvirt, SSH_KEY, SYSEXT_BYTES, SYSEXT_URL } from "./testing-kit-clusters";

installMatchers(expect);

// bootNode applies a node's delivered Ignition with the real Ignition program (Debian's package),
// as root. These tests need both: in CI they fail without them, elsewhere they skip.

const fl = synthStack(flatcarLibvirt().stack);
const fa = synthStack(flatcarAws(WorkerPlacement.INSTANCES).stack);
const REMOTE = { [SYSEXT_URL]: SYSEXT_BYTES };

function ready(ctx: Parameters<typeof need>[0]): void {
  need(ctx, ignitionProgramTool());
  need(ctx, rootPrivilegeTool());
}

describe("bootNode on Flatcar and libvirt", () => {
  it("returns the root a worker holds after Ignition: host name, CA file, k3s config for root only", async (ctx) => {
    ready(ctx);
    const tree = await bootNode(fl, "demo-general-0", { test: ctx, remoteContents: REMOTE });
    expect(tree).toBeInstanceOf(FirstBootTree);
    expect(tree).toHaveFile("/etc/hostname", { contents: "demo-general-0\n" });
    expect(tree).toHaveFile(CA_PATH, { contents: CA_TEXT, mode: 0o644, user: "root" });
    expect(tree).toHaveFile("/etc/rancher/k3s/config.yaml", { mode: 0o600, contents: expect.stringContaining("token: |-\n  <apply-time: random_password.demo_ClusterToken_6F8241A7.result>\n") });
  });

  it("enables the k3s agent and authorizes the admin key for core", async (ctx) => {
    ready(ctx);
    const tree = await bootNode(fl, "demo-general-0", { test: ctx, remoteContents: REMOTE });
    expect(tree).toHaveUnit("k3s-agent.service", { enabled: true });
    expect(tree).toHaveUser("core", { sshKey: SSH_KEY });
    expect(tree.link("/etc/extensions/k3s.raw")).toMatchObject({ resolves: true });
    expect(tree.file("/opt/extensions/k3s/k3s-v1.36.4+k3s1-x86-64.raw")?.text).toBe(SYSEXT_BYTES);
  });

  it("reports the download it served from remoteContents, its hash checked", async (ctx) => {
    ready(ctx);
    const tree = await bootNode(fl, "demo-controller-0", { test: ctx, remoteContents: REMOTE });
    expect(tree.stubs).toEqual([{ kind: StubKind.FILE, path: "/opt/extensions/k3s/k3s-v1.36.4+k3s1-x86-64.raw", source: SYSEXT_URL, replacement: "provided" }]);
  });

  it("serves a placeholder for a download without contents, and says so", async (ctx) => {
    ready(ctx);
    const tree = await bootNode(fl, "demo-controller-0", { test: ctx });
    expect(tree.stubs.map((s) => s.replacement)).toEqual(["placeholder"]);
  });

  it("fills in given apply-time values", async (ctx) => {
    ready(ctx);
    const tree = await bootNode(fl, "demo-general-1", { test: ctx, applyTimeValues: { "random_password.demo_ClusterToken_6F8241A7.result": "s3cret" } });
    expect(tree).toHaveFile("/etc/rancher/k3s/config.yaml", { contents: expect.stringContaining("token: |-\n  s3cret\n") });
  });

  it("synthesizes a stack given instead of a synth result", async (ctx) => {
    ready(ctx);
    const tree = await bootNode(flatcarLibvirt().stack, "demo-controller-1", { test: ctx, remoteContents: REMOTE });
    expect(tree.node.name).toBe("demo-controller-1");
    expect(tree).toHaveUnit("k3s.service", { enabled: true });
  });
});

describe("bootNode on Flatcar and AWS", () => {
  it("applies an instance's user data with the variable token as a placeholder", async (ctx) => {
    ready(ctx);
    const tree = await bootNode(fa, "demo-general-0", { test: ctx, remoteContents: REMOTE });
    expect(tree).toHaveFile("/etc/rancher/k3s/config.yaml", { contents: expect.stringContaining("<apply-time: var.demo_ClusterToken_6F8241A7>") });
  });

  it("follows an S3 stub to the object's content, its sha512 checked by Ignition", async (ctx) => {
    ready(ctx);
    const tree = await bootNode(fa, "demo-controller-0", { test: ctx, remoteContents: REMOTE });
    expect(tree.stubs[0]).toMatchObject({ kind: StubKind.CONFIG_REPLACE, replacement: "provided" });
    expect(tree).toHaveFile("/etc/hostname", { contents: "demo-controller-0\n" });
    expect(tree.file("/opt/padding.txt")?.size).toBe(20_000);
  });

  it("applies a pool's launch template whose config is in S3", async (ctx) => {
    ready(ctx);
    const tree = await bootNode(SynthResult.fromJson(oversize.build().json as unknown as Record<string, unknown>), "large", { test: ctx });
    expect(tree.describe()).toBe("booted pool large");
    expect(tree.file("/opt/padding.txt")?.size).toBe(24_000);
  });
});

describe("every Flatcar node of the kit's clusters", () => {
  // libvirt and AWS.
  const stacks = { libvirt: fl, aws: fa };
  const all = Object.entries(stacks).flatMap(([platform, s]) => s.nodes().map((n) => [platform as keyof typeof stacks, n.name] as const));
  it.for(all)("%s %s boots with its host name, k3s config and core's key", async ([platform, name], ctx) => {
    ready(ctx);
    const tree = await bootNode(stacks[platform], name, { test: ctx, remoteContents: REMOTE });
    expect(tree).toHaveFile("/etc/hostname", { contents: `${name}\n` });
    expect(tree).toHaveFile("/etc/rancher/k3s/config.yaml", { mode: 0o600, user: "root" });
    expect(tree).toHaveUser("core", { sshKey: SSH_KEY });
    expect(tree).toHaveUnit(name.includes("-controller-") ? "k3s.service" : "k3s-agent.service", { enabled: true });
  });
});

describe("bootNode's matchers and errors", () => {
  it("fail with the booted node's name, the path and the difference", async (ctx) => {
    ready(ctx);
    const tree = await bootNode(fl, "demo-general-0", { test: ctx, remoteContents: REMOTE });
    expect(failure(() => expect(tree).toHaveFile("/etc/hostname", { contents: "other\n" }))).toBe(
      'booted node demo-general-0: file /etc/hostname: contents differ\n  - expected line 1: "other"\n  + actual   line 1: "demo-general-0"',
    );
    expect(failure(() => expect(tree).toHaveFile("/etc/extensions/k3s.raw"))).toMatch(/^booted node demo-general-0: \/etc\/extensions\/k3s\.raw is a link to \/opt\/extensions/);
    expect(failure(() => expect(tree).toHaveUnit("k3s.service"))).toMatch(/^booted node demo-general-0: has no unit k3s\.service after first boot; units: /);
    expect(failure(() => expect(tree).toHaveUser("core", { sshKey: "ssh-ed25519 AAAAother x" }))).toMatch(/^booted node demo-general-0: user core: no authorized key matches\n/);
    expect(failure(() => expect(tree).toHaveFile(CA_PATH, { user: "core" }))).toMatch(/: file \/etc\/ssl\/certs\/example-ca\.pem: owner differs\n {2}- expected: "core"\n {2}\+ actual: {3}"root"$/);
  });

  it("refuses a k3OS node: only Ignition is simulated", async () => {
    await expect(bootNode(synthStack(k3osLibvirt().stack), "demo-general-0")).rejects.toThrow(
      /node demo-general-0 \(libvirt_cloudinit_disk\..*\) is a k3OS node; the first-boot simulation applies Ignition \(Flatcar\) configs only/,
    );
  });

  it("refuses a node name the stack does not have", async () => {
    await expect(bootNode(fl, "nope")).rejects.toThrow('the stack has no node called "nope"');
  });

  it("fails with Ignition's own message when Ignition refuses the config", async (ctx) => {
    ready(ctx);
    const json = JSON.parse(fl.text);
    const ign = Object.keys(json.resource.libvirt_ignition).find((k) => k.includes("demo-general-0"))!;
    // Two entries for one path: Ignition refuses duplicates (coreos/ignition config/v3_3 validation).
    json.resource.libvirt_ignition[ign].content = json.resource.libvirt_ignition[ign].content.replace(
      '"files":[',
      '"files":[{"path":"/etc/hostname","contents":{"source":"data:,a"}},',
    );
    await expect(bootNode(SynthResult.fromJson(json), "demo-general-0", { test: ctx })).rejects.toThrow(/^node demo-general-0 \(.*\): Ignition refused its config.*\n.*duplicate/is);
  });
});

describe("bootNode without what it needs (here: not root)", () => {
  const ci = process.env.CI;
  afterEach(() => {
    vi.restoreAllMocks();
    if (ci === undefined) delete process.env.CI;
    else process.env.CI = ci;
  });

  it("skips the test given, saying why and what to do", async () => {
    vi.spyOn(process, "getuid").mockReturnValue(1000);
    delete process.env.CI;
    const notes: string[] = [];
    const test = { skip: (note?: string) => void notes.push(note ?? "") };
    await expect(bootNode(fl, "demo-general-0", { test })).rejects.toThrow(/root privileges not available/);
    expect(notes).toEqual([expect.stringMatching(/^bootNode\(demo-general-0\): root privileges not available: the first-boot simulation must run as root.*run the tests as root/)]);
  });

  it("fails in CI instead of skipping", async () => {
    vi.spyOn(process, "getuid").mockReturnValue(1000);
    process.env.CI = "true";
    const notes: string[] = [];
    await expect(bootNode(fl, "demo-general-0", { test: { skip: (n?: string) => void notes.push(n ?? "") } })).rejects.toThrow(/root privileges not available.*\(CI requires every external validator\)$/);
    expect(notes).toEqual([]);
  });
});
