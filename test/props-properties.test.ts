/**
 * Random props, right and wrong (wrong types, enum spellings, hostile strings), thrown at the
 * Cluster on both platforms, at the platforms' factories and at the config builders (issue 18).
 * Every case either raises MicroOsError or synthesizes a stack whose every node config passes the
 * validators (Ignition: JSON schema and semantic checks, ignition-validate on a sample; k3OS:
 * strict schema and rules; libvirt: the provider schema). Never another exception.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "../lib/cdktf";
import { Cluster, type ClusterProps, ClusterToken } from "../lib/cluster";
import { MicroOsError } from "../lib/core/errors";
import { IgnitionConfig } from "../lib/ignition";
import { K3osConfig, type K3osConfigProps } from "../lib/k3os";
import { Flatcar, FlatcarChannel } from "../lib/os/flatcar";
import { K3sFlatcarInstall } from "../lib/os/flatcar/k3s";
import { K3os } from "../lib/os/k3os";
import { AwsPlatform } from "../lib/platform/aws";
import { LibvirtPlatform } from "../lib/platform/libvirt";
import { checkIgnition, checkLibvirtResources, locateIgnitionValidate, offlineAwsProviderConfig, synthStack, validateK3osConfig } from "../lib/testing";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINxxTXAsO5o3pBfyYS4NBMV3PninW6f7qwsyun4YP8GB admin@example";
const HOSTILE = ["", " ", "\n", "a\nb", "x\r", "\u0000", "\u2028", "../../etc/passwd", "/etc/../root", "${TfToken[TOKEN.1]}", "💥", "ß", "x".repeat(300), "__proto__", "constructor", "toString", "REPLACE", "Keep", "AMD64", "NoSchedule ", "qemu:///system", "10.0.0.0/16", "t3.medium", "2x4096", "-1", "NaN"];

/** A value of any JavaScript type, hostile strings included. */
const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.constantFrom(null, undefined, true, false, 0, -1, 1.5, NaN, Infinity, 2 ** 40, [], {}, () => 1, new Date(0), Symbol.iterator),
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -5, max: 70 }),
  fc.array(fc.constantFrom("a", 1, null), { maxLength: 2 }),
);
/** Mostly `good`, sometimes junk, sometimes absent. */
const maybe = <T>(good: fc.Arbitrary<T>, weight = 30): fc.Arbitrary<T | unknown> => fc.oneof({ arbitrary: good, weight }, { arbitrary: junk, weight: 1 }, { arbitrary: fc.constant(undefined), weight: 6 });
/** Mostly one of `good`, sometimes one of `bad`. */
const gb = <T>(good: readonly T[], bad: readonly T[]): fc.Arbitrary<T> => fc.oneof({ arbitrary: fc.constantFrom(...good), weight: 12 }, { arbitrary: fc.constantFrom(...bad), weight: 1 });
const name = fc.constantFrom("general", "gpu", "a", "edge-1");

// Sizes: the cluster picks the platform's spelling (below); these are the odd ones.
const SIZE = fc.constant(undefined) as fc.Arbitrary<string | undefined>;

const poolArb = fc.record(
  {
    name: maybe(name, 12),
    count: maybe(fc.integer({ min: 0, max: 2 })),
    size: maybe(SIZE),
    architecture: maybe(gb(["amd64"], ["arm64", "AMD64"])),
    labels: maybe(fc.dictionary(gb(["tier", "example.com/role"], ["Bad Key"]), gb(["web", ""], ["a b", "x\ny"]), { maxKeys: 2 })),
    taints: maybe(fc.array(fc.record({ key: gb(["gpu", "dedicated"], [""]), effect: gb(["NoSchedule", "NoExecute"], ["noschedule"]) }), { maxLength: 1 })),
    spot: maybe(fc.boolean()),
    diskGib: maybe(fc.integer({ min: 0, max: 60 })),
    extra: fc.oneof({ arbitrary: fc.constant(undefined), weight: 20 }, { arbitrary: junk, weight: 1 }),
  },
  { requiredKeys: ["name"] },
).map(({ extra, ...p }) => (extra === undefined ? p : { ...p, lables: extra }));

const kubernetesArb = fc.record({
  token: maybe(fc.constantFrom(ClusterToken.fromVariable(), ClusterToken.fromVariable({ name: "k3s_token" })) as fc.Arbitrary<unknown>, 10),
  disable: maybe(fc.uniqueArray(gb(["traefik", "servicelb"], ["Traefik"]), { maxLength: 2 })),
  serverArgs: maybe(fc.array(gb(["--write-kubeconfig-mode=0644"], ["a\nb"]), { maxLength: 1 })),
  agentArgs: maybe(fc.array(gb(["--node-label=x=y"], [""]), { maxLength: 1 })),
});

