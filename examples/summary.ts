/**
 * The short report the README's synth command prints after `app.synth()`: the nodes, the number
 * of resources, and each node's config size with the validators' verdict.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Cluster, ConfigFormat, ConfigValidator } from "cdktf-microos";
import { resolveApplyTime, terraformExpressionText } from "cdktf-microos/testing";

export interface SummaryLine {
  readonly node: string;
  readonly format: ConfigFormat;
  readonly bytes: number;
  readonly problems: readonly string[];
}

/** The format's validators that can run here (an external program may be missing), and a note on those that cannot. */
function validatorsOf(format: ConfigFormat): { readonly run: readonly ConfigValidator[]; readonly missing: readonly string[] } {
  const run = format.validators.filter((v) => v.unavailable?.() === undefined);
  return { run, missing: format.validators.filter((v) => !run.includes(v)).map((v) => `${v.name} not installed`) };
}

/**
 * Checks every node's config with its format's validators (the summary names no format), as the
 * node reads it: the config's references resolved to Terraform expressions, then filled in with
 * realistic values (PEMs, tokens, names) and Terraform's functions evaluated
 * (lib/testing/firstboot/applytime.ts). `external: false` leaves out validators that run a
 * program (those that can say they are unavailable).
 */
export function checkClusterConfigs(cluster: Cluster, options: { readonly external?: boolean } = {}): SummaryLine[] {
  const lines: SummaryLine[] = [];
  for (const [node, config] of cluster.renderedConfigs) {
    const text = resolveApplyTime(terraformExpressionText(cluster, config.content));
    const validators = validatorsOf(config.format).run.filter((v) => options.external !== false || v.unavailable === undefined);
    const problems = validators.flatMap((v) => v.check(text, {}).map((p) => `${v.prefix ?? v.name}: ${p}`));
    lines.push({ node, format: config.format, bytes: Buffer.byteLength(config.content, "utf8"), problems });
  }
  return lines;
}

/** Prints the summary of one synthesized stack; returns false when a validator refused a config. */
export function printSummary(outdir: string, stackName: string, cluster: Cluster): boolean {
  const json = JSON.parse(readFileSync(join(outdir, "stacks", stackName, "cdk.tf.json"), "utf8")) as {
    resource?: Record<string, Record<string, unknown>>;
    data?: Record<string, Record<string, unknown>>;
  };
  const count = (block?: Record<string, Record<string, unknown>>) =>
    Object.values(block ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
  const lines = checkClusterConfigs(cluster);
  const verdictOf = (l: SummaryLine) => (l.problems.length ? `REFUSED: ${l.problems[0]}` : "ok");
  const checkers = (f: ConfigFormat) => {
    const { run, missing } = validatorsOf(f);
    return `${run.map((v) => v.name).join("+")}${missing.length ? ` (${missing.join(", ")})` : ""}`;
  };
  console.log(`\n${stackName}: ${cluster.nodes.length} node${cluster.nodes.length === 1 ? "" : "s"}, ${count(json.resource)} resources, ${count(json.data)} data sources -> ${join(outdir, "stacks", stackName)}`);
  for (const l of lines) {
    const spec = cluster.nodes.find((n) => n.name === l.node)!;
    console.log(`  ${l.node.padEnd(24)} ${spec.role.padEnd(10)} ${l.format.name.padEnd(8)} ${String(l.bytes).padStart(6)} B  ${checkers(l.format)}: ${verdictOf(l)}`);
  }
  return lines.every((l) => l.problems.length === 0);
}
