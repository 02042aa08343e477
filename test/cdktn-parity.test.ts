/**
 * The two flavours give the same Terraform: every example (examples/catalog.ts) synthesized here
 * with cdktf is compared with its synth by cdktn-microos in a cdktn project (scripts/cdktn-test.sh
 * writes it and passes its directory as CDKTN_SYNTH_DIR; without it this file skips, saying so).
 * Every difference must be one of EXPECTED_DIFFERENCES (the README lists the same), each listed
 * one must occur, and the Terraform addresses (resources, data sources, variables, outputs,
 * providers) must be equal, so a stack moves from cdktf to cdktn without replacing anything.
 * The cdktn stacks then pass the validators the cdktf ones do: the libvirt 0.9.7 provider schema
 * and, for AWS, `terraform validate` with hashicorp/aws 5.100.0 from the mirror (the only AWS
 * provider here; see the README for what that cannot check about 6.x), tls and random resources
 * standing in as terraform_data as for the cdktf stacks.
 * This process loads cdktf only; the cdktn output arrives as JSON files.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { App } from "../lib/cdktf";
import { EXAMPLES, type ExampleName } from "../examples/catalog";
import { checkLibvirtResources } from "../lib/testing/libvirt-schema";
import { AWS_PROVIDER_VERSION, terraformTools, terraformValidateAndPlan } from "../lib/testing/terraform";
import { need } from "./helpers/external";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One difference between the cdktf and the cdktn synth of a stack, at a JSON path. */
export interface Difference {
  readonly path: string;
  readonly cdktf: Json | undefined;
  readonly cdktn: Json | undefined;
}

/** Every leaf where `a` and `b` differ, with its path (`terraform.required_providers.aws.version`). */
export function differences(a: Json | undefined, b: Json | undefined, at = ""): Difference[] {
  const isObject = (v: Json | undefined): v is { [key: string]: Json } => typeof v === "object" && v !== null && !Array.isArray(v);
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => differences(a[k], b[k], at ? `${at}.${k}` : k));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) return a.flatMap((v, i) => differences(v, b[i], `${at}[${i}]`));
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ path: at, cdktf: a, cdktn: b }];
}

/** A difference the two flavours are expected to show, and why. */
interface Expected {
  readonly path: RegExp;
  readonly why: string;
  /** The values on each side, when they are known. */
  readonly values?: { readonly cdktf: Json | undefined; readonly cdktn: Json | undefined };
  /** A check of the two values, when they depend on the example. */
  readonly check?: (d: Difference, example: string) => boolean;
}

/** The differences the README's "cdktf and cdktn output" table lists; nothing else may differ. */
const EXPECTED_DIFFERENCES: readonly Expected[] = [
  {
    path: /^terraform\.backend\.local\.path$/,
    why: "the default local backend's state path is absolute, in the directory the synth ran in: terraform.<stack>.tfstate in both",
    check: (d, example) => [d.cdktf, d.cdktn].every((p) => typeof p === "string" && path.basename(p) === `terraform.${example}.tfstate`),
  },
  {
    path: /^terraform\.required_providers\.aws\.source$/,
    why: 'the provider source address as each provider package writes it; both mean registry.terraform.io/hashicorp/aws',
    values: { cdktf: "aws", cdktn: "hashicorp/aws" },
  },
  {
    path: /^terraform\.required_providers\.aws\.version$/,
    why: "@cdktf/provider-aws 20.1.0 is generated for hashicorp/aws 5.100.0, @cdktn/provider-aws 25.7.0 for 6.66.0",
    values: { cdktf: "5.100.0", cdktn: "6.66.0" },
  },
  {
    path: /^terraform\.required_providers\.random\.version$/,
    why: "@cdktf/provider-random 12.0.1 is generated for hashicorp/random 3.7.2, @cdktn/provider-random 15.0.1 for 3.9.1",
    values: { cdktf: "3.7.2", cdktn: "3.9.1" },
  },
  {
    path: /^\/\/\.metadata\.version$/,
    why: "the framework's version in the stack metadata",
    values: { cdktf: "0.21.0", cdktn: "0.24.0" },
  },
];

const synthDir = process.env.CDKTN_SYNTH_DIR;
const names = Object.keys(EXAMPLES) as ExampleName[];
const seen = new Map<Expected, number>();
const counts: string[] = [];

function cdktfSynth(): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "cdktf-parity-"));
  const app = new App({ outdir });
  for (const name of names) EXAMPLES[name](app, name);
  app.synth();
  return outdir;
}

