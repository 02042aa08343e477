/**
 * The API lint, in the spirit of aws-cdk-lib's awslint (aws/aws-cdk tools/@aws-cdk/awslint): rules
 * a public API of construct libraries keeps, checked over what the package's entry points export.
 *
 *   documented        every export has a doc comment
 *   default-doc       every optional property of an exported interface says @default
 *   construct-ctor    a construct's public constructor is (scope: Construct, id: string, props?)
 *   no-any            no `any` in an exported signature (what a user touches)
 *   one-name          one name per concept: no version-suffixed twin (X and X09), no synonym spelled
 *                     two ways (FedoraCoreOs and Fcos), implementors of one interface named alike,
 *                     a function family (applyK3sToX) with one parameter shape
 *   no-node-types     the built declarations compile without @types/node, skipLibCheck false (a user
 *                     without Node's types would get TS2591 for a public `Buffer`)
 *
 *   node --import tsx scripts/api-lint.ts     (npm run api:check runs it after the build)
 * Exits non-zero and lists every finding as `entry: Name: rule: what`.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import ts from "typescript";

const ROOT = resolve(__dirname, "..");

/** The entry points as sources (for the doc rules) and as built declarations (for no-node-types). */
export const LINTED_ENTRIES: readonly { readonly name: string; readonly source: string; readonly dts: string }[] = [
  { name: "cdktf-microos", source: "lib/index.ts", dts: "dist/lib/index.d.ts" },
  { name: "cdktf-microos/testing", source: "lib/testing/index.ts", dts: "dist/lib/testing/index.d.ts" },
];

/** Interfaces whose implementors are named after a product, not after the interface's role. */
const BRAND_NAMED = new Set(["IOperatingSystem"]);

/** One concept, two spellings: the words a name may use for it, the first one preferred. */
export const SYNONYMS: readonly (readonly string[])[] = [["fedora core os", "fcos"]];

export interface Finding {
  readonly entry: string;
  readonly name: string;
  readonly rule: string;
  readonly message: string;
}

const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.CommonJS,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  lib: ["lib.es2022.d.ts"],
  strict: true,
  esModuleInterop: true,
  resolveJsonModule: true,
  skipLibCheck: true,
  types: ["node"],
  noEmit: true,
};

/** Lints the exports of the given entry files (sources). */
export function lintEntries(entries: readonly { readonly name: string; readonly file: string }[]): Finding[] {
  const program = ts.createProgram(
    entries.map((e) => e.file),
    COMPILER_OPTIONS,
  );
  const checker = program.getTypeChecker();
  const findings: Finding[] = [];
  for (const entry of entries) {
    const sf = program.getSourceFile(entry.file);
    if (!sf) throw new Error(`api-lint: cannot read ${entry.file}`);
    const moduleSymbol = checker.getSymbolAtLocation(sf);
    if (!moduleSymbol) continue;
    const exports = checker.getExportsOfModule(moduleSymbol).map((s) => ({ name: s.name, symbol: resolveAlias(checker, s) }));
    const report = (name: string, rule: string, message: string) => findings.push({ entry: entry.name, name, rule, message });
    for (const { name, symbol } of exports) {
      for (const decl of symbol.declarations ?? []) {
        if (!hasDoc(decl)) report(name, "documented", "has no doc comment; say what it is for");
        if (ts.isInterfaceDeclaration(decl)) lintInterface(name, decl, report);
        if (ts.isClassDeclaration(decl)) lintClass(checker, name, decl, report);
        for (const where of anyIn(checker, decl)) report(name, "no-any", `\`any\` in ${where}; give the type, or unknown`);
      }
    }
    lintOneName(checker, exports, report);
  }
  return dedupe(findings);
}

function resolveAlias(checker: ts.TypeChecker, s: ts.Symbol): ts.Symbol {
  return s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
}

function hasDoc(node: ts.Node): boolean {
  const target = ts.isVariableDeclaration(node) ? node.parent.parent : node;
  return ts.getJSDocCommentsAndTags(target).some((d) => ts.isJSDoc(d) && (d.comment !== undefined || (d.tags?.length ?? 0) > 0));
}

