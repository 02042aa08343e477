/**
 * Terraform names the cluster chooses (its outputs, a token variable the user names) must not be
 * declared a second time in the stack: cdktf merges every element's JSON into one `cdk.tf.json`,
 * where `variable` and `output` are objects keyed by name, so a second declaration silently
 * replaces the first (the user's variable or output disappears, or ours does). Checked when the
 * element is made, against what the stack holds then, and again when it is synthesized, against
 * everything added since.
 */
import { TerraformOutput, TerraformStack, TerraformVariable } from "../cdktf";
import { MicroOsError } from "../core/errors";

/** Where a clash is reported and how to mend it. */
export interface NameOwner {
  /** The construct path or entry point the error names. */
  readonly at: string;
  /** The prop that chose the name. */
  readonly field: string;
  /** What the user can do about it. */
  readonly fix: string;
}

/** Throws when another variable (or output) of the element's stack has the element's Terraform name. */
export function refuseNameClash(element: TerraformVariable | TerraformOutput, owner: NameOwner): void {
  const kind = element instanceof TerraformVariable ? "variable" : "output";
  const sameKind = (c: unknown): c is TerraformVariable | TerraformOutput => (kind === "variable" ? c instanceof TerraformVariable : c instanceof TerraformOutput);
  const name = element.friendlyUniqueId;
  const other = TerraformStack.of(element)
    .node.findAll()
    .find((c) => c !== element && sameKind(c) && c.friendlyUniqueId === name);
  if (other) {
    throw new MicroOsError(owner.at, owner.field, `the Terraform ${kind} "${name}" is also declared by ${other.node.path}, and cdk.tf.json keeps one ${kind} per name, so one would silently replace the other`, owner.fix);
  }
}
