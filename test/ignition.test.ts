import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, it, type TestContext } from "vitest";
import type { Encoder } from "../lib/core/deferred";
import { MicroOsError } from "../lib/core/errors";
import { decodeDataUrl } from "../lib/ignition/encode";
import {
  FilesystemFormat,
  IgnitionConfig,
  IgnitionVersion,
  RaidLevel,
  validateIgnitionSpec,
  type IgnitionSpec,
} from "../lib/ignition";
import { FLATCAR_VARIANT } from "../lib/os/flatcar/releases";
import { bootIgnition, ignitionProgramTool, rootPrivilegeTool } from "../lib/testing/firstboot";
import { checkIgnition, ignitionValidateTool, runIgnitionValidate, substituteDeferred, validateWithSchema } from "../lib/testing/ignition";
import { need } from "./helpers/external";

// The Ignition builder: what it renders, and that every config passes the JSON schema, our
// semantic checks and Debian's ignition-validate.

let checked = 0;
afterAll(() => {
  console.log(`ignition-validate: ${checked} configs checked`);
});

/** Asserts that the schema, the semantic checks and ignition-validate all accept `json`. */
function expectValid(ctx: TestContext, json: string): void {
  need(ctx, ignitionValidateTool());
  expect(checkIgnition(json)).toEqual([]);
  checked++;
}

/** An OpenSSH public key line with a well-formed blob (type name, then 32 key bytes). */
function sshKey(type: string, fill: number, comment: string): string {
  const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return `${type} ${Buffer.concat([str(Buffer.from(type)), str(Buffer.alloc(32, fill))]).toString("base64")} ${comment}`;
}

const CORE_KEY = sshKey("ssh-ed25519", 1, "admin@example");
const OPS_KEY = sshKey("ssh-ed25519", 2, "ops@example");
const ECDSA_KEY = sshKey("ecdsa-sha2-nistp256", 3, "ci@example");
const SHA512 = (text: string) => createHash("sha512").update(text).digest("hex");

// A representative Flatcar node: hostname, a k3s unit with a dropin, core's key, the Kubernetes
// sysext image fetched with its hash and linked into /etc/extensions (flatcar/sysext-bakery
// README: images live under /opt/extensions and are enabled by a link in /etc/extensions; release
// assets are https://github.com/flatcar/sysext-bakery/releases/download/latest/<name>-<version>-x86-64.raw).
function flatcarNode(version = IgnitionVersion.V3_3_0): IgnitionConfig {
  return new IgnitionConfig({ version, name: "node-1" })
    .addFile("/etc/hostname", "node-1\n")
    .addDirectory("/opt/extensions/kubernetes")
    .addRemoteFile("/opt/extensions/kubernetes/kubernetes-v1.30.0-x86-64.raw", {
      source: "https://github.com/flatcar/sysext-bakery/releases/download/latest/kubernetes-v1.30.0-x86-64.raw",
      hash: { algorithm: "sha512", hex: SHA512("kubernetes-v1.30.0-x86-64.raw") },
    })
    .addLink("/etc/extensions/kubernetes.raw", "/opt/extensions/kubernetes/kubernetes-v1.30.0-x86-64.raw")
    .addUnit("k3s.service", {
      contents: "[Unit]\nDescription=k3s\nAfter=network-online.target\n[Service]\nExecStart=/opt/bin/k3s server\nRestart=always\n[Install]\nWantedBy=multi-user.target\n",
      enabled: true,
    })
    .addDropin("k3s.service", "10-token.conf", "[Service]\nEnvironment=K3S_TOKEN_FILE=/etc/k3s/token\n")
    .addSshKeys("core", [CORE_KEY]);
}

