/**
 * Text that reaches Terraform survives it: literal `${`, `%{`, quotes, backslashes and control
 * characters next to apply-time values, in plain attributes (terraformLiteral) and inside
 * Terraform functions (terraformEncoder). Checked by letting the real terraform evaluate a stack
 * of outputs (no provider needed) and comparing with what the text should be.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { TerraformOutput, TerraformStack, TerraformVariable, Testing, terraformEncoder, terraformLiteral } from "../lib/cdktf";
import { findTerraform } from "../lib/testing/terraform";
import { need } from "./helpers/external";

const SECRET = "s3cr3t-Value";
// Everything Terraform or cdktf could misread: template sequences, quotes, escapes, a tab, a CR, UTF-8.
// (A `${` left open before an apply-time value is beyond this: cdktf then reads the value as nested
// in an expression. Config text closes its sequences: shell and systemd `${VAR}`.)
const literal = 'Environment="HOME=${HOME}" %{if x} 100%\\n back\\slash\ttab\r\n grüße $${keep} ${A:-b}';
const tokenText = (token: string) => `${literal}\ntoken: ${token}\nend "q"\n`;

describe("text through Terraform", () => {
  it("keeps every character and fills in the apply-time value", (ctx) => {
    const terraform = need(ctx, { name: "terraform", location: findTerraform(), install: "install terraform 1.x (the machine image ships 1.11.4)" });
    const stack = new TerraformStack(Testing.app(), "text");
    const token = new TerraformVariable(stack, "token", { type: "string", default: SECRET }).stringValue;
    const withToken = tokenText(token);
    new TerraformOutput(stack, "plain", { value: terraformLiteral(literal) });
    new TerraformOutput(stack, "mixed", { value: terraformLiteral(withToken) });
    new TerraformOutput(stack, "b64", { value: terraformEncoder.base64(withToken) });
    new TerraformOutput(stack, "gz", { value: terraformEncoder.base64gzip(withToken) });
    new TerraformOutput(stack, "sha512", { value: terraformEncoder.sha512hex(withToken) });
    new TerraformOutput(stack, "sha256", { value: terraformEncoder.sha256hex(withToken) });
    const synth = JSON.parse(Testing.synth(stack)) as Record<string, unknown>;
    const dir = mkdtempSync(join(tmpdir(), "tf-text-"));
    try {
      writeFileSync(join(dir, "main.tf.json"), JSON.stringify({ variable: synth.variable, output: synth.output }));
      const env = { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" };
      execFileSync(terraform, ["init", "-input=false", "-no-color"], { cwd: dir, env, stdio: "pipe" });
      execFileSync(terraform, ["apply", "-auto-approve", "-input=false", "-no-color"], { cwd: dir, env, stdio: "pipe" });
      const out = JSON.parse(execFileSync(terraform, ["output", "-json"], { cwd: dir, env }).toString()) as Record<string, { value: string }>;
      const expected = tokenText(SECRET);
      expect(out.plain.value).toBe(literal);
      expect(out.mixed.value).toBe(expected);
      expect(Buffer.from(out.b64.value, "base64").toString("utf8")).toBe(expected);
      expect(gunzipSync(Buffer.from(out.gz.value, "base64")).toString("utf8")).toBe(expected);
      expect(out.sha512.value).toBe(createHash("sha512").update(expected).digest("hex"));
      expect(out.sha256.value).toBe(createHash("sha256").update(expected).digest("hex"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("leaves text without template sequences as it is", () => {
    expect(terraformLiteral('plain "json" {"a":1}')).toBe('plain "json" {"a":1}');
  });

  it("escapes literal template sequences but not cdktf tokens", () => {
    expect(terraformLiteral("a ${HOME} %{x} ${TfToken[TOKEN.7]}")).toBe("a $${HOME} %%{x} ${TfToken[TOKEN.7]}");
  });
});
