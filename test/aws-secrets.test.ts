/**
 * No secret in EC2 user data: every user data and launch template of every AWS stack the tests
 * and examples build is scanned for the cluster token and any private key, with the locals they
 * read expanded. A hash of a secret (the stub's sha512 of the stored config, the token's sha256
 * of the CA certificate) reveals nothing and is not expanded. k3OS and Kairos read their config
 * only from user data: they are the one exception, refused unless the platform opts in
 * (SecretsInUserData.ALLOW), and their examples do opt in.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { describe, expect, it } from "vitest";
import { TerraformStack, Testing } from "../lib/cdktf";
import { Cluster, type ClusterProps, ClusterToken } from "../lib/cluster";
import { FedoraCoreOsStream, FedoraCoreOs, K3sFedoraCoreOsInstall } from "../lib/os/fcos";
import { Flatcar, FlatcarChannel, K3sFlatcarInstall } from "../lib/os/flatcar";
import { K3os } from "../lib/os/k3os";
import { AwsImagePolicy, AwsPlatform, SecretsInUserData, WorkerPlacement } from "../lib/platform/aws";
import { offlineAwsProviderConfig } from "../lib/testing/terraform";
import { FcosAwsStack } from "../examples/fcos-aws/stack";
import { FlatcarAwsStack } from "../examples/flatcar-aws/stack";
import { K3osAwsStack } from "../examples/k3os-aws/stack";
import { KairosAwsStack } from "../examples/kairos-aws/stack";
import { ALL_SCENARIOS } from "./fixtures/aws/scenarios";

type Json = {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  locals?: Record<string, unknown>;
  variable?: Record<string, { sensitive?: boolean }>;
};

const K3S = "v1.36.4+k3s1";
const SHA = "ab".repeat(32);
const AMI = "ami-0123456789abcdef0";

/** `text` with every `local.x` it reads replaced by the local's value, hashes left opaque. */
function expand(text: string, locals: Record<string, unknown>, depth = 0): string {
  if (depth > 10) return text;
  const opaque = text.replace(/\b(sha512|sha256)\((?:local\.[A-Za-z0-9_-]+|[a-z_]+\.[A-Za-z0-9_-]+\.[a-z_]+)\)/g, "<$1 hash>");
  return opaque.replace(/\blocal\.([A-Za-z0-9_-]+)/g, (m, name: string) => (name in locals ? expand(String(locals[name]), locals, depth + 1) : m));
}

/** Every user data of the stack, expanded: instances' `user_data` and launch templates' `user_data`. */
function userDatas(json: Json): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const type of ["aws_instance", "aws_launch_template"]) {
    for (const [name, r] of Object.entries(json.resource?.[type] ?? {})) {
      if (r.user_data !== undefined) out.push([`${type}.${name}`, expand(String(r.user_data), json.locals ?? {})]);
    }
  }
  return out;
}

/** What would be a secret in user data: the token's variable or password, any private key. */
function secretsIn(json: Json, text: string): string[] {
  const sensitive = Object.entries(json.variable ?? {}).filter(([, v]) => v.sensitive).map(([n]) => `var.${n}`);
  const patterns = [...sensitive, "random_password.", "tls_private_key.", "PRIVATE KEY", "/var/lib/rancher/k3s/server/tls/"];
  return patterns.filter((p) => text.includes(p));
}

const flatcar = () => Flatcar.channel(FlatcarChannel.STABLE, { k3sInstall: K3sFlatcarInstall.sysext({ version: K3S, sha256: { amd64: SHA } }) });
const fcos = () => FedoraCoreOs.stream(FedoraCoreOsStream.STABLE, { k3sInstall: K3sFedoraCoreOsInstall.binary({ version: K3S, sha256: { amd64: SHA } }) });

function clusterStack(p: Partial<ClusterProps>, platform: Parameters<typeof AwsPlatform.newVpc>[0] = { cidr: "10.0.0.0/16", zones: ["eu-central-1a", "eu-central-1b"], imagePolicy: AwsImagePolicy.pin({ amd64: AMI }) }): Json {
  const stack = new TerraformStack(Testing.app(), "scan");
  new AwsProvider(stack, "aws", offlineAwsProviderConfig());
  new Cluster(stack, "demo", {
    os: flatcar(),
    platform: AwsPlatform.newVpc(platform),
    controllers: { count: 3, size: "t3.medium" },
    pools: [{ name: "general", count: 2, size: "t3.medium" }],
    kubernetes: { token: ClusterToken.fromVariable({ name: "k3s_token" }) },
    ...p,
  });
  return JSON.parse(Testing.synth(stack)) as Json;
}

