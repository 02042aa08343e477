import { X509Certificate, createECDH, createHash } from "node:crypto";
import { type Encoder, goJsonString, gzipBytes, isDeferred, localEncoder } from "../../core/deferred";
import { CA_CERT_PEM, RSA_KEY_PEMS } from "./pems.generated";

/**
 * Stands in for `terraform apply` on a rendered config: values known only at apply time (cdktf
 * token markers such as `${TfToken[TOKEN.7]}`, or references given by name) are replaced with
 * values, and the Terraform functions the encoders emit around them (`base64encode`,
 * `base64gzip`, `sha512`, `sha256`, `jsonencode`; see lib/cdktf.ts terraformEncoder) are
 * evaluated, so the config reads as the node would receive it. Every string Terraform makes is
 * normalized to Unicode NFC, as Terraform does (zclconf/go-cty cty/value_init.go `StringVal`);
 * test/applytime-terraform.test.ts checks these functions against the real `terraform console`.
 *
 * Values nobody gives are made up to look like what Terraform writes, so a check that reads them
 * meets what a node meets: PEM certificates and keys of several lines ending in a newline (as
 * hashicorp/tls writes `cert_pem` and `private_key_pem`), 48-character tokens, load balancer DNS
 * names, addresses, and for any other expression a text with YAML- and JSON-special characters.
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
  // (developer.hashicorp.com/terraform/language/functions). gzip bytes differ between
  // implementations; what matters is that they gunzip to the text.
  base64encode: (s) => Buffer.from(s, "utf8").toString("base64"),
  base64gzip: (s) => gzipBytes(Buffer.from(s, "utf8")).toString("base64"),
  jsonencode: (s) => goJsonString(s),
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

  /** Evaluates the apply-time parts of a template string (a JSON string value); the result is NFC, as Terraform's strings are. */
  public template(text: string): string {
    return this.templateRaw(text).normalize("NFC");
  }

  private templateRaw(text: string): string {
    let out = "";
    let i = 0;
    // A Terraform string is a template: `$${` and `%%{` are the escapes of a literal `${` and `%{`
    // (Terraform "Strings and Templates", escape sequences); `${` starts an interpolation.
    const next = /\$\$\{|%%\{|\$\{/g;
    while (i < text.length) {
      next.lastIndex = i;
      const m = next.exec(text);
      if (!m) break;
      const start = m.index;
      out += text.slice(i, start);
      if (m[0] !== "${") {
        out += m[0].slice(1);
        i = start + 3;
        continue;
      }
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
    const called = this.tryCall(text, pos);
    if (called) return text[called.end] === "}" ? { value: called.value, end: called.end + 1 } : undefined;
    const close = text.indexOf("}", pos);
    if (close < 0) return undefined;
    const body = text.slice(pos, close);
    if (MARKER.test(body) || REFERENCE.test(body)) {
      return { value: this.valueOf(body), end: close + 1 };
    }
    return undefined;
  }

  /** Parses `fn(arg)` at `pos` for a known function; `end` is just after the `)`. */
  private tryCall(text: string, pos: number): { value: string; end: number } | undefined {
    const call = /^([a-z0-9]+)\(/.exec(text.slice(pos, pos + 20));
    if (!call || !FUNCTIONS[call[1]]) return undefined;
    const argStart = pos + call[0].length;
    let arg: { value: string; end: number } | undefined;
    if (text[argStart] === '"') {
      arg = this.hclString(text, argStart);
    } else {
      // A call as the argument (`jsonencode(base64encode(...))`, as cdktf writes a function of a
      // function), or a reference (`sha512(local.config)`).
      arg = this.tryCall(text, argStart);
      if (!arg) {
        const ref = /^[A-Za-z_][A-Za-z0-9_.\[\]-]*/.exec(text.slice(argStart));
        if (ref && REFERENCE.test(ref[0])) arg = { value: this.valueOf(ref[0]), end: argStart + ref[0].length };
      }
    }
    if (!arg || text[arg.end] !== ")") return undefined;
    return { value: FUNCTIONS[call[1]](arg.value.normalize("NFC")), end: arg.end + 1 };
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
        } else if (next === "U") {
          out += String.fromCodePoint(parseInt(text.slice(i + 2, i + 10), 16));
          i += 10;
        } else {
          return undefined;
        }
      } else if (text.startsWith("$${", i) || text.startsWith("%%{", i)) {
        out += text[i] + "{";
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
    // A made-up value derived from the expression, so separate calls agree on it.
    const value = (given ?? realisticValue(expression)).normalize("NFC");
    this.seen.set(expression, value);
    this.substitutions.push({ expression, value, placeholder: given === undefined });
    return value;
  }
}

/**
 * What Terraform would write for an expression nobody gave a value for, derived from the
 * expression alone (separate evaluations agree): chosen by the attribute's name.
 */
export function realisticValue(expression: string): string {
  const digest = createHash("sha256").update(expression).digest();
  const hex = digest.toString("hex");
  const attribute = /\.([A-Za-z0-9_]+)$/.exec(expression)?.[1] ?? "";
  const resource = /^([A-Za-z0-9_]+)\./.exec(expression)?.[1] ?? "";
  if (attribute === "cert_pem" || attribute === "ca_cert_pem") return certificatePem(digest);
  if (attribute === "private_key_pem") return resource === "tls_private_key" && /rsa|service/i.test(expression) ? RSA_KEY_PEMS[digest[0] % RSA_KEY_PEMS.length] : ecKeyPem(digest);
  if (attribute === "result" && resource === "random_password") return alphanumeric(digest, 48);
  if (attribute === "dns_name") return `k8s-${hex.slice(0, 8)}-${hex.slice(8, 24)}.elb.eu-central-1.amazonaws.com`;
  if (/(^|_)ip$/.test(attribute)) return `10.${digest[0]}.${digest[1]}.${(digest[2] % 250) + 4}`;
  if (attribute === "id" || attribute === "bucket" || attribute === "arn" || attribute === "name") return `applytime-${hex.slice(0, 10)}`;
  // Anything else (a cdktf marker in a model test, an unknown attribute): one word that YAML and
  // JSON both treat specially (quotes, backslash, flow and comment indicators, `${`), usable as a
  // token (k3s takes any text without white space).
  return `applytime-${hex.slice(0, 10)}#"'\\{[&*!|>%@\`,]}\${x}%{y}`;
}

/** A PEM certificate, unique per digest: a real P-256 CA certificate whose serial number is the digest. */
function certificatePem(digest: Buffer): string {
  const der = new X509Certificate(CA_CERT_PEM).raw;
  // Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version, serialNumber INTEGER (20 bytes) ...
  // (RFC 5280 4.1); openssl writes the 20-byte serial at offset 15 of this fixture.
  if (der[13] !== 0x02 || der[14] !== 0x14) throw new Error("pems.generated.ts: unexpected certificate layout");
  const copy = Buffer.from(der);
  digest.copy(copy, 15, 0, 20);
  copy[15] &= 0x7f; // a positive INTEGER
  return pem("CERTIFICATE", copy);
}

/** A P-256 key pair derived from the digest, as SEC1 `EC PRIVATE KEY` PEM (RFC 5915), as hashicorp/tls writes ECDSA keys. */
function ecKeyPem(digest: Buffer): string {
  const ecdh = createECDH("prime256v1");
  ecdh.setPrivateKey(digest.subarray(0, 32));
  const pub = ecdh.getPublicKey();
  const der = Buffer.concat([
    Buffer.from("307702010104" + "20", "hex"),
    digest.subarray(0, 32),
    Buffer.from("a00a06082a8648ce3d030107a144034200", "hex"),
    pub,
  ]);
  return pem("EC PRIVATE KEY", der);
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

function alphanumeric(digest: Buffer, length: number): string {
  const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  let out = "";
  let seed = digest;
  while (out.length < length) {
    for (const b of seed) if (out.length < length) out += chars[b % chars.length];
    seed = createHash("sha256").update(seed).digest();
  }
  return out;
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

/**
 * An encoder for tests that render a config model without a stack: text known now is encoded now
 * (as the platform's encoder does), text holding an apply-time marker becomes the Terraform call
 * the platform's encoder would synthesize (`${base64encode("...")}`, `${jsonencode("...")}`), with
 * the markers left in, so {@link resolveApplyTime} fills it in as Terraform would.
 */
export const terraformTextEncoder: Encoder = {
  base64: (t) => (isDeferred(t) ? call("base64encode", t) : localEncoder.base64(t)),
  base64gzip: (t) => (isDeferred(t) ? call("base64gzip", t) : localEncoder.base64gzip(t)),
  sha512hex: (t) => (isDeferred(t) ? call("sha512", t) : localEncoder.sha512hex(t)),
  sha256hex: (t) => (isDeferred(t) ? call("sha256", t) : localEncoder.sha256hex(t)),
  json: (t) => (isDeferred(t) ? call("jsonencode", t) : goJsonString(t)),
};

/** `${fn("text")}` with the text as an HCL quoted template (HCL native syntax, "Template Literals"); markers stay interpolations. */
function call(fn: string, text: string): string {
  // One call of this encoder's own (`${base64encode("...")}`) goes in as an expression, as cdktf
  // writes a function of a function.
  const own = /^\$\{([a-z0-9]+\(.*\))\}$/s.exec(text);
  if (own && /^(base64encode|base64gzip|sha512|sha256|jsonencode)\("/.test(own[1]) && balancedCall(own[1])) return `\${${fn}(${own[1]})}`;
  const body = text.replace(/(\$\{TfToken\[[A-Za-z0-9_.-]+\]\})|\\|"|\n|\r|\t|\$\{|%\{/g, (m, marker: string | undefined) => {
    if (marker) return marker;
    return ({ "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "${": "$${", "%{": "%%{" } as Record<string, string>)[m];
  });
  return `\${${fn}("${body}")}`;
}

/** True when `expr` is one call `fn("...")` whose string closes at the last `)`. */
function balancedCall(expr: string): boolean {
  const open = expr.indexOf('("');
  let i = open + 2;
  let depth = 0;
  while (i < expr.length) {
    const ch = expr[i];
    if (ch === "\\") i += 2;
    else if (depth === 0 && ch === '"') return i === expr.length - 2 && expr[i + 1] === ")";
    else {
      if (expr.startsWith("${", i)) depth++, (i += 1);
      else if (ch === "}" && depth > 0) depth--;
      i += 1;
    }
  }
  return false;
}
