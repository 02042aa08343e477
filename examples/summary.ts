/**
 * The short report the README's synth command prints after `app.synth()`: the nodes, the number
 * of resources, and each node's config size with the validators' verdict.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Cluster, type ConfigFormat, IGNITION_FORMAT, KAIROS_FORMAT } from "cdktf-microos";
import { checkIgnition, locateIgnitionValidate, resolveApplyTime, terraformExpressionText, validateK3osConfig, validateKairosConfig } from "cdktf-microos/testing";

export interface SummaryLine {
  readonly node: string;
  readonly format: ConfigFormat;
  readonly bytes: number;
  readonly problems: readonly string[];
}

/**
 * Checks every node's config with the validators that apply, as the node reads it: the config's
 * references resolved to Terraform expressions, then filled in with realistic values (PEMs,
 * tokens, names) and Terraform's functions evaluated (lib/testing/firstboot/applytime.ts).
 */
export function checkClusterConfigs(cluster: Cluster, options: { readonly ignitionValidate?: boolean } = {}): SummaryLine[] {
  const lines: SummaryLine[] = [];
  for (const [node, config] of cluster.renderedConfigs) {
    const text = resolveApplyTime(terraformExpressionText(cluster, config.content));
    const problems =
      config.format === IGNITION_FORMAT
        ? checkIgnition(text, { ignitionValidate: options.ignitionValidate ?? true })
        : config.format === KAIROS_FORMAT
          ? validateKairosConfig(text)
          : validateK3osConfig(text);
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
  const validate = locateIgnitionValidate() !== undefined;
  const lines = checkClusterConfigs(cluster, { ignitionValidate: validate });
  const verdictOf = (l: SummaryLine) => (l.problems.length ? `REFUSED: ${l.problems[0]}` : "ok");
  const checkers = (f: ConfigFormat) =>
    f === IGNITION_FORMAT ? (validate ? "schema+semantic+ignition-validate" : "schema+semantic (ignition-validate not installed)") : f === KAIROS_FORMAT ? "Kairos strict schema+semantic" : "k3OS strict schema+semantic";
  console.log(`\n${stackName}: ${cluster.nodes.length} node${cluster.nodes.length === 1 ? "" : "s"}, ${count(json.resource)} resources, ${count(json.data)} data sources -> ${join(outdir, "stacks", stackName)}`);
  for (const l of lines) {
    const spec = cluster.nodes.find((n) => n.name === l.node)!;
    console.log(`  ${l.node.padEnd(24)} ${spec.role.padEnd(10)} ${l.format.name.padEnd(8)} ${String(l.bytes).padStart(6)} B  ${checkers(l.format)}: ${verdictOf(l)}`);
  }
  return lines.every((l) => l.problems.length === 0);
}
