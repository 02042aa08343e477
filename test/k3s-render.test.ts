import { parse } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { type Encoder, isDeferred, localEncoder } from "../lib/core/deferred";
import { MicroOsError } from "../lib/core/errors";
import { Architecture, TaintEffect } from "../lib/core/node";
import { decodeDataUrl } from "../lib/ignition/encode";
import { IgnitionConfig, type IgnitionSpec, IgnitionVersion } from "../lib/ignition";
import { K3osConfig } from "../lib/k3os";
import { K3S_CONFIG_PATH, K3sComponent, type K3sNodeProps, K3sRole, renderK3sConfigFile } from "../lib/k3s";
import { applyK3sToFlatcar, K3sFlatcarInstall } from "../lib/os/flatcar/k3s";
import { applyK3sToK3os } from "../lib/os/k3os/k3s";
import { validateK3osConfig } from "../lib/testing/k3os";
import { resolveApplyTime, terraformTextEncoder } from "../lib/testing/firstboot/applytime";
import { checkIgnition, ignitionValidateTool } from "../lib/testing/ignition";
import { need } from "./helpers/external";

// ---- nodes: the three roles ---------------------------------------------------------------------

const TOKEN = "${TfToken[TOKEN.1]}"; // a cdktf string token, as ClusterToken.random() gives
const API_HOST = "${TfToken[TOKEN.7]}"; // an NLB DNS name known only at apply time
const HASH_AMD64 = "0f6a7d1a3f2b1c8e9d4b5a6c7e8f90123456789abcdef0123456789abcdef012";
const HASH_ARM64 = "1e6a7d1a3f2b1c8e9d4b5a6c7e8f90123456789abcdef0123456789abcdef012";

function firstServer(version = "v1.36.4+k3s1", token = TOKEN): K3sNodeProps {
  return {
    role: K3sRole.CLUSTER_INIT,
    token,
    version,
    nodeName: "demo-controller-0",
    nodeIp: "10.0.0.10",
    advertiseAddress: "10.0.0.10",
    tlsSans: [API_HOST, "10.0.0.10"],
    disable: [K3sComponent.TRAEFIK, K3sComponent.SERVICELB],
    labels: { "example.com/pool": "controllers" },
    taints: [{ key: "CriticalAddonsOnly", value: "true", effect: TaintEffect.NO_EXECUTE }],
    extraArgs: ["--secrets-encryption", "--kube-apiserver-arg=audit-log-maxage=7", "--kube-apiserver-arg=audit-log-maxsize=100"],
  };
}

function joiningServer(version = "v1.36.4+k3s1", token = TOKEN): K3sNodeProps {
  return {
    ...firstServer(version, token),
    role: K3sRole.SERVER,
    serverUrl: "https://10.0.0.10:6443",
    nodeName: "demo-controller-1",
    nodeIp: "10.0.0.11",
    advertiseAddress: "10.0.0.11",
    tlsSans: [API_HOST, "10.0.0.11"],
  };
}

function agent(version = "v1.36.4+k3s1", token = TOKEN): K3sNodeProps {
  return {
    role: K3sRole.AGENT,
    token,
    version,
    serverUrl: `https://${API_HOST}:6443`,
    nodeName: "demo-general-0",
    labels: { "example.com/pool": "general", "node.kubernetes.io/instance-type": "t3.large" },
    taints: [{ key: "dedicated", value: "general", effect: TaintEffect.PREFER_NO_SCHEDULE }],
    extraArgs: ["--kubelet-arg=max-pods=110"],
  };
}

/** The node with known values in place of apply-time ones (what external validators and decoders need). */
function known(node: K3sNodeProps, token = "known-secret"): K3sNodeProps {
  return JSON.parse(JSON.stringify({ ...node, token }).split(API_HOST).join("api.example.com")) as K3sNodeProps;
}

const ROLES: Array<[string, (version?: string, token?: string) => K3sNodeProps]> = [
  ["first-server", firstServer],
  ["joining-server", joiningServer],
  ["agent", agent],
];

