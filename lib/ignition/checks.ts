import { posix } from "node:path";
import { deferredMarkers, isDeferred } from "../core/deferred";
import { compareSpecs, FEATURE_SINCE, IgnitionFeature, type IgnitionVariant, type IgnitionVersion } from "./version";

/**
 * Pure checks shared by the builder (which throws at the call that makes the mistake) and by
 * {@link validateIgnitionSpec} (which lists every problem of a config it did not build). Each
 * returns a {@link Problem}, or undefined when the value is fine.
 *
 * Values that hold apply-time markers (cdktf tokens) are checked only as far as the known text
 * allows: a token may stand for anything.
 */
export type { Problem } from "../core/errors";
import type { Problem } from "../core/errors";

const problem = (field: string, what: string, fix: string): Problem => ({ field, problem: what, fix });

export { show } from "../core/show";
import { show } from "../core/show";

/** Replaces apply-time markers with a neutral stand-in so the known text can be checked. */
function known(text: string): string {
  let out = text;
  for (const m of deferredMarkers(text)) out = out.replace(m, "x");
  return out;
}

// ---------------------------------------------------------------------------------------------
// Types

/** Ignition reads counts and timeouts into Go ints; we keep them within 32 bits. */
export const GO_INT32_MAX = 2147483647;

/** A GPT partition table holds 128 entries unless made larger (sgdisk(8), --resize-table). */
export const GPT_MAX_PARTITIONS = 128;

export function checkString(value: unknown, field: string, what = "a string"): Problem | undefined {
  if (typeof value !== "string") return problem(field, `expected ${what}, got ${show(value)}`, `pass ${what}`);
  return undefined;
}

export function checkNonEmptyString(value: unknown, field: string): Problem | undefined {
  return checkString(value, field) ?? (value === "" ? problem(field, "is empty", "give a non-empty value") : undefined);
}

export function checkBoolean(value: unknown, field: string): Problem | undefined {
  if (value !== undefined && typeof value !== "boolean") {
    return problem(field, `expected true or false, got ${show(value)}`, "pass a boolean or leave it out");
  }
  return undefined;
}

export function checkInteger(value: unknown, field: string, min: number, max: number, unit = ""): Problem | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    return problem(field, `expected an integer from ${min} to ${max}${unit}, got ${show(value)}`, `give a whole number from ${min} to ${max}`);
  }
  return undefined;
}

export function checkStringList(value: unknown, field: string): Problem | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) return problem(field, `expected a list of strings, got ${show(value)}`, "pass an array of strings");
  for (let i = 0; i < value.length; i++) {
    const p = checkString(value[i], `${field}[${i}]`);
    if (p) return p;
  }
  return undefined;
}

/** Ignition refuses duplicate entries in every list (coreos/ignition config/validate ValidateDups). */
export function checkNoDuplicates(values: readonly string[], field: string): Problem | undefined {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) return problem(`${field}`, `${show(v)} is listed twice; Ignition refuses duplicate list entries`, "list each value once");
    seen.add(v);
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Paths and modes

/**
 * An absolute, clean path (coreos/ignition config/v3_3/types/path.go: ErrPathRelative, and
 * ErrDirtyPath when `path.Clean(p) != p`).
 */
export function checkAbsolutePath(value: unknown, field: string): Problem | undefined {
  const t = checkString(value, field, "an absolute path");
  if (t) return t;
  const p = value as string;
  if (isDeferred(p)) return undefined;
  if (p === "") return problem(field, "the path is empty", "give an absolute path starting with /");
  if (!p.startsWith("/")) return problem(field, `the path ${show(p)} is relative`, `give an absolute path starting with /, for example ${show(`/${p}`)}`);
  const clean = cleanPath(p);
  if (clean !== p) {
    return problem(field, `the path ${show(p)} is not clean (it has ., .., // or a trailing /); Ignition refuses it`, `write it as ${show(clean)}`);
  }
  if (p.includes("\0")) return problem(field, "the path holds a NUL byte", "remove it");
  return undefined;
}

