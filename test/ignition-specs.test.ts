/**
 * Ignition specs 3.5.0 and 3.6.0: the spec each OS release reads, the validator built from
 * coreos/ignition's own schema and Validate rules checked against the upstream tests' cases, its
 * agreement with Debian's ignition-validate 2.14 on 3.3/3.4 configs, and the proof that a node's
 * 3.5.0/3.6.0 config differs from its 3.4.0 render only in the version field, which is what lets
 * Debian's Ignition 2.14 check and boot it.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { localEncoder } from "../lib/core/deferred";
import { MicroOsError } from "../lib/core/errors";
import { Architecture, NodeRole, type NodeSpec } from "../lib/core/node";
import { IgnitionConfig, IgnitionVersion, validateIgnitionSpec } from "../lib/ignition";
import { FEATURE_SINCE, FIRST_IGNITION_READING, highestSpecReadBy, IgnitionFeature } from "../lib/ignition/version";
import { K3sRole, type K3sNodeProps } from "../lib/k3s/node";
import { FedoraCoreOsStream, FedoraCoreOs, K3sFedoraCoreOsInstall } from "../lib/os/fcos";
import { FCOS_SPECS, FCOS_VARIANT } from "../lib/os/fcos/releases";
import { Flatcar, FlatcarChannel, K3sFlatcarInstall } from "../lib/os/flatcar";
import { FLATCAR_SPECS, FLATCAR_VARIANT } from "../lib/os/flatcar/releases";
import { specOfRelease } from "../lib/os/ignition-os/releases";
import type { NodeBootstrap } from "../lib/os/os";
import { forDebianIgnition, newerThan34 } from "../lib/testing/debian-ignition";
import { prepareConfig } from "../lib/testing/firstboot/prepare";
import { ignitionValidateTool, runIgnitionValidate, substituteDeferred, validateWithSchema } from "../lib/testing/ignition";
import { prepareVmConfig } from "../lib/testing/vm/remote";
import { need } from "./helpers/external";
import { SSH_KEY } from "./fixtures/flatcar/inspect";

interface UpstreamCase {
  readonly from: string;
  readonly version: string;
  readonly config: Record<string, unknown>;
  readonly upstream: "valid" | "invalid";
  readonly error?: string;
  readonly field?: string;
  readonly stricter?: string;
}
const UPSTREAM = (JSON.parse(readFileSync(join(__dirname, "fixtures/ignition-upstream/cases.json"), "utf8")) as { cases: UpstreamCase[] }).cases;

/** Schema and rule checks together: what the library's validator says about a config. */
function ours(config: unknown): string[] {
  return [...validateWithSchema(config as object).map((p) => `schema: ${p}`), ...validateIgnitionSpec(config).map((p) => `semantic: ${p}`)];
}

let debianChecked = 0;
afterAll(() => console.log(`ignition-specs: ${UPSTREAM.length} upstream cases; ignition-validate compared on ${debianChecked} configs`));