/** Stands in for the Terraform encoder: shows where Terraform would encode, keeps the input visible. */
const calls: string[] = [];
const fakeEncoder: Encoder = {
  base64: (t) => (calls.push(t), `\${base64encode(${JSON.stringify(t)})}`),
  base64gzip: (t) => (calls.push(t), `\${base64gzip(${JSON.stringify(t)})}`),
  sha512hex: (t) => `\${sha512(${JSON.stringify(t)})}`,
  sha256hex: (t) => `\${sha256(${JSON.stringify(t)})}`,
};

// ---- external validators: lib/testing/ignition (schema, semantic checks, ignition-validate) ------

const tool = ignitionValidateTool();
let validated = 0;
afterAll(() => {
  console.log(`k3s-render: ignition-validate (with the JSON schema and semantic checks) checked ${validated} configs`);
});

function flatcar(node: K3sNodeProps, install: K3sFlatcarInstall, architecture = Architecture.AMD64): IgnitionConfig {
  return applyK3sToFlatcar(new IgnitionConfig(), node, { install, architecture });
}

const sysext = K3sFlatcarInstall.sysext({ version: "v1.36.4+k3s1", sha256: { amd64: HASH_AMD64, arm64: HASH_ARM64 } });
const binary = K3sFlatcarInstall.binary({ version: "v1.36.4+k3s1", sha256: { amd64: HASH_AMD64, arm64: HASH_ARM64 } });

function configFileOf(spec: IgnitionSpec): string {
  const f = spec.storage!.files!.find((x) => x.path === K3S_CONFIG_PATH)!;
  return decodeDataUrl(f.contents!.source!, f.contents!.compression)!.toString("utf8");
}

// ---- the k3s config file -----------------------------------------------------------------------

describe("renderK3sConfigFile", () => {
  it("writes the first server with cluster-init and no server key", () => {
    const obj = parse(renderK3sConfigFile(firstServer("v1.36.4+k3s1", "s3cret")));
    expect(obj).toEqual({
      token: "s3cret",
      "cluster-init": true,
      "node-name": "demo-controller-0",
      "node-ip": "10.0.0.10",
      "advertise-address": "10.0.0.10",
      "tls-san": [API_HOST, "10.0.0.10"],
      disable: ["traefik", "servicelb"],
      "node-label": ["example.com/pool=controllers"],
      "node-taint": ["CriticalAddonsOnly=true:NoExecute"],
      "secrets-encryption": true,
      "kube-apiserver-arg": ["audit-log-maxage=7", "audit-log-maxsize=100"],
    });
  });

  it("writes a joining server with server and without cluster-init", () => {
    const obj = parse(renderK3sConfigFile(joiningServer()));
    expect(obj.server).toBe("https://10.0.0.10:6443");
    expect(obj["cluster-init"]).toBeUndefined();
  });

  it("writes an agent with only agent flags", () => {
    const obj = parse(renderK3sConfigFile(agent("v1.36.4+k3s1", "s3cret")));
    expect(Object.keys(obj)).toEqual(["server", "token", "node-name", "node-label", "node-taint", "kubelet-arg"]);
    expect(obj["node-label"]).toEqual(["example.com/pool=general", "node.kubernetes.io/instance-type=t3.large"]);
  });

  it("writes an apply-time token as a literal block", () => {
    expect(renderK3sConfigFile(agent())).toContain(`token: |-\n  ${TOKEN}\n`);
  });
});

// ---- k3OS ---------------------------------------------------------------------------------------

