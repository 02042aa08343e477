import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { App, TerraformStack, Testing } from "../lib/cdktf";
import { ensureLibvirtProvider } from "../lib/platform/libvirt";
import { checkLibvirtResources } from "../lib/testing/libvirt-schema";
import { LIBVIRT_GEN_DIR, generateLibvirtBindings } from "../scripts/gen-libvirt";

function listFiles(dir: string, prefix = ""): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
    .sort();
}

describe("generated libvirt bindings", () => {
  test("regenerating from the schema gives the committed files byte for byte", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "libvirt-gen-"));
    try {
      await generateLibvirtBindings(out);
      const committed = listFiles(LIBVIRT_GEN_DIR);
      expect(listFiles(out)).toEqual(committed);
      for (const file of committed) {
        const fresh = fs.readFileSync(path.join(out, file));
        const kept = fs.readFileSync(path.join(LIBVIRT_GEN_DIR, file));
        expect(fresh.equals(kept), `${file} differs from a fresh generation; run npm run gen:libvirt`).toBe(true);
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  test("cover every resource and data source of the 0.8.3 schema", () => {
    const dirs = fs.readdirSync(path.join(LIBVIRT_GEN_DIR, "providers", "libvirt"), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    expect(dirs).toEqual([
      "cloudinit-disk",
      "combustion",
      "data-libvirt-network-dns-host-template",
      "data-libvirt-network-dns-srv-template",
      "data-libvirt-network-dnsmasq-options-template",
      "data-libvirt-node-device-info",
      "data-libvirt-node-devices",
      "data-libvirt-node-info",
      "domain",
      "ignition",
      "network",
      "pool",
      "provider",
      "volume",
    ]);
  });

  test("the synthesized required_providers pins dmacvicar/libvirt = 0.8.3", () => {
    const stack = new TerraformStack(new App(), "pin");
    ensureLibvirtProvider(stack);
    const synth = JSON.parse(Testing.synth(stack));
    expect(synth.terraform.required_providers.libvirt).toEqual({ source: "dmacvicar/libvirt", version: "= 0.8.3" });
    expect(synth.provider.libvirt).toEqual([{ uri: "qemu:///system" }]);
    expect(checkLibvirtResources(synth)).toEqual([]);
  });

  test("a provider the stack already has is kept, and still pinned", () => {
    const stack = new TerraformStack(new App(), "pin");
    const first = ensureLibvirtProvider(stack, "qemu+ssh://root@host/system");
    expect(ensureLibvirtProvider(stack)).toBe(first);
    const synth = JSON.parse(Testing.synth(stack));
    expect(synth.provider.libvirt).toEqual([{ uri: "qemu+ssh://root@host/system" }]);
    expect(synth.terraform.required_providers.libvirt.version).toBe("= 0.8.3");
    expect(checkLibvirtResources(synth)).toEqual([]);
  });
});
