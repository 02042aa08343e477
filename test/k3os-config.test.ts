import fc from "fast-check";
import { parse } from "yaml";
import { realisticValue, resolveApplyTime, terraformTextEncoder } from "../lib/testing/firstboot/applytime";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { MicroOsError } from "../lib/core/errors";
import { TaintEffect } from "../lib/core/node";
import { K3osConfig, K3osDataSource, K3osDelivery, WriteFileEncoding, checkK3osObject } from "../lib/k3os";
import { validateK3osConfig } from "../lib/testing/k3os";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOKtq6hCw2cvBvT3m5JTp0VsDLt4Ox/JYm8CqXx9HQYb admin@example";

/** A config with every key k3OS documents set (install keys need the system delivery). */
function everything(): K3osConfig {
  return new K3osConfig({
    sshAuthorizedKeys: [KEY, "github:example"],
    writeFiles: [
      { path: "/etc/local.d/hello.start", content: "#!/bin/sh\necho hello\n", owner: "root:root", permissions: 0o755 },
      { path: "/etc/blob", content: Uint8Array.from([0, 1, 2, 255]) },
      { path: "/etc/encoded", content: Buffer.from("hi\n").toString("base64"), encoding: WriteFileEncoding.BASE64 },
    ],
    hostname: "node-0",
    runCmd: ["echo run"],
    bootCmd: ["echo boot"],
    initCmd: ["echo init"],
    dataSources: [K3osDataSource.AWS, K3osDataSource.CDROM],
    modules: ["kvm", "nvme"],
    sysctls: { "kernel.printk": "4 4 1 7", "kernel.kptr_restrict": "1" },
    ntpServers: ["0.pool.ntp.org"],
    dnsNameservers: ["1.1.1.1"],
    wifi: [{ name: "home", passphrase: "on" }],
    password: "$6$salt$hash",
    serverUrl: "https://10.0.0.10:6443",
    token: "cluster-secret",
    labels: { "example.com/pool": "general", region: "yes" },
    k3sArgs: ["server", "--disable=traefik"],
    environment: { http_proxy: "http://proxy:3128", NO_PROXY: "null" },
    taints: [{ key: "dedicated", value: "gpu", effect: TaintEffect.NO_SCHEDULE }, "CriticalAddonsOnly=true:NoExecute"],
    install: { device: "/dev/vda", silent: true, powerOff: true, tty: "ttyS0", configUrl: "https://example.com/config.yaml" },
  });
}

