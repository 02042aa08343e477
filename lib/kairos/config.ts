/**
 * A typed model of the Kairos cloud-config keys a cluster node needs: users with ssh keys, the
 * host name, the unattended `install` (and `reset` on cloud images), the `k3s` / `k3s-agent`
 * blocks, and yip `stages` that write files and run commands (kairos-docs reference/configuration.md;
 * keys and types as ./schema.ts derives them). Plain TypeScript: no cdktf.
 */
import { checkSshKey } from "../core/ssh";
import { type Encoder, gzipBytes, isDeferred, NOT_NFC_FIX, NOT_NFC_PROBLEM } from "../core/deferred";
import { MicroOsError } from "../core/errors";
import { isHostName } from "../core/names";
import { bool, checkProps, textOrBytes, list, num, object, optional, record, required, type Shape, type ShapeOf, str } from "../core/props";
import { assertKairosObject, decodedText, hasTemplateAction, isKairosStage, KAIROS_BOOT_STAGES } from "./validate";
import { renderKairosYaml } from "./yaml";

/** Stages a node's steps run in (kairos-docs architecture/cloud-init.md, "Boot stages"). */
export enum KairosStage {
  /** Before switching root, over the initrd root. */
  ROOTFS = "rootfs",
  /** Before switching root, chrooted into the system: before any service starts (the docs' place for k3s files). */
  INITRAMFS = "initramfs",
  /** During the systemd boot, after switching root. */
  BOOT = "boot",
  /** Once the state and persistent partitions are mounted. */
  FS = "fs",
  /** Once the network is up. */
  NETWORK = "network",
  /** 5 minutes after boot, then every 60 minutes. */
  RECONCILE = "reconcile",
  /** After an install has written the system. */
  AFTER_INSTALL = "after-install",
}

/** A user Kairos creates (top-level `users:`, applied at the boot stage). */
export interface KairosUser {
  /** Login name, for example `kairos`. */
  readonly name: string;
  /** OpenSSH public keys, or `github:<user>` / `gitlab:<user>`. @default [] */
  readonly sshAuthorizedKeys?: readonly string[];
  /** Supplementary groups; `admin` grants sudo on Kairos images. @default [] */
  readonly groups?: readonly string[];
  /** Password hash (crypt(3)) or clear text. @default - none: ssh keys only */
  readonly passwd?: string;
}

/** The `install` block: an unattended install from the live medium. */
export interface KairosInstall {
  /** Target disk: `auto`, a `/dev/...` path or a `script://` URI. @default - asked interactively */
  readonly device?: string;
  /** Install without pairing or questions. @default false */
  readonly auto?: boolean;
  /** Reboot once installed (exclusive with poweroff). @default false */
  readonly reboot?: boolean;
  /** Power off once installed (exclusive with reboot). @default false */
  readonly poweroff?: boolean;
}

/** The `reset` block (cloud images install themselves by a reset at first boot; kairos-docs installation/cloud-servers/aws.md). */
export interface KairosReset {
  /** Image to reset to, for example `oci:quay.io/kairos/hadron:...`. @default - the booted image */
  readonly systemSource?: string;
}

/** A `k3s` or `k3s-agent` block (provider-kairos internal/provider/config/config.go). */
export interface KairosK3s {
  /** Start this k3s service. @default true */
  readonly enabled?: boolean;
  /** Arguments after `k3s server` / `k3s agent`. Never secrets: `ps` shows them. @default [] */
  readonly args?: readonly string[];
  /** Environment of the service (never a token). @default {} */
  readonly env?: Readonly<Record<string, string>>;
}

/** A file a stage writes (yip `files`). */
export interface KairosFile {
  /** Absolute path. */
  readonly path: string;
  /** Text (may hold apply-time values) or bytes (rendered as base64, gzipped when smaller). */
  readonly content: string | Uint8Array;
  /** Permission bits, for example `0o600`. @default 0o644 */
  readonly permissions?: number;
  /** Owner uid. @default 0 */
  readonly owner?: number;
  /** Group gid. @default 0 */
  readonly group?: number;
}