/** A class member that implements a documented interface member shows that member's doc. */
function inheritsDoc(checker: ts.TypeChecker, member: ts.ClassElement): boolean {
  const symbol = member.name ? checker.getSymbolAtLocation(member.name) : undefined;
  return (symbol?.getDocumentationComment(checker).length ?? 0) > 0;
}

function defaultTag(node: ts.Node): boolean {
  return ts.getJSDocTags(node).some((t) => t.tagName.text === "default");
}

/** Props and options: the structs a user fills in (awslint's "struct" rules apply to these). */
export function isInputStruct(name: string): boolean {
  return /(Props|Options)$/.test(name);
}

function lintInterface(name: string, decl: ts.InterfaceDeclaration, report: (n: string, r: string, m: string) => void): void {
  for (const member of decl.members) {
    if (!ts.isPropertySignature(member) || !member.name) continue;
    const prop = `${name}.${member.name.getText()}`;
    // Members of input structs (props and options, what a user writes) are documented field by
    // field, as awslint's docs-public-apis and props-default-doc ask; read-only views and spec
    // mirrors are documented as a whole.
    if (!isInputStruct(name)) continue;
    if (!hasDoc(member)) report(prop, "documented", "has no doc comment");
    else if (member.questionToken && !defaultTag(member)) report(prop, "default-doc", "is optional without @default; say what happens when it is left out");
  }
}

function isPublic(member: ts.ClassElement): boolean {
  const flags = ts.getCombinedModifierFlags(member as ts.Declaration);
  return !(flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) && !(member.name && ts.isPrivateIdentifier(member.name));
}

function extendsConstruct(checker: ts.TypeChecker, decl: ts.ClassDeclaration): boolean {
  let type: ts.Type | undefined = checker.getTypeAtLocation(decl);
  const seen = new Set<ts.Type>();
  while (type && !seen.has(type)) {
    seen.add(type);
    const sym = type.getSymbol();
    const file = sym?.declarations?.[0]?.getSourceFile().fileName ?? "";
    if (sym?.name === "Construct" && /node_modules\/constructs\//.test(file)) return true;
    const bases: ts.BaseType[] = type.isClassOrInterface() ? checker.getBaseTypes(type) : [];
    type = bases[0];
  }
  return false;
}

function lintClass(checker: ts.TypeChecker, name: string, decl: ts.ClassDeclaration, report: (n: string, r: string, m: string) => void): void {
  for (const member of decl.members) {
    if (!isPublic(member) || ts.isConstructorDeclaration(member) || ts.isClassStaticBlockDeclaration(member)) continue;
    if (member.name && !hasDoc(member) && !inheritsDoc(checker, member)) report(`${name}.${member.name.getText()}`, "documented", "has no doc comment");
  }
  if (!extendsConstruct(checker, decl)) return;
  const ctors = decl.members.filter(ts.isConstructorDeclaration).filter((c) => c.body !== undefined || decl.members.filter(ts.isConstructorDeclaration).length === 1);
  for (const ctor of ctors) {
    if (!isPublic(ctor)) continue;
    const p = ctor.parameters;
    const typeText = (i: number) => p[i]?.type?.getText() ?? "";
    const ok =
      p.length >= 2 &&
      p.length <= 3 &&
      p[0].name.getText() === "scope" &&
      typeText(0) === "Construct" &&
      p[1].name.getText() === "id" &&
      typeText(1) === "string" &&
      (p.length === 2 || p[2].name.getText() === "props");
    if (!ok) report(name, "construct-ctor", `constructor is (${p.map((x) => x.name.getText()).join(", ")}); a construct takes (scope: Construct, id: string, props)`);
  }
}

/** Where an exported declaration's signature (not its body) says `any`, explicitly or inferred. */
function anyIn(checker: ts.TypeChecker, decl: ts.Declaration): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node, where: string): void => {
    if (node.kind === ts.SyntaxKind.AnyKeyword) {
      found.push(where);
      return;
    }
    // Bodies and initializers are implementation, not signature.
    if (ts.isBlock(node) || (ts.isPropertyDeclaration(node.parent) && node === node.parent.initializer)) return;
    if (ts.isClassElement(node) && !isPublic(node)) return;
    const here = ts.isClassElement(node) || ts.isTypeElement(node) ? `${where}.${node.name?.getText() ?? "()"}` : where;
    ts.forEachChild(node, (child) => visit(child, here));
  };
  const name = (decl as ts.NamedDeclaration).name?.getText() ?? "";
  if (ts.isVariableDeclaration(decl)) {
    if (decl.type) visit(decl.type, name);
    else if (checker.getTypeAtLocation(decl).flags & ts.TypeFlags.Any) found.push(`${name} (inferred)`);
    return found;
  }
  if (ts.isFunctionDeclaration(decl)) {
    decl.parameters.forEach((p) => visit(p, `${name}(${p.name.getText()})`));
    if (decl.type) visit(decl.type, `${name} return`);
    return found;
  }
  ts.forEachChild(decl, (child) => visit(child, name));
  return found;
}

