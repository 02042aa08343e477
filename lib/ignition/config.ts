import { type Encoder, localEncoder } from "../core/deferred";
import { MicroOsError } from "../core/errors";
import { textContents, inlineContents } from "./encode";
import type {
  DirectorySpec,
  DropinSpec,
  FileSpec,
  GroupSpec,
  IgnitionSpec,
  LinkSpec,
  ResourceSpec,
  UnitSpec,
  UserSpec,
} from "./spec";

/** Ignition spec versions this library renders. Flatcar reads 3.3.0 from release 3185.0.0 and 3.4.0 from Alpha 3535 (flatcar/Flatcar#1000). */
export enum IgnitionVersion {
  V3_3_0 = "3.3.0",
  V3_4_0 = "3.4.0",
}

/** Owner of a file, directory or link: a name or a numeric id. */
export interface Owner {
  /** @default - root */
  readonly name?: string;
  /** @default - root */
  readonly id?: number;
}

/** A content hash Ignition verifies: `sha512-<hex>` or `sha256-<hex>`. */
export interface ContentHash {
  readonly algorithm: "sha512" | "sha256";
  readonly hex: string;
}

/** Options for a file. */
export interface FileOptions {
  /** Permission bits, for example `0o644`. @default 0o644 */
  readonly mode?: number;
  /** Replace a file that already exists at the path. @default false */
  readonly overwrite?: boolean;
  /** @default - root */
  readonly user?: Owner;
  /** @default - root */
  readonly group?: Owner;
}

/** A file fetched by Ignition at first boot. */
export interface RemoteFileOptions extends FileOptions {
  /** `https://`, `http://`, `s3://`, `gs://` or `tftp://` URL. */
  readonly source: string;
  /** Hash of the fetched bytes; required for anything but `s3://` and `gs://`. */
  readonly hash?: ContentHash;
  /** The fetched bytes are gzip-compressed and Ignition should decompress them. @default false */
  readonly gzip?: boolean;
}

/** Options for a systemd unit. */
export interface UnitOptions {
  /** Unit file contents. @default - none (only dropins, enable or mask an existing unit) */
  readonly contents?: string;
  /** Enable the unit (`[Install]` section). @default - left as the image has it */
  readonly enabled?: boolean;
  /** Mask the unit. @default false */
  readonly mask?: boolean;
}

/** Options for a user. */
export interface UserOptions {
  readonly sshAuthorizedKeys?: readonly string[];
  /** crypt(3) hash, for example from `mkpasswd --method=SHA-512`. @default - no password */
  readonly passwordHash?: string;
  readonly groups?: readonly string[];
  readonly uid?: number;
  readonly homeDir?: string;
  readonly shell?: string;
  readonly system?: boolean;
  readonly gecos?: string;
  readonly primaryGroup?: string;
  readonly noCreateHome?: boolean;
}

/** Options for a group. */
export interface GroupOptions {
  readonly gid?: number;
  readonly passwordHash?: string;
  readonly system?: boolean;
}

/** Options for rendering. */
export interface RenderOptions {
  /**
   * Encodes content; the platform passes one that keeps apply-time values (cdktf tokens) intact.
   * @default - local encoding, which refuses apply-time values
   */
  readonly encoder?: Encoder;
  /** Indent the JSON. @default false */
  readonly pretty?: boolean;
}

type PendingFile =
  | { kind: "text"; path: string; text: string; options: FileOptions }
  | { kind: "bytes"; path: string; bytes: Uint8Array; options: FileOptions }
  | { kind: "remote"; path: string; options: RemoteFileOptions };

/**
 * A builder for an Ignition config. Add files, units, users, keys; `render()` gives the JSON the
 * node reads at first boot, the same bytes for the same calls every run.
 *
 * Mistakes are refused at the call that makes them, with the field and the fix.
 */
