/**
 * A cluster of every OS (Flatcar, Fedora CoreOS, k3OS, Kairos) through the testing kit and every
 * node matcher: the kit reads each node with the format its cluster recorded (the format's reader
 * and decoder), so the same assertions hold for each, and each format's own validators run.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { beforeAll, describe, expect, it } from "vitest";
import { TerraformStack, Testing } from "../lib/cdktf";
import { Cluster } from "../lib/cluster";
import type { IOperatingSystem } from "../lib/os/os";
import { IGNITION_FORMAT } from "../lib/ignition";
import { K3OS_FORMAT } from "../lib/k3os";
import { KAIROS_FORMAT } from "../lib/kairos";
import { FedoraCoreOsStream, FedoraCoreOs, K3sFedoraCoreOsInstall } from "../lib/os/fcos";
import { Flatcar, FlatcarChannel } from "../lib/os/flatcar";
import { K3sFlatcarInstall } from "../lib/os/flatcar/k3s";
import { K3os } from "../lib/os/k3os";
import { Kairos } from "../lib/os/kairos";
import { AwsPlatform, SecretsInUserData } from "../lib/platform/aws";
import { LibvirtPlatform } from "../lib/platform/libvirt";
import { installMatchers, NodeDeliveryKind, SynthResult, synthStack } from "../lib/testing";
import { offlineAwsProviderConfig } from "../lib/testing/terraform";
import { AMI, CA_PATH, CA_TEXT, failure, SSH_KEY, SYSEXT_SHA256 } from "./testing-kit-clusters";

installMatchers(expect);

interface OsCase {
  readonly name: string;
  readonly os: () => IOperatingSystem;
  readonly k3sVersion: string;
  /** Adds the CA file to every node of the pool, through the OS's format. */
  readonly addCa: (cluster: Cluster) => void;
  readonly admin: string;
  /** Why the OS has no systemd units, or undefined when it has. */
  readonly noUnits?: RegExp;
  /** A key of the format's own config, and its value on a worker (`os`: the spec version the OS renders). */
  readonly key: readonly [string, unknown];
}

const CASES: readonly OsCase[] = [
  {
    name: "Flatcar",
    os: () => Flatcar.channel(FlatcarChannel.STABLE, { k3sInstall: K3sFlatcarInstall.sysext({ version: "v1.31.4+k3s1", sha256: { amd64: SYSEXT_SHA256 } }) }),
    k3sVersion: "v1.31.4+k3s1",
    addCa: (c) => c.pool("general").config(IGNITION_FORMAT).addFile(CA_PATH, CA_TEXT, { mode: 0o644 }),
    admin: "core",
    key: ["ignition.version", "os"],
  },
  {
    name: "Fedora CoreOS",
    os: () => FedoraCoreOs.stream(FedoraCoreOsStream.STABLE, { k3sInstall: K3sFedoraCoreOsInstall.binary({ version: "v1.31.4+k3s1", sha256: { amd64: "a".repeat(64) } }), qemuImages: { amd64: "/var/lib/libvirt/images/fedora-coreos-qemu.x86_64.qcow2" } }),
    k3sVersion: "v1.31.4+k3s1",
    addCa: (c) => c.pool("general").customize(IGNITION_FORMAT, (config) => config.addFile(CA_PATH, CA_TEXT, { mode: 0o644 })),
    admin: "core",
    key: ["ignition.version", "os"],
  },
  {
    name: "k3OS",
    os: () => K3os.release("v0.22.2-k3s2r0"),
    k3sVersion: "v1.22.2+k3s2",
    addCa: (c) => c.pool("general").customize(K3OS_FORMAT, (config) => config.addFile({ path: CA_PATH, content: CA_TEXT, permissions: 0o644 })),
    admin: "rancher",
    noUnits: /is a k3OS node: k3OS runs OpenRC, there are no systemd units \(unit k3s-agent\.service\)$/,
    key: ["k3os.server_url", "https://10.17.3.10:6443"],
  },
  {
    name: "Kairos",
    os: () => Kairos.release("v4.2.0"),
    k3sVersion: "v1.36.3+k3s1",
    addCa: (c) => c.pool("general").customize(KAIROS_FORMAT, (config) => config.addFile({ path: CA_PATH, content: CA_TEXT, permissions: 0o644 })),
    admin: "kairos",
    key: ["k3s-agent.enabled", true],
  },
];

function build(c: OsCase): SynthResult {
  const stack = new TerraformStack(Testing.app(), "kit");
  const cluster = new Cluster(stack, "demo", {
    os: c.os(),
    platform: LibvirtPlatform.local(),
    controllers: { count: 3 },
    pools: [{ name: "general", count: 2 }],
    kubernetes: { k3sVersion: c.k3sVersion },
    sshKeys: [SSH_KEY],
  });
  c.addCa(cluster);
  return synthStack(stack);
}

