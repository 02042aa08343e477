/**
 * IMDS chosen by the OS: each AWS example's machines require IMDSv2 session tokens where the OS's
 * user-data reader sends them (Flatcar and FCOS: Ignition, coreos/ignition v2.26.0
 * internal/providers/aws/aws.go) and allow IMDSv1 only for readers that cannot (k3OS: linuxkit
 * pkg/metadata provider_aws.go; Kairos: mudler/yip v1.24.0 pkg/plugins/datasourceProviders/
 * provider_aws.go), with a warning at synth and a rule in the node's config that drops pod traffic
 * to 169.254.169.254 before k3s starts.
 */
import { describe, expect, it } from "vitest";
import { EXAMPLES, type ExampleName } from "../examples/catalog";
import { Testing } from "../lib/cdktf";
import { decodeK3osContent } from "../lib/k3os/decode";
import { imdsGuardCommand } from "../lib/k3s/imds-guard";
import { imdsGuardDropIn } from "../lib/os/kairos/k3s";
import { AwsMetadataProtocol } from "../lib/platform/aws/profile";
import { findNodes } from "../lib/testing/kit/delivery";

const CASES: Array<[ExampleName, AwsMetadataProtocol]> = [
  ["flatcar-aws", AwsMetadataProtocol.SESSION_TOKENS],
  ["fcos-aws", AwsMetadataProtocol.SESSION_TOKENS],
  ["k3os-aws", AwsMetadataProtocol.PLAIN_GET],
  ["kairos-aws", AwsMetadataProtocol.PLAIN_GET],
];

type Resources = Record<string, Record<string, { metadata_options?: { http_tokens?: string; http_put_response_hop_limit?: number; http_endpoint?: string } }>>;

describe.each(CASES)("%s: the metadata protocol of its user-data reader", (name, protocol) => {
  const app = Testing.app();
  const cluster = EXAMPLES[name](app, "imds");
  const json = JSON.parse(Testing.synth(cluster.node.scope as never)) as { resource: Resources };
  const warnings = cluster.node
    .findAll()
    .flatMap((c) => c.node.metadata)
    .filter((m) => m.type === "@cdktf/warn" && String(m.data).startsWith("metadataProtocol:"));

  it(`sets http_tokens = ${protocol === AwsMetadataProtocol.PLAIN_GET ? "optional" : "required"} on every instance and launch template, hop limit 1`, () => {
    const machines = [...Object.values(json.resource.aws_instance ?? {}), ...Object.values(json.resource.aws_launch_template ?? {})];
    expect(machines.length).toBeGreaterThan(0);
    for (const m of machines) {
      expect(m.metadata_options).toEqual({ http_endpoint: "enabled", http_tokens: protocol === AwsMetadataProtocol.PLAIN_GET ? "optional" : "required", http_put_response_hop_limit: 1 });
    }
  });

  if (protocol === AwsMetadataProtocol.PLAIN_GET) {
    it("warns at synth, once per stack, naming the token in user data", () => {
      expect(warnings).toHaveLength(1);
      expect(String(warnings[0].data)).toBe(
        "metadataProtocol: this OS reads EC2 user data with IMDSv1 only, so the machine allows IMDSv1 (http_tokens = optional); any process that reaches 169.254.169.254 can read the user data, which holds the join token. " +
          "The OS's config drops pod traffic to that address before k3s starts; prefer an OS whose user-data reader uses IMDSv2 where that is not enough",
      );
    });

    it("drops pod traffic to 169.254.169.254 in every node's config before k3s starts", () => {
      expect(imdsGuardCommand()).toBe(
        "iptables -t raw -C PREROUTING -s 10.42.0.0/16 -d 169.254.169.254/32 -j DROP 2>/dev/null || iptables -t raw -I PREROUTING -s 10.42.0.0/16 -d 169.254.169.254/32 -j DROP",
      );
      const nodes = findNodes(json as never);
      expect(nodes.length).toBeGreaterThan(0);
      for (const node of nodes) {
        if (name.startsWith("k3os")) {
          // k3OS runs run_cmd before it (re)starts k3s with the user data's config (pkg/cc/apply.go RunApply).
          expect(node.value("run_cmd"), node.describe()).toContain(imdsGuardCommand());
        } else {
          const unit = node.config.k3s ? "k3s.service" : "k3s-agent.service";
          // yip writes stage files in the initramfs stage, before systemd starts k3s (kairos-docs architecture/cloud-init.md, "Boot stages").
          const stages = (node.config.stages ?? {}) as Record<string, Array<{ files?: Array<{ path: string; content: string; encoding?: string }> }>>;
          const dropIn = (stages.initramfs ?? []).flatMap((step) => step.files ?? []).find((f) => f.path === `/etc/systemd/system/${unit}.d/10-imds-guard.conf`);
          const text = dropIn && decodeK3osContent(dropIn.content, dropIn.encoding ?? "").toString("utf8");
          expect(text, node.describe()).toBe(imdsGuardDropIn());
          expect(text).toContain(`ExecStartPre=/bin/sh -c '${imdsGuardCommand()}'`);
        }
      }
    });
  } else {
    it("gives no IMDSv1 warning", () => {
      expect(warnings).toEqual([]);
    });
  }
});