describe("the spec each release reads", () => {
  it("follows coreos/ignition's release notes for which Ignition release reads which spec", () => {
    expect(FIRST_IGNITION_READING).toEqual({ "3.3.0": "2.14.0", "3.4.0": "2.15.0", "3.5.0": "2.20.0", "3.6.0": "2.26.0" });
    expect(highestSpecReadBy("2.14.0")).toBe(IgnitionVersion.V3_3_0);
    expect(highestSpecReadBy("2.19.0")).toBe(IgnitionVersion.V3_4_0);
    expect(highestSpecReadBy("2.24.0")).toBe(IgnitionVersion.V3_5_0);
    expect(highestSpecReadBy("2.26.0")).toBe(IgnitionVersion.V3_6_0);
    expect(highestSpecReadBy("2.13.0")).toBeUndefined();
  });

  it("keeps each table row consistent with the Ignition release it names", () => {
    for (const row of [...FLATCAR_SPECS.rows, ...FCOS_SPECS.rows]) {
      expect(row.source.length).toBeGreaterThan(10);
      if (row.ignition) expect(highestSpecReadBy(row.ignition), `${row.from}`).toBe(row.spec);
    }
  });

  it("gives Flatcar 3.3.0 from 3185, 3.4.0 from 3535 and 3.5.0 from 4593, and FCOS 3.6.0 from 44", () => {
    expect(specOfRelease(FLATCAR_SPECS, "3139.2.3")).toBeUndefined();
    expect(specOfRelease(FLATCAR_SPECS, "3185.0.0")).toBe(IgnitionVersion.V3_3_0);
    expect(specOfRelease(FLATCAR_SPECS, "3535.0.0")).toBe(IgnitionVersion.V3_4_0);
    expect(specOfRelease(FLATCAR_SPECS, "4592.9.9")).toBe(IgnitionVersion.V3_4_0);
    expect(specOfRelease(FLATCAR_SPECS, "4593.2.5")).toBe(IgnitionVersion.V3_5_0);
    expect(specOfRelease(FCOS_SPECS, "43.20260101.3.0")).toBe(IgnitionVersion.V3_4_0);
    expect(specOfRelease(FCOS_SPECS, "44.20260802.3.1")).toBe(IgnitionVersion.V3_6_0);
    expect(Flatcar.channel(FlatcarChannel.STABLE).ignitionVersion).toBe(IgnitionVersion.V3_5_0);
    expect(FedoraCoreOs.stream(FedoraCoreOsStream.STABLE).ignitionVersion).toBe(IgnitionVersion.V3_6_0);
  });

  it("refuses at the call a feature the pinned release cannot read, naming the release that can", () => {
    const os = Flatcar.release(FlatcarChannel.STABLE, "4081.2.0", { customize: (c) => c.addLuks("data", { device: "/dev/vdb", cex: true }) });
    const node: NodeBootstrap = { spec: { name: "n", role: NodeRole.WORKER, pool: "p", architecture: Architecture.AMD64 }, sshKeys: [] };
    expect(() => os.configFor(node)).toThrow(/Flatcar\/n: storage\.luks\[data\]\.cex: Flatcar does not support luks cex/);
    const sticky = Flatcar.release(FlatcarChannel.STABLE, "4081.2.0", { customize: (c) => c.addDirectory("/srv/drop", { mode: 0o1777 }) });
    expect(() => sticky.configFor(node)).toThrow(
      /storage\.directories\[\/srv\/drop\]\.mode: setuid, setgid or sticky mode bits needs Ignition spec 3\.6\.0, and this config renders spec 3\.4\.0\. Fix: .*no Flatcar release known here reads spec 3\.6\.0 yet/,
    );
    const fcos = FedoraCoreOs.release(FedoraCoreOsStream.STABLE, "40.20240906.3.0", { customize: (c) => c.addLuks("data", { device: "/dev/vdb", cex: true }) });
    expect(() => fcos.configFor(node)).toThrow(/luks cex \(IBM Crypto Express\) needs Ignition spec 3\.5\.0, and this config renders spec 3\.4\.0\. Fix: .*Fedora CoreOS reads spec 3\.5\.0 from 44\.0\.0\.0 \(Ignition 2\.26\.0\)/);
  });
});

