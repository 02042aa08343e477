import fc from "fast-check";
import { parse } from "yaml";
import { resolveApplyTime, terraformTextEncoder } from "../lib/testing/firstboot/applytime";
import { describe, expect, it } from "vitest";
import { MicroOsError } from "../lib/core/errors";
import { Architecture, TaintEffect } from "../lib/core/node";
import { IgnitionConfig } from "../lib/ignition";
import { K3osConfig } from "../lib/k3os";
import { K3sComponent, type K3sNodeProps, K3sRole, renderK3sConfigFile } from "../lib/k3s";
import { applyK3sToFlatcar, K3sFlatcarInstall } from "../lib/os/flatcar/k3s";
import { applyK3sToK3os } from "../lib/os/k3os/k3s";
import { checkIgnition, ignitionValidateTool } from "../lib/testing/ignition";
import { validateK3osConfig } from "../lib/testing/k3os";
import { need } from "./helpers/external";

const word = fc.stringMatching(/^[a-z0-9]([a-z0-9.-]{0,10}[a-z0-9])?$/);
const anyText = fc.string({ unit: "grapheme-ascii", maxLength: 20 });

const node: fc.Arbitrary<K3sNodeProps> = fc.record({
  role: fc.constantFrom(K3sRole.CLUSTER_INIT, K3sRole.SERVER, K3sRole.AGENT),
  token: fc.oneof(anyText, fc.constant("${TfToken[TOKEN.1]}")),
  version: fc.oneof(fc.constant("v1.36.4+k3s1"), anyText),
  serverUrl: fc.option(fc.oneof(word.map((h) => `https://${h}:6443`), anyText), { nil: undefined }),
  nodeName: fc.option(fc.oneof(word, anyText), { nil: undefined }),
  labels: fc.dictionary(fc.oneof(word, anyText), fc.oneof(word, anyText), { maxKeys: 3 }),
  taints: fc.array(fc.record({ key: fc.oneof(word, anyText), value: fc.option(word, { nil: undefined }), effect: fc.constantFrom(...Object.values(TaintEffect)) }), { maxLength: 2 }),
  nodeIp: fc.option(fc.oneof(fc.ipV4(), fc.ipV6(), anyText), { nil: undefined }),
  tlsSans: fc.array(fc.oneof(word, fc.ipV4(), anyText), { maxLength: 2 }),
  disable: fc.uniqueArray(fc.constantFrom(...Object.values(K3sComponent)), { maxLength: 2 }),
  extraArgs: fc.array(fc.oneof(word.map((w) => `--${w.replace(/\./g, "-")}=x`), anyText), { maxLength: 2 }),
});

/** Nodes built from well-formed parts, so most of them render. */
const wellFormed: fc.Arbitrary<K3sNodeProps> = fc
  .record({
    role: fc.constantFrom(K3sRole.CLUSTER_INIT, K3sRole.SERVER, K3sRole.AGENT),
    token: fc.oneof(fc.stringMatching(/^[!-~]{1,40}$/).filter((t) => !t.startsWith("K10")), fc.constant("${TfToken[TOKEN.1]}")),
    host: fc.oneof(word, fc.ipV4()),
    nodeName: fc.option(word, { nil: undefined }),
    labels: fc.dictionary(fc.tuple(fc.option(word, { nil: undefined }), word).map(([p, n]) => (p ? `${p}/${n}` : n)), fc.oneof(word, fc.constant(""), fc.constantFrom("on", "yes", "0600", "null", "1.5")), { maxKeys: 3 }),
    taints: fc.array(fc.record({ key: word, value: fc.option(word, { nil: undefined }), effect: fc.constantFrom(...Object.values(TaintEffect)) }), { maxLength: 2 }),
    nodeIp: fc.option(fc.oneof(fc.ipV4(), fc.ipV6()), { nil: undefined }),
    tlsSans: fc.array(fc.oneof(word, fc.ipV4()), { maxLength: 2 }),
    disable: fc.uniqueArray(fc.constantFrom(...Object.values(K3sComponent)), { maxLength: 2 }),
  })
  .map(({ role, host, ...rest }): K3sNodeProps => ({
    ...rest,
    role,
    version: "v1.22.2+k3s2",
    serverUrl: role === K3sRole.CLUSTER_INIT ? undefined : `https://${host}:6443`,
    tlsSans: role === K3sRole.AGENT ? [] : rest.tlsSans,
    disable: role === K3sRole.AGENT ? [] : rest.disable,
  }));

describe("k3s renderers on random nodes", () => {
  it("either render or throw a MicroOsError, never another error", () => {
    fc.assert(
      fc.property(node, (n) => {
        for (const render of [() => renderK3sConfigFile(n), () => applyK3sToK3os(new K3osConfig(), n).render()]) {
          try {
            render();
          } catch (e) {
            expect(e).toBeInstanceOf(MicroOsError);
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it("give k3OS configs that pass the strict schema and semantic checks whenever they render", () => {
    let rendered = 0;
    fc.assert(
      fc.property(fc.oneof(node, wellFormed), (n) => {
        let text: string;
        try {
          text = applyK3sToK3os(new K3osConfig(), n).render({ encoder: terraformTextEncoder });
        } catch {
          return;
        }
        rendered++;
        // Read as the node reads it: after apply.
        expect(validateK3osConfig(resolveApplyTime(text))).toEqual([]);
      }),
      { numRuns: 400 },
    );
    // Most well-formed nodes render (labels in reserved namespaces or bad hosts may be refused).
    expect(rendered).toBeGreaterThan(100);
  });

  it("carry any accepted token through the YAML unchanged", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 40 }).filter((t) => !/\s/.test(t) && !t.startsWith("K10")), (token) => {
        const n: K3sNodeProps = { role: K3sRole.AGENT, token, version: "v1.36.4+k3s1", serverUrl: "https://10.0.0.1:6443" };
        expect(parse(renderK3sConfigFile(n), { version: "1.1" }).token).toBe(token);
        expect(parse(applyK3sToK3os(new K3osConfig(), n).render(), { version: "1.1" }).k3os.token).toBe(token);
      }),
      { numRuns: 400 },
    );
  });

  it("give Flatcar Ignition that the schema, semantic checks and ignition-validate accept whenever they render", (ctx) => {
    need(ctx, ignitionValidateTool());
    const install = K3sFlatcarInstall.binary({ version: "v1.36.4+k3s1", sha256: { amd64: "a".repeat(64), arm64: "b".repeat(64) } });
    let checked = 0;
    fc.assert(
      fc.property(wellFormed, fc.constantFrom(Architecture.AMD64, Architecture.ARM64), (n, architecture) => {
        // Validators need known values: a literal token in place of the apply-time one.
        const node = { ...n, version: "v1.36.4+k3s1", token: n.token.includes("TfToken") ? "known-token" : n.token };
        let json: string;
        try {
          json = applyK3sToFlatcar(new IgnitionConfig(), node, { install, architecture }).render();
        } catch (e) {
          expect(e).toBeInstanceOf(MicroOsError);
          return;
        }
        checked++;
        expect(checkIgnition(json)).toEqual([]);
      }),
      { numRuns: 25 },
    );
    expect(checked).toBeGreaterThan(5);
  });
});

