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
import { createHash } from "node:crypto";
import { describe, expect, it, type TestContext } from "vitest";
import { TerraformStack, Testing } from "../lib/cdktf";
import { EXAMPLES, type ExampleName } from "../examples/catalog";
import { IgnitionConfig, FilesystemFormat, RaidLevel } from "../lib/ignition";
import { addHostname, addStaticNetwork } from "../lib/os/flatcar";
import {
  bootIgnitionInVm,
  bootVm,
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

installMatchers(expect);

// A test waits for a free slot, then boots: 2 slots, up to ~14 boots.
const BOOT_TEST_TIMEOUT = 900_000;
const SLOTS = 2;
const VM: VmBootOptions = { cpus: 1 };

let free = SLOTS;
const waiting: (() => void)[] = [];
async function slot<T>(run: () => Promise<T>): Promise<T> {
  if (free === 0) await new Promise<void>((r) => waiting.push(r));
  else free--;
  try {
    return await run();
  } finally {
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
    "k3s's unit and binary come from its sysext image, which the Debian stand-in does not merge (and the image is a stand-in download); joining a cluster needs the network",
  "k3s-agent.service": "the same as k3s.service: its unit is in the k3s sysext image, which is not merged here",
  "web.service": "runs a container with Flatcar's docker, which the Debian stand-in lacks, from a registry the restricted VM network cannot reach",
  "cache.service": "the same as web.service: a docker container from a registry",
};

/** The Flatcar examples (examples/catalog.ts), synthesized; the k3OS ones boot no Ignition. */
function examples(): { example: ExampleName; synth: SynthResult }[] {
  return (Object.keys(EXAMPLES) as ExampleName[])
    .filter((name) => name.startsWith("flatcar-"))
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
      const cannot = Object.fromEntries(Object.entries(CANNOT_RUN).filter(([u]) => r.node.unit(u)));
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
      for (const link of (r.node.ignition?.storage as { links?: { path: string; target: string }[] } | undefined)?.links ?? []) {
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

describe("broken configs fail fast with the message that explains them", () => {
  const base = () => {
    const c = new IgnitionConfig();
    addHostname(c, "vm-broken");
    return c;
  };
  const failure = async (config: string): Promise<{ error: VmBootError; seconds: number }> => {
    const t0 = Date.now();
    const r: VmReport | VmBootError = await slot(() => bootIgnitionInVm(config, VM).catch((e: unknown) => e as VmBootError));
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
