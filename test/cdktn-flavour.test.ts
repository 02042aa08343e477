/**
 * The cdktn flavour's rewrite and manifest (scripts/cdktn-flavour.ts), on text: which specifiers
 * change, which text stays, and what cdktn-microos's package.json declares. The built package in
 * a cdktn project is scripts/cdktn-test.sh's; the outputs' comparison test/cdktn-parity.test.ts.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CDKTN_PACKAGES, cdktnManifest, leftoverCdktf, toCdktn } from "../scripts/cdktn-flavour";

describe("toCdktn", () => {
  it("points cdktf, provider deep imports and lazily loaded peers at cdktn", () => {
    expect(toCdktn(`const cdktf = require("cdktf");`)).toBe(`const cdktf = require("cdktn");`);
    expect(toCdktn(`import * as cdktf from 'cdktf';`)).toBe(`import * as cdktf from 'cdktn';`);
    expect(toCdktn(`require("@cdktf/provider-aws/lib/instance")`)).toBe(`require("@cdktn/provider-aws/lib/instance")`);
    expect(toCdktn(`import("@cdktf/provider-aws/lib/provider/index.js")`)).toBe(`import("@cdktn/provider-aws/lib/provider/index.js")`);
    expect(toCdktn(`requirePeer("@cdktf/provider-random", "lib/password", use)`)).toBe(`requirePeer("@cdktn/provider-random", "lib/password", use)`);
    expect(toCdktn(`req("cdktf-microos/package.json")`)).toBe(`req("cdktn-microos/package.json")`);
    expect(toCdktn(`from "cdktf-microos/testing"`)).toBe(`from "cdktn-microos/testing"`);
  });

  it("sends bundled providers to the package's own copy", () => {
    expect(toCdktn(`requirePeer("@cdktf/provider-tls", subpath, use)`)).toBe(`requirePeer("cdktn-microos/providers/tls", subpath, use)`);
  });

  it("leaves comments, messages and config text alone", () => {
    const text = `// cdktf's token markers (cdktf lib/tokens)\nconst m = "managed by cdktf-microos";\nwarn("cdktf-microos/testing: ignition-validate not found");\nconst x = "cdktf synth";`;
    expect(toCdktn(text)).toBe(text);
  });

  it("does not touch other packages whose names start alike", () => {
    const text = `require("cdktf-cli"); require("@cdktf/provider-aws-extra"); require("cdktfx")`;
    expect(toCdktn(text)).toBe(`require("cdktf-cli"); require("@cdktf/provider-aws-extra"); require("cdktfx")`);
    expect(leftoverCdktf(toCdktn(text))).toEqual(["@cdktf/provider-aws-extra"]);
  });

  it("finds what the rewrite left", () => {
    expect(leftoverCdktf(toCdktn(`require("cdktf"); require("@cdktf/provider-google/lib/x")`))).toEqual(["@cdktf/provider-google/lib/x"]);
  });
});

describe("cdktnManifest", () => {
  const root = JSON.parse(readFileSync(`${__dirname}/../package.json`, "utf8"));
  const m = cdktnManifest(root);

  it("is cdktn-microos with peers on the cdktn packages at the pinned versions", () => {
    expect(m.name).toBe("cdktn-microos");
    for (const p of CDKTN_PACKAGES) expect(m.peerDependencies?.[p.cdktn]).toBe(p.version);
    expect(Object.keys(m.peerDependencies ?? {}).filter((n) => n === "cdktf" || n.startsWith("@cdktf/"))).toEqual([]);
    expect(m.peerDependencies?.constructs).toBe(root.peerDependencies.constructs);
    expect(m.peerDependenciesMeta).toHaveProperty(["@cdktn/provider-random", "optional"], true);
  });

  it("keeps the version, entry points and runtime dependencies, and drops scripts and dev dependencies", () => {
    expect(m.version).toBe(root.version);
    expect(m.dependencies).toEqual(root.dependencies);
    expect((m.exports as Record<string, unknown>)["."]).toEqual(root.exports["."]);
    expect((m.exports as Record<string, unknown>)["./testing"]).toEqual(root.exports["./testing"]);
    expect(m).not.toHaveProperty("scripts");
    expect(m).not.toHaveProperty("devDependencies");
  });

  it("refuses a cdktf provider peer it has no counterpart for", () => {
    expect(() => cdktnManifest({ name: "x", peerDependencies: { "@cdktf/provider-google": "1.0.0" } })).toThrow(
      "peer @cdktf/provider-google has no cdktn counterpart: add it to CDKTN_PACKAGES (scripts/cdktn-flavour.ts)",
    );
  });
});