describe("the typed builder covers what 3.5.0 and 3.6.0 added", () => {
  it("renders clevis and cex for Fedora CoreOS, and special mode bits at 3.6.0", () => {
    const c = new IgnitionConfig({ version: IgnitionVersion.V3_6_0, variant: FCOS_VARIANT })
      .addLuks("tpm", { device: "/dev/disk/by-partlabel/data", clevis: { tpm2: true, tang: [{ url: "https://tang.example", thumbprint: "abc", advertisement: "{}" }], threshold: 1 } })
      .addLuks("card", { device: "/dev/dasdb", cex: true })
      .addLuks("pin", { device: "/dev/vdc", clevis: { custom: { pin: "yubikey", config: "{}", needsNetwork: false } } })
      .addFile("/usr/local/bin/setuid", "#!/bin/sh\n", { mode: 0o4755 })
      .addDirectory("/var/local/tmp", { mode: 0o1777 });
    const spec = c.toSpec();
    expect(spec.storage?.luks).toEqual([
      { name: "tpm", device: "/dev/disk/by-partlabel/data", clevis: { tang: [{ url: "https://tang.example", thumbprint: "abc", advertisement: "{}" }], threshold: 1, tpm2: true } },
      { name: "card", device: "/dev/dasdb", cex: { enabled: true } },
      { name: "pin", device: "/dev/vdc", clevis: { custom: { pin: "yubikey", config: "{}", needsNetwork: false } } },
    ]);
    // coreos/ignition docs/migrating-configs.md "From Version 3.5.0 to 3.6.0": modes 2541 and 1023 (decimal).
    expect(spec.storage?.files?.[0].mode).toBe(2541);
    expect(spec.storage?.directories?.[0].mode).toBe(1023);
    expect(ours(spec)).toEqual([]);
  });

  it("names the first spec of every feature it gates", () => {
    expect(FEATURE_SINCE[IgnitionFeature.LUKS_CEX]).toBe(IgnitionVersion.V3_5_0);
    expect(FEATURE_SINCE[IgnitionFeature.MODE_SPECIAL_BITS]).toBe(IgnitionVersion.V3_6_0);
    expect(FEATURE_SINCE[IgnitionFeature.CLEVIS_ANY_CUSTOM_PIN]).toBe(IgnitionVersion.V3_6_0);
  });

  it("refuses clevis through Flatcar's variant only: Fedora CoreOS takes it", () => {
    const luks = { device: "/dev/vdb", clevis: { tpm2: true } };
    expect(() => new IgnitionConfig({ version: IgnitionVersion.V3_5_0, variant: FLATCAR_VARIANT }).addLuks("d", luks)).toThrow(MicroOsError);
    expect(() => new IgnitionConfig({ version: IgnitionVersion.V3_5_0, variant: FCOS_VARIANT }).addLuks("d", luks)).not.toThrow();
    expect(() => new IgnitionConfig({ version: IgnitionVersion.V3_5_0 }).addLuks("d", luks)).not.toThrow();
    const config = { ignition: { version: "3.5.0" }, storage: { luks: [{ name: "d", device: "/dev/vdb", clevis: { tpm2: true } }] } };
    expect(validateIgnitionSpec(config, { variant: FLATCAR_VARIANT })).toEqual([expect.stringMatching(/^storage\.luks\[0\]\.clevis: Flatcar does not support clevis/)]);
    expect(validateIgnitionSpec(config, { variant: FCOS_VARIANT })).toEqual([]);
  });

  it("refuses in a merge what the receiving config's spec or OS lacks", () => {
    const fcosPart = new IgnitionConfig({ version: IgnitionVersion.V3_5_0, variant: FCOS_VARIANT }).addLuks("d", { device: "/dev/vdb", clevis: { tpm2: true } });
    expect(() => new IgnitionConfig({ version: IgnitionVersion.V3_5_0, variant: FLATCAR_VARIANT, name: "flatcar/n" }).merge(fcosPart)).toThrow(/flatcar\/n: storage\.luks\[d\]\.clevis: Flatcar does not support clevis/);
  });
});

describe("the validator against coreos/ignition's own test cases", () => {
  it("carries the cases as data, each naming its upstream file", () => {
    expect(UPSTREAM.length).toBeGreaterThanOrEqual(90);
    for (const c of UPSTREAM) expect(c.from).toMatch(/^coreos\/ignition v2\.26\.0 config\/v3_[56]\//);
  });

  it.each(UPSTREAM.map((c, i) => [`${i}: ${c.from} (${c.upstream}${c.error ? ` ${c.error}` : ""})`, c] as const))("%s", (_, c) => {
    const problems = ours(c.config);
    if (c.upstream === "invalid") {
      expect(problems, JSON.stringify(c.config)).not.toEqual([]);
      if (c.field) expect(problems.some((p) => p.startsWith(`semantic: ${c.field}:`) || p.startsWith("schema:")), problems.join("\n")).toBe(true);
    } else if (c.stricter) {
      expect(problems, `stricter (${c.stricter})`).not.toEqual([]);
    } else {
      expect(problems).toEqual([]);
    }
  });

  it("agrees with Debian's ignition-validate on each case that 3.4.0 can hold", (ctx) => {
    need(ctx, ignitionValidateTool());
    let compared = 0;
    for (const c of UPSTREAM) {
      if (!["3.5.0", "3.6.0"].includes(c.version) || newerThan34(c.config).length || c.stricter) continue;
      // Debian's 2.14 froze 3.4.0-experimental before the Tang advertisement field (3.4.0 release;
      // docs/migrating-configs.md), so it ignores it with an "Unused key" warning.
      if (JSON.stringify(c.config).includes('"advertisement":"') && !JSON.stringify(c.config).includes('"advertisement":""')) continue;
      // A 3.5/3.6 case without 3.5/3.6 fields means the same at 3.4.0; Debian's 2.14 checks it there.
      const at34 = { ...c.config, ignition: { version: "3.4.0" } };
      const debian = runIgnitionValidate(JSON.stringify(at34));
      expect(debian.ok, `${c.from}: ${debian.output}`).toBe(c.upstream === "valid");
      expect(ours(at34).length === 0, `${c.from}: ${ours(at34).join("; ")}`).toBe(c.upstream === "valid");
      compared++;
      debianChecked++;
    }
    expect(compared).toBeGreaterThanOrEqual(40);
  });
});

/** Every Ignition config the tests keep on disk as a golden (test/fixtures), at 3.3.0 or 3.4.0. */
function goldens(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ign(\.json)?$/.test(name)) out.push([p.slice(__dirname.length + 1), readFileSync(p, "utf8")]);
      else if (/snapshot\.json$/.test(name)) {
        const text = readFileSync(p, "utf8");
        for (const m of text.matchAll(/"content": ?("(?:[^"\\]|\\.)*")/g)) {
          const content = JSON.parse(m[1]) as string;
          if (content.startsWith("{\"ignition\"")) out.push([`${p.slice(__dirname.length + 1)} content`, content]);
        }
      }
    }
  };
  walk(join(__dirname, "fixtures"));
  return out.filter(([, text]) => /"version":\s*"3\.[34]\.0"/.test(text));
}

