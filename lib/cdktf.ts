/**
 * The library's only door to cdktf and constructs. Every other file in lib/ imports them from here,
 * so a CDK Terrain (`cdktn`) build is a change to this one file.
 */
export {
  Annotations,
  App,
  Aspects,
  Fn,
  Lazy,
  TerraformDataSource,
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
export type { ITerraformDependable, IResolvable, IResolveContext, TerraformMetaArguments } from "cdktf";
export { Construct } from "constructs";
export type { IConstruct, IValidation } from "constructs";

import { DefaultTokenResolver, Fn, type IResolvable, StringConcat, TerraformStack, Token, Tokenization } from "cdktf";
import type { IConstruct as Scope } from "constructs";
import { type Encoder, goJsonString, isDeferred, localEncoder } from "./core/deferred";

/**
 * Text as the body of an HCL quoted string, for a cdktf function argument: cdktf refuses an
 * argument with unescaped double quotes and passes backslashes, control characters and `%{`
 * through as they are, while it escapes a literal `${` itself (cdktf lib/functions/helpers.ts).
 * Escapes per the HCL native syntax spec ("Template Literals"); cdktf's token markers hold none of
 * these characters, so they stay intact.
 */
function hclStringBody(text: string): string {
  return text
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/\n/g, "\\n")
    .replace(/\r/g, "\\r")
    .replace(/\t/g, "\\t")
    .replace(/%\{/g, "%%{");
}

/**
 * An encoder that computes in TypeScript when content is known at synth time and emits the
 * equivalent Terraform function (`base64encode`, `base64gzip`, `sha512`, `sha256`) when it holds
 * an apply-time value, so tokens survive every encoding step.
 */
export const terraformEncoder: Encoder = {
  base64: (t) => (isDeferred(t) ? Fn.base64encode(hclStringBody(t)) : localEncoder.base64(t)),
  base64gzip: (t) => (isDeferred(t) ? Fn.base64gzip(hclStringBody(t)) : localEncoder.base64gzip(t)),
  sha512hex: (t) => (isDeferred(t) ? Fn.sha512(hclStringBody(t)) : localEncoder.sha512hex(t)),
  sha256hex: (t) => (isDeferred(t) ? Fn.sha256(hclStringBody(t)) : localEncoder.sha256hex(t)),
  json: (t) => (isDeferred(t) ? Fn.jsonencode(hclStringBody(t)) : goJsonString(t)),
};

// cdktf's string token markers (lib/tokens/private/encoding.ts); a `${` that starts one is a
// reference, every other `${` or `%{` in text is literal.
const TEMPLATE_SEQUENCE = /(\$\{TfToken\[[A-Za-z0-9_.-]+\]\})|\$\{|%\{/g;

/**
 * Text for a Terraform string attribute (user data, a config's content), with its literal `${`
 * and `%{` escaped as `$${` and `%%{` so Terraform does not read them as template sequences
 * (Terraform JSON syntax: strings are templates). cdktf passes plain strings through unescaped.
 * cdktf tokens stay references.
 */
export function terraformLiteral(text: string): string {
  return text.replace(TEMPLATE_SEQUENCE, (m, token: string | undefined) => (token ? token : m === "${" ? "$${" : "%%{"));
}

/**
 * A value produced when the stack is resolved, once. It is what cdktf's Lazy is (cdktf resolves
 * what it produces again, tokens included: tokens/resolvable.js resolveToken) without the full
 * stack trace LazyBase captures at creation (tokens/lazy.js, private/stack-trace.js), which a
 * large cluster pays per machine; a resolution error then names no creation stack.
 */
class Produced<T> implements IResolvable {
  public readonly creationStack: string[] = [];
  private value?: { readonly v: T };

  constructor(private readonly produce: () => T) {}

  public resolve(): T {
    this.value ??= { v: this.produce() };
    return this.value.v;
  }

  public toString(): string {
    return Token.asString(this);
  }
}

/**
 * A string attribute whose value is produced when the stack is synthesized, once: how configs
 * rendered from escape hatches added after construction reach resources made at construction.
 * The produced text may itself hold cdktf tokens (references, Terraform functions).
 */
export function lazyString(produce: () => string): string {
  return Token.asString(new Produced(produce));
}

/**
 * Any value produced when the stack is resolved, once (see {@link lazyString}). cdktf passes a
 * token through where it would otherwise walk the value itself (an output's value:
 * terraform-output.js synthesizeValue), and resolves what it produces like any other value.
 */
export function lazyValue(produce: () => unknown): IResolvable {
  return new Produced(produce);
}

/** A number attribute produced when the stack is synthesized, once (see {@link lazyString}). */
export function lazyNumber(produce: () => number): number {
  return Token.asNumber(new Produced(produce));
}

/**
 * A text as Terraform receives it in the synthesized stack: every cdktf token replaced by its
 * Terraform expression (`${random_password.x.result}`, `${jsonencode(...)}`), for checks that fill
 * in apply-time values (lib/testing/firstboot/applytime.ts) without a full synth.
 */
export function terraformExpressionText(scope: Scope, text: string): string {
  return String(Tokenization.resolve(text, { scope: TerraformStack.of(scope), resolver: new DefaultTokenResolver(new StringConcat()) }));
}
