import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join as joinPath, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { localEncoder } from "../lib/core/deferred";
import { Architecture, NodeRole } from "../lib/core/node";
import { IgnitionVersion } from "../lib/ignition";
import { K3S_CONFIG_PATH } from "../lib/k3s/config-file";
import { K3sFlatcarInstall } from "../lib/os/flatcar/k3s";
import { type K3sNodeProps, K3sRole } from "../lib/k3s/node";
import { Flatcar, FlatcarChannel, FlatcarUpdates, RebootStrategy, UPDATE_CONF_PATH } from "../lib/os/flatcar";
import type { NodeBootstrap } from "../lib/os/os";
import { ignitionReplaceStub } from "../lib/ignition/stub";
import {
  bootIgnition,
  ignitionProgramTool,
  resolveApplyTime,
  rootPrivilegeTool,
  StubKind,
  type BootOptions,
  type BootResult,
  type FirstBootTree,
} from "../lib/testing/firstboot";
import { resourcesOf } from "./fixtures/aws/cluster";
import { defaults, existing, lookup, opened, oversize, standard } from "./fixtures/aws/scenarios";
import { need } from "./helpers/external";

// First boots of the nodes the project renders: Flatcar nodes of each role with k3s (sysext and
// binary installs), a container host without k3s, and the S3 delivery path (stub + full config).
// Downloads are served from stand-in bytes whose hashes the rendered configs carry, so Ignition
// checks every verification hash as a node would.

const VERSION = "v1.36.4+k3s1";
const TOKEN = "firstboot-test-cluster-secret";
const SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG5vZGVzLWZpcnN0Ym9vdC10ZXN0LWtleS0xMjM0NTY3 admin@example";
const SYSEXT_BYTES = "stand-in for the k3s sysext image\n";
const BINARY_BYTES = "stand-in for the k3s binary\n";
const sha256 = (t: string) => createHash("sha256").update(t).digest("hex");
const sha512 = (t: string) => createHash("sha512").update(t).digest("hex");
const sysextUrl = (arch: string) => `https://extensions.flatcar.org/extensions/k3s-${VERSION}-${arch}.raw`;
const binaryUrl = (asset: string) => `https://github.com/k3s-io/k3s/releases/download/${VERSION}/${asset}`;

const REMOTE: BootOptions = {
  stubRemote: true,
  remoteContents: {
    [sysextUrl("x86-64")]: SYSEXT_BYTES,
    [sysextUrl("arm64")]: SYSEXT_BYTES,
    [binaryUrl("k3s")]: BINARY_BYTES,
    [binaryUrl("k3s-arm64")]: BINARY_BYTES,
  },
};

const sysext = Flatcar.channel(FlatcarChannel.STABLE, {
  k3sInstall: K3sFlatcarInstall.sysext({ version: VERSION, sha256: { amd64: sha256(SYSEXT_BYTES), arm64: sha256(SYSEXT_BYTES) } }),
  workerUpdates: FlatcarUpdates.automatic({ strategy: RebootStrategy.REBOOT }),
});
const binary = Flatcar.channel(FlatcarChannel.STABLE, {
  ignitionVersion: IgnitionVersion.V3_4_0,
  k3sInstall: K3sFlatcarInstall.binary({ version: VERSION, sha256: { amd64: sha256(BINARY_BYTES), arm64: sha256(BINARY_BYTES) } }),
});

function node(name: string, role: NodeRole, k3s?: K3sNodeProps, architecture = Architecture.AMD64): NodeBootstrap {
  return { spec: { name, role, pool: role === NodeRole.CONTROLLER ? "controllers" : "general", architecture }, hostname: name, sshKeys: [SSH_KEY], k3s };
}

const join = { token: TOKEN, version: VERSION, serverUrl: "https://10.0.1.10:6443" };
const firstController = node("controller-0", NodeRole.CONTROLLER, { role: K3sRole.CLUSTER_INIT, token: TOKEN, version: VERSION, tlsSans: ["api.example.com"] });
const secondController = node("controller-1", NodeRole.CONTROLLER, { role: K3sRole.SERVER, ...join });
const worker = node("general-0", NodeRole.WORKER, { role: K3sRole.AGENT, ...join });
const armWorker = node("arm-0", NodeRole.WORKER, { role: K3sRole.AGENT, ...join }, Architecture.ARM64);
const containerHost = node("host-0", NodeRole.WORKER);

