/**
 * Derives the dmacvicar/libvirt 0.9.7 provider schema, in the `terraform providers schema -json`
 * format, from the provider's generated docs at tag v0.9.7 and the committed corrections.
 *
 * Input: `docs/index.md`, `docs/resources/*.md`, `docs/data-sources/*.md` of the provider's repo
 * (github.com/dmacvicar/terraform-provider-libvirt) at v0.9.7. They are terraform-plugin-docs
 * output of the real schema: `## Schema`, `### Required` / `### Optional` / `### Read-Only` lists of
 * `` - `name` (Type) text `` and one `### Nested Schema for `a.b`` section per nested attribute,
 * whose lists are headed `Required:` / `Optional:` / `Read-Only:`. The Plugin Framework's nested
 * attributes become `nested_type` with `nesting_mode` single / list / set / map, as
 * `terraform providers schema -json` reports them.
 *
 * The docs were last regenerated at v0.9.1 (2025-11-30) while the schema kept changing, so the
 * derived schema is then corrected by scripts/libvirt-0.9-corrections.json: each entry names the Go
 * file at v0.9.7 it was read from, and states what it expects to find, so a correction that no
 * longer applies fails the derivation instead of passing silently.
 *
 * Usage:
 *   node --import tsx scripts/derive-libvirt-0.9-schema.ts <docs root> [out]
 * where <docs root> is a checkout of the provider at v0.9.7 (a folder holding `docs/`), e.g.
 *   git --git-dir=<repo> archive v0.9.7 docs | tar -x -C <tmp>
 * or the committed copy schemas/libvirt-0.9.7-docs. The output defaults to
 * schemas/libvirt-0.9.7.provider-schema.json.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");
export const LIBVIRT_09_VERSION = "0.9.7";
export const LIBVIRT_09_SCHEMA_PATH = path.join(ROOT, "schemas", `libvirt-${LIBVIRT_09_VERSION}.provider-schema.json`);
/** The committed copy of the provider's generated docs at v0.9.7 (only the files the schema needs). */
export const LIBVIRT_09_DOCS_COPY = path.join(ROOT, "schemas", `libvirt-${LIBVIRT_09_VERSION}-docs`);
export const LIBVIRT_09_CORRECTIONS_PATH = path.join(ROOT, "scripts", "libvirt-0.9-corrections.json");
const FQPN = "registry.terraform.io/dmacvicar/libvirt";

export type JsonType = string | [string, JsonType];

/** One attribute in the `terraform providers schema -json` format (Plugin Framework style). */
export interface JsonAttribute {
  type?: JsonType;
  nested_type?: { attributes: Record<string, JsonAttribute>; nesting_mode: "single" | "list" | "set" | "map" };
  description?: string;
  description_kind?: "plain";
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
}

export interface JsonSchema {
  version: number;
  block: { attributes: Record<string, JsonAttribute>; description?: string; description_kind: "plain" };
}

/** One entry of scripts/libvirt-0.9-corrections.json. */
export interface Correction {
  readonly id: string;
  /** `provider`, or `resource:<type>` / `data:<type>`. */
  readonly schema: string;
  /** `add` new attributes, `replace` documented ones, or `set-flags` on documented ones. */
  readonly op: "add" | "replace" | "set-flags";
  /** add / replace: the dotted paths of the nested attributes that get `attributes` ("" = top level). */
  readonly under?: readonly string[];
  readonly attributes?: Record<string, JsonAttribute>;
  /** set-flags: the dotted paths of the attributes, what the docs say, and what is true. */
  readonly at?: readonly string[];
  readonly was?: Flag;
  readonly flags?: Flag;
  /** Where at the tag this was read: a Go file (and the symbol in it). */
  readonly source: string;
  readonly note?: string;
}

type Flag = "required" | "optional" | "computed";

interface DocEntry {
  readonly name: string;
  readonly typeLabel: string;
  readonly flag: Flag;
  description: string;
}

interface ParsedDoc {
  readonly title: string;
  readonly kind: "resource" | "data" | "provider";
  readonly description: string;
  /** Dotted section path ("" = the top-level schema) to its entries in document order. */
  readonly sections: Map<string, DocEntry[]>;
}

const FLAG_HEADINGS: Record<string, Flag> = { Required: "required", Optional: "optional", "Read-Only": "computed" };

