import { createHash } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, type TestContext } from "vitest";
import { IgnitionConfig, IgnitionVersion } from "../lib/ignition";
import {
  bootIgnition,
  CORE_UID,
  ignitionProgramTool,
  rootPrivilegeTool,
  StubKind,
  type BootOptions,
  type BootResult,
  type BootSuccess,
} from "../lib/testing/firstboot";
import { need } from "./helpers/external";

// First boots of configs built with lib/ignition, applied by the real Ignition program.

const FIXTURES = join(__dirname, "fixtures", "firstboot");
const CORE_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq1T2c0bGNvcmVrZXkxMjM0NTY3ODkwYWJjZGVm admin@example";
const ALICE_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHFsaWNla2V5MTIzNDU2Nzg5MGFiY2RlZmdoaWpr alice@example";
const K3S_UNIT = "[Unit]\nDescription=k3s\n[Service]\nExecStart=/usr/local/bin/k3s server\n[Install]\nWantedBy=multi-user.target\n";

let applied = 0;
afterAll(() => {
  console.log(`firstboot: ${applied} configs applied`);
});

/** Skips (fails in CI) without the Ignition program or root, then boots. */
async function boot(ctx: TestContext, config: IgnitionConfig | string | object, options?: BootOptions): Promise<BootResult> {
  need(ctx, ignitionProgramTool());
  need(ctx, rootPrivilegeTool());
  const result = await bootIgnition(config instanceof IgnitionConfig ? config.render() : config, options);
  if (result.ok) applied++;
  return result;
}

async function bootOk(ctx: TestContext, config: IgnitionConfig | string | object, options?: BootOptions): Promise<BootSuccess> {
  const result = await boot(ctx, config, options);
  if (!result.ok) throw new Error(`Ignition refused the config: ${result.error}`);
  return result;
}

function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), "utf8");
}

