/**
 * The kit's apply-time evaluator (lib/testing/firstboot/applytime.ts) against the real Terraform:
 * each function the encoders emit (base64encode, base64gzip, sha512, sha256, jsonencode, and a
 * function of a function), template escapes and Unicode NFC, evaluated by `terraform console`
 * (no provider needed) and by the evaluator, on realistic and awkward texts.
 */
import { spawnSync } from "node:child_process";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { realisticValue, resolveApplyTime } from "../lib/testing/firstboot/applytime";
import { type ExternalTool, need } from "./helpers/external";

function terraformTool(): ExternalTool {
  const r = spawnSync("terraform", ["version"], { encoding: "utf8" });
  return { name: "terraform", location: r.status === 0 ? "terraform" : undefined, install: "install Terraform 1.x (developer.hashicorp.com/terraform/install)" };
}

/** A text as an HCL quoted template literal (HCL native syntax, "Template Literals": `\\uNNNN`, `\\UNNNNNNNN`, `$${`, `%%{`). */
function hcl(text: string): string {
  let out = "";
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (ch === "\\") out += "\\\\";
    else if (ch === '"') out += '\\"';
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    // Everything outside printable ASCII as an escape: the console reads its input by lines.
    else if (c < 0x20 || c >= 0x7f) out += c > 0xffff ? `\\U${c.toString(16).padStart(8, "0")}` : `\\u${c.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `"${out.replace(/\$\{|%\{/g, (m) => `${m[0]}${m}`)}"`;
}

const TEXTS = [
  realisticValue("tls_self_signed_cert.server-ca.cert_pem"),
  realisticValue("tls_private_key.server-ca-key.private_key_pem"),
  realisticValue("tls_private_key.service-account-key.private_key_pem"),
  realisticValue("random_password.token.result"),
  realisticValue("TfToken[TOKEN.1]"),
  "",
  "line\nwith trailing newline\n",
  'quotes " and \\ backslash, <html> & amp',
  "controls \u0001\u0008\u000c\u001f\u007f\u0085 and separators \u2028\u2029",
  "decomposed e\u0301 and composed \u00e9, astral \u{1f600}, BOM \ufeff",
  "template-like ${x} %{y} $${z}",
];

const FUNCTIONS = ["base64encode", "base64gzip", "sha512", "sha256", "jsonencode"] as const;

describe("the kit's Terraform functions agree with terraform console", () => {
  it("on each function, a function of a function, and Terraform's NFC", (ctx) => {
    const bin = need(ctx, terraformTool());
    const exprs: string[] = [];
    const real: string[] = [];
    for (const t of TEXTS) {
      const mine = [...FUNCTIONS.map((f) => `${f}(${hcl(t)})`), `jsonencode(base64encode(${hcl(t)}))`];
      exprs.push(...mine);
      // One console run per text (the console reads a line of at most 64 KiB): the list as JSON, as
      // base64 so the console's own quoting does not matter.
      const r = spawnSync(bin, ["console"], { input: `base64encode(jsonencode([${mine.join(", ")}]))\n`, encoding: "utf8", env: { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null", CHECKPOINT_DISABLE: "1" } });
      expect(r.status, r.stderr).toBe(0);
      real.push(...(JSON.parse(Buffer.from(JSON.parse(r.stdout.trim()) as string, "base64").toString("utf8")) as string[]));
    }
    expect(real).toHaveLength(exprs.length);
    exprs.forEach((expr, i) => {
      const ours = resolveApplyTime(`\${${expr}}`);
      if (expr.startsWith("base64gzip(")) {
        // gzip streams differ between implementations; both must gunzip to the same text.
        expect(gunzipSync(Buffer.from(ours, "base64")).toString("utf8"), expr).toBe(gunzipSync(Buffer.from(real[i], "base64")).toString("utf8"));
      } else {
        expect(ours, expr).toBe(real[i]);
      }
    });
  });
});
