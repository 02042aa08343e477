import fc from "fast-check";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { MicroOsError } from "../lib/core/errors";
import { TaintEffect } from "../lib/core/node";
import { K3osConfig } from "../lib/k3os";
import { applyK3sToK3os, K3sComponent, type K3sNodeProps, K3sRole, renderK3sConfigFile } from "../lib/k3s";
import { validateK3osConfig } from "../lib/testing/k3os";

const word = fc.stringMatching(/^[a-z0-9]([a-z0-9.-]{0,10}[a-z0-9])?$/);
const anyText = fc.string({ unit: "grapheme-ascii", maxLength: 20 });

const node: fc.Arbitrary<K3sNodeProps> = fc.record({
  role: fc.constantFrom(K3sRole.CLUSTER_INIT, K3sRole.SERVER, K3sRole.AGENT),
  token: fc.oneof(anyText, fc.constant("${TfToken[TOKEN.1]}")),
  version: fc.oneof(fc.constant("v1.31.4+k3s1"), anyText),
  serverUrl: fc.option(fc.oneof(word.map((h) => `https://${h}:6443`), anyText), { nil: undefined }),
  nodeName: fc.option(fc.oneof(word, anyText), { nil: undefined }),
  labels: fc.dictionary(fc.oneof(word, anyText), fc.oneof(word, anyText), { maxKeys: 3 }),
  taints: fc.array(fc.record({ key: fc.oneof(word, anyText), value: fc.option(word, { nil: undefined }), effect: fc.constantFrom(...Object.values(TaintEffect)) }), { maxLength: 2 }),
  nodeIp: fc.option(fc.oneof(fc.ipV4(), fc.ipV6(), anyText), { nil: undefined }),
  tlsSans: fc.array(fc.oneof(word, fc.ipV4(), anyText), { maxLength: 2 }),
  disable: fc.uniqueArray(fc.constantFrom(...Object.values(K3sComponent)), { maxLength: 2 }),
  extraArgs: fc.array(fc.oneof(word.map((w) => `--${w.replace(/\./g, "-")}=x`), anyText), { maxLength: 2 }),
});

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
      fc.property(node, (n) => {
        let text: string;
        try {
          text = applyK3sToK3os(new K3osConfig(), n).render();
        } catch {
          return;
        }
        rendered++;
        expect(validateK3osConfig(text)).toEqual([]);
      }),
      { numRuns: 400 },
    );
    expect(rendered).toBeGreaterThan(0);
  });

  it("carry any accepted token through the YAML unchanged", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 40 }).filter((t) => !/\s/.test(t) && !t.startsWith("K10")), (token) => {
        const n: K3sNodeProps = { role: K3sRole.AGENT, token, version: "v1.31.4+k3s1", serverUrl: "https://10.0.0.1:6443" };
        expect(parse(renderK3sConfigFile(n), { version: "1.1" }).token).toBe(token);
        expect(parse(applyK3sToK3os(new K3osConfig(), n).render(), { version: "1.1" }).k3os.token).toBe(token);
      }),
      { numRuns: 400 },
    );
  });
});