describe("agreement with Debian's ignition-validate on 3.3.0 and 3.4.0 configs", () => {
  // Fixtures made to be refused by the real Ignition program while it writes, which validation
  // (Debian's and the spec's rules) accepts: the first-boot simulation (test/firstboot.test.ts)
  // shows Ignition failing on each. The library's validator refuses what it can see without writing.
  const APPLY_FAILURES: Record<string, { readonly ours: boolean; readonly why: string }> = {
    "fixtures/firstboot/bad-gzip.ign": { ours: true, why: "gzip is decoded while writing, not validated" },
    "fixtures/firstboot/truncated-gzip.ign": { ours: true, why: "gzip is decoded while writing, not validated" },
    "fixtures/firstboot/link-under-file.ign": { ours: false, why: "a path under a file fails only while writing; the library refuses it up front" },
  };

  it("gives the same verdict on every golden config the tests render", (ctx) => {
    need(ctx, ignitionValidateTool());
    const all = goldens();
    expect(all.length).toBeGreaterThanOrEqual(8);
    const verdicts: Record<string, { debian: boolean; ours: boolean }> = {};
    for (const [name, raw] of all) {
      const text = substituteDeferred(raw);
      verdicts[name] = { debian: runIgnitionValidate(text).ok, ours: ours(JSON.parse(text)).length === 0 };
      debianChecked++;
    }
    const expected = Object.fromEntries(all.map(([name]) => [name, APPLY_FAILURES[name] ? { debian: true, ours: APPLY_FAILURES[name].ours } : { debian: verdicts[name].debian, ours: verdicts[name].debian }]));
    expect(verdicts).toEqual(expected);
  });
});

// Node configs as the OSes render them: both roles, k3s on, both architectures.
const SHA = "0".repeat(64);
const K3S = "v1.31.4+k3s1";
function nodes(): NodeBootstrap[] {
  const make = (name: string, role: NodeRole, k3s: K3sNodeProps, architecture = Architecture.AMD64): NodeBootstrap => {
    const spec: NodeSpec = { name, role, pool: role === NodeRole.CONTROLLER ? "controllers" : "general", architecture };
    return { spec, hostname: name, sshKeys: [SSH_KEY], k3s };
  };
  return [
    make("controller-0", NodeRole.CONTROLLER, { role: K3sRole.CLUSTER_INIT, token: "t0ken", version: K3S, tlsSans: ["api.example.com"] }),
    make("controller-1", NodeRole.CONTROLLER, { role: K3sRole.SERVER, token: "t0ken", version: K3S, serverUrl: "https://10.0.1.10:6443" }),
    make("worker-0", NodeRole.WORKER, { role: K3sRole.AGENT, token: "t0ken", version: K3S, serverUrl: "https://10.0.1.10:6443" }, Architecture.ARM64),
  ];
}
const flatcarAt = (v?: IgnitionVersion) =>
  Flatcar.channel(FlatcarChannel.STABLE, { ignitionVersion: v, timezone: "Europe/Berlin", k3sInstall: K3sFlatcarInstall.sysext({ version: K3S, sha256: { amd64: SHA, arm64: SHA } }) });
