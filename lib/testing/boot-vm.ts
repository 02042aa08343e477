/**
 * `bootVm`: a Flatcar node's config booted for real in a VM (lib/testing/vm): Debian's Ignition in
 * the initramfs, real disks, systemd and ssh. See ../vm/index.ts for what it can and cannot check.
 */
import type { TerraformStack } from "../cdktf";
import { need, type SkippableTest } from "./external";
import { bootIgnitionInVm, qemuTool, vmImageTool, type VmBootOptions, type VmReport } from "./vm";
import { IGNITION_FORMAT } from "../ignition/format";
import type { NodeConfig } from "./kit/nodes";
import { SynthResult, synthStack } from "./kit/synth";

/** Options for {@link bootVm}. */
export interface BootVmOptions extends VmBootOptions {
  /**
   * The running test (vitest's context): when QEMU or the image is missing the test is skipped
   * with how to get them; in CI (`CI` set) it fails instead.
   * @default - a missing tool fails with the same explanation
   */
  readonly test?: SkippableTest;
}

/** A node's VM boot: the report, and which node it was. */
export interface BootedVm extends VmReport {
  /** The node's decoded config. */
  readonly node: NodeConfig;
  /** The config text that was booted (before the runner added its key and served remote sources). */
  readonly config: string;
}

/**
 * Boots node `nodeName` of a synthesized stack in a VM and returns what it holds. The config is
 * the one the node reads (an S3-offloaded config's full object; apply-time values filled with
 * the kit's stand-ins); remote contents come from a local server (`remoteContents`, else
 * stand-ins, each listed in `served`). Throws `VmBootError` on emergency mode, a unit systemd
 * refuses, or no ssh; skips (fails in CI) where QEMU or the image is missing.
 */
export async function bootVm(source: TerraformStack | SynthResult, nodeName: string, options: BootVmOptions = {}): Promise<BootedVm> {
  const synth = source instanceof SynthResult ? source : synthStack(source);
  const node = synth.node(nodeName);
  if (node.format !== IGNITION_FORMAT) {
    throw new Error(`${node.describe()} is a ${node.format.description.split(" ")[0]} node; the VM boot runs Ignition (Flatcar) configs only`);
  }
  for (const tool of [qemuTool(), vmImageTool()]) need(options.test, tool, `bootVm(${nodeName}): ${tool.name}`);
  const config = node._resolved.text;
  const report = await bootIgnitionInVm(config, options);
  return { ...report, node, config };
}
