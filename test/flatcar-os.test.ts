import { afterAll, describe, expect, it } from "vitest";
import { localEncoder } from "../lib/core/deferred";
import { MicroOsError } from "../lib/core/errors";
import { Architecture, NodeRole, type NodeSpec } from "../lib/core/node";
import { IgnitionConfig, IgnitionVersion, type IgnitionSpec } from "../lib/ignition";
import {
  addContainerService,
  addStaticNetwork,
  addSysext,
  Flatcar,
  FlatcarChannel,
  FlatcarUpdates,
  RebootStrategy,
  UPDATE_CONF_PATH,
  Weekday,
} from "../lib/os/flatcar";
import type { NodeBootstrap } from "../lib/os/os";
import { IGNITION_FORMAT } from "../lib/ignition/format";
import { AWS_BOOT_PROFILE } from "../lib/platform/aws/profile";
import { LIBVIRT_BOOT_PROFILE, LibvirtFirmware } from "../lib/platform/libvirt/profile";
import type { IOperatingSystem } from "../lib/os/os";
import { need } from "./helpers/external";
import { fileText, SHA512, SSH_KEY } from "./fixtures/flatcar/inspect";
import { allProblems, ignitionValidateTool, schemaErrors, validatedCount } from "./fixtures/flatcar/validate";

const tool = ignitionValidateTool();

afterAll(() => {
  console.log(`flatcar-os: ignition-validate checked ${validatedCount} configs`);
});

function node(role: NodeRole, name = role === NodeRole.CONTROLLER ? "controller-0" : "worker-0", arch = Architecture.AMD64): NodeBootstrap {
  const spec: NodeSpec = { name, role, pool: role === NodeRole.CONTROLLER ? "controllers" : "general", architecture: arch };
  return { spec, hostname: name, sshKeys: [SSH_KEY] };
}

function render(os: Flatcar, n: NodeBootstrap): { text: string; spec: IgnitionSpec } {
  const rendered = os.renderNode(n, localEncoder);
  expect(rendered.format).toBe(IGNITION_FORMAT);
  return { text: rendered.content, spec: JSON.parse(rendered.content) as IgnitionSpec };
}

/** The representative node of the snapshot: a controller with every Flatcar helper in use. */
function representative(): { os: Flatcar; node: NodeBootstrap } {
  const os = Flatcar.release(FlatcarChannel.STABLE, "4081.2.0", {
    controllerUpdates: FlatcarUpdates.automatic({ strategy: RebootStrategy.REBOOT, window: { day: Weekday.SUNDAY, time: "03:00", length: "1h" } }),
    timezone: "Europe/Berlin",
    ntpServers: ["169.254.169.123", "0.flatcar.pool.ntp.org"],
    customize: (config, n) => {
      addStaticNetwork(config, { interfaceName: "eth0", addresses: ["10.0.1.10/24"], gateway: "10.0.1.1", dns: ["10.0.0.2"] });
      addContainerService(config, {
        name: "node-exporter",
        image: "quay.io/prometheus/node-exporter:v1.8.2",
        ports: [{ hostPort: 9100, containerPort: 9100 }],
        volumes: [{ hostPath: "/", containerPath: "/host", readOnly: true }],
        args: ["--path.rootfs=/host", `--collector.textfile.directory=/var/lib/node-exporter/${n.spec.name}`],
      });
      addSysext(config, {
        name: "tailscale",
        url: "https://github.com/flatcar/sysext-bakery/releases/download/latest/tailscale-v1.76.6-x86-64.raw",
        hash: { algorithm: "sha512", hex: SHA512 },
      });
    },
  });
  return { os, node: node(NodeRole.CONTROLLER) };
}

