import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { describe, expect, it, vi } from "vitest";
import { WorkerPlacement } from "../lib/platform/aws";
import { installMatchers, SynthResult, synthStack } from "../lib/testing";
import { CA_PATH, CA_TEXT, failure, flatcarAws, flatcarLibvirt, k3osAws, k3osLibvirt, SSH_KEY } from "./testing-kit-clusters";

installMatchers(expect);

const fl = synthStack(flatcarLibvirt().stack);
const fa = synthStack(flatcarAws(WorkerPlacement.INSTANCES).stack);
const kl = synthStack(k3osLibvirt().stack);
const ka = synthStack(k3osAws().stack);

/** The message an assertion fails with; fails the test when it passes. */
describe("installMatchers", () => {
  it("can be called again without harm", () => {
    installMatchers(expect);
    expect(fl.node("demo-general-0")).toHaveFile("/etc/hostname");
  });
});

describe("toHaveFile", () => {
  it("passes for a file with the given contents and mode", () => {
    expect(fl.node("demo-general-0")).toHaveFile(CA_PATH, { contents: CA_TEXT, mode: 0o644 });
  });

  it("passes for contents matched by an asymmetric matcher or a regular expression", () => {
    expect(fa.node("demo-general-0")).toHaveFile("/etc/rancher/k3s/config.yaml", { contents: expect.stringContaining("<apply-time: var.demo_ClusterToken_6F8241A7>") });
    expect(fa.node("demo-general-0")).toHaveFile("/etc/rancher/k3s/config.yaml", { contents: /^node-name: demo-general-0$/m });
  });

  it("passes on every node of a list, and on a whole synth", () => {
    expect(fl.nodes()).toHaveFile("/etc/hostname", { mode: 0o644 });
    expect(fl).toHaveFile("/etc/flatcar/update.conf");
  });

  it("reads a k3OS node's write_files", () => {
    const json = JSON.parse(kl.text);
    const iso = Object.keys(json.resource.libvirt_cloudinit_disk)[0];
    json.resource.libvirt_cloudinit_disk[iso].user_data += 'write_files:\n- path: /etc/motd\n  content: hi\n  permissions: "0600"\n';
    expect(SynthResult.fromJson(json).nodes()[0]).toHaveFile("/etc/motd", { contents: "hi", mode: 0o600 });
  });

  it("fails for a missing file, naming the node, the path and the files it has", () => {
    const msg = failure(() => expect(fl.node("demo-controller-0")).toHaveFile(CA_PATH));
    expect(msg).toMatch(/^node demo-controller-0 \(libvirt_ignition\.[^,]+, libvirt-ignition\): has no file \/etc\/ssl\/certs\/example-ca\.pem; files: \/etc\/hostname, /);
  });

  it("fails for other contents with the differing line, expected against actual", () => {
    const msg = failure(() => expect(fl.node("demo-general-0")).toHaveFile(CA_PATH, { contents: CA_TEXT.replace("MIIBexample", "MIIBother") }));
    expect(msg).toBe(
      `node demo-general-0 (${fl.node("demo-general-0").delivery.resource}, libvirt-ignition): file ${CA_PATH}: contents differ\n` +
        '  - expected line 2: "MIIBother"\n' +
        '  + actual   line 2: "MIIBexample"',
    );
  });

  it("fails for another mode, shown in octal", () => {
    const msg = failure(() => expect(fl.node("demo-general-0")).toHaveFile("/etc/rancher/k3s/config.yaml", { mode: 0o644 }));
    expect(msg).toMatch(/: file \/etc\/rancher\/k3s\/config\.yaml: mode differs\n {2}- expected: 0o644\n {2}\+ actual: {3}0o600$/);
  });

  it("fails on a list, naming only the nodes without the file", () => {
    const msg = failure(() => expect(fl.nodes()).toHaveFile(CA_PATH));
    expect(msg).toMatch(/^expected every node to have file \/etc\/ssl\/certs\/example-ca\.pem; 3 of 5 do not:\nnode demo-controller-0 .*\nnode demo-controller-1 .*\nnode demo-controller-2 .*$/);
    expect(msg).not.toContain("demo-general");
  });

  it("with .not fails when the file is there, saying so", () => {
    const msg = failure(() => expect(fl.node("demo-general-0")).not.toHaveFile(CA_PATH));
    expect(msg).toMatch(/^node demo-general-0 .*: has file \/etc\/ssl\/certs\/example-ca\.pem \(mode 0o644\), but expected not to$/);
  });

  it("with .not on a list fails when any node has the file, naming those nodes", () => {
    expect(fl.nodes()).not.toHaveFile("/etc/nothing-here");
    const msg = failure(() => expect(fl.nodes()).not.toHaveFile(CA_PATH));
    expect(msg).toMatch(/^expected no node to have file \/etc\/ssl\/certs\/example-ca\.pem, but 2 of 5 do:\nnode demo-general-0 .*\nnode demo-general-1 /);
  });

  it("fails for a remote file's contents, naming its URL", () => {
    const msg = failure(() => expect(fl.node("demo-general-0")).toHaveFile("/opt/extensions/k3s/k3s-v1.36.4+k3s1-x86-64.raw", { contents: "x" }));
    expect(msg).toMatch(/contents are not inline text \(fetched from https:\/\/extensions\.flatcar\.org\/extensions\/k3s-v1\.36\.4\+k3s1-x86-64\.raw\)$/);
  });

  it("fails for something that is not a node", () => {
    expect(failure(() => expect({ some: "object" }).toHaveFile("/etc/hostname"))).toMatch(/^expected a node, got \{"some":"object"\}, not a node/);
  });
});

