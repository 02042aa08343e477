/**
 * A typed model of k3OS's `config.yaml`. Keys and types follow rancher/k3os pkg/config/config.go
 * and the README "Configuration Reference"; the strict schema in schemas/k3os-config.schema.json
 * is the contract for what we render. Plain TypeScript: no cdktf.
 */
import { checkSshKey } from "../core/ssh";
import { type Encoder, gzipBytes, isDeferred, NOT_NFC_FIX, NOT_NFC_PROBLEM } from "../core/deferred";
import { MicroOsError } from "../core/errors";
import type { Taint } from "../core/node";
import { isK3sServerUrl, K3S_API_PORT, k3sTokenProblem } from "../core/k3s";
import { checkLabel, checkTaint, formatTaint, isProblem, parseTaint } from "../core/kubernetes";
import { isHostName } from "../core/names";
import { decodeProblem } from "./decode";
import { renderK3osYaml } from "./yaml";
import { assertK3osObject, K3osDelivery } from "./validate";
import { checkProps } from "../core/props";
import { filePathProblem, K3OS_CONFIG_PROPS, K3osDataSource, type K3osConfigProps, type K3osFile, type K3osInstall, type K3osWifi, nameServerProblem, timeServerProblem, WriteFileEncoding } from "./props";

export { K3osDataSource, WriteFileEncoding } from "./props";
export type { K3osConfigProps, K3osFile, K3osInstall, K3osWifi } from "./props";

/** Options for rendering. */
export interface K3osRenderOptions {
  /**
   * How the config reaches the node; cloud user data is applied only in k3OS's runtime phase, so
   * keys for earlier phases are refused there.
   * @default K3osDelivery.USER_DATA
   */
  readonly delivery?: K3osDelivery;
  /** Put `#cloud-config` on the first line. @default false */
  readonly cloudConfigHeader?: boolean;
  /**
   * Carries values known only at apply time: a file whose content holds one is written as
   * `base64gzip(...)` with `encoding: gz+b64` (double-quoted), and any other such value as `jsonencode(...)`, a YAML
   * double-quoted scalar. The platform passes its Terraform encoder.
   * @default - a config holding an apply-time value is refused
   */
  readonly encoder?: Encoder;
}

/** The snake_case object k3OS reads. */
export interface K3osConfigObject {
  ssh_authorized_keys?: string[];
  write_files?: Array<{ path: string; content?: string; encoding?: string; owner?: string; permissions?: string }>;
  hostname?: string;
  run_cmd?: string[];
  boot_cmd?: string[];
  init_cmd?: string[];
  k3os?: {
    data_sources?: string[];
    modules?: string[];
    sysctls?: Record<string, string>;
    ntp_servers?: string[];
    dns_nameservers?: string[];
    wifi?: Array<{ name: string; passphrase: string }>;
    password?: string;
    server_url?: string;
    token?: string;
    labels?: Record<string, string>;
    k3s_args?: string[];
    environment?: Record<string, string>;
    taints?: string[];
    install?: {
      force_efi?: boolean;
      device?: string;
      config_url?: string;
      silent?: boolean;
      iso_url?: string;
      power_off?: boolean;
      no_format?: boolean;
      debug?: boolean;
      tty?: string;
    };
  };
}

const AT = "k3os";

/**
 * A builder for a k3OS `config.yaml`. Set keys in the constructor or piece by piece; `render()`
 * gives YAML with canonical snake_case keys in a fixed order, the same text for the same calls.
 * Mistakes are refused at the call that makes them; rules that span keys are checked at render.
 */
export class K3osConfig {
  private readonly sshKeys: string[] = [];
  private readonly files = new Map<string, K3osFile>();
  private hostnameValue?: string;
  private readonly runCmds: string[] = [];
  private readonly bootCmds: string[] = [];
  private readonly initCmds: string[] = [];
  private readonly dataSources: K3osDataSource[] = [];
  private readonly modules: string[] = [];
  private readonly sysctls = new Map<string, string>();
  private readonly ntpServers: string[] = [];
  private readonly dnsNameservers: string[] = [];
  private readonly wifi = new Map<string, K3osWifi>();
  private passwordValue?: string;
  private serverUrlValue?: string;
  private tokenValue?: string;
  private readonly labels = new Map<string, string>();
  private k3sArgsValue?: string[];
  private readonly environment = new Map<string, string>();
  private readonly taints = new Map<string, Taint>();
  private installValue?: K3osInstall;

