/**
 * Bad props given to the Fedora CoreOS and Kairos entry points as a JavaScript caller (or a config
 * file) would pass them: the factories, their install and update helpers and the Kairos config
 * builder refuse them at the call with the place, the field and a fix (issue 22). Each case
 * asserts its message.
 */
import { describe } from "vitest";
import { Architecture } from "../lib/core/node";
import { Weekday } from "../lib/core/weekday";
import { IgnitionConfig } from "../lib/ignition";
import { KairosConfig, KairosStage } from "../lib/kairos/config";
import { FedoraCoreOsStream, FedoraCoreOs } from "../lib/os/fcos";
import { applyK3sToFcos, K3sFedoraCoreOsInstall } from "../lib/os/fcos/k3s";
import { FedoraCoreOsUpdates } from "../lib/os/fcos/updates";
import { Kairos } from "../lib/os/kairos";
import { applyK3sToKairos } from "../lib/os/kairos/k3s";
import { KairosFlavor } from "../lib/os/kairos/release";
import { FlatcarUpdates } from "../lib/os/flatcar/updates";
import { K3os } from "../lib/os/k3os";
import { AwsImagePolicy } from "../lib/platform/aws";
import { type Refusal, refusals } from "./refusals-helpers";

const SHA = "ab".repeat(32);
const VERSION = "v1.36.4+k3s1";
const window = { days: [Weekday.SUNDAY], startTime: "03:00", lengthMinutes: 60 };
const k3sNode = { role: "server", version: VERSION, token: "secret-token-0123456789" } as never;