describe("K3osConfig rendering", () => {
  it("renders every documented key and passes the strict schema and semantic checks as a system config", () => {
    expect(validateK3osConfig(everything().render({ delivery: K3osDelivery.SYSTEM }))).toHaveLength(2); // boot_cmd, init_cmd as user data
    const text = everything().render({ delivery: K3osDelivery.SYSTEM });
    expect(validateK3osConfig(text, { delivery: K3osDelivery.SYSTEM })).toEqual([]);
    const obj = parse(text, { version: "1.1" });
    expect(Object.keys(obj)).toEqual(["ssh_authorized_keys", "write_files", "hostname", "run_cmd", "boot_cmd", "init_cmd", "k3os"]);
    expect(Object.keys(obj.k3os)).toEqual([
      "data_sources", "modules", "sysctls", "ntp_servers", "dns_nameservers", "wifi", "password",
      "server_url", "token", "labels", "k3s_args", "environment", "taints", "install",
    ]);
    expect(obj.k3os.install).toEqual({ device: "/dev/vda", config_url: "https://example.com/config.yaml", silent: true, power_off: true, tty: "ttyS0" });
  });

  it("matches its golden file", async () => {
    await expect(everything().render({ delivery: K3osDelivery.SYSTEM })).toMatchFileSnapshot("fixtures/k3os/everything.system.yaml");
  });

  it("gives the same text for the same calls", () => {
    expect(everything().render({ delivery: K3osDelivery.SYSTEM })).toBe(everything().render({ delivery: K3osDelivery.SYSTEM }));
  });

  it("sorts map keys so insertion order does not change the output", () => {
    const a = new K3osConfig().addLabel("b", "1").addLabel("a", "2").setSysctl("z", "1").setSysctl("a", "2");
    const b = new K3osConfig().addLabel("a", "2").addLabel("b", "1").setSysctl("a", "2").setSysctl("z", "1");
    expect(a.render()).toBe(b.render());
  });

  it("double-quotes sysctl values and permissions, and quotes strings YAML 1.1 would misread", () => {
    const text = new K3osConfig({
      sysctls: { "kernel.printk": "4 4 1 7" },
      writeFiles: [{ path: "/etc/x", content: "x", permissions: 0o600 }],
      environment: { A: "on", B: "yes", C: "0600", D: "null", E: "12", F: "1.5", G: "~", H: "y", I: "12:30", J: "off" },
    }).render();
    expect(text).toContain('kernel.printk: "4 4 1 7"');
    expect(text).toContain('permissions: "0600"');
    for (const v of ["on", "yes", "0600", "null", "12", "1.5", "~", "y", "12:30", "off"]) expect(text).toContain(`"${v}"`);
    expect(parse(text, { version: "1.1" }).k3os.environment).toEqual({ A: "on", B: "yes", C: "0600", D: "null", E: "12", F: "1.5", G: "~", H: "y", I: "12:30", J: "off" });
  });

  it("reads back every string value unchanged under YAML 1.1 (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme-ascii" }), fc.constantFrom("on", "yes", "no", "Off", "null", "~", "0x1F", "017", "1e3", "-.inf", ".NaN", "1:20", "true", "Y"), (s, tricky) => {
        const text = new K3osConfig({ environment: { S: s, T: tricky }, sysctls: { "a.b": s } }).render();
        const back = parse(text, { version: "1.1" });
        expect(back.k3os.environment).toEqual({ S: s, T: tricky });
        expect(back.k3os.sysctls).toEqual({ "a.b": s });
      }),
      { numRuns: 300 },
    );
  });

  it("writes an apply-time scalar as jsonencode(...), a double-quoted scalar after apply, and an apply-time file as gzip+base64", () => {
    const config = new K3osConfig({ token: "${TfToken[TOKEN.1]}", k3sArgs: ["server"], writeFiles: [{ path: "/etc/ca.crt", content: "${TfToken[TOKEN.2]}" }] });
    const text = config.render({ encoder: terraformTextEncoder });
    expect(text).toContain('  token: ${jsonencode("${TfToken[TOKEN.1]}")}\n');
    expect(text).toContain('  content: "${base64gzip("${TfToken[TOKEN.2]}")}"\n  encoding: gz+b64\n');
    const pem = realisticValue("tls_self_signed_cert.ca.cert_pem");
    const applied = resolveApplyTime(text, { values: { "TfToken[TOKEN.1]": 's3cr#t"\\:x', "TfToken[TOKEN.2]": pem } });
    expect(validateK3osConfig(applied)).toEqual([]);
    const read = parse(applied, { version: "1.1" });
    expect(read.k3os.token).toBe('s3cr#t"\\:x');
    expect(gunzipSync(Buffer.from(read.write_files[0].content, "base64")).toString("utf8")).toBe(pem);
  });

  it("refuses an apply-time value without an encoder to carry it", () => {
    expect(() => new K3osConfig({ token: "${TfToken[TOKEN.1]}", k3sArgs: ["server"] }).render()).toThrow(
      "k3os: apply-time value: the config holds a value known only at apply time and no encoder to carry it. Fix: render with the platform's Terraform encoder (render({ encoder }))",
    );
    expect(() => new K3osConfig({ writeFiles: [{ path: "/a", content: "${TfToken[TOKEN.2]}" }] }).render()).toThrow(
      "k3os: write_files[/a].content: the content holds a value known only at apply time and no encoder carries it. Fix: render with the platform's Terraform encoder (render({ encoder }))",
    );
  });

  it("refuses file text beside an apply-time value that is not NFC, since Terraform would normalize it", () => {
    expect(() => new K3osConfig({ writeFiles: [{ path: "/a", content: "e\u0301 ${TfToken[TOKEN.2]}" }] })).toThrow(
      'k3os: write_files[/a].content: the content mixes an apply-time value with text that is not in Unicode NFC, and Terraform normalizes every string it holds to NFC (zclconf/go-cty cty/value_init.go StringVal), so the file would differ. Fix: normalize the text first (text.normalize("NFC")), or keep apply-time values out of this file',
    );
  });

  it("renders bytes as base64 or gzip+base64, whichever is shorter", () => {
    const small = new K3osConfig({ writeFiles: [{ path: "/a", content: Uint8Array.from([1, 2, 3]) }] }).toObject();
    expect(small.write_files![0]).toMatchObject({ encoding: "b64", content: "AQID" });
    const big = new K3osConfig({ writeFiles: [{ path: "/b", content: new Uint8Array(4096) }] }).toObject();
    expect(big.write_files![0].encoding).toBe("gz+b64");
    expect(validateK3osConfig(big)).toEqual([]);
  });

  it("adds a #cloud-config header on request", () => {
    expect(new K3osConfig({ hostname: "a" }).render({ cloudConfigHeader: true })).toBe("#cloud-config\nhostname: a\n");
  });

  it("writes the canonical sysctls key, not the README example's sysctl alias", () => {
    const obj = new K3osConfig({ sysctls: { "vm.swappiness": "0" } }).toObject();
    expect(obj.k3os).toEqual({ sysctls: { "vm.swappiness": "0" } });
  });
});

