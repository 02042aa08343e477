/**
 * Byte-exact delivery, read as each OS's own reader reads it: arbitrary strings as a pool file's
 * content (known at synth, and known only at apply time) and as the cluster token, on every
 * example (every OS x platform x delivery), arrive on the node exactly after Terraform's
 * evaluation (the kit's evaluator, checked against `terraform console` in
 * test/applytime-terraform.test.ts) and after parsing: go-yaml v2 through ghodss/yaml for k3OS,
 * yaml.v3 for yip (Kairos), JSON and data URLs for Ignition.
 */
import fc from "fast-check";
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { EXAMPLES, type ExampleName } from "../examples/catalog";
import { Testing, TerraformVariable } from "../lib/cdktf";
import { decodeDataUrl } from "../lib/ignition/encode";
import { IGNITION_FORMAT } from "../lib/ignition/format";
import { K3osConfig } from "../lib/k3os";
import { decodeK3osContent } from "../lib/k3os/decode";
import { K3OS_FORMAT } from "../lib/k3os/format";
import { KairosConfig, KairosStage } from "../lib/kairos";
import { KAIROS_FORMAT } from "../lib/kairos/format";
import { resolveApplyTime, terraformTextEncoder } from "../lib/testing/firstboot/applytime";
import { findNodes } from "../lib/testing/kit/delivery";
import { need } from "./helpers/external";
import { goYamlReaderTool, type GoYamlMode, readGoYaml } from "./helpers/go-yaml";

const PROBE = "/etc/microos-probe";
const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOKtq6hCw2cvBvT3m5JTp0VsDLt4Ox/JYm8CqXx9HQYb admin@example";
// A modest number of runs per property keeps the file fast (well under 20 s here).
const RUNS = 12;

/** Any Unicode text, including control characters, line breaks at either end, quotes, `${`, `%{`. */
const anyText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 60 }),
  fc.string({ unit: fc.constantFrom("\n", "\r", "\t", " ", ":", "#", '"', "'", "\\", "${", "%{", "|", "-", "é", "e\u0301", "\u0085", "\u2028", "\u007f", "\ufeff", "0", "a"), maxLength: 30 }),
);

/** yip renders a file's content as a Go template after decoding it (mudler/yip v1.24.0 pkg/plugins/common.go templateSysData). */
const noTemplate = (s: string): boolean => !s.includes("{{");

function fileOf(mode: GoYamlMode | "ignition", text: string, path: string, bin?: string): Buffer | undefined {
  if (mode === "ignition") {
    const config = JSON.parse(text) as { storage?: { files?: Array<{ path: string; contents?: { source?: string; compression?: string } }> } };
    const f = config.storage?.files?.find((x) => x.path === path);
    return f?.contents?.source === undefined ? undefined : decodeDataUrl(f.contents.source, f.contents.compression);
  }
  const [read] = readGoYaml(bin!, [{ mode, text }]);
  if (read.error) throw new Error(`${mode} reader: ${read.error}`);
  if (mode === "k3os") {
    const files = ((read.value as { write_files?: Array<{ path: string; content?: string; encoding?: string }> }).write_files ?? []);
    const f = files.find((x) => x.path === path);
    // k3OS writes DecodeContent(content, encoding) (rancher/k3os pkg/util/decode.go, pkg/writefile/writefile.go).
    return f && decodeK3osContent(f.content ?? "", f.encoding ?? "");
  }
  const stages = (read.value as { stages: Record<string, Array<{ Files: Array<{ Path: string; Content: string; Encoding: string }> | null }>> }).stages ?? {};
  const f = Object.values(stages).flatMap((steps) => steps.flatMap((s) => s.Files ?? [])).find((x) => x.Path === path);
  // yip: newDecoder(encoding).Decode(content) (mudler/yip v1.24.0 pkg/plugins/file_decoder.go).
  return f && decodeK3osContent(f.Content, f.Encoding);
}