/** The lower-case words of a name: FedoraCoreOs -> fedora core os; FCOS_AMI_OWNER -> fcos ami owner. */
export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[\s_]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

function lintOneName(checker: ts.TypeChecker, exports: readonly { name: string; symbol: ts.Symbol }[], report: (n: string, r: string, m: string) => void): void {
  const names = new Set(exports.map((e) => e.name));
  // A version-suffixed twin: LibvirtMachine09 beside LibvirtMachine.
  for (const name of names) {
    const m = /^(.*[A-Za-z])\d+(Props)?$/.exec(name);
    if (m && names.has(m[1] + (m[2] ?? ""))) report(name, "one-name", `is ${m[1] + (m[2] ?? "")} a second time with a version in its name; one name, the version as a prop or type parameter`);
  }
  // Synonyms: one concept spelled two ways across the exports.
  for (const spellings of SYNONYMS) {
    const users = spellings.map((s) => [...names].filter((n) => ` ${words(n).join(" ")} `.includes(` ${s} `)));
    const spelled = spellings.filter((_, i) => users[i].length > 0);
    if (spelled.length > 1) {
      for (let i = 1; i < spellings.length; i++) {
        for (const n of users[i]) report(n, "one-name", `spells "${spellings[0]}" as "${spellings[i]}" (also spelled out in ${users[0].slice(0, 3).join(", ")}); use one spelling`);
      }
    }
  }
  // Implementors of one exported interface share the last word of their names.
  const byInterface = new Map<string, string[]>();
  for (const { name, symbol } of exports) {
    for (const decl of symbol.declarations ?? []) {
      if (!ts.isClassDeclaration(decl)) continue;
      for (const clause of decl.heritageClauses ?? []) {
        if (clause.token !== ts.SyntaxKind.ImplementsKeyword) continue;
        for (const t of clause.types) {
          const iface = t.expression.getText();
          if (!names.has(iface) || BRAND_NAMED.has(iface)) continue;
          byInterface.set(iface, [...(byInterface.get(iface) ?? []), name]);
        }
      }
    }
  }
  for (const [iface, impls] of byInterface) {
    const last = (n: string) => words(n.replace(/\d+$/, "")).at(-1);
    const kinds = new Set(impls.map(last));
    if (kinds.size > 1) for (const n of impls) report(n, "one-name", `implements ${iface} like ${impls.filter((x) => x !== n).join(", ")}, named differently; implementors of one interface end alike`);
  }
  // A function family (same name up to a final "To X", "For X", ...: applyK3sToFlatcar,
  // applyK3sToK3os) takes one parameter shape.
  const families = new Map<string, { name: string; params: string }[]>();
  for (const { name, symbol } of exports) {
    const decl = symbol.declarations?.find(ts.isFunctionDeclaration);
    if (!decl) continue;
    const w = name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").split(" ");
    if (w.length < 3 || !/^(To|For|From|Of|On|In|With)$/.test(w[w.length - 2])) continue;
    const prefix = w.slice(0, -1).join("");
    const params = decl.parameters.map((p) => p.name.getText()).join(", ");
    families.set(prefix, [...(families.get(prefix) ?? []), { name, params }]);
  }
  for (const members of families.values()) {
    if (members.length < 2) continue;
    const shapes = new Map<string, string[]>();
    for (const m of members) shapes.set(m.params, [...(shapes.get(m.params) ?? []), m.name]);
    if (shapes.size < 2) continue;
    const [common] = [...shapes.entries()].sort((a, b) => b[1].length - a[1].length);
    for (const m of members) {
      if (m.params !== common[0]) report(m.name, "one-name", `takes (${m.params}) where ${common[1].join(", ")} take (${common[0]}); one family, one parameter shape`);
    }
  }
  void checker;
}

