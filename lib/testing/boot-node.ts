/**
 * `bootNode`: a Flatcar node's first boot, simulated with the real Ignition program on the config
 * the stack delivers to it (see ../firstboot.ts for what the simulation can and cannot check).
 */
import type { TerraformStack } from "../cdktf";
import { bootIgnition, FirstBootTree, ignitionProgramTool, rootPrivilegeTool, type BootOptions, type Stub, type Substitution } from "./firstboot";
import { resolveApplyTime, resolveApplyTimeReport, type ApplyTimeValues } from "./firstboot/applytime";
import { IGNITION_FORMAT } from "../ignition/format";
import { applyTimePlaceholder, type NodeConfig } from "./kit/nodes";
import { SynthResult, synthStack } from "./kit/synth";

export type { SkippableTest } from "./external";
import { need, type SkippableTest } from "./external";

/** Options for {@link bootNode}. */
export interface BootNodeOptions {
  /**
   * The running test (vitest's context, `it("...", async (ctx) => ...)`): when the Ignition program
   * or root privileges are missing, the test is skipped with how to get them. In CI (`CI` set)
   * it fails instead.
   * @default - a missing program fails the test with the same explanation
   */
  readonly test?: SkippableTest;
  /**
   * Bytes to serve for remote URLs the config downloads (a sysext image, a binary); their
   * verification hashes are checked. Other remote sources get a short placeholder text and lose
   * their hash. S3-offloaded configs are served from the stack's `aws_s3_object` automatically.
   * @default - placeholders for every download
   */
  readonly remoteContents?: BootOptions["remoteContents"];
  /**
   * Values for apply-time expressions (`var.x`, `random_password.x.result`, as listed in the
   * node's `applyTime`).
   * @default - each reads `<apply-time: EXPR>` on the node
   */
  readonly applyTimeValues?: ApplyTimeValues;
  /** Files the image holds before Ignition runs (path -> text). @default - the Flatcar seed only */
  readonly seedFiles?: BootOptions["seedFiles"];
}

/**
 * The root of a node after Ignition's first boot: a {@link FirstBootTree} (files, links, units,
 * users, keys) that also says which node it is and what the simulation stood in for.
 */
export class BootedNode extends FirstBootTree {
  constructor(
    /** The node's decoded config. */
    public readonly node: NodeConfig,
    tree: FirstBootTree,
    /** Remote sources served inline (S3 objects, downloads). */
    public readonly stubs: readonly Stub[],
    /** Apply-time values filled in. */
    public readonly substitutions: readonly Substitution[],
  ) {
    super({
      files: [...tree.files],
      directories: [...tree.directories],
      links: [...tree.links],
      users: [...tree.users],
      units: [...tree.units],
      keys: new Map(tree.users.map((u) => [u.name, [...tree.authorizedKeys(u.name)]])),
    });
  }

  /** For messages: `booted node demo-general-0`. */
  public describe(): string {
    return `booted ${this.node.pool !== undefined ? "pool" : "node"} ${this.node.name}`;
  }
}

/**
 * Applies a Flatcar node's Ignition as its first boot would, with the real Ignition program, and
 * returns the root it leaves. The config is the one the stack delivers (user data, launch
 * template, S3 object behind a stub, libvirt_ignition); apply-time values read
 * `<apply-time: EXPR>` unless given; downloads are stubbed (see `remoteContents`).
 *
 * Needs Debian's `ignition` package and root. Without them the test is skipped when
 * `options.test` is given (failed in CI); otherwise this throws saying how to install them.
 * Throws with Ignition's own error when Ignition refuses the config.
 */
export async function bootNode(source: TerraformStack | SynthResult, nodeName: string, options: BootNodeOptions = {}): Promise<BootedNode> {
  const synth = source instanceof SynthResult ? source : synthStack(source);
  const node = synth.node(nodeName);
  if (node.format !== IGNITION_FORMAT) {
    throw new Error(`${node.describe()} is a ${node.format.description.split(" ")[0]} node; the first-boot simulation applies Ignition (Flatcar) configs only`);
  }
  for (const tool of [ignitionProgramTool(), rootPrivilegeTool()]) need(options.test, tool, `bootNode(${nodeName}): ${tool.name}`);
  const b = node._boot;
  const values: Record<string, string> = {};
  for (const e of node.applyTime) if (!(e in b.values)) values[e] = applyTimePlaceholder(e);
  Object.assign(values, b.values, options.applyTimeValues ?? {});
  const resolveOptions = { locals: b.locals, values };
  const remote: Record<string, string | Uint8Array> = {};
  for (const [url, content] of Object.entries(b.objects)) remote[resolveApplyTime(url, resolveOptions)] = resolveApplyTime(content, resolveOptions);
  Object.assign(remote, options.remoteContents ?? {});
  // Filled in as Terraform would before anything parses it: a synthesized config holds
  // expressions like ${base64encode("...")} whose quotes make it JSON only once evaluated.
  const delivered = resolveApplyTimeReport(b.text, resolveOptions);
  const r = await bootIgnition(delivered.text, { stubRemote: true, remoteContents: remote, seedFiles: options.seedFiles });
  if (!r.ok) throw new Error(`${node.describe()}: Ignition refused its config${r.stage ? ` (${r.stage} stage)` : ""}:\n${r.error}`);
  return new BootedNode(node, r.tree, r.stubs, delivered.substitutions);
}
