/**
 * The README's first example runs as written when pasted into a project (issue 24): the only
 * change is the package name, pointed at this checkout. Without K3S_SYSEXT_SHA256 it stops with a
 * message naming the checksum file to read the digest from; with it, it synthesizes and the
 * node's Ignition carries that digest.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "..");
const readme = readFileSync(join(ROOT, "README.md"), "utf8");
const first = /```ts\n([\s\S]*?)```/.exec(readme);
const dir = mkdtempSync(join(ROOT, "test", ".readme-example-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(env: Record<string, string>) {
  const file = join(dir, "main.ts");
  writeFileSync(file, first![1].replace(/from "cdktf-microos"/, `from ${JSON.stringify(join(ROOT, "lib", "index"))}`));
  const clean = { ...process.env };
  delete clean.K3S_SYSEXT_SHA256;
  return spawnSync(process.execPath, ["--import", "tsx", file], { cwd: dir, env: { ...clean, CDKTF_OUTDIR: join(dir, "out"), ...env }, encoding: "utf8", timeout: 120_000 });
}

describe("the README's first example", () => {
  it("is a whole program that pins the current k3s stable release", () => {
    expect(first).not.toBeNull();
    expect(first![1]).toMatch(/new App\(\)[\s\S]*app\.synth\(\)/);
    expect(first![1]).toContain('"v1.36.4+k3s1"');
    expect(first![1]).not.toMatch(/<sha256|\.\.\./);
  });

  it("without a digest, names the checksum file to read it from", () => {
    const r = run({});
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("set K3S_SYSEXT_SHA256 to the sha256 of k3s-v1.36.4+k3s1-x86-64.raw, from https://github.com/flatcar/sysext-bakery/releases/download/k3s-v1.36.4+k3s1/SHA256SUMS");
  });

  it("with a digest, synthesizes and every node verifies the image against it", () => {
    const digest = "ab".repeat(32);
    const r = run({ K3S_SYSEXT_SHA256: digest });
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.status).toBe(0);
    const stack = readFileSync(join(dir, "out", "stacks", "prod", "cdk.tf.json"), "utf8");
    expect(stack).toContain("k3s-v1.36.4+k3s1-x86-64.raw");
    // The Ignition travels inside the synthesized output (inline or as an asset): the digest is in it.
    expect(execFileSync("grep", ["-rl", `sha256-${digest}`, join(dir, "out")], { encoding: "utf8" })).not.toBe("");
  });
});