describe("Flatcar as an operating system", () => {
  it("is the Flatcar family with the Ignition spec its current Stable reads (3.5.0) by default", () => {
    const os = Flatcar.channel(FlatcarChannel.STABLE);
    expect(os.name).toBe("Flatcar Container Linux");
    expect(os.configFormat).toBe(IGNITION_FORMAT);
    expect(os.ignitionVersion).toBe(IgnitionVersion.V3_5_0);
    expect(render(os, node(NodeRole.WORKER)).spec.ignition.version).toBe("3.5.0");
    expect(Flatcar.channel(FlatcarChannel.LTS).ignitionVersion).toBe(IgnitionVersion.V3_4_0);
  });

  it("renders a pinned release at the newest spec that release reads (FLATCAR_SPECS)", () => {
    expect(Flatcar.release(FlatcarChannel.STABLE, "3227.2.0").ignitionVersion).toBe(IgnitionVersion.V3_3_0);
    expect(Flatcar.release(FlatcarChannel.STABLE, "3510.2.8").ignitionVersion).toBe(IgnitionVersion.V3_3_0);
    expect(Flatcar.release(FlatcarChannel.STABLE, "4081.2.0").ignitionVersion).toBe(IgnitionVersion.V3_4_0);
    expect(Flatcar.release(FlatcarChannel.STABLE, "4593.2.5").ignitionVersion).toBe(IgnitionVersion.V3_5_0);
    expect(Flatcar.release(FlatcarChannel.STABLE, "4593.2.5", { ignitionVersion: IgnitionVersion.V3_3_0 }).ignitionVersion).toBe(IgnitionVersion.V3_3_0);
  });

  it("accepts the channel as its string name", () => {
    expect(Flatcar.channel("beta").channelName).toBe(FlatcarChannel.BETA);
  });

  it("states its minimums: 2048 MiB memory and 8 GiB disk", () => {
    expect(Flatcar.channel(FlatcarChannel.STABLE).minimums).toEqual({ memoryMib: 2048, diskGib: 8 });
  });
});