/** One step of a stage. */
export interface KairosStep {
  /** Shown in the boot log. @default - none */
  readonly name?: string;
  /** @default [] */
  readonly files?: readonly KairosFile[];
  /** Shell commands, run in order. @default [] */
  readonly commands?: readonly string[];
  /** Shell condition; the step runs when it exits 0. @default - always */
  readonly if?: string;
}

/** Everything the model holds, in TypeScript spelling. Every field may also be set with the builder's methods. */
export interface KairosConfigProps {
  /** @default [] */
  readonly users?: readonly KairosUser[];
  /** @default - DHCP or the cloud's name */
  readonly hostname?: string;
  /** @default - none */
  readonly install?: KairosInstall;
  /** @default - none */
  readonly reset?: KairosReset;
  /** The k3s server block. @default - none */
  readonly k3s?: KairosK3s;
  /** The k3s agent block. @default - none */
  readonly k3sAgent?: KairosK3s;
  /** Steps by stage, run in order. @default {} */
  readonly stages?: Readonly<Partial<Record<KairosStage | string, readonly KairosStep[]>>>;
}

// The props at run time (lib/core/props.ts): wrong JavaScript types, unknown keys and line breaks
// in one-line fields (names, groups, passwords, hosts, devices, sources, arguments, environment
// values, paths, step names) are refused at the call; the forms (user names, devices, stages,
// modes) keep their own checks and messages below. Commands, conditions and file content may span
// lines: yip runs each command and `if` with a shell, and writes content as given.
const line = (fix: string, nonEmpty = true) => str({ fix, nonEmpty });
const USER: Shape = object({
  name: required(line("give a user name such as kairos")),
  sshAuthorizedKeys: optional(list(line('give a line like "ssh-ed25519 AAAA... user@host" or "github:<user>"'))),
  groups: optional(list(line("give group names such as admin"))),
  passwd: optional(line("give the password or its crypt(3) hash as one line")),
} satisfies ShapeOf<KairosUser>);
const INSTALL: Shape = object({
  device: optional(line("give a device such as /dev/vda, or auto")),
  auto: optional(bool()),
  reboot: optional(bool()),
  poweroff: optional(bool()),
} satisfies ShapeOf<KairosInstall>);
const RESET: Shape = object({ systemSource: optional(line('give "oci:<image reference>"')) } satisfies ShapeOf<KairosReset>);
const K3S_BLOCK: Shape = object({
  enabled: optional(bool()),
  args: optional(list(line("give each flag as one line, such as --disable=traefik", false))),
  env: optional(record(line("give variable names"), line("give each value as one line", false))),
} satisfies ShapeOf<KairosK3s>);
const FILE: Shape = object({
  path: required(line("give an absolute path starting with /")),
  content: required(textOrBytes()),
  permissions: optional(num("give permission bits such as 0o644 or 0o600")),
  owner: optional(num("give a uid such as 0 or 1000")),
  group: optional(num("give a gid such as 0 or 1000")),
} satisfies ShapeOf<KairosFile>);
// Files first: addFile names its step after the path, and a bad path should be named as the path.
const STEP: Shape = object({
  files: optional(list(FILE)),
  commands: optional(list(str({ nonEmpty: false, singleLine: false, fix: "give shell commands" }))),
  if: optional(str({ singleLine: false, fix: "give a shell condition" })),
  name: optional(line("give the step a one-line name")),
} satisfies ShapeOf<KairosStep>);
const KAIROS_CONFIG_PROPS: Shape = object({
  users: optional(list(USER)),
  hostname: optional(line("use lower-case DNS labels separated by dots")),
  install: optional(INSTALL),
  reset: optional(RESET),
  k3s: optional(K3S_BLOCK),
  k3sAgent: optional(K3S_BLOCK),
  stages: optional(record(line("give a KairosStage"), list(STEP))),
} satisfies ShapeOf<KairosConfigProps>);

