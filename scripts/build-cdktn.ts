/**
 * Builds cdktn-microos, the CDK Terrain flavour, from the one compilation `npm run build` made:
 * copies dist/lib and dist/gen to dist/cdktn/dist/, pointing every cdktf module specifier at its
 * cdktn counterpart (scripts/cdktn-flavour.ts), and writes the package's own package.json beside
 * the schemas, the VM image recipe and the README. No source file exists twice; the libvirt
 * bindings (gen/) import only cdktf core classes, which cdktn exports under the same names.
 * Refuses to finish when a compiled file still names a cdktf package.
 *
 * Usage: npm run build && node --import tsx scripts/build-cdktn.ts [DIST [OUT]]   (npm run build:cdktn)
 * DIST is the compiled tree (default dist), OUT the package directory (default DIST/cdktn).
 * Then: npm pack ./dist/cdktn
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CDKTN_BUNDLED, cdktnManifest, leftoverCdktf, toCdktn } from "./cdktn-flavour";

const repo = path.resolve(__dirname, "..");
const dist = path.resolve(process.argv[2] ?? path.join(repo, "dist"));
const out = path.resolve(process.argv[3] ?? path.join(dist, "cdktn"));

/** Files whose text carries module specifiers. */
const REWRITTEN = /\.(js|mjs|cjs|d\.ts|d\.mts|d\.cts)$/;

/** The bundled packages (CDKTN_BUNDLED) the compiled library refers to. */
const referenced = new Set<string>();

function copyTree(from: string, to: string, counts: { files: number; rewritten: number }, leftovers: string[]): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) {
      copyTree(src, dst, counts, leftovers);
      continue;
    }
    counts.files++;
    if (!REWRITTEN.test(entry.name)) {
      fs.copyFileSync(src, dst);
      continue;
    }
    const text = fs.readFileSync(src, "utf8");
    for (const b of CDKTN_BUNDLED) if (text.includes(b.cdktf)) referenced.add(b.cdktf);
    const rewritten = toCdktn(text);
    if (rewritten !== text) counts.rewritten++;
    for (const left of leftoverCdktf(rewritten)) leftovers.push(`${path.relative(out, dst)}: ${left}`);
    fs.writeFileSync(dst, rewritten);
  }
}

function main(): void {
  for (const d of ["lib", "gen"]) {
    if (!fs.existsSync(path.join(dist, d))) throw new Error(`${path.join(dist, d)} missing: run npm run build first`);
  }
  fs.rmSync(out, { recursive: true, force: true });
  const counts = { files: 0, rewritten: 0 };
  const leftovers: string[] = [];
  for (const d of ["lib", "gen"]) copyTree(path.join(dist, d), path.join(out, "dist", d), counts, leftovers);
  // Provider packages with no cdktn counterpart: their generated bindings, from this repository's
  // installed copy (its devDependency), through the same rewrite.
  const bundled: string[] = [];
  for (const b of CDKTN_BUNDLED.filter((x) => referenced.has(x.cdktf))) {
    const from = path.dirname(require.resolve(`${b.cdktf}/package.json`, { paths: [repo] }));
    const version = (JSON.parse(fs.readFileSync(path.join(from, "package.json"), "utf8")) as { version: string }).version;
    copyTree(path.join(from, "lib"), path.join(out, "dist", b.dir, "lib"), counts, leftovers);
    fs.copyFileSync(path.join(from, "LICENSE"), path.join(out, "dist", b.dir, "LICENSE"));
    fs.writeFileSync(path.join(out, "dist", b.dir, "README.md"), `${b.cdktf} ${version}'s generated bindings, imports pointed at cdktn by scripts/build-cdktn.ts: ${b.why}.\n`);
    bundled.push(`${b.cdktf}@${version} as dist/${b.dir}`);
  }
  if (leftovers.length) {
    throw new Error(`build-cdktn: compiled files still import cdktf packages (add their cdktn counterparts to scripts/cdktn-flavour.ts):\n  ${leftovers.join("\n  ")}`);
  }

  const manifest = cdktnManifest(JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")));
  // The same files as cdktf-microos ships, except dist/, which is this package's own.
  for (const entry of (manifest.files as string[] | undefined) ?? []) {
    if (entry.startsWith("dist/")) continue;
    fs.cpSync(path.join(repo, entry), path.join(out, entry), { recursive: true });
  }
  fs.writeFileSync(path.join(out, "package.json"), `${JSON.stringify(manifest, undefined, 2)}\n`);
  if (bundled.length) console.log(`build-cdktn: bundled (no cdktn package published): ${bundled.join(", ")}`);
  console.log(`build-cdktn: ${counts.files} files to ${path.relative(repo, out)}/, ${counts.rewritten} with cdktf specifiers pointed at cdktn; peers ${JSON.stringify(manifest.peerDependencies)}`);
}

main();
