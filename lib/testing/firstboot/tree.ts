import { createHash } from "node:crypto";
import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync, type Stats } from "node:fs";
import { posix } from "node:path";

/** A regular file in the applied root. */
export interface TreeFile {
  /** Absolute path as the node sees it, for example `/etc/hostname`. */
  readonly path: string;
  /** Permission bits (and setuid/setgid/sticky), for example `0o644`. */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** Owner's name from the root's /etc/passwd, when it has one. */
  readonly user?: string;
  /** Group's name from the root's /etc/group, when it has one. */
  readonly group?: string;
  readonly size: number;
  /** Lower-case hex SHA-256 of the contents. */
  readonly sha256: string;
  /** Contents, for UTF-8 text files up to 64 KiB; undefined otherwise. */
  readonly text?: string;
  /** True when the simulator seeded it as a fresh Flatcar root holds it (Ignition may have changed it). */
  readonly seeded: boolean;
}

/** A directory in the applied root. */
export interface TreeDirectory {
  readonly path: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly user?: string;
  readonly group?: string;
}

/** A symbolic link in the applied root. */
export interface TreeLink {
  readonly path: string;
  /** The target as written. */
  readonly target: string;
  readonly uid: number;
  readonly gid: number;
  /**
   * True when following the link inside the root (as the booted node would, the root being `/`)
   * reaches something that exists in the root.
   */
  readonly resolves: boolean;
  /** Where the link leads inside the root, followed to the end; undefined on a loop. */
  readonly resolvedPath?: string;
}

/** A user from the root's /etc/passwd, with its groups from /etc/group. */
export interface TreeUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
  readonly shell: string;
  /** Primary group's name. */
  readonly primaryGroup?: string;
  /** Supplementary groups, in /etc/group order. */
  readonly groups: readonly string[];
}

/** What systemd will find for a unit when the node boots. */
export interface TreeUnit {
  readonly name: string;
  /** The unit file Ignition wrote under /etc/systemd/system, if any. */
  readonly contents?: string;
  /** Dropins under /etc/systemd/system/NAME.d, by file name. */
  readonly dropins: Readonly<Record<string, string>>;
  /** `enable` preset or a wants/requires/upholds link: systemd enables it at first boot. */
  readonly enabled: boolean;
  /** `disable` preset. */
  readonly disabled: boolean;
  /** Linked to /dev/null. */
  readonly masked: boolean;
}

// Ignition writes unit presets to this file (coreos/ignition internal/exec/util/unit.go,
// PresetPath); systemd applies presets on a node's first boot.
const PRESET_FILE = "/etc/systemd/system-preset/20-ignition.preset";
const UNIT_DIR = "/etc/systemd/system";
const TEXT_LIMIT = 64 * 1024;

/**
 * The root after Ignition's files stage: every file, directory and link, and what they mean to
 * the node (users, their ssh keys, units that boot enabled).
 */
export class FirstBootTree {
  /** Every regular file in the root. */
  public readonly files: readonly TreeFile[];
  /** Every directory in the root. */
  public readonly directories: readonly TreeDirectory[];
  /** Every symbolic link in the root. */
  public readonly links: readonly TreeLink[];
  /** The users of the root's /etc/passwd, in its order, with their groups from /etc/group. */
  public readonly users: readonly TreeUser[];
  /** Every unit the root has a unit file, drop-in, link or preset for under /etc/systemd, sorted by name. */
  public readonly units: readonly TreeUnit[];
  /** Every unit systemd enables at first boot, sorted. */
  public readonly enabledUnits: readonly string[];
  private readonly keys: ReadonlyMap<string, readonly string[]>;

  constructor(parts: {
    files: TreeFile[];
    directories: TreeDirectory[];
    links: TreeLink[];
    users: TreeUser[];
    units: TreeUnit[];
    keys: Map<string, string[]>;
  }) {
    this.files = parts.files;
    this.directories = parts.directories;
    this.links = parts.links;
    this.users = parts.users;
    this.units = parts.units;
    this.enabledUnits = parts.units.filter((u) => u.enabled).map((u) => u.name);
    this.keys = parts.keys;
  }