describe("rendering", () => {
  it("renders an empty config as the version alone", (ctx) => {
    const json = new IgnitionConfig().render();
    expect(json).toBe('{"ignition":{"version":"3.3.0"}}');
    expectValid(ctx, json);
  });

  it("renders the same bytes for the same calls", (ctx) => {
    expect(flatcarNode().render()).toBe(flatcarNode().render());
    expect(flatcarNode().render({ pretty: true })).toBe(flatcarNode().render({ pretty: true }));
    expectValid(ctx, flatcarNode().render());
  });

  it("reports the rendered size in bytes, multibyte characters counted as bytes", (ctx) => {
    const c = new IgnitionConfig().addFile("/etc/motd", "grüße ✓\n").addUnit("motd.service", { contents: "[Unit]\nDescription=grüße ✓\n" });
    expect(c.renderedSize()).toBe(Buffer.byteLength(c.render(), "utf8"));
    expect(c.renderedSize()).toBeGreaterThan(c.render().length);
    expectValid(ctx, c.render());
  });

  it("matches the golden Flatcar node", async (ctx) => {
    const json = flatcarNode().render({ pretty: true });
    await expect(json).toMatchFileSnapshot("__snapshots__/ignition-flatcar-node.json");
    expectValid(ctx, json);
  });

  it("checks a 3.4.0 config with Debian's validator as 3.4.0-experimental, since ignition 2.14 predates 3.4.0 stable", (ctx) => {
    need(ctx, ignitionValidateTool());
    const c = flatcarNode(IgnitionVersion.V3_4_0)
      .addLuks("data", { device: "/dev/disk/by-partlabel/data", discard: true, openOptions: ["--perf-no_read_workqueue"] })
      .addRemoteFile("/etc/big.ign.part", { source: "arn:aws:s3:eu-central-1:123456789012:accesspoint/nodes/object/config/node-1.ign" });
    const json = c.render();
    expect(JSON.parse(json).ignition.version).toBe("3.4.0");
    // runIgnitionValidate rewrites the version; Debian's validator rejects "3.4.0" as such.
    const result = runIgnitionValidate(json);
    expect(result.ok, result.output).toBe(true);
    // luks discard and openOptions came with the 3.4.0 release, after 2.14's experimental types.
    expect(result.warnings.every((w) => /Unused key (discard|openOptions)/.test(w))).toBe(true);
    expectValid(ctx, json);
  });

  it("orders files, directories and links as they were added", () => {
    const spec = flatcarNode().toSpec();
    expect(spec.storage?.files?.map((f) => f.path)).toEqual(["/etc/hostname", "/opt/extensions/kubernetes/kubernetes-v1.30.0-x86-64.raw"]);
    expect(spec.storage?.directories?.map((d) => d.path)).toEqual(["/opt/extensions/kubernetes"]);
  });

  it("gives files mode 0o644 and directories 0o755 unless told otherwise", (ctx) => {
    const c = new IgnitionConfig().addFile("/a", "x").addDirectory("/d").addFile("/opt/bin/tool", "#!/bin/sh\n", { mode: 0o755 });
    const spec = c.toSpec();
    expect(spec.storage?.files?.map((f) => f.mode)).toEqual([0o644, 0o755]);
    expect(spec.storage?.directories?.[0].mode).toBe(0o755);
    expectValid(ctx, c.render());
  });
});