/** Go's `path.Clean` for absolute paths. */
export function cleanPath(p: string): string {
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith("/") ? n.slice(0, -1) : n;
}

/** A path for a file, directory or link: absolute, clean and not `/` itself. */
export function checkNodePath(value: unknown, field: string): Problem | undefined {
  const p = checkAbsolutePath(value, field);
  if (p) return p;
  if (value === "/") return problem(field, "the path is the root directory", "give the path of a file, directory or link below /");
  return undefined;
}

/** The proper ancestors of an absolute path, nearest first, without `/`. */
export function ancestors(p: string): string[] {
  const out: string[] = [];
  for (let d = posix.dirname(p); d !== "/" && d !== "."; d = posix.dirname(d)) out.push(d);
  return out;
}

/** Permission bits (coreos/ignition config/v3_3/types/mode.go: 0 to 07777, else ErrFileIllegalMode). */
export function checkMode(value: unknown, field: string): Problem | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 0o7777) {
    const shown = typeof value === "number" && Number.isInteger(value) && value >= 0 ? `0o${value.toString(8)}` : show(value);
    return problem(field, `the mode ${shown} is outside 0..0o7777`, "give permission bits as an octal literal, for example 0o644 or 0o755");
  }
  return undefined;
}

/** A file owner: an id or a name, not both (config/v3_3/types/node.go ErrBothIDAndNameSet). */
export function checkOwner(value: unknown, field: string, kind: "user" | "group" = "user"): Problem | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return problem(field, `expected { id } or { name }, got ${show(value)}`, "pass { id: 500 } or { name: \"core\" }");
  }
  const o = value as { id?: unknown; name?: unknown };
  if (o.id !== undefined && o.name !== undefined) {
    return problem(field, "both id and name are set; Ignition refuses that", "give either the numeric id or the name");
  }
  const id = checkInteger(o.id, `${field}.id`, 0, 4294967294);
  if (id) return id;
  if (o.name !== undefined) return kind === "user" ? checkUserName(o.name, `${field}.name`) : checkGroupName(o.name, `${field}.name`);
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// systemd

// Unit types Ignition accepts (config/v3_3/types/unit.go validateName; `.snapshot` there too, but
// systemd removed snapshot units in v228, so we refuse it) and systemd.unit(5) lists.
export const UNIT_SUFFIXES = [".service", ".socket", ".device", ".mount", ".automount", ".swap", ".target", ".path", ".timer", ".slice", ".scope"] as const;

// systemd.unit(5): unit names are at most 255 characters of ASCII letters, digits, ":", "-", "_",
// ".", "\" and one "@" separating a template from its instance.
const UNIT_NAME = /^[A-Za-z0-9:_.\\-]+(@[A-Za-z0-9:_.\\-]*)?$/;

export function checkUnitName(value: unknown, field: string): Problem | undefined {
  const t = checkNonEmptyString(value, field);
  if (t) return t;
  const name = value as string;
  const suffix = posix.extname(name);
  if (!(UNIT_SUFFIXES as readonly string[]).includes(suffix)) {
    return problem(field, `the unit name ${show(name)} has no valid systemd unit suffix`, `end it in one of ${UNIT_SUFFIXES.join(" ")}, for example ${show(`${name.replace(/\.[^.]*$/, "") || "hello"}.service`)}`);
  }
  if (name.length > 255 || !UNIT_NAME.test(name) || name.startsWith(".") || name === suffix) {
    return problem(field, `the unit name ${show(name)} is not a valid systemd unit name`, "use letters, digits, : - _ . \\ and at most one @ before the suffix (systemd.unit(5))");
  }
  return undefined;
}