/** The object Kairos reads (keys as Kairos spells them). */
export interface KairosConfigObject {
  hostname?: string;
  users?: Array<{ name: string; passwd?: string; groups?: string[]; ssh_authorized_keys?: string[] }>;
  install?: { device?: string; auto?: boolean; reboot?: boolean; poweroff?: boolean };
  reset?: { system?: { source: string } };
  k3s?: RenderedK3s;
  "k3s-agent"?: RenderedK3s;
  stages?: Record<string, Array<RenderedStep>>;
}

type RenderedK3s = { enabled: boolean; args?: string[]; env?: Record<string, string> };
type RenderedFile = { path: string; permissions: number; owner?: number; group?: number; content: string; encoding?: string };
type RenderedStep = { name?: string; if?: string; files?: RenderedFile[]; commands?: string[] };

const AT = "kairos";

/**
 * A builder for a Kairos `#cloud-config`. Set keys in the constructor or piece by piece;
 * `render()` gives the same text for the same calls. Mistakes are refused at the call that makes
 * them; rules that span keys (the schema, one k3s role) are checked at render.
 */
export class KairosConfig {
  private readonly users = new Map<string, { name: string; keys: string[]; groups: string[]; passwd?: string }>();
  private hostnameValue?: string;
  private installValue?: KairosInstall;
  private resetValue?: KairosReset;
  private k3sValue?: KairosK3s;
  private k3sAgentValue?: KairosK3s;
  private readonly stages = new Map<string, KairosStep[]>();

  constructor(props: KairosConfigProps = {}) {
    checkProps(AT, "", props, KAIROS_CONFIG_PROPS);
    for (const u of props.users ?? []) this.addUser(u);
    if (props.hostname !== undefined) this.setHostname(props.hostname);
    if (props.install) this.setInstall(props.install);
    if (props.reset) this.setReset(props.reset);
    if (props.k3s) this.setK3s(props.k3s);
    if (props.k3sAgent) this.setK3sAgent(props.k3sAgent);
    for (const [stage, steps] of Object.entries(props.stages ?? {})) for (const s of steps ?? []) this.addStep(stage, s);
  }