describe("a node config applies on a fresh Flatcar root", () => {
  it("writes /etc/hostname without overwrite, since a fresh root has none", async (ctx) => {
    const r = await bootOk(ctx, new IgnitionConfig().addFile("/etc/hostname", "node-1\n"));
    expect(r.tree.file("/etc/hostname")).toMatchObject({ text: "node-1\n", mode: 0o644, uid: 0, gid: 0, seeded: false });
  });

  it("writes text, binary and gzip-compressed files with their bytes, modes and owners", async (ctx) => {
    const big = "KEY=value\n".repeat(400); // compressible: the builder encodes it with gzip
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const config = new IgnitionConfig()
      .addFile("/etc/k3s/env", "A=1\n", { mode: 0o600 })
      .addFile("/etc/k3s/big.env", big)
      .addBinaryFile("/opt/bin/blob", bytes, { mode: 0o755, user: { name: "core" }, group: { name: "core" } });
    const gz = config.toSpec().storage?.files?.find((f) => f.path === "/etc/k3s/big.env");
    expect(gz?.contents?.compression).toBe("gzip");
    const r = await bootOk(ctx, config);
    expect(r.tree.file("/etc/k3s/env")).toMatchObject({ text: "A=1\n", mode: 0o600 });
    expect(r.tree.file("/etc/k3s/big.env")).toMatchObject({ text: big, size: big.length });
    expect(r.tree.file("/opt/bin/blob")).toMatchObject({
      size: 256,
      mode: 0o755,
      uid: CORE_UID,
      user: "core",
      text: undefined,
      sha256: createHash("sha256").update(bytes).digest("hex"),
    });
  });

  it("creates directories with their mode and owner", async (ctx) => {
    const r = await bootOk(ctx, new IgnitionConfig().addDirectory("/var/lib/rancher/k3s", { mode: 0o700, user: { id: CORE_UID } }));
    expect(r.tree.directory("/var/lib/rancher/k3s")).toMatchObject({ mode: 0o700, uid: CORE_UID, user: "core" });
  });

  it("writes a sysext link that resolves to the image inside the root", async (ctx) => {
    const config = new IgnitionConfig()
      .addBinaryFile("/opt/extensions/k3s/k3s-v1.31.4.raw", Uint8Array.from([1, 2, 3]))
      .addLink("/etc/extensions/k3s.raw", "/opt/extensions/k3s/k3s-v1.31.4.raw");
    const r = await bootOk(ctx, config);
    expect(r.tree.link("/etc/extensions/k3s.raw")).toMatchObject({
      target: "/opt/extensions/k3s/k3s-v1.31.4.raw",
      resolves: true,
      resolvedPath: "/opt/extensions/k3s/k3s-v1.31.4.raw",
    });
  });

  it("reports a link whose target the config never writes as not resolving", async (ctx) => {
    const r = await bootOk(ctx, new IgnitionConfig().addLink("/etc/extensions/k3s.raw", "/opt/extensions/k3s/missing.raw"));
    expect(r.tree.link("/etc/extensions/k3s.raw")?.resolves).toBe(false);
  });

  it("writes units with their dropins and enables the enabled ones through presets", async (ctx) => {
    const config = new IgnitionConfig()
      .addUnit("k3s.service", { contents: K3S_UNIT, enabled: true })
      .addDropin("k3s.service", "10-env.conf", "[Service]\nEnvironmentFile=/etc/k3s/env\n")
      .addUnit("locksmithd.service", { mask: true })
      .addUnit("docker.service", { enabled: false });
    const r = await bootOk(ctx, config);
    expect(r.tree.unit("k3s.service")).toMatchObject({
      contents: K3S_UNIT,
      dropins: { "10-env.conf": "[Service]\nEnvironmentFile=/etc/k3s/env\n" },
    });
    expect(r.tree.unitEnabled("k3s.service")).toBe(true);
    expect(r.tree.unitMasked("locksmithd.service")).toBe(true);
    expect(r.tree.unitEnabled("docker.service")).toBe(false);
    expect(r.tree.unit("docker.service")?.disabled).toBe(true);
  });

  it("writes core's ssh keys as core, where Flatcar reads them", async (ctx) => {
    const r = await bootOk(ctx, new IgnitionConfig().addSshKeys("core", [CORE_KEY]));
    expect(r.tree.authorizedKeys("core")).toEqual([CORE_KEY]);
    expect(r.tree.file("/home/core/.ssh/authorized_keys.d/ignition")).toMatchObject({ uid: CORE_UID, mode: 0o600 });
  });

  it("creates a new user in existing groups, with its home and keys", async (ctx) => {
    const r = await bootOk(ctx, new IgnitionConfig().addUser("alice", { groups: ["sudo", "docker"], sshAuthorizedKeys: [ALICE_KEY] }));
    const alice = r.tree.user("alice");
    expect(alice?.groups).toEqual(expect.arrayContaining(["sudo", "docker"]));
    expect(r.tree.directory("/home/alice")?.uid).toBe(alice?.uid);
    expect(r.tree.authorizedKeys("alice")).toEqual([ALICE_KEY]);
  });

  it("applies a 3.4.0 config (run as 3.4.0-experimental by Debian's Ignition)", async (ctx) => {
    const r = await bootOk(ctx, new IgnitionConfig({ version: IgnitionVersion.V3_4_0 }).addFile("/etc/hostname", "n\n"));
    expect(r.tree.file("/etc/hostname")?.text).toBe("n\n");
  });

  it("applies a hand-written fixture of a full node", async (ctx) => {
    const r = await bootOk(ctx, fixture("node.ign"));
    expect(r.tree.file("/etc/hostname")?.text).toBe("fixture-node\n");
    expect(r.tree.unitEnabled("k3s.service")).toBe(true);
    expect(r.tree.authorizedKeys("core")).toHaveLength(1);
  });
});