const fcosCases: Refusal[] = [
  { name: "FCOS props that are a string", run: () => FedoraCoreOs.stream(FedoraCoreOsStream.STABLE, "k3s" as never), message: 'FedoraCoreOs: props: got the string "k3s", not an object' },
  { name: "FCOS props that are a list", run: () => FedoraCoreOs.release(FedoraCoreOsStream.STABLE, "44.20260802.3.1", [] as never), message: "FedoraCoreOs: props: got a list, not an object" },
  { name: "a misspelt FCOS option", run: () => FedoraCoreOs.stream(FedoraCoreOsStream.STABLE, { timeZone: "UTC" } as never), message: "FedoraCoreOs: timeZone: no such option. Fix: did you mean `timezone`?" },
  { name: "an FCOS option of Flatcar's", run: () => FedoraCoreOs.stream(FedoraCoreOsStream.STABLE, { ntpServers: ["pool.ntp.org"] } as never), message: "FedoraCoreOs: ntpServers: no such option" },
  { name: "an FCOS timezone as a number", run: () => FedoraCoreOs.stream(FedoraCoreOsStream.STABLE, { timezone: 1 } as never), message: "FedoraCoreOs: timezone: got the number 1, not a string" },
  { name: "an FCOS timezone with a line break", run: () => FedoraCoreOs.stream(FedoraCoreOsStream.STABLE, { timezone: "Europe/Berlin\n" }), message: 'FedoraCoreOs: timezone: the string "Europe/Berlin\\n" holds a line break' },
  { name: "FCOS qemu images under x86_64", run: () => FedoraCoreOs.stream(FedoraCoreOsStream.STABLE, { qemuImages: { x86_64: "/var/lib/libvirt/images/fcos.qcow2" } } as never), message: "FedoraCoreOs: qemuImages.x86_64: no such option" },
  { name: "FCOS qemu images as a string", run: () => FedoraCoreOs.stream(FedoraCoreOsStream.STABLE, { qemuImages: "/var/lib/libvirt/images/fcos.qcow2" } as never), message: 'FedoraCoreOs: qemuImages: got the string "/var/lib/libvirt/images/fcos....", not an object' },
  { name: "a misspelt FCOS binary install option", run: () => K3sFedoraCoreOsInstall.binary({ version: VERSION, sha256: { amd64: SHA }, baseURL: "https://m" } as never), message: "K3sFedoraCoreOsInstall.binary: baseURL: no such option. Fix: did you mean `baseUrl`?" },
  { name: "an FCOS binary digest under x86_64", run: () => K3sFedoraCoreOsInstall.binary({ version: VERSION, sha256: { amd64: SHA, x86_64: SHA } } as never), message: "K3sFedoraCoreOsInstall.binary: sha256.x86_64: no such option" },
  { name: "an FCOS binary base URL as a number", run: () => K3sFedoraCoreOsInstall.binary({ version: VERSION, sha256: { amd64: SHA }, baseUrl: 443 } as never), message: "K3sFedoraCoreOsInstall.binary: baseUrl: got the number 443, not a string" },
  { name: "an FCOS binary base URL with a line break", run: () => K3sFedoraCoreOsInstall.binary({ version: VERSION, sha256: { amd64: SHA }, baseUrl: "https://mirror.example\n/k3s" }), message: "K3sFedoraCoreOsInstall.binary: baseUrl: the string \"https://mirror.example\\n/k3s\" holds a line break" },
  { name: "periodic update options that are a list", run: () => FedoraCoreOsUpdates.periodic([window] as never), message: "FedoraCoreOs: updates: got a list, not an object" },
  { name: "a misspelt periodic update option", run: () => FedoraCoreOsUpdates.periodic({ windows: [window], timezone: "UTC" } as never), message: "FedoraCoreOs: updates.timezone: no such option. Fix: did you mean `timeZone`?" },
  { name: "a misspelt maintenance window key", run: () => FedoraCoreOsUpdates.periodic({ windows: [{ days: [Weekday.SUNDAY], startTime: "03:00", length: 60 }] } as never), message: "FedoraCoreOs: updates.windows[0].length: no such option" },
  { name: "a window time zone with a line break", run: () => FedoraCoreOsUpdates.periodic({ windows: [window], timeZone: "UTC\n" }), message: 'FedoraCoreOs: updates.timeZone: the string "UTC\\n" holds a line break' },
  { name: "a misspelt fleet lock option", run: () => FedoraCoreOsUpdates.fleetLock({ baseURL: "http://10.3.0.15/" } as never), message: "FedoraCoreOs: updates.baseURL: no such option. Fix: did you mean `baseUrl`?" },
  { name: "fleet lock options that are a string", run: () => FedoraCoreOsUpdates.fleetLock("http://10.3.0.15/" as never), message: 'FedoraCoreOs: updates: got the string "http://10.3.0.15/", not an object' },
  { name: "an FCOS k3s install that is a plain object", run: () => applyK3sToFcos(new IgnitionConfig({ version: "3.4.0" as never }), k3sNode, { version: VERSION } as never, Architecture.AMD64, "fcos/n"), message: "fcos/n: k3sInstall: got an object, not a K3sFedoraCoreOsInstall" },
  { name: "an FCOS k3s architecture in other words", run: () => applyK3sToFcos(new IgnitionConfig({ version: "3.4.0" as never }), k3sNode, K3sFedoraCoreOsInstall.binary({ version: VERSION, sha256: { amd64: SHA } }), "x86_64" as never, "fcos/n"), message: 'fcos/n: architecture: the string "x86_64" is not a Architecture' },
];

