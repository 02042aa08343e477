import { gzipSync } from "node:zlib";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { describe, expect, it } from "vitest";
import { WorkerPlacement } from "../lib/platform/aws";
import { NodeDeliveryKind, SynthResult, synthCluster, synthStack } from "../lib/testing";
import { oversize } from "./fixtures/aws/scenarios";
import { CA_PATH, CA_TEXT, flatcarAws, flatcarLibvirt, k3osAws, k3osLibvirt, SSH_KEY } from "./testing-kit-clusters";

// What synthStack finds in a stack: every node's config, decoded from however it was delivered.

const fl = synthCluster(flatcarLibvirt().stack);
const fa = synthCluster(flatcarAws(WorkerPlacement.INSTANCES).stack);
const kl = synthCluster(k3osLibvirt().stack);
const ka = synthCluster(k3osAws().stack);

describe("synthStack", () => {
  it("returns the stack's Terraform JSON, parsed and as text", () => {
    expect(fl.json).toHaveProperty("resource.libvirt_domain");
    expect(JSON.parse(fl.text)).toEqual(fl.json);
  });

  it("runs the stack's validations, so a construct's validation error fails the synth", () => {
    const { stack } = flatcarLibvirt();
    stack.node.addValidation({ validate: () => ["the kit test's own validation failed"] });
    expect(() => synthStack(stack)).toThrow(/the kit test's own validation failed/);
  });

  it("lists resources of a type by its Terraform name or its generated class", () => {
    expect(fa.resources("aws_security_group").map((r) => r.type)).toEqual(["aws_security_group", "aws_security_group", "aws_security_group"]);
    expect(fa.resources(SecurityGroup)).toEqual(fa.resources("aws_security_group"));
  });

  it("finds one resource by a part of its key, with its Terraform address", () => {
    const sg = fa.resource("aws_security_group", "security_workers");
    expect(sg.address).toBe(`aws_security_group.${sg.name}`);
    expect(sg.name).toContain("security_workers");
  });

  it("lists data sources with their data. addresses", () => {
    expect(fa.dataSources("aws_ami").map((d) => d.address)).toEqual([expect.stringMatching(/^data\.aws_ami\..*flatcar-stable-amd64/)]);
  });

  it("finds one resource by a predicate", () => {
    const r = fa.resource("aws_instance", (x) => (x.values.tags as Record<string, string>)["microos/node"] === "demo-general-1");
    expect(r.values.instance_type).toBe("t3.large");
  });

  it("refuses a name that matches no resource, listing the keys", () => {
    expect(() => fa.resource("aws_security_group", "nothing-like-this")).toThrow(/no aws_security_group matches "nothing-like-this"; the stack has .*security_api/);
  });

  it("refuses a name that matches several resources", () => {
    expect(() => fa.resource("aws_security_group", "security")).toThrow(/3 aws_security_group resources match "security": .*; give a longer part of the key/);
  });

  it("refuses a node name the stack does not have, listing the names", () => {
    expect(() => fl.node("demo-general-9")).toThrow('the stack has no node called "demo-general-9"; it has demo-controller-0, demo-controller-1, demo-controller-2, demo-general-0, demo-general-1');
  });

  it("wraps JSON that was synthesized elsewhere", () => {
    const again = SynthResult.fromJson(fl.text);
    expect(again.nodes().map((n) => n.name)).toEqual(fl.nodes().map((n) => n.name));
  });
});

describe("nodes of Flatcar on libvirt", () => {
  it("are every machine, by name, read from libvirt_ignition", () => {
    expect(fl.nodes().map((n) => [n.name, n.kind, n.delivery.kind])).toEqual(
      ["demo-controller-0", "demo-controller-1", "demo-controller-2", "demo-general-0", "demo-general-1"].map((n) => [n, "ignition", NodeDeliveryKind.LIBVIRT_IGNITION]),
    );
    expect(fl.node("demo-general-0").delivery.resource).toMatch(/^libvirt_ignition\.demo_Libvirt_Machine-demo-general-0_Ignition_/);
  });

  it("decode data URL contents to text", () => {
    expect(fl.node("demo-general-0").file(CA_PATH)).toMatchObject({ contents: CA_TEXT, mode: 0o644 });
    expect(fl.node("demo-general-0").file("/etc/hostname")?.contents).toBe("demo-general-0\n");
  });

  it("show the apply-time token as a readable placeholder inside the base64 k3s config", () => {
    const n = fl.node("demo-general-0");
    expect(n.applyTime).toEqual(["random_password.demo_ClusterToken_6F8241A7.result"]);
    expect(n.file("/etc/rancher/k3s/config.yaml")?.contents).toContain("token: |-\n  <apply-time: random_password.demo_ClusterToken_6F8241A7.result>\n");
  });

  it("keep the Ignition object readable: the placeholder is in the re-encoded data URL, no ${...} left", () => {
    const n = fl.node("demo-general-0");
    expect(n.text).not.toContain("${");
    expect(decodeURIComponent(JSON.stringify(n.config))).toContain("<apply-time: random_password.demo_ClusterToken_6F8241A7.result>");
  });

  it("name remote files by their URL instead of contents", () => {
    const f = fl.node("demo-controller-0").file("/opt/extensions/k3s/k3s-v1.36.4+k3s1-x86-64.raw");
    expect(f).toMatchObject({ source: "https://extensions.flatcar.org/extensions/k3s-v1.36.4+k3s1-x86-64.raw", contents: undefined });
  });

  it("count a unit enabled by a .wants link (the sysext's k3s unit) as enabled", () => {
    expect(fl.node("demo-general-0").unit("k3s-agent.service")).toEqual({ name: "k3s-agent.service", enabled: true, mask: false, dropins: {} });
    expect(fl.node("demo-controller-0").unit("k3s.service")?.enabled).toBe(true);
  });

  it("list users with their keys", () => {
    expect(fl.node("demo-controller-1").user("core")?.sshAuthorizedKeys).toEqual([SSH_KEY]);
  });
});

describe("nodes of Flatcar on AWS", () => {
  it("read each instance's user data, tagged with the node's name, through the stub it holds", () => {
    expect(fa.node("demo-controller-1").delivery).toMatchObject({ kind: NodeDeliveryKind.S3_OFFLOAD, resource: expect.stringMatching(/^aws_instance\..*demo-controller-1_machine_/) });
  });

  it("read a k3OS instance's user data as the config itself", () => {
    expect(ka.node("demo-controller-0").delivery).toEqual({ kind: NodeDeliveryKind.USER_DATA, resource: expect.stringMatching(/^aws_instance\..*demo-controller-0_machine_/) });
  });

  it("follow an S3 stub to the aws_s3_object holding the full config", () => {
    const n = fa.node("demo-controller-0");
    expect(n.delivery).toEqual({
      kind: NodeDeliveryKind.S3_OFFLOAD,
      resource: expect.stringMatching(/^aws_instance\./),
      object: expect.stringMatching(/^aws_s3_object\..*nodes-demo-controller-0-ign/),
      url: expect.stringMatching(/^s3:\/\/<apply-time: aws_s3_bucket\.[^>]+\.bucket>\/nodes\/demo-controller-0\.ign$/),
    });
    expect(n.file("/etc/hostname")?.contents).toBe("demo-controller-0\n");
    expect(n.file("/opt/padding.txt")?.contents?.length).toBe(20_000);
  });

  it("show the variable token and the load balancer's name as placeholders", () => {
    const n = fa.node("demo-general-0");
    // The config itself holds the two; the stub and its S3 object add the bucket they are kept in.
    expect(n.applyTime).toEqual([
      "aws_lb.demo_aws-platform_api_6394DBF5.dns_name",
      "aws_s3_bucket.demo_aws-platform_config_F65DF102.bucket",
      "aws_s3_bucket.demo_aws-platform_config_F65DF102.id",
      "var.demo_ClusterToken_6F8241A7",
    ]);
    expect(n.file("/etc/rancher/k3s/config.yaml")?.contents).toMatch(
      /^server: \|-\n {2}https:\/\/<apply-time: aws_lb\.demo_aws-platform_api_6394DBF5\.dns_name>:6443\ntoken: \|-\n {2}<apply-time: var\.demo_ClusterToken_6F8241A7>\n/,
    );
  });
});

describe("an AWS pool in an autoscaling group", () => {
  it("is one node named after the pool, read from its launch template's base64 user data", () => {
    const pool = ka.node("general");
    expect([pool.name, pool.pool, pool.delivery.kind]).toEqual(["general", "general", NodeDeliveryKind.LAUNCH_TEMPLATE]);
    expect(pool.delivery.resource).toMatch(/^aws_launch_template\./);
    expect(pool.describe()).toMatch(/^pool general \(aws_launch_template\..*, launch-template\)$/);
  });

  it("is named in the error for a machine name the stack does not have as a node", () => {
    expect(() => ka.node("demo-general-0")).toThrow(
      'the stack has no node called "demo-general-0"; it has demo-controller-0, general (an AWS pool in an autoscaling group is one node named after the pool: general)',
    );
  });

  it("whose config goes through S3 is followed from the launch template's stub", () => {
    const json = oversize.build().json as unknown as Record<string, unknown>;
    const large = SynthResult.fromJson(json).node("large");
    expect(large.delivery.kind).toBe(NodeDeliveryKind.S3_OFFLOAD);
    expect(large.delivery.resource).toMatch(/^aws_launch_template\./);
    expect(large.file("/opt/padding.txt")?.contents).toHaveLength(24_000);
  });
});

describe("nodes of k3OS", () => {
  it("on libvirt are read from the config ISO's user data", () => {
    expect(kl.nodes().map((n) => [n.name, n.kind, n.delivery.kind])).toEqual(
      ["demo-controller-0", "demo-general-0", "demo-general-1"].map((n) => [n, "k3os", NodeDeliveryKind.CONFIG_ISO]),
    );
  });

  it("hold the parsed config with the token as a placeholder", () => {
    expect(kl.node("demo-general-0").value("k3os.token")).toBe("<apply-time: random_password.demo_ClusterToken_6F8241A7.result>");
    expect(kl.node("demo-general-0").value("k3os.k3s_args.0")).toBe("agent");
  });

  it("give the ssh keys to rancher, k3OS's user", () => {
    expect(ka.node("demo-controller-0").user("rancher")?.sshAuthorizedKeys).toEqual([SSH_KEY]);
  });

  it("on AWS read instance user data as YAML, placeholders inside plain scalars kept", () => {
    expect(ka.node("general").value("k3os.server_url")).toBe("https://<apply-time: aws_lb.demo_aws-platform_api_6394DBF5.dns_name>:6443");
  });

  it("decode write_files contents (base64, gzip+base64), octal permissions and owner", () => {
    const json = JSON.parse(kl.text);
    const iso = Object.keys(json.resource.libvirt_cloudinit_disk)[0];
    const b64 = Buffer.from("hello\n").toString("base64");
    const gz = gzipSync(Buffer.from("hello from gzip\n")).toString("base64");
    json.resource.libvirt_cloudinit_disk[iso].user_data +=
      `write_files:\n- path: /etc/motd\n  content: ${b64}\n  encoding: b64\n  permissions: "0644"\n  owner: root:root\n` +
      `- path: /etc/issue\n  content: ${gz}\n  encoding: gz+b64\n`;
    const n = SynthResult.fromJson(json).nodes()[0];
    expect(n.file("/etc/motd")).toMatchObject({ contents: "hello\n", mode: 0o644, user: "root", group: "root" });
    expect(n.file("/etc/issue")?.contents).toBe("hello from gzip\n");
  });
});

describe("the kit on libvirt stacks without the cluster's records (hand-built machines)", () => {
  // The records are the cluster's `nodes` output; without it the kit finds each domain's config by
  // following what the domain reads: the uploaded volume, then the file written into it.
  const bare = (r: SynthResult) => {
    const { output: _records, ...json } = r.json as Record<string, unknown>;
    return SynthResult.fromJson(json);
  };

  it("reads every Flatcar node from the libvirt_ignition its fw_cfg entry's volume was uploaded from", () => {
    const b = bare(fl);
    expect(b.nodes().map((n) => [n.name, n.kind, n.delivery.kind])).toEqual(fl.nodes().map((n) => [n.name, "ignition", NodeDeliveryKind.LIBVIRT_IGNITION]));
    expect(b.nodes().map((n) => n.delivery.resource)).toEqual(fl.nodes().map((n) => n.delivery.resource));
    expect(b.node("demo-general-0").file(CA_PATH)).toMatchObject({ contents: CA_TEXT, mode: 0o644 });
  });

  it("reads every k3OS node from the libvirt_cloudinit_disk its config CD-ROM was uploaded from", () => {
    const b = bare(kl);
    expect(b.nodes().map((n) => [n.name, n.kind, n.delivery.kind, n.text])).toEqual(kl.nodes().map((n) => [n.name, "k3os", NodeDeliveryKind.CONFIG_ISO, n.text]));
    expect(b.node("demo-general-0").value("k3os.k3s_args.0")).toBe("agent");
  });
});