let applied = 0;
afterAll(() => {
  console.log(`firstboot-nodes: ${applied} configs applied`);
});

const ready = [ignitionProgramTool(), rootPrivilegeTool()].every((t) => t.location !== undefined);
const boots = new Map<string, BootResult>();

async function bootOnce(key: string, config: string, options?: BootOptions): Promise<void> {
  const r = await bootIgnition(config, options);
  if (r.ok) applied++;
  boots.set(key, r);
}

beforeAll(async () => {
  if (!ready) return;
  await bootOnce("sysext controller-0", sysext.renderNode(firstController, localEncoder).content, REMOTE);
  await bootOnce("sysext general-0", sysext.renderNode(worker, localEncoder).content, REMOTE);
  await bootOnce("sysext arm-0", sysext.renderNode(armWorker, localEncoder).content, REMOTE);
  await bootOnce("binary controller-1", binary.renderNode(secondController, localEncoder).content, REMOTE);
  await bootOnce("binary general-0", binary.renderNode(worker, localEncoder).content, REMOTE);
  await bootOnce("container host-0", sysext.renderNode(containerHost, localEncoder).content);
  for (const [key, os, n] of [
    ["s3 controller-0", sysext, firstController],
    ["s3 controller-1", binary, secondController],
  ] as const) {
    const full = os.renderNode(n, localEncoder).content;
    const source = `s3://demo-ignition/nodes/${n.spec.name}.ign`;
    const stub = ignitionReplaceStub(os.ignitionVersion, source, sha512(full));
    await bootOnce(key, stub, { ...REMOTE, remoteContents: { ...REMOTE.remoteContents, [source]: full } });
  }
});

function tree(ctx: TestContext, key: string): FirstBootTree {
  need(ctx, ignitionProgramTool());
  need(ctx, rootPrivilegeTool());
  const r = boots.get(key);
  if (!r?.ok) throw new Error(`Ignition refused ${key}: ${r ? r.error : "not run"}`);
  return r.tree;
}

describe.each([
  ["sysext controller-0", "controller-0", "k3s.service", "REBOOT_STRATEGY=off"],
  ["sysext general-0", "general-0", "k3s-agent.service", "REBOOT_STRATEGY=reboot"],
  ["sysext arm-0", "arm-0", "k3s-agent.service", "REBOOT_STRATEGY=reboot"],
  ["binary controller-1", "controller-1", "k3s.service", "REBOOT_STRATEGY=off"],
  ["binary general-0", "general-0", "k3s-agent.service", "REBOOT_STRATEGY=reboot"],
  ["s3 controller-0", "controller-0", "k3s.service", "REBOOT_STRATEGY=off"],
  ["s3 controller-1", "controller-1", "k3s.service", "REBOOT_STRATEGY=off"],
])("%s after its first boot", (key, hostname, unit, strategy) => {
  it("holds its host name", (ctx) => {
    expect(tree(ctx, key).file("/etc/hostname")?.text).toBe(`${hostname}\n`);
  });

  it("holds its update settings", (ctx) => {
    expect(tree(ctx, key).file(UPDATE_CONF_PATH)?.text).toContain(`${strategy}\n`);
  });

  it("holds the k3s config with the token, for root only", (ctx) => {
    const file = tree(ctx, key).file(K3S_CONFIG_PATH);
    expect(file).toMatchObject({ mode: 0o600, uid: 0 });
    expect(file?.text).toContain(TOKEN);
  });

  it(`enables ${unit}`, (ctx) => {
    expect(tree(ctx, key).unitEnabled(unit)).toBe(true);
  });

  it("authorizes the admin key for core, written as core", (ctx) => {
    const t = tree(ctx, key);
    expect(t.authorizedKeys("core")).toEqual([SSH_KEY]);
    expect(t.file("/home/core/.ssh/authorized_keys.d/ignition")?.user).toBe("core");
  });
});

describe.each([
  ["sysext controller-0", "x86-64"],
  ["sysext general-0", "x86-64"],
  ["sysext arm-0", "arm64"],
  ["s3 controller-0", "x86-64"],
])("%s's k3s sysext", (key, arch) => {
  it("links /etc/extensions/k3s.raw to the verified image, resolving inside the root", (ctx) => {
    const t = tree(ctx, key);
    const image = `/opt/extensions/k3s/k3s-${VERSION}-${arch}.raw`;
    expect(t.link("/etc/extensions/k3s.raw")).toMatchObject({ target: image, resolves: true });
    expect(t.file(image)?.text).toBe(SYSEXT_BYTES);
  });

  it("enables the unit the image brings through a wants link (resolved only once the image is merged)", (ctx) => {
    const wants = tree(ctx, key).links.find((l) => l.path.startsWith("/etc/systemd/system/multi-user.target.wants/"));
    expect(wants?.target).toMatch(/^\/usr\/local\/lib\/systemd\/system\/k3s(-agent)?\.service$/);
    expect(wants?.resolves).toBe(false);
  });
});

