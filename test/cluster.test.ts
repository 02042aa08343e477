/**
 * The Cluster: node naming, k3s roles, escape hatches, stable addresses, determinism and the
 * mistakes it refuses. Platform- and OS-specific output is tested beside those modules.
 */
import { describe, expect, it } from "vitest";
import { IGNITION_FORMAT } from "../lib/ignition";
import { App, TerraformStack, Testing } from "../lib/cdktf";
import { Cluster, type ClusterProps, ClusterToken } from "../lib/cluster";
import { K3sFlatcarInstall } from "../lib/os/flatcar/k3s";
import { Flatcar, FlatcarChannel } from "../lib/os/flatcar";
import { K3OS_FORMAT } from "../lib/k3os/format";
import { K3os } from "../lib/os/k3os";
import { LibvirtPlatform } from "../lib/platform/libvirt";
import { checkLibvirtResources } from "../lib/testing/libvirt-schema";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINxxTXAsO5o3pBfyYS4NBMV3PninW6f7qwsyun4YP8GB admin@example";
const flatcar = () =>
  Flatcar.channel(FlatcarChannel.STABLE, { k3sInstall: K3sFlatcarInstall.sysext({ version: "v1.36.4+k3s1", sha256: { amd64: "ab".repeat(32) } }) });

function props(overrides: Partial<ClusterProps> = {}): ClusterProps {
  return {
    os: flatcar(),
    platform: LibvirtPlatform.local({}),
    controllers: { count: 3, size: "2x4096" },
    pools: [{ name: "general", count: 3, size: "2x4096" }],
    kubernetes: { k3sVersion: "v1.36.4+k3s1", token: ClusterToken.fromVariable() },
    sshKeys: [KEY],
    ...overrides,
  };
}

interface Synth {
  readonly cluster: Cluster;
  readonly text: string;
  readonly json: { resource: Record<string, Record<string, Record<string, unknown>>>; output: Record<string, { value: unknown; sensitive?: boolean }> };
}

function synth(p: ClusterProps, edit?: (c: Cluster) => void): Synth {
  const stack = new TerraformStack(Testing.app(), "test");
  const cluster = new Cluster(stack, "demo", p);
  edit?.(cluster);
  const text = Testing.synth(stack, true);
  return { cluster, text, json: JSON.parse(text) };
}

/** Every resource as `type.name` -> its JSON. */
function resources(s: Synth): Map<string, string> {
  const out = new Map<string, string>();
  for (const [type, byName] of Object.entries(s.json.resource)) {
    for (const [name, body] of Object.entries(byName)) out.set(`${type}.${name}`, JSON.stringify(body));
  }
  return out;
}

function ignitionOf(s: Synth, node: string): string {
  const ign = Object.values(s.json.resource.libvirt_ignition).find((r) => String(r.name).startsWith(`${node}`));
  expect(ign, `libvirt_ignition for ${node}`).toBeDefined();
  return String(ign!.content);
}

describe("Cluster nodes", () => {
  it("names controllers and pool nodes after the cluster id", () => {
    const { cluster } = synth(props());
    expect(cluster.nodes.map((n) => n.name)).toEqual([
      "demo-controller-0",
      "demo-controller-1",
      "demo-controller-2",
      "demo-general-0",
      "demo-general-1",
      "demo-general-2",
    ]);
  });

  it("names pool nodes from nodeNames when given", () => {
    const { cluster } = synth(props({ pools: [{ name: "edge", nodeNames: ["berlin", "paris"], size: "2x4096" }] }));
    expect(cluster.nodes.filter((n) => n.pool === "edge").map((n) => n.name)).toEqual(["demo-edge-berlin", "demo-edge-paris"]);
  });

  it("starts etcd on the first controller and joins the others to its fixed address", () => {
    const s = synth(props());
    expect(ignitionOf(s, "demo-controller-0")).toContain("cluster-init: true");
    const joining = ignitionOf(s, "demo-controller-1");
    expect(joining).not.toContain("cluster-init");
    expect(joining).toContain(`server: https://${s.cluster.platform.addressOf("demo-controller-0")}:6443`);
  });

  it("joins workers as agents to the API endpoint", () => {
    const s = synth(props());
    const worker = ignitionOf(s, "demo-general-0");
    expect(worker).toContain(`server: https://${s.cluster.apiEndpoint}:6443`);
    expect(worker).toContain("k3s-agent.service");
    expect(worker).not.toContain("cluster-init");
  });

  it("keeps the token out of every output but the sensitive one", () => {
    const s = synth(props());
    const tokenOutputs = Object.entries(s.json.output).filter(([, o]) => JSON.stringify(o.value).includes("var.ClusterToken") || JSON.stringify(o.value).includes("ClusterToken"));
    expect(tokenOutputs.length).toBe(1);
    expect(tokenOutputs[0][1].sensitive).toBe(true);
  });

  it("outputs the API endpoint, every node, a sensitive kubeconfig and the token under stable names", () => {
    const s = synth(props());
    expect(Object.keys(s.json.output).sort()).toEqual(["api_endpoint", "kubeconfig", "nodes", "token"]);
    expect(s.json.output.api_endpoint.value).toBe(`https://${s.cluster.apiEndpoint}:6443`);
    expect(Object.keys(s.json.output.nodes.value as object)).toContain("demo-general-2");
    expect(s.json.output.kubeconfig.sensitive).toBe(true);
    expect(s.json.output.token.sensitive).toBe(true);
    // No SSH: nothing tells the user to fetch k3s.yaml from a node.
    expect(JSON.stringify(s.json.output)).not.toContain("/etc/rancher/k3s/k3s.yaml");
  });

  it("builds a host without Kubernetes when no kubernetes options are given", () => {
    const s = synth(props({ kubernetes: undefined, pools: [], controllers: { count: 1, size: "2x2048" } }));
    expect(ignitionOf(s, "demo-controller-0")).not.toContain("k3s");
    expect(Object.keys(s.json.output).some((k) => k.includes("token"))).toBe(false);
  });

  it("passes the libvirt schema check", () => {
    expect(checkLibvirtResources(synth(props({ platform: LibvirtPlatform.local() })).json)).toEqual([]);
  });
});

