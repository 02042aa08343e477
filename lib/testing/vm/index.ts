/**
 * A real first boot of an Ignition config: QEMU (software emulation) boots the test image that
 * scripts/vm-image/build.sh builds, a Debian root whose dracut initramfs runs Debian's Ignition
 * 2.14, with the config on fw_cfg, a fresh overlay of the root disk and blank disks for the ones
 * the config names. Ignition runs every stage for real (disks, partitions, RAID, LUKS, file
 * systems, files, users), the node switch-roots into systemd, and the runner logs in over ssh
 * as `core` with a key it adds to the config and reports what the node holds.
 *
 * fw_cfg key: Flatcar reads its config from `opt/org.flatcar-linux/config` (the key the libvirt
 * platform sets, lib/os/flatcar/libvirt.ts); Debian's Ignition 2.14 reads upstream's
 * `opt/com.coreos/config` (coreos/ignition internal/providers/qemu; FACTS.md "A real first boot
 * here"). The runner puts the config under the key this Ignition reads: same bytes, another name.
 *
 * What it is not: Flatcar. The userland is Debian's (no Flatcar units, paths or update engine),
 * no systemd-sysext images are merged, nothing reaches beyond QEMU's restricted user network
 * (no cloud metadata service, no registry, no k3s join).
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo, type Server } from "node:net";
import { createServer as createHttpServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FLATCAR_FW_CFG_KEY } from "../../os/flatcar/libvirt";
import { locateVmImage, qemuTool, vmImageTool, type VmImage } from "./image";
import { userNetworkFor, type UserNetwork } from "./network";
import {
  parseAddresses,
  parseMounts,
  parsePaths,
  parseStages,
  parseUnits,
  parseUsers,
  probeScript,
  sections,
  type IgnitionStage,
  type VmMount,
  type VmPath,
  type VmUnit,
  type VmUser,
} from "./probe";
import { configDisks, prepareVmConfig, type ServedSource, type VmRemoteContents } from "./remote";

export { locateVmImage, qemuTool, vmImageTool, vmRecipeDir, vmRecipeHash, DEFAULT_VM_CACHE, type VmImage } from "./image";
export { userNetworkFor, type UserNetwork } from "./network";
export { configDisks, prepareVmConfig, type PreparedVmConfig, type ServedSource, type VmRemoteContents } from "./remote";
export { IGNITION_STAGES, type IgnitionStage, type VmMount, type VmPath, type VmUnit, type VmUser } from "./probe";

/** The fw_cfg key Debian's Ignition 2.14 reads (upstream's; Flatcar's own is `opt/org.flatcar-linux/config`). */
export const IGNITION_FW_CFG_KEY = "opt/com.coreos/config";
/** Flatcar's fw_cfg key (the libvirt platform's), which the runner maps to {@link IGNITION_FW_CFG_KEY}. */
export const FLATCAR_IGNITION_FW_CFG_KEY = FLATCAR_FW_CFG_KEY;

/** Options for {@link bootIgnitionInVm}. */
export interface VmBootOptions {
  /** Bytes for remote URLs the config fetches, checked against its hashes. @default - stand-ins for every remote source */
  readonly remoteContents?: VmRemoteContents;
  /** Size of each extra disk the config names (`/dev/vdb`, ...), in MiB. @default 1024 */
  readonly diskSizeMiB?: number;
  /** Extra disks beyond those the config names. @default 0 */
  readonly extraDisks?: number;
  /** Virtual CPUs. @default 1 */
  readonly cpus?: number;
  /** Memory in MiB. @default 1024 */
  readonly memoryMiB?: number;
  /** Seconds to wait for ssh. @default 300 */
  readonly timeoutSeconds?: number;
  /** The image to boot. @default - {@link locateVmImage} */
  readonly image?: VmImage;
  /** Keep the run directory (console log, config, disks) for inspection. @default false */
  readonly keep?: boolean;
  /**
   * Return a report even when systemd refuses a unit the config writes.
   * @default false - such a unit fails the boot with systemd's reason
   */
  readonly allowRejectedUnits?: boolean;
}

/** A unit the config writes that systemd refused to load, with systemd's reason. */
export interface RejectedUnit {
  readonly name: string;
  readonly load: string;
  readonly reason: string;
}