  constructor(props: K3osConfigProps = {}) {
    checkProps(AT, "", props, K3OS_CONFIG_PROPS);
    if (props.sshAuthorizedKeys) this.addSshKeys(...props.sshAuthorizedKeys);
    for (const f of props.writeFiles ?? []) this.addFile(f);
    if (props.hostname !== undefined) this.setHostname(props.hostname);
    if (props.runCmd) this.addRunCmd(...props.runCmd);
    if (props.bootCmd) this.addBootCmd(...props.bootCmd);
    if (props.initCmd) this.addInitCmd(...props.initCmd);
    if (props.dataSources) this.addDataSources(...props.dataSources);
    if (props.modules) this.addModules(...props.modules);
    for (const [k, v] of Object.entries(props.sysctls ?? {})) this.setSysctl(k, v);
    if (props.ntpServers) this.addNtpServers(...props.ntpServers);
    if (props.dnsNameservers) this.addDnsNameservers(...props.dnsNameservers);
    for (const w of props.wifi ?? []) this.addWifi(w);
    if (props.password !== undefined) this.setPassword(props.password);
    if (props.serverUrl !== undefined) this.setServerUrl(props.serverUrl);
    if (props.token !== undefined) this.setToken(props.token);
    for (const [k, v] of Object.entries(props.labels ?? {})) this.addLabel(k, v);
    if (props.k3sArgs) this.setK3sArgs(props.k3sArgs);
    for (const [k, v] of Object.entries(props.environment ?? {})) this.setEnvironment(k, v);
    for (const t of props.taints ?? []) this.addTaint(t);
    if (props.install) this.setInstall(props.install);
  }

  /** Adds OpenSSH public keys (or `github:<user>`) for user `rancher`. */
  public addSshKeys(...keys: string[]): this {
    for (const key of keys) {
      // `github:<user>` fetches https://github.com/<user>.keys (k3OS README); anything else is a
      // key line, checked as Ignition's keys are.
      if (!isDeferred(key) && !/^github:\S/.test(key.trim()) && checkSshKey(key, "ssh_authorized_keys") !== undefined) {
        throw new MicroOsError(AT, "ssh_authorized_keys", `"${abbreviate(key)}" is not an OpenSSH public key`, 'give a line like "ssh-ed25519 AAAA... user@host" or "github:<user>"');
      }
      if (!this.sshKeys.includes(key)) this.sshKeys.push(key);
    }
    return this;
  }

  /** Adds a file k3OS writes (in every phase). */
  public addFile(file: K3osFile): this {
    const field = `write_files[${file.path}]`;
    const pathProblem = typeof file.path === "string" ? filePathProblem(file.path) : "the path is not a string";
    if (pathProblem) {
      throw new MicroOsError(AT, `${field}.path`, pathProblem, "give an absolute path starting with /, without . or .. segments");
    }
    if (this.files.has(file.path)) {
      throw new MicroOsError(AT, `${field}.path`, "the path is already written by another entry", "write each path once");
    }
    if (file.permissions !== undefined && (!Number.isInteger(file.permissions) || file.permissions < 0 || file.permissions > 0o7777)) {
      throw new MicroOsError(AT, `${field}.permissions`, `${file.permissions} is not a file mode`, "give permission bits such as 0o644 or 0o600");
    }
    if (file.content instanceof Uint8Array && file.encoding !== undefined && file.encoding !== WriteFileEncoding.NONE) {
      throw new MicroOsError(AT, `${field}.encoding`, "bytes are encoded by the builder", "leave encoding unset for Uint8Array content");
    }
    if (typeof file.content === "string" && isDeferred(file.content) && file.content !== file.content.normalize("NFC")) {
      throw new MicroOsError(AT, `${field}.content`, NOT_NFC_PROBLEM, NOT_NFC_FIX);
    }
    if (typeof file.content === "string" && file.encoding && !isDeferred(file.content)) {
      const problem = decodeProblem(file.content, file.encoding);
      if (problem) throw new MicroOsError(AT, `${field}.content`, problem, `give ${file.encoding} content, or text with encoding NONE`);
    }
    if (file.owner !== undefined && !/^[a-z_][a-z0-9_-]*\$?(:[a-z_][a-z0-9_-]*\$?)?$|^\d+(:\d+)?$/.test(file.owner)) {
      throw new MicroOsError(AT, `${field}.owner`, `"${file.owner}" is not a chown owner`, 'give "user" or "user:group", for example "root:root"');
    }
    this.files.set(file.path, file);
    return this;
  }

