/**
 * The Kairos cloud-config model (lib/kairos): what it renders, and every kind of input it refuses,
 * at the builder call and in the validator that checks rendered text.
 */
import { resolveApplyTime, terraformTextEncoder } from "../lib/testing/firstboot/applytime";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { MicroOsError } from "../lib/core/errors";
import { escapeKairosTemplate, KairosConfig, type KairosConfigProps, KairosStage, validateKairosConfig } from "../lib/kairos";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOKtq6hCw2cvBvT3m5JTp0VsDLt4Ox/JYm8CqXx9HQYb admin@example";
const TOKEN = "${TfToken[TOKEN.3]}";

function errorOf(f: () => unknown): MicroOsError {
  try {
    f();
  } catch (e) {
    if (e instanceof MicroOsError) return e;
    throw e;
  }
  throw new Error("expected a MicroOsError");
}

const base = (more: KairosConfigProps = {}) => new KairosConfig({ users: [{ name: "kairos", sshAuthorizedKeys: [KEY] }], ...more });

describe("KairosConfig renders", () => {
  it("a #cloud-config document with the keys in a fixed order", () => {
    const text = base({
      hostname: "node-0",
      install: { device: "/dev/vda", auto: true, reboot: true },
      k3s: { enabled: true },
      stages: { [KairosStage.BOOT]: [{ name: "hello", commands: ["echo hello"] }] },
    }).render();
    expect(text.split("\n")[0]).toBe("#cloud-config");
    expect(Object.keys(parse(text))).toEqual(["hostname", "users", "install", "k3s", "stages"]);
    expect(validateKairosConfig(text)).toEqual([]);
  });

  it("files with decimal permissions, mode 0644 when none is given", () => {
    const obj = parse(base().addFile({ path: "/etc/a", content: "x" }).addFile({ path: "/etc/b", content: "y", permissions: 0o600 }).render());
    const files = obj.stages.initramfs.flatMap((s: { files: unknown[] }) => s.files);
    expect(files).toEqual([
      { path: "/etc/a", permissions: 0o644, content: "x" },
      { path: "/etc/b", permissions: 0o600, content: "y" },
    ]);
  });

  it("bytes as base64, gzipped when that is smaller, and yip's decoders read them back", () => {
    const small = Uint8Array.from([0, 1, 2]);
    const big = new TextEncoder().encode("a".repeat(2000));
    const obj = parse(base().addFile({ path: "/bin/a", content: small }).addFile({ path: "/etc/b", content: big }).render());
    const [a, b] = obj.stages.initramfs.map((s: { files: Array<Record<string, unknown>> }) => s.files[0]);
    expect(a).toMatchObject({ encoding: "b64", content: "AAEC" });
    expect(b.encoding).toBe("gz+b64");
    expect(validateKairosConfig(base().addFile({ path: "/etc/b", content: big }).render())).toEqual([]);
  });

  it("an apply-time file as gzip+base64 (yip decodes gz+b64), the text around the value unchanged after apply", () => {
    const text = base().addFile({ path: "/etc/t", content: `token: ${TOKEN}\n`, permissions: 0o600 }).render({ encoder: terraformTextEncoder });
    expect(text).toContain(`      content: "\${base64gzip("token: ${TOKEN}\\n")}"\n      encoding: gz+b64\n`);
    const file = parse(resolveApplyTime(text, { values: { "TfToken[TOKEN.3]": "a\nb: 'c'\n" } })).stages.initramfs.flatMap((s: { files?: unknown[] }) => s.files ?? []).find((f: { path: string }) => f.path === "/etc/t");
    expect(gunzipSync(Buffer.from(file.content, "base64")).toString("utf8")).toBe("token: a\nb: 'c'\n\n");
  });

  it("refuses an apply-time file without an encoder, and non-NFC text beside an apply-time value", () => {
    expect(() => base().addFile({ path: "/etc/t", content: TOKEN }).render()).toThrow(
      "kairos: stages.initramfs.files[/etc/t].content: the content holds a value known only at apply time and no encoder carries it. Fix: render with the platform's Terraform encoder (render({ encoder }))",
    );
    expect(() => base().addFile({ path: "/etc/t", content: `e\u0301${TOKEN}` })).toThrow(
      'kairos: stages.initramfs.files[/etc/t].content: the content mixes an apply-time value with text that is not in Unicode NFC, and Terraform normalizes every string it holds to NFC (zclconf/go-cty cty/value_init.go StringVal), so the file would differ. Fix: normalize the text first (text.normalize("NFC")), or keep apply-time values out of this file',
    );
  });

  it("strings a YAML reader could take for booleans or numbers, quoted", () => {
    const text = base().addCommands(KairosStage.BOOT, "yes", "0600").render();
    expect(parse(text, { version: "1.1" }).stages.boot[0].commands).toEqual(["yes", "0600"]);
  });

  it("the same text for the same calls", () => {
    const build = () => base({ hostname: "a" }).setK3sAgent({ env: { B: "2", A: "1" } }).addFile({ path: "/x", content: "1" }).render();
    expect(build()).toBe(build());
    expect(build()).toContain("env:\n    A: \"1\"\n    B: \"2\"");
  });

  it("a literal {{ escaped so that Kairos's Go templating gives it back", () => {
    expect(escapeKairosTemplate("a {{ b }}")).toBe('a {{"{{"}} b }}');
    expect(validateKairosConfig(base().addFile({ path: "/etc/t", content: escapeKairosTemplate("{{ x }}") }).render())).toEqual([]);
  });
});

