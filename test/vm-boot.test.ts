/**
 * Real first boots in a VM (lib/testing/vm): QEMU in software emulation boots the Debian test
 * image (scripts/vm-image/build.sh) whose initramfs runs Debian's Ignition 2.14 on the config,
 * with real disks, then systemd and ssh. Every distinct Flatcar node config of every example
 * boots once (deduplicated by content); then a storage config, static networking, and three
 * broken configs that must fail fast with the message that explains them.
 *
 * Boots run two at a time with one virtual CPU each (the machines have 2 cores); each takes
 * about 40-60 s, so every test has its own long timeout (the queue counts against it).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { afterAll, describe, expect, it, type TestContext } from "vitest";
import { TerraformStack, Testing } from "../lib/cdktf";
import { EXAMPLES, type ExampleName } from "../examples/catalog";
import { IGNITION_FORMAT, IgnitionConfig, FilesystemFormat, RaidLevel } from "../lib/ignition";
import { addHostname, addStaticNetwork } from "../lib/os/flatcar";
import {
  bootIgnitionInVm,
  bootVm,
  configDisks,
  prepareVmConfig,
  userNetworkFor,
  vmRecipeDir,
  vmRecipeHash,
  installMatchers,
  qemuTool,
  vmImageTool,
  VmBootError,
  synthStack,
  type BootedVm,
  type SynthResult,
  type VmBootOptions,
  type VmReport,
} from "../lib/testing";
import { need } from "./helpers/external";
import { TYPHOON_SNIPPETS } from "./fixtures/butane/cases";
import { flatcarLibvirt } from "./testing-kit-clusters";

installMatchers(expect);

// A test waits for a free slot, then boots (2 slots, about 20 boots): the wait counts against its
// timeout. On a loaded machine a boot took up to 6 minutes and a test up to 12.
const BOOT_TEST_TIMEOUT = 1_800_000;
const SLOTS = 2;
const VM: VmBootOptions = { cpus: 1 };

let free = SLOTS;
const waiting: (() => void)[] = [];
const bootSeconds: number[] = [];
afterAll(() => {
  if (bootSeconds.length === 0) return;
  const total = bootSeconds.reduce((a, b) => a + b, 0);
  console.log(`vm-boot: ${bootSeconds.length} boots, ${(total / bootSeconds.length).toFixed(1)} s each on average (${bootSeconds.map((x) => x.toFixed(0)).join(", ")})`);
});
async function slot<T>(run: () => Promise<T>): Promise<T> {
  if (free === 0) await new Promise<void>((r) => waiting.push(r));
  else free--;
  const t0 = Date.now();
  try {
    return await run();
  } finally {
    bootSeconds.push((Date.now() - t0) / 1000);
    const next = waiting.shift();
    if (next) next();
    else free++;
  }
}

function needVm(ctx: TestContext): void {
  need(ctx, qemuTool(), "VM boot: QEMU");
  need(ctx, vmImageTool(), "VM boot: the VM test image");
}

/**
 * Units that cannot run in this stand-in, with the reason. Every other unit the config enables
 * must be active, and `systemctl --failed` otherwise empty.
 */
const CANNOT_RUN: Readonly<Record<string, string>> = {
  "k3s.service":
    "k3s's unit and binary come from its sysext image on Flatcar, which the Debian stand-in does not merge (and the image is a stand-in download); on Fedora CoreOS the unit waits for the SELinux policy rpm-ostree layers; joining a cluster needs the network",
  "k3s-agent.service": "the same as k3s.service: its unit is in the k3s sysext image, which is not merged here",
  "k3s-selinux.service": "Fedora CoreOS layers k3s's SELinux policy with rpm-ostree, which the Debian stand-in lacks (and its package repository is out of the VM network's reach)",
  "web.service": "runs a container with Flatcar's docker, which the Debian stand-in lacks, from a registry the restricted VM network cannot reach",
  "cache.service": "the same as web.service: a docker container from a registry",
  "systemd-sysext.service":
    "merges /etc/extensions/k3s.raw, which here holds the local server's stand-in for the k3s sysext image (the real one cannot be downloaded), so the merge fails",
};

/** The names of CANNOT_RUN that apply to a node: its own units, and the sysext merge where it links an extension. */
function cannotRun(r: BootedVm): Record<string, string> {
  const links = (r.node.config.storage as { links?: { path: string }[] } | undefined)?.links ?? [];
  const sysext = [...r.node.files, ...links].some((f) => f.path.startsWith("/etc/extensions/"));
  return Object.fromEntries(Object.entries(CANNOT_RUN).filter(([u]) => r.node.unit(u) || (u === "systemd-sysext.service" && sysext)));
}

