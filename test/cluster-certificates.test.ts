/**
 * The cluster's CAs made in the Terraform run: every certificate definition against what k3s
 * requires (lib/k3s/certificates.ts cites the files and flags), the CA files' paths and modes in
 * every controller config of every OS, no private key on a worker, the secure join token, the
 * sensitive kubeconfig output, and stable output names.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { TerraformStack, Testing } from "../lib/cdktf";
import { ADMIN_SUBJECT, CLIENT_KEY_USAGES, CLUSTER_CA_VALIDITY_HOURS, Cluster, ClusterCertificates, type ClusterProps, ClusterToken } from "../lib/cluster";
import {
  checkK3sNode,
  K3S_CA_KEY_USAGES,
  K3S_CERTIFICATE_AUTHORITIES,
  K3S_SERVICE_ACCOUNT_KEY_PATH,
  k3sCaCertPath,
  k3sCaKeyPath,
  K3sRole,
} from "../lib/k3s";
import { FedoraCoreOsStream, FedoraCoreOs, K3sFedoraCoreOsInstall } from "../lib/os/fcos";
import { Flatcar, FlatcarChannel, K3sFlatcarInstall } from "../lib/os/flatcar";
import { K3os } from "../lib/os/k3os";
import { Kairos } from "../lib/os/kairos";
import { AwsImagePolicy, AwsPlatform, SecretsInUserData } from "../lib/platform/aws";
import { LibvirtPlatform } from "../lib/platform/libvirt";
import { offlineAwsProviderConfig, standInUnmirroredResources } from "../lib/testing/terraform";

const K3S = "v1.36.4+k3s1";
const SHA = "ab".repeat(32);
type Json = { resource: Record<string, Record<string, Record<string, unknown>>>; output: Record<string, { value: unknown; sensitive?: boolean }> };

const OSES = {
  flatcar: () => Flatcar.channel(FlatcarChannel.STABLE, { k3sInstall: K3sFlatcarInstall.sysext({ version: K3S, sha256: { amd64: SHA } }) }),
  fcos: () => FedoraCoreOs.stream(FedoraCoreOsStream.STABLE, { k3sInstall: K3sFedoraCoreOsInstall.binary({ version: K3S, sha256: { amd64: SHA } }), qemuImages: { amd64: "/var/lib/libvirt/images/fedora-coreos-qemu.x86_64.qcow2" } }),
  k3os: () => K3os.release("v0.22.2-k3s2r0"),
  kairos: () => Kairos.release(),
};

function props(overrides: Partial<ClusterProps> = {}): ClusterProps {
  return {
    os: OSES.flatcar(),
    platform: LibvirtPlatform.local({}),
    controllers: { count: 3, size: "2x4096" },
    pools: [{ name: "general", count: 2, size: "2x4096" }],
    kubernetes: { token: ClusterToken.fromVariable({ name: "k3s_token" }) },
    ...overrides,
  };
}

function synth(p: ClusterProps, aws = false) {
  const stack = new TerraformStack(Testing.app(), "test");
  if (aws) new AwsProvider(stack, "aws", offlineAwsProviderConfig());
  const cluster = new Cluster(stack, "demo", p);
  const text = Testing.synth(stack, true);
  return { cluster, text, json: JSON.parse(text) as Json };
}

/** The resource of `type` whose name contains `part`. */
function one(json: Json, type: string, part: string): [string, Record<string, unknown>] {
  const found = Object.entries(json.resource[type] ?? {}).filter(([name]) => name.includes(part));
  expect(found.map(([n]) => n), `${type} *${part}*`).toHaveLength(1);
  return found[0];
}

/** `{ path: mode }` of the files a rendered config writes, read by its format. */
function filesOf(content: string): Record<string, number> {
  if (content.trimStart().startsWith("{")) {
    const spec = JSON.parse(content) as { storage?: { files?: Array<{ path: string; mode?: number }> } };
    return Object.fromEntries((spec.storage?.files ?? []).map((f) => [f.path, f.mode ?? -1]));
  }
  const doc = parse(content) as { write_files?: Array<{ path: string; permissions?: string }>; stages?: Record<string, Array<{ files?: Array<{ path: string; permissions?: number }> }>> };
  const out: Record<string, number> = {};
  for (const f of doc.write_files ?? []) out[f.path] = f.permissions === undefined ? -1 : parseInt(f.permissions, 8);
  for (const steps of Object.values(doc.stages ?? {})) for (const step of steps) for (const f of step.files ?? []) out[f.path] = f.permissions ?? -1;
  return out;
}