describe("k3OS delivery", () => {
  it("refuses boot_cmd for a user-data delivery, naming the key and the fix", () => {
    expect(() => new K3osConfig({ bootCmd: ["echo"] }).render()).toThrow(
      "k3os: boot_cmd: k3OS applies config from cloud user data only in its runtime phase, so this key would be ignored. Fix: use run_cmd, or deliver this config as the install-time system config (delivery: K3osDelivery.SYSTEM)",
    );
  });

  it("refuses init_cmd for a user-data delivery", () => {
    expect(() => new K3osConfig({ initCmd: ["echo"] }).render({ delivery: K3osDelivery.USER_DATA })).toThrow(/k3os: init_cmd: k3OS applies config from cloud user data only in its runtime phase/);
  });

  it("keeps install keys in user data, since the installer reads user data too", () => {
    expect(parse(new K3osConfig({ install: { device: "/dev/vda" } }).render())).toEqual({ k3os: { install: { device: "/dev/vda" } } });
  });

  it("moves boot_cmd and init_cmd to a system config when split for user data, dropping nothing", () => {
    const { userData, system } = everything().splitForUserData();
    const u = parse(userData.render(), { version: "1.1" });
    const s = parse(system!.render({ delivery: K3osDelivery.SYSTEM }), { version: "1.1" });
    expect(u.boot_cmd).toBeUndefined();
    expect(u.init_cmd).toBeUndefined();
    expect(s).toEqual({ boot_cmd: ["echo boot"], init_cmd: ["echo init"] });
    const whole = parse(everything().render({ delivery: K3osDelivery.SYSTEM }), { version: "1.1" });
    expect({ ...u, boot_cmd: s.boot_cmd, init_cmd: s.init_cmd }).toEqual(whole);
  });

  it("needs no system config when nothing has to move", () => {
    expect(new K3osConfig({ hostname: "a" }).splitForUserData().system).toBeUndefined();
  });

  it("keeps boot_cmd, init_cmd and install in a system config", () => {
    const text = new K3osConfig({ bootCmd: ["echo b"], initCmd: ["echo i"], install: { silent: true } }).render({ delivery: K3osDelivery.SYSTEM });
    expect(parse(text)).toEqual({ boot_cmd: ["echo b"], init_cmd: ["echo i"], k3os: { install: { silent: true } } });
  });
});