describe("renderNode", () => {
  it("sets the host name and the core user's ssh keys", () => {
    const { spec } = render(Flatcar.channel(FlatcarChannel.STABLE), node(NodeRole.WORKER, "worker-7"));
    expect(fileText(spec, "/etc/hostname")).toBe("worker-7\n");
    expect(spec.passwd?.users).toEqual([{ name: "core", sshAuthorizedKeys: [SSH_KEY] }]);
  });

  it("adds no user when the node has no ssh keys", () => {
    const n = { ...node(NodeRole.WORKER), sshKeys: [] };
    expect(render(Flatcar.channel(FlatcarChannel.STABLE), n).spec.passwd).toBeUndefined();
  });

  it("keeps controllers from rebooting on their own by default", () => {
    const { spec } = render(Flatcar.channel(FlatcarChannel.STABLE), node(NodeRole.CONTROLLER));
    expect(fileText(spec, UPDATE_CONF_PATH)).toBe("REBOOT_STRATEGY=off\n");
  });

  it("lets workers reboot into updates by default", () => {
    const { spec } = render(Flatcar.channel(FlatcarChannel.STABLE), node(NodeRole.WORKER));
    expect(fileText(spec, UPDATE_CONF_PATH)).toBe("REBOOT_STRATEGY=reboot\n");
  });

  it("applies the update settings given per role", () => {
    const os = Flatcar.channel(FlatcarChannel.STABLE, {
      controllerUpdates: FlatcarUpdates.disabled(),
      workerUpdates: FlatcarUpdates.automatic({ window: { time: "02:00", length: "3h" } }),
    });
    expect(fileText(render(os, node(NodeRole.CONTROLLER)).spec, UPDATE_CONF_PATH)).toBe("SERVER=disabled\n");
    expect(fileText(render(os, node(NodeRole.WORKER)).spec, UPDATE_CONF_PATH)).toContain("LOCKSMITHD_REBOOT_WINDOW_START=02:00\n");
  });

  it("sets time zone and NTP servers on every node", () => {
    const os = Flatcar.channel(FlatcarChannel.STABLE, { timezone: "Asia/Tokyo", ntpServers: ["ntp.example.com"] });
    const { spec } = render(os, node(NodeRole.WORKER));
    expect(spec.storage?.links).toEqual([{ path: "/etc/localtime", target: "../usr/share/zoneinfo/Asia/Tokyo", overwrite: true }]);
    expect(fileText(spec, "/etc/systemd/timesyncd.conf.d/50-ntp-servers.conf")).toBe("[Time]\nNTP=ntp.example.com\n");
  });

  it("runs the customize hook last, with the node", () => {
    const seen: string[] = [];
    const os = Flatcar.channel(FlatcarChannel.STABLE, {
      customize: (config, n) => {
        seen.push(n.spec.name);
        config.addFile("/etc/motd.d/pool.conf", `pool ${n.spec.pool}\n`);
      },
    });
    const { spec } = render(os, node(NodeRole.WORKER, "worker-3"));
    expect(seen).toEqual(["worker-3"]);
    expect(spec.storage?.files?.map((f) => f.path)).toEqual(["/etc/hostname", UPDATE_CONF_PATH, "/etc/motd.d/pool.conf"]);
  });

  it("merges the cluster's escape hatches after its own content", () => {
    const pool = new IgnitionConfig({ name: "pool" });
    pool.addFile("/etc/pool.conf", "general\n");
    const perNode = new IgnitionConfig({ name: "node" });
    perNode.addUnit("hello.service", { contents: "[Service]\nExecStart=/usr/bin/true\n" });
    const { spec } = render(Flatcar.channel(FlatcarChannel.STABLE), { ...node(NodeRole.WORKER), customizers: [(c) => (c as IgnitionConfig).merge(pool), (c) => (c as IgnitionConfig).merge(perNode)] });
    expect(spec.storage?.files?.map((f) => f.path)).toEqual(["/etc/hostname", UPDATE_CONF_PATH, "/etc/pool.conf"]);
    expect(spec.systemd?.units?.map((u) => u.name)).toEqual(["hello.service"]);
  });

  it("refuses an escape hatch that writes a file the OS writes", () => {
    const clash = new IgnitionConfig({ name: "pool" });
    clash.addFile("/etc/hostname", "other\n");
    expect(() => render(Flatcar.channel(FlatcarChannel.STABLE), { ...node(NodeRole.WORKER), customizers: [(c) => (c as IgnitionConfig).merge(clash)] })).toThrow(
      /storage\.files\[\/etc\/hostname\]\.path: \/etc\/hostname is a file in Flatcar\/worker-0 and a file in pool\. Fix: define each path in one of the configs/,
    );
  });

  it("renders Ignition 3.4.0 when asked", () => {
    const os = Flatcar.release(FlatcarChannel.STABLE, "4081.2.0", { ignitionVersion: IgnitionVersion.V3_4_0 });
    expect(render(os, node(NodeRole.WORKER)).spec.ignition.version).toBe("3.4.0");
  });

  it("renders the same bytes twice", () => {
    const a = representative();
    const b = representative();
    expect(a.os.renderNode(a.node, localEncoder).content).toBe(b.os.renderNode(b.node, localEncoder).content);
    expect(a.os.renderNode(a.node, localEncoder).content).toBe(a.os.renderNode(a.node, localEncoder).content);
  });

  it("matches the golden config of a representative controller", async () => {
    const { os, node: n } = representative();
    const pretty = `${JSON.stringify(JSON.parse(os.renderNode(n, localEncoder).content), undefined, 2)}\n`;
    await expect(pretty).toMatchFileSnapshot("./fixtures/flatcar/controller-node.ign.json");
  });
});

describe("rendered nodes pass the validators", () => {
  const cases: [string, () => { os: Flatcar; node: NodeBootstrap }][] = [
    ["the representative controller", representative],
    ["a default worker", () => ({ os: Flatcar.channel(FlatcarChannel.STABLE), node: node(NodeRole.WORKER) })],
    ["a default controller", () => ({ os: Flatcar.channel(FlatcarChannel.LTS), node: node(NodeRole.CONTROLLER) })],
    ["a 3.4.0 worker with updates masked", () => ({ os: Flatcar.release(FlatcarChannel.ALPHA, "4230.0.0", { ignitionVersion: IgnitionVersion.V3_4_0, workerUpdates: FlatcarUpdates.disabled({ maskServices: true }) }), node: node(NodeRole.WORKER, "w-1", Architecture.ARM64) })],
  ];

  it.each(cases)("%s passes the official JSON schema", (_name, make) => {
    const { os, node: n } = make();
    expect(schemaErrors(os.renderNode(n, localEncoder).content)).toEqual([]);
  });

  // Debian's ignition-validate (2.14) knows 3.4.0 only as `3.4.0-experimental`; the helper renames it.
  it.for(cases)("%s passes the schema, our semantic checks and ignition-validate", ([, make], ctx) => {
    need(ctx, tool);
    const { os, node: n } = make();
    expect(allProblems(os.renderNode(n, localEncoder).content)).toEqual([]);
  });
});