const CA_FILES: Record<string, number> = Object.fromEntries([
  ...K3S_CERTIFICATE_AUTHORITIES.flatMap((ca) => [
    [k3sCaCertPath(ca), 0o644],
    [k3sCaKeyPath(ca), 0o600],
  ]),
  [K3S_SERVICE_ACCOUNT_KEY_PATH, 0o600],
]);

describe("the cluster's certificate authorities", () => {
  const { json } = synth(props());

  it("are five self-signed CAs with k3s's CA flags and key usages, on EC P-256 keys", () => {
    const cas = json.resource.tls_self_signed_cert;
    expect(Object.keys(cas)).toHaveLength(5);
    const names = Object.values(cas).map((c) => (c.subject as Array<{ common_name: string }>)[0].common_name);
    expect(names.sort()).toEqual(["k3s-client-ca", "k3s-etcd-peer-ca", "k3s-etcd-server-ca", "k3s-request-header-ca", "k3s-server-ca"]);
    for (const [name, ca] of Object.entries(cas)) {
      expect(ca.is_ca_certificate, name).toBe(true);
      expect([...(ca.allowed_uses as string[])].sort(), name).toEqual([...K3S_CA_KEY_USAGES].sort());
      expect(ca.allowed_uses, name).toEqual(expect.arrayContaining(["cert_signing"]));
      expect(ca.validity_period_hours, name).toBe(CLUSTER_CA_VALIDITY_HOURS);
      expect(ca.set_subject_key_id, name).toBe(true);
      const keyName = /^\$\{tls_private_key\.([^.]+)\.private_key_pem\}$/.exec(String(ca.private_key_pem))![1];
      expect(json.resource.tls_private_key[keyName], name).toMatchObject({ algorithm: "ECDSA", ecdsa_curve: "P256" });
    }
  });

  it("has an RSA 2048 service account key, as k3s's script makes it", () => {
    const [, key] = one(json, "tls_private_key", "service-account");
    expect(key).toMatchObject({ algorithm: "RSA", rsa_bits: 2048 });
  });

  it("signs the admin's client certificate with the client CA: system:admin in system:masters, client use only", () => {
    const [clientName] = one(json, "tls_self_signed_cert", "ca-client");
    const [clientKey] = one(json, "tls_private_key", "ca-client-key");
    const [, admin] = one(json, "tls_locally_signed_cert", "admin");
    expect(admin.ca_cert_pem).toBe(`\${tls_self_signed_cert.${clientName}.cert_pem}`);
    expect(admin.ca_private_key_pem).toBe(`\${tls_private_key.${clientKey}.private_key_pem}`);
    expect(admin.allowed_uses).toEqual([...CLIENT_KEY_USAGES]);
    expect(admin.allowed_uses).not.toContain("server_auth");
    expect(admin.is_ca_certificate).toBeUndefined();
    const [, request] = one(json, "tls_cert_request", "admin");
    expect(request.subject).toEqual([{ common_name: ADMIN_SUBJECT.commonName, organization: ADMIN_SUBJECT.organization }]);
  });

  it("outputs a sensitive kubeconfig for the API endpoint that trusts the server CA and holds the admin's certificate", () => {
    const [serverCa] = one(json, "tls_self_signed_cert", "ca-server");
    const [admin] = one(json, "tls_locally_signed_cert", "admin");
    const [adminKey] = one(json, "tls_private_key", "admin-key");
    const out = json.output.kubeconfig;
    expect(out.sensitive).toBe(true);
    const kubeconfig = String(out.value);
    expect(kubeconfig).toContain(`server: ${String(json.output.api_endpoint.value)}\n`);
    expect(kubeconfig).toContain(`certificate-authority-data: \${base64encode(tls_self_signed_cert.${serverCa}.cert_pem)}\n`);
    expect(kubeconfig).toContain(`client-certificate-data: \${base64encode(tls_locally_signed_cert.${admin}.cert_pem)}\n`);
    expect(kubeconfig).toContain(`client-key-data: \${base64encode(tls_private_key.${adminKey}.private_key_pem)}\n`);
    expect(kubeconfig).toContain("current-context: demo\n");
  });

  it("adds the tls provider once", () => {
    expect(Object.keys((JSON.parse(Testing.synth(new TerraformStack(Testing.app(), "x"))) as { provider?: object }).provider ?? {})).toEqual([]);
    expect(Object.keys((json as unknown as { provider: Record<string, unknown> }).provider)).toContain("tls");
  });
});

