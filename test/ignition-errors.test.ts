import { afterAll, describe, expect, it } from "vitest";
import { MicroOsError } from "../lib/core/errors";
import { type ClevisCustomPin, FilesystemFormat, IgnitionConfig, IgnitionVersion, RaidLevel, type RaidOptions } from "../lib/ignition";
import { FLATCAR_VARIANT } from "../lib/os/flatcar/releases";
import { checkIgnition, ignitionValidateTool } from "../lib/testing/ignition";
import { need } from "./helpers/external";

// Every kind of bad input the builder refuses, at the call that introduces it, with the field
// and a fix in the message.

let checked = 0;
afterAll(() => {
  console.log(`ignition-validate: ${checked} configs checked`);
});

const KEY_BLOB = (type: string) => {
  const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return Buffer.concat([str(Buffer.from(type)), str(Buffer.alloc(32, 9))]).toString("base64");
};
const ED25519 = `ssh-ed25519 ${KEY_BLOB("ssh-ed25519")} a@b`;
const HEX512 = "ab".repeat(64);
const c33 = () => new IgnitionConfig();
const c35 = () => new IgnitionConfig({ version: IgnitionVersion.V3_5_0 });
const c36 = () => new IgnitionConfig({ version: IgnitionVersion.V3_6_0 });
const flatcar = () => new IgnitionConfig({ version: IgnitionVersion.V3_5_0, variant: FLATCAR_VARIANT });
const c34 = () => new IgnitionConfig({ version: IgnitionVersion.V3_4_0 });

/** Runs `build` and returns the MicroOsError it throws (failing if it throws anything else). */
function refused(build: () => unknown): MicroOsError {
  try {
    build();
  } catch (e) {
    expect(e).toBeInstanceOf(MicroOsError);
    return e as MicroOsError;
  }
  throw new Error("expected the call to be refused");
}

interface Case {
  /** What is wrong. */
  readonly name: string;
  readonly build: () => unknown;
  readonly field: string;
  /** The problem part of the message. */
  readonly message: RegExp;
}