for (const c of CASES) {
  describe(`${c.name} through the kit`, () => {
    let synth: SynthResult;
    beforeAll(() => {
      synth = build(c);
    });
    const workers = () => synth.nodes().filter((n) => n.name.startsWith("demo-general-"));
    const controllers = () => synth.nodes().filter((n) => n.name.startsWith("demo-controller-"));

    it("reads every node with the format its cluster recorded", () => {
      expect(synth.nodes().map((n) => n.name)).toEqual(["demo-controller-0", "demo-controller-1", "demo-controller-2", "demo-general-0", "demo-general-1"]);
      const format = c.os().configFormat;
      for (const n of synth.nodes()) expect([n.format, n.kind]).toEqual([format, format.name]);
    });

    it("toHaveFile: the pool's CA file, as the escape hatch wrote it, on workers only", () => {
      expect(workers()).toHaveFile(CA_PATH, { contents: CA_TEXT, mode: 0o644 });
      expect(controllers()).not.toHaveFile(CA_PATH);
    });

    it("toHaveUser: the OS's admin user with the cluster's key", () => {
      expect(synth).toHaveUser(c.admin, { sshKey: SSH_KEY });
    });

    it("toHaveUnit: the k3s agent's unit on workers, or why the OS has none", () => {
      if (c.noUnits) {
        expect(failure(() => expect(workers()[0]).toHaveUnit("k3s-agent.service"))).toMatch(c.noUnits);
        expect(workers()[0].unitsAbsent).toBeDefined();
      } else {
        expect(workers()).toHaveUnit("k3s-agent.service", { enabled: true });
        expect(controllers()).toHaveUnit("k3s.service", { enabled: true });
        expect(workers()).not.toHaveUnit("k3s.service");
      }
    });

    it("toHaveConfigKey: a key of the format's own config", () => {
      const [key, value] = c.key;
      const expected = value === "os" ? (c.os() as unknown as { ignitionVersion: string }).ignitionVersion : c.name === "k3OS" ? expect.stringMatching(/^https:\/\/10\.\d+\.\d+\.\d+:6443$/) : value;
      expect(expected).toBeDefined();
      expect(synth.node("demo-general-0")).toHaveConfigKey(key, expected);
    });

    it("k3s settings: the role, the server each node joins and the token, wherever the OS keeps them", () => {
      const first = synth.node("demo-controller-0").k3s!;
      expect(first.role).toBe("server");
      expect(first.config.server).toBeUndefined();
      expect(first.config.token).toMatch(/^<apply-time: /);
      const address = synth.node("demo-controller-0").k3s!.config["node-ip"] ?? synth.node("demo-controller-0").k3s!.config["advertise-address"];
      for (const joining of ["demo-controller-1", "demo-controller-2"]) {
        expect(synth.node(joining).k3s).toMatchObject({ role: "server", config: { token: expect.stringMatching(/<apply-time: /) } });
        expect(String(synth.node(joining).k3s!.config.server)).toMatch(/^https:\/\/10\.\d+\.\d+\.\d+:6443$/);
        if (address !== undefined) expect(synth.node(joining).k3s!.config.server).toBe(`https://${String(address)}:6443`);
      }
      for (const w of workers()) {
        expect(w.k3s?.role).toBe("agent");
        expect(String(w.k3s?.config.server)).toMatch(/:6443$/);
      }
    });

    it("toPassValidators: every node passes its own format's validators", () => {
      expect(synth).toPassValidators();
    });

    it("toHaveResourceWithProperties: a machine per node", () => {
      expect(synth).toHaveResourceWithProperties("libvirt_domain", { name: "demo-general-1" });
    });

    it("without the cluster's records (a hand-built stack), reads each node in its own format, not the first loaded one whose reader takes the text", () => {
      // k3OS reads any YAML mapping, so a Kairos #cloud-config parses as k3OS too: the kit picks the
      // format whose own checks the config passes.
      const { output: _records, ...json } = synth.json as Record<string, unknown>;
      const bare = SynthResult.fromJson(json);
      const format = c.os().configFormat;
      expect(bare.nodes().map((n) => [n.name, n.kind])).toEqual(synth.nodes().map((n) => [n.name, format.name]));
      expect(bare.node("demo-general-0")).toHaveFile(CA_PATH, { contents: CA_TEXT, mode: 0o644 });
      expect(bare).toPassValidators();
    });
  });
}

describe("an AWS pool in an autoscaling group", () => {
  it("is one node named after its pool, one machine or several (docs/testing.md)", () => {
    for (const count of [1, 2]) {
      const stack = new TerraformStack(Testing.app(), "kit");
      new AwsProvider(stack, "aws", offlineAwsProviderConfig());
      new Cluster(stack, "demo", {
        os: K3os.release("v0.22.2-k3s2r0", { amis: { amd64: AMI } }),
        platform: AwsPlatform.newVpc({ cidr: "10.1.0.0/16", zones: ["eu-central-1a", "eu-central-1b"], secretsInUserData: SecretsInUserData.ALLOW }),
        controllers: { count: 1, size: "t3.medium" },
        pools: [{ name: "general", count, size: "t3.large" }],
        kubernetes: {},
        sshKeys: [SSH_KEY],
      });
      const synth = synthStack(stack);
      expect(synth.nodes().map((n) => [n.name, n.pool, n.delivery.kind])).toEqual([
        ["demo-controller-0", undefined, NodeDeliveryKind.USER_DATA],
        ["general", "general", NodeDeliveryKind.LAUNCH_TEMPLATE],
      ]);
    }
  });
});