describe("file contents", () => {
  const roundTrip = (bytes: Uint8Array) => {
    const c = new IgnitionConfig().addBinaryFile("/f", bytes);
    const contents = c.toSpec().storage!.files![0].contents!;
    return { contents, decoded: decodeDataUrl(contents.source!, contents.compression) };
  };

  it("uses a plain percent-encoded data URL for short ASCII text", () => {
    const c = new IgnitionConfig().addFile("/etc/hostname", "node-1\n");
    expect(c.toSpec().storage?.files?.[0].contents).toEqual({ source: "data:,node-1%0A" });
  });

  it("uses base64 for multibyte UTF-8 text when shorter, and decodes to the same bytes", () => {
    const text = "日本語のテキスト ✓ grüße\n";
    const { contents, decoded } = roundTrip(Buffer.from(text, "utf8"));
    expect(contents.source).toMatch(/^data:;base64,/);
    expect(decoded?.toString("utf8")).toBe(text);
  });

  it("round-trips every byte value 0..255", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(Buffer.compare(roundTrip(all).decoded!, Buffer.from(all))).toBe(0);
  });

  it("gzips large repetitive text and marks the compression", () => {
    const text = "Environment=A=b\n".repeat(500);
    const { contents, decoded } = roundTrip(Buffer.from(text));
    expect(contents.compression).toBe("gzip");
    expect(decoded?.toString()).toBe(text);
    expect(contents.source!.length).toBeLessThan(text.length / 10);
  });

  it("writes plain data URLs that Ignition's decoder accepts for every ASCII character", (ctx) => {
    const ascii = String.fromCharCode(...Array.from({ length: 128 }, (_, i) => i));
    const json = new IgnitionConfig().addFile("/ascii", ascii).addFile("/url", "a%20b #x ?y=z&w <>\"{}|\\^[]`").render();
    expectValid(ctx, json);
  });

  it("writes the exact bytes through the real Ignition: multibyte text, binary, gzip and plain", async (ctx) => {
    need(ctx, ignitionProgramTool());
    need(ctx, rootPrivilegeTool());
    const files: Record<string, Buffer> = {
      "/etc/plain": Buffer.from("abcdefghijklmnopqrstuvwxyz-%#?&/:@!*'()~_.=+;,\n"),
      "/etc/multibyte": Buffer.from("日本語 ✓ grüße\n", "utf8"),
      "/etc/binary": Buffer.from(Uint8Array.from({ length: 256 }, (_, i) => 255 - i)),
      "/etc/gzipped": Buffer.from("line of text\n".repeat(400)),
    };
    const c = new IgnitionConfig();
    for (const [path, bytes] of Object.entries(files)) c.addBinaryFile(path, bytes);
    expect(c.toSpec().storage?.files?.map((f) => f.contents?.source?.slice(0, 6))).toEqual(["data:,", "data:;", "data:;", "data:;"]);
    expect(c.toSpec().storage?.files?.[3].contents?.compression).toBe("gzip");
    const result = await bootIgnition(c.render());
    expect(result.ok, result.ok ? "" : result.error).toBe(true);
    if (!result.ok) return;
    for (const [path, bytes] of Object.entries(files)) {
      expect(result.tree.file(path)?.sha256, path).toBe(createHash("sha256").update(bytes).digest("hex"));
    }
    expectValid(ctx, c.render());
  });
});