  /** Sets the host name. */
  public setHostname(hostname: string): this {
    // Lower case: k3s takes the Kubernetes node name from the host name (docs.k3s.io/cli/agent, --node-name).
    if (!isDeferred(hostname) && !(isHostName(hostname) && hostname === hostname.toLowerCase())) {
      throw new MicroOsError(AT, "hostname", `"${hostname}" is not a host name`, "use lower-case DNS labels separated by dots");
    }
    this.hostnameValue = this.once("hostname", this.hostnameValue, hostname);
    return this;
  }

  /** Adds runtime-phase commands. */
  public addRunCmd(...cmds: string[]): this {
    this.runCmds.push(...nonEmpty(cmds, "run_cmd"));
    return this;
  }

  /** Adds boot-phase commands (not run when the config comes from cloud user data). */
  public addBootCmd(...cmds: string[]): this {
    this.bootCmds.push(...nonEmpty(cmds, "boot_cmd"));
    return this;
  }

  /** Adds initrd-phase commands (not run when the config comes from cloud user data). */
  public addInitCmd(...cmds: string[]): this {
    this.initCmds.push(...nonEmpty(cmds, "init_cmd"));
    return this;
  }

  /** Adds datasources, probed in order. */
  public addDataSources(...sources: K3osDataSource[]): this {
    const known: readonly string[] = Object.values(K3osDataSource);
    for (const s of sources) {
      if (!known.includes(s)) {
        throw new MicroOsError(AT, "k3os.data_sources", `"${String(s)}" is not a k3OS datasource`, `use one of ${known.join(", ")}`);
      }
      if (this.dataSources.includes(s)) throw new MicroOsError(AT, "k3os.data_sources", `"${s}" is listed twice`, "list each datasource once");
      this.dataSources.push(s);
    }
    return this;
  }

  /** Adds kernel modules to load. */
  public addModules(...modules: string[]): this {
    for (const m of modules) {
      if (!/^[A-Za-z0-9_-]+$/.test(m)) throw new MicroOsError(AT, "k3os.modules", `"${m}" is not a kernel module name`, "give a module name such as kvm or nvme");
      if (!this.modules.includes(m)) this.modules.push(m);
    }
    return this;
  }

  /** Sets a kernel sysctl. */
  public setSysctl(key: string, value: string): this {
    if (!/^[A-Za-z0-9_.\-/]+$/.test(key)) {
      throw new MicroOsError(AT, `k3os.sysctls[${key}]`, "the key is not a sysctl name", "give a dotted name such as net.ipv4.ip_forward");
    }
    if (typeof value !== "string") {
      throw new MicroOsError(AT, `k3os.sysctls[${key}]`, "the value is not a string", `give it as a string, for example "${String(value)}"`);
    }
    oneLine(value, `k3os.sysctls[${key}]`, 'give the value as one line, for example "1"', true);
    if (this.sysctls.has(key)) throw new MicroOsError(AT, `k3os.sysctls[${key}]`, "the sysctl is already set", "set each sysctl once");
    this.sysctls.set(key, value);
    return this;
  }

  /** Adds fallback NTP servers. */
  public addNtpServers(...servers: string[]): this {
    for (const s of nonEmpty(servers, "k3os.ntp_servers")) {
      const problem = isDeferred(s) ? undefined : timeServerProblem(s);
      if (problem) throw new MicroOsError(AT, "k3os.ntp_servers", problem, 'give a host name such as "time.cloudflare.com" or an address');
    }
    this.ntpServers.push(...servers);
    return this;
  }

  /** Adds fallback DNS servers. */
  public addDnsNameservers(...servers: string[]): this {
    for (const s of nonEmpty(servers, "k3os.dns_nameservers")) {
      const problem = isDeferred(s) ? undefined : nameServerProblem(s);
      if (problem) throw new MicroOsError(AT, "k3os.dns_nameservers", problem, "give name server addresses such as 1.1.1.1 or 2606:4700:4700::1111");
    }
    this.dnsNameservers.push(...servers);
    return this;
  }

  /** Adds a wifi network. */
  public addWifi(wifi: K3osWifi): this {
    oneLine(wifi.name, "k3os.wifi.name", "give the network's SSID");
    oneLine(wifi.passphrase, `k3os.wifi[${wifi.name}].passphrase`, "give the passphrase as one line");
    if (this.wifi.has(wifi.name)) throw new MicroOsError(AT, `k3os.wifi[${wifi.name}]`, "the network is already defined", "define each network once");
    this.wifi.set(wifi.name, wifi);
    return this;
  }

