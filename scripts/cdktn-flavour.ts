/**
 * The CDK Terrain (cdktn) flavour of this library, as data and one text rewrite: which cdktf
 * package becomes which cdktn package, at which version, and how a compiled file's module
 * specifiers change. scripts/build-cdktn.ts applies it to the compiled package (dist/) and
 * scripts/cdktn-test.sh to the examples' sources it copies into a cdktn project; nothing else
 * knows the mapping.
 */

/** One cdktf package and its cdktn counterpart. */
export interface CdktnPackage {
  /** The cdktf package the sources import. */
  readonly cdktf: string;
  /** The cdktn package the cdktn flavour imports instead. */
  readonly cdktn: string;
  /** The version range cdktn-microos declares as its peer dependency, and the test installs. */
  readonly version: string;
  /** What the version is for (its package.json `cdktf.provider`, or the framework release). */
  readonly note: string;
}

/**
 * Every cdktf package the compiled library or the examples import, with its cdktn counterpart.
 * Versions checked with `npm view` (2026-12): cdktn 0.24.0 is the current release; the provider
 * packages' peerDependencies ask for cdktn ^0.24.0 and constructs >=10.6.0 <10.8.0.
 * A new `@cdktf/provider-*` import (for example provider-tls) fails the build until it is listed here.
 */
export const CDKTN_PACKAGES: readonly CdktnPackage[] = [
  { cdktf: "cdktf", cdktn: "cdktn", version: "0.24.0", note: "CDK Terrain, the community continuation of cdktf 0.21" },
  {
    cdktf: "@cdktf/provider-aws",
    cdktn: "@cdktn/provider-aws",
    version: "25.7.0",
    note: "generated for hashicorp/aws 6.66.0 (its package.json cdktf.provider)",
  },
  {
    cdktf: "@cdktf/provider-random",
    cdktn: "@cdktn/provider-random",
    version: "15.0.1",
    note: "generated for hashicorp/random 3.9.1 (its package.json cdktf.provider)",
  },
];

/** A cdktf provider package with no cdktn counterpart, which cdktn-microos ships itself. */
export interface BundledPackage {
  /** The cdktf package the sources import (its generated bindings import only cdktf core classes). */
  readonly cdktf: string;
  /** Where cdktn-microos holds the copy, below its root, and the export that reaches it. */
  readonly dir: string;
  /** Why it is bundled. */
  readonly why: string;
}

/**
 * Provider packages this library uses that have no cdktn counterpart on npm. cdktn-microos ships
 * the cdktf package's generated bindings (`lib/`, with its LICENSE), their cdktf imports pointed at
 * cdktn like the library's own, and the library loads them through the package's own export
 * instead of the optional peer: a cdktn user installs nothing for them and no cdktf is loaded.
 */
export const CDKTN_BUNDLED: readonly BundledPackage[] = [
  {
    cdktf: "@cdktf/provider-tls",
    dir: "providers/tls",
    // `npm view @cdktn/provider-tls` answered 404 on 2026-12-02.
    why: "no @cdktn/provider-tls is published; these are @cdktf/provider-tls's bindings for hashicorp/tls (MPL-2.0)",
  },
];

/** The package names of the two flavours. */
export const CDKTF_PACKAGE_NAME = "cdktf-microos";
export const CDKTN_PACKAGE_NAME = "cdktn-microos";

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/**
 * A module specifier (or a package name in a string literal, as `requirePeer("@cdktf/provider-random", ...)`
 * passes it) in single or double quotes: the package, then an optional subpath.
 */
function quotedSpecifier(pkg: string): RegExp {
  return new RegExp(`(["'])${escape(pkg)}((?:/[^"'\\s]*)?)\\1`, "g");
}

/**
 * The text of a compiled file (.js, .d.ts) or a source file with its cdktf module specifiers
 * pointed at cdktn, and this package's own specifiers (its self-reference
 * `cdktf-microos/package.json`, a user's `from "cdktf-microos"`) at cdktn-microos. Only whole quoted
 * specifiers change: comments and messages that mention cdktf, and text the library writes into
 * node configs ("managed by cdktf-microos"), stay as they are, so both flavours emit the same.
 */
