/**
 * Short, readable differences for matcher messages: the first lines that differ, values cut to a
 * readable length, never a whole config.
 */

const WIDTH = 120;
const MAX_LINES = 3;

/** True for a vitest/jest asymmetric matcher (`expect.stringContaining(...)`). */
export function isAsymmetric(x: unknown): x is { asymmetricMatch(v: unknown): boolean; toString(): string } {
  return typeof x === "object" && x !== null && typeof (x as { asymmetricMatch?: unknown }).asymmetricMatch === "function";
}

/** A value shown in one line: strings quoted, objects as compact JSON, both cut to a width. */
export function show(x: unknown): string {
  if (isAsymmetric(x)) return `expect.${x.toString()}`;
  if (x instanceof RegExp) return String(x);
  if (x === undefined) return "(none)";
  const text = typeof x === "string" ? JSON.stringify(x) : safeJson(x);
  return text.length > WIDTH ? `${text.slice(0, WIDTH - 1)}…` : text;
}

/** A file mode as Ignition and `ls` readers know it. */
export function showMode(mode: number | undefined): string {
  return mode === undefined ? "(default)" : `0o${mode.toString(8).padStart(3, "0")}`;
}

/**
 * Expected against actual, as `- expected` / `+ actual` lines. Multi-line texts show only the
 * first lines that differ, numbered.
 */
export function shortDiff(expected: unknown, actual: unknown): string {
  if (typeof expected === "string" && typeof actual === "string" && (expected.includes("\n") || actual.includes("\n"))) {
    const e = expected.split("\n");
    const a = actual.split("\n");
    const out: string[] = [];
    for (let i = 0; i < Math.max(e.length, a.length) && out.length < MAX_LINES * 2; i++) {
      if (e[i] === a[i]) continue;
      out.push(`  - expected line ${i + 1}: ${e[i] === undefined ? "(none)" : show(e[i])}`);
      out.push(`  + actual   line ${i + 1}: ${a[i] === undefined ? "(none)" : show(a[i])}`);
    }
    return out.join("\n");
  }
  return `  - expected: ${show(expected)}\n  + actual:   ${show(actual)}`;
}

/** Up to `n` items joined, with how many more there are. */
export function someOf(items: readonly string[], n = 8): string {
  if (items.length === 0) return "none";
  return items.length <= n ? items.join(", ") : `${items.slice(0, n).join(", ")} and ${items.length - n} more`;
}

function safeJson(x: unknown): string {
  try {
    return JSON.stringify(x, (_k, v) => (isAsymmetric(v) ? `expect.${v.toString()}` : v)) ?? String(x);
  } catch {
    return String(x);
  }
}