describe("toHaveUnit", () => {
  it("passes for a unit enabled through a .wants link", () => {
    expect(fl.node("demo-general-0")).toHaveUnit("k3s-agent.service", { enabled: true });
  });

  it("fails for a missing unit, naming the node and the units it has", () => {
    const msg = failure(() => expect(fl.node("demo-general-0")).toHaveUnit("k3s.service", { enabled: true }));
    expect(msg).toMatch(/^node demo-general-0 \(.*\): has no unit k3s\.service; units: k3s-agent\.service$/);
  });

  it("fails when enabled differs, expected against actual", () => {
    const msg = failure(() => expect(fl.node("demo-general-0")).toHaveUnit("k3s-agent.service", { enabled: false }));
    expect(msg).toMatch(/: unit k3s-agent\.service: enabled differs\n {2}- expected: false\n {2}\+ actual: {3}true$/);
  });

  it("fails on a k3OS node, which has no systemd", () => {
    const msg = failure(() => expect(kl.node("demo-general-0")).toHaveUnit("k3s-agent.service"));
    expect(msg).toMatch(/^node demo-general-0 \(libvirt_cloudinit_disk\..*, config-iso\): is a k3OS node: k3OS runs OpenRC/);
  });

  it("with .not fails for an enabled unit", () => {
    expect(failure(() => expect(fl.node("demo-controller-0")).not.toHaveUnit("k3s.service"))).toMatch(/has unit k3s\.service \(enabled\), but expected not to$/);
  });
});

describe("toHaveUser", () => {
  it("passes for a user with the key, on Flatcar (core) and k3OS (rancher)", () => {
    expect(fa.nodes()).toHaveUser("core", { sshKey: SSH_KEY });
    expect(ka.nodes()).toHaveUser("rancher", { sshKey: SSH_KEY });
  });

  it("fails for a missing user, naming the users there are", () => {
    const msg = failure(() => expect(fa.node("demo-controller-1")).toHaveUser("admin"));
    expect(msg).toMatch(/^node demo-controller-1 \(aws_instance\..*, s3-offload\): has no user admin; users: core$/);
  });

  it("fails for a missing key, showing the expected key and the keys there are", () => {
    const other = SSH_KEY.replace("admin@example", "someone@else").replace(/AAAA(\w)/, "AAAAX");
    const msg = failure(() => expect(fa.node("demo-controller-1")).toHaveUser("core", { sshKey: other }));
    expect(msg).toContain(`: user core: no authorized key matches\n  - expected: ${JSON.stringify(other)}\n  + actual:   ${JSON.stringify(SSH_KEY)}`);
  });
});