const anyNode = (architecture: Architecture) => ({ name: "n-0", role: NodeRole.WORKER, pool: "p", architecture });
const awsProfile = (os: IOperatingSystem, a: Architecture) => os.bootProfile(AWS_BOOT_PROFILE, anyNode(a));
const libvirtProfile = (os: IOperatingSystem, a: Architecture) => os.bootProfile(LIBVIRT_BOOT_PROFILE, anyNode(a));

describe("boot profiles", () => {
  it("looks the AMI up by Flatcar's owner, channel and architecture", () => {
    expect(awsProfile(Flatcar.channel(FlatcarChannel.BETA), Architecture.ARM64).image).toEqual({
      kind: "lookup",
      owners: ["075585003325"],
      namePattern: "Flatcar-beta-*",
      architecture: Architecture.ARM64,
    });
  });

  it("narrows the AMI name to the pinned release", () => {
    expect(awsProfile(Flatcar.release(FlatcarChannel.STABLE, "4081.2.0"), Architecture.AMD64).image).toMatchObject({ namePattern: "Flatcar-stable-4081.2.0-*" });
  });

  it("logs in as core on AWS and fetches large configs from S3 through an Ignition stub of its own version", () => {
    const profile = awsProfile(Flatcar.channel(FlatcarChannel.STABLE, { ignitionVersion: IgnitionVersion.V3_4_0 }), Architecture.AMD64);
    expect(profile.adminUser).toBe("core");
    expect(JSON.parse(profile.fetch!.stub("s3://b/k.ign", "ab"))).toEqual({
      ignition: { version: "3.4.0", config: { replace: { source: "s3://b/k.ign", verification: { hash: "sha512-ab" } } } },
    });
  });

  it("boots amd64 libvirt nodes from the channel's current qemu image, Ignition through Flatcar's fw_cfg key", () => {
    expect(libvirtProfile(Flatcar.channel(FlatcarChannel.STABLE), Architecture.AMD64)).toEqual({
      image: {
        kind: "disk",
        url: "https://stable.release.flatcar-linux.net/amd64-usr/current/flatcar_production_qemu_image.img",
        volumeName: "flatcar-stable-current-amd64.qcow2",
      },
      architecture: Architecture.AMD64,
      firmware: LibvirtFirmware.BIOS,
      delivery: { kind: "fw-cfg", key: "opt/org.flatcar-linux/config" },
      adminUser: "core",
      minimums: { memoryMib: 2048, diskGib: 8 },
    });
  });

  it("boots arm64 libvirt nodes from the pinned qemu_uefi image through UEFI", () => {
    expect(libvirtProfile(Flatcar.release(FlatcarChannel.LTS, "4081.3.2"), Architecture.ARM64)).toMatchObject({
      image: {
        kind: "disk",
        url: "https://lts.release.flatcar-linux.net/arm64-usr/4081.3.2/flatcar_production_qemu_uefi_image.img",
        volumeName: "flatcar-lts-4081.3.2-arm64.qcow2",
      },
      firmware: LibvirtFirmware.UEFI,
    });
  });
});