describe("the model", () => {
  it("renders storage devices: disks, partitions, raid, filesystems and luks", (ctx) => {
    const c = new IgnitionConfig()
      .addDisk("/dev/vdb", {
        wipeTable: true,
        partitions: [
          { number: 1, label: "data", sizeMiB: 1024, startMiB: 1, typeGuid: "0FC63DAF-8483-4772-8E79-3D69D8477DE4" },
          { number: 2, label: "scratch", sizeMiB: 0, startMiB: 0 },
        ],
      })
      .addRaid("md-data", { level: RaidLevel.RAID1, devices: ["/dev/vdc", "/dev/vdd"], spares: 0 })
      .addFilesystem("/dev/md/md-data", { format: FilesystemFormat.XFS, path: "/var/lib/data", label: "data", wipeFilesystem: true, mountOptions: ["noatime"] })
      .addLuks("secret", { device: "/dev/disk/by-partlabel/scratch", label: "secret", wipeVolume: true, keyFile: { text: "not-a-real-key\n" } })
      .addFilesystem("/dev/mapper/secret", { format: FilesystemFormat.EXT4, label: "secret" });
    const spec = c.toSpec();
    expect(spec.storage?.raid?.[0]).toEqual({ name: "md-data", level: "raid1", devices: ["/dev/vdc", "/dev/vdd"], spares: 0 });
    expect(spec.storage?.luks?.[0].keyFile).toEqual({ source: "data:,not-a-real-key%0A" });
    expectValid(ctx, c.render());
  });

  it("renders the ignition section: merge, replace, timeouts, certificate authorities, proxy", (ctx) => {
    const pem = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUfake\n-----END CERTIFICATE-----\n";
    const c = new IgnitionConfig()
      .mergeConfig({ source: "https://config.example/base.ign", hash: { algorithm: "sha512", hex: SHA512("base") } })
      .mergeConfig({ text: '{"ignition":{"version":"3.3.0"}}' })
      .setTimeouts({ httpResponseHeaders: 20, httpTotal: 600 })
      .addCertificateAuthority({ text: pem })
      .addCertificateAuthority({ source: "s3://ca-bucket/ca.pem" })
      .setProxy({ httpProxy: "http://proxy.internal:3128", httpsProxy: "https://proxy.internal:3129", noProxy: ["169.254.169.254", ".internal"] });
    const ign = c.toSpec().ignition;
    expect(ign.timeouts).toEqual({ httpResponseHeaders: 20, httpTotal: 600 });
    expect(ign.config?.merge?.[0].verification?.hash).toBe(`sha512-${SHA512("base")}`);
    expect(decodeDataUrl(ign.security!.tls!.certificateAuthorities![0].source!)?.toString()).toBe(pem);
    expectValid(ctx, c.render());
  });

  it("renders an S3 stub that replaces itself with the real config, verified by sha512", (ctx) => {
    const full = flatcarNode().render();
    const c = new IgnitionConfig().replaceConfig({ source: "s3://node-configs/node-1.ign", hash: { algorithm: "sha512", hex: SHA512(full) } });
    expect(c.toSpec().ignition.config).toEqual({ replace: { source: "s3://node-configs/node-1.ign", verification: { hash: `sha512-${SHA512(full)}` } } });
    expectValid(ctx, c.render());
  });

  it("renders users with every field, and groups", (ctx) => {
    const c = new IgnitionConfig()
      .addGroup("ops", { gid: 2000 })
      .addGroup("svc", { system: true })
      .addGroup("old", { shouldExist: false })
      .addUser("ops", {
        uid: 2000,
        primaryGroup: "ops",
        groups: ["sudo", "docker"],
        gecos: "Operations",
        homeDir: "/home/ops",
        shell: "/bin/bash",
        passwordHash: "$6$rounds=4096$saltsalt$Mh3pVTaq7Yf8uVdLOVZb1m2K3b5tXuX3dYqS5p3KZ3k",
        sshAuthorizedKeys: [OPS_KEY, ECDSA_KEY],
        noUserGroup: true,
        noLogInit: true,
      })
      .addUser("svc", { system: true, noCreateHome: true, shell: "/sbin/nologin" })
      .addUser("olduser", { shouldExist: false })
      .addSshKeys("core", [CORE_KEY]);
    const users = c.toSpec().passwd!.users!;
    expect(users.map((u) => u.name)).toEqual(["ops", "svc", "olduser", "core"]);
    expect(users[0].sshAuthorizedKeys).toEqual([OPS_KEY, ECDSA_KEY]);
    expectValid(ctx, c.render());
  });

  it("renders kernel arguments that should and should not exist", (ctx) => {
    const c = new IgnitionConfig().addKernelArguments("console=ttyS0,115200n8", "flatcar.autologin").removeKernelArguments("quiet");
    expect(c.toSpec().kernelArguments).toEqual({ shouldExist: ["console=ttyS0,115200n8", "flatcar.autologin"], shouldNotExist: ["quiet"] });
    expectValid(ctx, c.render());
  });

  it("keeps a key given twice once", (ctx) => {
    const c = new IgnitionConfig().addSshKeys("core", [CORE_KEY]).addSshKeys("core", [CORE_KEY, OPS_KEY]);
    expect(c.toSpec().passwd?.users?.[0].sshAuthorizedKeys).toEqual([CORE_KEY, OPS_KEY]);
    expectValid(ctx, c.render());
  });

  it("accepts a dropin before the unit it belongs to", (ctx) => {
    const c = new IgnitionConfig().addDropin("k3s.service", "10-a.conf", "[Service]\nNice=5\n").addUnit("k3s.service", { contents: "[Service]\nExecStart=/bin/true\n" });
    expect(c.toSpec().systemd?.units).toEqual([{ name: "k3s.service", contents: "[Service]\nExecStart=/bin/true\n", dropins: [{ name: "10-a.conf", contents: "[Service]\nNice=5\n" }] }]);
    expectValid(ctx, c.render());
  });

  it("adds a user's keys to one declared later", (ctx) => {
    const c = new IgnitionConfig().addSshKeys("ops", [OPS_KEY]).addUser("ops", { groups: ["sudo"] });
    expect(c.toSpec().passwd?.users).toEqual([{ name: "ops", groups: ["sudo"], sshAuthorizedKeys: [OPS_KEY] }]);
    expectValid(ctx, c.render());
  });
});

