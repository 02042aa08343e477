import { randomBytes } from "node:crypto";
import { Document, Scalar, visit } from "yaml";
import { type Encoder, isDeferred } from "./deferred";
import { MicroOsError } from "./errors";

/** Options for {@link renderGoYaml}. */
export interface GoYamlOptions {
  /**
   * Picks string values to double-quote whatever they hold: `key` is the value's own key,
   * `parentKey` the key of the map that holds it ("" at the top).
   * @default - none: only strings a YAML 1.1 reader would misread are quoted
   */
  readonly doubleQuote?: (key: string, parentKey: string) => boolean;
  /**
   * Encodes values known only at apply time: each becomes the Terraform expression
   * `jsonencode(value)`, whose text is a YAML double-quoted scalar that the readers decode back to
   * the value. The platform passes its Terraform encoder.
   * @default - apply-time values are refused (the text would not survive apply), unless
   *   `legacyDeferredBlocks` is set
   */
  readonly encoder?: Encoder;
  /**
   * Without an encoder, renders an apply-time value as a literal block scalar. Safe only for a
   * value that is one line and whose final newline does not matter (a k3s token in a file that is
   * itself encoded by the platform). @default false
   */
  readonly legacyDeferredBlocks?: boolean;
  /**
   * Apply-time values that Terraform turns into base64 text (`base64gzip(...)`, `base64encode(...)`):
   * written double-quoted as they are, since base64 needs no escape, and not wrapped in jsonencode
   * (cdktf warns about a function of a function whose argument holds references).
   * @default - none
   */
  readonly base64Values?: ReadonlySet<string>;
  /** Where the config is, for refusals. @default "yaml" */
  readonly at?: string;
}

/**
 * Renders an object as YAML that a Go program reading YAML 1.1 gets back unchanged, byte for byte.
 *
 * k3s (sigs.k8s.io/yaml over go-yaml) and k3OS (ghodss/yaml v1.0.0 over gopkg.in/yaml.v2 v2.2.4,
 * rancher/k3os pkg/config/read.go `readFile`, vendor/modules.txt) parse YAML 1.1: `on`, `yes`, `y`,
 * `null`, `0600` and number-like text would come back as booleans, null or numbers. Rendering with
 * the YAML 1.1 schema makes the `yaml` package quote every such string.
 *
 * Strings the `yaml` package would write with characters outside printable ASCII (tabs, CR,
 * non-ASCII, control characters) are written as double-quoted scalars of printable ASCII with
 * `\x`, `\u`, `\U` escapes (YAML 1.1 spec 5.7, "Escape Sequences"; go-yaml v2 scannerc.go
 * `yaml_parser_scan_flow_scalar`): raw control characters are refused by go-yaml's reader
 * (readerc.go, "control characters are not allowed"), NEL and U+2028/9 are line breaks in
 * YAML 1.1, and Terraform normalizes every string it holds to Unicode NFC
 * (zclconf/go-cty cty/value_init.go `StringVal` -> `NormalizeString`), which would change
 * decomposed text in user data; escapes keep the text ASCII and so unchanged.
 *
 * A value known only at apply time is never pasted into a block scalar (a multi-line value would
 * leave its later lines at column 0, and `|-` strips the final newline): it becomes
 * `${jsonencode(value)}`. Terraform's jsonencode writes a JSON string (Go encoding/json: `\"`,
 * `\\`, `\n`, `\r`, `\t`, `\u00XX` for other controls, `\u003c` for `<`), and every JSON escape is a
 * YAML double-quoted escape too, so the reader gets the value back.
 */
export function renderGoYaml(obj: object, options: GoYamlOptions = {}): string {
  const doc = new Document(obj, { version: "1.1" });
  const quote = options.doubleQuote;
  const at = options.at ?? "yaml";
  // Raw texts pasted in after rendering, each standing in the document as a unique plain word.
  const nonce = randomBytes(6).toString("hex");
  const raw: string[] = [];
  const stand = (text: string): string => {
    raw.push(text);
    return `microos${nonce}r${raw.length - 1}x`;
  };
  visit(doc, {
    Pair(_key, pair, path) {
      if (pair.key instanceof Scalar && typeof pair.key.value === "string" && isDeferred(pair.key.value)) {
        throw new MicroOsError(at, String(pair.key.value), "a key is known only at apply time", "use keys known at synth; put apply-time values in values");
      }
      if (!quote || !(pair.value instanceof Scalar)) return;
      const parent = path[path.length - 2];
      const parentKey = parent && "key" in (parent as object) ? String(((parent as { key?: { value?: unknown } }).key?.value) ?? "") : "";
      const key = pair.key instanceof Scalar ? String(pair.key.value) : "";
      if (quote(key, parentKey)) pair.value.type = Scalar.QUOTE_DOUBLE;
    },
    Scalar(key, node) {
      if (key === "key" || typeof node.value !== "string") return;
      const s = node.value;
      if (isDeferred(s)) {
        if (options.base64Values?.has(s)) {
          node.value = stand(`"${s}"`);
          node.type = Scalar.PLAIN;
        } else if (options.encoder?.json) {
          node.value = stand(options.encoder.json(s));
          node.type = Scalar.PLAIN;
        } else if (options.legacyDeferredBlocks) {
          node.type = Scalar.BLOCK_LITERAL;
        } else {
          throw new MicroOsError(at, "apply-time value", "the config holds a value known only at apply time and no encoder to carry it", "render with the platform's Terraform encoder (render({ encoder }))");
        }
      } else if (!/^[\x20-\x7e\n]*$/.test(s)) {
        node.value = stand(goYamlDoubleQuoted(s));
        node.type = Scalar.PLAIN;
      }
    },
  });
  let text = doc.toString({ lineWidth: 0, indentSeq: false });
  const word = new RegExp(`microos${nonce}r(\\d+)x`, "g");
  let seen = 0;
  text = text.replace(word, (_m, i: string) => {
    seen++;
    return raw[Number(i)];
  });
  if (seen !== raw.length) throw new Error(`renderGoYaml: ${raw.length - seen} raw value(s) lost in rendering`);
  return text;
}

/**
 * A YAML double-quoted scalar of printable ASCII that YAML 1.1 readers (go-yaml v2 and v3) read
 * back as `s`: `\\`, `\"`, `\n`, `\t`, `\r` and `\x`/`\u`/`\U` escapes of code points (YAML 1.1
 * spec 5.7; go-yaml v2 scannerc.go reads `\x`, `\u`, `\U` as a code point and writes its UTF-8).
 */
export function goYamlDoubleQuoted(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === "\\") out += "\\\\";
    else if (ch === '"') out += '\\"';
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else if (cp >= 0x20 && cp <= 0x7e) out += ch;
    else if (cp >= 0xd800 && cp <= 0xdfff) {
      throw new MicroOsError("yaml", "string", "the text holds a lone UTF-16 surrogate, which UTF-8 cannot carry", "give well-formed Unicode text");
    } else if (cp < 0x100) out += `\\x${cp.toString(16).padStart(2, "0")}`;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, "0")}`;
    else out += `\\U${cp.toString(16).padStart(8, "0")}`;
  }
  return `${out}"`;
}