const kairosCases: Refusal[] = [
  { name: "a Kairos tag as a number", run: () => Kairos.release(4 as never), message: "Kairos: tag: got the number 4, not a string" },
  { name: "Kairos props that are a list", run: () => Kairos.release(undefined, [] as never), message: "Kairos: props: got a list, not an object" },
  { name: "a misspelt Kairos option", run: () => Kairos.release(undefined, { k3sversion: VERSION } as never), message: "Kairos: k3sversion: no such option. Fix: did you mean `k3sVersion`?" },
  { name: "a Kairos flavour given as a string", run: () => Kairos.release(undefined, { flavor: "hadron" } as never), message: 'Kairos: flavor: got the string "hadron", not a KairosFlavor' },
  { name: "a Kairos AMI under arm64", run: () => Kairos.release(undefined, { amis: { arm64: "ami-0123456789abcdef0" } } as never), message: "Kairos: amis.arm64: no such option" },
  { name: "a Kairos install device with a line break", run: () => Kairos.release(undefined, { installDevice: "/dev/vda\n" }), message: 'Kairos: installDevice: the string "/dev/vda\\n" holds a line break' },
  { name: "a Kairos k3s version as a number", run: () => Kairos.release(undefined, { k3sVersion: 1.36 } as never), message: "Kairos: k3sVersion: got the number 1.36, not a string" },
  { name: "a Kairos flavour release as a number", run: () => KairosFlavor.of("ubuntu", 24.04 as never), message: "KairosFlavor: release: got the number 24.04, not a string" },
  { name: "a misspelt option of the Kairos k3s helper", run: () => applyK3sToKairos(new KairosConfig(), k3sNode, { bundledK3sVerison: VERSION } as never), message: "applyK3sToKairos: options.bundledK3sVerison: no such option. Fix: did you mean `bundledK3sVersion`?" },
  { name: "a Kairos k3s helper given a plain object as its config", run: () => applyK3sToKairos({ k3s: undefined } as never, k3sNode), message: "k3s: config: got an object, not a KairosConfig" },
  { name: "Kairos builder props that are a string", run: () => new KairosConfig("#cloud-config" as never), message: 'kairos: props: got the string "#cloud-config", not an object' },
  { name: "a misspelt Kairos builder option", run: () => new KairosConfig({ user: [] } as never), message: "kairos: user: no such option. Fix: did you mean `users`?" },
  { name: "a Kairos host name with a line break", run: () => new KairosConfig({ hostname: "node-1\nextra: key" }), message: 'kairos: hostname: the string "node-1\\nextra: key" holds a line break' },
  { name: "a Kairos user group with a line break", run: () => new KairosConfig({ users: [{ name: "ops", groups: ["admin\nwheel"] }] }), message: 'kairos: users[0].groups[0]: the string "admin\\nwheel" holds a line break' },
  { name: "a Kairos password with a line break", run: () => new KairosConfig().addUser({ name: "ops", passwd: "secret\n" }), message: 'kairos: user.passwd: the string "secret\\n" holds a line break' },
  { name: "a misspelt Kairos user key", run: () => new KairosConfig().addUser({ name: "ops", ssh_authorized_keys: [] } as never), message: "kairos: user.ssh_authorized_keys: no such option" },
  { name: "a Kairos install flag as a string", run: () => new KairosConfig().setInstall({ auto: "true" } as never), message: 'kairos: install.auto: got the string "true", not true or false' },
  { name: "a Kairos reset source with a line break", run: () => new KairosConfig().setReset({ systemSource: "oci:quay.io/kairos/hadron\n" }), message: 'kairos: reset.systemSource: the string "oci:quay.io/kairos/hadron\\n" holds a line break' },
  { name: "a Kairos k3s argument with a line break", run: () => new KairosConfig().setK3s({ args: ["--node-label=a=b\n--disable=traefik"] }), message: 'kairos: k3s.args[0]: the string "--node-label=a=b\\n--disable=tr..." holds a line break' },
  { name: "Kairos k3s arguments as one string", run: () => new KairosConfig().setK3sAgent({ args: "--disable=traefik" } as never), message: 'kairos: k3s-agent.args: got the string "--disable=traefik", not a list' },
  { name: "a Kairos k3s environment value with a line break", run: () => new KairosConfig({ k3s: { env: { HTTP_PROXY: "http://proxy:3128\nNO_PROXY=*" } } }), message: 'kairos: k3s.env[HTTP_PROXY]: the string "http://proxy:3128\\nNO_PROXY=*" holds a line break' },
  { name: "a Kairos file path with a line break", run: () => new KairosConfig().addFile({ path: "/etc/motd\n", content: "hi" }), message: 'kairos: stages.initramfs.files[0].path: the string "/etc/motd\\n" holds a line break' },
  { name: "Kairos file content as a number", run: () => new KairosConfig().addFile({ path: "/etc/motd", content: 42 } as never), message: "kairos: stages.initramfs.files[0].content: got the number 42" },
  { name: "a Kairos step name with a line break", run: () => new KairosConfig().addStep(KairosStage.BOOT, { name: "a\nb", commands: ["true"] }), message: 'kairos: stages.boot.name: the string "a\\nb" holds a line break' },
  { name: "a Kairos step with a misspelt key", run: () => new KairosConfig().addStep(KairosStage.BOOT, { command: ["true"] } as never), message: "kairos: stages.boot.command: no such option. Fix: did you mean `commands`?" },
  { name: "Kairos stages as a list", run: () => new KairosConfig({ stages: [] } as never), message: "kairos: stages: got a list, not a map of names to values" },
  { name: "a Kairos ssh key with a line break", run: () => new KairosConfig().addSshKeys("kairos", "github:ops\ngithub:evil"), message: 'kairos: users[kairos].ssh_authorized_keys[0]: the string "github:ops\\ngithub:evil" holds a line break' },
];