describe("appends", () => {
  it("appends to a file the image has, leaving its mode and owner alone", (ctx) => {
    const c = new IgnitionConfig().appendToFile("/etc/hosts", { text: "10.0.0.10 api.cluster.internal\n" });
    expect(c.toSpec().storage?.files).toEqual([{ path: "/etc/hosts", append: [{ source: "data:,10.0.0.10%20api.cluster.internal%0A" }] }]);
    expectValid(ctx, c.render());
  });

  it("appends after a file's contents, whichever call comes first, and across merged configs", (ctx) => {
    const c = new IgnitionConfig()
      .appendToFile("/etc/motd", { text: "second\n" })
      .addFile("/etc/motd", "first\n", { mode: 0o600 })
      .merge(new IgnitionConfig({ name: "extra" }).appendToFile("/etc/motd", { bytes: Buffer.from("third\n") }));
    const [file] = c.toSpec().storage!.files!;
    expect(file.mode).toBe(0o600);
    expect(file.append?.map((a) => decodeDataUrl(a.source!)?.toString())).toEqual(["second\n", "third\n"]);
    expectValid(ctx, c.render());
  });

  it("writes contents then appends through the real Ignition", async (ctx) => {
    need(ctx, ignitionProgramTool());
    need(ctx, rootPrivilegeTool());
    const c = new IgnitionConfig().addFile("/etc/motd", "first\n").appendToFile("/etc/motd", { text: "second ✓\n" });
    const result = await bootIgnition(c.render());
    expect(result.ok, result.ok ? "" : result.error).toBe(true);
    if (result.ok) expect(result.tree.file("/etc/motd")?.text).toBe("first\nsecond ✓\n");
  });

  it("refuses appending to a directory", () => {
    expect(() => new IgnitionConfig().addDirectory("/etc/d").appendToFile("/etc/d", { text: "x" })).toThrow(/storage\.files\[\/etc\/d\]\.path: \/etc\/d is already a directory; a path cannot be both a directory and a file/);
  });
});

describe("merge", () => {
  it("combines files, dropins of one unit, a user's keys and kernel arguments", (ctx) => {
    const base = flatcarNode();
    const extra = new IgnitionConfig({ name: "pool-general" })
      .addFile("/etc/flatcar/update.conf", "REBOOT_STRATEGY=off\n")
      .addDropin("k3s.service", "20-labels.conf", "[Service]\nEnvironment=K3S_NODE_LABEL=pool=general\n")
      .addSshKeys("core", [OPS_KEY])
      .addKernelArguments("console=ttyS0");
    base.merge(extra);
    const spec = base.toSpec();
    expect(spec.storage?.files?.map((f) => f.path)).toContain("/etc/flatcar/update.conf");
    expect(spec.systemd?.units?.[0].dropins?.map((d) => d.name)).toEqual(["10-token.conf", "20-labels.conf"]);
    expect(spec.passwd?.users?.[0].sshAuthorizedKeys).toEqual([CORE_KEY, OPS_KEY]);
    expect(spec.kernelArguments?.shouldExist).toEqual(["console=ttyS0"]);
    expectValid(ctx, base.render());
  });

  it("leaves the other config unchanged", (ctx) => {
    const extra = new IgnitionConfig({ name: "extra" }).addFile("/etc/a", "a");
    const before = extra.render();
    const merged = flatcarNode().merge(extra);
    expect(extra.render()).toBe(before);
    expectValid(ctx, before);
    expectValid(ctx, merged.render());
  });

  it("leaves this config unchanged when the merge is refused", (ctx) => {
    const base = flatcarNode();
    const before = base.render();
    const extra = new IgnitionConfig({ name: "extra" }).addFile("/etc/ok", "fine").addFile("/etc/hostname", "other\n");
    expect(() => base.merge(extra)).toThrow(MicroOsError);
    expect(base.render()).toBe(before);
    expectValid(ctx, before);
    expectValid(ctx, extra.render());
  });
});

