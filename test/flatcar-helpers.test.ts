import { afterAll, describe, expect, it } from "vitest";
import { localEncoder } from "../lib/core/deferred";
import { MicroOsError } from "../lib/core/errors";
import { IgnitionConfig } from "../lib/ignition";
import {
  addContainerService,
  addHostname,
  addStaticNetwork,
  addSysext,
  ContainerRestart,
  disableBuiltinSysext,
  FlatcarUpdates,
  PortProtocol,
  RebootStrategy,
  setNtpServers,
  setTimezone,
  systemdQuote,
  TIMESYNCD_DROPIN_PATH,
  UPDATE_CONF_PATH,
  Weekday,
} from "../lib/os/flatcar";
import { need } from "./helpers/external";
import { fileText, SHA256, SHA512 } from "./fixtures/flatcar/inspect";
import { allProblems, ignitionValidate, ignitionValidateTool, schemaErrors, validatedCount } from "./fixtures/flatcar/validate";

const tool = ignitionValidateTool();

afterAll(() => {
  console.log(`flatcar-helpers: ignition-validate checked ${validatedCount} configs`);
});

describe("hostname", () => {
  it("writes /etc/hostname as one newline-terminated line", () => {
    const c = new IgnitionConfig();
    addHostname(c, "controller-0");
    const spec = c.toSpec();
    expect(fileText(spec, "/etc/hostname")).toBe("controller-0\n");
    expect(spec.storage?.files?.[0]).toMatchObject({ mode: 0o644, overwrite: true });
  });
});

describe("hostname known only at apply time", () => {
  it("passes a host name token through to the encoder", () => {
    const c = new IgnitionConfig();
    addHostname(c, "${TfToken[TOKEN.3]}");
    const spec = c.toSpec({ encoder: { ...localEncoder, base64: (t) => `<b64 of ${t}>` } });
    expect(spec.storage?.files?.[0].contents?.source).toBe("data:;base64,<b64 of ${TfToken[TOKEN.3]}\n>");
  });
});

describe("updates", () => {
  it("writes the reboot strategy to /etc/flatcar/update.conf", () => {
    const c = new IgnitionConfig();
    FlatcarUpdates.automatic({ strategy: RebootStrategy.ETCD_LOCK }).applyTo(c);
    expect(fileText(c.toSpec(), UPDATE_CONF_PATH)).toBe("REBOOT_STRATEGY=etcd-lock\n");
  });

  it("defaults to the reboot strategy, Flatcar's own default", () => {
    expect(FlatcarUpdates.automatic().updateConf()).toBe("REBOOT_STRATEGY=reboot\n");
  });

  it("writes group, server and a weekly window with the day quoted", () => {
    const u = FlatcarUpdates.automatic({
      group: "beta",
      server: "https://nebraska.example.com/v1/update/",
      window: { day: Weekday.THURSDAY, time: "04:00", length: "1h30m" },
    });
    expect(u.updateConf()).toBe(
      [
        "GROUP=beta",
        "SERVER=https://nebraska.example.com/v1/update/",
        "REBOOT_STRATEGY=reboot",
        'LOCKSMITHD_REBOOT_WINDOW_START="Thu 04:00"',
        "LOCKSMITHD_REBOOT_WINDOW_LENGTH=1h30m",
        "",
      ].join("\n"),
    );
  });

  it("writes a daily window without quotes", () => {
    const u = FlatcarUpdates.automatic({ window: { time: "23:30", length: "2h" } });
    expect(u.updateConf()).toContain("LOCKSMITHD_REBOOT_WINDOW_START=23:30\n");
  });

  it("disables updates with SERVER=disabled and leaves the services alone", () => {
    const c = new IgnitionConfig();
    FlatcarUpdates.disabled().applyTo(c);
    const spec = c.toSpec();
    expect(fileText(spec, UPDATE_CONF_PATH)).toBe("SERVER=disabled\n");
    expect(spec.systemd).toBeUndefined();
  });

  it("masks update-engine and locksmithd when asked", () => {
    const c = new IgnitionConfig();
    FlatcarUpdates.disabled({ maskServices: true }).applyTo(c);
    expect(c.toSpec().systemd?.units).toEqual([
      { name: "update-engine.service", mask: true },
      { name: "locksmithd.service", mask: true },
    ]);
  });
});