const otherCases: Refusal[] = [
  { name: "Flatcar automatic update options that are a string", run: () => FlatcarUpdates.automatic("reboot" as never), message: 'Flatcar: updates: got the string "reboot", not an object' },
  { name: "a misspelt Flatcar update option", run: () => FlatcarUpdates.automatic({ stratgy: "off" } as never), message: "Flatcar: updates.stratgy: no such option. Fix: did you mean `strategy`?" },
  { name: "a misspelt Flatcar reboot window key", run: () => FlatcarUpdates.automatic({ window: { time: "04:00", duration: "1h" } } as never), message: "Flatcar: updates.window.duration: no such option" },
  { name: "a Flatcar update group with a line break", run: () => FlatcarUpdates.automatic({ group: "stable\n" }), message: 'Flatcar: updates.group: the string "stable\\n" holds a line break' },
  { name: "a misspelt option of disabled Flatcar updates", run: () => FlatcarUpdates.disabled({ maskService: true } as never), message: "Flatcar: updates.maskService: no such option. Fix: did you mean `maskServices`?" },
  { name: "masking Flatcar update services given as a string", run: () => FlatcarUpdates.disabled({ maskServices: "yes" } as never), message: 'Flatcar: updates.maskServices: got the string "yes", not true or false' },
  { name: "a pinned AMI under x86_64", run: () => AwsImagePolicy.pin({ x86_64: "ami-0123456789abcdef0" } as never), message: "AwsImagePolicy.pin: amis.x86_64: no such option" },
  { name: "pinned AMIs as a string", run: () => AwsImagePolicy.pin("ami-0123456789abcdef0" as never), message: 'AwsImagePolicy.pin: amis: got the string "ami-0123456789abcdef0", not an object' },
  { name: "an Ignition file path with a line break", run: () => new IgnitionConfig({ version: "3.4.0" as never }).addFile("/etc/motd\nx", "hi"), message: 'ignition: storage.files[/etc/motd\nx].path: the path "/etc/motd\\nx" holds a line break' },
  { name: "an Ignition directory path with a line break", run: () => new IgnitionConfig({ version: "3.4.0" as never }).addDirectory("/opt/a\r"), message: 'ignition: storage.directories[/opt/a\r].path: the path "/opt/a\\r" holds a line break' },
  { name: "an Ignition link target with a line break", run: () => new IgnitionConfig({ version: "3.4.0" as never }).addLink("/etc/localtime", "/usr/share/zoneinfo/UTC\n"), message: 'ignition: storage.links[/etc/localtime].target: the target "/usr/share/zoneinfo/UTC\\n" holds a line break' },
  { name: "an Ignition file appended to under a path with a line separator", run: () => new IgnitionConfig({ version: "3.4.0" as never }).merge(new IgnitionConfig({ version: "3.4.0" as never }).appendToFile("/etc/hosts\u2028", { text: "x" })), message: "storage.files[/etc/hosts\u2028].path: the path" },
  { name: "a k3OS AMI with a line break", run: () => K3os.release(undefined, { amis: { amd64: "ami-0123456789abcdef0\n" } }), message: 'K3os: amis.amd64: the string "ami-0123456789abcdef0\\n" holds a line break' },
];

describe("Fedora CoreOS entry points", () => refusals(fcosCases));
describe("Kairos entry points", () => refusals(kairosCases));
describe("Flatcar updates, pinned AMIs, k3OS and Ignition paths", () => refusals(otherCases));