  /** Adds a user; a second user of the same name is refused (add keys with addSshKeys). */
  public addUser(user: KairosUser): this {
    checkProps(AT, "user", user, USER);
    const field = `users[${user.name}]`;
    if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(user.name)) {
      throw new MicroOsError(AT, `${field}.name`, `"${user.name}" is not a user name`, "use lower-case letters, digits, _ and -, starting with a letter or _ (at most 32)");
    }
    if (this.users.has(user.name)) throw new MicroOsError(AT, `${field}.name`, "the user is already defined", "define each user once; add keys with addSshKeys");
    this.users.set(user.name, { name: user.name, keys: [], groups: [...(user.groups ?? [])], passwd: user.passwd });
    if (user.sshAuthorizedKeys?.length) this.addSshKeys(user.name, ...user.sshAuthorizedKeys);
    return this;
  }

  /** Adds ssh keys to a user, creating the user when it is new. */
  public addSshKeys(userName: string, ...keys: string[]): this {
    checkProps(AT, "userName", userName, line("give a user name such as kairos"));
    checkProps(AT, `users[${userName}].ssh_authorized_keys`, keys, list(line('give a line like "ssh-ed25519 AAAA... user@host" or "github:<user>"')));
    if (!this.users.has(userName)) this.addUser({ name: userName });
    const user = this.users.get(userName)!;
    for (const key of keys) {
      if (!isDeferred(key) && !/^(github|gitlab):\S+$/.test(key.trim()) && checkSshKey(key, "ssh_authorized_keys") !== undefined) {
        throw new MicroOsError(AT, `users[${userName}].ssh_authorized_keys`, `"${abbreviate(key)}" is not an OpenSSH public key`, 'give a line like "ssh-ed25519 AAAA... user@host" or "github:<user>"');
      }
      if (!user.keys.includes(key)) user.keys.push(key);
    }
    return this;
  }

  /** Sets the host name (Kairos applies top-level `hostname` in the initramfs stage; mudler/yip loader_cloudinit.go). */
  public setHostname(hostname: string): this {
    checkProps(AT, "hostname", hostname, line("use lower-case DNS labels separated by dots"));
    // Lower case: k3s takes the node name from the host name (docs.k3s.io/cli/agent, --node-name).
    if (!isDeferred(hostname) && !(isHostName(hostname) && hostname === hostname.toLowerCase())) {
      throw new MicroOsError(AT, "hostname", `"${hostname}" is not a host name`, "use lower-case DNS labels separated by dots");
    }
    if (this.hostnameValue !== undefined && this.hostnameValue !== hostname) throw new MicroOsError(AT, "hostname", "the host name is already set to another value", "set it once");
    this.hostnameValue = hostname;
    return this;
  }

  /** Sets the install block. */
  public setInstall(install: KairosInstall): this {
    checkProps(AT, "install", install, INSTALL);
    if (this.installValue) throw new MicroOsError(AT, "install", "the install block is already set", "set it once, in full");
    if (install.device !== undefined && !/^(auto|\/dev\/.+|script:\/\/.+)$/.test(install.device)) {
      // kairos-sdk schema/install_schema.go, `device` pattern.
      throw new MicroOsError(AT, "install.device", `"${install.device}" is not auto, a /dev/ path or a script:// URI`, "give a device such as /dev/vda, or auto");
    }
    if (install.reboot && install.poweroff) {
      // kairos-sdk install_schema.go PowerManagement: NoPowerManagement, RebootOnly or PowerOffOnly.
      throw new MicroOsError(AT, "install", "reboot and poweroff are both true; Kairos allows at most one", "set either reboot or poweroff");
    }
    this.installValue = install;
    return this;
  }

  /** Sets the reset block. */
  public setReset(reset: KairosReset): this {
    checkProps(AT, "reset", reset, RESET);
    if (this.resetValue) throw new MicroOsError(AT, "reset", "the reset block is already set", "set it once, in full");
    if (reset.systemSource !== undefined && !/^(oci|docker|dir|file):\S+$/.test(reset.systemSource)) {
      // Image sources are `<scheme>:<ref>`, for example `oci:quay.io/...` (kairos-docs aws.md, `reset.system.source`).
      throw new MicroOsError(AT, "reset.system.source", `"${reset.systemSource}" is not an image source`, 'give "oci:<image reference>"');
    }
    this.resetValue = reset;
    return this;
  }

  /** Sets the k3s server block. */
  public setK3s(block: KairosK3s): this {
    this.k3sValue = this.block("k3s", this.k3sValue, block);
    return this;
  }

  /** Sets the k3s agent block. */
  public setK3sAgent(block: KairosK3s): this {
    this.k3sAgentValue = this.block("k3s-agent", this.k3sAgentValue, block);
    return this;
  }

  /** Appends a step to a stage. */
  public addStep(stage: KairosStage | string, step: KairosStep): this {
    checkProps(AT, "stage", stage, line("give a KairosStage"));
    checkProps(AT, `stages.${stage}`, step, STEP);
    if (!isKairosStage(stage)) {
      throw new MicroOsError(AT, `stages.${stage}`, `Kairos runs no stage called "${stage}", so the step would never run`, `use a KairosStage, or a stage from the Kairos docs (${KAIROS_BOOT_STAGES.join(", ")}, each with .before and .after)`);
    }
    const field = `stages.${stage}`;
    const steps = this.stages.get(stage) ?? [];
    const paths = new Set(steps.flatMap((s) => (s.files ?? []).map((f) => f.path)));
    for (const f of step.files ?? []) {
      checkFile(f, `${field}.files[${f.path}]`);
      if (paths.has(f.path)) throw new MicroOsError(AT, `${field}.files[${f.path}].path`, "the path is already written in this stage", "write each path once");
      paths.add(f.path);
    }
    for (const cmd of step.commands ?? []) {
      if (typeof cmd !== "string" || cmd.trim() === "") throw new MicroOsError(AT, `${field}.commands`, "a command is empty", "give shell commands");
      if (!isDeferred(cmd) && hasTemplateAction(cmd)) {
        throw new MicroOsError(AT, `${field}.commands`, "the command holds {{, which Kairos renders as a Go template on the node", 'write each literal {{ as {{"{{"}} (escapeKairosTemplate does this)');
      }
    }
    steps.push(step);
    this.stages.set(stage, steps);
    return this;
  }

  /** Writes a file in a stage (its own step). @param stage @default KairosStage.INITRAMFS */
  public addFile(file: KairosFile, stage: KairosStage | string = KairosStage.INITRAMFS): this {
    return this.addStep(stage, { name: `Write ${file.path}`, files: [file] });
  }

  /** Runs commands in a stage (their own step). */
  public addCommands(stage: KairosStage | string, ...commands: string[]): this {
    return this.addStep(stage, { commands });
  }

  /** True when the config defines the user. */
  public hasUser(name: string): boolean {
    return this.users.has(name);
  }

  /** The k3s server block, if set. */
  public get k3s(): KairosK3s | undefined {
    return this.k3sValue;
  }

  /** The k3s agent block, if set. */
  public get k3sAgent(): KairosK3s | undefined {
    return this.k3sAgentValue;
  }

  /** The files a stage writes, in order. */
  public filesOf(stage: KairosStage | string): readonly KairosFile[] {
    return (this.stages.get(stage) ?? []).flatMap((s) => s.files ?? []);
  }

  /** The config as the object Kairos reads, keys in a fixed order. */
  public toObject(): KairosConfigObject {
    const out: KairosConfigObject = {};
    if (this.hostnameValue !== undefined) out.hostname = this.hostnameValue;
    if (this.users.size) {
      out.users = [...this.users.values()].map((u) => ({
        name: u.name,
        ...(u.passwd !== undefined ? { passwd: u.passwd } : {}),
        ...(u.groups.length ? { groups: [...u.groups] } : {}),
        ...(u.keys.length ? { ssh_authorized_keys: [...u.keys] } : {}),
      }));
    }
    if (this.installValue) {
      const i = this.installValue;
      out.install = {};
      if (i.device !== undefined) out.install.device = i.device;
      if (i.auto !== undefined) out.install.auto = i.auto;
      if (i.reboot !== undefined) out.install.reboot = i.reboot;
      if (i.poweroff !== undefined) out.install.poweroff = i.poweroff;
    }
    if (this.resetValue?.systemSource !== undefined) out.reset = { system: { source: this.resetValue.systemSource } };
    if (this.k3sValue) out.k3s = renderBlock(this.k3sValue);
    if (this.k3sAgentValue) out["k3s-agent"] = renderBlock(this.k3sAgentValue);
    if (this.stages.size) {
      out.stages = {};
      for (const [stage, steps] of this.stages) out.stages[stage] = steps.map(renderStep);
    }
    return out;
  }

  /** Checks the whole config (schema and Kairos's rules); throws the first problem. */
  public validate(): void {
    assertKairosObject(this.toObject());
  }

  /**
   * The config as `#cloud-config` YAML, checked first. `encoder` carries values known only at
   * apply time: a file whose content holds one is written as `base64gzip(...)` with
   * `encoding: gz+b64`, any other such value as `jsonencode(...)` (a YAML double-quoted scalar); the
   * platform passes its Terraform encoder. Without one, a config holding such a value is refused.
   */
  public render(options: { readonly encoder?: Encoder } = {}): string {
    const obj = this.toObject();
    assertKairosObject(obj);
    const encoder = options.encoder;
    const base64Values = new Set<string>();
    for (const [stage, steps] of Object.entries(obj.stages ?? {})) {
      for (const f of steps.flatMap((s) => s.files ?? [])) {
        if (f.encoding !== undefined || !isDeferred(f.content)) continue;
        if (!encoder) throw new MicroOsError(AT, `stages.${stage}.files[${f.path}].content`, "the content holds a value known only at apply time and no encoder carries it", "render with the platform's Terraform encoder (render({ encoder }))");
        // yip decodes `gz+b64` with Go's base64.StdEncoding then gzip and writes the bytes (mudler/yip
        // v1.24.0 pkg/plugins/file_decoder.go newDecoder, files_base64_decoder.go base64GZip,
        // pkg/plugins/files.go WriteString). gzip keeps PEMs near their own size: user data is capped at 16 KB.
        f.content = encoder.base64gzip(f.content);
        f.encoding = "gz+b64";
        base64Values.add(f.content);
      }
    }
    return renderKairosYaml(obj, encoder, base64Values);
  }

  private block(key: string, current: KairosK3s | undefined, next: KairosK3s): KairosK3s {
    checkProps(AT, key, next, K3S_BLOCK);
    if (current) throw new MicroOsError(AT, key, "the block is already set", "set it once, in full");
    for (const [i, arg] of (next.args ?? []).entries()) {
      if (typeof arg !== "string" || arg.trim() === "") throw new MicroOsError(AT, `${key}.args[${i}]`, "the argument is empty", "give flags such as --disable=traefik");
    }
    for (const name of Object.keys(next.env ?? {})) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new MicroOsError(AT, `${key}.env.${name}`, "the name is not an environment variable name", "use letters, digits and _, not starting with a digit");
    }
    return next;
  }
}