/** Parses one terraform-plugin-docs page (exported for tests). */
export function parseDocPage(text: string, file: string): ParsedDoc {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  const title = /^# (\S+) \((Resource|Data Source)\)$/m.exec(text);
  const kind = title ? (title[2] === "Resource" ? "resource" : "data") : "provider";
  const description = frontMatterDescription(lines);
  const start = lines.indexOf("## Schema");
  if (start < 0) throw new Error(`${file}: no "## Schema" section`);
  const sections = new Map<string, DocEntry[]>([["", []]]);
  let section = "";
  let flag: Flag | undefined;
  let last: DocEntry | undefined;
  for (const line of lines.slice(start + 1)) {
    let m: RegExpExecArray | null;
    if ((m = /^### (Required|Optional|Read-Only)$/.exec(line))) {
      section = "";
      flag = FLAG_HEADINGS[m[1]];
      last = undefined;
    } else if ((m = /^### Nested Schema for `([^`]+)`$/.exec(line))) {
      section = m[1];
      if (sections.has(section)) throw new Error(`${file}: nested schema for \`${section}\` twice`);
      sections.set(section, []);
      flag = undefined;
      last = undefined;
    } else if ((m = /^(Required|Optional|Read-Only):$/.exec(line))) {
      flag = FLAG_HEADINGS[m[1]];
      last = undefined;
    } else if ((m = /^- `([^`]+)` \(([^)]+)\)(?: (.*))?$/.exec(line))) {
      if (!flag) throw new Error(`${file}: \`${m[1]}\` in \`${section}\` outside a Required/Optional/Read-Only list`);
      last = { name: m[1], typeLabel: m[2], flag, description: m[3] ?? "" };
      sections.get(section)!.push(last);
    } else if (line.startsWith("<a id=") || line.startsWith("## ") || line.startsWith("### ")) {
      last = undefined;
    } else if (line.trim() !== "" && last) {
      // A description that runs over several lines (terraform-plugin-docs keeps the text as is).
      last.description += `\n${line}`;
    } else if (line.trim() === "" && last && last.description.includes("\n")) {
      last.description += "\n";
    }
  }
  return { title: title ? title[1] : "provider", kind, description, sections };
}

function frontMatterDescription(lines: string[]): string {
  const at = lines.indexOf("description: |-");
  if (at < 0) return "";
  const out: string[] = [];
  for (const line of lines.slice(at + 1)) {
    if (!line.startsWith("  ")) break;
    out.push(line.slice(2));
  }
  return out.join("\n").trim();
}

const NESTING: Record<string, "single" | "list" | "set" | "map"> = {
  Attributes: "single",
  "Attributes List": "list",
  "Attributes Set": "set",
  "Attributes Map": "map",
};
const SCALARS: Record<string, string> = { String: "string", Number: "number", Boolean: "bool", Dynamic: "dynamic" };

function scalarType(label: string, where: string): JsonType {
  if (SCALARS[label]) return SCALARS[label];
  const m = /^(List|Set|Map) of (.+)$/.exec(label);
  if (m) return [m[1].toLowerCase(), scalarType(m[2], where)];
  throw new Error(`${where}: type label \`${label}\` not understood`);
}