describe("remote contents", () => {
  const sysext = () =>
    new IgnitionConfig()
      .addRemoteFile("/opt/extensions/k3s/k3s-v1.31.4.raw", {
        source: "https://github.com/flatcar/sysext-bakery/releases/download/latest/k3s-v1.31.4-x86-64.raw",
        hash: { algorithm: "sha512", hex: createHash("sha512").update("sysext image").digest("hex") },
      })
      .addLink("/etc/extensions/k3s.raw", "/opt/extensions/k3s/k3s-v1.31.4.raw");

  it("fails without stubRemote, saying the config needs the network", async (ctx) => {
    const r = await boot(ctx, sysext());
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/needs the network.*https:\/\/github\.com\/flatcar\/sysext-bakery/);
  });

  it("are stubbed with stubRemote, each stub reported", async (ctx) => {
    const r = await bootOk(ctx, sysext(), { stubRemote: true });
    expect(r.stubs).toEqual([
      {
        kind: StubKind.FILE,
        path: "/opt/extensions/k3s/k3s-v1.31.4.raw",
        source: "https://github.com/flatcar/sysext-bakery/releases/download/latest/k3s-v1.31.4-x86-64.raw",
        replacement: "placeholder",
      },
    ]);
    expect(r.tree.link("/etc/extensions/k3s.raw")?.resolves).toBe(true);
  });

  it("are served from remoteContents with their hash checked by Ignition", async (ctx) => {
    const url = "https://github.com/flatcar/sysext-bakery/releases/download/latest/k3s-v1.31.4-x86-64.raw";
    const r = await bootOk(ctx, sysext(), { stubRemote: true, remoteContents: { [url]: "sysext image" } });
    expect(r.stubs[0].replacement).toBe("provided");
    expect(r.tree.file("/opt/extensions/k3s/k3s-v1.31.4.raw")?.text).toBe("sysext image");
  });

  it("refuses remoteContents that do not match the config's hash", async (ctx) => {
    const url = "https://github.com/flatcar/sysext-bakery/releases/download/latest/k3s-v1.31.4-x86-64.raw";
    const r = await boot(ctx, sysext(), { stubRemote: true, remoteContents: { [url]: "another image" } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/do not match its verification hash/);
  });

  it("follow an s3 config replace to its full config when its contents are given", async (ctx) => {
    const full = new IgnitionConfig({ version: IgnitionVersion.V3_4_0 }).addFile("/etc/hostname", "from-s3\n").render();
    const stub = {
      ignition: {
        version: "3.4.0",
        config: {
          replace: {
            source: "s3://cluster-configs/node-1.ign",
            verification: { hash: `sha512-${createHash("sha512").update(full).digest("hex")}` },
          },
        },
      },
    };
    const r = await bootOk(ctx, stub, { stubRemote: true, remoteContents: { "s3://cluster-configs/node-1.ign": full } });
    expect(r.stubs).toEqual([
      { kind: StubKind.CONFIG_REPLACE, path: undefined, source: "s3://cluster-configs/node-1.ign", replacement: "provided" },
    ]);
    expect(r.tree.file("/etc/hostname")?.text).toBe("from-s3\n");
  });
});

