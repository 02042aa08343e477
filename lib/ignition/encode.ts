import { gunzipSync } from "node:zlib";
import { type Encoder, gzipBytes, isDeferred } from "../core/deferred";
import type { ResourceSpec } from "./spec";

// Characters left as they are in a plain `data:,` URL; everything else is percent-encoded.
// Ignition decodes data URLs with vincent-petithory/dataurl (RFC 2397), which unescapes %XX.
const PLAIN_SAFE = /[A-Za-z0-9\-_.~/:=@!*'()]/;

/** Percent-encodes UTF-8 bytes for a plain data URL. */
export function percentEncode(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) {
    const ch = String.fromCharCode(b);
    out += b < 0x80 && PLAIN_SAFE.test(ch) ? ch : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/**
 * The smallest `contents` resource for inline bytes: a plain percent-encoded `data:,` URL, a
 * base64 one, or gzip+base64 with `compression: "gzip"` (spec 3.1+), whichever is shortest
 * (ties go to the simpler form).
 */
export function inlineContents(bytes: Uint8Array): ResourceSpec {
  const plain = `data:,${percentEncode(bytes)}`;
  const b64 = `data:;base64,${Buffer.from(bytes).toString("base64")}`;
  const gz = `data:;base64,${gzipBytes(bytes).toString("base64")}`;
  // `"compression":"gzip",` costs 21 characters of JSON.
  const gzCost = gz.length + 21;
  if (plain.length <= b64.length && plain.length <= gzCost) return { source: plain };
  if (b64.length <= gzCost) return { source: b64 };
  return { source: gz, compression: "gzip" };
}

/**
 * Contents for text that holds an apply-time value: the encoding is left to Terraform through
 * `encoder`, gzip when the known part is large enough to gain from it.
 */
export function deferredContents(text: string, encoder: Encoder): ResourceSpec {
  if (text.length > 1024) {
    return { source: `data:;base64,${encoder.base64gzip(text)}`, compression: "gzip" };
  }
  return { source: `data:;base64,${encoder.base64(text)}` };
}

/** Contents for text, chosen by whether it is known now. */
export function textContents(text: string, encoder: Encoder): ResourceSpec {
  return isDeferred(text) ? deferredContents(text, encoder) : inlineContents(Buffer.from(text, "utf8"));
}

/** Decodes a `data:` URL (as Ignition would) to its bytes; undefined for other URLs. @internal */
export function decodeDataUrl(source: string, compression?: string): Buffer | undefined {
  const m = /^data:([^,]*),(.*)$/s.exec(source);
  if (!m) return undefined;
  const isB64 = /;base64$/.test(m[1]);
  let bytes = isB64 ? Buffer.from(m[2], "base64") : Buffer.from(decodeURIComponentBytes(m[2]));
  if (compression === "gzip") bytes = gunzipSync(bytes);
  return bytes;
}

function decodeURIComponentBytes(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "%" && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      out.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      for (const b of Buffer.from(s[i], "utf8")) out.push(b);
    }
  }
  return Uint8Array.from(out);
}