describe("Cluster escape hatches", () => {
  it("adds a pool's Ignition to every node of that pool and to no other", () => {
    const s = synth(props(), (c) => c.pool("general").config(IGNITION_FORMAT).addFile("/etc/pool-marker", "general"));
    for (const n of ["demo-general-0", "demo-general-1", "demo-general-2"]) expect(ignitionOf(s, n)).toContain("/etc/pool-marker");
    expect(ignitionOf(s, "demo-controller-0")).not.toContain("/etc/pool-marker");
  });

  it("adds a node's Ignition to that node only", () => {
    const s = synth(props(), (c) => c.pool("general").nodeConfig("demo-general-1", IGNITION_FORMAT).addFile("/etc/node-marker", "one"));
    expect(ignitionOf(s, "demo-general-1")).toContain("/etc/node-marker");
    expect(ignitionOf(s, "demo-general-0")).not.toContain("/etc/node-marker");
  });

  it("edits k3OS nodes through customize(K3OS_FORMAT, ...)", () => {
    const s = synth(
      props({ os: K3os.release("v0.22.2-k3s2r0"), kubernetes: { token: ClusterToken.fromVariable() } }),
      (c) => c.pool("general").customize(K3OS_FORMAT, (cfg) => cfg.addNtpServers("ntp.example.org")),
    );
    const disks = Object.values(s.json.resource.libvirt_cloudinit_disk ?? {}).map((d) => JSON.stringify(d));
    expect(disks.filter((d) => d.includes("ntp.example.org")).length).toBe(3);
  });
});

describe("Cluster addresses", () => {
  it("adds only the new nodes' resources when a pool grows from 3 to 5, and changes no other node's", () => {
    const before = resources(synth(props()));
    const after = resources(synth(props({ pools: [{ name: "general", count: 5, size: "2x4096" }] })));
    const added = [...after.keys()].filter((k) => !before.has(k));
    expect([...before.keys()].filter((k) => !after.has(k))).toEqual([]);
    expect(added.length).toBeGreaterThan(0);
    expect(added.every((k) => /general-[34]/.test(k))).toBe(true);
    for (const [address, body] of before) {
      if (/Machine|Disk|Ignition|machine/.test(address)) expect(after.get(address), address).toBe(body);
    }
  });

  it("removes only a named node's resources when it leaves its pool", () => {
    const three = props({ pools: [{ name: "edge", nodeNames: ["a", "b", "c"], size: "2x4096" }] });
    const two = props({ pools: [{ name: "edge", nodeNames: ["a", "c"], size: "2x4096" }] });
    const before = resources(synth(three));
    const after = resources(synth(two));
    const removed = [...before.keys()].filter((k) => !after.has(k));
    expect(removed.length).toBeGreaterThan(0);
    expect(removed.every((k) => k.includes("edge-b"))).toBe(true);
    expect([...after.keys()].filter((k) => !before.has(k))).toEqual([]);
    for (const [address, body] of after) {
      if (/edge-(a|c)/.test(address)) expect(before.get(address), address).toBe(body);
    }
  });

  it("synthesizes the same bytes twice", () => {
    expect(synth(props()).text).toBe(synth(props()).text);
  });
});