describe.each([["binary controller-1"], ["binary general-0"], ["s3 controller-1"]])("%s's k3s binary", (key) => {
  it("is the verified download in /opt/bin, executable", (ctx) => {
    expect(tree(ctx, key).file("/opt/bin/k3s")).toMatchObject({ mode: 0o755, text: BINARY_BYTES });
  });

  it("has kubectl, crictl and ctr linked to it, resolving inside the root", (ctx) => {
    const t = tree(ctx, key);
    for (const tool of ["kubectl", "crictl", "ctr"]) expect(t.link(`/opt/bin/${tool}`)).toMatchObject({ resolvedPath: "/opt/bin/k3s", resolves: true });
  });
});

describe("a container host (Flatcar without k3s)", () => {
  it("holds its host name and core's key, and no k3s", (ctx) => {
    const t = tree(ctx, "container host-0");
    expect(t.file("/etc/hostname")?.text).toBe("host-0\n");
    expect(t.authorizedKeys("core")).toEqual([SSH_KEY]);
    expect(t.file(K3S_CONFIG_PATH)).toBeUndefined();
    expect(t.link("/etc/extensions/k3s.raw")).toBeUndefined();
  });
});

describe("the S3 delivery path", () => {
  it("reports the stub's s3 object and the downloads of the full config as stubs", (ctx) => {
    tree(ctx, "s3 controller-0");
    const r = boots.get("s3 controller-0");
    expect(r?.stubs.map((s) => [s.kind, s.source, s.replacement])).toEqual([
      [StubKind.CONFIG_REPLACE, "s3://demo-ignition/nodes/controller-0.ign", "provided"],
      [StubKind.FILE, sysextUrl("x86-64"), "provided"],
    ]);
  });

  it("fails when the object in S3 is not the config the stub's hash names", async (ctx) => {
    need(ctx, ignitionProgramTool());
    need(ctx, rootPrivilegeTool());
    const full = sysext.renderNode(firstController, localEncoder).content;
    const source = "s3://demo-ignition/nodes/controller-0.ign";
    const stub = ignitionReplaceStub(sysext.ignitionVersion, source, sha512(full));
    const stale = sysext.renderNode(secondController, localEncoder).content;
    const r = await bootIgnition(stub, { ...REMOTE, remoteContents: { ...REMOTE.remoteContents, [source]: stale } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/do not match its verification hash/);
  });

  it("fails without stubRemote, since a node fetches the object over the network", async (ctx) => {
    need(ctx, ignitionProgramTool());
    need(ctx, rootPrivilegeTool());
    const full = sysext.renderNode(firstController, localEncoder).content;
    const r = await bootIgnition(ignitionReplaceStub(sysext.ignitionVersion, "s3://demo-ignition/nodes/controller-0.ign", sha512(full)));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/needs the network.*s3:\/\/demo-ignition/);
  });
});

// Golden configs other tests keep under test/fixtures (rendered Flatcar nodes); the deliberately
// broken ones of test/fixtures/firstboot are left to test/firstboot.test.ts.
const FIXTURES = joinPath(__dirname, "fixtures");
const BROKEN = new Set(["firstboot/duplicate-path.ign", "firstboot/bad-gzip.ign", "firstboot/truncated-gzip.ign", "firstboot/link-under-file.ign"]);
function ignitionFixtures(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(joinPath(dir, e.name)) : /\.ign(\.json)?$/.test(e.name) ? [joinPath(dir, e.name)] : [],
    );
  return walk(FIXTURES)
    .map((f) => relative(FIXTURES, f))
    .filter((f) => !BROKEN.has(f))
    .sort();
}

