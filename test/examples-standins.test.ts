/**
 * The examples carry stand-ins (the ssh key, the k3s sysext digest, the k3OS AMI id) and say so at
 * synth: a cdktf warning annotation in the stack's manifest entry, naming what to replace and the
 * variable that replaces it. With the variables set, no warning.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";

const VARIABLES = ["SSH_KEY", "K3S_SYSEXT_SHA256", "K3OS_AMI", "K3S_BINARY_SHA256", "FCOS_QEMU_IMAGE"] as const;

interface Annotation {
  readonly constructPath: string;
  readonly level: string;
  readonly message: string;
}

/** Synthesizes every example (examples/catalog.ts, loaded afresh so it reads `env`) and returns each stack's annotations from manifest.json. */
async function annotationsWith(env: Partial<Record<(typeof VARIABLES)[number], string>>): Promise<Record<string, Annotation[]>> {
  for (const v of VARIABLES) delete process.env[v];
  Object.assign(process.env, env);
  vi.resetModules();
  const { EXAMPLES } = await import("../examples/catalog");
  const { App } = await import("../lib/cdktf");
  const outdir = mkdtempSync(join(tmpdir(), "standins-"));
  try {
    const app = new App({ outdir });
    for (const [name, build] of Object.entries(EXAMPLES)) build(app, name);
    app.synth();
    const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as { stacks: Record<string, { annotations: Annotation[] }> };
    return Object.fromEntries(Object.entries(manifest.stacks).map(([name, s]) => [name, s.annotations]));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const saved = Object.fromEntries(VARIABLES.map((v) => [v, process.env[v]]));
afterEach(() => {
  for (const v of VARIABLES) {
    if (saved[v] === undefined) delete process.env[v];
    else process.env[v] = saved[v];
  }
  vi.resetModules();
});

describe("example stand-ins", () => {
  it("each example warns at synth about the stand-ins it carries, naming the variable to set", async () => {
    const byStack = await annotationsWith({});
    const warnings = (stack: string) => {
      expect(byStack[stack], stack).toBeDefined();
      for (const a of byStack[stack]) expect(a.level, a.message).toBe("@cdktf/warn");
      return byStack[stack].map((a) => a.message);
    };
    const ssh = expect.stringMatching(/^stand-in: the nodes authorize the examples' ssh key, whose private half was thrown away; set SSH_KEY to your OpenSSH public key$/);
    const sysext = expect.stringMatching(
      /^stand-in: the k3s sysext digest is all zeros, so Ignition will refuse the download and fail the first boot; set K3S_SYSEXT_SHA256 to the sha256 of k3s-v1\.36\.4\+k3s1-x86-64\.raw /,
    );
    const ami = expect.stringMatching(/^stand-in: the k3OS AMI id ami-0123456789abcdef0 names no image; set K3OS_AMI \(or the amiId prop\)/);
    // k3OS bundles k3s v1.22.2+k3s2, long past upstream support: the cluster says so (lib/k3s/release.ts).
    const endOfLife = expect.stringMatching(/kubernetes\.k3sVersion: k3s v1\.22\.2\+k3s2 is past upstream end of life: .* Upgrade one minor at a time/);
    expect(warnings("flatcar-aws")).toEqual([ssh, sysext]);
    expect(warnings("flatcar-libvirt")).toEqual([ssh, sysext]);
    // k3OS and Kairos read user data with IMDSv1 only (lib/platform/aws/machine.ts says so once per stack).
    const imdsV1 = expect.stringMatching(/^metadataProtocol: this OS reads EC2 user data with IMDSv1 only/);
    expect(warnings("k3os-aws")).toEqual([ssh, ami, endOfLife, imdsV1]);
    expect(warnings("k3os-libvirt")).toEqual([ssh, endOfLife]);
    expect(warnings("flatcar-containers")).toEqual([ssh]);
    const binary = expect.stringMatching(
      /^stand-in: the k3s binary digest is all zeros, so Ignition will refuse the download and fail the first boot; set K3S_BINARY_SHA256 to the sha256 of k3s v1\.36\.4\+k3s1 /,
    );
    const qemu = expect.stringMatching(/^stand-in: the Fedora CoreOS qemu image \/var\/lib\/libvirt\/images\/fedora-coreos-qemu\.x86_64\.qcow2 is a stand-in path; .* set FCOS_QEMU_IMAGE /);
    expect(warnings("fcos-aws")).toEqual([ssh, binary]);
    expect(warnings("fcos-libvirt")).toEqual([ssh, binary, qemu]);
    expect(warnings("kairos-aws")).toEqual([ssh, imdsV1]);
    expect(warnings("kairos-libvirt")).toEqual([ssh]);
    // On the stack, so `cdktf synth` shows which example it is.
    expect(byStack["flatcar-aws"].map((a) => a.constructPath)).toEqual(["flatcar-aws", "flatcar-aws"]);
  });

  it("with real-looking values in the variables, no example warns but for k3OS's k3s past end of life and IMDSv1 on AWS for k3OS and Kairos", async () => {
    const byStack = await annotationsWith({
      SSH_KEY: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG5vZGVzLWZpcnN0Ym9vdC10ZXN0LWtleS0xMjM0NTY3 me@laptop",
      K3S_SYSEXT_SHA256: createHash("sha256").update("k3s-v1.36.4+k3s1-x86-64.raw").digest("hex"),
      K3OS_AMI: "ami-0a1b2c3d4e5f60718",
      K3S_BINARY_SHA256: createHash("sha256").update("k3s v1.36.4+k3s1").digest("hex"),
      FCOS_QEMU_IMAGE: "/var/lib/libvirt/images/fedora-coreos-44.20260802.3.1-qemu.x86_64.qcow2",
    });
    expect(Object.keys(byStack).sort()).toEqual(["fcos-aws", "fcos-libvirt", "flatcar-aws", "flatcar-containers", "flatcar-libvirt", "k3os-aws", "k3os-libvirt", "kairos-aws", "kairos-libvirt"]);
    for (const [stack, annotations] of Object.entries(byStack)) {
      const expected = [
        ...(stack.startsWith("k3os-") ? [expect.stringMatching(/k3s v1\.22\.2\+k3s2 is past upstream end of life/)] : []),
        ...(stack === "k3os-aws" || stack === "kairos-aws" ? [expect.stringMatching(/^metadataProtocol: this OS reads EC2 user data with IMDSv1 only/)] : []),
      ];
      expect(annotations.map((a) => a.message), stack).toEqual(expected);
    }
  });
});