type BadCase = [name: string, act: () => unknown, message: RegExp];
const badInputs: BadCase[] = [
  ["an unknown channel", () => Flatcar.channel("edge" as FlatcarChannel), /Flatcar: channel: `edge` is not a Flatcar channel\. Fix: use FlatcarChannel\.STABLE, BETA, ALPHA or LTS/],
  ["a version with a v prefix", () => Flatcar.release(FlatcarChannel.STABLE, "v4081.2.0"), /version: `v4081\.2\.0` is not a Flatcar version\. Fix: give MAJOR\.MINOR\.PATCH/],
  ["a version with two parts", () => Flatcar.release(FlatcarChannel.STABLE, "4081.2"), /version: `4081\.2` is not a Flatcar version/],
  ["a release before Ignition spec 3", () => Flatcar.release(FlatcarChannel.STABLE, "3139.2.3"), /version: Flatcar 3139\.2\.3 predates Ignition spec 3 \(read from 3185\.0\.0\)\. Fix: pin 3185\.0\.0 or newer/],
  ["Ignition 3.4.0 on a release before 3535", () => Flatcar.release(FlatcarChannel.STABLE, "3510.2.8", { ignitionVersion: IgnitionVersion.V3_4_0 }), /ignitionVersion: Flatcar 3510\.2\.8 reads Ignition spec 3\.4\.0 only from 3535\.0\.0; it reads up to 3\.3\.0\. Fix: use IgnitionVersion\.V3_3_0, or pin 3535\.0\.0 or newer/],
  ["an unknown Ignition version", () => Flatcar.channel(FlatcarChannel.STABLE, { ignitionVersion: "3.9.0" as IgnitionVersion }), /ignitionVersion: `3\.9\.0` is not an Ignition version this library renders/],
  ["Ignition 3.5.0 on a release before 4593", () => Flatcar.release(FlatcarChannel.STABLE, "4081.2.0", { ignitionVersion: IgnitionVersion.V3_5_0 }), /ignitionVersion: Flatcar 4081\.2\.0 reads Ignition spec 3\.5\.0 only from 4593\.0\.0; it reads up to 3\.4\.0\. Fix: use IgnitionVersion\.V3_4_0, or pin 4593\.0\.0 or newer \(Stable 4593\.2\.5/],
  ["Ignition 3.6.0, which no Flatcar reads yet", () => Flatcar.channel(FlatcarChannel.STABLE, { ignitionVersion: IgnitionVersion.V3_6_0 }), /ignitionVersion: Flatcar stable's current release reads Ignition spec 3\.6\.0 only from a later release; it reads up to 3\.5\.0\. Fix: use IgnitionVersion\.V3_5_0; no Flatcar release known here reads 3\.6\.0 yet/],
  ["update settings that are a plain object", () => Flatcar.channel(FlatcarChannel.STABLE, { workerUpdates: { strategy: "reboot" } as never }), /workerUpdates: the value is not a FlatcarUpdates\. Fix: build it with FlatcarUpdates\.automatic/],
  ["a bad time zone, at construction", () => Flatcar.channel(FlatcarChannel.STABLE, { timezone: "Mars/Olympus Mons" }), /timezone: `Mars\/Olympus Mons` is not a tz database name/],
  ["bad NTP servers, at construction", () => Flatcar.channel(FlatcarChannel.STABLE, { ntpServers: ["not a host"] }), /ntpServers\[0\]: `not a host` is not a host name or IP address/],
  ["a customize hook that is not a function", () => Flatcar.channel(FlatcarChannel.STABLE, { customize: "addUnit" as never }), /customize: the value is not a function/],
  ["an unknown architecture for the AMI", () => awsProfile(Flatcar.channel(FlatcarChannel.STABLE), "riscv64" as Architecture), /architecture: `riscv64` is not an architecture Flatcar publishes/],
  ["a node host name that is not a host name", () => Flatcar.channel(FlatcarChannel.STABLE).renderNode({ ...node(NodeRole.WORKER), hostname: "worker 1" }, localEncoder), /hostname: `worker 1` is not an RFC 1123 host name/],
];

describe("bad input is refused with the field and the fix", () => {
  it.each(badInputs)("refuses %s", (_name, act, message) => {
    let thrown: unknown;
    try {
      act();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(MicroOsError);
    expect((thrown as Error).message).toMatch(message);
  });
});
