/** `what` for a value in messages: strings quoted, the rest as JSON (at most 80 characters). */
export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (value === undefined) return "undefined";
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  try {
    const text = JSON.stringify(value);
    return text === undefined ? typeof value : text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return typeof value;
  }
}