describe("a broken config fails with Ignition's own message", () => {
  it("refuses two files at one path", async (ctx) => {
    // The builder refuses this, so the JSON is written by hand.
    const r = await boot(ctx, fixture("duplicate-path.ign"));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.stage).toBe("fetch-offline");
      expect(r.error).toMatch(/CRITICAL : error at \$\.storage\.files\.1.*duplicate entry defined/);
    }
  });

  it("refuses gzip compression on data that is not gzip", async (ctx) => {
    const r = await boot(ctx, fixture("bad-gzip.ign"));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.stage).toBe("files");
      expect(r.error).toMatch(/writing file "\/etc\/k3s\/config\.yaml": gzip: invalid header/);
    }
  });

  it("refuses a gzip payload cut short", async (ctx) => {
    const r = await boot(ctx, fixture("truncated-gzip.ign"));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/writing file "\/etc\/k3s\/config\.yaml": unexpected EOF/);
  });

  it("refuses a link whose parent is a file", async (ctx) => {
    // The builder refuses this too, so the JSON is written by hand.
    const r = await boot(ctx, fixture("link-under-file.ign"));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/error creating \/etc\/extensions\/k3s\.raw: .*not a directory/);
  });

  it("refuses to replace a file the fresh root already has without overwrite", async (ctx) => {
    const r = await boot(ctx, new IgnitionConfig().addFile("/etc/passwd", "root:x:0:0::/root:/bin/sh\n"));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/error creating file "\/etc\/passwd": A file exists there already and overwrite is false/);
  });

  it("refuses update.conf without overwrite on an image that ships one", async (ctx) => {
    const seedFiles = { "/etc/flatcar/update.conf": "GROUP=stable\n" };
    const r = await boot(ctx, new IgnitionConfig().addFile("/etc/flatcar/update.conf", "REBOOT_STRATEGY=off\n"), { seedFiles });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/A file exists there already and overwrite is false/);
  });

  it("replaces update.conf with overwrite on an image that ships one", async (ctx) => {
    const seedFiles = { "/etc/flatcar/update.conf": "GROUP=stable\n" };
    const config = new IgnitionConfig().addFile("/etc/flatcar/update.conf", "REBOOT_STRATEGY=off\n", { overwrite: true });
    const r = await bootOk(ctx, config, { seedFiles });
    expect(r.tree.file("/etc/flatcar/update.conf")?.text).toBe("REBOOT_STRATEGY=off\n");
  });

  it("refuses a hash that does not match the contents", async (ctx) => {
    const config = new IgnitionConfig().addRemoteFile("/opt/x", {
      source: "data:,abc",
      hash: { algorithm: "sha512", hex: "0".repeat(128) },
    });
    const r = await boot(ctx, config);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/hash verification failed/);
  });

  it("cannot simulate enabling a template unit instance, and says why", async (ctx) => {
    const r = await boot(ctx, new IgnitionConfig().addUnit("k3s-agent@one.service", { contents: K3S_UNIT, enabled: true }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/\/run\/systemd\/private[\s\S]*template units \(name@\.\.\.\)[\s\S]*cannot be simulated/);
  });

  it("refuses a config that still holds cdktf tokens, before running Ignition", async (ctx) => {
    const r = await boot(ctx, { ignition: { version: "3.3.0" }, storage: { files: [{ path: "/etc/k3s/token", contents: { source: "data:,${TfToken[TOKEN.1]}" } }] } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/cdktf tokens/);
  });
});

describe("the simulated root", () => {
  it("is removed after the run unless kept", async (ctx) => {
    const r = await bootOk(ctx, new IgnitionConfig().addFile("/etc/hostname", "n\n"));
    expect(r.root).toBeUndefined();
  });

  it("is kept with keepRoot, holding what the tree describes", async (ctx) => {
    const r = await bootOk(ctx, new IgnitionConfig().addFile("/etc/hostname", "kept\n"), { keepRoot: true });
    try {
      expect(r.root).toBeDefined();
      expect(readFileSync(join(r.root as string, "etc/hostname"), "utf8")).toBe("kept\n");
    } finally {
      if (r.root) rmSync(join(r.root, ".."), { recursive: true, force: true });
    }
  });

  it("is the given directory when root is given, and stays after the run", async (ctx) => {
    const dir = join(mkdtempSync(join(tmpdir(), "fb-given-")), "root");
    chmodSync(join(dir, ".."), 0o755);
    try {
      const r = await bootOk(ctx, new IgnitionConfig().addFile("/etc/hostname", "given\n"), { root: dir });
      expect(r.root).toBe(dir);
      expect(readFileSync(join(dir, "etc/hostname"), "utf8")).toBe("given\n");
    } finally {
      rmSync(join(dir, ".."), { recursive: true, force: true });
    }
  });

  it("refuses a given root that is not empty", async (ctx) => {
    const dir = mkdtempSync(join(tmpdir(), "fb-full-"));
    writeFileSync(join(dir, "leftover"), "x");
    try {
      const r = await boot(ctx, new IgnitionConfig(), { root: dir });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/is not empty: Ignition needs a fresh root/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("holds core (uid 500) and its home before Ignition runs", async (ctx) => {
    const r = await bootOk(ctx, new IgnitionConfig());
    expect(r.tree.user("core")).toMatchObject({ uid: CORE_UID, home: "/home/core", shell: "/bin/bash" });
    expect(r.tree.directory("/home/core")?.uid).toBe(CORE_UID);
    expect(r.tree.file("/etc/hostname")).toBeUndefined();
  });
});
