/**
 * Every AWS stack the tests and examples synthesize, through the real terraform and
 * hashicorp/aws 5.100.0 from the filesystem mirror, offline.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Testing } from "../lib/cdktf";
import { ClusterToken } from "../lib/cluster";
import { offlineAwsProviderConfig, terraformTools, terraformValidateAndPlan, terraformValidateAndPlanTogether } from "../lib/testing/terraform";
import { FlatcarAwsStack } from "../examples/flatcar-aws/stack";
import { K3osAwsStack } from "../examples/k3os-aws/stack";
import { need } from "./helpers/external";
import { ALL_SCENARIOS } from "./fixtures/aws/scenarios";
import { checkRecordedStacks, checkStack, checkStacks, recordStack, tallyLine } from "./fixtures/aws/terraform";

const TOKEN_VAR = { k3s_token: "offline-test-token-0123456789abcdef" };

afterAll(() => {
  console.log(tallyLine(checkRecordedStacks()));
});

// Every stack below in two terraform runs (planned, validated) rather than one run each; the tests
// then read their stack's result (fixtures/aws/terraform.ts checkStacks). Without terraform the
// tests say they skipped (need).
beforeAll(() => {
  if (!terraformTools().location) return;
  checkStacks([
    ...ALL_SCENARIOS.map((s) => ({ json: s.build().json, options: scenarioCheck(s) })),
    { json: flatcarExample("ami-0123456789abcdef0").json, options: { plan: true, variables: TOKEN_VAR, standIns: true } },
    { json: flatcarExample().json, options: { plan: false, standIns: true } },
    { json: k3osExample().json, options: { plan: true, variables: TOKEN_VAR, standIns: true } },
  ]);
}, 600_000);

/** As the scenario's build records its stack (fixtures/aws/cluster.ts), so one check serves both. */
function scenarioCheck(s: { readonly lookup: boolean }) {
  return { plan: !s.lookup, standIns: true };
}

function flatcarExample(pinnedAmi?: string) {
  const stack = new FlatcarAwsStack(Testing.app(), "flatcar-aws", {
    provider: offlineAwsProviderConfig(),
    pinnedAmi,
    token: ClusterToken.fromVariable({ name: "k3s_token" }),
  });
  return { stack, json: JSON.parse(Testing.synth(stack)) };
}

function k3osExample() {
  const stack = new K3osAwsStack(Testing.app(), "k3os-aws", {
    amiId: "ami-0123456789abcdef0",
    provider: offlineAwsProviderConfig(),
    token: ClusterToken.fromVariable({ name: "k3s_token" }),
  });
  return { stack, json: JSON.parse(Testing.synth(stack)) };
}

describe("scenarios", () => {
  for (const s of ALL_SCENARIOS) {
    test(`${s.name} ${s.lookup ? "validates" : "plans"} offline`, (ctx) => {
      need(ctx, terraformTools());
      const { json } = s.build();
      expect((json.data as Record<string, unknown> | undefined)?.aws_ami !== undefined).toBe(s.lookup);
      const result = checkStack(json, scenarioCheck(s));
      expect(result.output).toMatch(s.lookup ? /The configuration is valid/ : /Plan: \d+ to add, 0 to change, 0 to destroy/);
      expect(result.ok).toBe(true);
    });
  }
});

describe("examples", () => {
  test("flatcar-aws with a pinned AMI plans offline", (ctx) => {
    need(ctx, terraformTools());
    const { stack, json } = flatcarExample("ami-0123456789abcdef0");
    recordStack(json, stack.binding.largestUserDataBytes, TOKEN_VAR);
    const result = checkStack(json, { plan: true, variables: TOKEN_VAR, standIns: true });
    expect(result.output).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy/);
    expect(result.ok).toBe(true);
  });

  test("flatcar-aws looking Flatcar stable up validates", (ctx) => {
    need(ctx, terraformTools());
    const { stack, json } = flatcarExample();
    recordStack(json, stack.binding.largestUserDataBytes);
    expect(Object.keys(json.data.aws_ami)).toHaveLength(1);
    const result = checkStack(json, { plan: false, standIns: true });
    expect(result.output).toMatch(/The configuration is valid/);
    expect(result.ok).toBe(true);
  });

  test("flatcar-aws has 3 controllers and a pool of 3 spot workers", () => {
    const { json } = flatcarExample("ami-0123456789abcdef0");
    expect(Object.keys(json.resource.aws_instance)).toHaveLength(3);
    const group = Object.values(json.resource.aws_autoscaling_group)[0] as Record<string, unknown>;
    expect(group.desired_capacity).toBe(3);
    const lt = Object.values(json.resource.aws_launch_template)[0] as Record<string, unknown>;
    expect(lt.instance_market_options).toEqual({ market_type: "spot" });
  });

  test("k3os-aws plans offline", (ctx) => {
    need(ctx, terraformTools());
    const { stack, json } = k3osExample();
    recordStack(json, stack.binding.largestUserDataBytes, TOKEN_VAR);
    const result = checkStack(json, { plan: true, variables: TOKEN_VAR, standIns: true });
    expect(result.output).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy/);
    expect(result.ok).toBe(true);
  });

  test("k3os-aws controllers carry the k3OS config as user data", () => {
    const { json } = k3osExample();
    const server = Object.entries(json.resource.aws_instance as Record<string, { user_data: string }>).find(([k]) => k.includes("k3os-controller-0"))![1];
    expect(server.user_data).toContain("hostname: k3os-controller-0");
    expect(server.user_data).toContain("k3os:");
  });
});

describe("terraform helper", () => {
  test("a stack terraform rejects is reported with terraform's message", (ctx) => {
    need(ctx, terraformTools());
    const result = terraformValidateAndPlan({ resource: { aws_vpc: { broken: { cidr_blockk: "10.0.0.0/16" } } } }, { plan: false });
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/Extraneous JSON object property/);
  });

  test("stacks checked together: one run when all pass, and the stack terraform rejects named when one does not", (ctx) => {
    need(ctx, terraformTools());
    // offlineAwsProviderConfig() as it synthesizes (Terraform's snake_case keys).
    const provider = { access_key: "AKIAOFFLINETESTING00", secret_key: "offline-testing-secret-key", region: "eu-central-1", skip_credentials_validation: true, skip_metadata_api_check: "true", skip_region_validation: true, skip_requesting_account_id: true };
    const vpc = (name: string, cidr: string) => ({ provider: { aws: [provider] }, resource: { aws_vpc: { [name]: { cidr_block: cidr } } } });
    const withVariable = { ...vpc("b", "${var.cidr}"), variable: { cidr: { type: "string" } } };
    const good = terraformValidateAndPlanTogether([{ stack: vpc("a", "10.0.0.0/16") }, { stack: withVariable, variables: { cidr: "10.1.0.0/16" } }]);
    expect(good.map((r) => [r.ok, r.planned])).toEqual([
      [true, true],
      [true, true],
    ]);
    expect(good[0].output).toMatch(/^2 stacks as child modules of one configuration\n/);
    expect(good[0].output).toMatch(/Plan: 2 to add, 0 to change, 0 to destroy/);
    const bad = terraformValidateAndPlanTogether([{ stack: vpc("a", "10.0.0.0/16") }, { stack: { resource: { aws_vpc: { broken: { cidr_blockk: "10.0.0.0/16" } } } } }], { plan: false });
    expect(bad.map((r) => r.ok)).toEqual([true, false]);
    expect(bad[1].output).toMatch(/Extraneous JSON object property/);
    expect(bad[0].output).not.toMatch(/child modules/);
  });
});