const clusterBody = fc.record({
  controllers: maybe(fc.record({ count: maybe(gb([1, 3], [2, 0])), size: maybe(SIZE), diskGib: maybe(fc.integer({ min: 0, max: 40 })) })),
  pools: maybe(fc.array(poolArb, { maxLength: 2 })),
  kubernetes: maybe(kubernetesArb, 8),
  sshKeys: maybe(fc.uniqueArray(gb([KEY], ["ssh-rsa AAAA", "github:octocat"]), { maxLength: 2 })),
  access: fc.oneof({ arbitrary: fc.constant(undefined), weight: 6 }, { arbitrary: fc.record({ apiCidrs: maybe(fc.array(gb(["203.0.113.0/24"], ["203.0.113.7", "2001:db8::/32"]), { maxLength: 1 })) }), weight: 1 }),
});

const flatcar = () => Flatcar.channel(FlatcarChannel.STABLE, { k3sInstall: K3sFlatcarInstall.sysext({ version: "v1.36.4+k3s1", sha256: { amd64: "ab".repeat(32), arm64: "cd".repeat(32) } }) });
const k3os = () => K3os.release(undefined, { amis: { amd64: "ami-0123456789abcdef0", arm64: "ami-0fedcba9876543210" } });

const libvirtArb = fc.record({
  uri: maybe(gb(["qemu:///system", "qemu+ssh://root@host/system"], ["qemu:///sytem", "kvm:///system"])),
  cidr: maybe(gb(["10.17.3.0/24", "192.168.150.0/24"], ["10.17.3.1/24", "10.42.0.0/16"])),
  shareWorkerConfigs: maybe(fc.boolean()),
  controllerReplacement: maybe(gb(["keep", "replace"], ["REPLACE"])),
  poolPath: maybe(gb(["/var/lib/libvirt/images/x"], ["images/x", "/a/../b"])),
});

const awsArb = fc.oneof(
  fc.record({
    kind: fc.constant("new" as const),
    props: fc.record({
      cidr: maybe(gb(["10.0.0.0/16", "10.0.0.0/24"], ["10.42.0.0/16", "10.0.0.1/16"]), 10),
      zones: maybe(gb<unknown>([1, 2, ["eu-central-1a"]], [["eu-central-1a", "eu-central-1a"]]), 10),
      keyName: maybe(gb(["ops", "ops key"], ["schlüssel", "x\n"])),
      controllerReplacement: maybe(gb(["keep", "replace"], ["Replace"])),
      workerPlacement: maybe(gb(["autoscaling-group", "instances"], ["asg"])),
      tags: maybe(fc.dictionary(gb(["team"], ["aws:x"]), gb(["a"], ["x\ny"]), { maxKeys: 1 })),
    }),
  }),
  fc.record({
    kind: fc.constant("existing" as const),
    props: fc.record({
      vpcId: maybe(gb(["vpc-0123456789abcdef0"], ["vpc-1"]), 10),
      vpcCidr: maybe(fc.constantFrom("10.1.0.0/16"), 10),
      privateSubnets: maybe(fc.array(fc.record({ id: fc.constantFrom("subnet-0123456789abcdef0", "subnet-0123456789abcdef1"), cidr: gb(["10.1.8.0/24", "10.1.9.0/24"], ["10.2.0.0/24", "10.1.8.0/22"]) }), { minLength: 1, maxLength: 2 }), 10),
    }),
  }),
);

const haveValidate = locateIgnitionValidate() !== undefined;
let sample = 0;

/** Synthesizes and validates every node config; returns the problems. */
function validateStack(stack: TerraformStack, libvirt: boolean): string[] {
  const synth = synthStack(stack);
  const problems: string[] = [];
  if (libvirt) problems.push(...checkLibvirtResources(synth.json));
  for (const n of synth.nodes()) {
    if (n.kind === "ignition") {
      // ignition-validate is a process per config: run it on one config in 40 to keep the time.
      const opts = { ignitionValidate: haveValidate && sample++ % 40 === 0 };
      problems.push(...checkIgnition(n._resolved.text, opts).map((p) => `${n.name}: ${p}`));
      if (n._resolved.stub !== undefined) problems.push(...checkIgnition(n._resolved.stub, opts).map((p) => `${n.name} (stub): ${p}`));
    } else {
      problems.push(...validateK3osConfig(n._resolved.text).map((p) => `${n.name}: ${p}`));
    }
  }
  return problems;
}