  /** The regular file at `path`, or undefined. */
  public file(path: string): TreeFile | undefined {
    return this.files.find((f) => f.path === path);
  }

  /** The directory at `path`, or undefined. */
  public directory(path: string): TreeDirectory | undefined {
    return this.directories.find((d) => d.path === path);
  }

  /** The symbolic link at `path`, or undefined. */
  public link(path: string): TreeLink | undefined {
    return this.links.find((l) => l.path === path);
  }

  /** The user called `name`, or undefined. */
  public user(name: string): TreeUser | undefined {
    return this.users.find((u) => u.name === name);
  }

  /** What the root holds for a unit, or undefined when nothing. */
  public unit(name: string): TreeUnit | undefined {
    return this.units.find((u) => u.name === name);
  }

  /** True when systemd enables the unit at first boot. */
  public unitEnabled(name: string): boolean {
    return this.unit(name)?.enabled ?? false;
  }

  /** True when the unit is masked. */
  public unitMasked(name: string): boolean {
    return this.unit(name)?.masked ?? false;
  }

  /**
   * The ssh keys written for `user`: Ignition writes them to ~/.ssh/authorized_keys.d/ignition
   * (as the user), from which Flatcar's update-ssh-keys builds ~/.ssh/authorized_keys
   * (flatcar/update-ssh-keys README); keys in either place are listed. Empty when there are none.
   */
  public authorizedKeys(user: string): readonly string[] {
    return this.keys.get(user) ?? [];
  }

  /** Paths of everything in the root (files, directories, links), sorted. */
  public paths(): string[] {
    return [...this.files, ...this.directories, ...this.links].map((e) => e.path).sort();
  }
}

/** Reads the tree under `root`; `seeded` names the paths the simulator put there before Ignition. */
export function readTree(root: string, seeded: ReadonlySet<string> = new Set()): FirstBootTree {
  const passwd = readLines(root, "/etc/passwd").map((l) => l.split(":"));
  const groupRows = readLines(root, "/etc/group").map((l) => l.split(":"));
  const userName = new Map<number, string>();
  for (const p of passwd) if (p.length >= 7 && !userName.has(Number(p[2]))) userName.set(Number(p[2]), p[0]);
  const groupName = new Map<number, string>();
  for (const g of groupRows) if (g.length >= 3 && !groupName.has(Number(g[2]))) groupName.set(Number(g[2]), g[0]);

  const files: TreeFile[] = [];
  const directories: TreeDirectory[] = [];
  const links: TreeLink[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(posix.join(root, rel)).sort()) {
      const path = posix.join(rel, name);
      const st = lstatSync(posix.join(root, path));
      const owner = owners(st, userName, groupName);
      if (st.isSymbolicLink()) {
        const target = readlinkSync(posix.join(root, path));
        const resolved = resolveInRoot(root, path);
        links.push({ path, target, uid: st.uid, gid: st.gid, resolves: resolved !== undefined && existsInRoot(root, resolved), resolvedPath: resolved });
      } else if (st.isDirectory()) {
        directories.push({ path, mode: st.mode & 0o7777, ...owner });
        walk(path);
      } else if (st.isFile()) {
        const bytes = readFileSync(posix.join(root, path));
        files.push({
          path,
          mode: st.mode & 0o7777,
          ...owner,
          size: st.size,
          sha256: createHash("sha256").update(bytes).digest("hex"),
          text: textOf(bytes),
          seeded: seeded.has(path),
        });
      }
    }
  };
  walk("/");

  const users: TreeUser[] = passwd
    .filter((p) => p.length >= 7)
    .map((p) => ({
      name: p[0],
      uid: Number(p[2]),
      gid: Number(p[3]),
      home: p[5],
      shell: p[6],
      primaryGroup: groupName.get(Number(p[3])),
      groups: groupRows.filter((g) => (g[3] ?? "").split(",").includes(p[0])).map((g) => g[0]),
    }));

  const keys = new Map<string, string[]>();
  for (const u of users) {
    const found: string[] = [];
    const dir = posix.join(u.home, ".ssh/authorized_keys.d");
    for (const f of files.filter((f) => posix.dirname(f.path) === dir || f.path === posix.join(u.home, ".ssh/authorized_keys"))) {
      found.push(...keyLines(f.text ?? ""));
    }
    if (found.length) keys.set(u.name, found);
  }

  return new FirstBootTree({ files, directories, links, users, units: readUnits(files, links), keys });
}