export class IgnitionConfig {
  public readonly version: IgnitionVersion;
  private readonly files = new Map<string, PendingFile>();
  private readonly directories = new Map<string, DirectorySpec>();
  private readonly links = new Map<string, LinkSpec>();
  private readonly units = new Map<string, { name: string; options: UnitOptions; dropins: Map<string, DropinSpec> }>();
  private readonly users = new Map<string, UserSpec>();
  private readonly groups = new Map<string, GroupSpec>();

  constructor(options: { readonly version?: IgnitionVersion } = {}) {
    this.version = options.version ?? IgnitionVersion.V3_3_0;
  }

  /** Adds a file whose contents are UTF-8 text (may hold apply-time values). */
  public addFile(path: string, text: string, options: FileOptions = {}): this {
    this.claimPath(path, "storage.files");
    this.files.set(path, { kind: "text", path, text, options });
    return this;
  }

  /** Adds a file from raw bytes. */
  public addBinaryFile(path: string, bytes: Uint8Array, options: FileOptions = {}): this {
    this.claimPath(path, "storage.files");
    this.files.set(path, { kind: "bytes", path, bytes, options });
    return this;
  }

  /** Adds a file Ignition fetches at first boot, verified by hash. */
  public addRemoteFile(path: string, options: RemoteFileOptions): this {
    this.claimPath(path, "storage.files");
    this.files.set(path, { kind: "remote", path, options });
    return this;
  }

  /** Adds a directory. */
  public addDirectory(path: string, options: FileOptions = {}): this {
    this.claimPath(path, "storage.directories");
    this.directories.set(path, ownerFields({ path, mode: options.mode ?? 0o755, overwrite: options.overwrite }, options));
    return this;
  }

  /** Adds a symbolic (or hard) link. */
  public addLink(path: string, target: string, options: FileOptions & { readonly hard?: boolean } = {}): this {
    this.claimPath(path, "storage.links");
    this.links.set(path, ownerFields({ path, target, hard: options.hard, overwrite: options.overwrite }, options));
    return this;
  }

  /** Adds a systemd unit. */
  public addUnit(name: string, options: UnitOptions = {}): this {
    if (this.units.has(name)) {
      throw new MicroOsError("ignition", `systemd.units[${name}]`, "the unit is already defined", "define each unit once; add dropins with addDropin()");
    }
    this.units.set(name, { name, options, dropins: new Map() });
    return this;
  }

  /** Adds a dropin to a unit (the unit is created, contents-less, if absent). */
  public addDropin(unitName: string, dropinName: string, contents: string): this {
    let unit = this.units.get(unitName);
    if (!unit) {
      unit = { name: unitName, options: {}, dropins: new Map() };
      this.units.set(unitName, unit);
    }
    if (unit.dropins.has(dropinName)) {
      throw new MicroOsError("ignition", `systemd.units[${unitName}].dropins[${dropinName}]`, "the dropin is already defined", "give each dropin its own name");
    }
    unit.dropins.set(dropinName, { name: dropinName, contents });
    return this;
  }

  /** Adds (or configures) a user. */
  public addUser(name: string, options: UserOptions = {}): this {
    if (this.users.has(name)) {
      throw new MicroOsError("ignition", `passwd.users[${name}]`, "the user is already defined", "define each user once; add keys with addSshKeys()");
    }
    this.users.set(name, {
      name,
      passwordHash: options.passwordHash,
      sshAuthorizedKeys: options.sshAuthorizedKeys ? [...options.sshAuthorizedKeys] : undefined,
      uid: options.uid,
      gecos: options.gecos,
      homeDir: options.homeDir,
      noCreateHome: options.noCreateHome,
      primaryGroup: options.primaryGroup,
      groups: options.groups ? [...options.groups] : undefined,
      shell: options.shell,
      system: options.system,
    });
    return this;
  }