describe("CA files on the controllers of every OS", () => {
  for (const [name, os] of Object.entries(OSES)) {
    it(`${name}: every controller writes each CA certificate 0644 and each key 0600, and no worker writes any`, () => {
      const { cluster } = synth(props({ os: os() }));
      for (const [node, config] of cluster.renderedConfigs) {
        const files = filesOf(config.content);
        if (node.includes("controller")) {
          for (const [path, mode] of Object.entries(CA_FILES)) expect(files[path], `${node} ${path}`).toBe(mode);
        } else {
          expect(Object.keys(files).filter((p) => p.startsWith("/var/lib/rancher/k3s/server") || p.endsWith(".key")), node).toEqual([]);
        }
      }
    });
  }

  it("no worker's config refers to a private key (synthesized resources)", () => {
    const { json } = synth(props());
    const workers = Object.values(json.resource.libvirt_ignition).filter((r) => String(r.name).includes("general"));
    expect(workers.length).toBeGreaterThan(0);
    for (const w of workers) {
      expect(JSON.stringify(w)).not.toContain("tls_private_key");
      expect(JSON.stringify(w)).not.toContain("server/tls");
    }
  });
});

describe("joining with the secure token", () => {
  // k3OS renders its keys as plain YAML, so the token each node gets is readable in the synthesized text.
  const { json } = synth(props({ os: OSES.k3os() }));
  const [serverCa] = one(json, "tls_self_signed_cert", "ca-server");
  // One local: K10 + the server CA certificate's SHA-256 + ::server: + the secret.
  const locals = (json as unknown as { locals: Record<string, string> }).locals;
  const joinLocal = Object.keys(locals).find((k) => k.includes("join-token"))!;
  // A reference, wherever the format puts it: inside a template (`${local.x}`) or as a function's argument (`jsonencode(local.x)`).
  const secure = `local.${joinLocal}`;
  it("the secure token is K10, the server CA certificate's SHA-256, ::server:, and the secret", () => {
    expect(locals[joinLocal]).toBe(`K10\${sha256(tls_self_signed_cert.${serverCa}.cert_pem)}::server:\${var.k3s_token}`);
  });
  // Each node's config, found through the `nodes` output's record of where it is.
  const configOf = (node: string): string => {
    const where = (json.output.nodes.value as Record<string, { config: { resource: string; attribute: string } }>)[node].config;
    const [type, name] = where.resource.split(".");
    return String(json.resource[type][name][where.attribute]);
  };

  it("the first server starts with the plain secret; joining servers and agents pin the server CA by its SHA-256", () => {
    const first = configOf("demo-controller-0");
    expect(first).toContain("var.k3s_token");
    expect(first).not.toContain("K10");
    expect(first).not.toContain("sha256(");
    for (const node of ["demo-controller-1", "demo-controller-2", "demo-general-0", "demo-general-1"]) expect(configOf(node), node).toContain(secure);
  });

  it("with k3s-generated CAs there are no tls resources, no kubeconfig output, and nodes join with the plain secret", () => {
    const { json: plain } = synth(props({ os: OSES.k3os(), kubernetes: { token: ClusterToken.fromVariable({ name: "k3s_token" }), certificates: ClusterCertificates.k3sGenerated() } }));
    expect(Object.keys(plain.resource).filter((t) => t.startsWith("tls_"))).toEqual([]);
    expect(Object.keys(plain.output).sort()).toEqual(["api_endpoint", "nodes", "token"]);
    expect(JSON.stringify(plain.resource)).not.toContain("K10");
  });
});

describe("server certificate names on AWS", () => {
  it("every controller's k3s serving certificate names the load balancer and the controller's own address", () => {
    const platform = AwsPlatform.newVpc({ cidr: "10.0.0.0/16", zones: ["eu-central-1a", "eu-central-1b"], imagePolicy: AwsImagePolicy.pin({ amd64: "ami-0123456789abcdef0" }), secretsInUserData: SecretsInUserData.ALLOW });
    const { cluster, json } = synth(props({ os: K3os.release("v0.22.2-k3s2r0", { amis: { amd64: "ami-0123456789abcdef0" } }), platform, controllers: { count: 3, size: "t3.medium" }, pools: [{ name: "general", count: 1, size: "t3.medium" }] }), true);
    const [lb] = one(json, "aws_lb", "");
    for (const node of ["demo-controller-0", "demo-controller-1", "demo-controller-2"]) {
      const [, instance] = one(json, "aws_instance", node);
      const userData = String(instance.user_data);
      expect(userData, node).toContain(`--tls-san=\${aws_lb.${lb}.dns_name}`);
      expect(userData, node).toContain(`--tls-san=${cluster.platform.addressOf(node)}`);
    }
  });

  it("k3OS on AWS is refused while its secrets would sit in user data, unless the platform opts in", () => {
    const platform = AwsPlatform.newVpc({ cidr: "10.0.0.0/16", zones: ["eu-central-1a", "eu-central-1b"] });
    expect(() => synth(props({ os: K3os.release("v0.22.2-k3s2r0", { amis: { amd64: "ami-0123456789abcdef0" } }), platform, controllers: { count: 1, size: "t3.medium" }, pools: [] }), true)).toThrow(
      "test/demo/aws-platform/nodes/demo-controller-0: secretsInUserData: the k3OS config.yaml holds the cluster's secrets (the k3s token and the CA keys) and this OS reads it only from EC2 user data, which anyone allowed ec2:DescribeInstanceAttribute can read. " +
        "Fix: use an OS that fetches its config from the cluster's private S3 object (an Ignition OS), or pass secretsInUserData: SecretsInUserData.ALLOW to the AWS platform to accept it",
    );
  });
});