describe("systemd-networkd static addressing", () => {
  it("writes [Match] Name= and [Network] Address=, Gateway=, DNS=", () => {
    const c = new IgnitionConfig();
    const path = addStaticNetwork(c, { interfaceName: "eth0", addresses: ["192.168.0.15/24", "2001:db8::15/64"], gateway: "192.168.0.1", dns: ["1.1.1.1", "2606:4700:4700::1111"] });
    expect(path).toBe("/etc/systemd/network/00-eth0.network");
    expect(fileText(c.toSpec(), path)).toBe(
      "[Match]\nName=eth0\n\n[Network]\nAddress=192.168.0.15/24\nAddress=2001:db8::15/64\nGateway=192.168.0.1\nDNS=1.1.1.1\nDNS=2606:4700:4700::1111\n",
    );
  });

  it("routes an off-subnet gateway on the link when gatewayOnLink is set", () => {
    const c = new IgnitionConfig();
    const path = addStaticNetwork(c, { interfaceName: "en*", addresses: ["203.0.113.7/32"], gateway: "172.31.1.1", gatewayOnLink: true });
    expect(path).toBe("/etc/systemd/network/00-enx.network");
    expect(fileText(c.toSpec(), path)).toContain("[Route]\nGateway=172.31.1.1\nGatewayOnLink=yes\n");
  });
});

describe("container service", () => {
  it("runs docker run in an enabled unit that removes the old container first", () => {
    const c = new IgnitionConfig();
    const unit = addContainerService(c, {
      name: "web",
      image: "docker.io/library/nginx:1.27",
      ports: [{ hostPort: 8080, containerPort: 80 }, { hostPort: 53, containerPort: 53, protocol: PortProtocol.UDP, hostIp: "127.0.0.1" }],
      env: { B: "two words", A: "1" },
      volumes: [{ hostPath: "/srv/www", containerPath: "/usr/share/nginx/html", readOnly: true }],
      restart: ContainerRestart.ON_FAILURE,
    });
    expect(unit).toBe("web.service");
    const u = c.toSpec().systemd?.units?.[0];
    expect(u?.enabled).toBe(true);
    expect(u?.contents).toContain("Requires=docker.service\n");
    expect(u?.contents).toContain("ExecStartPre=-/usr/bin/docker rm --force web\n");
    expect(u?.contents).toContain(
      'ExecStart=/usr/bin/docker run --rm --name web --publish 8080:80/tcp --publish 127.0.0.1:53:53/udp --env A=1 --env "B=two words" --volume /srv/www:/usr/share/nginx/html:ro docker.io/library/nginx:1.27\n',
    );
    expect(u?.contents).toContain("Restart=on-failure\n");
    expect(u?.contents).toContain("WantedBy=multi-user.target\n");
  });

  it("escapes quotes, backslashes, % and $ in arguments for systemd", () => {
    expect(systemdQuote('say "hi" \\ 100% $HOME')).toBe('"say \\"hi\\" \\\\ 100%% $$HOME"');
    expect(systemdQuote("plain-word")).toBe("plain-word");
    expect(systemdQuote("")).toBe('""');
    expect(systemdQuote("a\nb")).toBe('"a\\nb"');
  });
});

