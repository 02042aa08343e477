/**
 * Optional peer dependencies (package.json peerDependenciesMeta) are loaded only when a feature
 * uses them, and a missing one fails with an error naming the package and version to install.
 * The packed package is checked the same way in a fresh project by scripts/pack-test.sh.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MicroOsError } from "../lib/core/errors";
import { peerVersion, requirePeer } from "../lib/core/peer";

const ROOT = join(__dirname, "..");
const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};
const use = { at: "app/prod/demo", field: "kubernetes.token", what: "ClusterToken.random()", otherwise: "use ClusterToken.fromVariable()" };

/** A require that finds nothing under `blocked`, as Node words it. */
function requireWithout(blocked: string) {
  return (id: string): unknown => {
    if (id === blocked || id.startsWith(`${blocked}/`)) {
      throw Object.assign(new Error(`Cannot find module '${id}'\nRequire stack:\n- ${__filename}`), { code: "MODULE_NOT_FOUND" });
    }
    return require(id);
  };
}

describe("optional peers", () => {
  it("reads the declared version from the package's own manifest", () => {
    expect(peerVersion("@cdktf/provider-random")).toBe(manifest.peerDependencies["@cdktf/provider-random"]);
    expect(peerVersion("not-a-peer")).toBeUndefined();
  });

  it("a missing optional peer fails with what to install, at which version, and the alternative", () => {
    const version = manifest.peerDependencies["@cdktf/provider-random"];
    let error: unknown;
    try {
      requirePeer("@cdktf/provider-random", "lib/password", use, requireWithout("@cdktf/provider-random"));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MicroOsError);
    expect((error as Error).message).toBe(
      `app/prod/demo: kubernetes.token: ClusterToken.random() needs the optional peer dependency @cdktf/provider-random (${version}), which is not installed. ` +
        `Fix: npm install @cdktf/provider-random@${version}, or use ClusterToken.fromVariable()`,
    );
  });

  it("a version range is named but not pasted into the install command", () => {
    expect(() => requirePeer("vitest", "", { ...use, otherwise: undefined }, requireWithout("vitest"))).toThrow(
      new RegExp(`vitest \\(${manifest.peerDependencies.vitest.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\).*Fix: npm install vitest$`),
    );
  });

  it("an error from inside an installed peer is not reported as a missing package", () => {
    const broken = (id: string): unknown => {
      if (id.startsWith("@cdktf/provider-random")) throw Object.assign(new Error("Cannot find module 'cdktf'"), { code: "MODULE_NOT_FOUND" });
      return require(id);
    };
    expect(() => requirePeer("@cdktf/provider-random", "lib/password", use, broken)).toThrow(/^Cannot find module 'cdktf'$/);
  });

  it("declares every optional peer as a peer dependency", () => {
    const optional = Object.entries(manifest.peerDependenciesMeta).filter(([, m]) => m.optional).map(([n]) => n);
    expect(optional.sort()).toEqual(["@cdktf/provider-random", "@cdktf/provider-tls", "vitest"]);
    for (const name of optional) expect(manifest.peerDependencies[name], name).toBeDefined();
  });

  it("the library and its testing kit load without any optional peer; only the random token and the Terraform-made CAs ask for one", () => {
    // A child Node that cannot resolve an optional peer, loading the sources through tsx.
    const script = `
      const Module = require("node:module");
      const blocked = ${JSON.stringify(Object.keys(manifest.peerDependenciesMeta))};
      const resolve = Module._resolveFilename;
      Module._resolveFilename = function (request, ...rest) {
        if (blocked.some((b) => request === b || request.startsWith(b + "/"))) {
          throw Object.assign(new Error("Cannot find module '" + request + "'"), { code: "MODULE_NOT_FOUND" });
        }
        return resolve.call(this, request, ...rest);
      };
      const lib = require(${JSON.stringify(join(ROOT, "lib"))});
      require(${JSON.stringify(join(ROOT, "lib/testing"))});
      const { App, TerraformStack } = require(${JSON.stringify(join(ROOT, "lib/cdktf"))});
      const props = (token, certificates) => ({
        os: lib.Flatcar.channel(lib.FlatcarChannel.STABLE, { k3sInstall: lib.K3sFlatcarInstall.sysext({ version: "v1.36.4+k3s1", sha256: { amd64: "ab".repeat(32) } }) }),
        platform: lib.LibvirtPlatform.local({}),
        controllers: { count: 1, size: "2x2048" },
        kubernetes: { k3sVersion: "v1.36.4+k3s1", token, certificates },
        sshKeys: [],
      });
      new lib.Cluster(new TerraformStack(new App(), "a"), "demo", props(lib.ClusterToken.fromVariable(), lib.ClusterCertificates.k3sGenerated()));
      for (const [stack, token] of [["b", undefined], ["c", lib.ClusterToken.fromVariable()]]) {
        try {
          new lib.Cluster(new TerraformStack(new App(), stack), "demo", props(token, undefined));
          console.log("no error");
        } catch (e) {
          console.log(e.name + ": " + e.message);
        }
      }
    `;
    const dir = mkdtempSync(join(tmpdir(), "peers-"));
    let out: string;
    try {
      writeFileSync(join(dir, "probe.cjs"), script);
      out = execFileSync(process.execPath, ["--require", "tsx/cjs", join(dir, "probe.cjs")], { cwd: ROOT, encoding: "utf8", stdio: "pipe" });
    } catch (e) {
      // Without the child's stack frames, which vitest would try to map to sources.
      const stderr = String((e as { stderr?: string }).stderr ?? e).split("\n").filter((l) => !/^\s+at /.test(l) && !l.includes("tsx/dist"));
      throw new Error(`the library did not load without its optional peers:\n${stderr.join("\n").slice(0, 2000)}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const [random, tls] = out.trim().split("\n");
    expect(random).toMatch(
      /^MicroOsError: b\/demo: kubernetes\.token: ClusterToken\.random\(\) \(the default token\) needs the optional peer dependency @cdktf\/provider-random \(12\.0\.1\), which is not installed\. Fix: npm install @cdktf\/provider-random@12\.0\.1, or pass kubernetes\.token: ClusterToken\.fromVariable\(\)/,
    );
    expect(tls).toBe(
      `MicroOsError: c/demo: kubernetes.certificates: ClusterCertificates.terraform() (the default: CAs made in the Terraform run, for the kubeconfig output) needs the optional peer dependency @cdktf/provider-tls (${manifest.peerDependencies["@cdktf/provider-tls"]}), which is not installed. ` +
        `Fix: npm install @cdktf/provider-tls@${manifest.peerDependencies["@cdktf/provider-tls"]}, or pass kubernetes.certificates: ClusterCertificates.k3sGenerated()`,
    );
  });
});
