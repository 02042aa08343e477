/**
 * `node --import tsx scripts/cdktn-aws-imports.ts` prints, as JSON, every named import this
 * repository's library and examples take from `@cdktf/provider-aws/lib/<resource>`
 * ({ "lib/instance": ["Instance"], ... }), read from their import lines. scripts/cdktn-test.sh
 * requires each from `@cdktn/provider-aws/lib/<resource>` in the cdktn project, so a module path
 * or class name the cdktn provider package lacks fails there, used by an example or not.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export function awsImports(roots: readonly string[]): Record<string, string[]> {
  const found: Record<string, Set<string>> = {};
  const visit = (p: string): void => {
    if (fs.statSync(p).isDirectory()) return fs.readdirSync(p).forEach((n) => visit(path.join(p, n)));
    if (!p.endsWith(".ts")) return;
    const text = fs.readFileSync(p, "utf8");
    for (const m of text.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s+from\s+"@cdktf\/provider-aws\/(lib\/[a-z0-9-]+)(?:\/index\.js)?"/g)) {
      if (m[1]) continue; // `import type { ... }`: interfaces only
      for (const spec of m[2]!.split(",")) {
        const t = spec.trim();
        // `type X` imports name interfaces, which exist only in the declarations.
        if (!t || t.startsWith("type ")) continue;
        (found[m[3]!] ??= new Set()).add(t.split(/\s+as\s+/)[0]!);
      }
    }
  };
  roots.forEach(visit);
  return Object.fromEntries(Object.entries(found).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, [...v].sort()]));
}

if (require.main === module) {
  const repo = path.resolve(__dirname, "..");
  console.log(JSON.stringify(awsImports(["lib", "examples"].map((d) => path.join(repo, d)))));
}
