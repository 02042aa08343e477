/**
 * The token variable refuses at plan what would not survive being pasted into a node's YAML:
 * the same rule as the synth-time check (no white space), narrowed to printable ASCII. Checked by
 * the real terraform, which evaluates the variable's validation block.
 */
import { describe, expect, test } from "vitest";
import { TerraformOutput, TerraformStack, Testing } from "../lib/cdktf";
import { ClusterToken } from "../lib/cluster";
import { terraformTools, terraformValidateAndPlan } from "../lib/testing/terraform";
import { need } from "./helpers/external";

function tokenStack() {
  const stack = new TerraformStack(Testing.app(), "token");
  const value = ClusterToken.fromVariable({ name: "k3s_token" })._bind(stack);
  new TerraformOutput(stack, "token_out", { value, sensitive: true });
  return JSON.parse(Testing.synth(stack)) as Record<string, unknown>;
}

describe("ClusterToken.fromVariable", () => {
  test("the variable carries a validation block on printable ASCII", () => {
    const variable = (tokenStack().variable as Record<string, { validation: { condition: string; error_message: string }[] }>).k3s_token;
    expect(variable.validation).toHaveLength(1);
    expect(variable.validation[0].condition).toBe('${can(regex("^[!-~]+$", var.k3s_token))}');
  });

  test.for([
    ["letters and digits", true, "0123456789abcdefABCDEF"],
    ["punctuation", true, "s3cr3t!#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"],
    ["a space", false, "two words-0123456789"],
    ["a line break", false, "line-one\nline-two-0123"],
    ["a tab", false, "tab\there-0123456789"],
    ["non-ASCII", false, "schlüssel-0123456789"],
    ["DEL", false, "del\u007fhere-0123456789"],
  ] as const)("terraform plan on a token holding %s accepts it: %s", ([, ok, token], ctx) => {
    need(ctx, terraformTools());
    const result = terraformValidateAndPlan(tokenStack(), { plan: true, variables: { k3s_token: token } });
    expect(result.ok, result.output).toBe(ok);
    if (!ok) expect(result.output).toMatch(/The k3s token must be printable ASCII without spaces or line breaks/);
  });
});