describe("applyK3sToK3os", () => {
  for (const [name, make] of ROLES) {
    it(`renders the ${name} as k3OS config that passes the strict schema and semantic checks`, () => {
      // Read as the node reads it: after apply.
      const text = resolveApplyTime(applyK3sToK3os(new K3osConfig({ hostname: "h" }), make("v1.22.2+k3s2")).render({ encoder: terraformTextEncoder }));
      expect(validateK3osConfig(text)).toEqual([]);
    });

    it(`matches the golden k3OS config for the ${name}`, async () => {
      const text = applyK3sToK3os(new K3osConfig(), make("v1.22.2+k3s2")).render({ encoder: terraformTextEncoder });
      await expect(text).toMatchFileSnapshot(`fixtures/k3os/k3os-${name}.yaml`);
    });
  }

  it("puts server or agent first in k3s_args, with --cluster-init only on the first server", () => {
    const args = (n: K3sNodeProps) => applyK3sToK3os(new K3osConfig(), n).toObject().k3os!.k3s_args!;
    expect(args(firstServer()).slice(0, 2)).toEqual(["server", "--cluster-init"]);
    expect(args(joiningServer())[0]).toBe("server");
    expect(args(joiningServer())).not.toContain("--cluster-init");
    expect(args(agent())[0]).toBe("agent");
  });

  it("keeps the token out of k3s_args and labels", () => {
    const k = applyK3sToK3os(new K3osConfig(), agent("v1.36.4+k3s1", "plain-secret-value")).toObject().k3os!;
    expect(k.token).toBe("plain-secret-value");
    expect(JSON.stringify(k.k3s_args)).not.toContain("plain-secret-value");
    expect(JSON.stringify(k.labels)).not.toContain("plain-secret-value");
  });

  it("sets server_url on joining servers and agents, not on the first server", () => {
    expect(applyK3sToK3os(new K3osConfig(), firstServer()).toObject().k3os!.server_url).toBeUndefined();
    expect(applyK3sToK3os(new K3osConfig(), joiningServer()).toObject().k3os!.server_url).toBe("https://10.0.0.10:6443");
  });

  it("refuses a k3s version other than the one k3OS bundles", () => {
    expect(() => applyK3sToK3os(new K3osConfig(), agent("v1.36.4+k3s1"), { bundledK3sVersion: "v1.22.2+k3s2" })).toThrow(
      "k3s: k3s.version: k3OS runs the k3s it bundles (v1.22.2+k3s2), not v1.36.4+k3s1. Fix: set the k3s version to v1.22.2+k3s2, or use Flatcar to pin another k3s",
    );
  });

  it("refuses a config that already has k3s arguments", () => {
    expect(() => applyK3sToK3os(new K3osConfig({ k3sArgs: ["server"] }), agent())).toThrow(/k3os\.k3s_args: the config already has k3s arguments/);
  });
});

// ---- Flatcar (Ignition) -------------------------------------------------------------------------