const read = (dir: string, name: string) => JSON.parse(fs.readFileSync(path.join(dir, "stacks", name, "cdk.tf.json"), "utf8")) as { [key: string]: Json };

/** Terraform addresses a stack declares: `aws_instance.x`, `data.aws_ami.y`, `var.z`, `output.w`, `provider.aws`. */
export function addresses(json: { [key: string]: Json }): string[] {
  const block = (key: string) => (json[key] ?? {}) as { [key: string]: Json };
  const out: string[] = [];
  for (const [type, byName] of Object.entries(block("resource"))) for (const name of Object.keys(byName as object)) out.push(`${type}.${name}`);
  for (const [type, byName] of Object.entries(block("data"))) for (const name of Object.keys(byName as object)) out.push(`data.${type}.${name}`);
  for (const name of Object.keys(block("variable"))) out.push(`var.${name}`);
  for (const name of Object.keys(block("output"))) out.push(`output.${name}`);
  for (const [type, configs] of Object.entries(block("provider"))) {
    for (const c of configs as { alias?: string }[]) out.push(`provider.${type}${c.alias ? `.${c.alias}` : ""}`);
  }
  return out.sort();
}

/**
 * The cdktn stack as the mirror's hashicorp/aws 5.100.0 accepts it: its aws constraint (6.66.0)
 * set to that version. The tls and random resources become stand-ins as for the cdktf stacks
 * (terraformValidateAndPlan's `standIns`): their providers are in no mirror here.
 */
function forAwsMirror(json: { [key: string]: Json }): { [key: string]: Json } {
  const copy = structuredClone(json) as { terraform: { required_providers: { aws: { version: string } } } };
  copy.terraform.required_providers.aws.version = AWS_PROVIDER_VERSION;
  return copy as unknown as { [key: string]: Json };
}

// Without the cdktn synth (a plain `npm test`) the comparison cannot run: say so and where it runs.
if (!synthDir) it.skip("compares with the cdktn synth: CDKTN_SYNTH_DIR is unset; npm run test:cdktn (scripts/cdktn-test.sh, run by CI) runs this file", () => {});

describe.skipIf(!synthDir)("cdktf and cdktn synthesize the same Terraform for every example", () => {
  const cdktfDir = synthDir ? cdktfSynth() : "";
  afterAll(() => {
    if (cdktfDir) fs.rmSync(cdktfDir, { recursive: true, force: true });
    console.log(`cdktn parity: ${counts.join("; ")}`);
  });

  for (const name of names) {
    describe(name, () => {
      const cdktf = () => read(cdktfDir, name);
      const cdktn = () => read(synthDir!, name);

      it("differs only as the README lists", () => {
        const diffs = differences(cdktf(), cdktn());
        const unexpected: Difference[] = [];
        for (const d of diffs) {
          const e = EXPECTED_DIFFERENCES.find((x) => x.path.test(d.path));
          if (!e) {
            unexpected.push(d);
            continue;
          }
          if (e.values) expect({ path: d.path, cdktf: d.cdktf, cdktn: d.cdktn }).toEqual({ path: d.path, ...e.values });
          if (e.check) expect(e.check(d, name), `${d.path}: ${JSON.stringify(d.cdktf)} / ${JSON.stringify(d.cdktn)}`).toBe(true);
          seen.set(e, (seen.get(e) ?? 0) + 1);
        }
        counts.push(`${name} ${diffs.length} (${diffs.map((d) => d.path).join(", ")})`);
        expect(unexpected).toEqual([]);
      });

      it("declares the same Terraform addresses (moving the stack replaces nothing)", () => {
        const a = addresses(cdktf());
        expect(a.length).toBeGreaterThan(0);
        expect(addresses(cdktn())).toEqual(a);
      });

      it("passes the validators the cdktf stack passes", (ctx) => {
        const json = cdktn();
        const types = Object.keys((json.resource ?? {}) as object);
        if (types.some((t) => t.startsWith("libvirt_"))) expect(checkLibvirtResources(json)).toEqual([]);
        if (types.some((t) => t.startsWith("aws_"))) {
          need(ctx, terraformTools());
          const result = terraformValidateAndPlan(forAwsMirror(json), { plan: false, standIns: true });
          expect(result.output).toMatch(/The configuration is valid/);
          expect(result.ok).toBe(true);
        }
      });
    });
  }

  it("shows every difference the README lists", () => {
    expect(EXPECTED_DIFFERENCES.filter((e) => !seen.has(e)).map((e) => e.why)).toEqual([]);
  });
});