/** The Flatcar and Fedora CoreOS examples (examples/catalog.ts), synthesized; the k3OS ones boot no Ignition. */
function examples(): { example: ExampleName; synth: SynthResult }[] {
  return (Object.keys(EXAMPLES) as ExampleName[])
    .filter((name) => name.startsWith("flatcar-") || name.startsWith("fcos-"))
    .map((example) => ({ example, synth: synthStack(TerraformStack.of(EXAMPLES[example](Testing.app(), example))) }));
}

const sha256 = (t: string) => createHash("sha256").update(t).digest("hex");

describe("every distinct Flatcar node config of the examples boots in a VM", () => {
  // Distinct by content: nodes whose configs are byte-identical boot once.
  const byDigest = new Map<string, { example: string; node: string; synth: SynthResult; also: string[] }>();
  for (const { example, synth } of examples()) {
    for (const n of synth.nodes()) {
      if (n.kind !== "ignition") continue;
      const d = sha256(n._resolved.text);
      const seen = byDigest.get(d);
      if (seen) seen.also.push(`${example}/${n.name}`);
      else byDigest.set(d, { example, node: n.name, synth, also: [] });
    }
  }

  it("found the Flatcar examples' nodes", () => {
    expect(byDigest.size).toBeGreaterThanOrEqual(4);
  });

  for (const { example, node, synth, also } of byDigest.values()) {
    const title = `${example}/${node}${also.length ? ` (the same config as ${also.join(", ")})` : ""}`;
    it.concurrent(title, { timeout: BOOT_TEST_TIMEOUT }, async (ctx) => {
      needVm(ctx);
      const r: BootedVm = await slot(() => bootVm(synth, node, { ...VM, test: ctx }));
      const cannot = cannotRun(r);
      expect(r).toAcceptSsh();
      expect(r).toHaveBootedCleanly(cannot);
      for (const stage of ["fetch-offline", "kargs", "disks", "mount", "files"]) {
        expect(r.stages.find((s) => s.name === stage)?.result, `Ignition's ${stage} stage`).toBe("passed");
      }
      expect(r.systemState).toBe(r.failedUnits.length ? "degraded" : "running");
      const hostname = r.node.file("/etc/hostname")?.contents?.trim();
      if (hostname) expect(r.hostname).toBe(hostname);
      for (const f of r.node.files) {
        const p = r.paths.find((x) => x.path === f.path);
        expect(p, f.path).toMatchObject({ type: "file", mode: f.mode ?? 0o644, user: "root" });
      }
      for (const link of (r.node.config.storage as { links?: { path: string; target: string }[] } | undefined)?.links ?? []) {
        expect(r.paths.find((x) => x.path === link.path), link.path).toMatchObject({ type: "link", target: link.target });
      }
      for (const u of r.node.users) {
        const booted = r.users.find((x) => x.name === u.name);
        for (const k of u.sshAuthorizedKeys) expect(booted?.sshAuthorizedKeys, `${u.name}'s keys`).toContain(k);
      }
      // Downloads (the k3s sysext) are stand-ins served locally, their hashes rewritten: listed.
      for (const f of r.node.files.filter((x) => x.source && /^https?:/.test(x.source))) {
        expect(r.served).toContainEqual(expect.objectContaining({ path: f.path, source: f.source, replacement: "stand-in" }));
      }
    });
  }
});

const mountUnit = (where: string, what: string, type: string) =>
  `[Unit]\nDescription=${where}\nBefore=local-fs.target\n\n[Mount]\nWhat=${what}\nWhere=${where}\nType=${type}\n\n[Install]\nWantedBy=local-fs.target\n`;
// systemd-escape --path --suffix=mount (systemd.mount(5): the unit is named after its path).
const mountName = (where: string) => `${where.slice(1).replace(/-/g, "\\x2d").replace(/\//g, "-")}.mount`;

