/**
 * The open core (issue 12): machines exist when the Cluster's constructor returns, values from
 * another stack reach node configs, escape hatches that share a helper merge, and the platforms
 * and the cluster name no operating system.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { describe, expect, it } from "vitest";
import { App, TerraformStack, TerraformVariable, Testing } from "../lib/cdktf";
import { Cluster, ClusterToken } from "../lib/cluster";
import { IGNITION_FORMAT, IgnitionConfig } from "../lib/ignition";
import { addSysext } from "../lib/os/flatcar";
import { Flatcar, FlatcarChannel } from "../lib/os/flatcar";
import { K3sFlatcarInstall } from "../lib/os/flatcar/k3s";
import { K3os } from "../lib/os/k3os";
import type { IOperatingSystem } from "../lib/os/os";
import { AWS_BOOT_PROFILE } from "../lib/platform/aws/profile";
import { type AwsClusterBinding, AwsImagePolicy, AwsPlatform } from "../lib/platform/aws";
import { type LibvirtClusterBinding, LibvirtPlatform } from "../lib/platform/libvirt";
import type { IPlatform } from "../lib/platform/platform";
import { offlineAwsProviderConfig, terraformTools, terraformValidateAndPlan } from "../lib/testing/terraform";
import { need } from "./helpers/external";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKHK8xoKlKLQ54xj4Vigb2AI3INPq8NYHVxVzywoMHxF admin@example";
const VERSION = "v1.36.4+k3s1";
const flatcar = () => Flatcar.channel(FlatcarChannel.STABLE, { k3sInstall: K3sFlatcarInstall.sysext({ version: VERSION, sha256: { amd64: "a".repeat(64) } }) });

type Json = { resource?: Record<string, Record<string, Record<string, unknown>>>; data?: Record<string, Record<string, unknown>>; output?: Record<string, unknown> };

/** Synthesizes a whole app as `cdktf synth` does (cross-stack references are wired there) and reads each stack. */
function synthApp(build: (app: App) => void): Record<string, Json> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "microos-app-"));
  try {
    const app = new App({ outdir });
    build(app);
    app.synth();
    const stacks = fs.readdirSync(path.join(outdir, "stacks"));
    return Object.fromEntries(stacks.map((s) => [s, JSON.parse(fs.readFileSync(path.join(outdir, "stacks", s, "cdk.tf.json"), "utf8")) as Json]));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

describe("machines at construction", () => {
  it("every machine exists when the constructor returns, with typed handles per platform", () => {
    const stack = new TerraformStack(Testing.app(), "t");
    const cluster = new Cluster(stack, "lab", {
      os: flatcar(),
      platform: LibvirtPlatform.local(),
      controllers: { count: 1, size: "2x4096" },
      pools: [{ name: "general", count: 2, size: "2x2048" }],
      kubernetes: {},
      sshKeys: [KEY],
    });
    // No downcast: the binding's type comes from the platform.
    const binding: LibvirtClusterBinding = cluster.platform;
    expect([...cluster.machines.keys()]).toEqual(["lab-controller-0", "lab-general-0", "lab-general-1"]);
    expect(binding.machine("lab-general-1").address).toBe(binding.addressOf("lab-general-1"));
    expect(binding.machine("lab-general-1").domain.terraformResourceType).toBe("libvirt_domain");
    expect(binding.machine("lab-general-1").node.path).toBe("t/lab/Libvirt/Machine-lab-general-1");
  });

  it("AWS machines carry their IAM role, so policies can be granted to it", () => {
    const stack = new TerraformStack(Testing.app(), "t");
    new AwsProvider(stack, "aws", offlineAwsProviderConfig());
    const cluster = new Cluster(stack, "prod", {
      os: flatcar(),
      platform: AwsPlatform.newVpc({ cidr: "10.0.0.0/16", zones: ["eu-central-1a"], imagePolicy: AwsImagePolicy.pin({ amd64: "ami-0123456789abcdef0" }) }),
      controllers: { count: 1, size: "t3.medium" },
      pools: [{ name: "general", count: 2, size: "t3.medium" }],
      kubernetes: { token: ClusterToken.fromVariable() },
    });
    const binding: AwsClusterBinding = cluster.platform;
    expect(binding.machine("prod-controller-0").address).toBe("10.0.128.10");
    expect(binding.machine("prod-controller-0").instance?.instance.terraformResourceType).toBe("aws_instance");
    // Autoscaled workers share their pool's group and role.
    expect(binding.machine("prod-general-0").pool).toBe(binding.machine("prod-general-1").pool);
    expect(binding.machine("prod-general-0").identity.role.name).toBeDefined();
  });

  it("escape hatches added after construction reach the configs; renderedConfigs shows them before synth", () => {
    const stack = new TerraformStack(Testing.app(), "t");
    const cluster = new Cluster(stack, "lab", { os: flatcar(), platform: LibvirtPlatform.local(), pools: [{ name: "general", count: 1 }], kubernetes: {}, sshKeys: [KEY] });
    cluster.pool("general").config(IGNITION_FORMAT).addFile("/etc/late", "added after construction\n");
    expect(cluster.renderedConfigs.get("lab-general-0")!.content).toContain("/etc/late");
    const json = JSON.parse(Testing.synth(stack)) as Json;
    const ignitions = Object.values(json.resource!.libvirt_ignition);
    expect(ignitions.filter((i) => String(i.content).includes("/etc/late"))).toHaveLength(1);
  });

  it("an OS refuses a platform it has no boot profile for, at the Cluster's call", () => {
    const stack = new TerraformStack(Testing.app(), "t");
    const base = flatcar();
    // An OS that supports AWS only, its other parts Flatcar's.
    const noLibvirt: IOperatingSystem = {
      name: "Nowhere OS",
      configFormat: base.configFormat,
      k3sVersion: base.k3sVersion,
      renderNode: (node, encoder) => base.renderNode(node, encoder),
      supportsPlatform: (key) => key === AWS_BOOT_PROFILE,
      bootProfile: (key, spec) => base.bootProfile(key, spec),
    };
    expect(() => new Cluster(stack, "lab", { os: noLibvirt, platform: LibvirtPlatform.local() })).toThrow(
      "t/lab: platform: Nowhere OS has no boot profile for libvirt. Fix: pick a platform the OS supports, or another OS",
    );
  });
});

describe("values from another stack", () => {
  // cdktf wires cross-stack references in App.synth() before it runs aspects: resources made in an
  // aspect used to miss that wiring and referenced a resource of the other stack directly.
  const build = (platform: "aws" | "libvirt") =>
    synthApp((app) => {
      const secrets = new TerraformStack(app, "secrets");
      new AwsProvider(secrets, "aws", offlineAwsProviderConfig());
      const value = new TerraformVariable(secrets, "k3s_token", { type: "string", sensitive: true });
      const parameter = new SsmParameter(secrets, "token", { name: "/prod/k3s-token", type: "SecureString", value: value.stringValue });
      const nodes = new TerraformStack(app, "nodes");
      if (platform === "aws") new AwsProvider(nodes, "aws", offlineAwsProviderConfig());
      new Cluster(nodes, "prod", {
        os: flatcar(),
        platform: (platform === "aws"
            ? AwsPlatform.newVpc({ cidr: "10.0.0.0/16", zones: ["eu-central-1a"], imagePolicy: AwsImagePolicy.pin({ amd64: "ami-0123456789abcdef0" }) })
            : LibvirtPlatform.local()) as IPlatform,
        controllers: { count: 1, size: platform === "aws" ? "t3.medium" : "2x4096" },
        kubernetes: { token: ClusterToken.fromSecretValue(parameter.value) },
      });
    });

  for (const platform of ["aws", "libvirt"] as const) {
    it(`on ${platform}: the token's stack gets an output and the cluster's stack reads it through remote state`, () => {
      const stacks = build(platform);
      expect(Object.keys(stacks.secrets.output ?? {}).length).toBeGreaterThan(0);
      expect(Object.keys(stacks.nodes.data?.terraform_remote_state ?? {})).toHaveLength(1);
      const text = JSON.stringify(stacks.nodes);
      expect(text).toContain("data.terraform_remote_state.");
      expect(text).not.toMatch(/\$\{aws_ssm_parameter\./);
    });
  }

  it("both stacks pass terraform validate", (ctx) => {
    need(ctx, terraformTools());
    const stacks = build("aws");
    for (const [name, json] of Object.entries(stacks)) {
      // Stand-ins for the tls resources of the default CAs: hashicorp/tls is not in the offline mirror.
      const result = terraformValidateAndPlan(json, { plan: false, standIns: true });
      expect(result.ok, `${name}: ${result.output}`).toBe(true);
    }
  });
});

describe("escape hatches that share a helper", () => {
  it("a pool hatch and a node hatch that each add a sysext with updates merge (the shared timer once)", () => {
    const stack = new TerraformStack(Testing.app(), "t");
    const cluster = new Cluster(stack, "lab", { os: flatcar(), platform: LibvirtPlatform.local(), pools: [{ name: "general", count: 2 }], kubernetes: {}, sshKeys: [KEY] });
    const sysext = (config: IgnitionConfig, name: string) =>
      addSysext(config, {
        name,
        url: `https://example.org/${name}.raw`,
        hash: { algorithm: "sha256", hex: "b".repeat(64) },
        sysupdate: { configUrl: `https://example.org/${name}.conf`, configHash: { algorithm: "sha256", hex: "c".repeat(64) } },
      });
    sysext(cluster.pool("general").config(IGNITION_FORMAT), "tools");
    sysext(cluster.pool("general").nodeConfig("lab-general-1", IGNITION_FORMAT), "gpu");
    const spec = JSON.parse(cluster.renderedConfigs.get("lab-general-1")!.content);
    const timers = spec.systemd.units.filter((u: { name: string }) => u.name === "systemd-sysupdate.timer");
    expect(timers).toEqual([{ name: "systemd-sysupdate.timer", enabled: true }]);
    const service = spec.systemd.units.find((u: { name: string }) => u.name === "systemd-sysupdate.service");
    expect(service.dropins.map((d: { name: string }) => d.name).sort()).toEqual(["gpu.conf", "sysext.conf", "tools.conf"]);
  });

  it("two configs that hold one shared part merge into one; a clash outside it is still refused", () => {
    const a = new IgnitionConfig({ name: "a" }).addShared("timer", (p) => p.addUnit("x.timer", { enabled: true }));
    const b = new IgnitionConfig({ name: "b" }).addShared("timer", (p) => p.addUnit("x.timer", { enabled: true }));
    expect(a.merge(b).toSpec().systemd?.units).toEqual([{ name: "x.timer", enabled: true }]);
    const c = new IgnitionConfig({ name: "c" }).addUnit("x.timer", { enabled: true });
    expect(() => new IgnitionConfig({ name: "d" }).addUnit("x.timer", { enabled: true }).merge(c)).toThrow(/the unit is defined in both d and c/);
  });
});

describe("the layers", () => {
  /** The code of a file without its comments, so a comment may name an OS where it explains a fact. */
  const code = (file: string) =>
    fs
      .readFileSync(file, "utf8")
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
  const filesUnder = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));

  it("platforms and the cluster name no operating system in their code", () => {
    const offenders = [...filesUnder("lib/platform"), ...filesUnder("lib/cluster"), "lib/os/os.ts", "lib/core/format.ts", "lib/core/profile.ts"]
      .filter((f) => !f.endsWith("/README.md"))
      .flatMap((f) => code(f).split("\n").filter((line) => /flatcar|k3os|coreos|kairos/i.test(line)).map((line) => `${f}: ${line.trim()}`));
    expect(offenders).toEqual([]);
  });

  it("an OS never imports the framework or a platform's resources", () => {
    const offenders = filesUnder("lib/os").flatMap((f) =>
      code(f)
        .split("\n")
        .filter((line) => /from "(cdktf|constructs|@cdktf\/|[./]+cdktf"|.*platform\/(aws|libvirt)\/(?!profile")[a-z-]+")/.test(line))
        .map((line) => `${f}: ${line.trim()}`),
    );
    expect(offenders).toEqual([]);
  });

  it("k3OS clusters are refused Ignition hatches at the call, and the OS refuses to run without k3s", () => {
    const stack = new TerraformStack(Testing.app(), "t");
    const cluster = new Cluster(stack, "k", { os: K3os.release(), platform: LibvirtPlatform.local(), kubernetes: {} });
    expect(() => cluster.pool("controllers").config(IGNITION_FORMAT)).toThrow("t/k: pool(controllers).config(ignition): k3OS reads k3OS config.yaml, not Ignition JSON. Fix: use the escape hatch for k3OS config.yaml");
    expect(() => new Cluster(new TerraformStack(Testing.app(), "u"), "k", { os: K3os.release(), platform: LibvirtPlatform.local() })).toThrow(/k3s: k3OS always runs k3s, but the node has no k3s settings/);
  });
});