describe("apply-time values", () => {
  // A stand-in for the Terraform encoder: returns cdktf-style token markers instead of values.
  const tokenEncoder: Encoder = {
    base64: () => "${TfToken[TOKEN.101]}",
    base64gzip: () => "${TfToken[TOKEN.102]}",
    sha512hex: () => "${TfToken[TOKEN.103]}",
    sha256hex: () => "${TfToken[TOKEN.104]}",
  };

  it("keeps data URLs and hashes valid after substituting placeholders for tokens", (ctx) => {
    const c = new IgnitionConfig()
      .addFile("/etc/k3s/token", "${TfToken[TOKEN.7]}\n", { mode: 0o600 })
      .addFile("/etc/k3s/config.yaml", `token: \${TfToken[TOKEN.7]}\n${"node-label: a=b\n".repeat(100)}`)
      .replaceConfig({ source: "s3://${TfToken[TOKEN.8]}/node.ign", hash: { algorithm: "sha512", hex: "${TfToken[TOKEN.9]}" } });
    const raw = c.render({ encoder: tokenEncoder });
    expect(raw).toContain("TfToken");
    // Placeholders are numbered in document order: the replace source and hash come first.
    // Our semantic checks read tokens as unknowns; the other validators need placeholders.
    expect(validateIgnitionSpec(JSON.parse(raw))).toEqual([]);
    const text = substituteDeferred(raw);
    expect(text).not.toContain("TfToken");
    const spec = JSON.parse(text) as IgnitionSpec;
    const [small, big] = spec.storage!.files!;
    expect(decodeDataUrl(small.contents!.source!)?.toString()).toBe("(apply-time value tf-deferred-3)\n");
    expect(big.contents!.compression).toBe("gzip");
    expect(gunzipSync(Buffer.from(big.contents!.source!.split(",")[1], "base64")).toString()).toBe("(apply-time value tf-deferred-4)\n");
    expect(spec.ignition.config?.replace?.source).toBe("s3://tf-deferred-1/node.ign");
    expect(spec.ignition.config?.replace?.verification?.hash).toBe(`sha512-${"0".repeat(128)}`);
    expectValid(ctx, text);
  });

  it("gives one placeholder per distinct token", () => {
    const text = substituteDeferred(JSON.stringify({ a: "${TfToken[TOKEN.1]}-${TfToken[TOKEN.2]}-${TfToken[TOKEN.1]}" }));
    expect(JSON.parse(text).a).toBe("tf-deferred-1-tf-deferred-2-tf-deferred-1");
  });
});

describe("the checkers agree on what is wrong", () => {
  it("the JSON schema refuses a mode given as a string", () => {
    expect(validateWithSchema({ ignition: { version: "3.3.0" }, storage: { files: [{ path: "/a", mode: "0644" }] } })).toEqual([
      '/storage/files/0/mode: must be integer,null {"type":["integer","null"]}',
    ]);
  });

  it("the JSON schema is chosen by version and refuses an unknown one", () => {
    expect(validateWithSchema('{"ignition":{"version":"3.9.0"}}')).toEqual(['/ignition/version: no schema for "3.9.0" (have 3.3.0 to 3.6.0)']);
  });

  it("validateIgnitionSpec lists each problem of a hand-written config", () => {
    const problems = validateIgnitionSpec({
      ignition: { version: "3.3.0" },
      storage: {
        files: [
          { path: "etc/relative", mode: 420 },
          { path: "/a", mode: 0o10000 },
          { path: "/a", contents: { source: "https://x.example/a" } },
        ],
        links: [{ path: "/l" }],
        luks: [{ name: "c", device: "/dev/vda", clevis: { tpm2: true }, discard: true }],
      },
      systemd: { units: [{ name: "hello" }, { name: "a.service", dropins: [{ name: "x.txt" }] }] },
      passwd: { users: [{ name: "Bad User", sshAuthorizedKeys: ["not a key"] }] },
      kernelArguments: { shouldExist: ["quiet"], shouldNotExist: ["quiet"] },
    }, { variant: FLATCAR_VARIANT });
    const fields = problems.map((p) => p.split(":")[0]);
    expect(fields).toEqual([
      "storage.files[0].path",
      "storage.files[1].mode",
      "storage.files[2].path",
      "storage.files[2].contents.source",
      "storage.links[0].target",
      "storage.luks[0].clevis",
      "storage.luks[0].discard",
      "systemd.units[0].name",
      "systemd.units[1].dropins[0].name",
      "passwd.users[0].name",
      "passwd.users[0].sshAuthorizedKeys[0]",
      "kernelArguments",
    ]);
  });

  it("ignition-validate refuses what validateIgnitionSpec refuses for a dirty path", (ctx) => {
    need(ctx, ignitionValidateTool());
    const bad = '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/etc/../etc/x"}]}}';
    expect(runIgnitionValidate(bad).ok).toBe(false);
    expect(validateIgnitionSpec(JSON.parse(bad))).toEqual([expect.stringContaining('storage.files[0].path: the path "/etc/../etc/x" is not clean')]);
  });
});
