/**
 * Tags on AWS: the platform's `tags` on every resource whose schema has tags (read from the
 * provider bindings), `Name` tags without the doubled cluster id, pool and role tags propagated to
 * autoscaled instances, and the provider's default_tags not repeated on resources but carried
 * where default_tags do not reach (autoscaling group tags, launch template tag specifications).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { describe, expect, it } from "vitest";
import { TerraformStack, Testing } from "../lib/cdktf";
import { Cluster, ClusterToken } from "../lib/cluster";
import { Flatcar, FlatcarChannel, K3sFlatcarInstall } from "../lib/os/flatcar";
import { AwsImagePolicy, AwsPlatform, type AwsNewVpcProps } from "../lib/platform/aws";
import { offlineAwsProviderConfig } from "../lib/testing/terraform";

type Resources = Record<string, Record<string, Record<string, unknown>>>;
const BINDINGS = join(__dirname, "..", "node_modules", "@cdktf", "provider-aws", "lib");

function synth(platform: Partial<AwsNewVpcProps> = {}): Resources {
  const stack = new TerraformStack(Testing.app(), "tags");
  new AwsProvider(stack, "aws", offlineAwsProviderConfig());
  new Cluster(stack, "demo", {
    os: Flatcar.channel(FlatcarChannel.STABLE, { k3sInstall: K3sFlatcarInstall.sysext({ version: "v1.36.4+k3s1", sha256: { amd64: "ab".repeat(32) } }) }),
    platform: AwsPlatform.newVpc({ cidr: "10.0.0.0/16", zones: ["eu-central-1a", "eu-central-1b"], imagePolicy: AwsImagePolicy.pin({ amd64: "ami-0123456789abcdef0" }), ...platform }),
    controllers: { count: 1, size: "t3.medium" },
    pools: [{ name: "general", count: 2, size: "t3.medium" }],
    kubernetes: { token: ClusterToken.fromVariable() },
    access: { apiCidrs: ["203.0.113.0/24"], sshCidrs: ["198.51.100.0/24"] },
  });
  return (JSON.parse(Testing.synth(stack)) as { resource: Resources }).resource;
}

/** True when the resource's binding config (`<Name>Config`) has a top-level `tags` argument. */
function hasTags(type: string): boolean {
  const text = readFileSync(join(BINDINGS, type.replace(/^aws_/, "").replace(/_/g, "-"), "index.d.ts"), "utf8");
  const start = text.search(/export interface \w+Config extends cdktf\.TerraformMetaArguments \{/);
  const body = text.slice(start, text.indexOf("\n}\n", start));
  return /\n\s+readonly tags\?: /.test(body);
}

describe("tags on AWS", () => {
  const resource = synth({ tags: { team: "platform" } });

  it("the platform's tags are on every resource whose schema has tags", () => {
    const taggable = Object.keys(resource).filter((t) => t.startsWith("aws_") && hasTags(t));
    expect(taggable).toEqual(expect.arrayContaining(["aws_vpc", "aws_instance", "aws_launch_template", "aws_s3_object", "aws_vpc_security_group_ingress_rule", "aws_lb"]));
    for (const type of taggable) {
      for (const [name, r] of Object.entries(resource[type])) {
        expect((r.tags as Record<string, string> | undefined)?.team, `${type}.${name}`).toBe("platform");
      }
    }
  });

  it("Name tags and IAM names carry the cluster id once", () => {
    const controller = Object.values(resource.aws_instance)[0];
    expect((controller.tags as Record<string, string>).Name).toBe("demo-controller-0");
    expect(Object.values(resource.aws_iam_role).map((r) => r.name).sort()).toEqual(["demo-controller-0", "demo-pool-general"]);
    expect(JSON.stringify(resource)).not.toContain("demo-demo");
  });

  it("the autoscaling group's tags, pool and role included, propagate to the instances it launches", () => {
    const group = Object.values(resource.aws_autoscaling_group)[0];
    const tags = group.tag as Array<{ key: string; value: string; propagate_at_launch: boolean }>;
    expect(tags.every((t) => t.propagate_at_launch === true)).toBe(true);
    const byKey = Object.fromEntries(tags.map((t) => [t.key, t.value]));
    expect(byKey).toMatchObject({ "microos/pool": "general", "microos/role": "worker", team: "platform", Name: "demo-general" });
  });
});

describe("the provider's default_tags", () => {
  const resource = synth({ tags: { team: "platform", env: "dev" }, providerDefaultTags: { team: "platform", env: "prod", cost: "k8s" } });

  it("are not repeated on resources; a tag with another value than the default stays", () => {
    for (const type of Object.keys(resource).filter((t) => t.startsWith("aws_") && hasTags(t))) {
      for (const [name, r] of Object.entries(resource[type])) {
        const tags = (r.tags ?? {}) as Record<string, string>;
        expect(tags.team, `${type}.${name}`).toBeUndefined();
        expect(tags.cost, `${type}.${name}`).toBeUndefined();
        expect(tags.env, `${type}.${name}`).toBe("dev");
      }
    }
  });

  it("reach autoscaled instances and volumes through the group's tags and the launch template's tag specifications", () => {
    const group = Object.values(resource.aws_autoscaling_group)[0];
    const byKey = Object.fromEntries((group.tag as Array<{ key: string; value: string }>).map((t) => [t.key, t.value]));
    expect(byKey).toMatchObject({ team: "platform", cost: "k8s", env: "dev" });
    const lt = Object.values(resource.aws_launch_template)[0];
    for (const spec of lt.tag_specifications as Array<{ resource_type: string; tags: Record<string, string> }>) {
      expect(spec.tags, spec.resource_type).toMatchObject({ team: "platform", cost: "k8s", env: "dev", "microos/pool": "general" });
    }
  });
});