const fcosAt = (v?: IgnitionVersion) => FedoraCoreOs.stream(FedoraCoreOsStream.STABLE, { ignitionVersion: v, timezone: "Europe/Berlin", k3sInstall: K3sFedoraCoreOsInstall.binary({ version: K3S, sha256: { amd64: SHA, arm64: SHA } }) });

describe("booting the newest spec with Debian's Ignition 2.14", () => {
  const oses: Array<[string, (v?: IgnitionVersion) => Flatcar | FedoraCoreOs, IgnitionVersion]> = [
    ["Flatcar stable", flatcarAt, IgnitionVersion.V3_5_0],
    ["Fedora CoreOS stable", fcosAt, IgnitionVersion.V3_6_0],
  ];

  it.each(oses)("%s: each node's config at the highest spec it reads differs from its 3.4.0 render only in the version", (_, osAt, newest) => {
    for (const n of nodes()) {
      const newer = JSON.parse(osAt().renderNode(n, localEncoder).content) as { ignition: { version: string } };
      const at34 = JSON.parse(osAt(IgnitionVersion.V3_4_0).renderNode(n, localEncoder).content) as { ignition: { version: string } };
      expect(newer.ignition.version).toBe(newest);
      expect(at34.ignition.version).toBe("3.4.0");
      expect({ ...newer, ignition: { ...newer.ignition, version: "3.4.0" } }).toEqual(at34);
      // ...so Debian's 2.14 reads it as 3.4.0-experimental, for checks and boots alike.
      const d = forDebianIgnition(newer);
      expect(d.ok && d.from).toBe(newest);
      expect(d.ok && (d.config.ignition as { version: string }).version).toBe("3.4.0-experimental");
    }
  });

  it.each(oses)("%s: the first-boot and VM preparers hand each node's config to Ignition 2.14 as 3.4.0-experimental", (_, osAt) => {
    for (const n of nodes()) {
      const text = osAt().renderNode(n, localEncoder).content;
      const first = prepareConfig(text, { stubRemote: true });
      expect(first.ok && (JSON.parse(first.text) as { ignition: { version: string } }).ignition.version).toBe("3.4.0-experimental");
      const vm = prepareVmConfig(text, "http://10.0.2.2:8080", SSH_KEY);
      expect((JSON.parse(vm.text) as { ignition: { version: string } }).ignition.version).toBe("3.4.0-experimental");
    }
  });

  it("says plainly which configs cannot be booted here, and why", () => {
    const cex = new IgnitionConfig({ version: IgnitionVersion.V3_6_0 }).addLuks("card", { device: "/dev/dasdb", cex: true }).addFile("/usr/local/bin/s", "x", { mode: 0o4755 }).render();
    const why = /Debian's Ignition 2\.14 reads up to 3\.4\.0-experimental, and this 3\.6\.0 config uses storage\.luks\[0\]\.cex \(spec 3\.5\.0\), storage\.files\[0\]\.mode 0o4755 \(special bits, applied from spec 3\.6\.0\), which 3\.4\.0 lacks/;
    const d = forDebianIgnition(JSON.parse(cex));
    expect(d.ok).toBe(false);
    expect(!d.ok && d.reason).toMatch(why);
    const prepared = prepareConfig(cex);
    expect(prepared.ok).toBe(false);
    expect(!prepared.ok && prepared.error).toMatch(/cannot boot with Debian's Ignition 2\.14/);
    expect(() => prepareVmConfig(cex, "http://10.0.2.2:8080", SSH_KEY)).toThrow(why);
    expect(runIgnitionValidate(cex).output).toMatch(/^not checked: /);
  });

  it("leaves 3.3.0 configs as they are", () => {
    const d = forDebianIgnition({ ignition: { version: "3.3.0" } });
    expect(d).toEqual({ ok: true, config: { ignition: { version: "3.3.0" } } });
  });
});
