/**
 * Shared pieces of the libvirt tests: hand-built configs and a stack with a libvirt cluster.
 */
import { App, TerraformStack, Testing } from "../lib/cdktf";
import { Architecture, NodeRole, type NodeSpec } from "../lib/core/node";
import { MicroOsError } from "../lib/core/errors";
import { IgnitionConfig } from "../lib/ignition";
import { IGNITION_FORMAT } from "../lib/ignition/format";
import { K3OS_FORMAT } from "../lib/k3os/format";
import type { MachineMinimums } from "../lib/core/profile";
import { IgnitionVersion } from "../lib/ignition";
import { flatcarLibvirtProfile } from "../lib/os/flatcar/libvirt";
import { k3osLibvirtProfile } from "../lib/os/k3os/libvirt";
import type { RenderedConfig } from "../lib/core/format";
import type { MachineRequest, NodeConfigSource } from "../lib/platform/platform";
import { type LibvirtClusterBinding, type LibvirtLocalProps, type LibvirtMachine, LibvirtPlatform } from "../lib/platform/libvirt";
import type { LibvirtBootProfile, LibvirtImageSource } from "../lib/platform/libvirt/profile";
import { fixedConfig } from "./helpers/config";
import { checkLibvirtResources } from "../lib/testing/libvirt-schema";

export const SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKHK8xoKlKLQ54xj4Vigb2AI3INPq8NYHVxVzywoMHxF admin@example";

/** Flatcar's libvirt profile (stable, current, amd64), as Flatcar makes it. */
export const FLATCAR_PROFILE: LibvirtBootProfile = flatcarLibvirtProfile(
  { channelName: "stable", version: undefined, ignitionVersion: IgnitionVersion.V3_3_0, minimums: { memoryMib: 2048, diskGib: 8 } },
  Architecture.AMD64,
);

/** k3OS's libvirt profile (v0.22.2-k3s2r0, amd64), as k3OS makes it. */
export const K3OS_PROFILE: LibvirtBootProfile = k3osLibvirtProfile("v0.22.2-k3s2r0", Architecture.AMD64, { memoryMib: 2048, diskGib: 2 });

// flatcar.org quickstart: {channel}.release.flatcar-linux.net/amd64-usr/{version|current}/flatcar_production_qemu_image.img
export const FLATCAR_IMAGE = FLATCAR_PROFILE.image as Extract<LibvirtImageSource, { kind: "disk" }>;
export const K3OS_IMAGE = K3OS_PROFILE.image as Extract<LibvirtImageSource, { kind: "installer" }>;

export function flatcarConfig(hostname: string, extra = ""): RenderedConfig {
  const config = new IgnitionConfig({ name: hostname })
    .addFile("/etc/hostname", `${hostname}\n`, { mode: 0o644, overwrite: true })
    .addSshKeys("core", [SSH_KEY]);
  if (extra) config.addFile("/etc/extra", extra);
  return { format: IGNITION_FORMAT, content: config.render() };
}

export function k3osConfig(hostname: string, serverUrl?: string): RenderedConfig {
  const lines = [
    `hostname: ${hostname}`,
    "ssh_authorized_keys:",
    `- ${SSH_KEY}`,
    "k3os:",
    "  token: example-cluster-secret",
    ...(serverUrl ? [`  server_url: ${serverUrl}`, "  k3s_args:", "  - agent"] : ["  k3s_args:", "  - server", "  - --cluster-init"]),
    "",
  ];
  return { format: K3OS_FORMAT, content: lines.join("\n") };
}

export function spec(name: string, role: NodeRole = NodeRole.WORKER, architecture = Architecture.AMD64): NodeSpec {
  return { name, role, pool: role === NodeRole.CONTROLLER ? "controllers" : "general", architecture };
}

export interface BuiltCluster {
  readonly stack: TerraformStack;
  readonly synth: Record<string, any>;
  /** The machines addMachines built: name, address, ssh command per node. */
  readonly machines: readonly LibvirtMachine[];
  readonly binding: LibvirtClusterBinding;
}

/**
 * A request as tests write it: the profile's parts may be given on their own (they override the
 * profile's), and a config may be a fixed rendered one.
 */
export interface TestRequest {
  readonly config: RenderedConfig | NodeConfigSource;
  readonly profile: LibvirtBootProfile;
  readonly image?: LibvirtImageSource;
  readonly architecture?: Architecture;
  readonly firmware?: LibvirtBootProfile["firmware"];
  readonly minimums?: MachineMinimums;
  readonly size?: string;
  readonly diskGib?: number;
  readonly spot?: boolean;
}

/** A test request as the platform takes it. */
export function libvirtRequest(spec: NodeSpec, r: TestRequest): MachineRequest {
  const config = "render" in r.config ? r.config : fixedConfig(r.config);
  const profile: LibvirtBootProfile = {
    ...r.profile,
    ...(r.image ? { image: r.image } : {}),
    ...(r.architecture ? { architecture: r.architecture } : {}),
    ...(r.firmware ? { firmware: r.firmware } : {}),
    ...(r.minimums ? { minimums: r.minimums } : {}),
  };
  return { spec, config, profile, size: r.size, diskGib: r.diskGib, spot: r.spot };
}

/** Builds a stack with one cluster and synthesizes it (validations on); every libvirt stack is schema-checked. */
export function buildCluster(nodes: readonly NodeSpec[], request: (spec: NodeSpec) => TestRequest, props: LibvirtLocalProps = {}): BuiltCluster {
  const app = new App();
  const stack = new TerraformStack(app, "test");
  const binding = LibvirtPlatform.local(props).bind(stack, "demo", nodes);
  const machines = binding.addMachines(nodes.map((n) => libvirtRequest(n, request(n))));
  const synth = JSON.parse(Testing.synth(stack, true));
  assertConforms(synth);
  return { stack, synth, machines, binding };
}

/** Fails when the synthesized JSON breaks the libvirt provider's schema (or pins another version). */
export function assertConforms(synth: object): void {
  const problems = checkLibvirtResources(synth);
  if (problems.length) throw new Error(`libvirt schema conformance:\n${problems.join("\n")}`);
}

export function flatcarRequest(n: NodeSpec): TestRequest {
  return { config: flatcarConfig(n.name), profile: FLATCAR_PROFILE, size: "2x2048", diskGib: 10 };
}

export function k3osRequest(n: NodeSpec): TestRequest {
  return {
    config: k3osConfig(n.name, n.role === NodeRole.CONTROLLER ? undefined : "https://10.17.3.10:6443"),
    profile: K3OS_PROFILE,
    size: "2x2048",
    diskGib: 10,
  };
}

/** The MicroOsError `fn` throws; fails when it throws nothing or something else. */
export function errorOf(fn: () => unknown): MicroOsError {
  try {
    fn();
  } catch (e) {
    if (e instanceof MicroOsError) return e;
    throw e;
  }
  throw new Error("expected a MicroOsError");
}

type Resources = Record<string, Record<string, any>>;
/** Every resource of a type in synthesized JSON. */
export const all = (synth: Record<string, any>, type: string): Record<string, any>[] => Object.values((synth.resource[type] ?? {}) as Resources);
/** The resource of a type with a `name` attribute, failing when there is none. */
export const byName = (synth: Record<string, any>, type: string, name: string): Record<string, any> => {
  const found = all(synth, type).find((r) => r.name === name);
  if (!found) throw new Error(`no ${type} named ${name}`);
  return found;
};
