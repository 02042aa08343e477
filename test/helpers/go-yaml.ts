/**
 * The YAML readers of k3OS (ghodss/yaml over gopkg.in/yaml.v2) and of Kairos's yip
 * (gopkg.in/yaml.v3), built from test/readers/goyaml/main.go with Debian's Go and Go YAML sources,
 * so tests read a config as the node's own reader does instead of as a JavaScript YAML library does.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ExternalTool } from "./external";

const SOURCE = join(__dirname, "..", "readers", "goyaml");
// Debian's packages install Go sources for GOPATH builds here (golang-*-dev).
const GOPATH = "/usr/share/gocode";
const INSTALL = "apt-get install golang-go golang-gopkg-yaml.v2-dev golang-gopkg-yaml.v3-dev golang-github-ghodss-yaml-dev";

let built: string | undefined | null = null;

/** The reader program, built once per source version; undefined when Go or the sources are missing. */
export function goYamlReaderTool(): ExternalTool {
  if (built === null) built = build();
  return { name: "go-yaml readers (go-yaml v2 via ghodss/yaml, yaml.v3)", location: built, install: INSTALL };
}

function build(): string | undefined {
  const go = spawnSync("go", ["version"], { encoding: "utf8" });
  if (go.status !== 0) return undefined;
  for (const pkg of ["github.com/ghodss/yaml", "gopkg.in/yaml.v2", "gopkg.in/yaml.v3"]) if (!existsSync(join(GOPATH, "src", pkg))) return undefined;
  const hash = createHash("sha256").update(readFileSync(join(SOURCE, "main.go"))).update(go.stdout).digest("hex").slice(0, 12);
  const dir = join(tmpdir(), "cdktf-microos-goyaml");
  const bin = join(dir, `goyaml-${hash}`);
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  const r = spawnSync("go", ["build", "-o", bin, "."], {
    cwd: SOURCE,
    encoding: "utf8",
    env: { ...process.env, GOPATH, GO111MODULE: "off", GOFLAGS: "", GOCACHE: join(dir, "cache") },
  });
  if (r.status !== 0) throw new Error(`building the go-yaml reader failed: ${r.stderr}`);
  return bin;
}

/** Which reader: k3OS's (YAML 1.1, go-yaml v2 through ghodss/yaml) or yip's (yaml.v3). */
export type GoYamlMode = "k3os" | "yip";

/** One document read: the value as JSON, or the reader's error. */
export interface GoYamlResult {
  readonly value?: unknown;
  readonly error?: string;
}

/** Reads each document with the chosen reader, in one run of the program. */
export function readGoYaml(bin: string, docs: ReadonlyArray<{ readonly mode: GoYamlMode; readonly text: string }>): GoYamlResult[] {
  const r = spawnSync(bin, [], { input: JSON.stringify(docs), encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`go-yaml reader failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as GoYamlResult[];
}
