/** The bytes as text when they are valid UTF-8 without NUL bytes (text a person can read), else undefined. */
export function utf8Text(bytes: Uint8Array): string | undefined {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = buffer.toString("utf8");
  return Buffer.from(text, "utf8").equals(buffer) && !buffer.includes(0) ? text : undefined;
}