/** Every AWS stack whose nodes must carry no secret in user data. */
const STACKS: Array<[string, () => Json]> = [
  ...ALL_SCENARIOS.map((s): [string, () => Json] => [`scenario ${s.name}`, () => s.build().json as Json]),
  ["example flatcar-aws (pinned AMI)", () => JSON.parse(Testing.synth(new FlatcarAwsStack(Testing.app(), "f", { provider: offlineAwsProviderConfig(), pinnedAmi: AMI, token: ClusterToken.fromVariable({ name: "k3s_token" }) }))) as Json],
  ["example flatcar-aws (random token)", () => JSON.parse(Testing.synth(new FlatcarAwsStack(Testing.app(), "f", { provider: offlineAwsProviderConfig(), pinnedAmi: AMI }))) as Json],
  ["example fcos-aws", () => JSON.parse(Testing.synth(new FcosAwsStack(Testing.app(), "c", { provider: offlineAwsProviderConfig(), pinnedAmi: AMI, token: ClusterToken.fromVariable({ name: "k3s_token" }) }))) as Json],
  ["Flatcar cluster, pools as autoscaling groups", () => clusterStack({})],
  ["Flatcar cluster, workers as instances", () => clusterStack({}, { cidr: "10.0.0.0/16", zones: ["eu-central-1a", "eu-central-1b"], imagePolicy: AwsImagePolicy.pin({ amd64: AMI }), workerPlacement: WorkerPlacement.INSTANCES })],
  ["Fedora CoreOS cluster", () => clusterStack({ os: fcos() })],
];

describe("no secret in EC2 user data", () => {
  for (const [name, build] of STACKS) {
    it(`${name}: no user data or launch template holds the token or a key`, () => {
      const json = build();
      const found = userDatas(json);
      expect(found.length, "user data to scan").toBeGreaterThan(0);
      for (const [where, text] of found) expect(secretsIn(json, text), where).toEqual([]);
    });
  }

  it("a new VPC routes the nodes' S3 fetches through a gateway endpoint on every private route table, not the NAT", () => {
    const json = clusterStack({});
    const endpoints = Object.values(json.resource?.aws_vpc_endpoint ?? {});
    expect(endpoints).toHaveLength(1);
    expect(endpoints[0]).toMatchObject({ vpc_endpoint_type: "Gateway", service_name: expect.stringMatching(/^com\.amazonaws\.\$\{data\.aws_region\.[^}]+\.name\}\.s3$/) });
    const privateTables = Object.entries(json.resource?.aws_route_table ?? {}).filter(([name]) => name.includes("private")).map(([name]) => `\${aws_route_table.${name}.id}`);
    expect(privateTables.length).toBeGreaterThan(0);
    expect([...(endpoints[0].route_table_ids as string[])].sort()).toEqual(privateTables.sort());
  });

  it("the scan finds a secret where there is one (the opted-in k3OS example)", () => {
    const json = JSON.parse(Testing.synth(new K3osAwsStack(Testing.app(), "k", { amiId: AMI, provider: offlineAwsProviderConfig(), token: ClusterToken.fromVariable({ name: "k3s_token" }) }))) as Json;
    const controller = userDatas(json).find(([w]) => w.includes("controller-0"))!;
    expect(secretsIn(json, controller[1])).toEqual(["var.k3s_token", "tls_private_key.", "/var/lib/rancher/k3s/server/tls/"]);
  });

  it("k3OS and Kairos, which read only user data, are the opted-in exception: their examples say ALLOW, and without it the node is refused", () => {
    expect(new K3osAwsStack(Testing.app(), "k", { amiId: AMI, provider: offlineAwsProviderConfig() }).cluster).toBeDefined();
    expect(new KairosAwsStack(Testing.app(), "z").cluster).toBeDefined();
    expect(() =>
      clusterStack({ os: K3os.release("v0.22.2-k3s2r0", { amis: { amd64: AMI } }), pools: [], controllers: { count: 1, size: "t3.medium" } }),
    ).toThrow(/secretsInUserData: the k3OS config\.yaml holds the cluster's secrets .* pass secretsInUserData: SecretsInUserData\.ALLOW/);
    // Opting in is a typed choice per platform, not a default.
    expect(() => clusterStack({ os: K3os.release("v0.22.2-k3s2r0", { amis: { amd64: AMI } }), pools: [], controllers: { count: 1, size: "t3.medium" } }, { cidr: "10.0.0.0/16", zones: ["eu-central-1a"], secretsInUserData: SecretsInUserData.ALLOW })).not.toThrow();
  });
});