  /** Sets the password of user `rancher` (clear text or crypt(3) hash). */
  public setPassword(password: string): this {
    oneLine(password, "k3os.password", "give the password or its crypt(3) hash as one line");
    this.passwordValue = this.once("k3os.password", this.passwordValue, password);
    return this;
  }

  /** Sets the k3s server URL to join. */
  public setServerUrl(url: string): this {
    if (!isK3sServerUrl(url)) {
      throw new MicroOsError(AT, "k3os.server_url", `"${url}" is not a k3s server URL`, `give https://<host>:${K3S_API_PORT}`);
    }
    this.serverUrlValue = this.once("k3os.server_url", this.serverUrlValue, url);
    return this;
  }

  /** Sets the cluster secret or node token; may be an apply-time value. */
  public setToken(token: string): this {
    const problem = tokenProblem(token);
    if (problem) throw new MicroOsError(AT, "k3os.token", problem.problem, problem.fix);
    if (this.tokenValue !== undefined && this.tokenValue !== token) {
      // Never echo either value: tokens are secrets.
      throw new MicroOsError(AT, "k3os.token", "a different token is already set", "set the token once");
    }
    this.tokenValue = token;
    return this;
  }

  /** Adds a node label. */
  public addLabel(key: string, value: string): this {
    const problem = checkLabel(key, value);
    if (problem) throw new MicroOsError(AT, `k3os.labels[${key}]`, problem.problem, problem.fix);
    if (this.labels.has(key) && this.labels.get(key) !== value) {
      throw new MicroOsError(AT, `k3os.labels[${key}]`, "the label is already set to another value", "set each label once");
    }
    this.labels.set(key, value);
    return this;
  }

  /** Sets the exec-style k3s arguments (first `server` or `agent`). */
  public setK3sArgs(args: readonly string[]): this {
    if (args.length === 0 || (args[0] !== "server" && args[0] !== "agent")) {
      throw new MicroOsError(AT, "k3os.k3s_args[0]", `${args.length ? `"${args[0]}"` : "nothing"} is not server or agent`, 'start the arguments with "server" or "agent"');
    }
    if (this.k3sArgsValue) throw new MicroOsError(AT, "k3os.k3s_args", "the k3s arguments are already set", "set them once, in full");
    this.k3sArgsValue = [...args];
    return this;
  }