describe("applyK3sToFlatcar", () => {
  for (const [installName, install] of [["sysext", sysext], ["binary", binary]] as const) {
    for (const [name, make] of ROLES) {
      for (const arch of [Architecture.AMD64, Architecture.ARM64]) {
        it(`renders the ${name} (${installName}, ${arch}) as Ignition that ignition-validate accepts`, (ctx) => {
          const bin = need(ctx, tool);
          // External validators see known values: the token and API host are substituted first.
          const json = flatcar(known(make()), install, arch).render({ encoder: localEncoder });
          expect(bin).toBeTruthy();
          validated++;
          expect(checkIgnition(json)).toEqual([]);
        });
      }
      it(`matches the golden Ignition for the ${name} (${installName})`, async () => {
        const json = flatcar(make(), install).render({ encoder: fakeEncoder, pretty: true });
        await expect(`${json}\n`).toMatchFileSnapshot(`fixtures/k3os/flatcar-${installName}-${name}.ign.json`);
      });
    }
  }

  it("renders into an Ignition 3.4.0 config that the validators accept too", (ctx) => {
    need(ctx, tool);
    for (const install of [sysext, binary]) {
      const config = applyK3sToFlatcar(new IgnitionConfig({ version: IgnitionVersion.V3_4_0 }), known(agent()), { install });
      validated++;
      expect(checkIgnition(config.render())).toEqual([]);
    }
  });

  it("passes an apply-time token to the encoder and nowhere else", () => {
    calls.length = 0;
    const spec = flatcar(agent(), binary).toSpec({ encoder: fakeEncoder });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toContain(TOKEN);
    const file = spec.storage!.files!.find((f) => f.path === K3S_CONFIG_PATH)!;
    expect(file.contents!.source).toBe(`data:;base64,${fakeEncoder.base64(calls[0])}`);
    const elsewhere = JSON.stringify({ ...spec, storage: { ...spec.storage, files: spec.storage!.files!.filter((f) => f.path !== K3S_CONFIG_PATH) } });
    expect(elsewhere).not.toContain("TOKEN.1");
  });

  it("refuses to encode an apply-time token locally", () => {
    expect(() => flatcar(agent(), binary).render()).toThrow(/value known only at apply time/);
  });

  it("writes the config file mode 0600, with the token inside", () => {
    const spec = flatcar(known(firstServer()), sysext).toSpec();
    const file = spec.storage!.files!.find((f) => f.path === K3S_CONFIG_PATH)!;
    expect(file.mode).toBe(0o600);
    expect(parse(configFileOf(spec)).token).toBe("known-secret");
  });

  it("keeps the token out of units and links", () => {
    const spec = flatcar(known(joiningServer()), binary).toSpec();
    expect(JSON.stringify(spec.systemd)).not.toContain("known-secret");
    expect(JSON.stringify(spec.storage!.links)).not.toContain("known-secret");
  });

  it("enables k3s.service for servers and k3s-agent.service for agents (binary)", () => {
    const units = (n: K3sNodeProps) => flatcar(n, binary).toSpec({ encoder: fakeEncoder }).systemd!.units!;
    expect(units(firstServer()).map((u) => [u.name, u.enabled])).toEqual([["k3s.service", true]]);
    expect(units(agent()).map((u) => [u.name, u.enabled])).toEqual([["k3s-agent.service", true]]);
    expect(units(agent())[0].contents).toContain("ExecStart=/opt/bin/k3s agent\n");
    expect(units(joiningServer())[0].contents).toContain("ExecStart=/opt/bin/k3s server\n");
  });

  it("enables the sysext's unit for the role through multi-user.target.wants", () => {
    const links = (n: K3sNodeProps) => flatcar(n, sysext).toSpec({ encoder: fakeEncoder }).storage!.links!;
    expect(links(joiningServer())).toContainEqual({ path: "/etc/systemd/system/multi-user.target.wants/k3s.service", target: "/usr/local/lib/systemd/system/k3s.service", overwrite: true });
    expect(links(agent())).toContainEqual({ path: "/etc/systemd/system/multi-user.target.wants/k3s-agent.service", target: "/usr/local/lib/systemd/system/k3s-agent.service", overwrite: true });
  });

  it("downloads the sysext image for the node's architecture and links it into /etc/extensions", () => {
    const spec = flatcar(agent(), sysext, Architecture.ARM64).toSpec({ encoder: fakeEncoder });
    const image = spec.storage!.files!.find((f) => f.path.startsWith("/opt/extensions/"))!;
    expect(image.path).toBe("/opt/extensions/k3s/k3s-v1.36.4+k3s1-arm64.raw");
    expect(image.contents).toEqual({ source: "https://extensions.flatcar.org/extensions/k3s-v1.36.4+k3s1-arm64.raw", verification: { hash: `sha256-${HASH_ARM64}` } });
    expect(spec.storage!.links).toContainEqual({ path: "/etc/extensions/k3s.raw", target: "/opt/extensions/k3s/k3s-v1.36.4+k3s1-arm64.raw" });
  });

  it("downloads the pinned release binary verified by sha256", () => {
    const spec = flatcar(agent(), binary).toSpec({ encoder: fakeEncoder });
    const k3s = spec.storage!.files!.find((f) => f.path === "/opt/bin/k3s")!;
    expect(k3s.mode).toBe(0o755);
    expect(k3s.contents).toEqual({ source: "https://github.com/k3s-io/k3s/releases/download/v1.36.4+k3s1/k3s", verification: { hash: `sha256-${HASH_AMD64}` } });
    const arm = flatcar(agent(), binary, Architecture.ARM64).toSpec({ encoder: fakeEncoder }).storage!.files!.find((f) => f.path === "/opt/bin/k3s")!;
    expect(arm.contents!.source).toBe("https://github.com/k3s-io/k3s/releases/download/v1.36.4+k3s1/k3s-arm64");
  });

  it("keeps apply-time values in the config file only (tls-san and server URL too)", () => {
    const spec = flatcar(agent(), sysext).toSpec({ encoder: fakeEncoder });
    const others = spec.storage!.files!.filter((f) => f.path !== K3S_CONFIG_PATH);
    expect(others.every((f) => !isDeferred(JSON.stringify(f)))).toBe(true);
  });
});

