/**
 * Runtime checks of public props: one declarative mechanism for every entry point, so a
 * JavaScript caller (or a config file read into props) is refused at the call with the construct
 * path, the field and a fix, exactly as a TypeScript caller's bad value is.
 *
 * Why a small checker here and not a schema library: the checks must throw {@link MicroOsError}
 * naming the field and a fix written for this library, accept cdktf tokens where an apply-time
 * value is allowed, and add no dependency. Import cost measured on this machine (Node 20, `node -e`,
 * require time and heap growth, a shared 2-core host, so ranges): ajv 8 70-104 ms / 1.6 MiB (78 ms
 * / 2.5 MiB with one schema compiled); zod 3.24 (present only as a dev tool's dependency) 8-25 ms
 * warm, 250 ms cold / 1.0 MiB; this module (with errors.ts and deferred.ts, once node:crypto and
 * node:zlib are loaded, as the library loads them anyway) 3-7 ms / 70 KiB. ajv stays where JSON
 * Schemas exist (lib/k3os/validate.ts, loaded lazily).
 *
 * A shape is a function `(at, field, value) => void` that throws. Strings that are enum values are
 * accepted as that value on purpose: a TypeScript string enum *is* its string at run time, so
 * `"replace"` means `ReplacementPolicy.REPLACE`; anything else (`"Replace"`, `"REPLACE"`, `true`) is
 * refused naming the allowed values, so no misspelling can fall through to a default branch.
 */
import { isDeferred } from "./deferred";
import { MicroOsError } from "./errors";

/** A check of one value; throws {@link MicroOsError} at `at` naming `field`. */
export type Shape = (at: string, field: string, value: unknown) => void;

/**
 * One shape per key of a props interface: `{...} satisfies ShapeOf<ClusterProps>` makes the compiler
 * refuse a shape that misses a prop or names one the interface lacks, so the runtime check cannot
 * drift from the TypeScript type.
 */
export type ShapeOf<T> = { readonly [K in keyof Required<T>]-?: Shape };

/** Checks `value` against `shape` at `at` (a construct path or an entry point's name). */
export function checkProps(at: string, field: string, value: unknown, shape: Shape): void {
  shape(at, field, value);
}

/** A short, safe description of a value for a message (never more than 40 characters). */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (value instanceof Uint8Array) return "bytes";
  switch (typeof value) {
    case "string": {
      const shown = JSON.stringify(value.length > 32 ? `${value.slice(0, 29)}...` : value);
      return `the string ${shown}`;
    }
    case "number":
      return Number.isNaN(value) ? "NaN" : `the number ${value}`;
    case "boolean":
      return `${value}`;
    case "undefined":
      return "nothing";
    case "function":
      return "a function";
    case "bigint":
      return `the bigint ${value}`;
    case "symbol":
      return "a symbol";
    default: {
      const name = (value as object).constructor?.name;
      return name && name !== "Object" ? `a ${name}` : "an object";
    }
  }
}

function fail(at: string, field: string, problem: string, fix: string): never {
  throw new MicroOsError(at, field, problem, fix);
}

/** Options of {@link str}. */
export interface StrOptions {
  /** Refuse the empty (or only-blank) string. @default true */
  readonly nonEmpty?: boolean;
  /** Refuse line breaks and other control characters. @default true */
  readonly singleLine?: boolean;
  /** Longest accepted length. @default - none */
  readonly max?: number;
  /** A pattern the whole string must match (not checked for apply-time tokens). */
  readonly pattern?: RegExp;
  /** What the pattern stands for, in "is not <what>". @default "in the expected form" */
  readonly what?: string;
  /** The fix when the value is wrong. */
  readonly fix?: string;
  /** Accept cdktf tokens (apply-time values) without checking their form. @default true */
  readonly tokens?: boolean;
  /** A further check of the text; returns the problem, or undefined. */
  readonly test?: (text: string) => string | undefined;
}