export function toCdktn(text: string): string {
  let out = text;
  const pairs = [...CDKTN_PACKAGES.map((p) => [p.cdktf, p.cdktn] as const), ...CDKTN_BUNDLED.map((p) => [p.cdktf, `${CDKTN_PACKAGE_NAME}/${p.dir}`] as const)];
  for (const [from, to] of pairs) out = out.replace(quotedSpecifier(from), (_m, q: string, sub: string) => `${q}${to}${sub}${q}`);
  return out.replace(quotedSpecifier(CDKTF_PACKAGE_NAME), (_m, q: string, sub: string) => `${q}${CDKTN_PACKAGE_NAME}${sub}${q}`);
}

/** The cdktf specifiers `text` still holds after {@link toCdktn}: any `cdktf` or `@cdktf/...` module. */
export function leftoverCdktf(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(/(["'])((?:cdktf|@cdktf\/[a-z0-9-]+)(?:\/[^"'\s]*)?)\1/g)) found.add(m[2]!);
  return [...found];
}

interface Manifest {
  name: string;
  description?: string;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * cdktn-microos's package.json from this repository's: same version, exports, files and runtime
 * dependencies; peer dependencies on the cdktn packages instead of the cdktf ones; no scripts or
 * development dependencies (the package is built here, not in a user's project).
 */
export function cdktnManifest(root: Manifest): Manifest {
  const rename = (name: string) => CDKTN_PACKAGES.find((p) => p.cdktf === name)?.cdktn ?? name;
  const peers: Record<string, string> = {};
  for (const [name, range] of Object.entries(root.peerDependencies ?? {})) {
    const mapped = CDKTN_PACKAGES.find((p) => p.cdktf === name);
    if (!mapped && CDKTN_BUNDLED.some((b) => b.cdktf === name)) continue;
    if (!mapped && name.startsWith("@cdktf/")) throw new Error(`peer ${name} has no cdktn counterpart: add it to CDKTN_PACKAGES (scripts/cdktn-flavour.ts)`);
    peers[rename(name)] = mapped ? mapped.version : range;
  }
  const meta: Record<string, unknown> = {};
  for (const [name, m] of Object.entries(root.peerDependenciesMeta ?? {})) if (rename(name) in peers) meta[rename(name)] = m;
  const { scripts: _scripts, devDependencies: _dev, ...rest } = root;
  // The bundled bindings' modules, as `cdktn-microos/providers/tls/lib/<module>`.
  const exports = { ...(root.exports as Record<string, unknown>) };
  for (const b of CDKTN_BUNDLED) {
    exports[`./${b.dir}/lib/*`] = { types: `./dist/${b.dir}/lib/*/index.d.ts`, default: `./dist/${b.dir}/lib/*/index.js` };
  }
  const files = [...((root.files as string[] | undefined) ?? []), ...CDKTN_BUNDLED.map((b) => `dist/${b.dir}`)];
  return {
    ...rest,
    exports,
    files,
    name: CDKTN_PACKAGE_NAME,
    description: (root.description ?? "").replace(/^CDK for Terraform/, "CDK Terrain (cdktn)"),
    peerDependencies: peers,
    peerDependenciesMeta: meta,
  };
}

/**
 * `node --import tsx scripts/cdktn-flavour.ts rewrite SRC DST`: copies the tree (or file) SRC to
 * DST through {@link toCdktn}, for sources a cdktn project takes from this repository (the
 * examples, in scripts/cdktn-test.sh). `... version PKG` prints the cdktn version of a cdktf or
 * cdktn package name.
 */
function cli(args: string[]): void {
  const fs = require("node:fs") as typeof import("node:fs");
  const path = require("node:path") as typeof import("node:path");
  const [command, a, b] = args;
  if (command === "version" && a) {
    const p = CDKTN_PACKAGES.find((x) => x.cdktf === a || x.cdktn === a);
    if (!p) throw new Error(`no cdktn package for ${a}`);
    console.log(p.version);
    return;
  }
  if (command !== "rewrite" || !a || !b) throw new Error("usage: cdktn-flavour.ts rewrite SRC DST | version PKG");
  const copy = (src: string, dst: string): void => {
    if (fs.statSync(src).isDirectory()) {
      fs.mkdirSync(dst, { recursive: true });
      for (const name of fs.readdirSync(src)) copy(path.join(src, name), path.join(dst, name));
      return;
    }
    const text = fs.readFileSync(src, "utf8");
    fs.writeFileSync(dst, toCdktn(text));
  };
  copy(a, b);
}

if (require.main === module) cli(process.argv.slice(2));
