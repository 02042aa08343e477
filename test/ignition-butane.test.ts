/**
 * Butane in, typed Ignition out (IgnitionConfig.addButane, lib/ignition/butane/translate.ts):
 * Butane's documented examples and translate tests, and Typhoon's snippets, each compared with
 * the Ignition Butane gives for it (test/fixtures/butane/cases.ts, facts carried over with their
 * sources) as the node reads it, and checked by Debian's ignition-validate; what needs files at
 * synth or has no typed call is refused naming the Butane field; clashes follow the typed calls.
 */
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { MicroOsError } from "../lib/core/errors";
import { IgnitionConfig, IgnitionVersion } from "../lib/ignition/config";
import { ignitionValidateTool, runIgnitionValidate } from "../lib/testing/ignition";
import { CASES, KEY1, REFUSED } from "./fixtures/butane/cases";
import { need } from "./helpers/external";
import { FCOS_VARIANT } from "../lib/os/fcos/releases";
import { FLATCAR_VARIANT } from "../lib/os/flatcar/releases";
import { SSH_KEY } from "./testing-kit-clusters";

type Json = Record<string, unknown>;

/** A data: URL's bytes as text (RFC 2397: `;base64` or percent-encoded), gunzipped when the resource says gzip. */
function dataText(source: string, compression: unknown): string {
  const m = /^data:([^,]*),(.*)$/s.exec(source);
  if (!m) throw new Error(`not a data URL: ${source}`);
  let bytes = m[1].endsWith(";base64") ? Buffer.from(m[2], "base64") : Buffer.from(decodeURIComponent(m[2]), "latin1");
  if (!m[1].endsWith(";base64")) bytes = Buffer.from(decodeURIComponent(m[2]), "utf8");
  if (compression === "gzip") bytes = gunzipSync(bytes);
  return bytes.toString("utf8");
}

/** A resource as the node reads it: inline text decoded, empty compression dropped. */
function resource(r: Json): Json {
  const source = r.source as string;
  if (source.startsWith("data:")) return { text: dataText(source, r.compression) };
  const out: Json = { ...r };
  if (out.compression === "" || out.compression === undefined) delete out.compression;
  return out;
}

const byKey = (key: string) => (a: Json, b: Json) => String(a[key]).localeCompare(String(b[key]));

/** Ignition JSON as the node reads it, in a canonical order, without the version field. */
function normalize(config: Json): Json {
  const out: Json = {};
  const storage = (config.storage ?? {}) as Json;
  // A file or directory without a mode gets Ignition's default, 0644 or 0755 (coreos/ignition
  // docs/configuration-v3_4.md, storage.files.mode / storage.directories.mode); the builder writes it out.
  const files = ((storage.files ?? []) as Json[]).map((f) => ({
    mode: 0o644,
    ...f,
    ...(f.contents ? { contents: resource(f.contents as Json) } : {}),
    ...(f.append ? { append: (f.append as Json[]).map(resource) } : {}),
  }));
  if (files.length) out.files = files.sort(byKey("path"));
  if (storage.directories) out.directories = (storage.directories as Json[]).map((d) => ({ mode: 0o755, ...d })).sort(byKey("path"));
  if (storage.links) out.links = [...(storage.links as Json[])].sort(byKey("path"));
  const units = (((config.systemd ?? {}) as Json).units ?? []) as Json[];
  if (units.length) out.units = [...units].sort(byKey("name"));
  const passwd = (config.passwd ?? {}) as Json;
  if (passwd.users) out.users = [...(passwd.users as Json[])].sort(byKey("name"));
  if (passwd.groups) out.groups = [...(passwd.groups as Json[])].sort(byKey("name"));
  if (config.kernelArguments) out.kernelArguments = config.kernelArguments;
  if (storage.disks) out.disks = [...(storage.disks as Json[])].sort(byKey("device"));
  if (storage.raid) out.raid = [...(storage.raid as Json[])].sort(byKey("name"));
  if (storage.filesystems) out.filesystems = [...(storage.filesystems as Json[])].sort(byKey("device"));
  if (storage.luks) out.luks = (storage.luks as Json[]).map((l) => (l.keyFile ? { ...l, keyFile: resource(l.keyFile as Json) } : l)).sort(byKey("name"));
  return out;
}

function rendered(c: IgnitionConfig): Json {
  return JSON.parse(c.render()) as Json;
}

