/**
 * First-boot simulation: applies an Ignition config with the real Ignition program (Debian's
 * `ignition` package) to a fresh directory seeded as a Flatcar root, and reports what the node
 * would hold after Ignition (files, directories, links, units, users, ssh keys), or Ignition's
 * own error.
 *
 * What it cannot check: disks, partitions, filesystems and RAID (they need block devices), the
 * network fetches themselves (remote contents fail offline, or are stubbed when asked), and
 * anything after Ignition: systemd starting units, sysext images merging, k3s joining.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { ApplyTimeValues, Substitution } from "./firstboot/applytime";
import { prepareConfig, type RemoteContents, type Stub } from "./firstboot/prepare";
import { ROOT_REASON, errorLines, locateIgnitionProgram, runStage, runningAsRoot, type StageRun } from "./firstboot/program";
import { seedRoot, type SeedFiles } from "./firstboot/seed";
import { FirstBootTree, readTree } from "./firstboot/tree";

export { ignitionProgramTool, rootPrivilegeTool } from "./firstboot/program";
export type { ExternalTool } from "./external";
export { StubKind, type Stub, type RemoteContents } from "./firstboot/prepare";
export { resolveApplyTime, type ApplyTimeOptions, type ApplyTimeValues, type Substitution } from "./firstboot/applytime";
export { CORE_UID, CORE_GID, type SeedFiles } from "./firstboot/seed";
export {
  FirstBootTree,
  type TreeFile,
  type TreeDirectory,
  type TreeLink,
  type TreeUser,
  type TreeUnit,
} from "./firstboot/tree";

/** Options for {@link bootIgnition}. */
export interface BootOptions {
  /**
   * Replace remote contents (http, https, s3, gs, tftp, arn sources of files, appends, child
   * configs and CAs) with inline data, reporting each in `stubs`.
   * @default false - a config with a remote source fails, saying it needs the network
   */
  readonly stubRemote?: boolean;
  /**
   * Bytes to serve for given URLs when `stubRemote` is set; their verification hashes are
   * checked. URLs not listed get a short placeholder text and lose their hash.
   * @default - placeholders for every remote source
   */
  readonly remoteContents?: RemoteContents;
  /**
   * Fill in values known only at apply time (cdktf token markers, and the `base64encode`,
   * `base64gzip`, `sha512`, `sha256` calls the Terraform encoder wraps around them) with
   * made-up values, as `terraform apply` would with real ones; each is reported.
   * @default false - a config holding tokens fails, saying so
   */
  readonly substituteApplyTime?: boolean;
  /**
   * Values for apply-time expressions, by marker body (`TfToken[TOKEN.7]`) or Terraform
   * reference (`random_password.token.result`); giving any implies `substituteApplyTime`.
   * @default - made-up values (`applytime-` and 10 hex digits of the expression's SHA-256)
   */
  readonly applyTimeValues?: ApplyTimeValues;
  /**
   * The `locals` of a synthesized stack (its cdk.tf.json), for configs that reference
   * `local.NAME`; each resolves to its own value, filled in. Giving them implies `substituteApplyTime`.
   * @default - locals get made-up values like any other reference
   */
  readonly terraformLocals?: Readonly<Record<string, unknown>>;
  /**
   * Directory to apply the config to; it must be empty or absent, and is kept afterwards. Every
   * directory above it must be searchable by others, since Ignition writes ssh keys as the user.
   * @default - a new temporary directory, removed afterwards unless `keepRoot`
   */
  readonly root?: string;
  /** Keep the temporary root for inspection (its path is in the result). @default false */
  readonly keepRoot?: boolean;
  /**
   * Files an older or platform-specific image holds before Ignition runs (path -> text), for
   * example `/etc/flatcar/update.conf` as images before the /etc overlay wrote it.
   * @default - none beyond the Flatcar seed
   */
  readonly seedFiles?: SeedFiles;
}

/** A config Ignition applied. */
export interface BootSuccess {
  readonly ok: true;
  /** Remote sources replaced with inline data (empty unless `stubRemote`). */
  readonly stubs: readonly Stub[];
  /** Apply-time values filled in (empty unless `substituteApplyTime` or `applyTimeValues`). */
  readonly substitutions: readonly Substitution[];
  /** The root as the node would hold it after Ignition's files stage. */
  readonly tree: FirstBootTree;
  /** Where the root is, when it was kept (`root` given or `keepRoot`). */
  readonly root?: string;
  /** Ignition's log of the files stage. */
  readonly log: string;
}

/** A config Ignition refused, or a run that could not happen. */
export interface BootFailure {
  readonly ok: false;
  /** Ignition's own error lines (CRITICAL, ERROR) joined, or the reason the run could not happen. */
  readonly error: string;
  /** The stage that failed, when Ignition ran. */
  readonly stage?: string;
  /** Ignition's full output for that stage, when it ran. */
  readonly log?: string;
  /** Remote sources replaced before the run. */
  readonly stubs: readonly Stub[];
  /** Apply-time values filled in before the run. */
  readonly substitutions: readonly Substitution[];
}