  /** Sets an environment variable for k3s and the boot process. */
  public setEnvironment(name: string, value: string): this {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new MicroOsError(AT, `k3os.environment[${name}]`, "the name is not an environment variable name", "use letters, digits and _, not starting with a digit");
    }
    oneLine(value, `k3os.environment[${name}]`, "give the value as one line", true);
    if (this.environment.has(name)) throw new MicroOsError(AT, `k3os.environment[${name}]`, "the variable is already set", "set each variable once");
    this.environment.set(name, value);
    return this;
  }

  /** Adds a node taint, typed or as `key=value:Effect`. */
  public addTaint(taint: Taint | string): this {
    const parsed = typeof taint === "string" ? parseTaint(taint) : taint;
    if (isProblem(parsed)) throw new MicroOsError(AT, "k3os.taints", parsed.problem, parsed.fix);
    const problem = checkTaint(parsed);
    if (problem) throw new MicroOsError(AT, "k3os.taints", problem.problem, problem.fix);
    const text = formatTaint(parsed);
    if (this.taints.has(text)) throw new MicroOsError(AT, "k3os.taints", `"${text}" is listed twice`, "list each taint once");
    this.taints.set(text, parsed);
    return this;
  }

  /** Sets the unattended install keys. */
  public setInstall(install: K3osInstall): this {
    if (this.installValue) throw new MicroOsError(AT, "k3os.install", "the install keys are already set", "set them once");
    if (install.device !== undefined && !install.device.startsWith("/dev/")) {
      throw new MicroOsError(AT, "k3os.install.device", `"${install.device}" is not a device path`, "give a device such as /dev/vda");
    }
    for (const [field, url] of [["config_url", install.configUrl], ["iso_url", install.isoUrl]] as const) {
      if (url !== undefined && !isDeferred(url) && !/^https?:\/\/\S+$/.test(url)) {
        throw new MicroOsError(AT, `k3os.install.${field}`, `"${url}" is not an http(s) URL`, "give an http:// or https:// URL");
      }
    }
    this.installValue = install;
    return this;
  }

  /**
   * Splits the config for a node that gets cloud user data: the keys k3OS applies only outside the
   * runtime phase (`boot_cmd`, `init_cmd`; README "Phases") move to a system config (for
   * /k3os/system/config.yaml, through `k3os.install.config_url` or an image build); everything else
   * stays in the user data. Nothing is dropped.
   */
  public splitForUserData(): { readonly userData: K3osConfig; readonly system?: K3osConfig } {
    const userData = this.copy();
    userData.bootCmds.length = 0;
    userData.initCmds.length = 0;
    if (!this.bootCmds.length && !this.initCmds.length) return { userData };
    const system = new K3osConfig({ bootCmd: this.bootCmds, initCmd: this.initCmds });
    return { userData, system };
  }

  /** The k3s arguments set so far (a copy), if any. */
  public get k3sArgs(): readonly string[] | undefined {
    return this.k3sArgsValue ? [...this.k3sArgsValue] : undefined;
  }

  /** The config as the snake_case object k3OS reads, keys in the README's order. */
  public toObject(): K3osConfigObject {
    const out: K3osConfigObject = {};
    if (this.sshKeys.length) out.ssh_authorized_keys = [...this.sshKeys];
    if (this.files.size) out.write_files = [...this.files.values()].map(renderFile);
    if (this.hostnameValue !== undefined) out.hostname = this.hostnameValue;
    if (this.runCmds.length) out.run_cmd = [...this.runCmds];
    if (this.bootCmds.length) out.boot_cmd = [...this.bootCmds];
    if (this.initCmds.length) out.init_cmd = [...this.initCmds];
    const k: NonNullable<K3osConfigObject["k3os"]> = {};
    if (this.dataSources.length) k.data_sources = [...this.dataSources];
    if (this.modules.length) k.modules = [...this.modules];
    // The field is `sysctls` in pkg/config/config.go and the README's phase table; the README's
    // example spells it `sysctl`, which k3OS also accepts. We write the canonical name only.
    if (this.sysctls.size) k.sysctls = sortedRecord(this.sysctls);
    if (this.ntpServers.length) k.ntp_servers = [...this.ntpServers];
    if (this.dnsNameservers.length) k.dns_nameservers = [...this.dnsNameservers];
    if (this.wifi.size) k.wifi = [...this.wifi.values()].map((w) => ({ name: w.name, passphrase: w.passphrase }));
    if (this.passwordValue !== undefined) k.password = this.passwordValue;
    if (this.serverUrlValue !== undefined) k.server_url = this.serverUrlValue;
    if (this.tokenValue !== undefined) k.token = this.tokenValue;
    if (this.labels.size) k.labels = sortedRecord(this.labels);
    if (this.k3sArgsValue) k.k3s_args = [...this.k3sArgsValue];
    if (this.environment.size) k.environment = sortedRecord(this.environment);
    if (this.taints.size) k.taints = [...this.taints.keys()];
    if (this.installValue) k.install = renderInstall(this.installValue);
    if (Object.keys(k).length) out.k3os = k;
    return out;
  }

  /** Checks the whole config (strict schema and k3OS's rules) and throws the first problem as a MicroOsError. */
  public validate(options: K3osRenderOptions = {}): void {
    assertK3osObject(this.toObject(), { delivery: options.delivery ?? K3osDelivery.USER_DATA });
  }

  /** The config as YAML text, checked first. */
  public render(options: K3osRenderOptions = {}): string {
    const obj = this.toObject();
    assertK3osObject(obj, { delivery: options.delivery ?? K3osDelivery.USER_DATA });
    const encoder = options.encoder;
    const base64Values = new Set<string>();
    for (const f of obj.write_files ?? []) {
      if (f.content === undefined || f.encoding !== undefined || !isDeferred(f.content)) continue;
      if (!encoder) throw new MicroOsError(AT, `write_files[${f.path}].content`, "the content holds a value known only at apply time and no encoder carries it", "render with the platform's Terraform encoder (render({ encoder }))");
      // k3OS decodes `gz+b64` with Go's base64.StdEncoding then gzip before writing the bytes as
      // they are (rancher/k3os v0.22.2-k3s2r0 pkg/util/decode.go DecodeContent, pkg/writefile/writefile.go).
      // gzip keeps PEMs (base64 text themselves) near their own size: user data is capped at 16 KB.
      f.content = encoder.base64gzip(f.content);
      f.encoding = WriteFileEncoding.GZIP_BASE64;
      base64Values.add(f.content);
    }
    const yaml = renderK3osYaml(obj, encoder, base64Values);
    return options.cloudConfigHeader ? `#cloud-config\n${yaml}` : yaml;
  }

  private copy(): K3osConfig {
    const c = new K3osConfig();
    c.sshKeys.push(...this.sshKeys);
    for (const [k, v] of this.files) c.files.set(k, v);
    c.hostnameValue = this.hostnameValue;
    c.runCmds.push(...this.runCmds);
    c.bootCmds.push(...this.bootCmds);
    c.initCmds.push(...this.initCmds);
    c.dataSources.push(...this.dataSources);
    c.modules.push(...this.modules);
    for (const [k, v] of this.sysctls) c.sysctls.set(k, v);
    c.ntpServers.push(...this.ntpServers);
    c.dnsNameservers.push(...this.dnsNameservers);
    for (const [k, v] of this.wifi) c.wifi.set(k, v);
    c.passwordValue = this.passwordValue;
    c.serverUrlValue = this.serverUrlValue;
    c.tokenValue = this.tokenValue;
    for (const [k, v] of this.labels) c.labels.set(k, v);
    c.k3sArgsValue = this.k3sArgsValue ? [...this.k3sArgsValue] : undefined;
    for (const [k, v] of this.environment) c.environment.set(k, v);
    for (const [k, v] of this.taints) c.taints.set(k, v);
    c.installValue = this.installValue;
    return c;
  }

  private once<T>(field: string, current: T | undefined, next: T): T {
    if (current !== undefined && current !== next) {
      throw new MicroOsError(AT, field, "the key is already set to another value", "set it once");
    }
    return next;
  }
}