/** Runs `build`; the only exception allowed is MicroOsError. Returns "refused", or the problems of what it built. */
function outcome(build: () => string[]): "refused" | string[] {
  try {
    return build();
  } catch (e) {
    if (e instanceof MicroOsError) {
      if (process.env.PROPS_DEBUG) console.log(e.message);
      return "refused";
    }
    throw new Error(`not a MicroOsError: ${(e as Error)?.stack ?? String(e)}`);
  }
}

type Tally = { refused: number; built: number };
const tallies: Record<string, Tally> = {};
function property(kind: string, result: "refused" | string[]): void {
  const tally = (tallies[kind] ??= { refused: 0, built: 0 });
  if (result === "refused") tally.refused++;
  else {
    tally.built++;
    expect(result).toEqual([]);
  }
}

const RUNS = Number(process.env.PROPS_RUNS ?? 1);

describe("random props", () => {
  afterAll(() => {
    // The split between refused and built cases, for the record (docs/refusals.md).
    console.log(`props-properties: ${Object.entries(tallies).map(([k, t]) => `${k} ${t.refused} refused / ${t.built} built`).join("; ")}`);
  });
  it("a Cluster on libvirt: refused with MicroOsError, or every config valid", () => {
    fc.assert(
      fc.property(clusterBody, libvirtArb, fc.boolean(), (body, lv, useK3os) =>
        property("libvirt", outcome(() => {
          const stack = new TerraformStack(Testing.app(), "test");
          const platform = LibvirtPlatform.local(lv as never);
          new Cluster(stack, "demo", { os: useK3os ? k3os() : flatcar(), platform, ...(body as object) } as ClusterProps);
          return validateStack(stack, true);
        })),
      ),
      { numRuns: 300 * RUNS },
    );
    expect(tallies.libvirt.built).toBeGreaterThan(20);
    expect(tallies.libvirt.refused).toBeGreaterThan(20);
  }, 120_000);

  it("a joining k3OS server's config passes the k3OS validator (its secure token is one local, read as K10<hash>::server:<secret>)", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    new Cluster(stack, "demo", { os: k3os(), platform: LibvirtPlatform.local({}), controllers: { count: 3 }, kubernetes: { token: ClusterToken.fromVariable() } });
    expect(validateStack(stack, true)).toEqual([]);
  });

  it("a Cluster on AWS: refused with MicroOsError, or every config valid", () => {
    fc.assert(
      fc.property(clusterBody, awsArb, (body, aws) =>
        property("aws", outcome(() => {
          const stack = new TerraformStack(Testing.app(), "test");
          new AwsProvider(stack, "aws", offlineAwsProviderConfig());
          const platform = aws.kind === "new" ? AwsPlatform.newVpc(aws.props as never) : AwsPlatform.existingVpc(aws.props as never);
          // Flatcar only: k3OS on AWS carries the token in user data, which the platform refuses unless allowed.
          new Cluster(stack, "demo", { os: flatcar(), platform, ...(body as object) } as ClusterProps);
          return validateStack(stack, false);
        })),
      ),
      { numRuns: 500 * RUNS },
    );
    expect(tallies.aws.built).toBeGreaterThan(10);
    expect(tallies.aws.refused).toBeGreaterThan(100);
  }, 120_000);

  it("the platform factories and OS factories: MicroOsError or an object", () => {
    const arb = fc.oneof(
      fc.record({ f: fc.constant("libvirt"), p: fc.oneof(libvirtArb as fc.Arbitrary<unknown>, junk) }),
      fc.record({ f: fc.constant("newVpc"), p: fc.oneof(awsArb.map((a) => a.props) as fc.Arbitrary<unknown>, junk) }),
      fc.record({ f: fc.constant("existingVpc"), p: fc.oneof(awsArb.map((a) => a.props) as fc.Arbitrary<unknown>, junk) }),
      fc.record({ f: fc.constant("flatcar"), p: fc.oneof(fc.record({ timezone: maybe(fc.constantFrom("Europe/Berlin", "Mars/Base")), ntpServers: maybe(fc.array(fc.constantFrom("time.example", "a b"), { maxLength: 2 })) }) as fc.Arbitrary<unknown>, junk) }),
      fc.record({ f: fc.constant("k3os"), p: fc.oneof(fc.record({ delivery: maybe(fc.constantFrom("user-data", "USER_DATA")) }) as fc.Arbitrary<unknown>, junk) }),
      fc.record({ f: fc.constant("token"), p: fc.oneof(fc.record({ length: maybe(fc.integer({ min: 0, max: 2000 })) }) as fc.Arbitrary<unknown>, junk) }),
      // Anything at all (odd keys such as __proto__ and constructor, nested junk) as the Cluster's props.
      fc.record({ f: fc.constant("cluster"), p: fc.anything({ withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, maxDepth: 3 }) }),
      fc.record({ f: fc.constant("k3osConfig"), p: fc.anything({ withNullPrototype: true, maxDepth: 3 }) }),
    );
    fc.assert(
      fc.property(arb, ({ f, p }) =>
        property("factories", outcome(() => {
          const made =
            f === "libvirt" ? LibvirtPlatform.local(p as never)
            : f === "newVpc" ? AwsPlatform.newVpc(p as never)
            : f === "existingVpc" ? AwsPlatform.existingVpc(p as never)
            : f === "flatcar" ? Flatcar.channel(FlatcarChannel.STABLE, p as never)
            : f === "k3os" ? K3os.release(undefined, p as never)
            : f === "cluster" ? new Cluster(new TerraformStack(Testing.app(), "test"), "demo", { os: flatcar(), platform: LibvirtPlatform.local({}), ...(typeof p === "object" ? p : {}), ...(typeof p === "object" ? {} : { controllers: p }) } as ClusterProps)
            : f === "k3osConfig" ? new K3osConfig(p as never)
            : ClusterToken.random(p as never);
          expect(made).toBeTypeOf("object");
          return [];
        })),
      ),
      { numRuns: 700 * RUNS },
    );
    expect(tallies.factories.built).toBeGreaterThan(50);
    expect(tallies.factories.refused).toBeGreaterThan(50);
  });

  it("the config builders: MicroOsError, or a config that passes its validator", () => {
    const k3osProps = fc.record({
      hostname: maybe(fc.constantFrom("node-1", "Node_1", "")),
      dnsNameservers: maybe(fc.array(fc.constantFrom("1.1.1.1", "2606:4700:4700::1111", "dns.google", "1.1.1.1:53"), { maxLength: 2 })),
      ntpServers: maybe(fc.array(fc.constantFrom("time.cloudflare.com", "192.0.2.1", "ntp://x", "a\nb"), { maxLength: 2 })),
      writeFiles: maybe(fc.array(fc.record({ path: fc.constantFrom("/etc/motd", "/etc/../x", "etc/x", "/var/lib/a"), content: fc.oneof(fc.string({ maxLength: 8 }), fc.constant("two\nlines")) }), { maxLength: 2 })),
      environment: maybe(fc.dictionary(fc.constantFrom("A", "HTTP_PROXY", "1X"), fc.constantFrom("1", "", "a\nb"), { maxKeys: 2 })),
      sysctls: maybe(fc.dictionary(fc.constantFrom("vm.swappiness", "bad key"), fc.constantFrom("1", "x\ny"), { maxKeys: 1 })),
      wifi: maybe(fc.array(fc.record({ name: fc.constantFrom("home", ""), passphrase: fc.constantFrom("secret123", "a\nb") }), { maxLength: 1 })),
      labels: maybe(fc.dictionary(fc.constantFrom("tier", "Bad Key"), fc.constantFrom("web", "a\nb"), { maxKeys: 1 })),
    });
    fc.assert(
      fc.property(fc.oneof({ arbitrary: k3osProps as fc.Arbitrary<unknown>, weight: 4 }, { arbitrary: junk, weight: 1 }), fc.boolean(), (p, ignition) =>
        property("builders", outcome(() => {
          if (ignition) {
            const c = new IgnitionConfig({ name: "random" });
            const q = (p ?? {}) as Record<string, unknown>;
            if (q.hostname !== undefined) c.addFile(`/etc/hostname`, q.hostname as string);
            // Junk entries go to the builder as they are: it must refuse them itself.
            for (const f of (Array.isArray(q.writeFiles) ? q.writeFiles : []) as ({ path: string; content: string } | null)[]) c.addFile(f?.path as string, f?.content as string);
            return checkIgnition(c.render(), { ignitionValidate: false });
          }
          const text = new K3osConfig(p as K3osConfigProps).render();
          return validateK3osConfig(text);
        })),
      ),
      { numRuns: 600 * RUNS },
    );
    // Both kinds of outcome occur, so the property tests something either way.
    expect(tallies.builders.refused).toBeGreaterThan(100);
    expect(tallies.builders.built).toBeGreaterThan(50);
  });
});
