import * as fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { validateIgnitionSpec } from "../lib/ignition";
import type { IgnitionVariant } from "../lib/ignition/version";
import { FLATCAR_VARIANT } from "../lib/os/flatcar/releases";
import { ignitionValidateTool, runIgnitionValidate, validateWithSchema } from "../lib/testing/ignition";
import { need } from "./helpers/external";

// validateIgnitionSpec on configs the builder did not make (parsed user data, hand-written JSON):
// each kind of problem it reports, and, where Ignition itself refuses the config, that Debian's
// ignition-validate agrees. Where we are stricter than Ignition (our policy, or what Flatcar
// lacks), the case says so.

let checked = 0;
afterAll(() => {
  console.log(`ignition-validate: ${checked} configs checked`);
});

const V33 = { version: "3.3.0" };
const HEX = "0".repeat(128);

interface Case {
  readonly name: string;
  readonly config: object;
  /** The field of the problem, and what the message says. */
  readonly field: string;
  readonly message: RegExp;
  /** Does Debian's ignition-validate refuse it too? false where we are stricter, with why. */
  readonly ignition: true | string;
  /** The OS variant to check against. @default - none */
  readonly variant?: IgnitionVariant;
}

const cases: Case[] = [
  { name: "a relative path", config: { ignition: V33, storage: { files: [{ path: "etc/x" }] } }, field: "storage.files[0].path", message: /is relative/, ignition: true },
  { name: "a path that is not clean", config: { ignition: V33, storage: { directories: [{ path: "/a/./b" }] } }, field: "storage.directories[0].path", message: /is not clean/, ignition: true },
  { name: "a mode above 0o7777", config: { ignition: V33, storage: { files: [{ path: "/a", mode: 4096 * 2 }] } }, field: "storage.files[0].mode", message: /the mode 0o20000 is outside 0\.\.0o7777/, ignition: true },
  { name: "a path used twice", config: { ignition: V33, storage: { files: [{ path: "/a" }], links: [{ path: "/a", target: "/b" }] } }, field: "storage.links[0].path", message: /\/a is also defined at storage\.files\[0\]; a path cannot be both a file and a link/, ignition: true },
  { name: "a file under a link", config: { ignition: V33, storage: { files: [{ path: "/l/f" }], links: [{ path: "/l", target: "/t" }] } }, field: "storage.files[0].path", message: /lies under \/l, which is a link/, ignition: true },
  { name: "a link without a target", config: { ignition: V33, storage: { links: [{ path: "/l" }] } }, field: "storage.links[0].target", message: /the link has no target/, ignition: true },
  { name: "a hard link to a directory", config: { ignition: V33, storage: { directories: [{ path: "/d" }], links: [{ path: "/l", target: "/d", hard: true }] } }, field: "storage.links[0].target", message: /points at \/d, a directory/, ignition: true },
  { name: "overwrite without contents", config: { ignition: V33, storage: { files: [{ path: "/a", overwrite: true }] } }, field: "storage.files[0].overwrite", message: /overwrite is set but the file has no contents source/, ignition: true },
  { name: "an owner with id and name", config: { ignition: V33, storage: { files: [{ path: "/a", user: { id: 0, name: "root" } }] } }, field: "storage.files[0].user", message: /both id and name are set/, ignition: true },
  { name: "a hash of the wrong length", config: { ignition: V33, storage: { files: [{ path: "/a", contents: { source: "https://x.example/a", verification: { hash: "sha512-abc" } } }] } }, field: "storage.files[0].contents.verification.hash", message: /a sha512 hash is 128 hex digits/, ignition: true },
  { name: "an unknown hash function", config: { ignition: V33, storage: { files: [{ path: "/a", contents: { source: "https://x.example/a", verification: { hash: `md5-${"0".repeat(32)}` } } }] } }, field: "storage.files[0].contents.verification.hash", message: /"md5" is not one Ignition verifies/, ignition: true },
  { name: "an ftp source", config: { ignition: V33, storage: { files: [{ path: "/a", contents: { source: "ftp://x.example/a" } }] } }, field: "storage.files[0].contents.source", message: /the URL scheme "ftp:" is not one Ignition fetches/, ignition: true },
  { name: "a bad percent escape in a data URL", config: { ignition: V33, storage: { files: [{ path: "/a", contents: { source: "data:,100%" } }] } }, field: "storage.files[0].contents.source", message: /a % not followed by two hex digits/, ignition: true },
  { name: "a space in a plain data URL", config: { ignition: V33, storage: { files: [{ path: "/a", contents: { source: "data:,a b" } }] } }, field: "storage.files[0].contents.source", message: /holds " " unescaped/, ignition: true },
  { name: "an unknown compression", config: { ignition: V33, storage: { files: [{ path: "/a", contents: { source: "data:,a", compression: "bzip2" } }] } }, field: "storage.files[0].contents.compression", message: /"bzip2" is not a compression Ignition knows/, ignition: true },
  { name: "http headers on an s3 source", config: { ignition: V33, storage: { files: [{ path: "/a", contents: { source: "s3://b/k", httpHeaders: [{ name: "X", value: "1" }] } }] } }, field: "storage.files[0].contents.source", message: /httpHeaders need an http or https source/, ignition: true },
  { name: "an arn: source under 3.3.0", config: { ignition: V33, storage: { files: [{ path: "/a", contents: { source: "arn:aws:s3:::bucket/key" } }] } }, field: "storage.files[0].contents.source", message: /needs Ignition spec 3\.4\.0.*IgnitionVersion\.V3_4_0/, ignition: true },
  { name: "a merged config without a source", config: { ignition: { ...V33, config: { merge: [{ verification: { hash: `sha512-${HEX}` } }] } } }, field: "ignition.config.merge[0].source", message: /the source is missing/, ignition: true },
  { name: "a certificate authority without a source", config: { ignition: { ...V33, security: { tls: { certificateAuthorities: [{}] } } } }, field: "ignition.security.tls.certificateAuthorities[0].source", message: /the source is missing/, ignition: true },
  { name: "a socks proxy", config: { ignition: { ...V33, proxy: { httpProxy: "socks5://p:1080" } } }, field: "ignition.proxy.httpProxy", message: /is not an http or https URL/, ignition: true },
  { name: "a unit without a suffix", config: { ignition: V33, systemd: { units: [{ name: "hello" }] } }, field: "systemd.units[0].name", message: /has no valid systemd unit suffix/, ignition: true },
  { name: "unit contents that do not parse", config: { ignition: V33, systemd: { units: [{ name: "a.service", contents: "[Service]\nbroken\n" }] } }, field: "systemd.units[0].contents", message: /line 2: "broken" is not an option/, ignition: true },
  { name: "a dropin not ending in .conf", config: { ignition: V33, systemd: { units: [{ name: "a.service", dropins: [{ name: "x.ini" }] }] } }, field: "systemd.units[0].dropins[0].name", message: /does not end in \.conf/, ignition: true },
  { name: "a unit listed twice", config: { ignition: V33, systemd: { units: [{ name: "a.service" }, { name: "a.service" }] } }, field: "systemd.units[1].name", message: /the unit "a\.service" is defined twice/, ignition: true },
  { name: "a user listed twice", config: { ignition: V33, passwd: { users: [{ name: "ops" }, { name: "ops" }] } }, field: "passwd.users[1].name", message: /the user "ops" is defined twice/, ignition: true },
  { name: "a RAID array without a level", config: { ignition: V33, storage: { raid: [{ name: "md0", devices: ["/dev/a"] }] } }, field: "storage.raid[0].level", message: /the RAID level is missing/, ignition: true },
  { name: "a RAID array without devices", config: { ignition: V33, storage: { raid: [{ name: "md0", level: "raid1" }] } }, field: "storage.raid[0].devices", message: /no member devices/, ignition: true },
  { name: "an unknown filesystem format", config: { ignition: V33, storage: { filesystems: [{ device: "/dev/a", format: "ntfs" }] } }, field: "storage.filesystems[0].format", message: /"ntfs" is not a filesystem format/, ignition: true },
  { name: "an xfs label over 12 characters", config: { ignition: V33, storage: { filesystems: [{ device: "/dev/a", format: "xfs", label: "thirteen-char" }] } }, field: "storage.filesystems[0].label", message: /a xfs label is at most 12 characters/, ignition: true },
  { name: "a partition without number or label", config: { ignition: V33, storage: { disks: [{ device: "/dev/a", partitions: [{ sizeMiB: 1 }] }] } }, field: "storage.disks[0].partitions[0]", message: /neither a number nor a label/, ignition: true },
  { name: "two partitions with one label", config: { ignition: V33, storage: { disks: [{ device: "/dev/a", partitions: [{ number: 1, label: "x" }, { number: 2, label: "x" }] }] } }, field: "storage.disks[0].partitions[1].label", message: /the partition label "x" is defined twice/, ignition: true },
  { name: "a LUKS volume without a device", config: { ignition: V33, storage: { luks: [{ name: "c" }] } }, field: "storage.luks[0].device", message: /has no device/, ignition: true },
  { name: "a kernel argument in both lists", config: { ignition: V33, kernelArguments: { shouldExist: ["quiet"], shouldNotExist: ["quiet"] } }, field: "kernelArguments", message: /"quiet" is in both shouldExist and shouldNotExist/, ignition: true },
  { name: "an unknown spec version", config: { ignition: { version: "3.9.0" } }, field: "ignition.version", message: /"3\.9\.0" is not a spec version this library checks/, ignition: true },
  // Stricter than Ignition:
  { name: "an https source without a hash", config: { ignition: V33, storage: { files: [{ path: "/a", contents: { source: "https://x.example/a" } }] } }, field: "storage.files[0].contents.source", message: /has no verification hash/, ignition: "our policy: what travels over http(s) or tftp is verified" },
  { name: "gzip on an s3 source", config: { ignition: V33, storage: { files: [{ path: "/a", contents: { source: "s3://b/k", compression: "gzip" } }] } }, field: "storage.files[0].contents.source", message: /Ignition cannot decompress S3 objects/, ignition: "the docs forbid it (configuration-v3_3.md); the validator does not check" },
  { name: "clevis on Flatcar", config: { ignition: V33, storage: { luks: [{ name: "c", device: "/dev/a", clevis: { tpm2: true } }] } }, field: "storage.luks[0].clevis", message: /Flatcar does not support clevis/, ignition: "Ignition supports clevis; Flatcar does not ship it", variant: FLATCAR_VARIANT },
  { name: "luks discard under 3.3.0", config: { ignition: V33, storage: { luks: [{ name: "c", device: "/dev/a", discard: true }] } }, field: "storage.luks[0].discard", message: /luks discard needs Ignition spec 3\.4\.0/, ignition: "Ignition ignores unknown keys with a warning, so the volume would silently lack discard" },
  { name: "an invalid user name", config: { ignition: V33, passwd: { users: [{ name: "Ops Team" }] } }, field: "passwd.users[0].name", message: /is not a valid user name/, ignition: "useradd refuses it only at boot" },
  { name: "an ssh key that is not a key", config: { ignition: V33, passwd: { users: [{ name: "core", sshAuthorizedKeys: ["hello"] }] } }, field: "passwd.users[0].sshAuthorizedKeys[0]", message: /is not an OpenSSH public key/, ignition: "Ignition writes any text to authorized_keys" },
  { name: "a plain password", config: { ignition: V33, passwd: { users: [{ name: "core", passwordHash: "secret" }] } }, field: "passwd.users[0].passwordHash", message: /may be a plain password/, ignition: "Ignition writes it to /etc/shadow as given" },
  { name: "a file under a file", config: { ignition: V33, storage: { files: [{ path: "/a" }, { path: "/a/b" }] } }, field: "storage.files[1].path", message: /\/a\/b lies under \/a, which is a file/, ignition: "Ignition fails only while writing, at boot" },
  { name: "a relative hard link target", config: { ignition: V33, storage: { links: [{ path: "/l", target: "t", hard: true }] } }, field: "storage.links[0].target", message: /the path "t" is relative/, ignition: "Ignition joins it to the root, not to the link's directory" },
];