/** The built declarations, compiled as a user's project would without @types/node. */
export function lintNodeTypes(entries: readonly { readonly name: string; readonly file: string }[]): Finding[] {
  const program = ts.createProgram(
    entries.map((e) => e.file),
    { ...COMPILER_OPTIONS, skipLibCheck: false, types: [] },
  );
  const findings: Finding[] = [];
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const file = d.file ? d.file.fileName.replace(`${ROOT}/`, "") : "";
    // Only our own declarations: a dependency's declarations are its business.
    if (file.includes("node_modules/")) continue;
    const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    const entry = [...entries].reverse().find((e) => d.file?.fileName.startsWith(resolve(e.file, ".."))) ?? entries[0];
    findings.push({
      entry: entry.name,
      name: `${file}${at ? `:${at.line + 1}` : ""}`,
      rule: "no-node-types",
      message: `TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, " ").split(". ")[0]}; use a type every user has (Uint8Array, string)`,
    });
  }
  return findings;
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.entry}|${f.name}|${f.rule}|${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A finding's key in the exclusion list: `rule entry Name`. */
export function exclusionKey(f: Finding): string {
  return `${f.rule} ${f.entry} ${f.name}`;
}

/**
 * Known findings not fixed yet (as awslint's "exclude" list in a package.json): one key a line,
 * `#` comments. A new finding fails; so does an excluded one that is gone, so the list only shrinks.
 */
const EXCLUSIONS = join(ROOT, "api", "lint-exclusions.txt");

export function readExclusions(text: string): Set<string> {
  return new Set(
    text
      .split("\n")
      .map((l) => l.replace(/#.*/, "").trim())
      .filter(Boolean),
  );
}

function main(): void {
  const findings = lintEntries(LINTED_ENTRIES.map((e) => ({ name: e.name, file: join(ROOT, e.source) })));
  const built = LINTED_ENTRIES.map((e) => ({ name: e.name, file: join(ROOT, e.dts) }));
  if (built.every((e) => existsSync(e.file))) findings.push(...lintNodeTypes(built));
  else console.error("api-lint: no built declarations (dist/lib); no-node-types not checked. npm run api:check builds first.");
  if (process.argv.includes("--write-exclusions")) {
    const header = "# Known API lint findings (scripts/api-lint.ts), each to fix and then delete. A new finding fails\n# npm run api:check; so does a line here that no longer matches one.\n";
    writeFileSync(EXCLUSIONS, header + findings.map(exclusionKey).sort().join("\n") + "\n");
    console.log(`api-lint: ${findings.length} findings written to api/lint-exclusions.txt`);
    return;
  }
  const excluded = existsSync(EXCLUSIONS) ? readExclusions(readFileSync(EXCLUSIONS, "utf8")) : new Set<string>();
  const fresh = findings.filter((f) => !excluded.has(exclusionKey(f)));
  const found = new Set(findings.map(exclusionKey));
  const stale = [...excluded].filter((k) => !found.has(k));
  for (const f of fresh) console.error(`${f.entry}: ${f.name}: ${f.rule}: ${f.message}`);
  for (const k of stale) console.error(`api/lint-exclusions.txt: "${k}" is no longer found; delete the line`);
  if (fresh.length > 0 || stale.length > 0) {
    console.error(`api-lint: ${fresh.length} new findings, ${stale.length} stale exclusions`);
    process.exit(1);
  }
  console.log(`api-lint: ${LINTED_ENTRIES.map((e) => e.name).join(" and ")} keep every rule (${excluded.size} known findings in api/lint-exclusions.txt)`);
}

if (require.main === module) main();
