/**
 * What the runner asks a booted VM over ssh (one shell script, run with sudo as `core`), and how
 * its answer becomes the report's parts.
 */

/** One Ignition stage as the journal tells it. */
export interface IgnitionStage {
  /** `fetch-offline`, `fetch`, `kargs`, `disks`, `mount`, `files`. */
  readonly name: string;
  /**
   * `passed` (its unit finished), `failed`, `skipped` (its unit's condition was not met, as for
   * `fetch` when the config came from fw_cfg), or `not-run` (no sign of it in the journal).
   */
  readonly result: "passed" | "failed" | "skipped" | "not-run";
  /** Ignition's own lines for the stage. */
  readonly lines: readonly string[];
}

/** A path the config writes, as the booted node holds it. */
export interface VmPath {
  readonly path: string;
  /** `file`, `directory`, `link`, or `missing`. */
  readonly type: "file" | "directory" | "link" | "missing" | "other";
  /** Permission bits (`0o644`); undefined when missing. */
  readonly mode?: number;
  readonly user?: string;
  readonly group?: string;
  /** Size in bytes (files). */
  readonly size?: number;
  /** SHA-256 of the contents (files), hex. */
  readonly sha256?: string;
  /** The link's target (links). */
  readonly target?: string;
}

/** A mounted file system. */
export interface VmMount {
  readonly target: string;
  readonly source: string;
  readonly fstype: string;
}

/** A user on the booted node. */
export interface VmUser {
  readonly name: string;
  readonly uid: number;
  readonly home: string;
  readonly shell: string;
  readonly groups: readonly string[];
  /** Keys sshd accepts for the user (authorized_keys and authorized_keys.d/ignition). */
  readonly sshAuthorizedKeys: readonly string[];
}

/** A systemd unit's state. */
export interface VmUnit {
  readonly name: string;
  readonly load: string;
  readonly active: string;
  readonly sub: string;
}

/**
 * The Ignition stages Debian's dracut module runs, in order, one unit each (30ignition/module-setup.sh
 * installs ignition-{fetch-offline,fetch,kargs,disks,mount,files}.service; there is no umount unit).
 */
export const IGNITION_STAGES = ["fetch-offline", "fetch", "kargs", "disks", "mount", "files"] as const;

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The probe script: sections between `@@@name` markers. */
export function probeScript(paths: readonly string[], users: readonly string[]): string {
  return [
    "export LC_ALL=C SYSTEMD_PAGER= SYSTEMD_COLORS=0",
    "echo @@@hostname; hostname",
    "echo @@@running; systemctl is-system-running",
    "echo @@@units; systemctl list-units --all --no-legend --plain --full",
    "echo @@@failed; systemctl --failed --no-legend --plain --full",
    "echo @@@addresses; ip -4 -o addr show scope global; ip -6 -o addr show scope global",
    "echo @@@mounts; findmnt -rn -o TARGET,SOURCE,FSTYPE",
    "echo @@@journal; journalctl -b -o short --no-pager | grep -aE 'ignition' | head -600",
    "echo @@@paths",
    `for p in ${paths.map(q).join(" ")}; do`,
    '  if [ -L "$p" ]; then printf "%s\\tlink\\t%s\\t%s\\t%s\\t\\t\\t%s\\n" "$p" "$(stat -c %a "$p")" "$(stat -c %U "$p")" "$(stat -c %G "$p")" "$(readlink "$p")";',
    '  elif [ -f "$p" ]; then printf "%s\\tfile\\t%s\\t%s\\t%s\\t%s\\t%s\\t\\n" "$p" "$(stat -c %a "$p")" "$(stat -c %U "$p")" "$(stat -c %G "$p")" "$(stat -c %s "$p")" "$(sha256sum < "$p" | cut -d" " -f1)";',
    '  elif [ -d "$p" ]; then printf "%s\\tdirectory\\t%s\\t%s\\t%s\\t\\t\\t\\n" "$p" "$(stat -c %a "$p")" "$(stat -c %U "$p")" "$(stat -c %G "$p")";',
    '  elif [ -e "$p" ]; then printf "%s\\tother\\t\\t\\t\\t\\t\\t\\n" "$p";',
    '  else printf "%s\\tmissing\\t\\t\\t\\t\\t\\t\\n" "$p"; fi',
    "done",
    "echo @@@users",
    `for u in ${users.map(q).join(" ")}; do`,
    '  e=$(getent passwd "$u") || continue; h=$(echo "$e" | cut -d: -f6)',
    '  printf "user\\t%s\\t%s\\t%s\\t%s\\t%s\\n" "$u" "$(echo "$e" | cut -d: -f3)" "$h" "$(echo "$e" | cut -d: -f7)" "$(id -Gn "$u" | tr " " ,)"',
    '  cat "$h/.ssh/authorized_keys" "$h/.ssh/authorized_keys.d/ignition" 2>/dev/null | grep -v "^#" | grep . | sed "s/^/key\\t$u\\t/"',
    "done",
    "echo @@@end",
  ].join("\n");
}

