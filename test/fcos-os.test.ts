/**
 * Fedora CoreOS as an operating system: what each node's Ignition config holds (host name, keys
 * for `core`, Zincati dropins per role, k3s with its SELinux policy), its boot profiles on AWS and
 * libvirt, every kind of refused input with its message, and that every config passes the JSON
 * schema, our semantic checks, ignition-validate and the first-boot simulation.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { type Encoder, localEncoder } from "../lib/core/deferred";
import { MicroOsError } from "../lib/core/errors";
import { Architecture, NodeRole, type NodeSpec } from "../lib/core/node";
import { IgnitionVersion, type IgnitionSpec } from "../lib/ignition";
import { IGNITION_FORMAT } from "../lib/ignition/format";
import { type K3sNodeProps, K3sRole } from "../lib/k3s/node";
import {
  FCOS_AMI_OWNER,
  FCOS_FW_CFG_KEY,
  FCOS_K3S_BINARY,
  FedoraCoreOsStream,
  FedoraCoreOsUpdates,
  FedoraCoreOs,
  K3S_RPM_REPO_PATH,
  K3S_SELINUX_UNIT,
  K3sFedoraCoreOsInstall,
  Weekday,
  ZINCATI_DISABLE_PATH,
  ZINCATI_STRATEGY_PATH,
  ZincatiStrategy,
} from "../lib/os/fcos";
import { Flatcar, FlatcarChannel } from "../lib/os/flatcar";
import type { NodeBootstrap } from "../lib/os/os";
import { AWS_BOOT_PROFILE } from "../lib/platform/aws/profile";
import { LIBVIRT_BOOT_PROFILE, LibvirtFirmware } from "../lib/platform/libvirt/profile";
import { bootIgnition, type BootResult, type BootSuccess, ignitionProgramTool, rootPrivilegeTool } from "../lib/testing/firstboot";
import { need } from "./helpers/external";
import { fileText, SSH_KEY } from "./fixtures/flatcar/inspect";
import { allProblems, ignitionValidateTool, validatedCount } from "./fixtures/flatcar/validate";

const validate = ignitionValidateTool();
afterAll(() => console.log(`fcos-os: ignition-validate checked ${validatedCount} configs`));

const VERSION = "v1.36.4+k3s1";
const BINARY_BYTES = "stand-in for the k3s release binary\n";
const SHA = createHash("sha256").update(BINARY_BYTES).digest("hex");
const AMD64_URL = `https://github.com/k3s-io/k3s/releases/download/${VERSION}/k3s`;
const ARM64_URL = `https://github.com/k3s-io/k3s/releases/download/${VERSION}/k3s-arm64`;
const install = K3sFedoraCoreOsInstall.binary({ version: VERSION, sha256: { amd64: SHA, arm64: SHA } });
const IMAGE = "/var/lib/libvirt/images/fedora-coreos-44.20260802.3.1-qemu.x86_64.qcow2";
const TOKEN = "s3cret-cluster-token";

function node(role: NodeRole, name: string, k3s?: K3sNodeProps, architecture = Architecture.AMD64): NodeBootstrap {
  const spec: NodeSpec = { name, role, pool: role === NodeRole.CONTROLLER ? "controllers" : "general", architecture };
  return { spec, hostname: name, sshKeys: [SSH_KEY], k3s };
}

const controller = node(NodeRole.CONTROLLER, "controller-0", { role: K3sRole.CLUSTER_INIT, token: TOKEN, version: VERSION, tlsSans: ["api.example.com"] });
const agent = node(NodeRole.WORKER, "worker-0", { role: K3sRole.AGENT, token: TOKEN, version: VERSION, serverUrl: "https://10.0.1.10:6443" }, Architecture.ARM64);
const plain = node(NodeRole.WORKER, "host-0");

const specOf = (os: FedoraCoreOs, n: NodeBootstrap, encoder: Encoder = localEncoder): IgnitionSpec => JSON.parse(os.renderNode(n, encoder).content) as IgnitionSpec;
const unitOf = (spec: IgnitionSpec, name: string) => spec.systemd?.units?.find((u) => u.name === name);
const errorOf = (f: () => unknown): MicroOsError => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(MicroOsError);
    return e as MicroOsError;
  }
  throw new Error("expected a MicroOsError");
};

describe("Fedora CoreOS as an operating system", () => {
  const os = FedoraCoreOs.stream(FedoraCoreOsStream.STABLE, { k3sInstall: install });

  it("reads Ignition, renders spec 3.6.0 (what every stream's Ignition 2.26 reads) by default, and runs the k3s release its install carries", () => {
    expect(os.name).toBe("Fedora CoreOS");
    expect(os.configFormat).toBe(IGNITION_FORMAT);
    expect(os.k3sVersion).toBe(VERSION);
    expect(specOf(os, plain).ignition.version).toBe("3.6.0");
    expect(FedoraCoreOs.release(FedoraCoreOsStream.STABLE, "44.20260802.3.1").ignitionVersion).toBe(IgnitionVersion.V3_6_0);
    expect(FedoraCoreOs.release(FedoraCoreOsStream.STABLE, "40.20240906.3.0").ignitionVersion).toBe(IgnitionVersion.V3_4_0);
    expect(specOf(FedoraCoreOs.stream(FedoraCoreOsStream.NEXT, { ignitionVersion: IgnitionVersion.V3_3_0 }), plain).ignition.version).toBe("3.3.0");
  });

  it("names no k3s release without an install", () => {
    expect(FedoraCoreOs.stream("testing").k3sVersion).toBeUndefined();
  });

  it("writes the host name and authorizes the admin keys for core", () => {
    const spec = specOf(os, plain);
    expect(fileText(spec, "/etc/hostname")).toBe("host-0\n");
    expect(spec.passwd?.users).toEqual([{ name: "core", sshAuthorizedKeys: [SSH_KEY] }]);
  });

  it("sets the time zone as a link into /usr/share/zoneinfo", () => {
    const spec = specOf(FedoraCoreOs.stream(FedoraCoreOsStream.STABLE, { timezone: "Europe/Berlin" }), plain);
    expect(spec.storage?.links).toContainEqual({ path: "/etc/localtime", target: "../usr/share/zoneinfo/Europe/Berlin", overwrite: true });
  });

  it("lets the cluster's hatches and its own hook edit the config last", () => {
    const custom = FedoraCoreOs.stream(FedoraCoreOsStream.STABLE, { customize: (config, n) => config.addFile("/etc/motd", `hello ${n.spec.name}\n`) });
    const spec = specOf(custom, { ...plain, customizers: [(c) => (c as { addFile(p: string, t: string): void }).addFile("/etc/issue.d/50-pool.issue", "pool\n")] });
    expect(fileText(spec, "/etc/motd")).toBe("hello host-0\n");
    expect(fileText(spec, "/etc/issue.d/50-pool.issue")).toBe("pool\n");
  });
});

describe("Zincati updates on Fedora CoreOS", () => {
  it("turns updates off on controllers and keeps Zincati's immediate strategy on workers by default", () => {
    const os = FedoraCoreOs.stream(FedoraCoreOsStream.STABLE);
    expect(fileText(specOf(os, node(NodeRole.CONTROLLER, "c-0")), ZINCATI_DISABLE_PATH)).toBe("[updates]\nenabled = false\n");
    expect(fileText(specOf(os, node(NodeRole.WORKER, "w-0")), ZINCATI_STRATEGY_PATH)).toBe('[updates]\nstrategy = "immediate"\n');
    expect(os.updatesFor(NodeRole.CONTROLLER).enabled).toBe(false);
    expect(os.updatesFor(NodeRole.WORKER).strategy).toBe(ZincatiStrategy.IMMEDIATE);
  });

  it("writes periodic windows and their time zone as Zincati documents them", () => {
    const updates = FedoraCoreOsUpdates.periodic({
      timeZone: "America/Panama",
      windows: [
        { days: [Weekday.SATURDAY, Weekday.SUNDAY], startTime: "23:30", lengthMinutes: 60 },
        { days: [Weekday.WEDNESDAY], startTime: "01:00", lengthMinutes: 30 },
      ],
    });
    expect(updates.toml()).toBe(
      '[updates]\nstrategy = "periodic"\n\n[updates.periodic]\ntime_zone = "America/Panama"\n\n' +
        '[[updates.periodic.window]]\ndays = [ "Sat", "Sun" ]\nstart_time = "23:30"\nlength_minutes = 60\n\n' +
        '[[updates.periodic.window]]\ndays = [ "Wed" ]\nstart_time = "01:00"\nlength_minutes = 30\n',
    );
    const os = FedoraCoreOs.stream(FedoraCoreOsStream.STABLE, { workerUpdates: updates });
    expect(fileText(specOf(os, plain), ZINCATI_STRATEGY_PATH)).toBe(updates.toml());
  });

  it("writes the fleet_lock strategy with its base URL, for controllers that take turns", () => {
    const os = FedoraCoreOs.stream(FedoraCoreOsStream.STABLE, { controllerUpdates: FedoraCoreOsUpdates.fleetLock({ baseUrl: "http://10.3.0.15/" }) });
    expect(fileText(specOf(os, node(NodeRole.CONTROLLER, "c-0")), ZINCATI_STRATEGY_PATH)).toBe('[updates]\nstrategy = "fleet_lock"\n\n[updates.fleet_lock]\nbase_url = "http://10.3.0.15/"\n');
  });

  it.each([
    ["no window", () => FedoraCoreOsUpdates.periodic({ windows: [] }), "FedoraCoreOs: updates.windows: no maintenance window is given. Fix: give at least one window"],
    ["no day", () => FedoraCoreOsUpdates.periodic({ windows: [{ days: [], startTime: "03:00", lengthMinutes: 60 }] }), "FedoraCoreOs: updates.windows[0].days: the window opens on no day."],
    ["an unknown day", () => FedoraCoreOsUpdates.periodic({ windows: [{ days: ["Someday" as Weekday], startTime: "03:00", lengthMinutes: 60 }] }), "FedoraCoreOs: updates.windows[0].days: `Someday` is not a day Zincati reads."],
    ["a day twice", () => FedoraCoreOsUpdates.periodic({ windows: [{ days: [Weekday.MONDAY, Weekday.MONDAY], startTime: "03:00", lengthMinutes: 60 }] }), "FedoraCoreOs: updates.windows[0].days: `Mon` is listed twice."],
    ["a one-digit hour", () => FedoraCoreOsUpdates.periodic({ windows: [{ days: [Weekday.MONDAY], startTime: "3:00", lengthMinutes: 60 }] }), "FedoraCoreOs: updates.windows[0].startTime: `3:00` is not an hh:mm time."],
    ["a zero length", () => FedoraCoreOsUpdates.periodic({ windows: [{ days: [Weekday.MONDAY], startTime: "03:00", lengthMinutes: 0 }] }), "FedoraCoreOs: updates.windows[0].lengthMinutes: `0` is not a whole number of minutes above zero."],
    ["a window over a week", () => FedoraCoreOsUpdates.periodic({ windows: [{ days: [Weekday.MONDAY], startTime: "03:00", lengthMinutes: 10081 }] }), "FedoraCoreOs: updates.windows[0].lengthMinutes: 10081 minutes is longer than a week"],
    ["a bad time zone", () => FedoraCoreOsUpdates.periodic({ timeZone: "Mars/Olympus Mons", windows: [{ days: [Weekday.MONDAY], startTime: "03:00", lengthMinutes: 60 }] }), "FedoraCoreOs: updates.timeZone: `Mars/Olympus Mons` is neither an IANA time zone name nor `localtime`."],
    ["a lock URL that is not http", () => FedoraCoreOsUpdates.fleetLock({ baseUrl: "ftp://lock.example/" }), "FedoraCoreOs: updates.baseUrl: `ftp://lock.example/` is not a FleetLock base URL."],
  ])("refuses %s", (_what, build, message) => {
    expect(errorOf(build).message).toContain(message);
  });

  it("accepts localtime as the windows' time zone", () => {
    expect(FedoraCoreOsUpdates.periodic({ timeZone: "localtime", windows: [{ days: [Weekday.SUNDAY], startTime: "03:00", lengthMinutes: 60 }] }).toml()).toContain('time_zone = "localtime"');
  });
});

describe("k3s on Fedora CoreOS", () => {
  const os = FedoraCoreOs.stream(FedoraCoreOsStream.STABLE, { k3sInstall: install });

  it("downloads the pinned binary into /usr/local/bin, verified by its SHA-256, with kubectl, crictl and ctr beside it", () => {
    const spec = specOf(os, controller);
    const binary = spec.storage?.files?.find((f) => f.path === FCOS_K3S_BINARY);
    expect(binary).toMatchObject({ mode: 0o755, contents: { source: AMD64_URL, verification: { hash: `sha256-${SHA}` } } });
    expect(spec.storage?.links?.filter((l) => l.path.startsWith("/usr/local/bin/"))).toEqual(["kubectl", "crictl", "ctr"].map((t) => ({ path: `/usr/local/bin/${t}`, target: "k3s" })));
    expect(specOf(os, agent).storage?.files?.find((f) => f.path === FCOS_K3S_BINARY)?.contents?.source).toBe(ARM64_URL);
  });

  it("writes the config file with the token and selinux, readable by root only", () => {
    const spec = specOf(os, controller);
    const file = spec.storage?.files?.find((f) => f.path === "/etc/rancher/k3s/config.yaml");
    expect(file?.mode).toBe(0o600);
    const text = fileText(spec, "/etc/rancher/k3s/config.yaml")!;
    expect(text).toContain(TOKEN);
    expect(text).toContain("cluster-init: true\n");
    expect(text).toContain("selinux: true\n");
  });

  it("layers k3s-selinux from k3s's RPM repository in a oneshot that reboots once, before Zincati", () => {
    const spec = specOf(os, controller);
    expect(fileText(spec, K3S_RPM_REPO_PATH)).toBe(
      "[rancher-k3s-common-stable]\nname=Rancher K3s Common (stable)\nbaseurl=https://rpm.rancher.io/k3s/stable/common/coreos/noarch\nenabled=1\ngpgcheck=1\nrepo_gpgcheck=0\ngpgkey=https://rpm.rancher.io/public.key\n",
    );
    const oneshot = unitOf(spec, K3S_SELINUX_UNIT);
    expect(oneshot?.enabled).toBe(true);
    expect(oneshot?.contents).toContain("Before=zincati.service\nConditionPathExists=!/usr/share/selinux/packages/k3s.pp\n");
    expect(oneshot?.contents).toContain("ExecStart=/usr/bin/rpm-ostree install --idempotent --allow-inactive --assumeyes k3s-selinux\nExecStart=/usr/bin/systemctl --no-block reboot\n");
  });

  it("starts k3s server or agent only where the policy is active, labelling the binary first", () => {
    const server = unitOf(specOf(os, controller), "k3s.service");
    expect(server?.enabled).toBe(true);
    expect(server?.contents).toContain("After=network-online.target\nAfter=k3s-selinux.service\nConditionPathExists=/usr/share/selinux/packages/k3s.pp\n");
    // Then what Ignition wrote is relabelled by the loaded policy (test/fcos-relabel.test.ts).
    expect(server?.contents).toContain(
      "ExecStartPre=/usr/bin/chcon -u system_u -r object_r -t container_runtime_exec_t /usr/local/bin/k3s\n" +
        "ExecStartPre=/usr/sbin/restorecon -i /var/lib/rancher /var/lib/rancher/k3s /var/lib/rancher/k3s/server\n" +
        "ExecStartPre=/usr/sbin/restorecon -i -R /etc/rancher/k3s /var/lib/rancher/k3s/server/tls /var/lib/rancher/k3s/server/manifests\n" +
        "ExecStart=/usr/local/bin/k3s server\n",
    );
    const agentUnit = unitOf(specOf(os, agent), "k3s-agent.service");
    expect(agentUnit?.contents).toContain("ExecStart=/usr/local/bin/k3s agent\n");
    expect(unitOf(specOf(os, agent), "k3s.service")).toBeUndefined();
  });

  it("leaves SELinux out when asked: no repository, no oneshot, no condition, no selinux flag", () => {
    const bare = FedoraCoreOs.stream(FedoraCoreOsStream.STABLE, { k3sInstall: K3sFedoraCoreOsInstall.binary({ version: VERSION, sha256: { amd64: SHA }, selinux: false }) });
    const spec = specOf(bare, controller);
    expect(fileText(spec, K3S_RPM_REPO_PATH)).toBeUndefined();
    expect(unitOf(spec, K3S_SELINUX_UNIT)).toBeUndefined();
    expect(unitOf(spec, "k3s.service")?.contents).not.toContain("ConditionPathExists");
    expect(fileText(spec, "/etc/rancher/k3s/config.yaml")).not.toContain("selinux");
  });

  it("does not add --selinux twice when the node sets it", () => {
    const own = node(NodeRole.CONTROLLER, "c-1", { role: K3sRole.CLUSTER_INIT, token: TOKEN, version: VERSION, extraArgs: ["--selinux=false"] });
    expect(fileText(specOf(os, own), "/etc/rancher/k3s/config.yaml")).toContain('selinux: "false"\n');
  });

  it("hands an apply-time token to the encoder instead of encoding it", () => {
    const seen: string[] = [];
    const terraformLike: Encoder = {
      ...localEncoder,
      base64: (t) => {
        seen.push(t);
        return "${base64encode(...)}";
      },
    };
    const n = { ...controller, k3s: { ...controller.k3s!, token: "${TfToken[TOKEN.7]}" } };
    const content = os.renderNode(n, terraformLike).content;
    expect(seen.some((t) => t.includes("${TfToken[TOKEN.7]}"))).toBe(true);
    expect(content).toContain("data:;base64,${base64encode(...)}");
  });

  it.each([
    ["a version that is not a release tag", () => K3sFedoraCoreOsInstall.binary({ version: "1.31", sha256: { amd64: SHA } }), 'K3sFedoraCoreOsInstall.binary: version: "1.31" is not a k3s release tag.'],
    ["no digest", () => K3sFedoraCoreOsInstall.binary({ version: VERSION, sha256: {} }), `K3sFedoraCoreOsInstall.binary: sha256: no SHA-256 is given for k3s ${VERSION}.`],
    ["a digest that is not hex", () => K3sFedoraCoreOsInstall.binary({ version: VERSION, sha256: { amd64: "xyz" } }), 'K3sFedoraCoreOsInstall.binary: sha256.amd64: "xyz" is not a SHA-256 digest.'],
    ["a mirror that is not https", () => K3sFedoraCoreOsInstall.binary({ version: VERSION, sha256: { amd64: SHA }, baseUrl: "http://mirror.example" }), 'K3sFedoraCoreOsInstall.binary: baseUrl: "http://mirror.example" is not an https URL.'],
    ["a selinux switch that is not a boolean", () => K3sFedoraCoreOsInstall.binary({ version: VERSION, sha256: { amd64: SHA }, selinux: "yes" as unknown as boolean }), "K3sFedoraCoreOsInstall.binary: selinux: `yes` is not true or false."],
  ])("refuses an install with %s", (_what, build, message) => {
    expect(errorOf(build).message).toContain(message);
  });

  it("refuses a k3s node without an install, saying what to pass", () => {
    expect(errorOf(() => FedoraCoreOs.stream(FedoraCoreOsStream.STABLE).renderNode(controller, localEncoder)).message).toContain(
      "FedoraCoreOs/controller-0: k3sInstall: the node runs k3s but no k3s install is given. Fix: pass `k3sInstall: K3sFedoraCoreOsInstall.binary(",
    );
  });

  it("refuses a node that asks for another k3s release than the install's digests", () => {
    const other = node(NodeRole.CONTROLLER, "c-2", { role: K3sRole.CLUSTER_INIT, token: TOKEN, version: "v1.32.1+k3s1" });
    expect(errorOf(() => os.renderNode(other, localEncoder)).message).toContain(`FedoraCoreOs/c-2: k3s.version: the node asks for k3s v1.32.1+k3s1, but the install carries the digests of ${VERSION}.`);
  });

  it("refuses an architecture the install has no digest for", () => {
    const amdOnly = FedoraCoreOs.stream(FedoraCoreOsStream.STABLE, { k3sInstall: K3sFedoraCoreOsInstall.binary({ version: VERSION, sha256: { amd64: SHA } }) });
    expect(errorOf(() => amdOnly.renderNode(agent, localEncoder)).message).toContain(`FedoraCoreOs/worker-0: install.sha256.arm64: no SHA-256 is given for k3s-arm64 ${VERSION}.`);
  });

  it("refuses an install of another OS", () => {
    const props = { k3sInstall: Flatcar.channel(FlatcarChannel.STABLE) as unknown as K3sFedoraCoreOsInstall };
    expect(errorOf(() => FedoraCoreOs.stream(FedoraCoreOsStream.STABLE, props)).message).toBe("FedoraCoreOs: k3sInstall: the value is not a K3sFedoraCoreOsInstall. Fix: build it with K3sFedoraCoreOsInstall.binary({ version, sha256 })");
  });
});

describe("Fedora CoreOS releases and refusals", () => {
  it("pins a release whose stream code matches the stream", () => {
    const os = FedoraCoreOs.release(FedoraCoreOsStream.TESTING, "44.20260810.2.0");
    expect(os.version).toBe("44.20260810.2.0");
    expect(os.streamName).toBe(FedoraCoreOsStream.TESTING);
  });

  it.each([
    ["an unknown stream", () => FedoraCoreOs.stream("rawhide" as FedoraCoreOsStream), "FedoraCoreOs: stream: `rawhide` is not a Fedora CoreOS stream. Fix: use FedoraCoreOsStream.STABLE, TESTING or NEXT"],
    ["a version that is not X.Y.Z.A", () => FedoraCoreOs.release(FedoraCoreOsStream.STABLE, "44.3.1"), "FedoraCoreOs: version: `44.3.1` is not a Fedora CoreOS version."],
    ["a release of another stream", () => FedoraCoreOs.release(FedoraCoreOsStream.STABLE, "44.20260810.2.0"), "FedoraCoreOs: version: 44.20260810.2.0 is a testing release, not one of stable (its third number is 2; stable releases have 3). Fix: use FedoraCoreOsStream.TESTING, or pin a stable release"],
    ["a development build", () => FedoraCoreOs.release(FedoraCoreOsStream.NEXT, "44.20260810.10.3"), "FedoraCoreOs: version: 44.20260810.10.3 is not a release, not one of next"],
    ["an Ignition version it does not render", () => FedoraCoreOs.stream(FedoraCoreOsStream.STABLE, { ignitionVersion: "3.9.0" as IgnitionVersion }), "FedoraCoreOs: ignitionVersion: `3.9.0` is not an Ignition version this library renders."],
    ["a spec newer than the pinned release reads", () => FedoraCoreOs.release(FedoraCoreOsStream.STABLE, "40.20240906.3.0", { ignitionVersion: IgnitionVersion.V3_5_0 }), "FedoraCoreOs: ignitionVersion: Fedora CoreOS 40.20240906.3.0 reads Ignition spec 3.5.0 only from 44.0.0.0; it reads up to 3.4.0."],
    ["updates that are not FedoraCoreOsUpdates", () => FedoraCoreOs.stream(FedoraCoreOsStream.STABLE, { workerUpdates: {} as FedoraCoreOsUpdates }), "FedoraCoreOs: workerUpdates: the value is not a FedoraCoreOsUpdates."],
    ["a time zone that is not a tz name", () => FedoraCoreOs.stream(FedoraCoreOsStream.STABLE, { timezone: "Berlin time" }), "FedoraCoreOs: timezone: `Berlin time` is not a tz database name."],
    ["a customize hook that is not a function", () => FedoraCoreOs.stream(FedoraCoreOsStream.STABLE, { customize: "x" as unknown as () => void }), "FedoraCoreOs: customize: the value is not a function."],
    ["a qemu image that is neither a path nor a URL", () => FedoraCoreOs.stream(FedoraCoreOsStream.STABLE, { qemuImages: { amd64: "images/fcos.qcow2" } }), "FedoraCoreOs: qemuImages.amd64: `images/fcos.qcow2` is neither an absolute path nor an http(s) URL."],
    ["a compressed qemu image", () => FedoraCoreOs.stream(FedoraCoreOsStream.STABLE, { qemuImages: { amd64: `${IMAGE}.xz` } }), "is compressed; Fedora CoreOS publishes its qemu image only as qcow2.xz, which the libvirt provider cannot decompress."],
    ["a host name that is not RFC 1123", () => FedoraCoreOs.stream(FedoraCoreOsStream.STABLE).renderNode({ ...plain, hostname: "bad_name" }, localEncoder), "FedoraCoreOs: hostname: `bad_name` is not an RFC 1123 host name."],
  ])("refuses %s", (_what, build, message) => {
    expect(errorOf(build).message).toContain(message);
  });
});

describe("Fedora CoreOS boot profiles", () => {
  const spec = (architecture = Architecture.AMD64): NodeSpec => ({ name: "worker-0", role: NodeRole.WORKER, pool: "general", architecture });

  it("looks the stream's newest AMI up by Fedora's owner, description and architecture, with core as admin", () => {
    const profile = FedoraCoreOs.stream(FedoraCoreOsStream.STABLE).bootProfile(AWS_BOOT_PROFILE, spec(Architecture.ARM64));
    expect(profile.image).toEqual({ kind: "lookup", owners: [FCOS_AMI_OWNER], descriptionPattern: "Fedora CoreOS stable *", architecture: Architecture.ARM64 });
    expect(FCOS_AMI_OWNER).toBe("125523088429");
    expect(profile.adminUser).toBe("core");
    expect(profile.rootDeviceName).toBe("/dev/xvda");
    expect(profile.minimums).toEqual({ memoryMib: 2048, diskGib: 10 });
  });

  it("narrows the lookup to a pinned release's AMI names", () => {
    const profile = FedoraCoreOs.release(FedoraCoreOsStream.STABLE, "44.20260802.3.1").bootProfile(AWS_BOOT_PROFILE, spec());
    expect(profile.image).toMatchObject({ namePattern: "fedora-coreos-44.20260802.3.1-*", descriptionPattern: "Fedora CoreOS stable *" });
  });

  it("fetches a config kept in S3 with a replace stub of the same spec version, verified by SHA-512", () => {
    const fetch = FedoraCoreOs.stream(FedoraCoreOsStream.STABLE).bootProfile(AWS_BOOT_PROFILE, spec()).fetch!;
    const stub = JSON.parse(fetch.stub("s3://bucket/node.ign", "ab".repeat(64)));
    expect(stub).toEqual({ ignition: { version: "3.6.0", config: { replace: { source: "s3://bucket/node.ign", verification: { hash: `sha512-${"ab".repeat(64)}` } } } } });
    expect(fetch.keySuffix).toBe(".ign");
    expect(allProblems(JSON.stringify(stub))).toEqual([]);
  });

  it("boots the given qemu image on libvirt with Ignition under opt/com.coreos/config", () => {
    const os = FedoraCoreOs.release(FedoraCoreOsStream.STABLE, "44.20260802.3.1", { qemuImages: { amd64: IMAGE, arm64: "https://images.example/fcos-aarch64.qcow2" } });
    const amd = os.bootProfile(LIBVIRT_BOOT_PROFILE, spec());
    expect(amd.image).toEqual({ kind: "disk", url: IMAGE, volumeName: "fcos-stable-44.20260802.3.1-amd64.qcow2" });
    expect(amd.delivery).toEqual({ kind: "fw-cfg", key: FCOS_FW_CFG_KEY });
    expect(FCOS_FW_CFG_KEY).toBe("opt/com.coreos/config");
    expect(amd.firmware).toBe(LibvirtFirmware.BIOS);
    expect(amd.adminUser).toBe("core");
    expect(os.bootProfile(LIBVIRT_BOOT_PROFILE, spec(Architecture.ARM64)).firmware).toBe(LibvirtFirmware.UEFI);
  });

  it("names an unpinned stream's base volume after the image it was given", () => {
    const a = FedoraCoreOs.stream(FedoraCoreOsStream.STABLE, { qemuImages: { amd64: IMAGE } }).bootProfile(LIBVIRT_BOOT_PROFILE, spec());
    const b = FedoraCoreOs.stream(FedoraCoreOsStream.STABLE, { qemuImages: { amd64: `${IMAGE}.new.qcow2` } }).bootProfile(LIBVIRT_BOOT_PROFILE, spec());
    expect(a.image.kind === "disk" && a.image.volumeName).toMatch(/^fcos-stable-[0-9a-f]{10}-amd64\.qcow2$/);
    expect(a.image).not.toEqual(b.image);
  });

  it("refuses a libvirt node without a qemu image, saying how to get one", () => {
    const e = errorOf(() => FedoraCoreOs.stream(FedoraCoreOsStream.TESTING).bootProfile(LIBVIRT_BOOT_PROFILE, spec(Architecture.ARM64)));
    expect(e.message).toContain("FedoraCoreOs/worker-0: qemuImages.arm64: no qemu image is given for arm64; Fedora CoreOS publishes its qemu image only as qcow2.xz");
    expect(e.fix).toContain("coreos-installer download -s testing -a aarch64 -p qemu -f qcow2.xz --decompress");
  });

  it("supports AWS and libvirt", () => {
    const os = FedoraCoreOs.stream(FedoraCoreOsStream.STABLE);
    expect(os.supportsPlatform(AWS_BOOT_PROFILE)).toBe(true);
    expect(os.supportsPlatform(LIBVIRT_BOOT_PROFILE)).toBe(true);
  });
});

describe("every Fedora CoreOS config passes the validators", () => {
  const cases: [string, FedoraCoreOs, NodeBootstrap][] = [
    ["a k3s controller (3.4.0)", FedoraCoreOs.stream(FedoraCoreOsStream.STABLE, { k3sInstall: install, timezone: "Europe/Berlin" }), controller],
    ["a k3s agent on arm64 (3.4.0)", FedoraCoreOs.stream(FedoraCoreOsStream.STABLE, { k3sInstall: install }), agent],
    ["a k3s controller (3.3.0, fleet_lock)", FedoraCoreOs.stream(FedoraCoreOsStream.NEXT, { k3sInstall: install, ignitionVersion: IgnitionVersion.V3_3_0, controllerUpdates: FedoraCoreOsUpdates.fleetLock({ baseUrl: "https://lock.example/" }) }), controller],
    ["a k3s node without SELinux", FedoraCoreOs.stream(FedoraCoreOsStream.STABLE, { k3sInstall: K3sFedoraCoreOsInstall.binary({ version: VERSION, sha256: { amd64: SHA }, selinux: false }) }), controller],
    ["a periodic worker without k3s", FedoraCoreOs.stream(FedoraCoreOsStream.STABLE, { workerUpdates: FedoraCoreOsUpdates.periodic({ windows: [{ days: [Weekday.SUNDAY], startTime: "03:00", lengthMinutes: 60 }] }) }), plain],
  ];
  for (const [what, os, n] of cases) {
    it(`${what}: schema, semantic checks and ignition-validate`, (ctx) => {
      need(ctx, validate);
      expect(allProblems(os.renderNode(n, localEncoder).content)).toEqual([]);
    });
  }
});

// First boot: the real Ignition program applies the configs to a directory.
const tools = [ignitionProgramTool(), rootPrivilegeTool(), validate];
const ready = tools.every((t) => t.location !== undefined);
const booted = new Map<string, BootResult>();

beforeAll(async () => {
  if (!ready) return;
  const os = FedoraCoreOs.stream(FedoraCoreOsStream.STABLE, {
    k3sInstall: install,
    timezone: "Europe/Berlin",
    workerUpdates: FedoraCoreOsUpdates.periodic({ windows: [{ days: [Weekday.SUNDAY], startTime: "03:00", lengthMinutes: 60 }] }),
  });
  const remoteContents = { [AMD64_URL]: BINARY_BYTES, [ARM64_URL]: BINARY_BYTES };
  booted.set("controller", await bootIgnition(os.renderNode(controller, localEncoder).content, { stubRemote: true, remoteContents }));
  booted.set("agent", await bootIgnition(os.renderNode(agent, localEncoder).content, { stubRemote: true, remoteContents }));
});

function tree(ctx: TestContext, key: string): BootSuccess["tree"] {
  for (const t of tools) need(ctx, t);
  const r = booted.get(key);
  if (!r?.ok) throw new Error(`Ignition refused the config: ${r ? r.error : "not run"}`);
  return r.tree;
}

describe("a Fedora CoreOS k3s controller after Ignition's first boot", () => {
  it("holds the verified k3s binary and its tool links", (ctx) => {
    const t = tree(ctx, "controller");
    expect(t.file(FCOS_K3S_BINARY)).toMatchObject({ text: BINARY_BYTES, mode: 0o755 });
    expect(t.link("/usr/local/bin/kubectl")?.target).toBe("k3s");
  });

  it("holds the config file, mode 0600, with the token", (ctx) => {
    const file = tree(ctx, "controller").file("/etc/rancher/k3s/config.yaml");
    expect(file?.mode).toBe(0o600);
    expect(file?.text).toContain(TOKEN);
  });

  it("enables the SELinux oneshot and k3s.service, and turns Zincati off", (ctx) => {
    const t = tree(ctx, "controller");
    expect(t.unitEnabled(K3S_SELINUX_UNIT)).toBe(true);
    expect(t.unitEnabled("k3s.service")).toBe(true);
    expect(t.file(K3S_RPM_REPO_PATH)?.text).toContain("baseurl=https://rpm.rancher.io/k3s/stable/common/coreos/noarch\n");
    expect(t.file(ZINCATI_DISABLE_PATH)?.text).toBe("[updates]\nenabled = false\n");
  });

  it("holds its host name, its time zone and the admin key for core", (ctx) => {
    const t = tree(ctx, "controller");
    expect(t.file("/etc/hostname")?.text).toBe("controller-0\n");
    expect(t.link("/etc/localtime")?.target).toBe("../usr/share/zoneinfo/Europe/Berlin");
    expect(t.authorizedKeys("core")).toContain(SSH_KEY);
  });
});

describe("a Fedora CoreOS k3s agent after Ignition's first boot", () => {
  it("enables k3s-agent.service and holds the periodic Zincati dropin", (ctx) => {
    const t = tree(ctx, "agent");
    expect(t.unitEnabled("k3s-agent.service")).toBe(true);
    expect(t.file(ZINCATI_STRATEGY_PATH)?.text).toContain('strategy = "periodic"');
  });
});