  /** Adds ssh keys to a user (created if absent, as for Flatcar's `core`). */
  public addSshKeys(user: string, keys: readonly string[]): this {
    const u = this.users.get(user) ?? { name: user };
    u.sshAuthorizedKeys = [...(u.sshAuthorizedKeys ?? []), ...keys];
    this.users.set(user, u);
    return this;
  }

  /** Adds a group. */
  public addGroup(name: string, options: GroupOptions = {}): this {
    if (this.groups.has(name)) {
      throw new MicroOsError("ignition", `passwd.groups[${name}]`, "the group is already defined", "define each group once");
    }
    this.groups.set(name, { name, gid: options.gid, passwordHash: options.passwordHash, system: options.system });
    return this;
  }

  /** The rendered config as an object (contents encoded). */
  public toSpec(options: RenderOptions = {}): IgnitionSpec {
    const encoder = options.encoder ?? localEncoder;
    const spec: IgnitionSpec = { ignition: { version: this.version } };
    const files = [...this.files.values()].map((f) => renderFile(f, encoder));
    const directories = [...this.directories.values()];
    const links = [...this.links.values()];
    if (files.length || directories.length || links.length) {
      spec.storage = prune({
        files: files.length ? files : undefined,
        directories: directories.length ? directories : undefined,
        links: links.length ? links : undefined,
      });
    }
    if (this.units.size) {
      spec.systemd = {
        units: [...this.units.values()].map(
          (u): UnitSpec =>
            prune({
              name: u.name,
              enabled: u.options.enabled,
              mask: u.options.mask,
              contents: u.options.contents,
              dropins: u.dropins.size ? [...u.dropins.values()] : undefined,
            }),
        ),
      };
    }
    if (this.users.size || this.groups.size) {
      spec.passwd = prune({
        users: this.users.size ? [...this.users.values()].map((u) => prune(u)) : undefined,
        groups: this.groups.size ? [...this.groups.values()].map((g) => prune(g)) : undefined,
      });
    }
    return spec;
  }

  /** The config as JSON text, deterministic for the same calls. */
  public render(options: RenderOptions = {}): string {
    return JSON.stringify(this.toSpec(options), undefined, options.pretty ? 2 : undefined);
  }

  /** Size in bytes of the rendered JSON (apply-time values counted as their placeholders). */
  public renderedSize(options: RenderOptions = {}): number {
    return Buffer.byteLength(this.render(options), "utf8");
  }

  private claimPath(path: string, field: string): void {
    if (!path.startsWith("/")) {
      throw new MicroOsError("ignition", `${field}[${path}].path`, "the path is relative", "give an absolute path starting with /");
    }
    if (this.files.has(path) || this.directories.has(path) || this.links.has(path)) {
      throw new MicroOsError("ignition", `${field}[${path}].path`, "the path is already used by another file, directory or link", "use each path once");
    }
  }
}

function renderFile(f: PendingFile, encoder: Encoder): FileSpec {
  const o = f.options;
  let contents: ResourceSpec;
  if (f.kind === "text") contents = textContents(f.text, encoder);
  else if (f.kind === "bytes") contents = inlineContents(f.bytes);
  else {
    const r = f.options as RemoteFileOptions;
    contents = prune({
      source: r.source,
      compression: r.gzip ? "gzip" : undefined,
      verification: r.hash ? { hash: `${r.hash.algorithm}-${r.hash.hex}` } : undefined,
    });
  }
  return ownerFields(prune({ path: f.path, overwrite: o.overwrite, contents, mode: o.mode ?? 0o644 }), o);
}

function ownerFields<T extends object>(spec: T, o: FileOptions): T {
  const out: Record<string, unknown> = { ...(spec as Record<string, unknown>) };
  if (o.user) out.user = prune({ id: o.user.id, name: o.user.name });
  if (o.group) out.group = prune({ id: o.group.id, name: o.group.name });
  return prune(out) as unknown as T;
}

/** Drops undefined fields so the JSON carries only what was set. */
function prune<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}