// Control characters (C0, DEL, C1) and the Unicode line and paragraph separators.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** A string. */
export function str(options: StrOptions = {}): Shape {
  const fix = options.fix ?? "give a string";
  return (at, field, value) => {
    if (typeof value !== "string") fail(at, field, `got ${describeValue(value)}, not a string`, fix);
    if ((options.nonEmpty ?? true) && value.trim() === "") fail(at, field, "the string is empty", fix);
    if ((options.singleLine ?? true) && CONTROL.test(value)) fail(at, field, `${describeValue(value)} holds a line break or control character`, fix);
    if (options.max !== undefined && value.length > options.max) fail(at, field, `${describeValue(value)} is ${value.length} characters, more than ${options.max}`, fix);
    if ((options.tokens ?? true) && isDeferred(value)) return;
    if (options.pattern && !options.pattern.test(value)) fail(at, field, `${describeValue(value)} is not ${options.what ?? "in the expected form"}`, fix);
    const problem = options.test?.(value);
    if (problem) fail(at, field, `${describeValue(value)} ${problem}`, fix);
  };
}

/** Options of {@link int}. */
export interface IntOptions {
  readonly min?: number;
  readonly max?: number;
  readonly fix?: string;
}

/** A whole number in `[min, max]`. */
export function int(options: IntOptions = {}): Shape {
  const range = options.min !== undefined && options.max !== undefined ? `${options.min} to ${options.max}` : options.min !== undefined ? `${options.min} or more` : options.max !== undefined ? `at most ${options.max}` : "a whole number";
  const fix = options.fix ?? `give a whole number, ${range}`;
  return (at, field, value) => {
    if (typeof value !== "number" || !Number.isInteger(value)) fail(at, field, `got ${describeValue(value)}, not a whole number`, fix);
    if ((options.min !== undefined && value < options.min) || (options.max !== undefined && value > options.max)) fail(at, field, `${value} is outside ${range}`, fix);
  };
}

/** A number of any value (for props whose range the entry point checks itself, with its own message). */
export function num(fix = "give a number"): Shape {
  return (at, field, value) => {
    if (typeof value !== "number") fail(at, field, `got ${describeValue(value)}, not a number`, fix);
  };
}

/** `true` or `false`. */
export function bool(): Shape {
  return (at, field, value) => {
    if (typeof value !== "boolean") fail(at, field, `got ${describeValue(value)}, not true or false`, "give true or false");
  };
}

/** One of an enum's values (`enumName` names it in the fix, for example `ReplacementPolicy`). */
export function oneOf(values: Readonly<Record<string, string | number>> | readonly (string | number)[], enumName: string): Shape {
  const entries = Array.isArray(values) ? values.map((v) => [String(v), v] as const) : Object.entries(values).filter(([k]) => !/^\d+$/.test(k));
  const allowed = entries.map(([, v]) => v);
  const fix = Array.isArray(values) ? `give one of ${allowed.map((v) => JSON.stringify(v)).join(", ")}` : `use ${entries.map(([k, v]) => `${enumName}.${k} ("${v}")`).join(", ")}`;
  return (at, field, value) => {
    if (!allowed.includes(value as string | number)) fail(at, field, `${describeValue(value)} is not a ${enumName}`, fix);
  };
}

/** Options of {@link list}. */
export interface ListOptions {
  readonly min?: number;
  readonly max?: number;
  /** Refuse an entry given twice (compared as JSON). @default false */
  readonly unique?: boolean;
}