/** What {@link bootIgnition} returns: a {@link BootSuccess} or a {@link BootFailure}, told apart by `ok`. */
export type BootResult = BootSuccess | BootFailure;

/**
 * Applies `config` as a Flatcar node's first boot would: Ignition's `fetch-offline` then `files`
 * stages with `-platform file`, against a fresh root. Needs the Ignition program
 * (`apt-get install -y ignition`) and root privileges; without them it fails with the reason.
 */
export async function bootIgnition(config: string | object, options: BootOptions = {}): Promise<BootResult> {
  const program = locateIgnitionProgram();
  if (!program) return { ok: false, error: "the Ignition program is not installed: apt-get install -y ignition", stubs: [], substitutions: [] };
  if (!runningAsRoot()) return { ok: false, error: ROOT_REASON, stubs: [], substitutions: [] };

  const prepared = prepareConfig(config, options);
  if (!prepared.ok) return { ok: false, error: prepared.error, stubs: [], substitutions: [] };
  const { stubs, substitutions } = prepared;

  const work = mkdtempSync(join(tmpdir(), "microos-firstboot-"));
  // Ignition writes ssh keys as the user, who must be able to walk down to its home.
  chmodSync(work, 0o755);
  const ownRoot = options.root === undefined;
  const root = ownRoot ? join(work, "root") : resolve(options.root as string);
  const keep = !ownRoot || (options.keepRoot ?? false);
  try {
    let seeded: string[];
    try {
      seeded = seedRoot(root, options.seedFiles);
    } catch (e) {
      return { ok: false, error: (e as Error).message, stubs, substitutions };
    }
    // Ignition relabels what it wrote for SELinux by running `setfiles`; labels are not what is
    // checked here, so a stand-in that reads the file list keeps the run going.
    const bin = join(work, "bin");
    writeStandIn(bin);
    const configFile = join(work, "config.ign");
    writeFileSync(configFile, prepared.text);
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin"}`, IGNITION_CONFIG_FILE: configFile };
    const neednet = join(work, "neednet");
    const args = [
      "-platform", "file",
      "-root", root,
      "-config-cache", join(work, "ignition.json"),
      "-state-file", join(work, "state"),
      "-neednet", neednet,
      "-log-to-stdout",
    ];

    const offline = await runStage(program, args, env, "fetch-offline");
    if (offline.exitCode !== 0) return failure(offline, root, prepared);
    if (prepared.remote.length > 0 || existsSync(neednet)) {
      const sources = prepared.remote.length ? `: ${prepared.remote.join(", ")}` : "";
      return {
        ok: false,
        error: `the config needs the network (remote sources${sources}); it was not applied. Pass stubRemote to replace remote contents with inline data`,
        stage: "fetch-offline",
        log: offline.output,
        stubs,
        substitutions,
      };
    }
    const files = await runStage(program, args, env, "files");
    if (files.exitCode !== 0) return failure(files, root, prepared);
    const tree = readTree(root, new Set(seeded));
    return { ok: true, stubs, substitutions, tree, root: keep ? root : undefined, log: files.output };
  } finally {
    // The work directory holds the root only when the root is ours; a kept one stays with it.
    if (ownRoot && keep) rmSync(join(work, "bin"), { recursive: true, force: true });
    else rmSync(work, { recursive: true, force: true });
  }
}

/** Ignition's error lines, with the root's location taken out of paths so they read as on the node. */
function failure(run: StageRun, root: string, prepared: { stubs: readonly Stub[]; substitutions: readonly Substitution[] }): BootFailure {
  const lines = errorLines(run.output).map((l) => l.split(root + "/").join("/"));
  if (/dial unix \/run\/systemd\/private/.test(run.output)) {
    // Measured with Debian's Ignition 2.14: enabling or disabling a template unit (name@...)
    // makes it connect to the running systemd, which an initrd has and this simulation does not.
    lines.push(
      "(first-boot simulation: Ignition asks a running systemd about template units (name@...) that a config enables or disables; there is none here, so such a config cannot be simulated)",
    );
  }
  const error = lines.length ? lines.join("\n") : `Ignition's ${run.stage} stage exited with ${run.exitCode}: ${run.output.trim().split("\n").slice(-3).join("\n")}`;
  return { ok: false, error, stage: run.stage, log: run.output, stubs: prepared.stubs, substitutions: prepared.substitutions };
}

function writeStandIn(bin: string): void {
  mkdirSync(bin, { recursive: true });
  const setfiles = join(bin, "setfiles");
  writeFileSync(setfiles, "#!/bin/sh\ncat >/dev/null\n");
  chmodSync(setfiles, 0o755);
}