// ---- the k3s release an install carries -------------------------------------------------------

describe("K3sFlatcarInstall carries its k3s release", () => {
  const sourcesOf = (spec: IgnitionSpec) => spec.storage!.files!.map((f) => f.contents?.source).filter((x): x is string => x !== undefined && x.startsWith("https:"));

  it("exposes the version it installs", () => {
    expect(sysext.version).toBe("v1.36.4+k3s1");
    expect(K3sFlatcarInstall.binary({ version: "v1.30.8+k3s1", sha256: { arm64: HASH_ARM64 } }).version).toBe("v1.30.8+k3s1");
  });

  it("fetches the artifacts of its own release with their digests", () => {
    const version = "v1.30.8+k3s1";
    const node = { ...agent(version) };
    expect(sourcesOf(flatcar(node, K3sFlatcarInstall.sysext({ version, sha256: { amd64: HASH_AMD64 } })).toSpec({ encoder: fakeEncoder }))).toEqual([
      "https://extensions.flatcar.org/extensions/k3s-v1.30.8+k3s1-x86-64.raw",
    ]);
    const spec = flatcar(node, K3sFlatcarInstall.binary({ version, sha256: { arm64: HASH_ARM64 } }), Architecture.ARM64).toSpec({ encoder: fakeEncoder });
    expect(sourcesOf(spec)).toEqual(["https://github.com/k3s-io/k3s/releases/download/v1.30.8+k3s1/k3s-arm64"]);
    expect(spec.storage!.files!.find((f) => f.path === "/opt/bin/k3s")!.contents!.verification!.hash).toBe(`sha256-${HASH_ARM64}`);
  });

  const refused: Array<[string, () => unknown, string]> = [
    ["a version that is not a k3s release tag", () => K3sFlatcarInstall.sysext({ version: "1.31.4", sha256: { amd64: HASH_AMD64 } }), 'K3sFlatcarInstall.sysext: version: "1.31.4" is not a k3s release tag. Fix: give the release the digests belong to, a tag like "v1.36.4+k3s1" (github.com/k3s-io/k3s/releases)'],
    ["a missing version", () => K3sFlatcarInstall.binary({ sha256: { amd64: HASH_AMD64 } } as never), 'K3sFlatcarInstall.binary: version: "undefined" is not a k3s release tag. Fix: give the release the digests belong to, a tag like "v1.36.4+k3s1" (github.com/k3s-io/k3s/releases)'],
    ["no digest at all", () => K3sFlatcarInstall.sysext({ version: "v1.36.4+k3s1", sha256: {} }), "K3sFlatcarInstall.sysext: sha256: no SHA-256 is given for k3s v1.36.4+k3s1. Fix: add the digest of each architecture your nodes use, from the release's checksum file"],
    ["no props", () => K3sFlatcarInstall.binary(undefined as never), 'K3sFlatcarInstall.binary: props: no props are given. Fix: pass { version: "v1.36.4+k3s1", sha256: { amd64: "..." } }'],
    [
      "a node asking for another k3s version than the install's",
      () => flatcar(agent("v1.30.8+k3s1"), sysext),
      "k3s: k3s.version: the node asks for k3s v1.30.8+k3s1, but the install carries the digests of v1.36.4+k3s1. Fix: give the node k3s v1.36.4+k3s1, or build the install for v1.30.8+k3s1 with that release's digests",
    ],
  ];
  for (const [name, act, message] of refused) {
    it(`refuses ${name}`, () => {
      expect(act).toThrow(MicroOsError);
      expect(act).toThrow(message);
    });
  }
});