function readUnits(files: TreeFile[], links: TreeLink[]): TreeUnit[] {
  type Acc = { contents?: string; dropins: Record<string, string>; enabled: boolean; disabled: boolean; masked: boolean };
  const units = new Map<string, Acc>();
  const get = (name: string): Acc => {
    let u = units.get(name);
    if (!u) {
      u = { dropins: {}, enabled: false, disabled: false, masked: false };
      units.set(name, u);
    }
    return u;
  };
  for (const f of files) {
    const dir = posix.dirname(f.path);
    if (dir === UNIT_DIR) get(posix.basename(f.path)).contents = f.text;
    else if (posix.dirname(dir) === UNIT_DIR && dir.endsWith(".d")) {
      get(posix.basename(dir).slice(0, -2)).dropins[posix.basename(f.path)] = f.text ?? "";
    }
  }
  for (const l of links) {
    const dir = posix.dirname(l.path);
    if (dir === UNIT_DIR && l.target === "/dev/null") get(posix.basename(l.path)).masked = true;
    else if (posix.dirname(dir) === UNIT_DIR && /\.(wants|requires|upholds)$/.test(dir)) get(posix.basename(l.path)).enabled = true;
  }
  // Preset lines are `enable NAME [INSTANCE...]` or `disable NAME` (systemd.preset(5)); Ignition
  // writes an instance list for enabled template units.
  const preset = files.find((f) => f.path === PRESET_FILE)?.text ?? "";
  for (const line of preset.split("\n")) {
    const [verb, name, ...instances] = line.trim().split(/\s+/);
    if (!name || (verb !== "enable" && verb !== "disable")) continue;
    const names = instances.length && name.includes("@.") ? instances.map((i) => name.replace("@.", `@${i}.`)) : [name];
    for (const n of names) {
      if (verb === "enable") get(n).enabled = true;
      else get(n).disabled = true;
    }
  }
  return [...units.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, u]) => ({ name, ...u }));
}

/**
 * Follows `path` inside `root` as if `root` were `/`: absolute targets start at the root and
 * `..` stops there. Returns the final path, or undefined after 40 links (a loop).
 */
export function resolveInRoot(root: string, path: string): string | undefined {
  let pending = path.split("/").filter(Boolean);
  const done: string[] = [];
  let hops = 0;
  while (pending.length) {
    const part = pending.shift() as string;
    if (part === ".") continue;
    if (part === "..") {
      done.pop();
      continue;
    }
    const here = "/" + [...done, part].join("/");
    let st: Stats | undefined;
    try {
      st = lstatSync(posix.join(root, here));
    } catch {
      st = undefined;
    }
    if (st?.isSymbolicLink()) {
      if (++hops > 40) return undefined;
      const target = readlinkSync(posix.join(root, here));
      if (target.startsWith("/")) done.length = 0;
      pending = [...target.split("/").filter(Boolean), ...pending];
    } else {
      done.push(part);
    }
  }
  return "/" + done.join("/");
}

function existsInRoot(root: string, path: string): boolean {
  return existsSync(posix.join(root, path));
}

function owners(st: Stats, users: Map<number, string>, groups: Map<number, string>) {
  return { uid: st.uid, gid: st.gid, user: users.get(st.uid), group: groups.get(st.gid) };
}

function textOf(bytes: Buffer): string | undefined {
  if (bytes.length > TEXT_LIMIT || bytes.includes(0)) return undefined;
  const text = bytes.toString("utf8");
  return Buffer.from(text, "utf8").equals(bytes) ? text : undefined;
}

function readLines(root: string, path: string): string[] {
  try {
    return readFileSync(posix.join(root, path), "utf8").split("\n").filter((l) => l.trim() !== "");
  } catch {
    return [];
  }
}

function keyLines(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}