export function checkDropinName(value: unknown, field: string): Problem | undefined {
  const t = checkNonEmptyString(value, field);
  if (t) return t;
  const name = value as string;
  // config/v3_3/types/unit.go: a dropin's extension must be .conf (ErrInvalidSystemdDropinExt).
  if (!name.endsWith(".conf") || name === ".conf") {
    return problem(field, `the dropin name ${show(name)} does not end in .conf; systemd ignores other dropins`, `name it ${show(`${name.replace(/\.[^.]*$/, "") || "10-override"}.conf`)}`);
  }
  if (name.includes("/")) return problem(field, `the dropin name ${show(name)} holds a /`, "give a file name, not a path");
  return undefined;
}

// Ignition checks unit and dropin contents with go-systemd's unit.Deserialize (coreos/go-systemd
// v22 unit/deserialize.go; config/v3_3/types/unit.go validateUnitContent). Its lexer, described
// here as states so we refuse exactly what Ignition refuses:
// - before and between sections any character is skipped until `[`; `#` or `;` skips a comment
//   line (and the next one while a line ends in `\`);
// - a section name runs to the next `]`, even across lines; anything but spaces after it on the
//   line is an error;
// - inside a section, whitespace is skipped, `[` starts a section, and anything else starts an
//   option name that must reach `=` before a newline or the end of the text;
// - an option value runs to the end of the line, continued on the next while it ends in `\`;
// - a stretch of 2048 bytes without \r or \n (SYSTEMD_LINE_MAX) may be an error (see below).
const SYSTEMD_LINE_MAX = 2048;

// Go's unicode.IsSpace.
const GO_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;

const goTrim = (s: string): string => {
  const chars = [...s];
  while (chars.length && GO_SPACE.test(chars[0])) chars.shift();
  while (chars.length && GO_SPACE.test(chars[chars.length - 1])) chars.pop();
  return chars.join("");
};

/** The UTF-8 sequence length of the character whose lead byte is `b` (1 for stray bytes). */
const utf8Length = (b: number): number => (b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1);

