/** The bytes as text when they are valid UTF-8 without NUL bytes (text a person can read), else undefined. */
export function utf8Text(bytes: Uint8Array): string | undefined {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = buffer.toString("utf8");
  return Buffer.from(text, "utf8").equals(buffer) && !buffer.includes(0) ? text : undefined;
}

/**
 * A copy of a config with `map` applied to every string, and to the text of every encoded file
 * content (an object with string `content` and `encoding`, decoded by `decode`): where the mapped
 * text differs, the content becomes that text, unencoded, so placeholders show inside it.
 */
export function mapEncodedContents(x: unknown, map: (text: string) => string, decode: (content: string, encoding: string) => string | undefined): unknown {
  if (typeof x === "string") return map(x);
  if (Array.isArray(x)) return x.map((v) => mapEncodedContents(v, map, decode));
  if (typeof x !== "object" || x === null) return x;
  const o = x as Record<string, unknown>;
  const out: Record<string, unknown> = Object.fromEntries(Object.entries(o).map(([k, v]) => [k, mapEncodedContents(v, map, decode)]));
  if (typeof o.content === "string" && typeof o.encoding === "string" && o.encoding !== "") {
    const text = decode(o.content, o.encoding);
    if (text !== undefined && map(text) !== text) {
      out.content = map(text);
      delete out.encoding;
    }
  }
  return out;
}