/** What a VM boot found. */
export interface VmReport {
  /** Seconds from QEMU's start to ssh answering. */
  readonly secondsToSsh: number;
  /** Each Ignition stage with its result. */
  readonly stages: readonly IgnitionStage[];
  /** `systemctl is-system-running`: `running`, or `degraded` when a unit failed. */
  readonly systemState: string;
  readonly hostname: string;
  /** Addresses with prefix length on global-scope interfaces. */
  readonly addresses: readonly { readonly interface: string; readonly address: string }[];
  readonly mounts: readonly VmMount[];
  /** Every unit systemd knows. */
  readonly units: readonly VmUnit[];
  /** Names of active units. */
  readonly activeUnits: readonly string[];
  /** `systemctl --failed`. */
  readonly failedUnits: readonly string[];
  /** Units the config writes that systemd refused (bad-setting, error). */
  readonly rejectedUnits: readonly RejectedUnit[];
  /** The paths the config writes (files, directories, links), as the node holds them. */
  readonly paths: readonly VmPath[];
  /** The users the config names, with the keys sshd accepts for them. */
  readonly users: readonly VmUser[];
  /** True when `core` logged in with the runner's key. */
  readonly sshAsCore: boolean;
  /** Remote sources served from the local server; stand-ins among them are marked. */
  readonly served: readonly ServedSource[];
  /** The user network the node was on. */
  readonly network: UserNetwork;
  /** The Ignition lines of the serial console. */
  readonly consoleIgnition: readonly string[];
  /** Where the run's files are, when kept. */
  readonly runDir?: string;
}

/** A boot that did not reach ssh, or that systemd or Ignition refused. */
export class VmBootError extends Error {
  constructor(
    message: string,
    /** The serial console's Ignition lines. */
    public readonly consoleIgnition: readonly string[],
    /** The whole serial console. */
    public readonly console: string,
  ) {
    super(message);
    this.name = "VmBootError";
  }
}

// Lines systemd prints on the console when a boot falls back to emergency mode (systemd's
// emergency.target "Emergency Mode" and sulogin's prompt).
const EMERGENCY = /Entering emergency mode|Reached target [^\n]*Emergency Mode|You are in emergency mode|Started [^\n]*Emergency Shell/;
const IGNITION_LINE = /ignition|Ignition/;
// The guest-side port of the local HTTP server (forwarded by QEMU's guestfwd).
const GUEST_HTTP_PORT = 8080;

/**
 * Boots `config` (Ignition JSON text) in a VM and reports what the node holds. Throws
 * {@link VmBootError} when the node enters emergency mode (within seconds, with the console's
 * Ignition lines), when QEMU exits, when ssh does not answer in time, or when systemd refuses a
 * unit the config writes. Needs QEMU and the built image (see {@link vmImageTool}).
 */