// ---- bad k3s nodes --------------------------------------------------------------------------------

describe("k3s nodes refused, with the field and the fix", () => {
  const base = agent("v1.36.4+k3s1", "s3cret");
  const cases: Array<[string, K3sNodeProps, string | RegExp]> = [
    ["a version that is not a k3s tag", { ...base, version: "1.31.4" }, 'k3s: k3s.version: "1.31.4" is not a k3s release tag. Fix: give a tag like "v1.36.4+k3s1"'],
    ["an empty token", { ...base, token: "" }, "k3s: k3s.token: the token is empty. Fix: give the cluster token (for example from ClusterToken.random())"],
    ["a token with a line break", { ...base, token: "abc\ndef" }, /k3s\.token: the token holds white space or a line break/],
    ["a truncated K10 token", { ...base, token: "K10abcdef::server:pw" }, /k3s\.token: the token starts with K10 \(a secure k3s token\) but is not K10<64 hex digits>::<credentials>/],
    ["a K10 token on the first server", { ...firstServer("v1.36.4+k3s1", `K10${"a".repeat(64)}::server:pw`) }, /a secure \(K10\) token names an existing cluster's CA, so it cannot start a new cluster/],
    ["an agent token on a joining server", { ...joiningServer("v1.36.4+k3s1", `K10${"a".repeat(64)}::node:pw`) }, /k3s\.token: this is an agent token \(user node\); it cannot join a server/],
    ["a first server with a server URL", { ...firstServer(), serverUrl: "https://10.0.0.9:6443" }, "k3s: k3s.serverUrl: the first server starts a new cluster and joins none. Fix: remove serverUrl, or use K3sRole.SERVER to join an existing server"],
    ["an agent without a server URL", { ...base, serverUrl: undefined }, /k3s\.serverUrl: a node with role agent joins a server but no serverUrl is given/],
    ["a server URL that is not https", { ...base, serverUrl: "10.0.0.10:6443" }, /k3s\.serverUrl: "10\.0\.0\.10:6443" is not https:\/\/<host>\[:port\]/],
    ["tls-san on an agent", { ...base, tlsSans: ["api.example.com"] }, "k3s: k3s.tlsSans: tls-san is a server flag. Fix: remove it for agents"],
    ["disable on an agent", { ...base, disable: [K3sComponent.TRAEFIK] }, /k3s\.disable: disable is a server flag/],
    ["advertise-address on an agent", { ...base, advertiseAddress: "10.0.0.1" }, /k3s\.advertiseAddress: advertise-address is a server flag/],
    ["a node IP that is not an address", { ...base, nodeIp: "10.0.0" }, /k3s\.nodeIp: "10\.0\.0" is not an IP address/],
    ["an advertise address that is a name", { ...firstServer(), advertiseAddress: "api.example.com" }, /k3s\.advertiseAddress: "api\.example\.com" is not an IP address/],
    ["a TLS SAN with a space", { ...firstServer(), tlsSans: ["api example"] }, /k3s\.tlsSans: "api example" is neither an IP address nor a DNS name/],
    ["a component disabled twice", { ...firstServer(), disable: [K3sComponent.TRAEFIK, K3sComponent.TRAEFIK] }, /k3s\.disable: "traefik" is listed twice/],
    ["a node name with capitals", { ...base, nodeName: "Worker-0" }, /k3s\.nodeName: "Worker-0" is not a Kubernetes node name/],
    ["a label the kubelet may not set", { ...base, labels: { "node-role.kubernetes.io/worker": "true" } }, /k3s\.labels\[node-role\.kubernetes\.io\/worker\]: the kubelet refuses to register a node/],
    ["a taint with a bad key", { ...base, taints: [{ key: "bad key", effect: TaintEffect.NO_SCHEDULE }] }, /k3s\.taints\[bad key\]: taint key: the key name "bad key" is not a Kubernetes label name/],
    ["an extra arg that is not a flag", { ...base, extraArgs: ["-t hunter2"] }, "k3s: k3s.extraArgs[0]: the argument is not --flag or --flag=value. Fix: give each flag as one string, for example --kubelet-arg=max-pods=200"],
    ["a token in extra args", { ...base, extraArgs: ["--token=hunter2"] }, "k3s: k3s.extraArgs[0]: --token is set by a typed prop. Fix: set token instead (secrets never go on a command line)"],
    ["a typed flag in extra args", { ...base, extraArgs: ["--node-label=a=b"] }, /k3s\.extraArgs\[0\]: --node-label is set by a typed prop\. Fix: set labels instead/],
  ];
  for (const [name, node, message] of cases) {
    it(`refuses ${name}`, () => {
      const act = () => renderK3sConfigFile(node);
      expect(act).toThrow(MicroOsError);
      expect(act).toThrow(message);
      // The same check guards the k3OS and Flatcar renderers.
      expect(() => applyK3sToK3os(new K3osConfig(), node)).toThrow(message);
      expect(() => flatcar(node, binary)).toThrow(message);
    });
  }

  it("never puts a known token into an error message", () => {
    for (const token of ["hunter2 x", `K10${"a".repeat(64)}::node:hunter2`, "K10hunter2"]) {
      for (const make of [firstServer, joiningServer]) {
        try {
          renderK3sConfigFile(make("v1.36.4+k3s1", token));
        } catch (e) {
          expect(String(e)).not.toContain("hunter2");
        }
      }
    }
  });

  it("refuses an install without a hash for the node's architecture", () => {
    const amdOnly = K3sFlatcarInstall.binary({ version: "v1.36.4+k3s1", sha256: { amd64: HASH_AMD64 } });
    expect(() => flatcar(agent(), amdOnly, Architecture.ARM64)).toThrow(
      "k3s: install.sha256.arm64: no SHA-256 is given for k3s-arm64 v1.36.4+k3s1. Fix: add the arm64 digest of k3s-arm64 v1.36.4+k3s1 from its line in https://github.com/k3s-io/k3s/releases/download/v1.36.4+k3s1/sha256sum-arm64.txt",
    );
    const amdSysext = K3sFlatcarInstall.sysext({ version: "v1.36.4+k3s1", sha256: { amd64: HASH_AMD64 } });
    expect(() => flatcar(agent(), amdSysext, Architecture.ARM64)).toThrow(
      "k3s: install.sha256.arm64: no SHA-256 is given for k3s-v1.36.4+k3s1-arm64.raw. Fix: add the arm64 digest of k3s-v1.36.4+k3s1-arm64.raw from its line in https://github.com/flatcar/sysext-bakery/releases/download/k3s-v1.36.4+k3s1/SHA256SUMS",
    );
  });

  it("refuses a hash that is not a SHA-256 digest at the install's call", () => {
    expect(() => K3sFlatcarInstall.sysext({ version: "v1.36.4+k3s1", sha256: { amd64: "abc" } })).toThrow(
      'K3sFlatcarInstall.sysext: sha256.amd64: "abc" is not a SHA-256 digest. Fix: give 64 lower-case hex digits',
    );
  });

  it("refuses a base URL that is not https at the install's call", () => {
    expect(() => K3sFlatcarInstall.sysext({ version: "v1.36.4+k3s1", sha256: { amd64: HASH_AMD64 }, baseUrl: "http://mirror" })).toThrow(
      'K3sFlatcarInstall.sysext: baseUrl: "http://mirror" is not an https URL. Fix: give an https:// URL',
    );
  });
});
