/**
 * Clusters the testing kit's own tests synthesize: both OSes on both platforms, built with the
 * public Cluster API as a user would.
 */
import { createHash } from "node:crypto";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "../lib/cdktf";
import { Cluster, ClusterCertificates, ClusterToken } from "../lib/cluster";
import { IGNITION_FORMAT } from "../lib/ignition";

// The kit's clusters let k3s make its CAs: their tests count the apply-time values a node holds,
// and the Terraform-made CAs (the default) add one per CA file; test/cluster-certificates.test.ts
// covers those.
const K3S_CAS = ClusterCertificates.k3sGenerated();
import { K3sFlatcarInstall } from "../lib/os/flatcar/k3s";
import { Flatcar, FlatcarChannel } from "../lib/os/flatcar";
import { K3os } from "../lib/os/k3os";
import { AwsPlatform, SecretsInUserData, WorkerPlacement } from "../lib/platform/aws";
import { LibvirtPlatform } from "../lib/platform/libvirt";
import { offlineAwsProviderConfig } from "../lib/testing/terraform";

/** A well-formed ssh-ed25519 public key line (nobody's key). */
export const SSH_KEY = (() => {
  const part = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  const blob = Buffer.concat([part(Buffer.from("ssh-ed25519")), part(createHash("sha256").update("testing kit key").digest())]);
  return `ssh-ed25519 ${blob.toString("base64")} admin@example`;
})();

export const CA_PATH = "/etc/ssl/certs/example-ca.pem";
export const CA_TEXT = "-----BEGIN CERTIFICATE-----\nMIIBexample\n-----END CERTIFICATE-----\n";
export const SYSEXT_BYTES = "stand-in for the k3s sysext image\n";
export const SYSEXT_SHA256 = createHash("sha256").update(SYSEXT_BYTES).digest("hex");
export const SYSEXT_URL = "https://extensions.flatcar.org/extensions/k3s-v1.36.4+k3s1-x86-64.raw";
export const AMI = "ami-0123456789abcdef0";

/** Deterministic text gzip cannot shrink (pushes a config over EC2's 16 KB user data). */
export function incompressible(bytes: number): string {
  const chunks: Buffer[] = [];
  let h = Buffer.from("kit");
  for (let n = 0; n < bytes; n += 32) {
    h = createHash("sha256").update(h).digest();
    chunks.push(h);
  }
  return Buffer.concat(chunks).toString("base64").slice(0, bytes);
}

export interface KitCluster {
  readonly stack: TerraformStack;
  readonly cluster: Cluster;
}

function stackFor(aws: boolean): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "kit");
  if (aws) new AwsProvider(stack, "aws", offlineAwsProviderConfig());
  return stack;
}

const flatcarOs = () =>
  Flatcar.channel(FlatcarChannel.STABLE, { k3sInstall: K3sFlatcarInstall.sysext({ version: "v1.36.4+k3s1", sha256: { amd64: SYSEXT_SHA256 } }) });

/** Flatcar on libvirt: 3 controllers, pool "general" of 2, the CA file on the pool. */
export function flatcarLibvirt(): KitCluster {
  const stack = stackFor(false);
  const cluster = new Cluster(stack, "demo", {
    os: flatcarOs(),
    platform: LibvirtPlatform.local(),
    controllers: { count: 3 },
    pools: [{ name: "general", count: 2 }],
    kubernetes: { k3sVersion: "v1.36.4+k3s1", certificates: K3S_CAS },
    sshKeys: [SSH_KEY],
  });
  cluster.pool("general").config(IGNITION_FORMAT).addFile(CA_PATH, CA_TEXT, { mode: 0o644 });
  return { stack, cluster };
}

/**
 * Flatcar on AWS, token from a variable: 3 controllers (the first one's config pushed over 16 KB,
 * so it goes through S3), pool "general" of 2. The kit's tests place workers as instances: with
 * the default autoscaling group, the Cluster at this commit renders each pool member's k3s config
 * through its own base64encode token, and the AWS binding refuses the pool as "different
 * configs". A Flatcar pool's launch template is covered with the AWS fixtures' oversize stack.
 */
export function flatcarAws(placement?: WorkerPlacement): KitCluster {
  const stack = stackFor(true);
  const cluster = new Cluster(stack, "demo", {
    os: flatcarOs(),
    platform: AwsPlatform.newVpc({ cidr: "10.0.0.0/16", zones: ["eu-central-1a", "eu-central-1b", "eu-central-1c"], workerPlacement: placement }),
    controllers: { count: 3, size: "t3.medium" },
    pools: [{ name: "general", count: 2, size: "t3.large" }],
    kubernetes: { k3sVersion: "v1.36.4+k3s1", token: ClusterToken.fromVariable(), certificates: K3S_CAS },
    sshKeys: [SSH_KEY],
  });
  cluster.pool("general").config(IGNITION_FORMAT).addFile(CA_PATH, CA_TEXT, { mode: 0o644 });
  cluster.pool("controllers").nodeConfig("demo-controller-0", IGNITION_FORMAT).addFile("/opt/padding.txt", incompressible(20_000));
  return { stack, cluster };
}

/** k3OS on libvirt (config ISO): 1 controller, pool "general" of 2. */
export function k3osLibvirt(): KitCluster {
  const stack = stackFor(false);
  const cluster = new Cluster(stack, "demo", {
    os: K3os.release("v0.22.2-k3s2r0"),
    platform: LibvirtPlatform.local(),
    controllers: { count: 1 },
    pools: [{ name: "general", count: 2 }],
    kubernetes: { k3sVersion: "v1.22.2+k3s2", certificates: K3S_CAS },
    sshKeys: [SSH_KEY],
  });
  return { stack, cluster };
}

/** k3OS on AWS from a given AMI: 1 controller, pool "general" of 2 in an autoscaling group. */
export function k3osAws(): KitCluster {
  const stack = stackFor(true);
  const cluster = new Cluster(stack, "demo", {
    os: K3os.release("v0.22.2-k3s2r0", { amis: { amd64: AMI } }),
    // k3OS reads only user data, where its token and CA keys then sit: the opted-in exception.
    platform: AwsPlatform.newVpc({ cidr: "10.1.0.0/16", zones: ["eu-central-1a", "eu-central-1b"], secretsInUserData: SecretsInUserData.ALLOW }),
    controllers: { count: 1, size: "t3.medium" },
    pools: [{ name: "general", count: 2, size: "t3.large" }],
    kubernetes: { k3sVersion: "v1.22.2+k3s2", certificates: K3S_CAS },
    sshKeys: [SSH_KEY],
  });
  return { stack, cluster };
}

/** The message of a failing assertion; fails when the assertion passes. */
export function failure(assertion: () => void): string {
  try {
    assertion();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected the assertion to fail, and it passed");
}
