/**
 * Every example, filled in with real PEMs as Terraform would write them and read as the node's own
 * reader reads it: each config parses (go-yaml v2 through ghodss/yaml for k3OS, yaml.v3 for yip,
 * JSON for Ignition), every CA file is written byte for byte (a PEM ending in a newline), and the
 * bytes of `server-ca.crt` as the first server writes them hash to the value in every node's
 * `K10<sha256>::` token: k3s hashes the file's literal bytes (k3s-io/k3s
 * pkg/clientaccess/token.go `hashCA`), so one byte less and every joining node is refused.
 */
import { X509Certificate, createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { EXAMPLES, type ExampleName } from "../examples/catalog";
import { Testing } from "../lib/cdktf";
import { decodeDataUrl } from "../lib/ignition/encode";
import { decodeK3osContent } from "../lib/k3os/decode";
import { K3S_CONFIG_PATH } from "../lib/k3s/config-file";
import { K3S_SERVER_TLS_DIR } from "../lib/k3s/certificates";
import { findNodes } from "../lib/testing/kit/delivery";
import { need } from "./helpers/external";
import { goYamlReaderTool, readGoYaml } from "./helpers/go-yaml";

const SERVER_CA = `${K3S_SERVER_TLS_DIR}/server-ca.crt`;

interface NodeRead {
  readonly files: ReadonlyMap<string, Buffer>;
  /** The k3s token as k3s reads it: k3OS's `k3os.token`, else `token` of k3s's config.yaml (YAML 1.1, go-yaml). */
  readonly token: string | undefined;
}

/** A node's files and token, read as its OS reads the config. */
function readNode(name: string, text: string, bin: string | undefined): NodeRead {
  const files = new Map<string, Buffer>();
  let token: string | undefined;
  if (name.startsWith("k3os") || name.startsWith("kairos")) {
    const [read] = readGoYaml(bin!, [{ mode: name.startsWith("k3os") ? "k3os" : "yip", text }]);
    expect(read.error, `${name}: the config parses as the node reads it`).toBeUndefined();
    if (name.startsWith("k3os")) {
      const v = read.value as { write_files?: Array<{ path: string; content?: string; encoding?: string }>; k3os?: { token?: string } };
      for (const f of v.write_files ?? []) files.set(f.path, decodeK3osContent(f.content ?? "", f.encoding ?? ""));
      token = v.k3os?.token;
    } else {
      const v = read.value as { stages: Record<string, Array<{ Files: Array<{ Path: string; Content: string; Encoding: string }> | null }>> };
      for (const f of Object.values(v.stages ?? {}).flatMap((steps) => steps.flatMap((s) => s.Files ?? []))) files.set(f.Path, decodeK3osContent(f.Content, f.Encoding));
    }
  } else {
    const config = JSON.parse(text) as { storage?: { files?: Array<{ path: string; contents?: { source?: string; compression?: string } }> } };
    for (const f of config.storage?.files ?? []) {
      const bytes = f.contents?.source === undefined ? undefined : decodeDataUrl(f.contents.source, f.contents.compression);
      if (bytes) files.set(f.path, bytes);
    }
  }
  const k3sConfig = files.get(K3S_CONFIG_PATH);
  if (token === undefined && k3sConfig && bin) {
    // k3s reads its config file as YAML 1.1 with go-yaml (k3s-io/k3s pkg/configfilearg).
    const [read] = readGoYaml(bin, [{ mode: "k3os", text: k3sConfig.toString("utf8") }]);
    expect(read.error, `${name}: k3s's config.yaml parses`).toBeUndefined();
    token = (read.value as { token?: string }).token;
  }
  return { files, token };
}

describe.each(Object.keys(EXAMPLES) as ExampleName[])("example %s with real PEMs", (name) => {
  it("parses as its nodes read it, writes PEMs ending in a newline, and every K10 token hashes the server CA the first server writes", (ctx) => {
    const bin = need(ctx, goYamlReaderTool());
    const app = Testing.app();
    const cluster = EXAMPLES[name](app, "k10");
    const json = JSON.parse(Testing.synth(cluster.node.scope as never)) as Record<string, unknown>;
    const nodes = findNodes(json).map((n) => ({ node: n, read: readNode(name, n._resolved.text, bin) }));
    expect(nodes.length).toBeGreaterThan(0);
    for (const { node, read } of nodes) {
      for (const [path, bytes] of read.files) {
        if (!path.startsWith(`${K3S_SERVER_TLS_DIR}/`)) continue;
        const text = bytes.toString("utf8");
        expect(text.endsWith("\n"), `${node.describe()} ${path} ends in a newline`).toBe(true);
        expect(text.split("\n").length, `${node.describe()} ${path} has several lines`).toBeGreaterThan(3);
        if (path.endsWith(".crt")) expect(() => new X509Certificate(bytes), `${node.describe()} ${path}`).not.toThrow();
      }
    }
    const cas = nodes.map((n) => n.read.files.get(SERVER_CA)).filter((b): b is Buffer => b !== undefined);
    const k10 = nodes.map((n) => ({ node: n.node, token: n.read.token })).filter((t) => t.token?.startsWith("K10"));
    if (cas.length === 0) {
      // k3s makes its own CAs: no CA file is written and no node carries a K10 token.
      expect(k10).toEqual([]);
      return;
    }
    for (const ca of cas) expect(ca.equals(cas[0]), `${name}: every server writes the same server CA`).toBe(true);
    const hash = createHash("sha256").update(cas[0]).digest("hex");
    expect(k10.length, `${name}: joining nodes carry K10 tokens`).toBeGreaterThan(0);
    ctx.annotate?.(`${name}: ${cas.length} server CA file(s), ${k10.length} K10 token(s), sha256 ${hash.slice(0, 12)}`);
    for (const { node, token } of k10) expect(token!.slice(3, 67), `${node.describe()}: the K10 token's CA hash`).toBe(hash);
  });
});
