import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";

/**
 * Stands in for `terraform apply` on a rendered config: values known only at apply time (cdktf
 * token markers such as `${TfToken[TOKEN.7]}`, or references given by name) are replaced with
 * values, and the Terraform functions the encoders emit around them (`base64encode`,
 * `base64gzip`, `sha512`, `sha256`; see lib/cdktf.ts terraformEncoder) are evaluated, so the
 * config reads as the node would receive it.
 *
 * Only those forms are touched: a marker, a dotted reference (`aws_lb.api.dns_name`) or one of
 * those calls. Any other `${...}` (a shell variable in a unit, `${HOME}`) is left as text.
 */

/** Values for apply-time expressions: by marker body (`TfToken[TOKEN.7]`) or reference (`random_password.token.result`). */
export type ApplyTimeValues = Readonly<Record<string, string>>;

/** How to fill in apply-time values. */
export interface ApplyTimeOptions {
  /** Values by expression. @default - made-up values */
  readonly values?: ApplyTimeValues;
  /**
   * A synthesized stack's `locals` (name -> value), so that `local.NAME` resolves to its value,
   * itself filled in. @default - locals get made-up values like any reference
   */
  readonly locals?: Readonly<Record<string, unknown>>;
}

/** One apply-time value the simulator filled in. */
export interface Substitution {
  /** The expression as written, for example `TfToken[TOKEN.7]`. */
  readonly expression: string;
  readonly value: string;
  /** True when the value was made up (no value given for it). */
  readonly placeholder: boolean;
}

const FUNCTIONS: Readonly<Record<string, (s: string) => string>> = {
  // Terraform's base64encode / base64gzip / sha512 / sha256 work on the UTF-8 bytes of a string
  // (developer.hashicorp.com/terraform/language/functions).
  base64encode: (s) => Buffer.from(s, "utf8").toString("base64"),
  base64gzip: (s) => gzipSync(Buffer.from(s, "utf8")).toString("base64"),
  sha512: (s) => createHash("sha512").update(s, "utf8").digest("hex"),
  sha256: (s) => createHash("sha256").update(s, "utf8").digest("hex"),
};

const MARKER = /^TfToken\[[A-Za-z0-9_.-]+\]$/;
const REFERENCE = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*|\[[0-9]+\])+$/;

class Evaluator {
  public readonly substitutions: Substitution[] = [];
  private readonly seen = new Map<string, string>();
  private readonly values: ApplyTimeValues;
  private readonly locals: Readonly<Record<string, unknown>>;
  private readonly resolving = new Set<string>();

  constructor(options: ApplyTimeOptions) {
    this.values = options.values ?? {};
    this.locals = options.locals ?? {};
  }

  /** Evaluates the apply-time parts of a template string (a JSON string value). */
  public template(text: string): string {
    let out = "";
    let i = 0;
    while (i < text.length) {
      const start = text.indexOf("${", i);
      if (start < 0) break;
      out += text.slice(i, start);
      const parsed = this.tryExpression(text, start + 2);
      if (parsed) {
        out += parsed.value;
        i = parsed.end;
      } else {
        out += "${";
        i = start + 2;
      }
    }
    return out + text.slice(i);
  }

  /** Parses `expr}` at `pos`; undefined when it is not an apply-time form. */
  private tryExpression(text: string, pos: number): { value: string; end: number } | undefined {
    const close = text.indexOf("}", pos);
    const call = /^([a-z0-9]+)\(/.exec(text.slice(pos, pos + 20));
    if (call && FUNCTIONS[call[1]]) {
      const argStart = pos + call[0].length;
      let arg: { value: string; end: number } | undefined;
      if (text[argStart] === '"') {
        arg = this.hclString(text, argStart);
      } else {
        // A reference as the argument: `sha512(local.config)` in a synthesized stack.
        const ref = /^[A-Za-z_][A-Za-z0-9_.\[\]-]*/.exec(text.slice(argStart));
        if (ref && REFERENCE.test(ref[0])) arg = { value: this.valueOf(ref[0]), end: argStart + ref[0].length };
      }
      if (!arg || text[arg.end] !== ")" || text[arg.end + 1] !== "}") return undefined;
      return { value: FUNCTIONS[call[1]](arg.value), end: arg.end + 2 };
    }
    if (close < 0) return undefined;
    const body = text.slice(pos, close);
    if (MARKER.test(body) || REFERENCE.test(body)) {
      return { value: this.valueOf(body), end: close + 1 };
    }
    return undefined;
  }

  /** Reads an HCL quoted template at `pos` (the opening quote), evaluating its interpolations. */
  private hclString(text: string, pos: number): { value: string; end: number } | undefined {
    let out = "";
    let i = pos + 1;
    while (i < text.length) {
      const ch = text[i];
      if (ch === '"') return { value: out, end: i + 1 };
      if (ch === "\\") {
        const next = text[i + 1];
        const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", '"': '"', "\\": "\\" };
        if (next in simple) {
          out += simple[next];
          i += 2;
        } else if (next === "u") {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else {
          return undefined;
        }
      } else if (text.startsWith("$${", i)) {
        out += "${";
        i += 3;
      } else if (text.startsWith("${", i)) {
        const inner = this.tryExpression(text, i + 2);
        if (!inner) return undefined;
        out += inner.value;
        i = inner.end;
      } else {
        out += ch;
        i += 1;
      }
    }
    return undefined;
  }

  private valueOf(expression: string): string {
    const known = this.seen.get(expression);
    if (known !== undefined) return known;
    const local = /^local\.([A-Za-z0-9_-]+)$/.exec(expression);
    if (local && local[1] in this.locals && !this.resolving.has(expression)) {
      // A local's value is itself a template (or JSON); it is filled in the same way.
      this.resolving.add(expression);
      const raw = this.locals[local[1]];
      const value = this.template(typeof raw === "string" ? raw : JSON.stringify(raw));
      this.resolving.delete(expression);
      this.seen.set(expression, value);
      return value;
    }
    const given = this.values[expression];
    // A made-up value derived from the expression, so separate calls agree on it; usable as a
    // token, a host name or a path part alike.
    const value = given ?? `applytime-${createHash("sha256").update(expression).digest("hex").slice(0, 10)}`;
    this.seen.set(expression, value);
    this.substitutions.push({ expression, value, placeholder: given === undefined });
    return value;
  }
}

/** Replaces apply-time values in every string of a parsed config (in place) and lists them. */
export function substituteApplyTime(config: unknown, options: ApplyTimeOptions = {}): Substitution[] {
  const ev = new Evaluator(options);
  const visit = (v: unknown): unknown => {
    if (typeof v === "string") return v.includes("${") ? ev.template(v) : v;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = visit(v[i]);
      return v;
    }
    if (typeof v === "object" && v !== null) {
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o)) o[k] = visit(o[k]);
      return o;
    }
    return v;
  };
  visit(config);
  return ev.substitutions;
}

/** Fills in apply-time values in one text (a synthesized S3 object's content, say). */
export function resolveApplyTime(text: string, options: ApplyTimeOptions = {}): string {
  return new Evaluator(options).template(text);
}

/**
 * Fills in apply-time values in one text, as {@link resolveApplyTime}, and also lists what it
 * filled in (for readers that map made-up values back to their expressions).
 */
export function resolveApplyTimeReport(text: string, options: ApplyTimeOptions = {}): { readonly text: string; readonly substitutions: readonly Substitution[] } {
  const ev = new Evaluator(options);
  const out = ev.template(text);
  return { text: out, substitutions: ev.substitutions };
}
