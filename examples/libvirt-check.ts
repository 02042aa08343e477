/**
 * After synth, checks a libvirt stack's cdk.tf.json against the dmacvicar/libvirt 0.8.3 schema,
 * so an example never writes a configuration the provider would refuse.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { checkLibvirtResources } from "../lib/testing/libvirt-schema";

export function assertLibvirtConforms(outdir: string, stackName: string): void {
  const file = join(outdir, "stacks", stackName, "cdk.tf.json");
  const problems = checkLibvirtResources(JSON.parse(readFileSync(file, "utf8")));
  if (problems.length > 0) {
    console.error(`${file} breaks the libvirt 0.8.3 schema:\n${problems.join("\n")}`);
    process.exit(1);
  }
  console.log(`${file}: every libvirt resource conforms to the 0.8.3 schema`);
}