describe("storage", () => {
  it.concurrent("a partitioned disk with two file systems, a RAID1 of two disks and a LUKS volume, each mounted by a unit", { timeout: BOOT_TEST_TIMEOUT }, async (ctx) => {
    needVm(ctx);
    const c = new IgnitionConfig();
    addHostname(c, "vm-storage");
    c.addDisk("/dev/vdb", { wipeTable: true, partitions: [{ number: 1, label: "DATA-A", sizeMiB: 256 }, { number: 2, label: "DATA-B", sizeMiB: 0 }] });
    c.addDisk("/dev/vdc", { wipeTable: true, partitions: [{ number: 1, label: "RAID-A", sizeMiB: 0 }] });
    c.addDisk("/dev/vdd", { wipeTable: true, partitions: [{ number: 1, label: "RAID-B", sizeMiB: 0 }] });
    c.addRaid("data", { level: RaidLevel.RAID1, devices: ["/dev/disk/by-partlabel/RAID-A", "/dev/disk/by-partlabel/RAID-B"] });
    // Debian's Ignition 2.14 formats LUKS2 with cryptsetup (spec 3.2+ storage.luks); the key file
    // is written to the root and /etc/crypttab names it, so systemd-cryptsetup opens it at boot.
    c.addLuks("secret", { device: "/dev/vde", label: "SECRET", wipeVolume: true, keyFile: { text: "vm-test-luks-passphrase" } });
    const filesystems: [string, string, FilesystemFormat, string][] = [
      ["/dev/disk/by-partlabel/DATA-A", "DATA-A", FilesystemFormat.EXT4, "/var/lib/data-a"],
      ["/dev/disk/by-partlabel/DATA-B", "DATA-B", FilesystemFormat.XFS, "/var/lib/data-b"],
      ["/dev/md/data", "RAID", FilesystemFormat.EXT4, "/var/lib/raid"],
      ["/dev/mapper/secret", "SECRETFS", FilesystemFormat.EXT4, "/var/lib/secret"],
    ];
    for (const [device, label, format, where] of filesystems) {
      c.addFilesystem(device, { format, label, wipeFilesystem: true });
      c.addUnit(mountName(where), { enabled: true, contents: mountUnit(where, `/dev/disk/by-label/${label}`, format) });
    }
    const r = await slot(() => bootIgnitionInVm(c.render(), VM));
    expect(r).toAcceptSsh();
    expect(r.failedUnits).toEqual([]);
    expect(r.hostname).toBe("vm-storage");
    expect(r).toHaveMount("/var/lib/data-a", { source: "/dev/vdb1", fstype: "ext4" });
    expect(r).toHaveMount("/var/lib/data-b", { source: "/dev/vdb2", fstype: "xfs" });
    expect(r).toHaveMount("/var/lib/raid", { source: /^\/dev\/md/, fstype: "ext4" });
    expect(r).toHaveMount("/var/lib/secret", { source: /^\/dev\/mapper\/secret$|^\/dev\/dm-/, fstype: "ext4" });
    for (const [, , , where] of filesystems) expect(r).toHaveActiveUnit(mountName(where));
    expect(r.stages.find((s) => s.name === "disks")?.lines.join("\n")).toMatch(/raid|RAID/);
  });
});

describe("static networking", () => {
  it.concurrent("a node with a static networkd address comes up at that address", { timeout: BOOT_TEST_TIMEOUT }, async (ctx) => {
    needVm(ctx);
    const c = new IgnitionConfig();
    addHostname(c, "vm-static");
    // The runner lays QEMU's user network out around the config's address: 192.168.77.0/24 with
    // QEMU's host at the gateway, so no DHCP address can stand in for the static one.
    addStaticNetwork(c, { interfaceName: "en*", addresses: ["192.168.77.40/24"], gateway: "192.168.77.1", dns: ["192.168.77.1"] });
    const r = await slot(() => bootIgnitionInVm(c.render(), VM));
    expect(r).toAcceptSsh();
    expect(r.network).toMatchObject({ net: "192.168.77.0/24", host: "192.168.77.1", guest: "192.168.77.40" });
    expect(r.addresses.map((a) => a.address)).toEqual(["192.168.77.40/24"]);
    expect(r).toHaveActiveUnit("systemd-networkd.service");
    expect(r.failedUnits).toEqual([]);
  });
});

describe("Butane snippets on a pool", () => {
  it.concurrent("Typhoon's Flatcar snippets on a pool boot on a node of that pool", { timeout: BOOT_TEST_TIMEOUT }, async (ctx) => {
    needVm(ctx);
    // poseidon/typhoon docs/advanced/customization.md custom-files.yaml and custom-units.yaml (Flatcar), on pool "general".
    const kit = flatcarLibvirt();
    for (const snippet of TYPHOON_SNIPPETS) kit.cluster.pool("general").config(IGNITION_FORMAT).addButane(snippet);
    const synth = synthStack(kit.stack);
    const r: BootedVm = await slot(() => bootVm(synth, "demo-general-0", { ...VM, test: ctx }));
    expect(r).toAcceptSsh();
    // Typhoon's hello.service is a oneshot without RemainAfterExit: once it has run it is inactive (dead), not failed.
    expect(r).toHaveBootedCleanly({ ...cannotRun(r), "hello.service": "a oneshot without RemainAfterExit is inactive once it has run" });
    expect(r.failedUnits).not.toContain("hello.service");
    expect(r.units.find((u) => u.name === "hello.service")).toMatchObject({ load: "loaded", active: "inactive", sub: "dead" });
    expect(r.paths.find((p) => p.path === "/opt/hello")).toMatchObject({ type: "file", mode: 0o644, user: "root", sha256: sha256("Hello World\n") });
  });
});

