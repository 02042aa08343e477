/**
 * k3OS config fields a type cannot check (issue 18): name servers that are not addresses, time
 * servers in the wrong form, empty names, file paths that climb out of their root, values with
 * line breaks, and the props' JavaScript types. Each bad input asserts its message.
 */
import { describe, expect, it } from "vitest";
import { K3osConfig, type K3osConfigProps } from "../lib/k3os";
import { type Refusal, refusals } from "./refusals-helpers";

const K = (props: Record<string, unknown>) => () => new K3osConfig(props as K3osConfigProps);
const file = (path: unknown) => K({ writeFiles: [{ path, content: "x" }] });

const cases: Refusal[] = [
  { name: "k3OS props that are a string", run: () => new K3osConfig("hostname: a" as never), message: 'k3os: props: got the string "hostname: a", not an object' },
  { name: "a k3OS option in snake case", run: K({ ssh_authorized_keys: [] }), message: "k3os: ssh_authorized_keys: no such option" },
  { name: "a misspelt k3OS option", run: K({ ntpServer: ["a.example"] }), message: "k3os: ntpServer: no such option. Fix: did you mean `ntpServers`?" },
  { name: "a name server that is a host name", run: K({ dnsNameservers: ["dns.google"] }), message: 'k3os: k3os.dns_nameservers: "dns.google" is not an IPv4 or IPv6 address' },
  { name: "a name server with a port", run: K({ dnsNameservers: ["1.1.1.1:53"] }), message: 'k3os: k3os.dns_nameservers: "1.1.1.1:53" is not an IPv4 or IPv6 address' },
  { name: "a name server with three parts", run: K({ dnsNameservers: ["10.0.1"] }), message: 'k3os: k3os.dns_nameservers: "10.0.1" is not an IPv4 or IPv6 address' },
  { name: "a name server as a URL", run: K({ dnsNameservers: ["https://1.1.1.1/dns-query"] }), message: 'k3os: k3os.dns_nameservers: "https://1.1.1.1/dns-query" is not an IPv4 or IPv6 address' },
  { name: "an empty name server", run: K({ dnsNameservers: [""] }), message: "k3os: dnsNameservers[0]: the string is empty" },
  { name: "name servers as a string", run: K({ dnsNameservers: "1.1.1.1" }), message: 'k3os: dnsNameservers: got the string "1.1.1.1", not a list' },
  { name: "a time server with a scheme", run: K({ ntpServers: ["ntp://pool.ntp.org"] }), message: 'k3os: k3os.ntp_servers: "ntp://pool.ntp.org" is not a host name or address (no scheme, port or path)' },
  { name: "a time server with a port", run: K({ ntpServers: ["pool.ntp.org:123"] }), message: 'k3os: k3os.ntp_servers: "pool.ntp.org:123" is not a host name or address' },
  { name: "a time server with a space", run: K({ ntpServers: ["pool ntp org"] }), message: 'k3os: k3os.ntp_servers: "pool ntp org" is not a host name or address' },
  { name: "a time server that is a bad address", run: K({ ntpServers: ["300.1.1.1"] }), message: 'k3os: k3os.ntp_servers: "300.1.1.1" is not a host name or address' },
  { name: "a time server with a line break", run: K({ ntpServers: ["a.example\nb.example"] }), message: 'k3os: ntpServers[0]: the string "a.example\\nb.example" holds a line break' },
  { name: "a time server through the builder with a path", run: () => new K3osConfig().addNtpServers("time.example/ntp"), message: 'k3os: k3os.ntp_servers: "time.example/ntp" is not a host name or address' },
  { name: "a name server through the builder that is a name", run: () => new K3osConfig().addDnsNameservers("resolver"), message: 'k3os: k3os.dns_nameservers: "resolver" is not an IPv4 or IPv6 address' },
  { name: "a file path that climbs out with ..", run: file("/etc/../../root/.ssh/authorized_keys"), message: "k3os: write_files[/etc/../../root/.ssh/authorized_keys].path: the path has . or .. segments, which climb out of the directory it names" },
  { name: "a file path ending in ..", run: file("/var/lib/.."), message: "k3os: write_files[/var/lib/..].path: the path has . or .. segments" },
  { name: "a file path with a . segment", run: file("/etc/./motd"), message: "k3os: write_files[/etc/./motd].path: the path has . or .. segments" },
  { name: "a relative file path", run: file("etc/motd"), message: "k3os: write_files[etc/motd].path: the path is relative" },
  { name: "a file path with an empty segment", run: file("/etc//motd"), message: "k3os: write_files[/etc//motd].path: the path has an empty segment or ends in /" },
  { name: "a file path that is a directory", run: file("/etc/"), message: "k3os: write_files[/etc/].path: the path has an empty segment or ends in /" },
  { name: "a file path as a number", run: file(5), message: "k3os: writeFiles[0].path: got the number 5, not a string" },
  { name: "a file path with a line break", run: file("/etc/mo\ntd"), message: 'k3os: writeFiles[0].path: the string "/etc/mo\\ntd" holds a line break' },
  { name: "a file without content", run: K({ writeFiles: [{ path: "/etc/motd" }] }), message: "k3os: writeFiles[0].content: the value is missing" },
  { name: "file content as a number", run: K({ writeFiles: [{ path: "/etc/motd", content: 5 }] }), message: "k3os: writeFiles[0].content: got the number 5. Fix: give the content as a string or a Uint8Array" },
  { name: "a file mode as a string", run: K({ writeFiles: [{ path: "/etc/motd", content: "x", permissions: "0644" }] }), message: 'k3os: writeFiles[0].permissions: got the string "0644", not a number' },
  { name: "an empty wifi name", run: K({ wifi: [{ name: "", passphrase: "secret123" }] }), message: "k3os: wifi[0].name: the string is empty" },
  { name: "an empty wifi name through the builder", run: () => new K3osConfig().addWifi({ name: " ", passphrase: "p" }), message: "k3os: k3os.wifi.name: the value is empty" },
  { name: "a wifi passphrase with a line break", run: () => new K3osConfig().addWifi({ name: "home", passphrase: "a\nb" }), message: "k3os: k3os.wifi[home].passphrase: the value holds a line break" },
  { name: "a wifi network without a passphrase", run: K({ wifi: [{ name: "home" }] }), message: "k3os: wifi[0].passphrase: the value is missing" },
  { name: "an empty hostname", run: K({ hostname: "" }), message: "k3os: hostname: the string is empty" },
  { name: "a hostname with a line break", run: K({ hostname: "a\nb" }), message: 'k3os: hostname: the string "a\\nb" holds a line break' },
  { name: "a password with a line break", run: () => new K3osConfig().setPassword("pass\nword"), message: "k3os: k3os.password: the value holds a line break" },
  { name: "an empty password", run: () => new K3osConfig().setPassword(""), message: "k3os: k3os.password: the value is empty" },
  { name: "a password as a number", run: K({ password: 1234 }), message: "k3os: password: got the number 1234, not a string" },
  { name: "an environment value with a line break", run: K({ environment: { HTTP_PROXY: "http://p\nX=1" } }), message: 'k3os: environment[HTTP_PROXY]: the string "http://p\\nX=1" holds a line break' },
  { name: "an environment value through the builder with a line break", run: () => new K3osConfig().setEnvironment("A", "1\nB=2"), message: "k3os: k3os.environment[A]: the value holds a line break" },
  { name: "an environment value as a number", run: K({ environment: { PORT: 80 } }), message: "k3os: environment[PORT]: got the number 80, not a string" },
  { name: "a sysctl value with a line break", run: () => new K3osConfig().setSysctl("vm.swappiness", "1\n2"), message: "k3os: k3os.sysctls[vm.swappiness]: the value holds a line break" },
  { name: "a sysctl value as a number", run: K({ sysctls: { "net.ipv4.ip_forward": 1 } }), message: "k3os: sysctls[net.ipv4.ip_forward]: got the number 1, not a string" },
  { name: "a label value with a line break", run: K({ labels: { tier: "a\nb" } }), message: 'k3os: labels[tier]: the string "a\\nb" holds a line break' },
  { name: "a module name with a line break", run: K({ modules: ["kvm\nnvme"] }), message: 'k3os: modules[0]: the string "kvm\\nnvme" holds a line break' },
  { name: "run_cmd as a string", run: K({ runCmd: "reboot" }), message: 'k3os: runCmd: got the string "reboot", not a list' },
  { name: "an empty boot command", run: K({ bootCmd: [""] }), message: "k3os: bootCmd[0]: the string is empty" },
  { name: "an install device as a number", run: K({ install: { device: 0 } }), message: "k3os: install.device: got the number 0, not a string" },
  { name: "an install flag as a string", run: K({ install: { powerOff: "true" } }), message: 'k3os: install.powerOff: got the string "true", not true or false' },
  { name: "a misspelt install option", run: K({ install: { poweroff: true } }), message: "k3os: install.poweroff: no such option. Fix: did you mean `powerOff`?" },
  { name: "data sources as a string", run: K({ dataSources: "aws" }), message: 'k3os: dataSources: got the string "aws", not a list' },
  { name: "an NTP server entry through the builder with a line break", run: () => new K3osConfig().addNtpServers("a.example\n"), message: "k3os: k3os.ntp_servers: an entry holds a line break" },
];

describe("k3OS fields", () => {
  refusals(cases);
  it("accepts addresses, host names, and commands over several lines", () => {
    const c = new K3osConfig({ dnsNameservers: ["1.1.1.1", "2606:4700:4700::1111"], ntpServers: ["time.cloudflare.com", "192.0.2.1"], runCmd: ["echo a\necho b"], writeFiles: [{ path: "/etc/motd", content: "two\nlines" }] });
    expect(c.toObject().k3os?.dns_nameservers).toEqual(["1.1.1.1", "2606:4700:4700::1111"]);
  });
});

export const K3OS_REFUSALS = cases.length;