describe("Cluster refuses", () => {
  const refuse = (p: Partial<ClusterProps>, message: RegExp | string) => expect(() => synth(props(p))).toThrow(message);

  it("an even number of controllers", () => {
    refuse({ controllers: { count: 2, size: "2x4096" } }, /controllers\.count: 2 controllers cannot keep etcd quorum.*Fix: use an odd number: 1 or 3/);
  });
  it("a controller count below one", () => {
    refuse({ controllers: { count: 0 } }, /controllers\.count: 0 is not a positive whole number/);
  });
  it("a pool name that is not a DNS label", () => {
    refuse({ pools: [{ name: "General_Pool", count: 1 }] }, /pools\[0\]\.name: "General_Pool" is not usable as a pool name/);
  });
  it("a pool named controllers", () => {
    refuse({ pools: [{ name: "controllers", count: 1 }] }, /pools\[0\]\.name: "controllers" is not usable/);
  });
  it("two pools with one name", () => {
    refuse({ pools: [{ name: "a", count: 1, size: "2x4096" }, { name: "a", count: 1, size: "2x4096" }] }, /pools\[1\]\.name: pool "a" is defined twice/);
  });
  it("both count and nodeNames", () => {
    refuse({ pools: [{ name: "a", count: 1, nodeNames: ["x"] }] }, /pools\[0\]: both count and nodeNames are given/);
  });
  it("a node name that is not a DNS label", () => {
    refuse({ pools: [{ name: "a", nodeNames: ["X"] }] }, /pools\[0\]\.nodeNames: "X" is not a DNS label/);
  });
  it("a node name longer than a DNS label", () => {
    refuse({ pools: [{ name: "p".repeat(60), count: 1 }] }, /the node name is not a DNS label/);
  });
  it("a negative pool count", () => {
    refuse({ pools: [{ name: "a", count: -1 }] }, /pools\[0\]\.count: -1 is not a whole number of nodes/);
  });
  it("a malformed k3s version", () => {
    refuse({ kubernetes: { k3sVersion: "1.31.4" } }, /kubernetes\.k3sVersion: "1\.31\.4" is not a k3s release tag.*v1\.36\.4\+k3s1/);
  });
  it("no k3s version on an OS that names none", () => {
    refuse(
      { os: Flatcar.channel(FlatcarChannel.STABLE), kubernetes: {} },
      /kubernetes\.k3sVersion: Flatcar Container Linux names no k3s release, and no version is given\. Fix: give the OS the k3s release it installs, or a release tag/,
    );
  });
  it("a k3s version other than the one Flatcar's k3sInstall installs", () => {
    refuse({ kubernetes: { k3sVersion: "v1.30.0+k3s1" } }, /kubernetes\.k3sVersion: Flatcar Container Linux runs k3s v1\.36\.4\+k3s1, not v1\.30\.0\+k3s1\. Fix: leave k3sVersion out/);
  });
  it("a k3s version other than the one k3OS ships", () => {
    refuse({ os: K3os.release("v0.22.2-k3s2r0"), kubernetes: { k3sVersion: "v1.36.4+k3s1" } }, /kubernetes\.k3sVersion: k3OS runs k3s v1\.22\.2\+k3s2, not v1\.36\.4\+k3s1/);
  });
  it("more nodes than a Kubernetes cluster supports, in one pool, in all, or as controllers", () => {
    refuse({ pools: [{ name: "general", count: 1099511627776 }] }, "test/demo: pools[0].count: 1099511627776 nodes are more than a Kubernetes cluster supports (5000). Fix: give at most 5000, or split the workload over clusters");
    refuse({ pools: [{ name: "a", count: 3000 }, { name: "b", count: 3000 }] }, "test/demo: pools: 6003 nodes are more than a Kubernetes cluster supports (5000). Fix: give at most 5000 in all, or split the workload over clusters");
    refuse({ controllers: { count: 2 ** 40 + 1 } }, "test/demo: controllers.count: 1099511627777 controllers are more than a Kubernetes cluster supports (5000 nodes). Fix: give 1, 3 or 5 controllers");
  });
  it("a cluster id that is not a DNS label", () => {
    expect(() => new Cluster(new TerraformStack(Testing.app(), "t"), "Demo", props())).toThrow(/id: "Demo" is not a DNS label/);
  });
  it("an unknown pool in pool()", () => {
    expect(() => synth(props(), (c) => c.pool("gpu"))).toThrow(/pool\(gpu\): no pool of that name.*controllers, general/);
  });
  it("an unknown node in pool().nodeConfig()", () => {
    expect(() => synth(props(), (c) => c.pool("general").nodeConfig("demo-general-9", IGNITION_FORMAT))).toThrow(/no node of that name in the pool/);
  });
  it("Ignition escape hatches on k3OS", () => {
    expect(() =>
      synth(props({ os: K3os.release(), kubernetes: {} }), (c) => c.pool("general").config(IGNITION_FORMAT).addFile("/etc/x", "x")),
    ).toThrow("test/demo: pool(general).config(ignition): k3OS reads k3OS config.yaml, not Ignition JSON. Fix: use the escape hatch for k3OS config.yaml");
  });
  it("k3OS escape hatches on Flatcar", () => {
    expect(() => synth(props(), (c) => c.pool("general").customize(K3OS_FORMAT, () => undefined))).toThrow(
      "test/demo: pool(general).customize: Flatcar Container Linux reads Ignition JSON, not k3OS config.yaml. Fix: use the escape hatch for Ignition JSON",
    );
  });
  it("API access CIDRs on libvirt, which has no firewall", () => {
    refuse({ access: { apiCidrs: ["203.0.113.0/24"] } }, /apiCidrs/);
  });
  it("a secret value that is a literal", () => {
    refuse({ kubernetes: { k3sVersion: "v1.36.4+k3s1", token: ClusterToken.fromSecretValue("hunter2") } }, /kubernetes\.token: the token is a literal string/);
  });
  it("escape hatches after synth", () => {
    const stack = new TerraformStack(Testing.app(), "t");
    const c = new Cluster(stack, "demo", props());
    Testing.synth(stack);
    expect(() => c.pool("general").config(IGNITION_FORMAT)).toThrow("t/demo: pool(general).config(ignition): the cluster is already synthesized. Fix: add escape hatches before synth");
    expect(() => c.pool("general").nodeConfig("demo-general-0", IGNITION_FORMAT)).toThrow(/nodeConfig\(demo-general-0\): the cluster is already synthesized/);
  });
});