/** Splits the probe's output into its sections. */
export function sections(output: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of output.split("\n")) {
    const m = /^@@@(\w+)$/.exec(line);
    if (m) {
      current = [];
      out.set(m[1], current);
    } else if (current && line !== "") current.push(line);
  }
  return out;
}

export function parseUnits(lines: readonly string[]): VmUnit[] {
  return lines
    .map((l) => l.trim().replace(/^●\s*/, "").split(/\s+/))
    .filter((p) => p.length >= 4)
    .map(([name, load, active, sub]) => ({ name, load, active, sub }));
}

export function parsePaths(lines: readonly string[]): VmPath[] {
  return lines.map((l) => {
    const [path, type, mode, user, group, size, sha256, target] = l.split("\t");
    return {
      path,
      type: type as VmPath["type"],
      mode: mode ? parseInt(mode, 8) : undefined,
      user: user || undefined,
      group: group || undefined,
      size: size ? Number(size) : undefined,
      sha256: sha256 || undefined,
      target: target || undefined,
    };
  });
}

export function parseUsers(lines: readonly string[]): VmUser[] {
  const users: { name: string; uid: number; home: string; shell: string; groups: string[]; sshAuthorizedKeys: string[] }[] = [];
  for (const l of lines) {
    const p = l.split("\t");
    if (p[0] === "user") users.push({ name: p[1], uid: Number(p[2]), home: p[3], shell: p[4], groups: (p[5] ?? "").split(",").filter(Boolean), sshAuthorizedKeys: [] });
    else if (p[0] === "key") users.find((u) => u.name === p[1])?.sshAuthorizedKeys.push(p.slice(2).join("\t"));
  }
  return users;
}

/**
 * The Ignition stages from the journal (`-o short` lines). Each stage is one Ignition process
 * that logs `Stage: <name>` first: its lines are the ones of that process id (level prefix
 * dropped); its result is systemd's word on the stage's unit.
 */
export function parseStages(journal: readonly string[]): IgnitionStage[] {
  const byPid = new Map<string, string[]>();
  const stagePid = new Map<string, string>();
  for (const l of journal) {
    const m = /\signition\[(\d+)\]: (?:(?:INFO|DEBUG|NOTICE|WARNING|ERROR|CRITICAL)\s*: )?(.*)$/.exec(l);
    if (!m) continue;
    const [, pid, text] = m;
    if (!byPid.has(pid)) byPid.set(pid, []);
    byPid.get(pid)?.push(text);
    const stage = /^Stage: (\S+)$/.exec(text);
    if (stage) stagePid.set(stage[1], pid);
  }
  const systemd = journal.filter((l) => /\ssystemd\[1\]: /.test(l));
  return IGNITION_STAGES.map((name) => {
    const unit = `ignition-${name}.service`;
    const pid = stagePid.get(name);
    const lines = pid ? (byPid.get(pid) ?? []) : [];
    const about = systemd.filter((l) => l.includes(unit));
    let result: IgnitionStage["result"] = "not-run";
    if (about.some((l) => /Failed with result|Failed to start/.test(l)) || lines.some((l) => /^CRITICAL|: failed\b/.test(l))) result = "failed";
    else if (about.some((l) => /Finished /.test(l))) result = "passed";
    else if (about.some((l) => /was skipped because/.test(l))) result = "skipped";
    return { name, result, lines };
  });
}

/** Addresses with prefix (`10.0.2.15/24`) by interface, from `ip -o addr`. */
export function parseAddresses(lines: readonly string[]): { readonly interface: string; readonly address: string }[] {
  return lines
    .map((l) => /^\d+:\s+(\S+)\s+inet6?\s+(\S+)/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ interface: m[1], address: m[2] }));
}

export function parseMounts(lines: readonly string[]): VmMount[] {
  return lines.map((l) => l.split(" ")).filter((p) => p.length >= 3).map(([target, source, fstype]) => ({ target: target.replace(/\\x20/g, " "), source, fstype }));
}