describe("Butane's documented examples and translate tests, and Typhoon's snippets", () => {
  it.for(CASES)("$name ($source) gives the Ignition Butane gives", (c) => {
    const config = new IgnitionConfig({ version: IgnitionVersion.V3_4_0 }).addButane(c.butane);
    expect(normalize(rendered(config))).toEqual(normalize(c.ignition));
  });

  it.for(CASES)("$name passes Debian's ignition-validate", (c, ctx) => {
    need(ctx, ignitionValidateTool());
    const result = runIgnitionValidate(new IgnitionConfig({ version: IgnitionVersion.V3_4_0 }).addButane(c.butane).render());
    expect(result.ok, result.output).toBe(true);
  });

  it.for(REFUSED)("refuses $name ($source), naming the Butane field", (c) => {
    const config = new IgnitionConfig({ version: IgnitionVersion.V3_4_0, name: "node-0" });
    expect(() => config.addButane(c.butane)).toThrow(MicroOsError);
    expect(() => config.addButane(c.butane)).toThrow(c.message);
    expect(config.render()).toBe(new IgnitionConfig({ version: IgnitionVersion.V3_4_0, name: "node-0" }).render());
  });
});

describe("what addButane refuses", () => {
  const refuse = (text: string, message: RegExp, version = IgnitionVersion.V3_4_0) => {
    const config = new IgnitionConfig({ version, name: "node-0" });
    let error: unknown;
    try {
      config.addButane(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MicroOsError);
    expect((error as Error).message).toMatch(/^node-0: butane /);
    expect((error as Error).message).toMatch(/\. Fix: /);
    expect((error as Error).message).toMatch(message);
  };

  it("a variant the Ignition OSes here do not read", () => {
    refuse("variant: openshift\nversion: 4.14.0\n", /butane variant: "openshift" is not a variant the Ignition OSes here read\. Fix: use variant flatcar \(Flatcar\) or fcos/);
    refuse("variant: r4e\nversion: 1.1.0\n", /butane variant: "r4e"/);
  });

  it("a variant the config's OS does not read", () => {
    const fcos = CASES.find((c) => c.name === "Typhoon's Fedora CoreOS custom-files snippet")!.butane;
    const flatcar = new IgnitionConfig({ version: IgnitionVersion.V3_4_0, name: "node-0", variant: FLATCAR_VARIANT });
    expect(() => flatcar.addButane(fcos)).toThrow(/^node-0: butane variant: "fcos" is not the Butane variant Flatcar reads\. Fix: write `variant: flatcar` with a flatcar version \(1\.0\.0, 1\.1\.0\)$/);
    const flatcarSnippet = CASES.find((c) => c.name === "Typhoon's Flatcar custom-files snippet")!.butane;
    expect(() => new IgnitionConfig({ version: IgnitionVersion.V3_4_0, variant: FCOS_VARIANT }).addButane(flatcarSnippet)).toThrow(/"flatcar" is not the Butane variant Fedora CoreOS reads\. Fix: write `variant: fcos`/);
    expect(() => flatcar.addButane(flatcarSnippet)).not.toThrow();
  });

  it("LUKS on Flatcar: a volume with a key is taken, clevis refused as Butane's flatcar variants refuse it", () => {
    // coreos/butane config/flatcar/v1_1/translate_test.go TestTranslation: the plain volume
    // translates, the clevis one is refused (ErrClevisSupport).
    const plain = "variant: flatcar\nversion: 1.1.0\nstorage:\n  luks:\n    - name: data\n      device: /dev/disk/by-partlabel/USR-B\n";
    const flatcar = () => new IgnitionConfig({ version: IgnitionVersion.V3_4_0, name: "node-0", variant: FLATCAR_VARIANT });
    expect(normalize(rendered(flatcar().addButane(plain)))).toEqual({ luks: [{ name: "data", device: "/dev/disk/by-partlabel/USR-B" }] });
    const clevis = `${plain}    - name: data-bis\n      device: /dev/disk/by-partlabel/USR-B-bis\n      clevis:\n        tpm2: true\n`;
    expect(() => flatcar().addButane(clevis)).toThrow(/storage\.luks\[data-bis\]\.clevis: .*Flatcar.*refuse luks\.clevis/);
  });

  it("device fields younger than the spec the Butane version translates to, and Butane's mount-unit sugar", () => {
    refuse("variant: fcos\nversion: 1.1.0\nstorage:\n  luks:\n    - name: data\n      device: /dev/sdb\n", /butane storage\.luks: needs Ignition 3\.2\.0, but fcos 1\.1\.0 translates to 3\.1\.0/);
    refuse("variant: fcos\nversion: 1.4.0\nstorage:\n  luks:\n    - name: data\n      device: /dev/sdb\n      discard: true\n", /butane storage\.luks\[0\]\.discard: needs Ignition 3\.4\.0, but fcos 1\.4\.0 translates to 3\.3\.0/);
    refuse("variant: fcos\nversion: 1.0.0\nstorage:\n  filesystems:\n    - device: /dev/sdb\n      format: btrfs\n      mount_options: [subvolid=5]\n", /butane storage\.filesystems\[0\]\.mount_options: needs Ignition 3\.1\.0/);
    refuse("variant: fcos\nversion: 1.5.0\nstorage:\n  luks:\n    - name: data\n      device: /dev/dasda\n      cex:\n        enabled: true\n", /butane storage\.luks\[0\]\.cex: needs Ignition 3\.5\.0, but fcos 1\.5\.0 translates to 3\.4\.0/);
    refuse("variant: fcos\nversion: 1.4.0\nstorage:\n  filesystems:\n    - device: /dev/sdb\n      with_mount_unit: true\n      format: swap\n", /butane storage\.filesystems\[0\]\.with_mount_unit: Butane's sugar/);
    refuse("variant: fcos\nversion: 1.4.0\nstorage:\n  filesystems:\n    - device: /dev/sdb\n      path: /var\n", /butane storage\.filesystems\[0\]\.format: is missing\. Fix: give the filesystem's format/);
    refuse("variant: fcos\nversion: 1.4.0\nstorage:\n  luks:\n    - name: data\n", /butane storage\.luks\[0\]\.device: is missing/);
    refuse("variant: fcos\nversion: 1.4.0\nstorage:\n  disks:\n    - device: /dev/sdb\n      partitions:\n        - label: a\n          size: 10\n", /butane storage\.disks\[0\]\.partitions\[0\]\.size: is not a Butane field this library reads/);
  });

  it("a missing variant or version, and a version Butane does not define as stable", () => {
    refuse("storage:\n  files: []\n", /butane variant: is missing\. Fix: start the config with `variant: flatcar`/);
    refuse("variant: flatcar\n", /butane version: is missing\. Fix: give the flatcar spec version, one of 1\.0\.0, 1\.1\.0/);
    refuse("variant: flatcar\nversion: 1.2.0-experimental\n", /butane version: "1\.2\.0-experimental" is not a stable flatcar Butane version/);
  });

  it("a Butane version whose Ignition spec is newer than the config renders", () => {
    refuse("variant: flatcar\nversion: 1.1.0\n", /butane version: flatcar 1\.1\.0 translates to Ignition 3\.4\.0, newer than the 3\.3\.0 this config renders/, IgnitionVersion.V3_3_0);
    expect(() => new IgnitionConfig({ version: IgnitionVersion.V3_3_0 }).addButane("variant: flatcar\nversion: 1.0.0\n")).not.toThrow();
  });

  it("a field younger than the spec the Butane version translates to", () => {
    refuse("variant: fcos\nversion: 1.1.0\nkernel_arguments:\n  should_exist: [quiet]\n", /butane kernel_arguments: needs Ignition 3\.3\.0, but fcos 1\.1\.0 translates to 3\.1\.0/);
    refuse("variant: fcos\nversion: 1.0.0\nstorage:\n  files:\n    - path: /a\n      contents:\n        source: https://example.com/a\n        compression: gzip\n", /butane storage\.files\[0\]\.contents\.compression: needs Ignition 3\.1\.0/);
  });

  it("an unknown or misspelt field, anywhere", () => {
    refuse("variant: flatcar\nversion: 1.0.0\nstorage:\n  files:\n    - path: /a\n      mod: 420\n", /butane storage\.files\[0\]\.mod: is not a Butane field this library reads\. Fix: remove it, or check its spelling/);
    refuse("variant: flatcar\nversion: 1.0.0\nsystemdd: {}\n", /butane systemdd: is not a Butane field/);
    refuse("variant: flatcar\nversion: 1.0.0\nsystemd:\n  units:\n    - name: a.service\n      enable: true\n", /butane systemd\.units\[0\]\.enable: is not a Butane field/);
  });

  it("values of the wrong type, and what Ignition cannot do with inline text", () => {
    refuse("variant: flatcar\nversion: 1.0.0\nsystemd:\n  units:\n    - name: a.service\n      enabled: yes\n", /butane systemd\.units\[0\]\.enabled: expected true or false, got "yes"/);
    refuse("variant: flatcar\nversion: 1.0.0\nstorage:\n  files:\n    - path: /a\n      mode: rw\n", /butane storage\.files\[0\]\.mode: expected a whole number/);
    refuse("variant: flatcar\nversion: 1.0.0\nstorage:\n  files:\n    - path: /a\n      contents:\n        inline: x\n        compression: gzip\n", /butane storage\.files\[0\]\.contents\.compression: is given with inline contents/);
    refuse("variant: flatcar\nversion: 1.0.0\nstorage:\n  files:\n    - path: /a\n      contents:\n        source: https://example.com/a\n        verification:\n          hash: md5-abc\n", /verification\.hash: "md5-abc" is not sha512-<hex> or sha256-<hex>/);
  });

  it("YAML that is not a Butane document", () => {
    refuse("variant: flatcar\nversion: 1.0.0\nversion: 1.1.0\n", /butane \(document\): is not valid YAML: Map keys must be unique/);
    refuse("- variant: flatcar\n", /butane \(document\): expected a mapping with variant and version, got a list/);
    refuse(42 as unknown as string, /butane \(document\): expected the Butane YAML as a string, got 42/);
  });

  it("what the typed calls refuse, with their own messages", () => {
    const config = new IgnitionConfig({ name: "node-0" });
    expect(() => config.addButane("variant: flatcar\nversion: 1.0.0\nstorage:\n  files:\n    - path: relative/path\n")).toThrow(/node-0: storage\.files/);
    expect(() => config.addButane("variant: flatcar\nversion: 1.0.0\npasswd:\n  users:\n    - name: core\n      ssh_authorized_keys: [key1]\n")).toThrow(/sshAuthorizedKeys\[0\]/);
  });
});

describe("Butane merges like typed calls", () => {
  const HELLO = "variant: flatcar\nversion: 1.0.0\nstorage:\n  files:\n    - path: /opt/hello\n      contents:\n        inline: |\n          Hello World\n      mode: 0644\n";

  it("reads a leading-zero mode as octal, as Butane's YAML reader does", () => {
    const files = (rendered(new IgnitionConfig().addButane(HELLO)).storage as { files: Json[] }).files;
    expect(files[0].mode).toBe(0o644);
  });

  it("refuses a path the config already has, and leaves the config as it was", () => {
    const config = new IgnitionConfig({ name: "node-0" }).addFile("/opt/hello", "typed\n");
    const before = config.render();
    expect(() => config.addButane(HELLO)).toThrow(/node-0: .*\/opt\/hello/);
    expect(config.render()).toBe(before);
    // The same file added twice by typed calls is refused the same way.
    expect(() => new IgnitionConfig({ name: "node-0" }).addFile("/opt/hello", "typed\n").merge(new IgnitionConfig().addFile("/opt/hello", "x"))).toThrow(/\/opt\/hello/);
  });

  it("combines ssh keys for an existing user and dropins of one unit, as typed calls do", () => {
    const other = SSH_KEY;
    const config = new IgnitionConfig().addSshKeys("core", [other]).addDropin("kubelet.service", "a.conf", "[Service]\n");
    config.addButane(`variant: flatcar\nversion: 1.0.0\npasswd:\n  users:\n    - name: core\n      ssh_authorized_keys: ["${KEY1}"]\nsystemd:\n  units:\n    - name: kubelet.service\n      dropins:\n        - name: b.conf\n          contents: "[Service]\\n"\n`);
    const out = rendered(config) as { passwd: { users: Json[] }; systemd: { units: Json[] } };
    expect(out.passwd.users).toEqual([{ name: "core", sshAuthorizedKeys: [other, KEY1] }]);
    expect((out.systemd.units[0].dropins as Json[]).map((d) => d.name)).toEqual(["a.conf", "b.conf"]);
  });

  it("renders the same bytes as the typed calls it stands for", () => {
    const typed = new IgnitionConfig().addFile("/opt/hello", "Hello World\n", { mode: 0o644 });
    expect(new IgnitionConfig().addButane(HELLO).render()).toBe(typed.render());
  });
});
