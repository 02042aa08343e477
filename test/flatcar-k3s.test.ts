import { createHash } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { type Encoder, localEncoder } from "../lib/core/deferred";
import { MicroOsError } from "../lib/core/errors";
import { Architecture, NodeRole } from "../lib/core/node";
import type { IgnitionSpec } from "../lib/ignition";
import { K3sFlatcarInstall } from "../lib/os/flatcar/k3s";
import { type K3sNodeProps, K3sRole } from "../lib/k3s/node";
import { Flatcar, FlatcarChannel } from "../lib/os/flatcar";
import type { NodeBootstrap } from "../lib/os/os";
import { bootIgnition, ignitionProgramTool, rootPrivilegeTool } from "../lib/testing/firstboot";
import { need } from "./helpers/external";
import { fileText, SSH_KEY } from "./fixtures/flatcar/inspect";
import { allProblems, ignitionValidateTool, schemaErrors, validatedCount } from "./fixtures/flatcar/validate";

const tool = ignitionValidateTool();
afterAll(() => {
  console.log(`flatcar-k3s: ignition-validate checked ${validatedCount} configs`);
});

const VERSION = "v1.36.4+k3s1";
const IMAGE_BYTES = "stand-in for the k3s sysext image\n";
const SHA = createHash("sha256").update(IMAGE_BYTES).digest("hex");
const IMAGE_URL = `https://extensions.flatcar.org/extensions/k3s-${VERSION}-x86-64.raw`;
const install = K3sFlatcarInstall.sysext({ version: VERSION, sha256: { amd64: SHA, arm64: SHA } });

function k3sNode(role: NodeRole, name: string, k3s: K3sNodeProps, arch = Architecture.AMD64): NodeBootstrap {
  return { spec: { name, role, pool: role === NodeRole.CONTROLLER ? "controllers" : "general", architecture: arch }, hostname: name, sshKeys: [SSH_KEY], k3s };
}

const first = k3sNode(NodeRole.CONTROLLER, "controller-0", { role: K3sRole.CLUSTER_INIT, token: "s3cret-cluster-token", version: VERSION, tlsSans: ["api.example.com"] });
const agent = k3sNode(NodeRole.WORKER, "worker-0", { role: K3sRole.AGENT, token: "s3cret-cluster-token", version: VERSION, serverUrl: "https://10.0.1.10:6443" }, Architecture.ARM64);

const specOf = (os: Flatcar, n: NodeBootstrap, encoder: Encoder = localEncoder): IgnitionSpec => JSON.parse(os.renderNode(n, encoder).content) as IgnitionSpec;

describe("k3s on Flatcar", () => {
  const os = Flatcar.channel(FlatcarChannel.STABLE, { k3sInstall: install });

  it("writes the k3s config file with the token, readable by root only", () => {
    const spec = specOf(os, first);
    expect(fileText(spec, "/etc/rancher/k3s/config.yaml")).toContain("s3cret-cluster-token");
    expect(spec.storage?.files?.find((f) => f.path === "/etc/rancher/k3s/config.yaml")?.mode).toBe(0o600);
  });

  it("activates the k3s sysext and enables the server unit on the first controller", () => {
    const links = specOf(os, first).storage?.links ?? [];
    expect(links.map((l) => l.path)).toEqual(["/etc/extensions/k3s.raw", "/etc/systemd/system/multi-user.target.wants/k3s.service"]);
  });

  it("picks the arm64 image and the agent unit for an arm64 worker", () => {
    const spec = specOf(os, agent);
    expect(spec.storage?.files?.map((f) => f.contents?.source)).toContain(`https://extensions.flatcar.org/extensions/k3s-${VERSION}-arm64.raw`);
    expect(spec.storage?.links?.map((l) => l.path)).toContain("/etc/systemd/system/multi-user.target.wants/k3s-agent.service");
  });

  it("hands an apply-time token to the encoder instead of encoding it", () => {
    const seen: string[] = [];
    const terraformLike: Encoder = {
      ...localEncoder,
      base64: (t) => {
        seen.push(t);
        return "${base64encode(...)}";
      },
    };
    const n = { ...first, k3s: { ...first.k3s!, token: "${TfToken[TOKEN.7]}" } };
    const content = os.renderNode(n, terraformLike).content;
    expect(seen.some((t) => t.includes("${TfToken[TOKEN.7]}"))).toBe(true);
    expect(content).toContain("data:;base64,${base64encode(...)}");
  });

  it("renders k3s nodes that pass the JSON schema", () => {
    expect(schemaErrors(os.renderNode(first, localEncoder).content)).toEqual([]);
    expect(schemaErrors(os.renderNode(agent, localEncoder).content)).toEqual([]);
  });

  it("renders k3s nodes that pass the schema, our semantic checks and ignition-validate", (ctx) => {
    need(ctx, tool);
    for (const n of [first, agent]) {
      expect(allProblems(os.renderNode(n, localEncoder).content)).toEqual([]);
    }
  });

  it("boots a first controller whose k3s image, config and unit link land where the sysext expects", async (ctx) => {
    need(ctx, ignitionProgramTool());
    need(ctx, rootPrivilegeTool());
    const r = await bootIgnition(os.renderNode(first, localEncoder).content, { stubRemote: true, remoteContents: { [IMAGE_URL]: IMAGE_BYTES } });
    if (!r.ok) throw new Error(r.error);
    expect(r.tree.file(`/opt/extensions/k3s/k3s-${VERSION}-x86-64.raw`)?.text).toBe(IMAGE_BYTES);
    expect(r.tree.link("/etc/extensions/k3s.raw")?.resolves).toBe(true);
    expect(r.tree.file("/etc/rancher/k3s/config.yaml")?.mode).toBe(0o600);
    expect(r.tree.link("/etc/systemd/system/multi-user.target.wants/k3s.service")?.target).toBe("/usr/local/lib/systemd/system/k3s.service");
  });
});

describe("k3s settings Flatcar refuses", () => {
  it("refuses a k3s node when no install method is given", () => {
    const os = Flatcar.channel(FlatcarChannel.STABLE);
    let thrown: unknown;
    try {
      os.renderNode(first, localEncoder);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(MicroOsError);
    expect((thrown as Error).message).toMatch(/Flatcar: k3sInstall: the node runs k3s but no k3s install method is given\. Fix: pass `k3sInstall: K3sFlatcarInstall\.sysext/);
  });

  it("refuses an install method that is not a K3sFlatcarInstall", () => {
    expect(() => Flatcar.channel(FlatcarChannel.STABLE, { k3sInstall: { sha256: {} } as never })).toThrow(/k3sInstall: the value is not a K3sFlatcarInstall/);
  });

  it("reports k3s mistakes at the node's location", () => {
    const os = Flatcar.channel(FlatcarChannel.STABLE, { k3sInstall: install });
    const bad = { ...agent, k3s: { ...agent.k3s!, serverUrl: undefined } };
    expect(() => os.renderNode(bad, localEncoder)).toThrow(/^Flatcar\/worker-0: k3s\.serverUrl:/);
  });
});