describe("K3osConfig refuses bad input at the call that introduces it", () => {
  const cases: Array<[string, () => unknown, string | RegExp]> = [
    ["a relative write_files path", () => new K3osConfig().addFile({ path: "etc/x", content: "" }), "k3os: write_files[etc/x].path: the path is relative. Fix: give an absolute path starting with /"],
    ["a path written twice", () => new K3osConfig().addFile({ path: "/x", content: "" }).addFile({ path: "/x", content: "" }), /write_files\[\/x\]\.path: the path is already written/],
    ["a file mode out of range", () => new K3osConfig().addFile({ path: "/x", content: "", permissions: 0o17777 }), /write_files\[\/x\]\.permissions: 8191 is not a file mode/],
    ["base64 content that is not base64", () => new K3osConfig().addFile({ path: "/x", content: "not base64!", encoding: WriteFileEncoding.BASE64 }), /write_files\[\/x\]\.content: the content is not base64\. Fix: give b64 content/],
    ["gzip+base64 content that is not gzip", () => new K3osConfig().addFile({ path: "/x", content: "aGVsbG8=", encoding: WriteFileEncoding.GZIP_BASE64 }), /the base64 content is not gzip data/],
    ["a bad owner", () => new K3osConfig().addFile({ path: "/x", content: "", owner: "root root" }), /write_files\[\/x\]\.owner: "root root" is not a chown owner/],
    ["a bad host name", () => new K3osConfig().setHostname("Node_0"), 'k3os: hostname: "Node_0" is not a host name. Fix: use lower-case DNS labels separated by dots'],
    ["something that is not an ssh key", () => new K3osConfig().addSshKeys("AAAAB3Nza"), /ssh_authorized_keys: "AAAAB3Nza" is not an OpenSSH public key/],
    ["an ssh key line whose blob is not a key of its type", () => new K3osConfig().addSshKeys("ssh-ed25519 AAAAB3NzaC1yc2E= me@host"), /ssh_authorized_keys: "ssh-ed25519 AAAAB3Nza\.\.\." is not an OpenSSH public key/],
    ["an unknown datasource", () => new K3osConfig().addDataSources("azure" as K3osDataSource), /k3os\.data_sources: "azure" is not a k3OS datasource\. Fix: use one of aws, cdrom/],
    ["a datasource listed twice", () => new K3osConfig().addDataSources(K3osDataSource.AWS, K3osDataSource.AWS), /"aws" is listed twice/],
    ["a sysctl that is not a string", () => new K3osConfig().setSysctl("vm.swappiness", 0 as unknown as string), 'k3os: k3os.sysctls[vm.swappiness]: the value is not a string. Fix: give it as a string, for example "0"'],
    ["a server URL that is not https", () => new K3osConfig().setServerUrl("http://10.0.0.1:6443"), /k3os\.server_url: "http:\/\/10\.0\.0\.1:6443" is not a k3s server URL\. Fix: give https:\/\/<host>:6443/],
    ["a malformed K10 token", () => new K3osConfig().setToken("K10abc::server:x"), /k3os\.token: the token starts with K10 \(a secure k3s token\) but is not K10<64 hex digits>::<credentials>/],
    ["a label key with a bad prefix", () => new K3osConfig().addLabel("Example.com/role", "x"), /k3os\.labels\[Example\.com\/role\]: the key prefix "Example\.com" is not a DNS subdomain/],
    ["a label value over 63 characters", () => new K3osConfig().addLabel("role", "x".repeat(64)), /is not a Kubernetes label value\. Fix: use at most 63/],
    ["a reserved kubernetes.io label", () => new K3osConfig().addLabel("node-role.kubernetes.io/worker", "true"), /the kubelet refuses to register a node with the label "node-role\.kubernetes\.io\/worker"/],
    ["a taint without an effect", () => new K3osConfig().addTaint("dedicated=gpu"), /k3os\.taints: "dedicated=gpu" has no effect\. Fix: write taints as key=value:Effect/],
    ["a taint with an unknown effect", () => new K3osConfig().addTaint("dedicated=gpu:NoRun"), /"dedicated=gpu:NoRun": "NoRun" is not a taint effect/],
    ["k3s_args not starting with server or agent", () => new K3osConfig().setK3sArgs(["--cluster-init"]), 'k3os: k3os.k3s_args[0]: "--cluster-init" is not server or agent. Fix: start the arguments with "server" or "agent"'],
    ["an environment name with a dash", () => new K3osConfig().setEnvironment("HTTP-PROXY", "x"), /k3os\.environment\[HTTP-PROXY\]: the name is not an environment variable name/],
    ["an install device outside /dev", () => new K3osConfig().setInstall({ device: "vda" }), /k3os\.install\.device: "vda" is not a device path/],
    ["a second, different token", () => new K3osConfig().setToken("one").setToken("two"), "k3os: k3os.token: a different token is already set. Fix: set the token once"],
  ];
  for (const [name, act, message] of cases) {
    it(`refuses ${name}`, () => {
      expect(act).toThrow(MicroOsError);
      expect(act).toThrow(message);
    });
  }

  it("never quotes the token in a token error", () => {
    const secret = "K10deadbeef::server:hunter2";
    expect(() => new K3osConfig().setToken(secret)).toThrow(MicroOsError);
    try {
      new K3osConfig().setToken(secret);
    } catch (e) {
      expect(String(e)).not.toContain("hunter2");
    }
  });
});