describe("toHaveConfigKey (was toHaveK3osKey)", () => {
  it("passes for a key, with or without a value", () => {
    expect(kl.node("demo-general-0")).toHaveConfigKey("k3os.server_url", "https://10.17.3.10:6443");
    expect(ka.nodes()).toHaveConfigKey("k3os.token", "<apply-time: random_password.demo_ClusterToken_6F8241A7.result>");
    expect(kl.node("demo-general-0")).toHaveConfigKey("k3os.k3s_args", expect.arrayContaining(["agent"]));
  });

  it("fails for a missing key, naming where the path stops", () => {
    const msg = failure(() => expect(kl.node("demo-controller-0")).toHaveConfigKey("k3os.server_url"));
    expect(msg).toMatch(/^node demo-controller-0 \(.*\): k3OS config\.yaml has no key k3os\.server_url \(missing at k3os\.server_url\)$/);
  });

  it("fails for another value, expected against actual", () => {
    const msg = failure(() => expect(kl.node("demo-general-0")).toHaveConfigKey("k3os.server_url", "https://10.17.3.99:6443"));
    expect(msg).toMatch(/: config key k3os\.server_url differs\n {2}- expected: "https:\/\/10\.17\.3\.99:6443"\n {2}\+ actual: {3}"https:\/\/10\.17\.3\.10:6443"$/);
  });

  it("reads any format: an Ignition node has no k3OS key, but its own", () => {
    expect(failure(() => expect(fl.node("demo-general-0")).toHaveConfigKey("k3os.token"))).toMatch(/: Ignition JSON has no key k3os\.token \(missing at k3os\)$/);
    expect(fl.node("demo-general-0")).toHaveConfigKey("ignition.version", expect.stringMatching(/^3\.\d\.0$/));
  });
});