describe("a file known at synth reaches the node byte for byte (model level, every YAML OS)", () => {
  it("k3OS write_files, read by go-yaml v2 through ghodss/yaml", (ctx) => {
    const bin = need(ctx, goYamlReaderTool());
    fc.assert(
      fc.property(anyText, (s) => {
        const text = resolveApplyTime(new K3osConfig({ writeFiles: [{ path: PROBE, content: s }] }).render({ encoder: terraformTextEncoder }));
        expect(fileOf("k3os", text, PROBE, bin)?.toString("utf8")).toBe(s);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it("Kairos stage files, read by yaml.v3 as yip reads them", (ctx) => {
    const bin = need(ctx, goYamlReaderTool());
    fc.assert(
      fc.property(anyText.filter(noTemplate), (s) => {
        const config = new KairosConfig({ users: [{ name: "kairos", sshAuthorizedKeys: [KEY] }] }).addFile({ path: PROBE, content: s }, KairosStage.BOOT);
        const text = resolveApplyTime(config.render({ encoder: terraformTextEncoder }));
        expect(fileOf("yip", text, PROBE, bin)?.toString("utf8")).toBe(s);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it("a value known only at apply time, in a file and as the k3OS token, after Terraform's NFC", (ctx) => {
    const bin = need(ctx, goYamlReaderTool());
    fc.assert(
      // A token: no white space (k3s), not K10 (a secure token has a form), and none of DEL, the C1
      // controls, U+FFFE/U+FFFF, which Terraform's jsonencode leaves raw and YAML 1.1 forbids
      // (go-yaml v2 readerc.go: "control characters are not allowed"); see the README.
      fc.property(anyText, anyText.filter((t) => t.length > 0 && !/\s|[\u0085\u2028\u2029\ufeff\u007f-\u009f\ufffe\uffff]/.test(t) && !t.startsWith("K10")), (s, token) => {
        const config = new K3osConfig({ token: "${TfToken[TOKEN.1]}", k3sArgs: ["server"], writeFiles: [{ path: PROBE, content: "${TfToken[TOKEN.2]}" }] });
        const text = resolveApplyTime(config.render({ encoder: terraformTextEncoder }), { values: { "TfToken[TOKEN.1]": token, "TfToken[TOKEN.2]": s } });
        expect(fileOf("k3os", text, PROBE, bin)?.toString("utf8")).toBe(s.normalize("NFC"));
        const [read] = readGoYaml(bin, [{ mode: "k3os", text }]);
        expect(read.error).toBeUndefined();
        expect((read.value as { k3os: { token: string } }).k3os.token).toBe(token.normalize("NFC"));
      }),
      { numRuns: RUNS * 2 },
    );
  });
});

const FORMAT_OF = (name: string) => (name.startsWith("k3os") ? K3OS_FORMAT : name.startsWith("kairos") ? KAIROS_FORMAT : IGNITION_FORMAT);
const READER_OF = (name: string): GoYamlMode | "ignition" => (name.startsWith("k3os") ? "k3os" : name.startsWith("kairos") ? "yip" : "ignition");

/** An example with an apply-time probe file on each of its pools, synthesized once. */
function probed(name: ExampleName): Record<string, unknown> {
  const app = Testing.app();
  const cluster = EXAMPLES[name](app, "probe");
  const probe = new TerraformVariable(cluster, "probe", { type: "string" }).stringValue;
  const format = FORMAT_OF(name);
  // Every pool but the controllers of an OS that reads only user data on AWS: the platform's size
  // estimate counts 1 KiB per apply-time value (lib/platform/aws/delivery.ts DEFERRED_VALUE_BUDGET),
  // and kairos-aws's first controller is near the 16 KiB limit by that count (9.7 KB in fact).
  const skip = name === "kairos-aws" || name === "k3os-aws" ? "controllers" : undefined;
  for (const pool of new Set(cluster.nodes.map((n) => n.pool).filter((p) => p !== skip))) {
    if (format === K3OS_FORMAT) cluster.pool(pool).customize(K3OS_FORMAT, (c) => c.addFile({ path: PROBE, content: probe }));
    else if (format === KAIROS_FORMAT) cluster.pool(pool).customize(KAIROS_FORMAT, (c) => c.addFile({ path: PROBE, content: probe }));
    else cluster.pool(pool).customize(IGNITION_FORMAT, (c) => c.addFile(PROBE, probe, { mode: 0o644 }));
  }
  return JSON.parse(Testing.synth(cluster.node.scope as never)) as Record<string, unknown>;
}

describe.each(Object.keys(EXAMPLES) as ExampleName[])("example %s: an apply-time pool file arrives byte for byte on every node", (name) => {
  it("after Terraform's evaluation and the OS's reader", (ctx) => {
    const reader = READER_OF(name);
    const bin = reader === "ignition" ? undefined : need(ctx, goYamlReaderTool());
    const json = probed(name);
    const probeVar = Object.keys((json.variable ?? {}) as object).find((k) => k.includes("probe"))!;
    let checked = 0;
    fc.assert(
      fc.property(reader === "yip" ? anyText.filter(noTemplate) : anyText, (s) => {
        for (const node of findNodes(json, { values: { [`var.${probeVar}`]: s } })) {
          if ((name === "kairos-aws" || name === "k3os-aws") && node.name.includes("controller")) continue;
          const bytes = fileOf(reader, node._resolved.text, PROBE, bin);
          expect(bytes, `${name} ${node.describe()}`).toBeDefined();
          // Terraform holds every string in NFC (zclconf/go-cty StringVal): the value is what Terraform has.
          expect(bytes!.toString("utf8"), `${name} ${node.describe()} sha256 ${createHash("sha256").update(s).digest("hex")}`).toBe(s.normalize("NFC"));
          checked++;
        }
      }),
      { numRuns: RUNS },
    );
    expect(checked).toBeGreaterThanOrEqual(RUNS);
  });
});