describe("every golden Ignition fixture", () => {
  it.for(ignitionFixtures())("%s applies (remote contents stubbed, apply-time values filled in)", async (file, ctx) => {
    need(ctx, ignitionProgramTool());
    need(ctx, rootPrivilegeTool());
    const r = await bootIgnition(readFileSync(joinPath(FIXTURES, file), "utf8"), { stubRemote: true, substituteApplyTime: true });
    if (r.ok) applied++;
    expect(r.ok ? "applied" : r.error).toBe("applied");
  });
});

describe("a golden config holding apply-time values", () => {
  it("applies with the values filled in where k3s reads them", async (ctx) => {
    need(ctx, ignitionProgramTool());
    need(ctx, rootPrivilegeTool());
    const text = readFileSync(joinPath(FIXTURES, "k3os/flatcar-sysext-agent.ign.json"), "utf8");
    const r = await bootIgnition(text, { stubRemote: true, applyTimeValues: { "TfToken[TOKEN.1]": "cluster-secret", "TfToken[TOKEN.7]": "api.example.com" } });
    if (!r.ok) throw new Error(r.error);
    applied++;
    expect(r.substitutions.map((s) => s.placeholder)).toEqual([false, false]);
    expect(r.tree.file(K3S_CONFIG_PATH)?.text).toMatch(/server: \|-\n {2}https:\/\/api\.example\.com:6443\ntoken: \|-\n {2}cluster-secret\n/);
  });
});

// Ignition user data of the AWS test stacks (instances and launch templates), as synthesized,
// with what Terraform fills in at apply time: the config bucket's name, the stack's locals (an
// S3-delivered config holding an apply-time value lives in one), and the functions around them.
// An S3 stub is served its object from the same stack, so its hash is checked against it.
const stacks = [standard, defaults, opened, lookup, existing, oversize];

/** Boots every Flatcar user data of a synthesized test stack; results by resource address. */
async function bootStack(name: string): Promise<[string, BootResult][]> {
  const built = (stacks.find((s) => s.name === name) as (typeof stacks)[number]).build();
  const values: Record<string, string> = {};
  for (const bucket of Object.keys(resourcesOf(built.json, "aws_s3_bucket"))) {
    for (const attr of ["id", "bucket"]) values[`aws_s3_bucket.${bucket}.${attr}`] = "demo-configs";
  }
  const resolveOptions = { values, locals: (built.json.locals ?? {}) as Record<string, unknown> };
  const resolve = (v: unknown) => resolveApplyTime(String(v), resolveOptions);
  const objects: Record<string, string> = {};
  for (const o of Object.values(resourcesOf(built.json, "aws_s3_object"))) {
    objects[`s3://${resolve(o.bucket)}/${resolve(o.key)}`] = resolve(o.content);
  }
  const results: [string, BootResult][] = [];
  for (const [type, encoded] of [["aws_instance", false], ["aws_launch_template", true]] as const) {
    for (const [address, r] of Object.entries(resourcesOf(built.json, type))) {
      if (typeof r.user_data !== "string") continue;
      const resolved = resolve(r.user_data);
      const text = encoded ? Buffer.from(resolved, "base64").toString("utf8") : resolved;
      if (!text.trimStart().startsWith("{")) continue;
      const result = await bootIgnition(text, { stubRemote: true, substituteApplyTime: true, remoteContents: objects });
      if (result.ok) applied++;
      results.push([`${type}.${address}`, result]);
    }
  }
  return results;
}

describe("the Ignition user data of the AWS test stacks", () => {
  it.for(stacks.map((s) => s.name))("%s: every Flatcar machine's user data applies", async (name, ctx) => {
    need(ctx, ignitionProgramTool());
    need(ctx, rootPrivilegeTool());
    const results = await bootStack(name);
    expect(results.length).toBeGreaterThan(0);
    expect(results.map(([address, r]) => (r.ok ? address : `${address}: ${r.error}`))).toEqual(results.map(([address]) => address));
  });

  it("applies the oversize stack's S3-delivered configs through their stubs, hashes checked", async (ctx) => {
    need(ctx, ignitionProgramTool());
    need(ctx, rootPrivilegeTool());
    const throughS3 = (await bootStack("oversize")).filter(([, r]) => r.stubs.some((st) => st.kind === StubKind.CONFIG_REPLACE));
    // Every Ignition config goes to S3: big, deferred and small (instances) and the large pool (launch template).
    expect(throughS3.map(([address, r]) => [address.split(".")[0], r.ok])).toEqual([
      ["aws_instance", true],
      ["aws_instance", true],
      ["aws_instance", true],
      ["aws_launch_template", true],
    ]);
  });
});
