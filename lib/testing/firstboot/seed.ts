import { chmodSync, chownSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * What a fresh Flatcar root holds, for Ignition's files stage, before that stage runs.
 *
 * Flatcar's initrd runs `initrd-setup-root` before `ignition-files` (flatcar/bootengine
 * dracut/53ignition/ignition-files.service: `Requires=initrd-setup-root.service`); it creates the
 * modifiable users and groups in /sysroot/etc "so ... Ignition can operate on these users"
 * (flatcar/bootengine dracut/99setup-root/initrd-setup-root). Only what matters to Ignition is
 * seeded here: the user and group databases, core's home, and SELinux's config.
 *
 * Left out on purpose, as on the platforms this project targets:
 * - /etc/hostname. Only the initrd's `flatcar-metadata-hostname.service` writes it before
 *   Ignition's files stage, and only on aliyun, azure, digitalocean, exoscale, ibmcloud, vultr,
 *   packet, hetzner, kubevirt, proxmoxve and scaleway (its ConditionKernelCommandLine list in
 *   flatcar/bootengine dracut/53ignition/flatcar-metadata-hostname.service); not on AWS or QEMU.
 * - /etc/flatcar/update.conf. Older image builds wrote it with the channel's `GROUP=`; current
 *   ones write only /usr/share/flatcar/update.conf (flatcar/scripts build_library/set_lsb_release).
 *   Flatcar's docs still write it with `overwrite: true` ("Update and reboot strategies"), which
 *   is safe either way; pass `seedFiles` to simulate an older image.
 */

/** The `core` user: uid 500, home /home/core, shell bash (flatcar/scripts coreos-overlay acct-user/core). */
export const CORE_UID = 500;
/** The gid of the `core` group, the `core` user's primary group: 500. */
export const CORE_GID = 500;

// Supplementary groups of core: core docker wheel systemd-journal (acct-user/core ACCT_USER_GROUPS);
// sudo is gid 150 (acct-group/sudo). Other gids are the usual Gentoo ones; Ignition only needs the
// groups to exist so that `useradd --root` can add users to them.
const PASSWD = ["root:x:0:0:root:/root:/bin/bash", `core:x:${CORE_UID}:${CORE_GID}:Flatcar Admin:/home/core:/bin/bash`];
const GROUPS: ReadonlyArray<readonly [string, number, string]> = [
  ["root", 0, ""],
  ["wheel", 10, "root,core"],
  ["users", 100, ""],
  ["sudo", 150, ""],
  ["systemd-journal", 190, "core"],
  ["docker", 233, "core"],
  ["core", CORE_GID, ""],
];

/** Extra files a simulated image holds before Ignition runs (path -> contents), to mirror an older image. */
export type SeedFiles = Readonly<Record<string, string>>;

/** Paths the seed writes, so the tree can tell them from what Ignition wrote. */
export function seedRoot(root: string, seedFiles: SeedFiles = {}): string[] {
  mkdirSync(root, { recursive: true });
  if (readdirSync(root).length > 0) {
    throw new Error(`first-boot root ${root} is not empty: Ignition needs a fresh root`);
  }
  chmodSync(root, 0o755);
  const written: string[] = [];
  const put = (path: string, text: string, mode: number): void => {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
    chmodSync(full, mode);
    written.push(path);
  };
  put("/etc/passwd", PASSWD.join("\n") + "\n", 0o644);
  put("/etc/group", GROUPS.map(([n, gid, members]) => `${n}:x:${gid}:${members}`).join("\n") + "\n", 0o644);
  put("/etc/shadow", ["root:*:1::::::", "core:*:1::::::"].join("\n") + "\n", 0o600);
  put("/etc/gshadow", GROUPS.map(([n, , members]) => `${n}:!::${members}`).join("\n") + "\n", 0o600);
  // Ignition relabels for SELinux when the policy is enabled and reads SELINUXTYPE either way
  // (it stops with "didn't find SELINUXTYPE in /etc/selinux/config" without it).
  put("/etc/selinux/config", "SELINUX=disabled\nSELINUXTYPE=targeted\n", 0o644);
  // Ignition writes ssh keys as the user, so the home must belong to it.
  const home = join(root, "home/core");
  mkdirSync(home, { recursive: true });
  chownSync(home, CORE_UID, CORE_GID);
  written.push("/home/core");
  for (const [path, text] of Object.entries(seedFiles)) put(path, text, 0o644);
  return written;
}
