/**
 * Shared pieces of the libvirt tests: hand-built configs and a stack with a libvirt cluster.
 */
import { App, TerraformStack, Testing } from "../lib/cdktf";
import { Architecture, NodeRole, type NodeSpec } from "../lib/core/node";
import { MicroOsError } from "../lib/core/errors";
import { IgnitionConfig } from "../lib/ignition";
import { ConfigFormat, type LibvirtImageSource, type RenderedConfig } from "../lib/os/types";
import type { MachineInfo, MachineRequest } from "../lib/platform/platform";
import { LibvirtPlatform, type LibvirtLocalProps } from "../lib/platform/libvirt";
import { checkLibvirtResources } from "../lib/testing/libvirt-schema";

export const SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKHK8xoKlKLQ54xj4Vigb2AI3INPq8NYHVxVzywoMHxF admin@example";

export const FLATCAR_IMAGE: LibvirtImageSource = {
  kind: "disk",
  // flatcar.org quickstart: {channel}.release.flatcar-linux.net/amd64-usr/{version|current}/flatcar_production_qemu_image.img
  url: "https://stable.release.flatcar-linux.net/amd64-usr/current/flatcar_production_qemu_image.img",
  volumeName: "flatcar-stable-current-amd64.qcow2",
  architecture: Architecture.AMD64,
  uefi: false,
};

export const K3OS_IMAGE: LibvirtImageSource = {
  kind: "iso",
  url: "https://github.com/rancher/k3os/releases/download/v0.22.2-k3s2r0/k3os-amd64.iso",
  volumeName: "k3os-v0.22.2-k3s2r0-amd64.iso",
  architecture: Architecture.AMD64,
  uefi: false,
};

export function flatcarConfig(hostname: string, extra = ""): RenderedConfig {
  const config = new IgnitionConfig({ name: hostname })
    .addFile("/etc/hostname", `${hostname}\n`, { mode: 0o644, overwrite: true })
    .addSshKeys("core", [SSH_KEY]);
  if (extra) config.addFile("/etc/extra", extra);
  return { format: ConfigFormat.IGNITION, content: config.render() };
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
  return { format: ConfigFormat.K3OS, content: lines.join("\n") };
}

export function spec(name: string, role: NodeRole = NodeRole.WORKER, architecture = Architecture.AMD64): NodeSpec {
  return { name, role, pool: role === NodeRole.CONTROLLER ? "controllers" : "general", architecture };
}

export interface BuiltCluster {
  readonly stack: TerraformStack;
  readonly synth: Record<string, any>;
  /** What addMachines reported: name, address, ssh command per node. */
  readonly machines: readonly MachineInfo[];
}

/** Builds a stack with one cluster and synthesizes it (validations on); every libvirt stack is schema-checked. */
export function buildCluster(
  nodes: readonly NodeSpec[],
  request: (spec: NodeSpec) => Omit<MachineRequest, "spec">,
  props: LibvirtLocalProps = {},
): BuiltCluster {
  const app = new App();
  const stack = new TerraformStack(app, "test");
  const binding = LibvirtPlatform.local(props).bind(stack, "demo", nodes);
  const machines = binding.addMachines(nodes.map((n) => ({ spec: n, ...request(n) })));
  const synth = JSON.parse(Testing.synth(stack, true));
  assertConforms(synth);
  return { stack, synth, machines };
}

/** Fails when the synthesized JSON breaks the libvirt 0.8.3 schema. */
export function assertConforms(synth: object): void {
  const problems = checkLibvirtResources(synth);
  if (problems.length) throw new Error(`libvirt schema conformance:\n${problems.join("\n")}`);
}

export function flatcarRequest(n: NodeSpec): Omit<MachineRequest, "spec"> {
  return { config: flatcarConfig(n.name), image: FLATCAR_IMAGE, size: "2x2048", diskGib: 10 };
}

export function k3osRequest(n: NodeSpec): Omit<MachineRequest, "spec"> {
  return {
    config: k3osConfig(n.name, n.role === NodeRole.CONTROLLER ? undefined : "https://10.17.3.10:6443"),
    image: K3OS_IMAGE,
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