describe("cross-key rules, checked at render", () => {
  it("refuses an agent without a server URL", () => {
    expect(() => new K3osConfig({ k3sArgs: ["agent"], token: "s" }).render()).toThrow(
      "k3os: k3os.server_url: an agent needs the URL of a server to join. Fix: set k3os.server_url to https://<server>:6443",
    );
  });

  it("refuses --cluster-init together with a server URL", () => {
    expect(() => new K3osConfig({ k3sArgs: ["server", "--cluster-init"], serverUrl: "https://a:6443", token: "s" }).render()).toThrow(
      /k3os\.k3s_args: --cluster-init starts a new cluster, but server_url joins an existing one/,
    );
  });

  it("refuses a joining node without a token", () => {
    expect(() => new K3osConfig({ k3sArgs: ["agent"], serverUrl: "https://a:6443" }).render()).toThrow(/k3os\.token: a node that joins a server needs the cluster token/);
  });

  it("refuses a token passed in k3s_args", () => {
    expect(() => new K3osConfig({ k3sArgs: ["server", "--token=abc"] }).render()).toThrow(/k3os\.k3s_args: a token in k3s_args ends up in the process list/);
  });

  it("refuses a K10 token on a node that starts a cluster", () => {
    const token = `K10${"a".repeat(64)}::server:pw`;
    expect(() => new K3osConfig({ k3sArgs: ["server", "--cluster-init"], token }).render()).toThrow(/a secure \(K10\) token names an existing cluster's CA/);
  });
});

describe("validateK3osConfig on hand-written YAML", () => {
  it("accepts the README's sample shape (with sysctl spelled once)", () => {
    const text = [
      "hostname: myhost",
      "run_cmd:",
      '- "echo hello"',
      "k3os:",
      "  sysctl:",
      '    kernel.printk: "4 4 1 7"',
      "  server_url: https://someserver:6443",
      "  token: TOKEN_VALUE",
      "  k3s_args:",
      "  - agent",
      "  taints:",
      '  - "key1=value1:NoSchedule"',
    ].join("\n");
    expect(validateK3osConfig(text)).toEqual([]);
  });

  it("reports an unquoted 0600 permission as the type error k3OS would hit", () => {
    const issues = validateK3osConfig("write_files:\n- path: /x\n  permissions: 0600\n");
    expect(issues).toEqual(["write_files.0.permissions: the value is not of type string (strict schema). Fix: give a string"]);
  });

  it("reports permissions that are not octal", () => {
    expect(validateK3osConfig({ write_files: [{ path: "/x", permissions: "0800" }] })).toEqual([
      'write_files.0.permissions: the permissions are not an octal string. Fix: give an octal mode as a string, for example "0644"',
    ]);
  });

  it("reports a camelCase key the strict schema does not know", () => {
    expect(validateK3osConfig({ k3os: { serverUrl: "https://a:6443" } })).toEqual([
      "k3os.serverUrl: k3OS has no such key (strict schema). Fix: remove it, or use the snake_case key the k3OS README names",
    ]);
  });

  it("reports an encoding k3OS does not decode", () => {
    expect(validateK3osConfig({ write_files: [{ path: "/x", content: "x", encoding: "base32" }] })[0]).toMatch(/^write_files\.0\.encoding: the value is not one k3OS accepts \(strict schema\)\. Fix: use one of "", "b64"/);
  });

  it("reports content that does not decode, which k3OS would skip with only a log line", () => {
    expect(validateK3osConfig({ write_files: [{ path: "/x", content: "@@@", encoding: "b64" }] })).toEqual([
      "write_files[0].content: the content is not base64; k3OS logs the error and skips the file. Fix: encode the content as b64, or drop the encoding",
    ]);
  });

  it("reports both sysctl and sysctls", () => {
    expect(checkK3osObject({ k3os: { sysctl: { a: "1" }, sysctls: { b: "2" } } }).map((i) => i.field)).toEqual(["k3os.sysctl"]);
  });

  it("reports malformed taints and labels in hand-written YAML", () => {
    const issues = validateK3osConfig({ k3os: { labels: { "bad key!": "x" }, taints: ["a=b:Sometimes"] } });
    expect(issues).toHaveLength(2);
    expect(issues[0]).toMatch(/^k3os\.labels\[bad key!\]: the key name "bad key!" is not a Kubernetes label name/);
    expect(issues[1]).toMatch(/^k3os\.taints\[0\]: "a=b:Sometimes": "Sometimes" is not a taint effect/);
  });
});