export async function bootIgnitionInVm(config: string, options: VmBootOptions = {}): Promise<VmReport> {
  const image = options.image ?? locateVmImage();
  if (!image) throw new Error(`the VM test image is not built: ${vmImageTool().install}`);
  const qemu = qemuTool();
  if (!qemu.location) throw new Error(`QEMU is missing: ${qemu.install}`);
  const run = mkdtempSync(join(tmpdir(), "microos-vm-"));
  let child: ChildProcess | undefined;
  let http: Server | undefined;
  let relayScript: string | undefined;
  try {
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "microos-vm-runner", "-f", join(run, "key")]);
    const key = readFileSync(join(run, "key.pub"), "utf8").trim();
    const network = userNetworkFor(config);
    const prepared = prepareVmConfig(config, `http://${network.http}:${GUEST_HTTP_PORT}`, key, options.remoteContents);
    const configFile = join(run, "config.ign");
    writeFileSync(configFile, prepared.text);

    // The local HTTP server, on the host's loopback only.
    const routes = prepared.routes;
    http = createHttpServer((req, res) => {
      const body = routes.get(req.url ?? "");
      if (!body) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "content-length": body.length, "content-type": "application/octet-stream" }).end(body);
    });
    const httpPort = await listen(http);
    // guestfwd runs this per connection and pipes the guest's stream through it to the server.
    relayScript = join(run, "relay.js");
    writeFileSync(
      relayScript,
      `const s = require("net").connect(${httpPort}, "127.0.0.1");\nprocess.stdin.pipe(s);\ns.pipe(process.stdout);\ns.on("error", () => process.exit(0));\n`,
    );

    execFileSync("qemu-img", ["create", "-q", "-f", "qcow2", "-b", image.disk, "-F", "raw", join(run, "root.qcow2")]);
    const named = configDisks(prepared.text);
    // virtio disks are named in order (vda is the root): vdb..vdX up to the last one named.
    const last = named.length ? named[named.length - 1].charCodeAt("/dev/vd".length) - "a".charCodeAt(0) : 0;
    const diskCount = last + (options.extraDisks ?? 0);
    const drives: string[] = ["-drive", `if=virtio,file=${join(run, "root.qcow2")},format=qcow2`];
    for (let i = 1; i <= diskCount; i++) {
      const f = join(run, `disk-vd${String.fromCharCode(97 + i)}.qcow2`);
      execFileSync("qemu-img", ["create", "-q", "-f", "qcow2", f, `${options.diskSizeMiB ?? 1024}M`]);
      drives.push("-drive", `if=virtio,file=${f},format=qcow2`);
    }

    const sshPort = await freePort();
    const needsNet = prepared.routes.size > 0;
    const append = [
      "root=LABEL=ROOT rw console=ttyS0",
      "ignition.firstboot ignition.platform.id=qemu",
      // Journal lines (Ignition's among them) on the serial console too, for the failure message
      // when the node never gets to ssh (systemd-journald.service(8), kernel command line).
      "systemd.journald.forward_to_console=1",
      ...(needsNet ? ["ip=dhcp rd.neednet=1"] : []),
    ].join(" ");
    const netdev = [
      "user,id=n0,restrict=on",
      `net=${network.net},host=${network.host},dns=${network.dns},dhcpstart=${network.dhcpStart}`,
      `hostfwd=tcp:127.0.0.1:${sshPort}-${network.guest}:22`,
      `guestfwd=tcp:${network.http}:${GUEST_HTTP_PORT}-cmd:${process.execPath} ${relayScript}`,
    ].join(",");
    const consoleFile = join(run, "console.log");
    writeFileSync(consoleFile, "");
    const args = [
      "-accel", "tcg", "-machine", "q35", "-smp", String(options.cpus ?? 1), "-m", String(options.memoryMiB ?? 1024),
      "-nographic", "-no-reboot", "-monitor", "none", "-display", "none",
      "-kernel", image.kernel, "-initrd", image.initrd, "-append", append,
      ...drives,
      "-fw_cfg", `name=${IGNITION_FW_CFG_KEY},file=${configFile}`,
      "-netdev", netdev, "-device", "virtio-net-pci,netdev=n0",
      "-device", "virtio-rng-pci",
      "-serial", `file:${consoleFile}`,
    ];
    writeFileSync(join(run, "qemu.args"), args.join("\n"));
    const started = Date.now();
    child = spawn(qemu.location, args, { stdio: ["ignore", "ignore", "pipe"] });
    let qemuErr = "";
    let exited: number | null | undefined;
    child.stderr?.on("data", (d) => (qemuErr += String(d)));
    child.on("exit", (code) => (exited = code));
    const readConsole = () => (existsSync(consoleFile) ? readFileSync(consoleFile, "utf8") : "");
    const ssh = (command: string, input?: string, timeout = 60_000) => sshRun(join(run, "key"), sshPort, command, input, timeout);
    const deadline = started + (options.timeoutSeconds ?? 300) * 1000;
    const fail = (why: string): never => {
      const text = readConsole();
      const lines = ignitionLines(text);
      throw new VmBootError(`${why}\n--- Ignition lines of the serial console:\n${lines.join("\n") || "(none)"}`, lines, text);
    };
    let ready = false;
    while (!ready) {
      const text = readConsole();
      if (EMERGENCY.test(text)) fail(`the node entered emergency mode after ${secondsSince(started)} s`);
      if (exited !== undefined) fail(`QEMU exited (${exited}) after ${secondsSince(started)} s: ${qemuErr.trim()}`);
      if (Date.now() > deadline) fail(`ssh did not answer within ${options.timeoutSeconds ?? 300} s`);
      // sshd is up once the console shows the login prompt or ssh's unit started; probe then.
      if (/login:|OpenBSD Secure Shell server/.test(text)) ready = (await ssh("true", undefined, 10_000)).code === 0;
      if (!ready) await sleep(1000);
    }
    const secondsToSsh = secondsSince(started);
    const whoami = await ssh("id -un");
    const cfg = JSON.parse(prepared.text) as ConfigShape;
    const written = writtenPaths(cfg);
    const userNames = [...new Set((cfg.passwd?.users ?? []).map((u) => u.name).filter((n): n is string => typeof n === "string"))];
    const probe = await ssh("sudo -n sh -s", probeScript(written, userNames), 120_000);
    if (probe.code !== 0 && !probe.stdout.includes("@@@end")) fail(`the report could not be collected over ssh: ${probe.stderr.trim()}`);
    writeFileSync(join(run, "probe.txt"), probe.stdout);
    const s = sections(probe.stdout);
    const units = parseUnits(s.get("units") ?? []);
    const configUnits = (cfg.systemd?.units ?? []).map((u) => u.name).filter((n): n is string => typeof n === "string");
    const rejected: RejectedUnit[] = [];
    for (const name of configUnits) {
      const u = units.find((x) => x.name === name);
      const st = await ssh(`sudo -n systemctl show -p LoadState -p LoadError --value ${shellQuote(name)}`);
      const [load = u?.load ?? "", loadError = ""] = st.stdout.split("\n");
      if (load === "bad-setting" || load === "error") {
        // systemd's own words on the unit (PID 1's lines that name it).
        const journal = await ssh(`sudo -n journalctl -b -o cat --no-pager _PID=1 | grep -aF ${shellQuote(name)} | grep -avE '^(Starting|Started|Finished|Stopped)' | head -5`);
        // systemd-analyze verify says what in the file systemd refuses (systemd-analyze(1)).
        const verify = await ssh(`sudo -n systemd-analyze verify ${shellQuote(`/etc/systemd/system/${name}`)} 2>&1 | grep -aF ${shellQuote(name)} | head -5`);
        rejected.push({ name, load, reason: [verify.stdout.trim(), journal.stdout.trim(), loadError.trim()].filter(Boolean).join("\n") });
      }
    }
    const consoleIgnition = ignitionLines(readConsole());
    await ssh("sudo -n systemctl poweroff", undefined, 10_000).catch(() => undefined);
    const report: VmReport = {
      secondsToSsh,
      stages: parseStages(s.get("journal") ?? []),
      systemState: (s.get("running") ?? [""])[0],
      hostname: (s.get("hostname") ?? [""])[0],
      addresses: parseAddresses(s.get("addresses") ?? []),
      mounts: parseMounts(s.get("mounts") ?? []),
      units,
      activeUnits: units.filter((u) => u.active === "active").map((u) => u.name),
      failedUnits: parseUnits(s.get("failed") ?? []).map((u) => u.name),
      rejectedUnits: rejected,
      paths: parsePaths(s.get("paths") ?? []),
      users: parseUsers(s.get("users") ?? []),
      sshAsCore: whoami.code === 0 && whoami.stdout.trim() === "core",
      served: prepared.served,
      network,
      consoleIgnition,
      runDir: options.keep ? run : undefined,
    };
    if (rejected.length && !options.allowRejectedUnits) {
      fail(`systemd refused ${rejected.length === 1 ? "a unit" : "units"} the config writes:\n${rejected.map((r) => `${r.name} (${r.load}): ${r.reason}`).join("\n")}`);
    }
    return report;
  } finally {
    if (child && child.exitCode === null) {
      await Promise.race([new Promise((r) => child?.once("exit", r)), sleep(15_000)]);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    http?.close();
    if (!options.keep) rmSync(run, { recursive: true, force: true });
  }
}