describe("sysext", () => {
  it("places the image under /opt/extensions/<name>/ with its hash and links /etc/extensions/<name>.raw", () => {
    const c = new IgnitionConfig();
    const path = addSysext(c, { name: "kubernetes", url: "https://github.com/flatcar/sysext-bakery/releases/download/latest/kubernetes-v1.31.4-x86-64.raw", hash: { algorithm: "sha512", hex: SHA512 } });
    expect(path).toBe("/opt/extensions/kubernetes/kubernetes-v1.31.4-x86-64.raw");
    const spec = c.toSpec();
    expect(spec.storage?.files?.[0].contents).toEqual({
      source: "https://github.com/flatcar/sysext-bakery/releases/download/latest/kubernetes-v1.31.4-x86-64.raw",
      verification: { hash: `sha512-${SHA512}` },
    });
    expect(spec.storage?.links).toEqual([{ path: "/etc/extensions/kubernetes.raw", target: path, hard: false }]);
  });

  it("sets up systemd-sysupdate once however many images update", () => {
    const c = new IgnitionConfig();
    const sysupdate = (n: string) => ({ configUrl: `https://example.com/${n}.conf`, configHash: { algorithm: "sha256" as const, hex: SHA256 } });
    addSysext(c, { name: "a", url: "https://example.com/a-1.raw", hash: { algorithm: "sha256", hex: SHA256 }, sysupdate: sysupdate("a") });
    addSysext(c, { name: "b", url: "https://example.com/b-1.raw", hash: { algorithm: "sha256", hex: SHA256 }, sysupdate: sysupdate("b") });
    const units = c.toSpec().systemd?.units ?? [];
    expect(units.map((u) => u.name)).toEqual(["systemd-sysupdate.service", "systemd-sysupdate.timer"]);
    expect(units[0].dropins?.map((d) => d.name)).toEqual(["a.conf", "sysext.conf", "b.conf"]);
    expect(units[0].dropins?.[2].contents).toBe("[Service]\nExecStartPre=/usr/lib/systemd/systemd-sysupdate -C b update\n");
    expect(c.toSpec().storage?.files?.map((f) => f.path)).toContain("/etc/sysupdate.b.d/b.conf");
  });

  it("turns off a built-in extension by linking it to /dev/null", () => {
    const c = new IgnitionConfig();
    disableBuiltinSysext(c, "docker-flatcar");
    expect(c.toSpec().storage?.links).toEqual([{ path: "/etc/extensions/docker-flatcar.raw", target: "/dev/null", overwrite: true }]);
  });
});

describe("time", () => {
  it("links /etc/localtime to the zone under /usr/share/zoneinfo", () => {
    const c = new IgnitionConfig();
    setTimezone(c, "America/Argentina/Buenos_Aires");
    expect(c.toSpec().storage?.links).toEqual([{ path: "/etc/localtime", target: "../usr/share/zoneinfo/America/Argentina/Buenos_Aires", overwrite: true }]);
  });

  it("writes NTP servers to a timesyncd drop-in", () => {
    const c = new IgnitionConfig();
    setNtpServers(c, ["169.254.169.123", "0.flatcar.pool.ntp.org"]);
    expect(fileText(c.toSpec(), TIMESYNCD_DROPIN_PATH)).toBe("[Time]\nNTP=169.254.169.123 0.flatcar.pool.ntp.org\n");
  });
});

describe("every helper's output passes ignition-validate and the JSON schema", () => {
  const all = (): IgnitionConfig => {
    const c = new IgnitionConfig();
    addHostname(c, "node-1");
    FlatcarUpdates.automatic({ window: { day: Weekday.SUNDAY, time: "3:00", length: "45m" } }).applyTo(c);
    addStaticNetwork(c, { interfaceName: "eth0", addresses: ["10.0.0.5/24"], gateway: "10.0.0.1", dns: ["10.0.0.2"] });
    addContainerService(c, { name: "echo", image: "busybox:1.36", args: ["sh", "-c", 'echo "100% $HOME"; sleep 1d'], env: { GREETING: "hello world" } });
    addSysext(c, { name: "tool", url: "https://example.com/tool-1.raw", hash: { algorithm: "sha512", hex: SHA512 }, sysupdate: { configUrl: "https://example.com/tool.conf", configHash: { algorithm: "sha512", hex: SHA512 } } });
    disableBuiltinSysext(c, "containerd-flatcar");
    setTimezone(c, "Europe/Berlin");
    setNtpServers(c, ["time.example.com"]);
    return c;
  };

  it("has a schema check that rejects a mode written as a string", () => {
    const bad = JSON.stringify({ ignition: { version: "3.3.0" }, storage: { files: [{ path: "/etc/x", mode: "0644" }] } });
    expect(schemaErrors(bad)).not.toEqual([]);
  });

  it("has an ignition-validate that rejects a relative path", (ctx) => {
    const bin = need(ctx, tool);
    const bad = JSON.stringify({ ignition: { version: "3.3.0" }, storage: { files: [{ path: "etc/x" }] } });
    expect(ignitionValidate(bin, bad).ok).toBe(false);
  });

  it("passes the official JSON schema", () => {
    expect(schemaErrors(all().render())).toEqual([]);
  });

  it("passes the schema, our semantic checks and ignition-validate", (ctx) => {
    need(ctx, tool);
    expect(allProblems(all().render())).toEqual([]);
  });

  it("passes all three checks with updates disabled and services masked", (ctx) => {
    need(ctx, tool);
    const c = new IgnitionConfig();
    FlatcarUpdates.disabled({ maskServices: true }).applyTo(c);
    expect(allProblems(c.render())).toEqual([]);
  });
});

