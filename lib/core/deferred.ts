import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";

/**
 * Values known only at apply time (a k3s token from `random_password`, an NLB's DNS name) reach the
 * config models as cdktf string tokens embedded in ordinary strings. The models never import
 * cdktf, so they recognise tokens by cdktf's marker text and hand any encoding of such content to
 * an {@link Encoder} that the Terraform layer supplies.
 */

// cdktf encodes string tokens as `${TfToken[TOKEN.n]}` (cdktf lib/tokens/private/encoding.ts,
// BEGIN_STRING_TOKEN_MARKER / END_TOKEN_MARKER); list and map tokens start `#{` and `&{`.
const TOKEN_MARKER = /[$#&]\{TfToken\[[A-Za-z0-9_.-]+\]\}/;
const TOKEN_MARKER_GLOBAL = /[$#&]\{TfToken\[[A-Za-z0-9_.-]+\]\}/g;

/** True when `value` holds a value known only at apply time. */
export function isDeferred(value: string): boolean {
  return TOKEN_MARKER.test(value);
}

/** Every apply-time marker in `value`, in order. */
export function deferredMarkers(value: string): string[] {
  return value.match(TOKEN_MARKER_GLOBAL) ?? [];
}

/**
 * The encoding steps a config model needs. Each takes text and returns text that stands for the
 * result: computed now when the input is known, or a Terraform expression when it is not.
 */
export interface Encoder {
  /** Base64 of the UTF-8 bytes. */
  base64(text: string): string;
  /** Base64 of the gzip of the UTF-8 bytes. */
  base64gzip(text: string): string;
  /** Lower-case hex SHA-512 of the UTF-8 bytes. */
  sha512hex(text: string): string;
  /** Lower-case hex SHA-256 of the UTF-8 bytes. */
  sha256hex(text: string): string;
  /**
   * The text as a JSON string literal, quotes included, as Terraform's `jsonencode` writes it (Go
   * encoding/json). It is also a YAML double-quoted scalar that reads back as the text. Needed by
   * the YAML formats (k3OS, Kairos) for values known only at apply time.
   * @default - such values are refused by the YAML formats
   */
  json?(text: string): string;
}

/**
 * Encodes in plain TypeScript; refuses content that holds an apply-time value, since no
 * synth-time computation can encode what is not yet known.
 */
export const localEncoder: Encoder = {
  base64: (text) => Buffer.from(refuseDeferred(text), "utf8").toString("base64"),
  // mtime 0 and no file name in the header: the same text gives the same bytes every run.
  base64gzip: (text) => gzipBytes(Buffer.from(refuseDeferred(text), "utf8")).toString("base64"),
  sha512hex: (text) => createHash("sha512").update(refuseDeferred(text), "utf8").digest("hex"),
  sha256hex: (text) => createHash("sha256").update(refuseDeferred(text), "utf8").digest("hex"),
  json: (text) => goJsonString(refuseDeferred(text)),
};

/**
 * A string as Go's encoding/json writes it, which Terraform's `jsonencode` uses (hashicorp/terraform
 * internal/lang/funcs/encoding.go -> zclconf/go-cty cty/json/marshal.go -> encoding/json): `\"`,
 * `\\`, `\n`, `\r`, `\t`, `\b`, `\f`, `\u00XX` for other control characters, and `<`, `>`, `&`,
 * U+2028, U+2029 as `\u` escapes (HTML-safe); everything else as it is.
 */
export function goJsonString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (c < 0x20 || ch === "<" || ch === ">" || ch === "&" || c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Deterministic gzip (Node writes mtime 0 and no name), at the best compression level. @internal */
export function gzipBytes(bytes: Uint8Array): Buffer {
  return gzipSync(bytes, { level: 9 });
}

function refuseDeferred(text: string): string {
  if (isDeferred(text)) {
    throw new Error(
      "content holds a value known only at apply time (a cdktf token); render it with a Terraform " +
        "encoder (the platform does this) instead of the local one",
    );
  }
  return text;
}

/** Why text beside an apply-time value must be NFC (the k3OS and Kairos models refuse such file content). */
export const NOT_NFC_PROBLEM =
  "the content mixes an apply-time value with text that is not in Unicode NFC, and Terraform normalizes every string it holds to NFC (zclconf/go-cty cty/value_init.go StringVal), so the file would differ";
export const NOT_NFC_FIX = 'normalize the text first (text.normalize("NFC")), or keep apply-time values out of this file';
