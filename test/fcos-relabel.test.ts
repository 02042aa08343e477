/**
 * Fedora CoreOS with k3s-selinux: the k3s unit relabels what Ignition wrote under
 * /var/lib/rancher/k3s and /etc/rancher/k3s before k3s first starts, in the deployment that holds
 * the policy (after k3s-selinux.service, on the condition that the module exists).
 */
import { describe, expect, it } from "vitest";
import { EXAMPLES } from "../examples/catalog";
import { Testing } from "../lib/cdktf";
import { K3S_RELABEL_COMMANDS, K3S_SELINUX_MODULE, K3S_SELINUX_UNIT } from "../lib/os/fcos/k3s";
import { findNodes } from "../lib/testing/kit/delivery";

describe("FCOS k3s relabels Ignition's files before its first start", () => {
  for (const name of ["fcos-aws", "fcos-libvirt"] as const) {
    it(`${name}: ExecStartPre restorecon after the binary's label, in the unit ordered after ${K3S_SELINUX_UNIT}`, () => {
      const cluster = EXAMPLES[name](Testing.app(), "relabel");
      const json = JSON.parse(Testing.synth(cluster.node.scope as never)) as Record<string, unknown>;
      const nodes = findNodes(json);
      expect(nodes.length).toBeGreaterThan(0);
      for (const node of nodes) {
        const unit = node.unit("k3s.service") ?? node.unit("k3s-agent.service");
        const lines = (unit?.contents ?? "").split("\n");
        expect(lines, node.describe()).toContain(`After=${K3S_SELINUX_UNIT}`);
        expect(lines).toContain(`ConditionPathExists=${K3S_SELINUX_MODULE}`);
        const pre = lines.filter((l) => l.startsWith("ExecStartPre="));
        const chcon = pre.findIndex((l) => l.includes("chcon"));
        const relabel = K3S_RELABEL_COMMANDS.map((c) => pre.indexOf(`ExecStartPre=${c}`));
        expect(relabel.every((i) => i > chcon && chcon >= 0), node.describe()).toBe(true);
        expect(lines.findIndex((l) => l.startsWith("ExecStart="))).toBeGreaterThan(lines.indexOf(`ExecStartPre=${K3S_RELABEL_COMMANDS[1]}`));
      }
    });
  }
});