describe("KairosConfig refuses at the call", () => {
  const cases: Array<[string, () => unknown, string]> = [
    ["a user name Kairos cannot create", () => new KairosConfig({ users: [{ name: "Admin" }] }), 'kairos: users[Admin].name: "Admin" is not a user name. Fix: use lower-case letters, digits, _ and -, starting with a letter or _ (at most 32)'],
    ["a user defined twice", () => base().addUser({ name: "kairos" }), "kairos: users[kairos].name: the user is already defined. Fix: define each user once; add keys with addSshKeys"],
    ["an ssh key that is no OpenSSH key", () => base().addSshKeys("kairos", "ssh-rsa not-base64!"), 'kairos: users[kairos].ssh_authorized_keys: "ssh-rsa not-base64!" is not an OpenSSH public key. Fix: give a line like "ssh-ed25519 AAAA... user@host" or "github:<user>"'],
    ["a host name that is no DNS name", () => base().setHostname("Node_0"), 'kairos: hostname: "Node_0" is not a host name. Fix: use lower-case DNS labels separated by dots'],
    ["an install device that is no device", () => base().setInstall({ device: "vda" }), 'kairos: install.device: "vda" is not auto, a /dev/ path or a script:// URI. Fix: give a device such as /dev/vda, or auto'],
    ["reboot and poweroff together", () => base().setInstall({ reboot: true, poweroff: true }), "kairos: install: reboot and poweroff are both true; Kairos allows at most one. Fix: set either reboot or poweroff"],
    ["a reset source that is no image source", () => base().setReset({ systemSource: "quay.io/x" }), 'kairos: reset.system.source: "quay.io/x" is not an image source. Fix: give "oci:<image reference>"'],
    ["a k3s block set twice", () => base({ k3s: {} }).setK3s({}), "kairos: k3s: the block is already set. Fix: set it once, in full"],
    ["an empty k3s argument", () => base().setK3sAgent({ args: [" "] }), "kairos: k3s-agent.args[0]: the argument is empty. Fix: give flags such as --disable=traefik"],
    ["a k3s variable name that is no name", () => base().setK3s({ env: { "1X": "a" } }), "kairos: k3s.env.1X: the name is not an environment variable name. Fix: use letters, digits and _, not starting with a digit"],
    ["a stage Kairos never runs", () => base().addCommands("intramfs", "true"), 'kairos: stages.intramfs: Kairos runs no stage called "intramfs", so the step would never run. Fix: use a KairosStage, or a stage from the Kairos docs (rootfs, initramfs, boot, fs, network, reconcile, each with .before and .after)'],
    ["a relative file path", () => base().addFile({ path: "etc/x", content: "" }), "kairos: stages.initramfs.files[etc/x].path: the path is relative. Fix: give an absolute path starting with /"],
    ["a path written twice in a stage", () => base().addFile({ path: "/x", content: "" }).addFile({ path: "/x", content: "" }), "kairos: stages.initramfs.files[/x].path: the path is already written in this stage. Fix: write each path once"],
    ["permissions that are no mode", () => base().addFile({ path: "/x", content: "", permissions: 0o17777 }), "kairos: stages.initramfs.files[/x].permissions: 8191 is not a file mode. Fix: give permission bits such as 0o644 or 0o600"],
    ["an owner that is no numeric id", () => base().addFile({ path: "/x", content: "", owner: -1 }), "kairos: stages.initramfs.files[/x].owner: -1 is not a numeric id. Fix: give a uid or gid such as 0 or 1000"],
    ["file content Kairos would render as a template", () => base().addFile({ path: "/x", content: "{{ .Values }}" }), 'kairos: stages.initramfs.files[/x].content: the content holds {{, which Kairos renders as a Go template on the node. Fix: write each literal {{ as {{"{{"}} (escapeKairosTemplate does this)'],
    ["a command Kairos would render as a template", () => base().addCommands(KairosStage.BOOT, "echo {{x}}"), 'kairos: stages.boot.commands: the command holds {{, which Kairos renders as a Go template on the node. Fix: write each literal {{ as {{"{{"}} (escapeKairosTemplate does this)'],
    ["an empty command", () => base().addCommands(KairosStage.BOOT, ""), "kairos: stages.boot.commands: a command is empty. Fix: give shell commands"],
    ["a config without users, at render", () => new KairosConfig().render(), 'kairos: users: the config has no users, and Kairos\'s schema requires at least one (kairos-sdk RootSchema). Fix: add the admin user, for example { name: "kairos", sshAuthorizedKeys: [...] }'],
    ["both k3s roles, at render", () => base({ k3s: {}, k3sAgent: {} }).render(), "kairos: k3s-agent.enabled: k3s and k3s-agent are both enabled; Kairos starts only the server. Fix: enable one: k3s on servers, k3s-agent on agents"],
    ["a token among the k3s arguments, at render", () => base({ k3s: { args: ["--token=abc"] } }).render(), "kairos: k3s.args[0]: a token in the k3s arguments is shown by ps and kept in the service file. Fix: put it in /etc/rancher/k3s/config.yaml (mode 0600) instead"],
    ["a token in the k3s environment, at render", () => base({ k3sAgent: { env: { K3S_TOKEN: TOKEN } } }).render(), "kairos: k3s-agent.env.K3S_TOKEN: a token in the k3s environment is kept in the service's environment file and the process environment. Fix: put it in /etc/rancher/k3s/config.yaml (mode 0600) instead"],
    ["an unattended install with no disk, at render", () => base({ install: { auto: true } }).render(), "kairos: install.device: an unattended install (install.auto) names no target disk. Fix: set install.device, for example /dev/vda, or auto"],
  ];
  for (const [what, call, message] of cases) {
    it(`refuses ${what}`, () => {
      const e = errorOf(call);
      expect(e.message).toBe(message);
      expect(e.fix.length).toBeGreaterThan(0);
    });
  }
});