describe("toPassValidators", () => {
  it("passes for every node of the four clusters (S3 stub and full config alike)", () => {
    for (const s of [fl, fa, kl, ka]) expect(s).toPassValidators();
  });

  it("without ignition-validate checks the schema and semantic rules, with a note printed once", () => {
    const saved = process.env.IGNITION_VALIDATE;
    process.env.IGNITION_VALIDATE = "/nonexistent/ignition-validate";
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      expect(fl.node("demo-general-0")).toPassValidators();
      expect(fl.node("demo-general-1")).toPassValidators();
      expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([expect.stringMatching(/ignition-validate not found \(apt-get install -y ignition.*checked the Ignition JSON schema and semantic checks only/)]);
      const json = JSON.parse(fl.text);
      const ign = Object.keys(json.resource.libvirt_ignition)[0];
      json.resource.libvirt_ignition[ign].content = json.resource.libvirt_ignition[ign].content.replace('"mode":420', '"mode":"0644"');
      expect(failure(() => expect(SynthResult.fromJson(json).nodes()[0]).toPassValidators())).toMatch(/problem\(s\) \(schema, semantic checks\):\n {2}schema: /);
    } finally {
      warn.mockRestore();
      if (saved === undefined) delete process.env.IGNITION_VALIDATE;
      else process.env.IGNITION_VALIDATE = saved;
    }
  });

  it("fails for a broken Ignition config, naming the node and what each checker said", () => {
    const json = JSON.parse(fl.text);
    const ign = Object.keys(json.resource.libvirt_ignition)[0];
    // The content holds Terraform expressions (not JSON until Terraform fills them in): edit the text.
    json.resource.libvirt_ignition[ign].content = json.resource.libvirt_ignition[ign].content.replace('"path":"/etc/hostname"', '"path":"etc/hostname"').replace('"mode":420', '"mode":"0644"');
    const msg = failure(() => expect(SynthResult.fromJson(json).nodes()[0]).toPassValidators());
    expect(msg).toMatch(/^node demo-controller-0 \(libvirt_ignition\..*\): \d+ problem\(s\) \(schema, semantic checks/);
    expect(msg).toMatch(/\n {2}schema: \/storage\/files\/0\/mode: must be integer/);
    expect(msg).toMatch(/\n {2}semantic: .*etc\/hostname/);
    expect(msg.length).toBeLessThan(3000);
  });

  it("fails for a k3OS config with an unknown key", () => {
    const json = JSON.parse(kl.text);
    const iso = Object.keys(json.resource.libvirt_cloudinit_disk)[0];
    json.resource.libvirt_cloudinit_disk[iso].user_data += "not_a_k3os_key: 1\n";
    const msg = failure(() => expect(SynthResult.fromJson(json).nodes()[0]).toPassValidators());
    expect(msg).toMatch(/^node demo-controller-0 \(libvirt_cloudinit_disk\..*\): \d+ problem\(s\) \(k3OS strict schema and rules\):\n {2}k3os: .*not_a_k3os_key/);
  });
});

describe("toHaveResourceWithProperties", () => {
  it("passes for a resource with the properties, given in camelCase or snake_case, by class or name", () => {
    expect(fa).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, { fromPort: 6443, ipProtocol: "tcp", cidrIpv4: "10.0.0.0/16" });
    expect(fa).toHaveResourceWithProperties("aws_vpc_security_group_ingress_rule", { from_port: 6443, cidr_ipv4: "10.0.0.0/16" });
  });

  it("accepts the JSON text Testing.synth returns, and asymmetric matchers", () => {
    expect(fa.text).toHaveResourceWithProperties("aws_instance", { instanceType: "t3.large", tags: expect.objectContaining({ "microos/role": "worker" }) });
  });

  it("with .not passes when no resource has the properties: no security group opens SSH to the world", () => {
    expect(fa).not.toHaveResourceWithProperties(VpcSecurityGroupIngressRule, { fromPort: 22, cidrIpv4: "0.0.0.0/0" });
  });

  it("fails with the closest resource and where it differs", () => {
    const msg = failure(() => expect(fa).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, { fromPort: 6443, cidrIpv4: "10.9.0.0/16" }));
    expect(msg).toMatch(/^expected a aws_vpc_security_group_ingress_rule with \{"fromPort":6443,"cidrIpv4":"10\.9\.0\.0\/16"\}; none of \d+ has them\. Closest: aws_vpc_security_group_ingress_rule\.\S+\n {2}at cidr_ipv4:\n {4}- expected: "10\.9\.0\.0\/16"\n {4}\+ actual: {3}"10\.0\.0\.0\/16"/);
  });

  it("shows numbers as numbers in the difference", () => {
    const msg = failure(() => expect(fa).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, { fromPort: 22, cidrIpv4: "10.0.0.0/16" }));
    expect(msg).toContain("  at from_port:\n    - expected: 22\n    + actual:   6443");
  });

  it("fails when the stack has no resource of the type", () => {
    expect(failure(() => expect(fl).toHaveResourceWithProperties(SecurityGroup, { name: "x" }))).toBe('expected a aws_security_group with {"name":"x"}, but the stack has no aws_security_group');
  });

  it("with .not fails naming the resources that have the properties", () => {
    const msg = failure(() => expect(fa).not.toHaveResourceWithProperties(VpcSecurityGroupIngressRule, { fromPort: 6443 }));
    expect(msg).toMatch(/^expected no aws_vpc_security_group_ingress_rule with \{"fromPort":6443\}, but \d+ have them: aws_vpc_security_group_ingress_rule\./);
  });

  it("fails for something that is not a stack", () => {
    expect(failure(() => expect(42).toHaveResourceWithProperties("aws_instance", {}))).toMatch(/^expected a synthesized stack, got 42/);
  });
});