function checkFile(f: KairosFile, field: string): void {
  if (!f.path.startsWith("/")) throw new MicroOsError(AT, `${field}.path`, "the path is relative", "give an absolute path starting with /");
  if (f.permissions !== undefined && (!Number.isInteger(f.permissions) || f.permissions < 0 || f.permissions > 0o7777)) {
    throw new MicroOsError(AT, `${field}.permissions`, `${f.permissions} is not a file mode`, "give permission bits such as 0o644 or 0o600");
  }
  for (const [k, v] of [["owner", f.owner], ["group", f.group]] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 0)) throw new MicroOsError(AT, `${field}.${k}`, `${v} is not a numeric id`, "give a uid or gid such as 0 or 1000");
  }
  if (typeof f.content === "string" && isDeferred(f.content) && f.content !== f.content.normalize("NFC")) {
    throw new MicroOsError(AT, `${field}.content`, NOT_NFC_PROBLEM, NOT_NFC_FIX);
  }
  const text = typeof f.content === "string" ? (isDeferred(f.content) ? "" : f.content) : decodedText(Buffer.from(f.content).toString("utf8"), "");
  if (text !== undefined && hasTemplateAction(text)) {
    // yip renders a file's content as a Go template after decoding it (pkg/plugins/files.go, templateSysData).
    throw new MicroOsError(AT, `${field}.content`, "the content holds {{, which Kairos renders as a Go template on the node", 'write each literal {{ as {{"{{"}} (escapeKairosTemplate does this)');
  }
}