describe("validateKairosConfig refuses rendered text", () => {
  const head = "#cloud-config\nusers:\n- name: kairos\n";
  const cases: Array<[string, string, string]> = [
    ["text without the #cloud-config header", "users:\n- name: kairos\n", "(header): the config does not start with #cloud-config, so Kairos does not read it as a config (kairos-sdk HasHeader). Fix: put #cloud-config on the first line"],
    ["text that is no YAML", "#cloud-config\nusers: [\n", "(yaml): "],
    ["an empty users list", "#cloud-config\nusers: []\n", "users: the users list is empty, and Kairos's schema requires at least one (kairos-sdk RootSchema). Fix: add the admin user"],
    ["a misspelt top-level key", `${head}k3s_agent:\n  enabled: true\n`, "k3s_agent: Kairos reads no such key here, and drops it silently (strict schema). Fix: remove it, or spell it as the Kairos configuration reference does"],
    ["a misspelt key in a k3s block", `${head}k3s:\n  enable: true\n`, "k3s.enable: Kairos reads no such key here, and drops it silently (strict schema). Fix: remove it, or spell it as the Kairos configuration reference does"],
    ["reboot and poweroff together", `${head}install:\n  reboot: true\n  poweroff: true\n`, "install: reboot and poweroff are both true; Kairos's schema allows at most one (kairos-sdk install_schema.go, PowerManagement). Fix: set either reboot or poweroff"],
    ["an install device off the pattern", `${head}install:\n  device: sda\n`, "install.device: the device is not auto, a /dev/ path or a script:// URI (kairos-sdk install_schema.go). Fix: give a device such as /dev/vda, or auto"],
    ["a user name off Kairos's pattern", "#cloud-config\nusers:\n- name: \"007\"\n", "users.0.name: the user name does not match Kairos's pattern [a-z_][a-z0-9_]{0,30} (kairos-sdk users_schema.go). Fix: use a lower-case name such as kairos"],
    ["a user name useradd refuses", "#cloud-config\nusers:\n- name: Kairos\n", 'users[0].name: "Kairos" is not a user name. Fix: use lower-case letters, digits, _ and -, starting with a letter or _ (at most 32)'],
    ["permissions as an octal string", `${head}stages:\n  boot:\n  - files:\n    - path: /x\n      permissions: "0600"\n      content: x\n`, "stages.boot.0.files.0.permissions: the value is not of type integer (strict schema). Fix: give a integer"],
    ["a file without permissions", `${head}stages:\n  boot:\n  - files:\n    - path: /x\n      content: x\n`, "stages.boot[0].files[0].permissions: no permissions: yip would chmod the file to 0000. Fix: give permissions, for example 420 (0644)"],
    ["an encoding yip does not know", `${head}stages:\n  boot:\n  - files:\n    - path: /x\n      permissions: 420\n      encoding: base32\n      content: x\n`, 'stages.boot.0.files.0.encoding: the value is not one Kairos knows (strict schema). Fix: use one of "", "b64", "base64", "gz", "gzip", "gz+base64", "gzip+base64", "gz+b64", "gzip+b64"'],
    ["content that is not in its encoding", `${head}stages:\n  boot:\n  - files:\n    - path: /x\n      permissions: 420\n      encoding: b64\n      content: "***"\n`, "stages.boot[0].files[0].content: the content is not valid b64. Fix: encode the content as the encoding says, or drop the encoding"],
    ["a stage Kairos never runs", `${head}stages:\n  boot.later:\n  - commands: [\"true\"]\n`, 'stages.boot.later: Kairos runs no stage called "boot.later", so these steps would never run. Fix: use a stage from the Kairos docs: rootfs, initramfs, boot, fs, network, reconcile (each with .before and .after), after-install, ...'],
    ["ssh hardening with no key", `${head}install:\n  ssh_hardening: true\n`, "install.ssh_hardening: ssh hardening turns password logins off, but no user has an ssh key, so the installed system would be unreachable. Fix: give a user ssh_authorized_keys, or drop ssh_hardening"],
    ["a user's key that is no OpenSSH key", "#cloud-config\nusers:\n- name: kairos\n  ssh_authorized_keys: [\"ssh-ed25519 nope\"]\n", 'users[0].ssh_authorized_keys[0]: the entry is not an OpenSSH public key. Fix: give a line like "ssh-ed25519 AAAA... user@host" or "github:<user>"'],
  ];
  for (const [what, text, message] of cases) {
    it(`refuses ${what}`, () => {
      const problems = validateKairosConfig(text);
      expect(problems.length).toBeGreaterThan(0);
      if (message.endsWith(": ")) expect(problems[0].startsWith(message)).toBe(true);
      else expect(problems[0]).toBe(message);
    });
  }

  it("accepts github: keys, the provider's stage hooks and .after sub-stages", () => {
    const text = `#cloud-config\nusers:\n- name: kairos\n  ssh_authorized_keys: ["github:someone"]\nstages:\n  provider-kairos.bootstrap.after.k3s-ready:\n  - commands: ["true"]\n  boot.after:\n  - commands: ["true"]\n`;
    expect(validateKairosConfig(text)).toEqual([]);
  });
});