describe("broken configs fail fast with the message that explains them", () => {
  const base = () => {
    const c = new IgnitionConfig();
    addHostname(c, "vm-broken");
    return c;
  };
  const failure = async (config: string): Promise<{ error: VmBootError; seconds: number }> => {
    let t0 = 0;
    const r: VmReport | VmBootError = await slot(() => {
      t0 = Date.now(); // the boot's own time, not the wait for a slot
      return bootIgnitionInVm(config, VM).catch((e: unknown) => e as VmBootError);
    });
    expect(r).toBeInstanceOf(VmBootError);
    return { error: r as VmBootError, seconds: (Date.now() - t0) / 1000 };
  };

  it.concurrent("a file whose contents do not match its hash: emergency mode, Ignition's hash error", { timeout: BOOT_TEST_TIMEOUT }, async (ctx) => {
    needVm(ctx);
    const spec = JSON.parse(base().addFile("/etc/broken.txt", "hello\n").render()) as { storage: { files: { path: string; contents: Record<string, unknown> }[] } };
    const file = spec.storage.files.find((f) => f.path === "/etc/broken.txt");
    if (file) file.contents.verification = { hash: `sha512-${"0".repeat(128)}` };
    const { error, seconds } = await failure(JSON.stringify(spec));
    expect(error.message).toMatch(/emergency mode/);
    expect(error.message).toMatch(/files.*(hash|sum)|(hash|sum).*mismatch/i);
    expect(seconds).toBeLessThan(180);
  });

  it.concurrent("a unit systemd rejects: systemd's reason", { timeout: BOOT_TEST_TIMEOUT }, async (ctx) => {
    needVm(ctx);
    const c = base().addUnit("broken.service", { enabled: true, contents: "[Unit]\nDescription=No command\n\n[Service]\nType=simple\n\n[Install]\nWantedBy=multi-user.target\n" });
    const { error } = await failure(c.render());
    expect(error.message).toMatch(/systemd refused a unit the config writes/);
    expect(error.message).toMatch(/broken\.service.*(has no ExecStart|Refusing)/s);
  });

  it.concurrent("a file system on a label no disk has: emergency mode, Ignition waiting for the device", { timeout: BOOT_TEST_TIMEOUT }, async (ctx) => {
    needVm(ctx);
    const c = base().addFilesystem("/dev/disk/by-label/NO-SUCH-DISK", { format: FilesystemFormat.EXT4, path: "/var/lib/missing" });
    const { error, seconds } = await failure(c.render());
    expect(error.message).toMatch(/emergency mode/);
    expect(error.message).toMatch(/NO.SUCH.DISK|by-label/);
    expect(seconds).toBeLessThan(180);
  });
});

