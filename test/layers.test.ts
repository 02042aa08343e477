/**
 * The layers of lib/, read from the import lines of its files: the config models (lib/ignition, lib/kairos,
 * lib/k3os, lib/k3s) and the shared core (lib/core) build on nothing above them, and the k3s and
 * k3OS models never import each other. A static check: it reads source text, runs nothing.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const LIB = resolve(__dirname, "../lib");

/** Every module specifier a TypeScript file names: import/export ... from, side-effect imports, import(), require(). */
export function specifiersOf(source: string): string[] {
  // Comments may quote import lines; they are not imports.
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:\\])\/\/.*$/gm, "$1");
  const out: string[] = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^'";]*?\sfrom\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) out.push(m[1]);
  return out;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [p] : [];
  });
}

/** A lib-relative module name (`k3s/node`, `cdktf`) for a relative specifier, else the package name. */
function target(file: string, spec: string): string {
  if (!spec.startsWith(".")) return spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
  const abs = resolve(dirname(file), spec);
  const rel = relative(LIB, abs).replace(/\\/g, "/");
  return rel.startsWith("..") ? `outside:${rel}` : `lib/${rel}`;
}

/** The import graph of lib/: module (`lib/k3s/node`) -> what it imports (lib modules and packages). */
function libGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of tsFiles(LIB)) {
    const name = `lib/${relative(LIB, file).replace(/\\/g, "/").replace(/\.ts$/, "")}`;
    graph.set(name, specifiersOf(readFileSync(file, "utf8")).map((s) => target(file, s)));
  }
  return graph;
}

/** The folder (`lib/k3s`) or top-level file (`lib/cdktf`) a module belongs to. */
function area(module: string): string {
  const parts = module.split("/");
  if (parts[0] !== "lib") return module;
  if (parts[1] === "os" || parts[1] === "platform") return parts.length > 3 ? parts.slice(0, 3).join("/") : parts.slice(0, 2).join("/");
  return parts.length > 2 ? parts.slice(0, 2).join("/") : module.replace(/\/index$/, "");
}

/** A cycle among `nodes` as a list of nodes (first repeated at the end), or undefined. */
export function findCycle(edges: ReadonlyMap<string, Iterable<string>>): string[] | undefined {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    state.set(n, "open");
    stack.push(n);
    for (const m of edges.get(n) ?? []) {
      if (state.get(m) === "open") return [...stack.slice(stack.indexOf(m)), m];
      if (!state.has(m)) {
        const c = visit(m);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(n, "done");
    return undefined;
  };
  for (const n of [...edges.keys()].sort()) {
    if (!state.has(n)) {
      const c = visit(n);
      if (c) return c;
    }
  }
  return undefined;
}

/** Folder-level edges between the areas of lib/ (self-edges dropped). */
function areaGraph(graph: ReadonlyMap<string, string[]>): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const [from, tos] of graph) {
    const a = area(from);
    if (!edges.has(a)) edges.set(a, new Set());
    for (const to of tos) if (to.startsWith("lib/") && area(to) !== a) edges.get(a)!.add(area(to));
  }
  return edges;
}

/** `module -> import` pairs of modules under `folder` whose imports fall under any of `banned`. */
function violations(graph: ReadonlyMap<string, string[]>, folder: string, banned: readonly string[]): string[] {
  const out: string[] = [];
  for (const [from, tos] of graph) {
    if (!from.startsWith(`${folder}/`)) continue;
    for (const to of tos) if (banned.some((b) => to === b || to.startsWith(`${b}/`))) out.push(`${from} -> ${to}`);
  }
  return out.sort();
}

const graph = libGraph();

describe("the scanner behind the layer checks", () => {
  it("finds every form of import, and none in comments", () => {
    const source = [
      'import { a } from "./a";',
      'import type { B } from "../b";',
      "import {\n  c,\n  d,\n} from './cd';",
      'export * from "./e";',
      'export { f } from "./f";',
      'import "./side-effect";',
      'const g = await import("../g");',
      'const h = require("cdktf");',
      '// import { no } from "./commented";',
      '/* import { no2 } from "./block-commented"; */',
    ].join("\n");
    expect(specifiersOf(source).sort()).toEqual(["../b", "../g", "./a", "./cd", "./e", "./f", "./side-effect", "cdktf"]);
  });

  it("reads lib/: the k3s model's validation imports lib/core and ipaddr.js", () => {
    expect(graph.get("lib/k3s/validate")).toEqual(expect.arrayContaining(["lib/core/errors", "lib/core/k3s", "ipaddr.js"]));
    expect(graph.size).toBeGreaterThan(40);
  });

  it("finds a cycle when there is one, and none when there is not", () => {
    expect(findCycle(new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]]]))).toEqual(["a", "b", "c", "a"]);
    expect(findCycle(new Map([["a", ["b", "c"]], ["b", ["c"]], ["c", []]]))).toBeUndefined();
  });
});