function cleanDescription(text: string): string | undefined {
  const d = text.replace(/ ?\(see \[below for nested schema\]\(#[^)]*\)\)/g, "").trim();
  return d === "" ? undefined : d;
}

function buildAttributes(doc: ParsedDoc, section: string, file: string, used: Set<string>): Record<string, JsonAttribute> {
  used.add(section);
  const out: Record<string, JsonAttribute> = {};
  for (const entry of doc.sections.get(section) ?? []) {
    const where = `${file}: ${section ? `${section}.` : ""}${entry.name}`;
    if (out[entry.name]) throw new Error(`${where}: listed twice`);
    const attr: JsonAttribute = {};
    const nesting = NESTING[entry.typeLabel];
    if (nesting) {
      const child = section ? `${section}.${entry.name}` : entry.name;
      // An attribute whose nested schema is empty has a heading and no list (e.g. audio `none.input`).
      if (!doc.sections.has(child)) throw new Error(`${where}: no "Nested Schema for \`${child}\`" section`);
      attr.nested_type = { attributes: buildAttributes(doc, child, file, used), nesting_mode: nesting };
    } else {
      attr.type = scalarType(entry.typeLabel, where);
    }
    const description = cleanDescription(entry.description);
    if (description) attr.description = description;
    attr[entry.flag] = true;
    out[entry.name] = attr;
  }
  return out;
}

function toSchema(doc: ParsedDoc, file: string): JsonSchema {
  const used = new Set<string>();
  const attributes = buildAttributes(doc, "", file, used);
  const orphans = [...doc.sections.keys()].filter((s) => !used.has(s));
  if (orphans.length) throw new Error(`${file}: nested sections no attribute refers to: ${orphans.join(", ")}`);
  return { version: 0, block: { attributes, ...(doc.description ? { description: doc.description } : {}), description_kind: "plain" } };
}

/** The docs folder inside `root` (a checkout with `docs/`, or the docs folder itself). */
function docsFolder(root: string): string {
  const inner = path.join(root, "docs");
  if (fs.existsSync(path.join(inner, "index.md"))) return inner;
  if (fs.existsSync(path.join(root, "index.md"))) return root;
  throw new Error(`${root}: neither ${root}/docs/index.md nor ${root}/index.md exists`);
}

/** The doc pages the schema is derived from, relative to the docs folder, sorted. */
export function schemaDocFiles(root: string): string[] {
  const dir = docsFolder(root);
  const list = (sub: string) =>
    fs.existsSync(path.join(dir, sub)) ? fs.readdirSync(path.join(dir, sub)).filter((f) => f.endsWith(".md")).sort().map((f) => `${sub}/${f}`) : [];
  return ["index.md", ...list("data-sources"), ...list("resources")];
}

/** The schema as the docs state it, before corrections. */
export function schemaFromDocs(root: string): { provider: JsonSchema; resource_schemas: Record<string, JsonSchema>; data_source_schemas: Record<string, JsonSchema> } {
  const dir = docsFolder(root);
  let provider: JsonSchema | undefined;
  const resource_schemas: Record<string, JsonSchema> = {};
  const data_source_schemas: Record<string, JsonSchema> = {};
  for (const file of schemaDocFiles(root)) {
    const doc = parseDocPage(fs.readFileSync(path.join(dir, file), "utf8"), file);
    const schema = toSchema(doc, file);
    if (doc.kind === "provider") provider = schema;
    else if (doc.kind === "resource") resource_schemas[doc.title] = schema;
    else data_source_schemas[doc.title] = schema;
  }
  if (!provider) throw new Error(`${dir}/index.md: no provider schema`);
  return { provider, resource_schemas, data_source_schemas };
}

export function loadCorrections(file: string = LIBVIRT_09_CORRECTIONS_PATH): Correction[] {
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { corrections: Correction[] }).corrections;
}

function flagOf(attr: JsonAttribute): Flag {
  if (attr.required) return "required";
  if (attr.optional) return "optional";
  return "computed";
}

/** Applies the corrections in order; throws when one does not find what it expects. */
export function applyCorrections(
  schemas: ReturnType<typeof schemaFromDocs>,
  corrections: readonly Correction[],
): void {
  for (const c of corrections) {
    const fail = (msg: string): never => {
      throw new Error(`correction ${c.id}: ${msg}`);
    };
    if (!/\.go\b/.test(c.source)) fail("source must name the Go file it was read from");
    const [kind, type] = c.schema.split(":");
    const schema =
      kind === "provider" ? schemas.provider : kind === "resource" ? schemas.resource_schemas[type] : kind === "data" ? schemas.data_source_schemas[type] : undefined;
    if (!schema) fail(`no schema \`${c.schema}\``);
    const attributesAt = (p: string): Record<string, JsonAttribute> => {
      let attrs = schema!.block.attributes;
      if (p === "") return attrs;
      for (const part of p.split(".")) {
        const next = attrs[part]?.nested_type;
        if (!next) fail(`\`${p}\`: \`${part}\` is not a nested attribute`);
        attrs = next!.attributes;
      }
      return attrs;
    };
    if (c.op === "add" || c.op === "replace") {
      if (!c.under?.length || !c.attributes) fail("add/replace needs `under` and `attributes`");
      for (const parent of c.under!) {
        const attrs = attributesAt(parent);
        for (const [name, attr] of Object.entries(c.attributes!)) {
          const exists = name in attrs;
          if (c.op === "add" && exists) fail(`\`${parent ? `${parent}.` : ""}${name}\` is documented already: use replace`);
          if (c.op === "replace" && !exists) fail(`\`${parent ? `${parent}.` : ""}${name}\` is not documented: use add`);
          attrs[name] = structuredClone(attr);
        }
      }
    } else if (c.op === "set-flags") {
      if (!c.at?.length || !c.flags || !c.was) fail("set-flags needs `at`, `was` and `flags`");
      for (const p of c.at!) {
        const dot = p.lastIndexOf(".");
        const attrs = attributesAt(dot < 0 ? "" : p.slice(0, dot));
        const attr = attrs[p.slice(dot + 1)];
        if (!attr) fail(`\`${p}\` is not documented`);
        if (flagOf(attr!) !== c.was) fail(`\`${p}\` is ${flagOf(attr!)} in the docs, expected ${c.was}`);
        delete attr!.required;
        delete attr!.optional;
        delete attr!.computed;
        attr![c.flags!] = true;
      }
    } else {
      fail(`unknown op \`${(c as { op: string }).op}\``);
    }
  }
}

/** Canonical key order and sorted attribute names, as `terraform providers schema -json` writes them. */
function canonicalAttributes(attrs: Record<string, JsonAttribute>): Record<string, JsonAttribute> {
  const out: Record<string, JsonAttribute> = {};
  for (const name of Object.keys(attrs).sort()) {
    const a = attrs[name];
    const c: JsonAttribute = {};
    if (a.type !== undefined) c.type = a.type;
    if (a.nested_type) c.nested_type = { attributes: canonicalAttributes(a.nested_type.attributes), nesting_mode: a.nested_type.nesting_mode };
    if (a.description) {
      c.description = a.description;
      c.description_kind = "plain";
    } else {
      c.description_kind = "plain";
    }
    if (a.required) c.required = true;
    if (a.optional) c.optional = true;
    if (a.computed) c.computed = true;
    out[name] = c;
  }
  return out;
}

function canonicalSchema(s: JsonSchema): JsonSchema {
  return {
    version: s.version,
    block: { attributes: canonicalAttributes(s.block.attributes), ...(s.block.description ? { description: s.block.description } : {}), description_kind: "plain" },
  };
}

const sortedRecord = <T>(r: Record<string, T>, f: (v: T) => T): Record<string, T> =>
  Object.fromEntries(Object.keys(r).sort().map((k) => [k, f(r[k])]));

/** The whole document, as the text written to schemas/ (deterministic: same inputs, same bytes). */
export function deriveLibvirt09Schema(docsRoot: string, corrections: readonly Correction[] = loadCorrections()): string {
  const schemas = schemaFromDocs(docsRoot);
  applyCorrections(schemas, corrections);
  const doc = {
    format_version: "1.0",
    provider_schemas: {
      [FQPN]: {
        provider: canonicalSchema(schemas.provider),
        resource_schemas: sortedRecord(schemas.resource_schemas, canonicalSchema),
        data_source_schemas: sortedRecord(schemas.data_source_schemas, canonicalSchema),
      },
    },
    provider_versions: { [FQPN]: LIBVIRT_09_VERSION },
  };
  return `${JSON.stringify(doc, null, 1)}\n`;
}

/** Copies the doc pages the derivation reads into `dest` (the committed schemas/libvirt-0.9.7-docs). */
export function copySchemaDocs(docsRoot: string, dest: string): void {
  const dir = docsFolder(docsRoot);
  fs.rmSync(dest, { recursive: true, force: true });
  for (const file of schemaDocFiles(docsRoot)) {
    fs.mkdirSync(path.dirname(path.join(dest, "docs", file)), { recursive: true });
    fs.copyFileSync(path.join(dir, file), path.join(dest, "docs", file));
  }
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const [root, out = LIBVIRT_09_SCHEMA_PATH] = args.filter((a) => !a.startsWith("--"));
  if (!root) {
    console.error("usage: node --import tsx scripts/derive-libvirt-0.9-schema.ts <docs root> [out] [--copy-docs]");
    process.exit(2);
  }
  try {
    fs.writeFileSync(out, deriveLibvirt09Schema(root));
    console.log(`libvirt ${LIBVIRT_09_VERSION} schema written to ${path.relative(process.cwd(), out)}`);
    if (args.includes("--copy-docs") && path.resolve(root) !== LIBVIRT_09_DOCS_COPY) {
      copySchemaDocs(root, LIBVIRT_09_DOCS_COPY);
      console.log(`doc pages copied to ${path.relative(process.cwd(), LIBVIRT_09_DOCS_COPY)}`);
    }
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