interface ConfigShape {
  passwd?: { users?: { name?: unknown }[] };
  storage?: { files?: { path?: unknown }[]; directories?: { path?: unknown }[]; links?: { path?: unknown }[] };
  systemd?: { units?: { name?: unknown }[] };
}

/** Every path the config writes, in order, without repeats. */
function writtenPaths(cfg: ConfigShape): string[] {
  const st = cfg.storage ?? {};
  const all = [...(st.files ?? []), ...(st.directories ?? []), ...(st.links ?? [])].map((e) => e.path).filter((p): p is string => typeof p === "string");
  return [...new Set(all)];
}

/**
 * The console's Ignition lines without systemd's progress spinner, repeats and Ignition's chatter
 * about absent base configs: errors first (CRITICAL, ERROR, failed), then the last lines.
 */
function ignitionLines(consoleText: string): string[] {
  // eslint-disable-next-line no-control-regex
  const clean = consoleText.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").replace(/\r/g, "\n");
  const lines = [
    ...new Set(
      clean
        .split("\n")
        .map((l) => l.replace(/^\s*\[\s*\d+\.\d+\]\s*/, "").trim())
        .filter((l) => IGNITION_LINE.test(l) && !/Job .* running \(|no config (dir )?at|Command line:/.test(l)),
    ),
  ];
  const errors = lines.filter((l) => /CRITICAL|ERROR|[Ff]ailed/.test(l));
  return [...new Set([...errors.slice(0, 20), ...lines.slice(-30)])];
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function sshRun(key: string, port: number, command: string, input: string | undefined, timeout: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn("ssh", [
      "-i", key, "-p", String(port),
      "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
      "-o", "ConnectTimeout=5", "-o", "LogLevel=ERROR", "-o", "IdentitiesOnly=yes",
      "core@127.0.0.1", command,
    ], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += String(d)));
    p.stderr.on("data", (d) => (stderr += String(d)));
    const timer = setTimeout(() => p.kill("SIGKILL"), timeout);
    p.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    p.stdin.end(input ?? "");
  });
}

function listen(server: Server | ReturnType<typeof createHttpServer>): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

async function freePort(): Promise<number> {
  const s = createServer();
  const port = await listen(s);
  await new Promise((r) => s.close(r));
  return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const secondsSince = (t: number) => Math.round((Date.now() - t) / 100) / 10;

/** SHA-256 of a config's text: the key to boot each distinct config once. */
export function configDigest(config: string): string {
  return createHash("sha256").update(config).digest("hex");
}