/** An array whose entries match `item`; fields are `field[i]`. */
export function list(item: Shape, options: ListOptions = {}): Shape {
  return (at, field, value) => {
    if (!Array.isArray(value)) fail(at, field, `got ${describeValue(value)}, not a list`, "give an array, for example [] or [...]");
    if (options.min !== undefined && value.length < options.min) fail(at, field, `the list has ${value.length} entries, fewer than ${options.min}`, `give at least ${options.min}`);
    if (options.max !== undefined && value.length > options.max) fail(at, field, `the list has ${value.length} entries, more than ${options.max}`, `give at most ${options.max}`);
    const seen = new Set<string>();
    value.forEach((v, i) => {
      item(at, `${field}[${i}]`, v);
      if (options.unique) {
        const key = JSON.stringify(v);
        if (seen.has(key)) fail(at, `${field}[${i}]`, `${describeValue(v)} is listed twice`, "list each entry once");
        seen.add(key);
      }
    });
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A map with string keys: keys match `key`, values match `item`; fields are `field[key]`. */
export function record(key: Shape, item: Shape): Shape {
  return (at, field, value) => {
    if (!isPlainObject(value)) fail(at, field, `got ${describeValue(value)}, not a map of names to values`, "give an object literal, for example { name: \"value\" }");
    for (const [k, v] of Object.entries(value)) {
      key(at, `${field}[${k}]`, k);
      item(at, `${field}[${k}]`, v);
    }
  };
}

/** Where to say a key the shape does not have belongs (for renamed or moved options). */
export type MovedKeys = Readonly<Record<string, string>>;

/**
 * An object with the given fields; any other key is refused (a misspelt option would otherwise be
 * ignored), naming the nearest known key, or where a moved option now belongs (`moved`).
 */
export function object(fields: Readonly<Record<string, Shape>>, moved: MovedKeys = {}): Shape {
  const known = Object.keys(fields);
  return (at, field, value) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) fail(at, field || "props", `got ${describeValue(value)}, not an object`, "give an object literal, for example {}");
    const prefix = field ? `${field}.` : "";
    for (const k of Object.keys(value)) {
      // Own keys only: `constructor` or `toString` must not pass as options because objects inherit them.
      const isMoved = Object.hasOwn(moved, k);
      if (Object.hasOwn(fields, k)) continue;
      if ((value as Record<string, unknown>)[k] === undefined && !isMoved) continue;
      if (isMoved) fail(at, `${prefix}${k}`, "the option is not taken here", `give it as ${moved[k]}`);
      const near = nearest(k, known);
      fail(at, `${prefix}${k}`, "no such option", near ? `did you mean \`${near}\`? Options here: ${known.join(", ")}` : `options here: ${known.join(", ") || "none"}`);
    }
    for (const [k, shape] of Object.entries(fields)) shape(at, `${prefix}${k}`, (value as Record<string, unknown>)[k]);
  };
}

/** `undefined`, or a value matching `shape`. */
export function optional(shape: Shape): Shape {
  return (at, field, value) => {
    if (value !== undefined) shape(at, field, value);
  };
}

/** A value that must be given. */
export function required(shape: Shape): Shape {
  return (at, field, value) => {
    if (value === undefined || value === null) fail(at, field, "the value is missing", "give it: it has no default");
    shape(at, field, value);
  };
}

/** An instance of `cls` (built by its factories). */
export function instance(cls: { readonly prototype: unknown; readonly name: string }, fix: string): Shape {
  // A class with a private constructor (built by factories) is still a constructor at run time.
  const ctor = cls as unknown as abstract new () => unknown;
  return (at, field, value) => {
    if (!(value instanceof ctor)) fail(at, field, `got ${describeValue(value)}, not a ${cls.name}`, fix);
  };
}

/** An object that has the given methods (an interface: `IOperatingSystem`, `IPlatform`). */
export function implementing(name: string, methods: readonly string[], fix: string): Shape {
  return (at, field, value) => {
    if (typeof value !== "object" || value === null || methods.some((m) => typeof (value as Record<string, unknown>)[m] !== "function")) {
      fail(at, field, `got ${describeValue(value)}, not a ${name}`, fix);
    }
  };
}

/** A function. */
export function func(fix: string): Shape {
  return (at, field, value) => {
    if (typeof value !== "function") fail(at, field, `got ${describeValue(value)}, not a function`, fix);
  };
}

/** A value matching the first shape whose `when` accepts it (by JavaScript type). */
export function either(...options: ReadonlyArray<{ readonly when: (value: unknown) => boolean; readonly shape: Shape }>): (fix: string) => Shape {
  return (fix) => (at, field, value) => {
    const option = options.find((o) => o.when(value));
    if (!option) fail(at, field, `got ${describeValue(value)}`, fix);
    option.shape(at, field, value);
  };
}

/** File content: a string of any length and any lines, or bytes. */
export function textOrBytes(fix = "give the content as a string or a Uint8Array"): Shape {
  return either(
    { when: (v) => typeof v === "string", shape: str({ nonEmpty: false, singleLine: false }) },
    { when: (v) => v instanceof Uint8Array, shape: () => undefined },
  )(fix);
}

/** `shape`, then a check of the whole value that returns a problem (and fix) or undefined. */
export function refine<T>(shape: Shape, test: (value: T) => { problem: string; fix: string } | undefined): Shape {
  return (at, field, value) => {
    shape(at, field, value);
    if (value === undefined) return;
    const found = test(value as T);
    if (found) fail(at, field, found.problem, found.fix);
  };
}

/** The known key closest to `key` by edit distance, when it is close (at most a third of its length). */
function nearest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = distance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return bestDistance <= Math.max(1, Math.floor(key.length / 3)) ? best : undefined;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = row[j];
      row[j] = next;
    }
  }
  return row[b.length];
}
