/**
 * Generates the cdktf bindings for dmacvicar/libvirt from the committed provider schemas, offline:
 * 0.8.3 (schemas/libvirt-0.8.3.provider-schema.json) into gen/libvirt, 0.9.7
 * (schemas/libvirt-0.9.7.provider-schema.json, derived by scripts/derive-libvirt-0.9-schema.ts)
 * into gen/libvirt-0.9.
 *
 * It does what `cdktf get` does for a TypeScript project (@cdktf/provider-generator 0.21.0,
 * lib/get/constructs-maker.js generateTypescriptProvider): a codemaker CodeMaker, a
 * TerraformProviderGenerator over the schema, `generate(target)` for the provider constraint, then
 * `save`. The same schema gives the same files byte for byte.
 *
 * The 0.9 schema uses Plugin Framework nested attributes (`nested_type`); provider-generator 0.21
 * renders them itself (lib/get/generator/resource-parser.js renderAttributeType,
 * isAttributeNestedType: single, list, set and map), as structs with the same setters as blocks.
 *
 * Usage: npm run gen:libvirt                        both versions, into their folders
 *        npm run gen:libvirt -- <version> [<outdir>]  one version (0.8.3 or 0.9.7)
 *        npm run gen:libvirt -- <outdir>              0.8.3 into <outdir>
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CodeMaker, TerraformProviderGenerator } from "@cdktf/provider-generator";
// @cdktf/commons is the generator's own dependency; its target types are what generate() expects.
import { ConstructsMakerProviderTarget, Language, TerraformProviderConstraint } from "@cdktf/commons";

const ROOT = path.resolve(__dirname, "..");

/** The provider versions this script generates bindings for: the schema and the output folder. */
export const LIBVIRT_BINDINGS = {
  "0.8.3": { schema: path.join(ROOT, "schemas", "libvirt-0.8.3.provider-schema.json"), genDir: path.join(ROOT, "gen", "libvirt") },
  "0.9.7": {
    schema: path.join(ROOT, "schemas", "libvirt-0.9.7.provider-schema.json"),
    genDir: path.join(ROOT, "gen", "libvirt-0.9"),
    keep: path.join(ROOT, "scripts", "libvirt-0.9-bindings-keep.json"),
  },
} as const;
export type LibvirtBindingsVersion = keyof typeof LIBVIRT_BINDINGS;

/** The provider the 0.8.3 bindings are generated for, as cdktf.json would name it. */
export const LIBVIRT_PROVIDER_CONSTRAINT = "dmacvicar/libvirt@= 0.8.3";
export const LIBVIRT_SCHEMA_PATH = LIBVIRT_BINDINGS["0.8.3"].schema;
export const LIBVIRT_GEN_DIR = LIBVIRT_BINDINGS["0.8.3"].genDir;

/** Writes the bindings of one provider version (0.8.3 unless told) into `outdir`, replacing what was there. */
export async function generateLibvirtBindings(outdir: string, version: LibvirtBindingsVersion = "0.8.3"): Promise<void> {
  const schema = bindingsSchema(version);
  const code = new CodeMaker();
  const generator = new TerraformProviderGenerator(code, schema);
  const target = new ConstructsMakerProviderTarget(
    new TerraformProviderConstraint(`dmacvicar/libvirt@= ${version}`),
    Language.TYPESCRIPT,
  );
  generator.generate(target);
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.mkdirSync(outdir, { recursive: true });
  await generator.save(outdir);
  markUnchecked(outdir);
}

interface Attr {
  nested_type?: { attributes: Record<string, Attr>; nesting_mode: string };
  [k: string]: unknown;
}