const cases: Case[] = [
  // paths
  { name: "a relative file path", build: () => c33().addFile("etc/hostname", "x"), field: "storage.files[etc/hostname].path", message: /the path "etc\/hostname" is relative\. Fix: give an absolute path starting with \/, for example "\/etc\/hostname"/ },
  { name: "a path with // and a trailing /", build: () => c33().addDirectory("/opt//bin/"), field: "storage.directories[/opt//bin/].path", message: /is not clean .*Fix: write it as "\/opt\/bin"/ },
  { name: "a path with ..", build: () => c33().addFile("/etc/../root/x", "x"), field: "storage.files[/etc/../root/x].path", message: /is not clean/ },
  { name: "the root directory as a file", build: () => c33().addFile("/", "x"), field: "storage.files[/].path", message: /the path is the root directory/ },
  { name: "a duplicate file path", build: () => c33().addFile("/etc/a", "1").addFile("/etc/a", "2"), field: "storage.files[/etc/a].path", message: /\/etc\/a is already a file\. Fix: use each path once/ },
  { name: "a path that is both a file and a directory", build: () => c33().addFile("/etc/a", "1").addDirectory("/etc/a"), field: "storage.directories[/etc/a].path", message: /already a file; a path cannot be both a file and a directory/ },
  { name: "a file under a file", build: () => c33().addFile("/etc/a", "1").addFile("/etc/a/b", "2"), field: "storage.files[/etc/a/b].path", message: /\/etc\/a\/b lies under \/etc\/a, which is a file/ },
  { name: "a file under a link", build: () => c33().addLink("/opt/current", "/opt/v1").addFile("/opt/current/bin", "x"), field: "storage.files[/opt/current/bin].path", message: /lies under \/opt\/current, which is a link; Ignition refuses paths through a link it creates\. Fix: write it under the link's target "\/opt\/v1"/ },
  { name: "a file where files already lie below", build: () => c33().addFile("/etc/a/b", "1").addFile("/etc/a", "2"), field: "storage.files[/etc/a].path", message: /\/etc\/a would be a file, but \/etc\/a\/b lies under it, so it must be a directory/ },
  { name: "a hard link to a directory", build: () => c33().addDirectory("/srv").addLink("/data", "/srv", { hard: true }), field: "storage.links[/data].target", message: /hard links to directories are impossible/ },
  { name: "a hard link with a relative target", build: () => c33().addLink("/a", "b", { hard: true }), field: "storage.links[/a].target", message: /the path "b" is relative/ },
  { name: "a mode on a link", build: () => c33().addLink("/a", "/b", { mode: 0o777 }), field: "storage.links[/a].mode", message: /links have no mode of their own/ },
  { name: "a link without a target", build: () => c33().addLink("/a", ""), field: "storage.links[/a].target", message: /is empty/ },
  // modes and owners
  { name: "a mode above 0o7777", build: () => c33().addFile("/a", "x", { mode: 0o10000 }), field: "storage.files[/a].mode", message: /the mode 0o10000 is outside 0\.\.0o7777\. Fix: give permission bits as an octal literal/ },
  { name: "a negative mode", build: () => c33().addDirectory("/d", { mode: -1 }), field: "storage.directories[/d].mode", message: /the mode -1 is outside 0\.\.0o7777/ },
  { name: "a fractional mode", build: () => c33().addFile("/a", "x", { mode: 420.5 }), field: "storage.files[/a].mode", message: /the mode 420\.5 is outside/ },
  { name: "an owner with both id and name", build: () => c33().addFile("/a", "x", { user: { id: 500, name: "core" } }), field: "storage.files[/a].user", message: /both id and name are set/ },
  { name: "an owner group with an invalid name", build: () => c33().addFile("/a", "x", { group: { name: "Wheel Group" } }), field: "storage.files[/a].group.name", message: /"Wheel Group" is not a valid group name/ },
  // systemd
  { name: "a unit name without a suffix", build: () => c33().addUnit("hello", { contents: "[Service]\nExecStart=/bin/true\n" }), field: "systemd.units[hello].name", message: /has no valid systemd unit suffix\. Fix: end it in one of \.service .*"hello\.service"/ },
  { name: "a snapshot unit (removed from systemd)", build: () => c33().addUnit("state.snapshot"), field: "systemd.units[state.snapshot].name", message: /no valid systemd unit suffix/ },
  { name: "a unit name with a space", build: () => c33().addUnit("my app.service"), field: "systemd.units[my app.service].name", message: /is not a valid systemd unit name/ },
  { name: "a dropin not ending in .conf", build: () => c33().addDropin("k3s.service", "override.txt", "[Service]\nNice=1\n"), field: "systemd.units[k3s.service].dropins[override.txt].name", message: /does not end in \.conf; systemd ignores other dropins\. Fix: name it "override\.conf"/ },
  { name: "a dropin for a unit without a suffix", build: () => c33().addDropin("k3s", "10.conf", "[Service]\n"), field: "systemd.units[k3s].name", message: /no valid systemd unit suffix/ },
  { name: "unit contents with a line that is no option", build: () => c33().addUnit("a.service", { contents: "[Service]\nExecStart /bin/true\n" }), field: "systemd.units[a.service].contents", message: /line 2: "ExecStart \/bin\/true" is not an option \(Key=Value\) line/ },
  { name: "unit contents with an unclosed section", build: () => c33().addUnit("a.service", { contents: "[Service\nExecStart=/bin/true\n" }), field: "systemd.units[a.service].contents", message: /has no closing \]/ },
  { name: "a unit defined twice", build: () => c33().addUnit("a.service").addUnit("a.service"), field: "systemd.units[a.service]", message: /the unit is already defined/ },
  { name: "a dropin defined twice", build: () => c33().addDropin("a.service", "1.conf", "").addDropin("a.service", "1.conf", ""), field: "systemd.units[a.service].dropins[1.conf]", message: /the dropin is already defined/ },
  { name: "a unit both enabled and masked", build: () => c33().addUnit("a.service", { enabled: true, mask: true }), field: "systemd.units[a.service]", message: /both enabled and masked/ },
  // users, groups, keys
  { name: "a user name with upper case", build: () => c33().addUser("Admin"), field: "passwd.users[Admin].name", message: /"Admin" is not a valid user name\. Fix: start with a lower-case letter or _.*useradd\(8\)/ },
  { name: "a user name longer than 32", build: () => c33().addUser("a".repeat(33)), field: `passwd.users[${"a".repeat(33)}].name`, message: /is not a valid user name/ },
  { name: "a group name starting with a digit", build: () => c33().addGroup("1ops"), field: "passwd.groups[1ops].name", message: /"1ops" is not a valid group name.*groupadd\(8\)/ },
  { name: "a supplementary group with an invalid name", build: () => c33().addUser("ops", { groups: ["Sudo"] }), field: "passwd.users[ops].groups[0]", message: /"Sudo" is not a valid group name/ },
  { name: "a user defined twice", build: () => c33().addUser("ops").addUser("ops"), field: "passwd.users[ops]", message: /the user is already defined\. Fix: define each user once; add keys with addSshKeys\(\)/ },
  { name: "a group defined twice", build: () => c33().addGroup("ops").addGroup("ops"), field: "passwd.groups[ops]", message: /the group is already defined/ },
  { name: "an ssh key of an unknown type", build: () => c33().addSshKeys("core", ["AAAAB3NzaC1yc2E me@host"]), field: "passwd.users[core].sshAuthorizedKeys[0]", message: /is not an OpenSSH public key: unknown key type "AAAAB3NzaC1yc2E"/ },
  { name: "an ssh key whose blob is not base64", build: () => c33().addSshKeys("core", ["ssh-ed25519 not*base64 me"]), field: "passwd.users[core].sshAuthorizedKeys[0]", message: /the ssh-ed25519 key's blob is not base64/ },
  { name: "an ssh key whose blob is another type", build: () => c33().addSshKeys("core", [`ssh-rsa ${KEY_BLOB("ssh-ed25519")} me`]), field: "passwd.users[core].sshAuthorizedKeys[0]", message: /the ssh-rsa key's blob does not start with its type name/ },
  { name: "an ssh key spanning lines", build: () => c33().addUser("core", { sshAuthorizedKeys: [`${ED25519}\n${ED25519}`] }), field: "passwd.users[core].sshAuthorizedKeys[0]", message: /spans several lines/ },
  { name: "no ssh keys", build: () => c33().addSshKeys("core", []), field: "passwd.users[core].sshAuthorizedKeys", message: /no keys given/ },
  { name: "a plain password as a hash", build: () => c33().addUser("ops", { passwordHash: "hunter2" }), field: "passwd.users[ops].passwordHash", message: /does not look like a crypt\(3\) hash; it may be a plain password\. Fix: hash it first/ },
  { name: "a relative home directory", build: () => c33().addUser("ops", { homeDir: "home/ops" }), field: "passwd.users[ops].homeDir", message: /is relative/ },
  { name: "a gecos with a colon", build: () => c33().addUser("ops", { gecos: "Ops: team" }), field: "passwd.users[ops].gecos", message: /holds ':' or a newline, which would break \/etc\/passwd/ },
  { name: "a uid out of range", build: () => c33().addUser("ops", { uid: -5 }), field: "passwd.users[ops].uid", message: /expected an integer from 0 to 4294967294, got -5/ },
  { name: "keys for a user to be deleted", build: () => c33().addUser("old", { shouldExist: false }).addSshKeys("old", [ED25519]), field: "passwd.users[old].sshAuthorizedKeys", message: /to be deleted \(shouldExist: false\) yet gets ssh keys/ },
  // hashes and sources
  { name: "a sha512 hash of the wrong length", build: () => c33().addRemoteFile("/a", { source: "https://x.example/a", hash: { algorithm: "sha512", hex: "abc" } }), field: "storage.files[/a].contents.verification.hash", message: /a sha512 hash is 128 hex digits; got 3 characters\. Fix: give the output of `sha512sum FILE`/ },
  { name: "a sha256 hash with non-hex digits", build: () => c33().addRemoteFile("/a", { source: "https://x.example/a", hash: { algorithm: "sha256", hex: "z".repeat(64) } }), field: "storage.files[/a].contents.verification.hash", message: /a sha256 hash is 64 hex digits; got 64 characters that are not all hex/ },
  { name: "an md5 hash", build: () => c33().addRemoteFile("/a", { source: "https://x.example/a", hash: { algorithm: "md5" as "sha256", hex: "0".repeat(32) } }), field: "storage.files[/a].contents.verification.hash", message: /the hash algorithm "md5" is not one Ignition verifies/ },
  { name: "an https source without a hash", build: () => c33().addRemoteFile("/a", { source: "https://x.example/a" }), field: "storage.files[/a].contents.source", message: /the https source "https:\/\/x\.example\/a" has no verification hash\. Fix: pass hash: \{ algorithm: "sha512"/ },
  { name: "a tftp source without a hash", build: () => c33().mergeConfig({ source: "tftp://10.0.0.1/node.ign" }), field: "ignition.config.merge.source", message: /the tftp source .* has no verification hash/ },
  { name: "an ftp source", build: () => c33().addRemoteFile("/a", { source: "ftp://x.example/a", hash: { algorithm: "sha512", hex: HEX512 } }), field: "storage.files[/a].contents.source", message: /the URL scheme "ftp:" is not one Ignition fetches/ },
  { name: "a source without a scheme", build: () => c33().addRemoteFile("/a", { source: "x.example/a" }), field: "storage.files[/a].contents.source", message: /has no URL scheme/ },
  { name: "gzip with an s3 source", build: () => c33().addRemoteFile("/a", { source: "s3://bucket/a.gz", gzip: true }), field: "storage.files[/a].contents.source", message: /compression "gzip" is set on an S3 source; Ignition cannot decompress S3 objects/ },
  { name: "an s3 source without an object key", build: () => c33().replaceConfig({ source: "s3://bucket" }), field: "ignition.config.replace.source", message: /does not name a bucket and an object/ },
  { name: "http headers on an s3 source", build: () => c33().addRemoteFile("/a", { source: "s3://b/k", httpHeaders: [{ name: "X", value: "y" }] }), field: "storage.files[/a].contents.source", message: /httpHeaders need an http or https source/ },
  { name: "a duplicate http header", build: () => c33().addRemoteFile("/a", { source: "https://x.example/a", hash: { algorithm: "sha512", hex: HEX512 }, httpHeaders: [{ name: "X", value: "1" }, { name: "X", value: "2" }] }), field: "storage.files[/a].contents.httpHeaders", message: /"X" is listed twice/ },
  { name: "binary contents given as a string", build: () => c33().addBinaryFile("/a", "text" as unknown as Uint8Array), field: "storage.files[/a].contents", message: /expected bytes \(a Uint8Array or Buffer\), got "text"/ },
  // spec version
  { name: "an arn: source under spec 3.3.0", build: () => c33().addRemoteFile("/a", { source: "arn:aws:s3:::bucket/key" }), field: "storage.files[/a].contents.source", message: /an arn: source \(an S3 access point\) needs Ignition spec 3\.4\.0, and this config renders spec 3\.3\.0\. Fix: create the config with new IgnitionConfig\(\{ version: IgnitionVersion\.V3_4_0 \}\)/ },
  { name: "luks discard under spec 3.3.0", build: () => c33().addLuks("d", { device: "/dev/vdb", discard: true }), field: "storage.luks[d].discard", message: /luks discard needs Ignition spec 3\.4\.0.*IgnitionVersion\.V3_4_0/ },
  { name: "luks openOptions under spec 3.3.0", build: () => c33().addLuks("d", { device: "/dev/vdb", openOptions: ["--allow-discards"] }), field: "storage.luks[d].openOptions", message: /luks openOptions needs Ignition spec 3\.4\.0/ },
  { name: "an arn that is not an S3 object", build: () => c34().addRemoteFile("/a", { source: "arn:aws:iam::123456789012:role/x" }), field: "storage.files[/a].contents.source", message: /is not an S3 object ARN/ },
  { name: "an unknown spec version", build: () => new IgnitionConfig({ version: "3.9.0" as IgnitionVersion }), field: "version", message: /"3\.9\.0" is not a spec version this library renders/ },
  // devices
  { name: "luks with clevis on Flatcar", build: () => flatcar().addLuks("d", { device: "/dev/vdb", clevis: { tpm2: true } }), field: "storage.luks[d].clevis", message: /Flatcar does not support clevis \(TPM2, Tang or custom bindings\) for LUKS: its stable Butane variants/ },
  { name: "luks cex on Flatcar", build: () => flatcar().addLuks("d", { device: "/dev/vdb", cex: true }), field: "storage.luks[d].cex", message: /Flatcar does not support luks cex/ },
  { name: "luks cex under spec 3.4.0", build: () => c34().addLuks("d", { device: "/dev/vdb", cex: true }), field: "storage.luks[d].cex", message: /luks cex \(IBM Crypto Express\) needs Ignition spec 3\.5\.0, and this config renders spec 3\.4\.0\. Fix: create the config with new IgnitionConfig\(\{ version: IgnitionVersion\.V3_5_0 \}\)/ },
  { name: "luks cex with clevis", build: () => c36().addLuks("d", { device: "/dev/vdb", cex: true, clevis: { tpm2: true } }), field: "storage.luks[d].cex", message: /cannot use both cex and clevis/ },
  { name: "luks cex with a key file", build: () => c36().addLuks("d", { device: "/dev/vdb", cex: true, keyFile: { text: "k" } }), field: "storage.luks[d].cex", message: /takes no keyFile/ },
  { name: "clevis binding nothing", build: () => c36().addLuks("d", { device: "/dev/vdb", clevis: {} }), field: "storage.luks[d].clevis", message: /names no TPM2, Tang server or custom pin/ },
  { name: "a clevis custom pin with tpm2", build: () => c36().addLuks("d", { device: "/dev/vdb", clevis: { tpm2: true, custom: { pin: "sss", config: "{}" } } }), field: "storage.luks[d].clevis", message: /custom pin cannot be combined with tpm2, tang or threshold/ },
  { name: "a clevis custom pin without config", build: () => c36().addLuks("d", { device: "/dev/vdb", clevis: { custom: { pin: "sss" } as unknown as ClevisCustomPin } }), field: "storage.luks[d].clevis.custom.config", message: /expected a string, got undefined/ },
  { name: "an unknown clevis custom pin under spec 3.5.0", build: () => c35().addLuks("d", { device: "/dev/vdb", clevis: { custom: { pin: "yubikey", config: "{}" } } }), field: "storage.luks[d].clevis.custom.pin", message: /a clevis custom pin other than tpm2, tang or sss needs Ignition spec 3\.6\.0/ },
  { name: "a Tang server over ftp", build: () => c36().addLuks("d", { device: "/dev/vdb", clevis: { tang: [{ url: "ftp://tang.example", thumbprint: "t" }] } }), field: "storage.luks[d].clevis.tang[0].url", message: /is not http or https/ },
  { name: "a Tang advertisement that is not JSON", build: () => c36().addLuks("d", { device: "/dev/vdb", clevis: { tang: [{ url: "https://tang.example", thumbprint: "t", advertisement: "{" }] } }), field: "storage.luks[d].clevis.tang[0].advertisement", message: /is not JSON/ },
  { name: "a Tang advertisement under spec 3.3.0", build: () => c33().addLuks("d", { device: "/dev/vdb", clevis: { tang: [{ url: "https://tang.example", thumbprint: "t", advertisement: "{}" }] } }), field: "storage.luks[d].clevis.tang[0].advertisement", message: /needs Ignition spec 3\.4\.0/ },
  { name: "a setuid mode under spec 3.5.0", build: () => c35().addFile("/usr/local/bin/x", "#!/bin/sh\n", { mode: 0o4755 }), field: "storage.files[/usr/local/bin/x].mode", message: /setuid, setgid or sticky mode bits needs Ignition spec 3\.6\.0, and this config renders spec 3\.5\.0/ },
  { name: "a sticky directory on Flatcar (no release reads 3.6.0)", build: () => flatcar().addDirectory("/var/shared", { mode: 0o1777 }), field: "storage.directories[/var/shared].mode", message: /needs Ignition spec 3\.6\.0, and this config renders spec 3\.5\.0\. Fix: .*no Flatcar release known here reads spec 3\.6\.0 yet/ },
  { name: "a merged sticky directory under 3.5.0", build: () => c35().merge(c36().addDirectory("/var/shared", { mode: 0o1777 })), field: "storage.directories[/var/shared].mode", message: /needs Ignition spec 3\.6\.0/ },
  { name: "a luks name with a slash", build: () => c33().addLuks("a/b", { device: "/dev/vdb" }), field: "storage.luks[a/b].name", message: /holds a \// },
  { name: "a luks label over 47 characters", build: () => c33().addLuks("d", { device: "/dev/vdb", label: "l".repeat(48) }), field: "storage.luks[d].label", message: /LUKS2 allows 47/ },
  { name: "a RAID array without devices", build: () => c33().addRaid("md0", { level: RaidLevel.RAID1, devices: [] }), field: "storage.raid[md0].devices", message: /the array has no member devices/ },
  { name: "spares on a raid0 array", build: () => c33().addRaid("md0", { level: RaidLevel.RAID0, devices: ["/dev/a", "/dev/b"], spares: 1 }), field: "storage.raid[md0].spares", message: /level raid0 cannot have spares/ },
  { name: "an unknown RAID level", build: () => c33().addRaid("md0", { level: "raid7", devices: ["/dev/a"] } as unknown as RaidOptions), field: "storage.raid[md0].level", message: /"raid7" is not a RAID level Ignition creates/ },
  { name: "an unknown filesystem format", build: () => c33().addFilesystem("/dev/vdb", { format: "ntfs" as FilesystemFormat }), field: "storage.filesystems[/dev/vdb].format", message: /"ntfs" is not a filesystem format Ignition creates/ },
  { name: "an ext4 label over 16 characters", build: () => c33().addFilesystem("/dev/vdb", { format: FilesystemFormat.EXT4, label: "a-very-long-label" }), field: "storage.filesystems[/dev/vdb].label", message: /a ext4 label is at most 16 characters/ },
  { name: "a partition with neither number nor label", build: () => c33().addDisk("/dev/vdb", { partitions: [{ sizeMiB: 10 }] }), field: "storage.disks[/dev/vdb].partitions[0]", message: /neither a number nor a label/ },
  { name: "a partition label with a colon", build: () => c33().addDisk("/dev/vdb", { partitions: [{ label: "a:b" }] }), field: "storage.disks[/dev/vdb].partitions[0].label", message: /holds a colon, which sgdisk cannot take/ },
  { name: "two partitions with one number", build: () => c33().addDisk("/dev/vdb", { partitions: [{ number: 1 }, { number: 1, label: "x" }] }), field: "storage.disks[/dev/vdb].partitions[].number", message: /"1" is listed twice/ },
  { name: "overlapping partitions", build: () => c33().addDisk("/dev/vdb", { partitions: [{ number: 1, startMiB: 1, sizeMiB: 100 }, { number: 2, startMiB: 50, sizeMiB: 100 }] }), field: "storage.disks[/dev/vdb].partitions", message: /partitions 1 and 2 overlap/ },
  { name: "a partition GUID that is not a GUID", build: () => c33().addDisk("/dev/vdb", { partitions: [{ number: 1, typeGuid: "linux" }] }), field: "storage.disks[/dev/vdb].partitions[0].typeGuid", message: /"linux" is not a GUID/ },
  { name: "a partition to delete with a size", build: () => c33().addDisk("/dev/vdb", { partitions: [{ number: 1, shouldExist: false, sizeMiB: 5 }] }), field: "storage.disks[/dev/vdb].partitions[0]", message: /to be deleted \(shouldExist: false\) yet has a label, GUID, start or size/ },
  { name: "a disk defined twice", build: () => c33().addDisk("/dev/vdb").addDisk("/dev/vdb"), field: "storage.disks[/dev/vdb]", message: /the disk is already defined/ },
  // kernel arguments
  { name: "a kernel argument both present and absent", build: () => c33().addKernelArguments("quiet").removeKernelArguments("quiet"), field: "kernelArguments[quiet]", message: /"quiet" is asked to be both present and absent/ },
  { name: "a kernel argument with whitespace", build: () => c33().addKernelArguments("console=ttyS0 quiet"), field: "kernelArguments.shouldExist[0]", message: /holds whitespace/ },
  // ignition section
  { name: "a negative timeout", build: () => c33().setTimeouts({ httpTotal: -1 }), field: "ignition.timeouts.httpTotal", message: /expected an integer from 0 to 2147483647 seconds, got -1/ },
  { name: "a timeout set twice to different values", build: () => c33().setTimeouts({ httpTotal: 10 }).setTimeouts({ httpTotal: 20 }), field: "ignition.timeouts.httpTotal", message: /already set to 10/ },
  { name: "a socks proxy", build: () => c33().setProxy({ httpsProxy: "socks5://p:1080" }), field: "ignition.proxy.httpsProxy", message: /is not an http or https URL/ },
  { name: "a certificate authority that is not PEM", build: () => c33().addCertificateAuthority({ text: "MIIB..." }), field: "ignition.security.tls.certificateAuthorities", message: /not a PEM certificate/ },
  { name: "a replacement config set twice", build: () => c33().replaceConfig({ source: "s3://b/a.ign" }).replaceConfig({ source: "s3://b/b.ign" }), field: "ignition.config.replace", message: /the replacement config is already set/ },
  { name: "a merged config added twice", build: () => c33().mergeConfig({ source: "s3://b/a.ign" }).mergeConfig({ source: "s3://b/a.ign" }), field: "ignition.config.merge", message: /already added; Ignition refuses duplicate list entries/ },
  { name: "config contents of no known kind", build: () => c33().mergeConfig({ url: "s3://b/a" } as never), field: "ignition.config.merge", message: /expected \{ text \}, \{ bytes \} or \{ source, hash \}/ },
  // merge
  {
    name: "a path defined by both merged configs",
    build: () => new IgnitionConfig({ name: "node-1" }).addFile("/etc/hostname", "a").merge(new IgnitionConfig({ name: "pool-general" }).addDirectory("/etc/hostname")),
    field: "storage.directories[/etc/hostname].path",
    message: /\/etc\/hostname is a file in node-1 and a directory in pool-general/,
  },
  {
    name: "a unit defined by both merged configs",
    build: () => new IgnitionConfig({ name: "node-1" }).addUnit("k3s.service").merge(new IgnitionConfig({ name: "extra" }).addUnit("k3s.service")),
    field: "systemd.units[k3s.service]",
    message: /the unit is defined in both node-1 and extra/,
  },
  {
    name: "a dropin defined by both merged configs",
    build: () => new IgnitionConfig({ name: "a" }).addDropin("k3s.service", "10.conf", "").merge(new IgnitionConfig({ name: "b" }).addDropin("k3s.service", "10.conf", "")),
    field: "systemd.units[k3s.service].dropins[10.conf]",
    message: /the dropin is defined in both a and b/,
  },
  {
    name: "a user declared by both merged configs (default names)",
    build: () => c33().addUser("ops").merge(c33().addUser("ops")),
    field: "passwd.users[ops]",
    message: /the user is defined in both ignition and ignition \(merged\)/,
  },
  {
    name: "a merged config using a 3.4.0 feature under 3.3.0",
    build: () => c33().merge(c34().addLuks("d", { device: "/dev/vdb", discard: true })),
    field: "storage.luks[d].discard",
    message: /needs Ignition spec 3\.4\.0/,
  },
  { name: "rendering an apply-time value without an encoder", build: () => c33().addFile("/etc/k3s/token", "${TfToken[TOKEN.1]}").render(), field: "storage.files[/etc/k3s/token].contents", message: /a value known only at apply time \(a cdktf token\).*Fix: render through the platform/ },
  { name: "a config merged into itself", build: () => { const c = c33(); return c.merge(c); }, field: "merge", message: /cannot be merged into itself/ },
  { name: "merging something that is not a config", build: () => c33().merge({} as IgnitionConfig), field: "merge", message: /expected an IgnitionConfig/ },
];

describe("refused input", () => {
  it("covers at least 25 distinct kinds of mistake", () => {
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  it.each(cases)("refuses $name", ({ build, field, message }) => {
    const e = refused(build);
    expect(e.field).toBe(field);
    expect(e.message).toMatch(message);
    expect(e.message).toContain(`${field}: `);
    expect(e.fix.length).toBeGreaterThan(0);
  });

  it("names the config in the message", () => {
    expect(refused(() => new IgnitionConfig({ name: "cluster/node-1" }).addFile("x", "y")).message).toMatch(/^cluster\/node-1: storage\.files\[x\]\.path: /);
  });

  it("leaves the config as it was when a call is refused", (ctx) => {
    need(ctx, ignitionValidateTool());
    const c = c33().addFile("/etc/a", "1");
    const before = c.render();
    refused(() => c.addFile("/etc/a/b", "2"));
    refused(() => c.addUser("ops", { sshAuthorizedKeys: ["bad"] }));
    refused(() => c.addDisk("/dev/vdb", { partitions: [{ number: 1 }, { number: 1 }] }));
    expect(c.render()).toBe(before);
    expect(checkIgnition(before)).toEqual([]);
    checked++;
  });
});