describe("the runner's preparation, without a VM", () => {
  const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHZtLXJ1bm5lci10ZXN0LWtleS0xMjM0NTY3ODkwYWI runner";
  const remote = (hash?: string) =>
    JSON.stringify({
      ignition: { version: "3.4.0" },
      storage: { files: [{ path: "/opt/blob", contents: { source: "https://downloads.example/blob", compression: "gzip", ...(hash ? { verification: { hash } } : {}) } }] },
    });

  it("serves a stand-in for a download nobody provides, with the config's hash rewritten to match, and lists it", () => {
    const p = prepareVmConfig(remote(`sha512-${"0".repeat(128)}`), "http://10.0.2.100:8080", KEY);
    const cfg = JSON.parse(p.text);
    const contents = cfg.storage.files[0].contents;
    const body = p.routes.get("/r/0");
    expect(contents.source).toBe("http://10.0.2.100:8080/r/0");
    expect(contents.compression).toBeUndefined();
    expect(contents.verification.hash).toBe(`sha512-${createHash("sha512").update(body ?? "").digest("hex")}`);
    expect(p.served).toEqual([{ kind: "file", path: "/opt/blob", source: "https://downloads.example/blob", servedAt: "http://10.0.2.100:8080/r/0", replacement: "stand-in" }]);
    // Debian's Ignition 2.14 knows 3.4.0 as 3.4.0-experimental; the runner's key reaches core.
    expect(cfg.ignition.version).toBe("3.4.0-experimental");
    expect(cfg.passwd.users).toEqual([{ name: "core", sshAuthorizedKeys: [KEY] }]);
  });

  it("serves the caller's bytes when their hash matches the config's", () => {
    const bytes = "the real blob\n";
    const p = prepareVmConfig(remote(`sha256-${sha256(bytes)}`), "http://10.0.2.100:8080", KEY, { "https://downloads.example/blob": bytes });
    expect(p.routes.get("/r/0")?.toString()).toBe(bytes);
    expect(p.served[0].replacement).toBe("provided");
    expect(JSON.parse(p.text).storage.files[0].contents.verification.hash).toBe(`sha256-${sha256(bytes)}`);
  });

  it("refuses bytes that do not match the config's hash", () => {
    expect(() => prepareVmConfig(remote(`sha256-${"0".repeat(64)}`), "http://h", KEY, { "https://downloads.example/blob": "other" })).toThrow(
      /the contents given for https:\/\/downloads\.example\/blob do not match its verification hash \(sha256 of the contents is [0-9a-f]{64}, the config expects 0{64}\)/,
    );
  });

  it("refuses a config that is not JSON", () => {
    expect(() => prepareVmConfig("{not json", "http://h", KEY)).toThrow(/^the config is not JSON: /);
  });

  it("finds the disks a config names, for blank virtio disks", () => {
    expect(configDisks(JSON.stringify({ storage: { disks: [{ device: "/dev/vdc" }], raid: [{ devices: ["/dev/vdb1", "/dev/vdd2"] }] } }))).toEqual(["/dev/vdb", "/dev/vdc", "/dev/vdd"]);
  });

  it("keeps QEMU's user network without a static address, and lays one out around a static address", () => {
    expect(userNetworkFor("{}")).toEqual({ net: "10.0.2.0/24", host: "10.0.2.2", dns: "10.0.2.3", dhcpStart: "10.0.2.15", guest: "10.0.2.15", http: "10.0.2.100" });
    const c = new IgnitionConfig();
    addStaticNetwork(c, { interfaceName: "eth0", addresses: ["172.20.5.9/16"], gateway: "172.20.0.1" });
    expect(userNetworkFor(c.render())).toMatchObject({ net: "172.20.0.0/16", host: "172.20.0.1", guest: "172.20.5.9", staticAddress: "172.20.5.9/16" });
  });

  it("refuses a static address QEMU's user network cannot hold, saying why", () => {
    const tiny = new IgnitionConfig();
    addStaticNetwork(tiny, { interfaceName: "eth0", addresses: ["203.0.113.7/32"] });
    expect(() => userNetworkFor(tiny.render())).toThrow("the static address 203.0.113.7/32 cannot be laid out on QEMU's user network: give a prefix from /8 to /29");
    const offLink = new IgnitionConfig();
    addStaticNetwork(offLink, { interfaceName: "eth0", addresses: ["192.168.9.5/24"], gateway: "10.9.9.1", gatewayOnLink: true });
    expect(() => userNetworkFor(offLink.render())).toThrow(
      "the static gateway 10.9.9.1 is not another address in 192.168.9.5/24: QEMU's user network needs its host address inside the node's network",
    );
  });

  it("says how to get QEMU and the image when they are missing", () => {
    expect(qemuTool().install).toBe("apt-get install -y qemu-system-x86 qemu-utils");
    const saved = process.env.MICROOS_VM_IMAGE;
    process.env.MICROOS_VM_IMAGE = "/nonexistent/vm-image";
    try {
      const tool = vmImageTool();
      expect(tool.location).toBeUndefined();
      expect(tool.install).toMatch(/build it as root with `bash .*scripts\/vm-image\/build\.sh`/);
    } finally {
      if (saved === undefined) delete process.env.MICROOS_VM_IMAGE;
      else process.env.MICROOS_VM_IMAGE = saved;
    }
  });

  it("computes the recipe hash as build.sh does", () => {
    const dir = vmRecipeDir();
    expect(dir).toBeDefined();
    const printed = execFileSync("bash", [`${dir}/build.sh`, "--print-dir"], { encoding: "utf8", env: { ...process.env, MICROOS_VM_CACHE: "/cache" } }).trim();
    expect(printed).toBe(`/cache/${vmRecipeHash(dir as string)}`);
  });
});