// keep App referenced for typings of Testing.app()
void App;

describe("Cluster refuses platform options on the wrong platform", () => {
  it("spot workers on libvirt", () => {
    expect(() => synth(props({ pools: [{ name: "general", count: 1, size: "2x4096", spot: true }] }))).toThrow(
      /requests\.demo-general-0\.spot: spot capacity is an AWS option.*Fix: leave spot out of pools on libvirt/,
    );
  });
  it("an EC2 instance type as a libvirt size", () => {
    expect(() => synth(props({ controllers: { count: 1, size: "t3.medium" } }))).toThrow(/`t3\.medium` is not a libvirt size.*<vcpu>x<memory MiB>/);
  });
  it("a libvirt network over k3s's pod network", () => {
    expect(() => synth(props({ platform: LibvirtPlatform.local({ cidr: "10.42.0.0/24" }) }))).toThrow(/overlaps 10\.42\.0\.0\/16/);
  });
});

describe("Cluster on libvirt with shared worker configs", () => {
  const shared = () => props({ platform: LibvirtPlatform.local({ shareWorkerConfigs: true }) });

  it("writes one libvirt_ignition per pool, and one per controller", () => {
    const s = synth(shared());
    const names = Object.values(s.json.resource.libvirt_ignition).map((r) => r.name).sort();
    expect(names).toEqual(["demo-controller-0.ign", "demo-controller-1.ign", "demo-controller-2.ign", "demo-general.ign"]);
    const domains = Object.values(s.json.resource.libvirt_domain).filter((d) => String(d.name).startsWith("demo-general-"));
    // Every worker of the pool reads the one config, through its fw_cfg file.
    const reads = domains.map((d) => JSON.stringify(d.sys_info));
    expect(reads).toHaveLength(3);
    expect(new Set(reads).size).toBe(1);
  });

  it("leaves host and node names to DHCP in the shared config", () => {
    const s = synth(shared());
    const pool = String(Object.values(s.json.resource.libvirt_ignition).find((r) => r.name === "demo-general.ign")!.content);
    expect(pool).not.toContain("/etc/hostname");
    expect(pool).not.toContain("node-name");
    expect(ignitionOf(s, "demo-controller-0")).toContain("/etc/hostname");
  });

  it("still replaces a worker when its pool's config changes: its disk name hashes the shared config", () => {
    const s = synth(shared());
    const [key] = Object.entries(s.json.resource.libvirt_ignition).find(([, r]) => r.name === "demo-general.ign")!;
    const disk = Object.values(s.json.resource.libvirt_volume).map((v) => String(v.name)).find((n) => n.startsWith("demo-general-0-"));
    // The token holds apply-time values, so Terraform computes the hash from the stored content.
    expect(disk).toContain(`libvirt_ignition.${key}.content`);
  });

  it("passes the libvirt schema check", () => {
    expect(checkLibvirtResources(synth(shared()).json)).toEqual([]);
  });
});