type BadCase = [name: string, act: () => unknown, message: RegExp];
const cfg = () => new IgnitionConfig();
const goodHash = { algorithm: "sha512" as const, hex: SHA512 };
const net = { interfaceName: "eth0", addresses: ["10.0.0.5/24"] };
const ctr = { name: "web", image: "nginx:1.27" };

const badInputs: BadCase[] = [
  ["an empty hostname", () => addHostname(cfg(), ""), /Flatcar: hostname: the value is empty\. Fix: give the node's host name/],
  ["a hostname with an underscore", () => addHostname(cfg(), "bad_name"), /hostname: `bad_name` is not an RFC 1123 host name\. Fix: use letters, digits and inner hyphens/],
  ["a hostname longer than 64 characters", () => addHostname(cfg(), `a${".b".repeat(40)}`), /hostname: `.*` is 81 characters, the kernel keeps at most 64\. Fix: use a shorter name/],
  ["an unknown reboot strategy", () => FlatcarUpdates.automatic({ strategy: "sometimes" as RebootStrategy }), /updates\.strategy: `sometimes` is not a locksmithd reboot strategy\. Fix: use RebootStrategy\.REBOOT, ETCD_LOCK or OFF/],
  ["a window time past 23:59", () => FlatcarUpdates.automatic({ window: { time: "24:00", length: "1h" } }), /updates\.window\.time: `24:00` is not a 24-hour HH:MM time\. Fix: write the start like `04:00`/],
  ["a day written into the window time", () => FlatcarUpdates.automatic({ window: { time: "Thu 04:00", length: "1h" } }), /updates\.window\.time: `Thu 04:00` is not a 24-hour HH:MM time\. Fix: .*put the day in `day`/],
  ["an unknown window day", () => FlatcarUpdates.automatic({ window: { day: "Thursday" as Weekday, time: "04:00", length: "1h" } }), /updates\.window\.day: `Thursday` is not a day locksmithd knows\. Fix: use Weekday\.MONDAY/],
  ["a window length in days", () => FlatcarUpdates.automatic({ window: { time: "04:00", length: "1d" } }), /updates\.window\.length: `1d` is not a duration locksmithd can read\. Fix: write a Go duration/],
  ["a zero-length window", () => FlatcarUpdates.automatic({ window: { time: "04:00", length: "0h" } }), /updates\.window\.length: the window has no length\. Fix: give a positive length/],
  ["a window longer than a week", () => FlatcarUpdates.automatic({ window: { time: "04:00", length: "200h" } }), /updates\.window\.length: `200h` is longer than a week.*Fix: give at most `168h`/],
  ["a window with the off strategy", () => FlatcarUpdates.automatic({ strategy: RebootStrategy.OFF, window: { time: "04:00", length: "1h" } }), /updates\.window: a reboot window does nothing when the reboot strategy is `off`/],
  ["an update group with a space", () => FlatcarUpdates.automatic({ group: "my group" }), /updates\.group: `my group` is not a usable update group\. Fix: give a channel name/],
  ["an update server that is not a URL", () => FlatcarUpdates.automatic({ server: "nebraska.local" }), /updates\.server: `nebraska\.local` is not an update server URL\. Fix: give the Omaha endpoint as an https:\/\/ URL/],
  ["an interface name longer than 15 characters", () => addStaticNetwork(cfg(), { ...net, interfaceName: "enp0s31f6verylong" }), /network\.interfaceName: `enp0s31f6verylong` is not an interface name\. Fix: give a Linux interface name of at most 15 characters/],
  ["no addresses", () => addStaticNetwork(cfg(), { ...net, addresses: [] }), /network\.addresses: no address is given\. Fix: give at least one address with its prefix length/],
  ["an address without a prefix length", () => addStaticNetwork(cfg(), { ...net, addresses: ["10.0.0.5"] }), /network\.addresses\[0\]: `10\.0\.0\.5` has no prefix length\. Fix: write the address with its prefix/],
  ["an address that is not an IP", () => addStaticNetwork(cfg(), { ...net, addresses: ["10.0.0.256/24"] }), /network\.addresses\[0\]: `10\.0\.0\.256\/24` does not hold a valid IPv4 or IPv6 address/],
  ["a prefix length over 32 for IPv4", () => addStaticNetwork(cfg(), { ...net, addresses: ["10.0.0.5/33"] }), /network\.addresses\[0\]: `10\.0\.0\.5\/33` has a prefix length outside 0\.\.32\. Fix: give a prefix length from 0 to 32/],
  ["the same address twice", () => addStaticNetwork(cfg(), { ...net, addresses: ["10.0.0.5/24", "10.0.0.5/16"] }), /network\.addresses: the address 10\.0\.0\.5 is given twice\. Fix: list each address once/],
  ["a gateway with a prefix length", () => addStaticNetwork(cfg(), { ...net, gateway: "10.0.0.1/24" }), /network\.gateway: `10\.0\.0\.1\/24` is not an IP address\. Fix: give the gateway's address without a prefix length/],
  ["a gateway outside every network", () => addStaticNetwork(cfg(), { ...net, gateway: "10.0.1.1" }), /network\.gateway: the gateway 10\.0\.1\.1 is outside every configured network \(10\.0\.0\.5\/24\)\. Fix: .*`gatewayOnLink: true`/],
  ["an IPv6 gateway with only IPv4 addresses", () => addStaticNetwork(cfg(), { ...net, gateway: "fe80::1" }), /network\.gateway: the gateway fe80::1 is ipv6 but no ipv6 address is configured/],
  ["a DNS server that is a host name", () => addStaticNetwork(cfg(), { ...net, dns: ["dns.example.com"] }), /network\.dns\[0\]: `dns\.example\.com` is not an IP address\. Fix: give DNS servers as IP addresses/],
  ["a network file name with the suffix", () => addStaticNetwork(cfg(), { ...net, fileName: "10-eth0.network" }), /network\.fileName: `10-eth0\.network` is not a usable file name\. Fix: .*without `\/` or the `\.network` suffix/],
  ["a container name with a slash", () => addContainerService(cfg(), { ...ctr, name: "a/b" }), /container\.name: `a\/b` is not a usable container name\. Fix: start with a letter or digit/],
  ["a container named like a node unit", () => addContainerService(cfg(), { ...ctr, name: "docker" }), /container\.name: `docker\.service` would replace a unit the node runs on\. Fix: pick another name, for example `app-docker`/],
  ["an image with a space", () => addContainerService(cfg(), { ...ctr, image: "nginx latest" }), /container\.image: `nginx latest` is not an image reference\. Fix: give `registry\/repository:tag`/],
  ["a port of 0", () => addContainerService(cfg(), { ...ctr, ports: [{ hostPort: 0, containerPort: 80 }] }), /container\.ports\[0\]\.hostPort: `0` is not a port number\. Fix: give an integer from 1 to 65535/],
  ["a port above 65535", () => addContainerService(cfg(), { ...ctr, ports: [{ hostPort: 80, containerPort: 70000 }] }), /container\.ports\[0\]\.containerPort: `70000` is not a port number/],
  ["an unknown port protocol", () => addContainerService(cfg(), { ...ctr, ports: [{ hostPort: 80, containerPort: 80, protocol: "sctp" as PortProtocol }] }), /container\.ports\[0\]\.protocol: `sctp` is not a protocol docker publishes/],
  ["a bind address that is not an IP", () => addContainerService(cfg(), { ...ctr, ports: [{ hostPort: 80, containerPort: 80, hostIp: "localhost" }] }), /container\.ports\[0\]\.hostIp: `localhost` is not an IP address/],
  ["an environment variable name with a dash", () => addContainerService(cfg(), { ...ctr, env: { "MY-VAR": "x" } }), /container\.env\[MY-VAR\]: `MY-VAR` is not an environment variable name/],
  ["a relative volume path", () => addContainerService(cfg(), { ...ctr, volumes: [{ hostPath: "data", containerPath: "/data" }] }), /container\.volumes\[0\]\.hostPath: `data` is not an absolute path docker can mount/],
  ["a volume path with a colon", () => addContainerService(cfg(), { ...ctr, volumes: [{ hostPath: "/a", containerPath: "/b:c" }] }), /container\.volumes\[0\]\.containerPath: `\/b:c` is not an absolute path docker can mount\. Fix: .*without `:`/],
  ["an unknown restart policy", () => addContainerService(cfg(), { ...ctr, restart: "sometimes" as ContainerRestart }), /container\.restart: `sometimes` is not a restart policy/],
  ["a docker flag without a dash", () => addContainerService(cfg(), { ...ctr, dockerFlags: ["privileged"] }), /container\.dockerFlags\[0\]: `privileged` is not a flag/],
  ["a sysext without a hash", () => addSysext(cfg(), { name: "k", url: "https://e.com/k.raw", hash: undefined as never }), /sysext\.hash: no hash is given, so Ignition would run whatever the URL serves\. Fix: give `\{ algorithm: "sha512"/],
  ["a sysext hash of the wrong length", () => addSysext(cfg(), { name: "k", url: "https://e.com/k.raw", hash: { algorithm: "sha512", hex: SHA256 } }), /sysext\.hash\.hex: the sha512 digest must be 128 lower-case hex characters\. Fix: paste the digest as `sha512sum` prints it/],
  ["a sysext hash with an unknown algorithm", () => addSysext(cfg(), { name: "k", url: "https://e.com/k.raw", hash: { algorithm: "md5" as "sha256", hex: SHA256 } }), /sysext\.hash\.algorithm: `md5` is not a hash Ignition verifies/],
  ["a sysext URL that is not http(s)", () => addSysext(cfg(), { name: "k", url: "ftp://e.com/k.raw", hash: goodHash }), /sysext\.url: `ftp:\/\/e\.com\/k\.raw` is not an http\(s\) URL/],
  ["a sysext URL whose file is not .raw", () => addSysext(cfg(), { name: "k", url: "https://e.com/download?id=3", hash: goodHash }), /sysext\.fileName: `download` is not a usable image file name\. Fix: give a file name ending `\.raw`/],
  ["a sysext name with .raw", () => addSysext(cfg(), { name: "k/x", url: "https://e.com/k.raw", hash: goodHash }), /sysext\.name: `k\/x` is not a usable extension name/],
  ["a sysupdate config without a hash", () => addSysext(cfg(), { name: "k", url: "https://e.com/k.raw", hash: goodHash, sysupdate: { configUrl: "https://e.com/k.conf", configHash: undefined as never } }), /sysext\.sysupdate\.configHash: no hash is given/],
  ["a built-in extension name with .raw path", () => disableBuiltinSysext(cfg(), "/etc/extensions/docker-flatcar.raw"), /sysext\.builtin: `\/etc\/extensions\/docker-flatcar\.raw` is not an extension name/],
  ["a time zone with a path escape", () => setTimezone(cfg(), "../../etc/passwd"), /timezone: `\.\.\/\.\.\/etc\/passwd` is not a tz database name\. Fix: give a name as `timedatectl list-timezones` prints it/],
  ["a time zone with a space", () => setTimezone(cfg(), "New York"), /timezone: `New York` is not a tz database name/],
  ["an empty NTP server list", () => setNtpServers(cfg(), []), /ntpServers: no server is given\. Fix: list at least one NTP server/],
  ["an NTP server with a scheme", () => setNtpServers(cfg(), ["ntp://time.example.com"]), /ntpServers\[0\]: `ntp:\/\/time\.example\.com` is not a host name or IP address/],
  ["an NTP server listed twice", () => setNtpServers(cfg(), ["a.example.com", "a.example.com"]), /ntpServers\[1\]: `a\.example\.com` is listed twice/],
];

describe("bad input is refused with the field and the fix", () => {
  it.each(badInputs)("refuses %s", (_name, act, message) => {
    let thrown: unknown;
    try {
      act();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(MicroOsError);
    expect((thrown as Error).message).toMatch(message);
  });
});