describe("the testing kit reads deliveries as the cluster records them", () => {
  const build = () => {
    const stack = new TerraformStack(Testing.app(), "t");
    new Cluster(stack, "lab", { os: flatcar(), platform: LibvirtPlatform.local(), pools: [{ name: "general", count: 1 }], kubernetes: {}, sshKeys: [KEY] });
    return JSON.parse(Testing.synth(stack)) as Json & { output: Record<string, { value: Record<string, { config: Record<string, string> }> }> };
  };

  it("the nodes output names each node's config format, resource and attribute", () => {
    const json = build();
    const nodes = Object.values(json.output).find((o) => o.value["lab-general-0"])!.value;
    expect(nodes["lab-general-0"].config).toEqual({ format: "ignition", resource: expect.stringMatching(/^libvirt_ignition\.lab_Libvirt_Machine-lab-general-0_Ignition_/), attribute: "content", encoding: "text" });
  });

  it("the kit decodes by the recorded format, not by guessing from the text", async () => {
    const { SynthResult } = await import("../lib/testing");
    const json = build();
    expect(SynthResult.fromJson(json).node("lab-general-0").kind).toBe("ignition");
    // A record that says another format is believed: the kit does not sniff the text.
    for (const o of Object.values(json.output)) if (typeof o.value === "object") for (const n of Object.values(o.value)) if (n.config) n.config.format = "k3os";
    expect(SynthResult.fromJson(json).nodes().map((n) => n.kind)).toEqual(["k3os", "k3os"]);
  });
});