describe("validateIgnitionSpec", () => {
  it.each(cases)("reports $name", (c) => {
    const problems = validateIgnitionSpec(c.config, { variant: c.variant });
    expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^${c.field.replace(/[[\].]/g, "\\$&")}: (?=.*\\. Fix: ).*${c.message.source}`)));
  });

  it.for(cases.filter((c) => c.ignition === true))("agrees with ignition-validate that $name is wrong", ({ config }, ctx) => {
    need(ctx, ignitionValidateTool());
    const result = runIgnitionValidate(JSON.stringify(config));
    checked++;
    expect(result.ok, result.output).toBe(false);
  });

  it.for(cases.filter((c) => c.ignition !== true))("is stricter than ignition-validate about $name: $ignition", ({ config }, ctx) => {
    need(ctx, ignitionValidateTool());
    const result = runIgnitionValidate(JSON.stringify(config));
    checked++;
    expect(result.ok, result.output).toBe(true);
  });

  it("accepts 3.4.0 features in a 3.4.0 config, and its pre-release name", () => {
    const storage = { luks: [{ name: "c", device: "/dev/a", discard: true, openOptions: ["--perf-no_read_workqueue"] }], files: [{ path: "/a", contents: { source: "arn:aws:s3:::bucket/key" } }] };
    expect(validateIgnitionSpec({ ignition: { version: "3.4.0" }, storage })).toEqual([]);
    expect(validateIgnitionSpec({ ignition: { version: "3.4.0-experimental" }, storage })).toEqual([]);
  });

  it("treats JSON null as an absent field, as Ignition does", () => {
    expect(validateIgnitionSpec({ ignition: { version: "3.3.0", timeouts: { httpTotal: null } }, storage: { files: [{ path: "/a", mode: null, contents: { source: null } }] } })).toEqual([]);
  });

  it("reports a missing ignition section instead of throwing", () => {
    expect(validateIgnitionSpec({})).toEqual([expect.stringMatching(/^ignition: the ignition section is missing/)]);
    expect(validateIgnitionSpec("text")).toEqual([expect.stringMatching(/^\(config\): expected a JSON object, got "text"/)]);
  });

  it("never throws, whatever JSON it is given", () => {
    const section = fc.dictionary(fc.constantFrom("files", "directories", "links", "disks", "raid", "filesystems", "luks", "units", "users", "groups", "shouldExist"), fc.jsonValue({ maxDepth: 3 }));
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), section, section, (anything, storage, rest) => {
        expect(Array.isArray(validateIgnitionSpec(anything))).toBe(true);
        const config = { ignition: { version: "3.3.0" }, storage, systemd: rest, passwd: rest, kernelArguments: rest };
        expect(Array.isArray(validateIgnitionSpec(config))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("finds something wrong in every config the JSON schema refuses for a wrong type in a known field", () => {
    // The schema catches types; our checks must not pass a config with a wrong-typed path or mode.
    for (const file of [{ path: 5 }, { path: "/a", mode: "0644" }, { path: "/a", overwrite: "yes" }]) {
      const config = { ignition: V33, storage: { files: [file] } };
      expect(validateWithSchema(config)).not.toEqual([]);
      expect(validateIgnitionSpec(config)).not.toEqual([]);
    }
  });
});