describe("the k3s node model refuses", () => {
  const agent = { role: K3sRole.AGENT, token: "secret", version: K3S, serverUrl: "https://10.0.0.10:6443" } as const;
  it.each([
    ["a CA key on an agent", { ...agent, files: [{ path: k3sCaKeyPath(K3S_CERTIFICATE_AUTHORITIES[0]), content: "k", mode: 0o600 }] }, `k3s: k3s.files[0].path: ${k3sCaKeyPath(K3S_CERTIFICATE_AUTHORITIES[0])} is a server's CA file or a private key, which must not reach an agent. Fix: write CA keys on the servers only; agents trust the server CA through the token's hash`],
    ["any .key file on an agent", { ...agent, files: [{ path: "/etc/x/client.key", content: "k", mode: 0o600 }] }, "k3s: k3s.files[0].path: /etc/x/client.key is a server's CA file or a private key, which must not reach an agent. Fix: write CA keys on the servers only; agents trust the server CA through the token's hash"],
    ["a relative path", { ...agent, files: [{ path: "tls/x.crt", content: "c", mode: 0o644 }] }, 'k3s: k3s.files[0].path: "tls/x.crt" is not an absolute path. Fix: give a path starting with /'],
    ["a path twice", { ...agent, files: [{ path: "/etc/a", content: "c", mode: 0o644 }, { path: "/etc/a", content: "d", mode: 0o644 }] }, "k3s: k3s.files[1].path: /etc/a is written twice. Fix: give each file once"],
    ["a mode out of range", { ...agent, files: [{ path: "/etc/a", content: "c", mode: 0o10000 }] }, "k3s: k3s.files[0].mode: 4096 is not a file mode. Fix: give permission bits such as 0o600"],
  ])("%s", (_, node, message) => {
    expect(() => checkK3sNode(node)).toThrow(message);
  });
});

describe("output names", () => {
  it("are stable, and prefixed with the cluster id only when two clusters share a stack", () => {
    const stack = new TerraformStack(Testing.app(), "two");
    const token = () => ({ token: ClusterToken.fromVariable() });
    new Cluster(stack, "blue", props({ kubernetes: token() }));
    new Cluster(stack, "green", props({ kubernetes: token(), platform: LibvirtPlatform.local({ cidr: "10.18.0.0/24" }) }));
    const out = (JSON.parse(Testing.synth(stack)) as Json).output;
    expect(Object.keys(out).sort()).toEqual(
      ["blue", "green"].flatMap((c) => ["api_endpoint", "kubeconfig", "nodes", "token"].map((o) => `${c}_${o}`)).sort(),
    );
  });
});

describe("the terraform check's stand-ins for providers outside the offline mirror", () => {
  it("replace every tls resource by terraform_data, rewrite each reference to its output, and drop the tls provider", () => {
    const { json } = synth(props());
    const out = standInUnmirroredResources(json) as unknown as Json & { provider?: Record<string, unknown>; terraform?: { required_providers?: Record<string, unknown> } };
    expect(Object.keys(out.resource).filter((t) => t.startsWith("tls_"))).toEqual([]);
    expect(Object.keys(out.provider ?? {})).not.toContain("tls");
    expect(Object.keys(out.terraform?.required_providers ?? {})).not.toContain("tls");
    const text = JSON.stringify(out);
    // No reference to a tls resource is left (a resource key like "tls_private_key_..." under terraform_data is not one).
    expect(text).not.toMatch(/[({,]tls_[a-z_]+\.[A-Za-z0-9_-]+\.[a-z_]+/);
    expect(JSON.stringify(json)).toMatch(/[({,]tls_[a-z_]+\.[A-Za-z0-9_-]+\.[a-z_]+/);
    const [serverCa] = one(json, "tls_self_signed_cert", "ca-server");
    expect(out.resource.terraform_data[`tls_self_signed_cert_${serverCa}`]).toEqual({ input: { cert_pem: `stand-in for tls_self_signed_cert.${serverCa}.cert_pem` } });
    expect(String(out.output.kubeconfig.value)).toContain(`base64encode(terraform_data.tls_self_signed_cert_${serverCa}.output.cert_pem)`);
  });
});