/** Problems with a token that can be seen before apply; never quotes the token (the k3s rules of lib/core/k3s.ts). */
export function tokenProblem(token: string): { problem: string; fix: string } | undefined {
  return k3sTokenProblem(token);
}

function renderFile(f: K3osFile): NonNullable<K3osConfigObject["write_files"]>[number] {
  let content: string;
  let encoding: string | undefined;
  if (f.content instanceof Uint8Array) {
    const b64 = Buffer.from(f.content).toString("base64");
    const gz = gzipBytes(f.content).toString("base64");
    [content, encoding] = gz.length < b64.length ? [gz, WriteFileEncoding.GZIP_BASE64] : [b64, WriteFileEncoding.BASE64];
  } else {
    content = f.content;
    encoding = f.encoding ? f.encoding : undefined;
  }
  const out: NonNullable<K3osConfigObject["write_files"]>[number] = { path: f.path, content };
  if (encoding) out.encoding = encoding;
  if (f.owner !== undefined) out.owner = f.owner;
  if (f.permissions !== undefined) out.permissions = `0${f.permissions.toString(8).padStart(3, "0")}`;
  return out;
}

function renderInstall(i: K3osInstall): NonNullable<NonNullable<K3osConfigObject["k3os"]>["install"]> {
  const out: Record<string, string | boolean> = {};
  const set = (k: string, v: string | boolean | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set("force_efi", i.forceEfi);
  set("device", i.device);
  set("config_url", i.configUrl);
  set("silent", i.silent);
  set("iso_url", i.isoUrl);
  set("power_off", i.powerOff);
  set("no_format", i.noFormat);
  set("debug", i.debug);
  set("tty", i.tty);
  return out;
}

/** Refuses a value that is not one non-empty line (`mayBeEmpty` for values where "" is a value). */
function oneLine(value: unknown, field: string, fix: string, mayBeEmpty = false): void {
  if (typeof value !== "string") throw new MicroOsError(AT, field, "the value is not a string", fix);
  if (!mayBeEmpty && value.trim() === "") throw new MicroOsError(AT, field, "the value is empty", fix);
  if (/[\r\n\u0000]/.test(value)) throw new MicroOsError(AT, field, "the value holds a line break", fix);
}

function nonEmpty(items: readonly string[], field: string): string[] {
  for (const s of items) {
    if (typeof s !== "string" || s.trim() === "") throw new MicroOsError(AT, field, "an entry is empty", "give non-empty strings");
    if (/[\r\n]/.test(s) && !field.endsWith("_cmd")) throw new MicroOsError(AT, field, "an entry holds a line break", "give each entry as one line");
  }
  return [...items];
}

function sortedRecord(m: ReadonlyMap<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of [...m.keys()].sort()) out[k] = m.get(k)!;
  return out;
}

function abbreviate(s: string): string {
  return s.length > 24 ? `${s.slice(0, 21)}...` : s;
}