export function checkUnitContents(value: unknown, field: string): Problem | undefined {
  if (value === undefined) return undefined;
  const t = checkString(value, field, "unit file text");
  if (t) return t;
  const bytes = Buffer.from(known(value as string), "utf8");
  const fix = "write [Section] headers and Key=Value lines (systemd.syntax(7))";
  const lineAt = (i: number) => bytes.subarray(0, i).toString("utf8").split("\n").length;
  const at = (i: number, what: string): Problem => problem(field, `line ${lineAt(i)}: ${what}`, fix);
  let i = 0;
  /** The rest of the line from i, as go-systemd's toEOL returns it; moves i past the newline. */
  const toEOL = (): string => {
    const nl = bytes.indexOf(0x0a, i);
    const line = bytes.subarray(i, nl < 0 ? bytes.length : nl).toString("utf8");
    i = nl < 0 ? bytes.length : nl + 1;
    // It trims "\r" and then "\n": a "\r" before a newline stays, one at the very end goes.
    return nl < 0 ? line.replace(/\r$/, "") : line;
  };
  // go-systemd refuses 2048 bytes without \r or \n when it meets them at the start of a lexer
  // step with that much buffered; which long lines it meets depends on its read buffer, so we
  // refuse every one (systemd would truncate them anyway).
  let run = 0;
  for (let j = 0; j < bytes.length; j++) {
    run = bytes[j] === 0x0a || bytes[j] === 0x0d ? 0 : run + 1;
    if (run >= SYSTEMD_LINE_MAX) return problem(field, `line ${lineAt(j)} is longer than systemd's limit of ${SYSTEMD_LINE_MAX} bytes`, "split it with a trailing \\ continuation");
  }
  let inSection = false;
  for (;;) {
    if (i >= bytes.length) return undefined;
    const start = i;
    const ch = bytes.subarray(i, i + utf8Length(bytes[i])).toString("utf8");
    i += utf8Length(bytes[i]);
    if (ch === "[") {
      const close = bytes.indexOf(0x5d, i);
      if (close < 0) return at(start, "a section header has no closing ]");
      i = close + 1;
      const rest = goTrim(toEOL());
      if (rest !== "") return at(start, `text ${show(rest)} after a section header`);
      inSection = true;
    } else if (ch === "#" || ch === ";") {
      // A comment line, continued while it ends in "\" (one trailing space allowed).
      for (;;) {
        const eof = i >= bytes.length;
        if (eof || !toEOL().replace(/ $/, "").endsWith("\\")) break;
      }
    } else if (inSection && !GO_SPACE.test(ch)) {
      // An option: its name must reach "=" before a newline or the end.
      const stop = [0x0a, 0x0d].map((b) => bytes.indexOf(b, start)).filter((n) => n >= 0);
      const lineEnd = stop.length ? Math.min(...stop) : bytes.length;
      const eq = bytes.indexOf(0x3d, start);
      if (eq < 0 || eq > lineEnd) return at(start, `${show(bytes.subarray(start, lineEnd).toString("utf8"))} is not an option (Key=Value) line`);
      i = eq + 1;
      for (;;) {
        const line = toEOL();
        if (goTrim(line) === "" || !line.endsWith("\\") || i >= bytes.length) break;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Users, groups, keys

// useradd(8) and groupadd(8), CAVEATS: names start with a lower case letter or an underscore,
// followed by lower case letters, digits, underscores or dashes, may end with a dollar sign, and
// are at most 32 characters long.
const ACCOUNT_NAME = /^[a-z_][a-z0-9_-]*\$?$/;

function checkAccountName(value: unknown, field: string, kind: "user" | "group"): Problem | undefined {
  const t = checkNonEmptyString(value, field);
  if (t) return t;
  const name = value as string;
  if (isDeferred(name)) return undefined;
  if (name.length > 32 || !ACCOUNT_NAME.test(name)) {
    return problem(
      field,
      `${show(name)} is not a valid ${kind} name`,
      `start with a lower-case letter or _, then use lower-case letters, digits, _ or -, at most 32 characters (${kind === "user" ? "useradd" : "groupadd"}(8))`,
    );
  }
  return undefined;
}

export const checkUserName = (value: unknown, field: string): Problem | undefined => checkAccountName(value, field, "user");
export const checkGroupName = (value: unknown, field: string): Problem | undefined => checkAccountName(value, field, "group");

export { checkSshKey, SSH_KEY_TYPES } from "../core/ssh";

// ---------------------------------------------------------------------------------------------
// Hashes and sources

// config/v3_3/types/verification.go: `<function>-<hex>`, sha512 or sha256, the sum as long as
// the hash's hex encoding (128 and 64 characters).
const HASH_HEX_LENGTH = { sha512: 128, sha256: 64 } as const;
export type HashAlgorithm = keyof typeof HASH_HEX_LENGTH;

export function checkHashParts(algorithm: unknown, hex: unknown, field: string): Problem | undefined {
  if (algorithm !== "sha512" && algorithm !== "sha256") {
    return problem(field, `the hash algorithm ${show(algorithm)} is not one Ignition verifies`, "use sha512 (preferred) or sha256");
  }
  const t = checkString(hex, field, "a hex digest");
  if (t) return t;
  const h = hex as string;
  if (isDeferred(h)) return undefined;
  const want = HASH_HEX_LENGTH[algorithm];
  if (h.length !== want || !/^[0-9a-fA-F]*$/.test(h)) {
    return problem(field, `a ${algorithm} hash is ${want} hex digits; got ${h.length} characters${/^[0-9a-fA-F]*$/.test(h) ? "" : " that are not all hex"}`, `give the output of \`${algorithm}sum FILE\` (the hex digest only)`);
  }
  return undefined;
}

/** A rendered `verification.hash` string, `sha512-<hex>` or `sha256-<hex>`. */
export function checkHashString(value: unknown, field: string): Problem | undefined {
  const t = checkString(value, field, "a hash like sha512-<hex>");
  if (t) return t;
  const s = value as string;
  const dash = s.indexOf("-");
  if (dash < 0) return problem(field, `the hash ${show(s)} is not <function>-<hex>`, "write sha512-<128 hex digits> or sha256-<64 hex digits>");
  return checkHashParts(s.slice(0, dash), s.slice(dash + 1), field);
}

/** What a source needs around it. */
export interface SourceContext {
  readonly version: IgnitionVersion;
  readonly hasHash: boolean;
  readonly compression?: string;
  readonly hasHeaders?: boolean;
  /** The OS variant, for the fix of a refusal. @default - none */
  readonly variant?: IgnitionVariant;
}

/**
 * A resource URL (config/v3_3/types/url.go: http, https, tftp, s3, gs, data; arn from 3.4.0),
 * with our policy on top: anything fetched over a network path that does not authenticate its
 * server (http, https, tftp) carries a verification hash.
 */
export function checkSource(value: unknown, field: string, ctx: SourceContext): Problem | undefined {
  const t = checkNonEmptyString(value, field);
  if (t) return t;
  const source = value as string;
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(source);
  if (!m) {
    if (isDeferred(source) && source.search(/[$#&]\{TfToken/) === 0) return undefined; // the whole scheme is an apply-time value
    return problem(field, `the source ${show(source)} has no URL scheme`, "give an https://, http://, tftp://, s3://, gs:// or data: URL");
  }
  const scheme = m[1].toLowerCase();
  const k = known(source);
  switch (scheme) {
    case "http":
    case "https":
    case "tftp": {
      if (!isDeferred(source)) {
        try {
          const u = new URL(source);
          if (!u.host) throw new Error("no host");
        } catch {
          return problem(field, `the source ${show(source)} is not a valid ${scheme} URL`, `write ${scheme}://host/path`);
        }
      }
      if (!ctx.hasHash) {
        return problem(field, `the ${scheme} source ${show(source)} has no verification hash`, "pass hash: { algorithm: \"sha512\", hex: \"<sha512sum of the content>\" } so Ignition can check what it fetched");
      }
      if (ctx.hasHeaders && scheme === "tftp") return problem(field, "httpHeaders need an http or https source", "drop the headers or fetch over https");
      return undefined;
    }
    case "s3":
    case "gs":
    case "arn": {
      if (scheme === "arn") {
        const p = checkFeature(field, IgnitionFeature.ARN_SOURCE, ctx.version, ctx.variant);
        if (p) return p;
      }
      // config/v3_4/types/url.go: an s3 ARN with a bucket and key, or accesspoint/<name>/<key>.
      if (scheme === "arn" && (!/^arn:[^:]+:s3:[^:]*:[^:]*:.+\/.+/.test(k) || /^arn:[^:]+:s3:[^:]*:[^:]*:accesspoint\/[^/]*$/.test(k.split("?")[0]))) {
        return problem(field, `the source ${show(source)} is not an S3 object ARN`, "write arn:aws:s3:<region>:<account>:accesspoint/<name>/object/<key> or arn:aws:s3:::<bucket>/<key>");
      }
      if (scheme !== "arn" && !/^[a-z0-9]+:\/\/[^/]+\/.+/i.test(k)) {
        return problem(field, `the source ${show(source)} does not name a bucket and an object`, `write ${scheme}://<bucket>/<key>`);
      }
      if ((scheme === "s3" || scheme === "arn") && /[?&]versionId(=(&|$)|&|$)/.test(k)) {
        return problem(field, `the ${scheme} source has an empty versionId`, "give the object version or drop ?versionId");
      }
      // coreos/ignition docs/configuration-v3_3.md: "Compression cannot be used with S3."
      if (ctx.compression && scheme !== "gs") {
        return problem(field, `compression ${show(ctx.compression)} is set on an S3 source; Ignition cannot decompress S3 objects`, "store the object uncompressed and drop gzip/compression");
      }
      if (ctx.hasHeaders) return problem(field, "httpHeaders need an http or https source", "drop the headers");
      return undefined;
    }
    case "data":
      if (ctx.hasHeaders) return problem(field, "httpHeaders need an http or https source", "drop the headers");
      return isDeferred(source) ? undefined : checkDataUrl(source, field);
    default:
      return problem(field, `the URL scheme ${show(`${scheme}:`)} is not one Ignition fetches`, "use https://, http://, tftp://, s3://, gs:// or data:");
  }
}

// RFC 2045 tokens as vincent-petithory/dataurl lexes them (lex.go isTokenRune): ASCII, not a
// control character, not a space, not one of ()<>@,;:\"/[]?=
const isTokenChar = (c: string | undefined): boolean => c !== undefined && c.length === 1 && c.charCodeAt(0) < 0x7f && c.charCodeAt(0) > 0x20 && !'()<>@,;:\\"/[]?='.includes(c);

/**
 * Reads the header of a data: URL (after `data:`) the way dataurl's lexer does, for the forms
 * it accepts without quirks: an optional `type/subtype` (type text, image, audio, video,
 * application, message, multipart or x-...), `;attr=value` parameters (value a token or a
 * quoted string), and a final `;base64`. Returns where the data starts, or what is wrong.
 */
function readDataUrlHeader(s: string): { readonly data: number; readonly base64: boolean } | string {
  let i = 5;
  const tokens = () => {
    const from = i;
    while (isTokenChar(s[i])) i++;
    return s.slice(from, i);
  };
  if (s[i] !== ";" && s[i] !== ",") {
    const type = tokens();
    if (!/^(x-|X-|text|image|audio|video|application|message|multipart)/.test(type)) return `the media type ${show(type)} is not one the data: URL decoder knows`;
    if (s[i] !== "/") return "the media type has no /";
    i++;
    tokens();
  }
  for (;;) {
    if (s[i] === ",") return { data: i + 1, base64: false };
    if (s[i] !== ";") return i >= s.length ? "the data: URL has no comma before its data" : `unexpected ${show(s[i])} in the data: URL's media type`;
    i++;
    const attr = tokens();
    if (attr === "") return "a data: URL parameter has no name";
    if (s[i] === ",") return attr === "base64" ? { data: i + 1, base64: true } : `the data: URL parameter ${show(attr)} has no value`;
    if (s[i] !== "=") return `unexpected ${show(s[i] ?? "end")} in the data: URL parameter ${show(attr)}`;
    i++;
    if (s[i] === '"') {
      // Printable ASCII only: the decoder takes any ASCII, but Go's url.Parse, which Ignition
      // runs first, refuses control characters.
      const printable = (j: number) => s.charCodeAt(j) >= 0x20 && s.charCodeAt(j) < 0x7f;
      for (i++; ; i++) {
        if (i >= s.length) return "a quoted data: URL parameter is not closed";
        if (s[i] === '"') break;
        if (s[i] === "\\") i++;
        if (i >= s.length || !printable(i)) return "a quoted data: URL parameter holds a character that is not printable ASCII";
      }
      i++;
    } else if (tokens() === "") {
      return `the data: URL parameter ${show(attr)} has no value`;
    }
  }
}

/**
 * A `data:` URL that vincent-petithory/dataurl (Ignition's decoder) accepts. In the plain form the
 * data is ASCII without spaces, control characters or `<>#"{}|\^[]` and backquote, and `%` comes
 * before two hex digits (dataurl lex.go isURLCharRune, rfc2396.go Unescape); in the base64 form
 * it is standard padded base64 (lex.go isBase64Rune, Go's base64.StdEncoding).
 */
export function checkDataUrl(source: string, field: string): Problem | undefined {
  const header = readDataUrlHeader(source);
  const fix = "write data:,<percent-encoded text> or data:;base64,<base64> (the builder does this for you)";
  if (typeof header === "string") return problem(field, header, fix);
  const data = source.slice(header.data);
  if (header.base64) {
    // The decoder would skip newlines, but Go's url.Parse (run first) refuses control characters.
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 !== 0) {
      return problem(field, "the base64 data: URL holds characters that are not padded base64", "encode the bytes with standard base64 (with = padding)");
    }
    return undefined;
  }
  for (let i = 0; i < data.length; i++) {
    const c = data.charCodeAt(i);
    const ch = data[i];
    if (c > 0x7e || c <= 0x20 || '<>#"{}|\\^[]`'.includes(ch)) {
      return problem(field, `the data: URL holds ${show(ch)} unescaped at position ${header.data + i}`, "percent-encode it (the builder does this for you)");
    }
    if (ch === "%" && !/^[0-9A-Fa-f]{2}$/.test(data.slice(i + 1, i + 3))) {
      return problem(field, `the data: URL has a % not followed by two hex digits at position ${header.data + i}`, "write %25 for a literal %");
    }
  }
  return undefined;
}

/** A proxy URL (config/v3_3/types/proxy.go: http or https). */
export function checkProxyUrl(value: unknown, field: string): Problem | undefined {
  if (value === undefined) return undefined;
  const t = checkNonEmptyString(value, field);
  if (t) return t;
  const s = value as string;
  if (isDeferred(s)) return undefined;
  let scheme = "";
  try {
    scheme = new URL(s).protocol;
  } catch {
    return problem(field, `the proxy ${show(s)} is not a URL`, "write http://host:port or https://host:port");
  }
  if (scheme !== "http:" && scheme !== "https:") {
    return problem(field, `the proxy ${show(s)} is not an http or https URL`, "write http://host:port or https://host:port");
  }
  return undefined;
}

/** The enum key of a version, for fixes: `V3_5_0`. */
export function versionKey(v: IgnitionVersion): string {
  return `V${v.replace(/\./g, "_")}`;
}

/**
 * A problem when a feature is missing from the spec the config renders (FEATURE_SINCE) or from
 * the OS the config is for (its variant's `unsupported`); undefined when the feature is there.
 */
export function checkFeature(field: string, feature: IgnitionFeature, version: IgnitionVersion, variant?: IgnitionVariant): Problem | undefined {
  const lacking = variant?.unsupported?.[feature];
  if (lacking !== undefined) return problem(field, `${variant!.name} does not support ${feature}: ${lacking}`, "leave it out for this OS");
  const since = FEATURE_SINCE[feature];
  if (compareSpecs(version, since) >= 0) return undefined;
  const where = variant?.whereToRead?.(since);
  return problem(
    field,
    `${feature} needs Ignition spec ${since}, and this config renders spec ${version}`,
    `create the config with new IgnitionConfig({ version: IgnitionVersion.${versionKey(since)} })${where ? ` (${where})` : ""}, or leave the feature out`,
  );
}

// ---------------------------------------------------------------------------------------------
// Storage devices

// config/v3_3/types/partition.go: GUIDs as 8-4-4-4-12 hex digits.
const GUID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;

export function checkGuid(value: unknown, field: string): Problem | undefined {
  if (value === undefined) return undefined;
  const t = checkString(value, field, "a GUID");
  if (t) return t;
  if (!GUID.test(value as string)) return problem(field, `${show(value)} is not a GUID`, "write it as 8-4-4-4-12 hex digits, for example 0FC63DAF-8483-4772-8E79-3D69D8477DE4");
  return undefined;
}

export function checkPartitionLabel(value: unknown, field: string): Problem | undefined {
  if (value === undefined) return undefined;
  const t = checkString(value, field);
  if (t) return t;
  const label = value as string;
  // config/v3_3/types/partition.go: GPT names hold 36 UTF-16 code units; sgdisk cannot escape ":".
  if (label.length > 36) return problem(field, `the partition label ${show(label)} is longer than 36 characters`, "shorten it (GPT partition names hold 36 characters)");
  if (label.includes(":")) return problem(field, `the partition label ${show(label)} holds a colon, which sgdisk cannot take`, "remove the colon");
  return undefined;
}

/** Filesystem formats Ignition creates (config/v3_3/types/filesystem.go validateFormat). */
export const FILESYSTEM_FORMATS = ["ext4", "btrfs", "xfs", "swap", "vfat", "none"] as const;

// config/v3_3/types/filesystem.go validateLabel, from the mkfs man pages.
const FS_LABEL_MAX: Record<string, number> = { ext4: 16, btrfs: 256, xfs: 12, swap: 15, vfat: 11 };

export function checkFilesystemLabel(format: string, label: unknown, field: string): Problem | undefined {
  if (label === undefined) return undefined;
  const t = checkString(label, field);
  if (t) return t;
  const max = FS_LABEL_MAX[format];
  if (max !== undefined && (label as string).length > max) {
    return problem(field, `a ${format} label is at most ${max} characters; ${show(label)} has ${(label as string).length}`, `shorten it to ${max} characters`);
  }
  return undefined;
}

/** RAID levels Ignition passes to mdadm (config/v3_3/types/raid.go validateLevel). */
export const RAID_LEVELS = ["linear", "raid0", "0", "stripe", "raid1", "1", "mirror", "raid4", "4", "raid5", "5", "raid6", "6", "raid10", "10"] as const;
export const RAID_LEVELS_WITHOUT_SPARES = ["linear", "raid0", "0", "stripe"];

/** A kernel argument: one word, as it appears on the kernel command line. */
export function checkKernelArgument(value: unknown, field: string): Problem | undefined {
  const t = checkNonEmptyString(value, field);
  if (t) return t;
  if (/\s/.test(value as string)) {
    return problem(field, `the kernel argument ${show(value)} holds whitespace`, "give each argument separately, for example \"console=ttyS0\"");
  }
  return undefined;
}

/** A LUKS device-mapper name (config/v3_3/types/luks.go: no slash; it becomes /dev/mapper/<name>). */
export function checkLuksName(value: unknown, field: string): Problem | undefined {
  const t = checkNonEmptyString(value, field);
  if (t) return t;
  if ((value as string).includes("/")) return problem(field, `the LUKS name ${show(value)} holds a /`, "give a plain name; the volume appears as /dev/mapper/<name>");
  return undefined;
}


/**
 * A crypt(3) password hash as /etc/shadow stores it: `$id$...` (for example `mkpasswd
 * --method=SHA-512`), a 13-character DES hash, or a locked value starting with `!` or `*`
 * (shadow(5)). A plain password here would be written to /etc/shadow as-is and never match.
 */
export function checkPasswordHash(value: unknown, field: string): Problem | undefined {
  if (value === undefined) return undefined;
  const t = checkString(value, field, "a crypt(3) hash");
  if (t) return t;
  const h = value as string;
  if (isDeferred(h)) return undefined;
  if (/[:\n]/.test(h)) return problem(field, "the password hash holds ':' or a newline, which would break /etc/shadow", "give the hash printed by `mkpasswd --method=SHA-512`");
  if (!(/^\$[0-9a-z]+\$/.test(h) || /^[!*]/.test(h) || /^[./0-9A-Za-z]{13}$/.test(h) || h === "")) {
    return problem(field, "the value does not look like a crypt(3) hash; it may be a plain password", "hash it first, for example with `mkpasswd --method=SHA-512`");
  }
  return undefined;
}

/** A value for /etc/passwd fields (gecos): no ':' and no newline (passwd(5)). */
export function checkPasswdField(value: unknown, field: string): Problem | undefined {
  if (value === undefined) return undefined;
  const t = checkString(value, field);
  if (t) return t;
  if (/[:\n]/.test(value as string)) return problem(field, `${show(value)} holds ':' or a newline, which would break /etc/passwd`, "remove them");
  return undefined;
}
