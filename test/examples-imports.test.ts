import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

// The examples are what users copy: they import the package by name (cdktf-microos, and
// cdktf-microos/testing for checks), the framework and providers, never the repository's sources.
// tsconfig.json "paths" and vitest.config.mts map the package name to lib/ here.
const EXAMPLES = resolve(__dirname, "..", "examples");
const ALLOWED = [/^cdktf-microos$/, /^cdktf-microos\/testing$/, /^cdktf$/, /^constructs$/, /^@cdktf\/provider-[a-z0-9-]+(\/.*)?$/, /^vitest$/, /^node:/];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
}

function specifiers(text: string): string[] {
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\sfrom\s+"([^"]+)"/g, ), ...text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g)].map((m) => m[1]!);
}

describe("the examples import as a user's project does", () => {
  const files = sources(EXAMPLES);

  it("finds the examples", () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  it.each(files.map((f) => [relative(EXAMPLES, f), f]))("%s imports only cdktf-microos, the framework, providers and its neighbours", (_name, file) => {
    const wrong = specifiers(readFileSync(file, "utf8")).filter((s) => {
      if (s.startsWith(".")) return relative(EXAMPLES, resolve(dirname(file), s)).startsWith("..");
      return !ALLOWED.some((a) => a.test(s));
    });
    expect(wrong).toEqual([]);
  });
});