function renderBlock(b: KairosK3s): RenderedK3s {
  const out: RenderedK3s = { enabled: b.enabled ?? true };
  if (b.args?.length) out.args = [...b.args];
  const env = Object.keys(b.env ?? {}).sort();
  if (env.length) out.env = Object.fromEntries(env.map((k) => [k, b.env![k]]));
  return out;
}

function renderStep(s: KairosStep): RenderedStep {
  const out: RenderedStep = {};
  if (s.name !== undefined) out.name = s.name;
  if (s.if !== undefined) out.if = s.if;
  if (s.files?.length) out.files = s.files.map(renderFile);
  if (s.commands?.length) out.commands = [...s.commands];
  return out;
}

function renderFile(f: KairosFile): RenderedFile {
  // Permissions as a decimal integer: yip reads them into a uint32 with yaml.v3
  // (mudler/yip pkg/schema/schema.go File), and a decimal number means the same to every YAML reader.
  const out: RenderedFile = { path: f.path, permissions: f.permissions ?? 0o644, content: "" };
  if (f.owner !== undefined) out.owner = f.owner;
  if (f.group !== undefined) out.group = f.group;
  if (f.content instanceof Uint8Array) {
    const b64 = Buffer.from(f.content).toString("base64");
    const gz = gzipBytes(f.content).toString("base64");
    // yip's decoders: b64, gz+b64 (pkg/plugins/file_decoder.go).
    [out.content, out.encoding] = gz.length < b64.length ? [gz, "gz+b64"] : [b64, "b64"];
  } else {
    out.content = f.content;
  }
  return out;
}

function abbreviate(s: string): string {
  return s.length > 24 ? `${s.slice(0, 21)}...` : s;
}
