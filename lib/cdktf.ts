/**
 * The library's only door to cdktf and constructs. Every other file in lib/ imports them from here,
 * so a CDK Terrain (`cdktn`) build is a change to this one file.
 */
export {
  App,
  Aspects,
  Fn,
  Lazy,
  TerraformElement,
  TerraformHclModule,
  TerraformIterator,
  TerraformLocal,
  TerraformOutput,
  TerraformProvider,
  TerraformResource,
  TerraformStack,
  TerraformVariable,
  Testing,
  Token,
  VariableType,
} from "cdktf";
export type { ITerraformDependable, IResolvable, TerraformMetaArguments } from "cdktf";
export { Construct } from "constructs";
export type { IConstruct, IValidation } from "constructs";

import { Fn } from "cdktf";
import { type Encoder, isDeferred, localEncoder } from "./core/deferred";

/**
 * An encoder that computes in TypeScript when content is known at synth time and emits the
 * equivalent Terraform function (`base64encode`, `base64gzip`, `sha512`, `sha256`) when it holds
 * an apply-time value, so tokens survive every encoding step.
 */
export const terraformEncoder: Encoder = {
  base64: (t) => (isDeferred(t) ? Fn.base64encode(t) : localEncoder.base64(t)),
  base64gzip: (t) => (isDeferred(t) ? Fn.base64gzip(t) : localEncoder.base64gzip(t)),
  sha512hex: (t) => (isDeferred(t) ? Fn.sha512(t) : localEncoder.sha512hex(t)),
  sha256hex: (t) => (isDeferred(t) ? Fn.sha256(t) : localEncoder.sha256hex(t)),
};