/** The schema document the bindings of `version` are generated from: the committed one, pruned by its keep list if it has one. */
export function bindingsSchema(version: LibvirtBindingsVersion): Record<string, any> {
  const entry: { schema: string; keep?: string } = LIBVIRT_BINDINGS[version];
  const schema = JSON.parse(fs.readFileSync(entry.schema, "utf8"));
  if (!entry.keep) return schema;
  const keep = JSON.parse(fs.readFileSync(entry.keep, "utf8")) as Record<string, string[] | string>;
  for (const provider of Object.values(schema.provider_schemas) as Array<{ resource_schemas: Record<string, { block: { attributes: Record<string, Attr> } }> }>) {
    for (const [type, paths] of Object.entries(keep)) {
      if (type === "//") continue;
      const resource = provider.resource_schemas[type];
      if (!resource) throw new Error(`${entry.keep}: no resource ${type}`);
      resource.block.attributes = pruneForBindings(resource.block.attributes, paths as string[], `${entry.keep} ${type}`);
    }
  }
  return schema;
}

/**
 * The pruning rule of the keep lists (scripts/libvirt-0.9-bindings-keep.json): every top-level
 * attribute stays; every scalar of a kept nested attribute stays; a nested attribute below the top
 * level stays only when its path is listed, or under a listed `<path>.*`. Throws on a listed path
 * that is not in the schema, so the list cannot rot.
 */
export function pruneForBindings(top: Record<string, Attr>, paths: readonly string[], where: string): Record<string, Attr> {
  const exact = new Set(paths.filter((p) => !p.endsWith(".*")));
  const subtrees = paths.filter((p) => p.endsWith(".*")).map((p) => p.slice(0, -2));
  const found = new Set<string>();
  const prune = (attrs: Record<string, Attr>, prefix: string, depth: number): Record<string, Attr> => {
    const out: Record<string, Attr> = {};
    for (const [name, attr] of Object.entries(attrs)) {
      const p = prefix ? `${prefix}.${name}` : name;
      if (!attr.nested_type) {
        out[name] = attr;
        continue;
      }
      const whole = subtrees.some((s) => p === s || p.startsWith(`${s}.`));
      if (exact.has(p) || subtrees.includes(p)) found.add(p);
      if (whole) out[name] = attr;
      else if (depth === 0 || exact.has(p)) out[name] = { ...attr, nested_type: { ...attr.nested_type, attributes: prune(attr.nested_type.attributes, p, depth + 1) } };
    }
    return out;
  };
  const pruned = prune(top, "", 0);
  const missing = [...exact, ...subtrees].filter((p) => !found.has(p));
  if (missing.length) throw new Error(`${where}: kept paths not in the schema (or under a pruned parent): ${missing.join(", ")}`);
  return pruned;
}

/**
 * The generator writes code for cdktf's own compiler settings, without the `override` modifiers
 * that this project's `noImplicitOverride` asks for (TS4114/TS4115, 30 places). The files are
 * generated and never edited by hand, so each gets a `@ts-nocheck` header instead of edits; their
 * types still reach the code that imports them.
 */
function markUnchecked(dir: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) markUnchecked(file);
    else if (entry.name.endsWith(".ts")) {
      fs.writeFileSync(file, `${UNCHECKED_HEADER}${fs.readFileSync(file, "utf8")}`);
    }
  }
}

const UNCHECKED_HEADER =
  "// @ts-nocheck -- generated by scripts/gen-libvirt.ts (@cdktf/provider-generator 0.21.0); do not edit\n";

async function main(args: string[]): Promise<void> {
  const isVersion = (a: string | undefined): a is LibvirtBindingsVersion => a !== undefined && a in LIBVIRT_BINDINGS;
  const jobs: Array<[LibvirtBindingsVersion, string]> = isVersion(args[0])
    ? [[args[0], path.resolve(args[1] ?? LIBVIRT_BINDINGS[args[0]].genDir)]]
    : args[0] !== undefined
      ? [["0.8.3", path.resolve(args[0])]]
      : (Object.keys(LIBVIRT_BINDINGS) as LibvirtBindingsVersion[]).map((v) => [v, LIBVIRT_BINDINGS[v].genDir]);
  for (const [version, outdir] of jobs) {
    await generateLibvirtBindings(outdir, version);
    console.log(`libvirt ${version} bindings written to ${path.relative(process.cwd(), outdir) || "."}`);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