describe("layers of lib/", () => {
  it("the k3s and k3OS models import nothing from each other", () => {
    expect(violations(graph, "lib/k3s", ["lib/k3os"])).toEqual([]);
    expect(violations(graph, "lib/k3os", ["lib/k3s"])).toEqual([]);
  });

  it("no cycle runs through lib/k3s and lib/k3os, however indirect", () => {
    const edges = areaGraph(graph);
    const reaches = (from: string, to: string): boolean => {
      const seen = new Set<string>();
      const todo = [from];
      while (todo.length) {
        const n = todo.pop()!;
        for (const m of edges.get(n) ?? []) {
          if (m === to) return true;
          if (!seen.has(m)) {
            seen.add(m);
            todo.push(m);
          }
        }
      }
      return false;
    };
    expect(reaches("lib/k3s", "lib/k3os") && reaches("lib/k3os", "lib/k3s")).toBe(false);
    expect(reaches("lib/k3s", "lib/k3s")).toBe(false);
    expect(reaches("lib/k3os", "lib/k3os")).toBe(false);
  });

  it("the config models and lib/core form no cycle among themselves", () => {
    const models = ["lib/core", "lib/ignition", "lib/k3os", "lib/k3s"];
    const edges = areaGraph(graph);
    const sub = new Map(models.map((m) => [m, [...(edges.get(m) ?? [])].filter((t) => models.includes(t))]));
    expect(findCycle(sub)).toBeUndefined();
  });

  const ABOVE = ["lib/os", "lib/platform", "lib/cluster", "lib/testing", "lib/cdktf", "lib/index"];
  // cdktf, its construct base and its providers (@cdktf/provider-*); packages are named by their root.
  const CDKTF = ["cdktf", "constructs", "cdktn", "@cdktf"];
  const isCdktf = (t: string) => CDKTF.some((p) => t === p || t.startsWith(`${p}/`));

  for (const folder of ["lib/k3s", "lib/k3os", "lib/ignition", "lib/core"]) {
    it(`${folder} imports neither cdktf nor lib/os, lib/platform, lib/cluster, lib/testing`, () => {
      expect(violations(graph, folder, ABOVE)).toEqual([]);
      const cdktf = [...graph].filter(([from]) => from.startsWith(`${folder}/`)).flatMap(([from, tos]) => tos.filter(isCdktf).map((t) => `${from} -> ${t}`));
      expect(cdktf).toEqual([]);
    });
  }

  it("lib/core imports no other area of lib/", () => {
    expect(violations(graph, "lib/core", ["lib/ignition", "lib/k3os", "lib/k3s"])).toEqual([]);
  });
});

describe("every folder of lib/, file by file (issue 22)", () => {
  /** A module name for an import target: `lib/x` is `lib/x/index` when that is the file. */
  const resolveModule = (t: string): string | undefined => (graph.has(t) ? t : graph.has(`${t}/index`) ? `${t}/index` : undefined);
  const edges = new Map([...graph].map(([from, tos]) => [from, tos.map(resolveModule).filter((t): t is string => t !== undefined)]));
  const FORMAT_MODELS = ["lib/ignition", "lib/k3os", "lib/kairos"];
  // Lower layers first; an import may go to its own layer or one below, never above.
  const LAYERS: ReadonlyArray<readonly string[]> = [
    ["lib/core", "lib/cdktf"],
    ["lib/k3s"],
    FORMAT_MODELS,
    ["lib/platform"],
    ["lib/os"],
    ["lib/cluster"],
    ["lib/testing"],
    ["lib/index"],
  ];
  const layerOf = (m: string): number => LAYERS.findIndex((l) => l.some((p) => m === p || m.startsWith(`${p}/`)));

  it("every module of lib/ belongs to a layer (lib/kairos included)", () => {
    expect([...graph.keys()].filter((m) => layerOf(m) < 0)).toEqual([]);
    expect([...graph.keys()].some((m) => m.startsWith("lib/kairos/"))).toBe(true);
  });

  it("no import runs back up a layer", () => {
    const up = [...edges].flatMap(([from, tos]) => tos.filter((t) => layerOf(t) > layerOf(from)).map((t) => `${from} -> ${t}`));
    expect(up).toEqual([]);
  });

  it("no cycle of imports anywhere, two files or more", () => {
    expect(findCycle(edges)).toBeUndefined();
  });

  it("the config models, lib/kairos too, import neither cdktf nor anything above them", () => {
    const cdktf = [...graph].filter(([from]) => FORMAT_MODELS.some((f) => from.startsWith(`${f}/`))).flatMap(([from, tos]) => tos.filter((t) => /^(cdktf|constructs|cdktn|@cdktf)/.test(t)).map((t) => `${from} -> ${t}`));
    expect(cdktf).toEqual([]);
  });

  it("the cluster imports no config model: its hatches go through the format", () => {
    expect(violations(graph, "lib/cluster", FORMAT_MODELS)).toEqual([]);
  });

  it("the testing kit imports no config model and names no format in its code", () => {
    expect(violations(graph, "lib/testing/kit", [...FORMAT_MODELS, "lib/testing/ignition", "lib/testing/k3os"])).toEqual([]);
    const kit = tsFiles(join(LIB, "testing/kit"));
    expect(kit.length).toBeGreaterThan(4);
    const named = kit.flatMap((file) =>
      readFileSync(file, "utf8")
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/(^|[^:"'`])\/\/.*$/gm, "$1")
        .split("\n")
        // The libvirt provider's resource (libvirt_ignition) is a delivery the platform names, not a format.
        .filter((line) => /ignition|k3os|kairos|flatcar|coreos/i.test(line.replace(/libvirt[_-]ignition/gi, "")))
        .map((line) => `${relative(LIB, file)}: ${line.trim()}`),
    );
    expect(named).toEqual([]);
  });
});
