/**
 * The k3s release table (lib/k3s/release.ts K3S_RELEASE_FACTS): the artifact names it gives, checked
 * against flatcar/sysext-bakery's published list (test/fixtures/sysext-bakery/published.json, carried
 * over from the bakery at the commit it names), where a user reads the digests, and the synth warning
 * for a k3s past upstream end of life.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TerraformStack, Testing } from "../lib/cdktf";
import { Cluster, ClusterCertificates } from "../lib/cluster";
import { Architecture } from "../lib/core/node";
import { IgnitionConfig } from "../lib/ignition/config";
import { k3sBinaryAsset, k3sDigestSource, k3sEndOfLifeProblem, K3S_RELEASE_FACTS, k3sSysextImage } from "../lib/k3s/release";
import { K3sRole } from "../lib/k3s/node";
import { Flatcar, FlatcarChannel } from "../lib/os/flatcar";
import { applyK3sToFlatcar, K3sFlatcarInstall } from "../lib/os/flatcar/k3s";
import { LibvirtPlatform } from "../lib/platform/libvirt";
import { SSH_KEY } from "./testing-kit-clusters";

const bakery = JSON.parse(readFileSync(join(__dirname, "fixtures", "sysext-bakery", "published.json"), "utf8")) as {
  releaseBuildExtensions: string[];
  archs: string[];
  k3sSysextFiles: string[];
};
const SHA = "c".repeat(64);

describe("the k3s release table", () => {
  it("names the current k3s stable release", () => {
    expect(K3S_RELEASE_FACTS.stable).toBe("v1.36.4+k3s1");
  });

  it("asks the bakery for an extension it builds, in the architectures it builds", () => {
    expect(bakery.releaseBuildExtensions).toContain(K3S_RELEASE_FACTS.sysext.name);
    for (const a of Object.values(Architecture)) expect(bakery.archs).toContain(K3S_RELEASE_FACTS.artifacts[a].sysextArch);
    expect(k3sSysextImage("v1.36.4+k3s1", Architecture.AMD64)).toBe("k3s-v1.36.4+k3s1-x86-64.raw");
    expect(k3sSysextImage("v1.36.4+k3s1", Architecture.ARM64)).toBe("k3s-v1.36.4+k3s1-arm64.raw");
  });

  it("links the role's unit to a unit file the bakery's k3s image ships", () => {
    for (const role of [K3sRole.CLUSTER_INIT, K3sRole.AGENT]) {
      const config = new IgnitionConfig();
      const install = K3sFlatcarInstall.sysext({ version: "v1.36.4+k3s1", sha256: { amd64: SHA, arm64: SHA } });
      applyK3sToFlatcar(config, { role, version: "v1.36.4+k3s1", token: "secret-token", ...(role === K3sRole.AGENT ? { serverUrl: "https://10.0.0.10:6443" } : {}) }, { install });
      const links = ((JSON.parse(config.render()) as { storage?: { links?: Array<{ path: string; target: string }> } }).storage?.links ?? []);
      const wants = links.find((l) => l.path.startsWith("/etc/systemd/system/multi-user.target.wants/"));
      expect(wants, role).toBeDefined();
      expect(bakery.k3sSysextFiles).toContain(wants!.target);
      expect(links.find((l) => l.path === "/etc/extensions/k3s.raw")?.target).toBe("/opt/extensions/k3s/k3s-v1.36.4+k3s1-x86-64.raw");
    }
  });

  it("gives the k3s release assets and the checksum file of each", () => {
    expect(k3sBinaryAsset(Architecture.AMD64)).toBe("k3s");
    expect(k3sBinaryAsset(Architecture.ARM64)).toBe("k3s-arm64");
    expect(k3sDigestSource("binary", "v1.36.4+k3s1", Architecture.AMD64)).toBe("https://github.com/k3s-io/k3s/releases/download/v1.36.4+k3s1/sha256sum-amd64.txt");
    expect(k3sDigestSource("binary", "v1.36.4+k3s1", Architecture.ARM64)).toBe("https://github.com/k3s-io/k3s/releases/download/v1.36.4+k3s1/sha256sum-arm64.txt");
    expect(k3sDigestSource("sysext", "v1.36.4+k3s1", Architecture.AMD64)).toBe("https://github.com/flatcar/sysext-bakery/releases/download/k3s-v1.36.4+k3s1/SHA256SUMS");
  });
});

describe("k3s past upstream end of life", () => {
  it("is the minors before the three newest", () => {
    for (const v of ["v1.36.4+k3s1", "v1.35.0+k3s1", "v1.34.9+k3s2", "v1.37.0-rc1+k3s1"]) expect(k3sEndOfLifeProblem(v), v).toBeUndefined();
    for (const v of ["v1.33.9+k3s1", "v1.31.4+k3s1", "v1.22.2+k3s2"]) expect(k3sEndOfLifeProblem(v), v).toMatch(/past upstream end of life/);
  });

  function clusterOn(version: string): Cluster {
    const stack = new TerraformStack(Testing.app(), "eol");
    return new Cluster(stack, "lab", {
      os: Flatcar.channel(FlatcarChannel.STABLE, { k3sInstall: K3sFlatcarInstall.sysext({ version, sha256: { amd64: SHA } }) }),
      platform: LibvirtPlatform.local({}),
      kubernetes: { k3sVersion: version, certificates: ClusterCertificates.k3sGenerated() },
      sshKeys: [SSH_KEY],
    });
  }
  const warnings = (c: Cluster) => c.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data));

  it("draws a synth warning on the cluster, naming the field and the fix, and still synthesizes", () => {
    const cluster = clusterOn("v1.31.4+k3s1");
    expect(warnings(cluster)).toEqual([
      "eol/lab: kubernetes.k3sVersion: k3s v1.31.4+k3s1 is past upstream end of life: Kubernetes supports its three newest minors (1.34 to 1.36; kubernetes.io/releases). Upgrade one minor at a time to a supported release (the stable channel is at v1.36.4+k3s1).",
    ]);
    expect(() => Testing.synth(cluster.node.scope as TerraformStack)).not.toThrow();
  });

  it("draws none for a supported release", () => {
    expect(warnings(clusterOn("v1.36.4+k3s1"))).toEqual([]);
  });
});
