/**
 * The cluster's topology as plain functions (lib/cluster/topology.ts): node names, pools, k3s
 * roles and the servers nodes join, without cdktf. The test imports no framework module, and
 * checks that the topology module does not either.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { Architecture, NodeRole } from "../lib/core/node";
import { K3sRole } from "../lib/k3s/node";
import { clusterTopology, k3sPlacements, kubernetesNetworks } from "../lib/cluster/topology";

describe("the cluster's topology without cdktf", () => {
  it("the topology module imports no framework at run time (type imports are erased)", () => {
    const source = readFileSync(resolve(__dirname, "../lib/cluster/topology.ts"), "utf8");
    const runtime = [...source.matchAll(/^import (?!type )[^;]*? from "([^"]+)";$/gm)].map((m) => m[1]);
    expect(runtime.length).toBeGreaterThan(3);
    expect(runtime.filter((s) => /cdktf|constructs|platform|\/os\//.test(s))).toEqual([]);
  });

  it("names controllers, then each pool's nodes, from the id, the pool and the number or given name", () => {
    const t = clusterTopology({
      id: "demo",
      path: "t/demo",
      controllers: { count: 3, size: "t3.medium" },
      pools: [
        { name: "general", count: 2, labels: { tier: "web" }, spot: true },
        { name: "gpu", nodeNames: ["a", "7"], architecture: Architecture.ARM64 },
      ],
    });
    expect(t.nodes.map((n) => n.spec.name)).toEqual(["demo-controller-0", "demo-controller-1", "demo-controller-2", "demo-general-0", "demo-general-1", "demo-gpu-a", "demo-gpu-7"]);
    expect(t.pools).toEqual([
      { name: "controllers", nodeNames: ["demo-controller-0", "demo-controller-1", "demo-controller-2"] },
      { name: "general", nodeNames: ["demo-general-0", "demo-general-1"] },
      { name: "gpu", nodeNames: ["demo-gpu-a", "demo-gpu-7"] },
    ]);
    expect(t.nodes[0]).toEqual({ spec: { name: "demo-controller-0", role: NodeRole.CONTROLLER, pool: "controllers", architecture: Architecture.AMD64 }, size: "t3.medium", diskGib: undefined });
    expect(t.nodes[3]).toMatchObject({ spec: { role: NodeRole.WORKER, pool: "general", labels: { tier: "web" }, index: 0 }, spot: true });
    // A numeric given name is the node's number; another is none.
    expect(t.nodes.slice(5).map((n) => [n.spec.index, n.spec.architecture])).toEqual([[undefined, Architecture.ARM64], [7, Architecture.ARM64]]);
  });

  it("one controller by default; refuses even controller counts, clashing names and too many nodes", () => {
    expect(clusterTopology({ id: "x", path: "p" }).nodes.map((n) => n.spec.name)).toEqual(["x-controller-0"]);
    expect(() => clusterTopology({ id: "x", path: "p", controllers: { count: 2 } })).toThrow("p: controllers.count: 2 controllers cannot keep etcd quorum better than 1. Fix: use an odd number: 1 or 3");
    expect(() => clusterTopology({ id: "x", path: "p", pools: [{ name: "a" }, { name: "a" }] })).toThrow('p: pools[1].name: pool "a" is defined twice');
    expect(() => clusterTopology({ id: "x", path: "p", pools: [{ name: "controllers" }] })).toThrow(/pools\[0\]\.name: "controllers" is not usable as a pool name/);
    expect(() => clusterTopology({ id: "x", path: "p", pools: [{ name: "a", count: 2, nodeNames: ["b"] }] })).toThrow("p: pools[0]: both count and nodeNames are given");
    expect(() => clusterTopology({ id: "x", path: "p", pools: [{ name: "a", count: 3000 }, { name: "b", count: 3000 }] })).toThrow(/p: pools: 6001 nodes are more than a Kubernetes cluster supports \(5000\)/);
  });

  it("the first controller starts the cluster, the others join it at its address, workers join through the API endpoint", () => {
    const t = clusterTopology({ id: "demo", path: "p", controllers: { count: 3 }, pools: [{ name: "general", count: 1 }] });
    const addresses: Record<string, string> = { "demo-controller-0": "10.0.0.10", "demo-controller-1": "10.0.0.11", "demo-controller-2": "10.0.0.12" };
    const placements = k3sPlacements(t.nodes.map((n) => n.spec), (n) => addresses[n], "api.example");
    expect(Object.fromEntries(placements)).toEqual({
      "demo-controller-0": { role: K3sRole.CLUSTER_INIT },
      "demo-controller-1": { role: K3sRole.SERVER, serverUrl: "https://10.0.0.10:6443" },
      "demo-controller-2": { role: K3sRole.SERVER, serverUrl: "https://10.0.0.10:6443" },
      "demo-general-0": { role: K3sRole.AGENT, serverUrl: "https://api.example:6443" },
    });
  });

  it("keeps k3s's networks clear, or the ones the server flags name", () => {
    expect(kubernetesNetworks([])).toEqual(["10.42.0.0/16", "10.43.0.0/16"]);
    expect(kubernetesNetworks(["--cluster-cidr=10.50.0.0/16,fd00::/56", "--service-cidr=10.60.0.0/16"])).toEqual(["10.50.0.0/16", "10.60.0.0/16"]);
  });
});
