/**
 * IgnitionConfig, the typed builder of an Ignition config: each call checks its input and adds a
 * record (lib/ignition/merge.ts keeps the records and refuses clashes; lib/ignition/render.ts
 * renders them; the options are in lib/ignition/options.ts).
 */
import { isDeferred, localEncoder } from "../core/deferred";
import { MicroOsError } from "../core/errors";
import { checkProps, object } from "../core/props";
import * as C from "./checks";
import { RecordStore } from "./merge";
import type {
  ClevisOptions,
  DiskOptions,
  FileOptions,
  FilesystemOptions,
  GroupOptions,
  HttpHeader,
  IgnitionConfigProps,
  LinkOptions,
  LuksOptions,
  PartitionOptions,
  ProxyOptions,
  RaidOptions,
  RemoteFileOptions,
  RemoteResource,
  RenderOptions,
  ResourceInput,
  TimeoutOptions,
  UnitOptions,
  UserOptions,
} from "./options";
import { FilesystemFormat, RaidLevel } from "./options";
import { type Content, contentKey, k, prune, type UnitRecord, unique } from "./records";
import { renderRecords } from "./render";
import type { DiskSpec, FilesystemSpec, IgnitionSpec, LuksSpec, PartitionSpec, RaidSpec } from "./spec";
import { type IgnitionVariant, IgnitionVersion, isIgnitionVersion, IGNITION_VERSIONS } from "./version";
import { applyButane } from "./butane/translate";

export { IgnitionVersion };
export * from "./options";

/**
 * A builder for an Ignition config (spec 3.3.0 by default, or 3.4.0, 3.5.0, 3.6.0). Add files, units, users,
 * keys, disks; `render()` gives the JSON the node reads at first boot, the same bytes for the same
 * calls every run.
 *
 * Mistakes are refused at the call that makes them, with a {@link MicroOsError} naming the field
 * and the fix; the config is left as it was before the call.
 */
export class IgnitionConfig {
  /** The spec version this config renders. */
  public readonly version: IgnitionVersion;
  /** The name used in error messages. */
  public readonly name: string;
  /** The OS variant the config is for, if any. */
  public readonly variant: IgnitionVariant | undefined;
  private store: RecordStore;

  constructor(options: IgnitionConfigProps = {}) {
    const opts = (options ?? {}) as IgnitionConfigProps;
    // Known keys only (a misspelt `verison` would silently render the default); the values are checked below.
    checkProps("ignition", "", opts, object({ version: () => undefined, name: () => undefined, variant: () => undefined }));
    const version = opts.version ?? IgnitionVersion.V3_3_0;
    if (!isIgnitionVersion(version)) {
      throw new MicroOsError("ignition", "version", `${C.show(version)} is not a spec version this library renders`, `use ${IGNITION_VERSIONS.map((v) => `IgnitionVersion.${C.versionKey(v)}`).join(", ")}`);
    }
    if (opts.variant !== undefined && (typeof opts.variant !== "object" || opts.variant === null || typeof opts.variant.name !== "string")) {
      throw new MicroOsError("ignition", "variant", `expected an IgnitionVariant ({ name, unsupported?, whereToRead? }), got ${C.show(opts.variant)}`, "pass the variant your OS defines, or leave it out");
    }
    const name = opts.name ?? "ignition";
    if (typeof name !== "string" || name === "") {
      throw new MicroOsError("ignition", "name", `expected a non-empty string, got ${C.show(name)}`, "name the config, for example after its node");
    }
    this.version = version;
    this.name = name;
    this.variant = opts.variant;
    this.store = new RecordStore(this.name, this.version, this.variant);
  }

  // -------------------------------------------------------------------------------------------
  // storage: files, directories, links

  /** Adds a file whose contents are UTF-8 text (may hold apply-time values). */
  public addFile(path: string, text: string, options: FileOptions = {}): this {
    this.check(C.checkString(text, `storage.files[${k(path)}].contents`, "the file's text"));
    this.store.putNode({ kind: "file", path, content: { kind: "text", text }, origin: this.name, ...this.nodeOptions(path, "files", options, 0o644) }, false);
    return this;
  }

  /** Adds a file from raw bytes. */
  public addBinaryFile(path: string, bytes: Uint8Array, options: FileOptions = {}): this {
    if (!(bytes instanceof Uint8Array)) {
      this.fail(`storage.files[${k(path)}].contents`, `expected bytes (a Uint8Array or Buffer), got ${C.show(bytes)}`, "pass a Buffer or Uint8Array, or use addFile() for text");
    }
    const copy = Uint8Array.from(bytes);
    this.store.putNode({ kind: "file", path, content: { kind: "bytes", bytes: copy }, origin: this.name, ...this.nodeOptions(path, "files", options, 0o644) }, false);
    return this;
  }

  /** Adds a file Ignition fetches at first boot, verified by hash. */
  public addRemoteFile(path: string, options: RemoteFileOptions): this {
    const resource = this.remoteResource(options, `storage.files[${k(path)}].contents`);
    this.store.putNode({ kind: "file", path, content: { kind: "remote", resource }, origin: this.name, ...this.nodeOptions(path, "files", options, 0o644) }, false);
    return this;
  }

  /**
   * Appends to a file: one added here (after its contents), or one the image already has (for
   * example `/etc/hosts`), whose mode and owner then stay as they are. Text, bytes or a remote
   * resource; appends to one file combine across merged configs.
   */
  public appendToFile(path: string, content: ResourceInput): this {
    const field = `storage.files[${k(path)}]`;
    this.check(C.checkNodePath(path, `${field}.path`));
    const c = this.content(content, `${field}.append`);
    this.store.putNode({ kind: "file", path, append: [c], origin: this.name }, false);
    return this;
  }

  /** Adds a directory. */
  public addDirectory(path: string, options: FileOptions = {}): this {
    this.store.putNode({ kind: "directory", path, origin: this.name, ...this.nodeOptions(path, "directories", options, 0o755) }, false);
    return this;
  }

  /** Adds a symbolic (or hard) link at `path` pointing to `target`. */
  public addLink(path: string, target: string, options: LinkOptions = {}): this {
    const field = `storage.links[${k(path)}]`;
    this.check(C.checkNonEmptyString(target, `${field}.target`));
    const opts = (options ?? {}) as LinkOptions;
    this.check(C.checkBoolean(opts.hard, `${field}.hard`));
    if (opts.mode !== undefined) this.fail(`${field}.mode`, "links have no mode of their own", "drop mode; the target's mode applies");
    // coreos/ignition internal/exec/util/file.go: a hard link's target is joined to the root, so a
    // relative one would not mean what it says next to the link.
    if (opts.hard === true) this.check(C.checkAbsolutePath(target, `${field}.target`));
    this.store.putNode({ kind: "link", path, target, hard: opts.hard, origin: this.name, ...this.nodeOptions(path, "links", opts, undefined) }, false);
    return this;
  }

  // -------------------------------------------------------------------------------------------
  // systemd

  /** Adds a systemd unit. */
  public addUnit(name: string, options: UnitOptions = {}): this {
    const field = `systemd.units[${k(name)}]`;
    this.check(C.checkUnitName(name, `${field}.name`));
    const o = (options ?? {}) as UnitOptions;
    this.check(C.checkUnitContents(o.contents, `${field}.contents`));
    this.check(C.checkBoolean(o.enabled, `${field}.enabled`));
    this.check(C.checkBoolean(o.mask, `${field}.mask`));
    if (o.mask === true && o.enabled === true) this.fail(field, "the unit is both enabled and masked", "choose one: mask: true stops it from ever starting");
    const existing = this.store.r.units.get(name);
    if (existing?.declared) {
      this.fail(field, "the unit is already defined", "define each unit once; add dropins with addDropin()");
    }
    const unit: UnitRecord = existing ?? { name, origin: this.name, declared: true, dropins: new Map() };
    unit.declared = true;
    unit.contents = o.contents;
    unit.enabled = o.enabled;
    unit.mask = o.mask;
    this.store.r.units.set(name, unit);
    return this;
  }

  /** Adds a dropin to a unit (the unit is listed without contents if not added otherwise). */
  public addDropin(unitName: string, dropinName: string, contents: string): this {
    const field = `systemd.units[${k(unitName)}].dropins[${k(dropinName)}]`;
    this.check(C.checkUnitName(unitName, `systemd.units[${k(unitName)}].name`));
    this.check(C.checkDropinName(dropinName, `${field}.name`));
    this.check(C.checkString(contents, `${field}.contents`, "the dropin's text"));
    this.check(C.checkUnitContents(contents, `${field}.contents`));
    const unit = this.store.r.units.get(unitName);
    if (unit?.dropins.has(dropinName)) this.fail(field, "the dropin is already defined", "give each dropin its own name");
    const u = unit ?? { name: unitName, origin: this.name, declared: false, dropins: new Map() };
    u.dropins.set(dropinName, { name: dropinName, contents, origin: this.name });
    this.store.r.units.set(unitName, u);
    return this;
  }

  // -------------------------------------------------------------------------------------------
  // passwd

  /** Adds (or configures) a user. */
  public addUser(name: string, options: UserOptions = {}): this {
    const field = `passwd.users[${k(name)}]`;
    this.check(C.checkUserName(name, `${field}.name`));
    const o = (options ?? {}) as UserOptions;
    this.check(C.checkStringList(o.sshAuthorizedKeys, `${field}.sshAuthorizedKeys`));
    const keys = [...(o.sshAuthorizedKeys ?? [])];
    keys.forEach((k, i) => this.check(C.checkSshKey(k, `${field}.sshAuthorizedKeys[${i}]`)));
    this.check(C.checkPasswordHash(o.passwordHash, `${field}.passwordHash`));
    this.check(C.checkStringList(o.groups, `${field}.groups`));
    (o.groups ?? []).forEach((g, i) => this.check(C.checkGroupName(g, `${field}.groups[${i}]`)));
    if (o.primaryGroup !== undefined) this.check(C.checkGroupName(o.primaryGroup, `${field}.primaryGroup`));
    // useradd(8): uids are 32-bit; (uid_t)-1 means "none".
    this.check(C.checkInteger(o.uid, `${field}.uid`, 0, 4294967294));
    if (o.homeDir !== undefined) this.check(C.checkNodePath(o.homeDir, `${field}.homeDir`));
    if (o.shell !== undefined) this.check(C.checkNodePath(o.shell, `${field}.shell`));
    this.check(C.checkPasswdField(o.gecos, `${field}.gecos`));
    for (const b of ["system", "noCreateHome", "noUserGroup", "noLogInit", "shouldExist"] as const) this.check(C.checkBoolean(o[b], `${field}.${b}`));
    const spec = prune({
      name,
      passwordHash: o.passwordHash,
      uid: o.uid,
      gecos: o.gecos,
      homeDir: o.homeDir,
      noCreateHome: o.noCreateHome,
      primaryGroup: o.primaryGroup,
      groups: o.groups ? unique([...o.groups]) : undefined,
      noUserGroup: o.noUserGroup,
      noLogInit: o.noLogInit,
      shell: o.shell,
      system: o.system,
      shouldExist: o.shouldExist,
    });
    this.store.putUser(name, { origin: this.name, declared: true, spec, keys: unique(keys) }, false);
    return this;
  }

  /** Adds ssh keys to a user (created if absent, as for Flatcar's `core`). A key given twice is kept once. */
  public addSshKeys(user: string, keys: readonly string[]): this {
    const field = `passwd.users[${k(user)}]`;
    this.check(C.checkUserName(user, `${field}.name`));
    if (!Array.isArray(keys)) this.fail(`${field}.sshAuthorizedKeys`, `expected a list of keys, got ${C.show(keys)}`, "pass an array of OpenSSH public keys");
    this.check(C.checkStringList(keys, `${field}.sshAuthorizedKeys`));
    if (keys.length === 0) this.fail(`${field}.sshAuthorizedKeys`, "no keys given", "pass at least one OpenSSH public key");
    keys.forEach((k, i) => this.check(C.checkSshKey(k, `${field}.sshAuthorizedKeys[${i}]`)));
    this.store.putUser(user, { origin: this.name, declared: false, spec: { name: user }, keys: unique([...keys]) }, false);
    return this;
  }

  /** Adds a group. */
  public addGroup(name: string, options: GroupOptions = {}): this {
    const field = `passwd.groups[${k(name)}]`;
    this.check(C.checkGroupName(name, `${field}.name`));
    const o = (options ?? {}) as GroupOptions;
    this.check(C.checkInteger(o.gid, `${field}.gid`, 0, 4294967294));
    this.check(C.checkPasswordHash(o.passwordHash, `${field}.passwordHash`));
    this.check(C.checkBoolean(o.system, `${field}.system`));
    this.check(C.checkBoolean(o.shouldExist, `${field}.shouldExist`));
    if (o.shouldExist === false && (o.gid !== undefined || o.passwordHash !== undefined || o.system !== undefined)) {
      this.fail(field, "the group is to be deleted (shouldExist: false) yet has other fields", "drop gid, passwordHash and system, or drop shouldExist: false");
    }
    const spec = prune({ name, gid: o.gid, passwordHash: o.passwordHash, system: o.system, shouldExist: o.shouldExist });
    this.store.putKeyed(this.store.r.groups, name, { spec, origin: this.name }, field, "group", false);
    return this;
  }

  // -------------------------------------------------------------------------------------------
  // storage: devices

  /** Partitions a disk (GPT). */
  public addDisk(device: string, options: DiskOptions = {}): this {
    const field = `storage.disks[${k(device)}]`;
    this.check(C.checkNodePath(device, `${field}.device`));
    const o = (options ?? {}) as DiskOptions;
    this.check(C.checkBoolean(o.wipeTable, `${field}.wipeTable`));
    if (o.partitions !== undefined && !Array.isArray(o.partitions)) this.fail(`${field}.partitions`, `expected a list, got ${C.show(o.partitions)}`, "pass an array of partitions");
    const partitions = (o.partitions ?? []).map((p, i) => this.partition(p, `${field}.partitions[${i}]`));
    this.checkPartitionSet(partitions, field);
    const spec: DiskSpec = prune({ device, wipeTable: o.wipeTable, partitions: partitions.length ? partitions : undefined });
    this.store.putKeyed(this.store.r.disks, device, { spec, origin: this.name }, field, "disk", false);
    return this;
  }

  /** Adds a software RAID array, created as /dev/md/<name>. */
  public addRaid(name: string, options: RaidOptions): this {
    const field = `storage.raid[${k(name)}]`;
    this.check(C.checkNonEmptyString(name, `${field}.name`));
    if (name.includes("/")) this.fail(`${field}.name`, `the array name ${C.show(name)} holds a /`, "give a plain name; the array appears as /dev/md/<name>");
    const o = (options ?? {}) as RaidOptions;
    if (!(C.RAID_LEVELS as readonly unknown[]).includes(o.level)) {
      this.fail(`${field}.level`, `${C.show(o.level)} is not a RAID level Ignition creates`, `use RaidLevel.${Object.keys(RaidLevel).join(", RaidLevel.")}`);
    }
    this.check(C.checkStringList(o.devices, `${field}.devices`));
    if (!o.devices || o.devices.length === 0) this.fail(`${field}.devices`, "the array has no member devices", "list at least one device, for example /dev/disk/by-id/...");
    o.devices.forEach((d, i) => this.check(C.checkNodePath(d, `${field}.devices[${i}]`)));
    this.check(C.checkNoDuplicates(o.devices, `${field}.devices`));
    this.check(C.checkInteger(o.spares, `${field}.spares`, 0, C.GO_INT32_MAX));
    if (o.spares && C.RAID_LEVELS_WITHOUT_SPARES.includes(o.level)) {
      this.fail(`${field}.spares`, `level ${o.level} cannot have spares`, "drop spares, or choose a mirrored or parity level");
    }
    this.check(C.checkStringList(o.options, `${field}.options`));
    const spec: RaidSpec = prune({ name, level: o.level, devices: [...o.devices], spares: o.spares, options: o.options ? [...o.options] : undefined });
    this.store.putKeyed(this.store.r.raid, name, { spec, origin: this.name }, field, "RAID array", false);
    return this;
  }

  /** Creates (or declares) a filesystem on a device. */
  public addFilesystem(device: string, options: FilesystemOptions): this {
    const field = `storage.filesystems[${k(device)}]`;
    this.check(C.checkNodePath(device, `${field}.device`));
    const o = (options ?? {}) as FilesystemOptions;
    if (!(C.FILESYSTEM_FORMATS as readonly unknown[]).includes(o.format)) {
      this.fail(`${field}.format`, `${C.show(o.format)} is not a filesystem format Ignition creates`, `use FilesystemFormat.${Object.keys(FilesystemFormat).join(", FilesystemFormat.")}`);
    }
    if (o.path !== undefined) this.check(C.checkAbsolutePath(o.path, `${field}.path`));
    this.check(C.checkFilesystemLabel(o.format, o.label, `${field}.label`));
    if (o.uuid !== undefined) this.check(C.checkNonEmptyString(o.uuid, `${field}.uuid`));
    this.check(C.checkBoolean(o.wipeFilesystem, `${field}.wipeFilesystem`));
    this.check(C.checkStringList(o.options, `${field}.options`));
    this.check(C.checkStringList(o.mountOptions, `${field}.mountOptions`));
    const spec: FilesystemSpec = prune({
      device,
      format: o.format,
      path: o.path,
      label: o.label,
      uuid: o.uuid,
      wipeFilesystem: o.wipeFilesystem,
      options: o.options ? [...o.options] : undefined,
      mountOptions: o.mountOptions ? [...o.mountOptions] : undefined,
    });
    this.store.putKeyed(this.store.r.filesystems, device, { spec, origin: this.name }, field, "filesystem", false);
    return this;
  }

  /** Adds a LUKS volume, opened as /dev/mapper/<name>. Clevis is refused where the OS lacks it (Flatcar). */
  public addLuks(name: string, options: LuksOptions): this {
    const field = `storage.luks[${k(name)}]`;
    this.check(C.checkLuksName(name, `${field}.name`));
    const o = (options ?? {}) as LuksOptions;
    this.check(C.checkNodePath(o.device, `${field}.device`));
    const clevis = o.clevis === undefined ? undefined : this.clevis(o.clevis, `${field}.clevis`);
    this.check(C.checkBoolean(o.cex, `${field}.cex`));
    // config/v3_5/types/luks.go: ErrCexWithClevis, ErrCexWithKeyFile.
    if (o.cex === true && clevis) this.fail(`${field}.cex`, "a volume cannot use both cex and clevis", "choose one way to unlock it");
    if (o.cex === true && o.keyFile !== undefined) this.fail(`${field}.cex`, "a cex volume takes no keyFile (the card holds the key)", "drop keyFile");
    const keyFile = o.keyFile === undefined ? undefined : this.content(o.keyFile, `${field}.keyFile`);
    if (o.label !== undefined) {
      this.check(C.checkString(o.label, `${field}.label`));
      // config/v3_3/types/luks.go: LUKS2 labels hold 47 characters.
      if (o.label.length > 47) this.fail(`${field}.label`, `the LUKS label is ${o.label.length} characters; LUKS2 allows 47`, "shorten it");
    }
    if (o.uuid !== undefined) this.check(C.checkNonEmptyString(o.uuid, `${field}.uuid`));
    this.check(C.checkStringList(o.options, `${field}.options`));
    this.check(C.checkBoolean(o.wipeVolume, `${field}.wipeVolume`));
    this.check(C.checkBoolean(o.discard, `${field}.discard`));
    this.check(C.checkStringList(o.openOptions, `${field}.openOptions`));
    const spec = prune({
      name,
      device: o.device,
      label: o.label,
      uuid: o.uuid,
      options: o.options ? [...o.options] : undefined,
      wipeVolume: o.wipeVolume,
      discard: o.discard,
      openOptions: o.openOptions ? [...o.openOptions] : undefined,
      clevis,
      cex: o.cex === undefined ? undefined : { enabled: o.cex },
    });
    this.store.putLuks(name, { spec, keyFile, origin: this.name }, false);
    return this;
  }

  /**
   * Adds kernel arguments that must be on the command line (Ignition rewrites the boot config and
   * reboots once). Flatcar applies them from release 3185 (flatcar/mantle kola test
   * cl.ignition.kargs, MinVersion 3185).
   */
  public addKernelArguments(...args: string[]): this {
    return this.kernelArguments(args, true);
  }

  /** Adds kernel arguments that must not be on the command line. */
  public removeKernelArguments(...args: string[]): this {
    return this.kernelArguments(args, false);
  }

  // -------------------------------------------------------------------------------------------
  // ignition: config, timeouts, security, proxy

  /** Merges a config Ignition fetches (or takes inline) into this one at boot. */
  public mergeConfig(config: ResourceInput): this {
    const field = "ignition.config.merge";
    const content = this.content(config, field);
    this.store.putResource(this.store.r.mergeConfigs, { key: contentKey(content), content, origin: this.name }, field, "merged config", false);
    return this;
  }

  /**
   * Replaces this config at boot with the one fetched from `config`: everything else in this
   * config is then ignored (the pattern for a small stub pointing at a large config in S3).
   */
  public replaceConfig(config: ResourceInput): this {
    const field = "ignition.config.replace";
    const content = this.content(config, field);
    this.store.putReplace({ key: contentKey(content), content, origin: this.name }, false);
    return this;
  }

  /** Sets Ignition's HTTP timeouts, in seconds. */
  public setTimeouts(timeouts: TimeoutOptions): this {
    const o = (timeouts ?? {}) as TimeoutOptions;
    for (const k of ["httpResponseHeaders", "httpTotal"] as const) this.check(C.checkInteger(o[k], `ignition.timeouts.${k}`, 0, C.GO_INT32_MAX, " seconds"));
    for (const k of ["httpResponseHeaders", "httpTotal"] as const) if (o[k] !== undefined) this.store.putSetting(this.store.r.timeouts, k, o[k]!, `ignition.timeouts.${k}`, this.name, false);
    return this;
  }

  /** Adds a certificate authority Ignition trusts for https fetches: inline PEM text or a remote resource. */
  public addCertificateAuthority(ca: ResourceInput): this {
    const field = "ignition.security.tls.certificateAuthorities";
    const content = this.content(ca, field);
    if (content.kind === "text" && !content.text.includes("-----BEGIN CERTIFICATE-----")) {
      this.fail(field, "the text is not a PEM certificate (no -----BEGIN CERTIFICATE----- line)", "pass the CA certificate in PEM form");
    }
    this.store.putResource(this.store.r.certificateAuthorities, { key: contentKey(content), content, origin: this.name }, field, "certificate authority", false);
    return this;
  }

  /** Sets the proxy Ignition uses for its own fetches. */
  public setProxy(proxy: ProxyOptions): this {
    const o = (proxy ?? {}) as ProxyOptions;
    this.check(C.checkProxyUrl(o.httpProxy, "ignition.proxy.httpProxy"));
    this.check(C.checkProxyUrl(o.httpsProxy, "ignition.proxy.httpsProxy"));
    this.check(C.checkStringList(o.noProxy, "ignition.proxy.noProxy"));
    (o.noProxy ?? []).forEach((h, i) => this.check(C.checkNonEmptyString(h, `ignition.proxy.noProxy[${i}]`)));
    for (const k of ["httpProxy", "httpsProxy"] as const) {
      if (o[k] !== undefined && this.store.r.proxy.get(k) && this.store.r.proxy.get(k)!.value !== o[k]) {
        this.fail(`ignition.proxy.${k}`, `already set to ${C.show(this.store.r.proxy.get(k)!.value)}`, "set the proxy once");
      }
    }
    for (const k of ["httpProxy", "httpsProxy"] as const) if (o[k] !== undefined) this.store.r.proxy.set(k, { value: o[k]!, origin: this.name });
    for (const h of o.noProxy ?? []) if (!this.store.r.noProxy.has(h)) this.store.r.noProxy.set(h, this.name);
    return this;
  }

  // -------------------------------------------------------------------------------------------
  // merge

  /**
   * Adds a Butane config (YAML text; variants `flatcar` 1.0.0-1.1.0 and `fcos` 1.x): its files,
   * directories, links, units, dropins, users, groups and kernel arguments, through the typed calls
   * above, merged as {@link merge} does. What Butane reads from local files at transpile time, and
   * parts without a typed call here, are refused naming the Butane field (lib/ignition/butane).
   * The config is left as it was when the call is refused.
   */
  public addButane(yamlText: string): this {
    const part = new IgnitionConfig({ version: this.version, name: this.name, variant: this.variant });
    applyButane(part, yamlText, this.name);
    return this.merge(part);
  }

  /**
   * Adds everything `other` holds to this config. Paths, units, users, groups, devices and
   * settings both define are refused with a message naming both configs; dropins of one unit,
   * ssh keys of one user and kernel arguments combine. `other` is not changed, and neither is
   * this config when the merge is refused.
   */
  public merge(other: IgnitionConfig): this {
    return this.mergeRecords(other);
  }

  /**
   * Adds a part that a config holds once however often it is asked for (a unit several helpers
   * need): `build` runs on an empty config the first time `key` is seen, and its content is added
   * here. A later call with the same key does nothing, and so does a merge of another config that
   * holds the same part under the same key, so two escape hatches that each use one helper merge.
   */
  public addShared(key: string, build: (part: IgnitionConfig) => void): this {
    if (this.store.r.shared.has(key)) return this;
    const part = new IgnitionConfig({ version: this.version, name: this.name, variant: this.variant });
    build(part);
    const scratch = new RecordStore(this.name, this.version, this.variant);
    scratch.absorb(this.store.r, false);
    scratch.absorb(part.store.r, false);
    scratch.r.shared.set(key, part.store.r);
    this.store = scratch;
    return this;
  }

  private mergeRecords(other: IgnitionConfig): this {
    if (!(other instanceof IgnitionConfig)) {
      this.fail("merge", `expected an IgnitionConfig, got ${C.show(other)}`, "pass another IgnitionConfig");
    }
    if (other === this) this.fail("merge", "a config cannot be merged into itself", "merge a different config");
    const scratch = new RecordStore(this.name, this.version, this.variant);
    scratch.absorb(this.store.r, false);
    scratch.absorb(other.store.r, true);
    this.store = scratch;
    return this;
  }

  // -------------------------------------------------------------------------------------------
  // render

  /** The rendered config as an object (contents encoded). */
  public toSpec(options: RenderOptions = {}): IgnitionSpec {
    const encoder = options?.encoder ?? localEncoder;
        if (encoder === localEncoder) this.refuseDeferred();
    return renderRecords(this.store.r, this.version, encoder);
  }

  /** The config as JSON text, deterministic for the same calls. */
  public render(options: RenderOptions = {}): string {
    return JSON.stringify(this.toSpec(options), undefined, options?.pretty ? 2 : undefined);
  }

  /** Size in bytes of the rendered JSON (apply-time values counted as their placeholders). */
  public renderedSize(options: RenderOptions = {}): number {
    return Buffer.byteLength(this.render(options), "utf8");
  }

  // -------------------------------------------------------------------------------------------
  // internals

  /** Text holding apply-time values cannot be encoded locally: say which field holds it. */
  private refuseDeferred(): void {
    const contents: [Content | undefined, string][] = [];
    for (const n of this.store.r.nodes.values()) {
      if (n.kind !== "file") continue;
      contents.push([n.content, `storage.files[${n.path}].contents`]);
      for (const a of n.append ?? []) contents.push([a, `storage.files[${n.path}].append`]);
    }
    for (const c of this.store.r.mergeConfigs.values()) contents.push([c.content, "ignition.config.merge"]);
    contents.push([this.store.r.replaceConfig?.content, "ignition.config.replace"]);
    for (const c of this.store.r.certificateAuthorities.values()) contents.push([c.content, "ignition.security.tls.certificateAuthorities"]);
    for (const [name, l] of this.store.r.luks) contents.push([l.keyFile, `storage.luks[${name}].keyFile`]);
    for (const [c, field] of contents) {
      if (c?.kind === "text" && isDeferred(c.text)) {
        this.fail(
          field,
          "the text holds a value known only at apply time (a cdktf token), which rendering without an encoder cannot encode",
          "render through the platform, which passes a Terraform encoder (render({ encoder })); in tests, render with a stand-in encoder and pass the result through substituteDeferred()",
        );
      }
    }
  }

  private fail(field: string, problem: string, fix: string): never {
    throw new MicroOsError(this.name, field, problem, fix);
  }

  private check(p: C.Problem | undefined): void {
    if (p) this.fail(p.field, p.problem, p.fix);
  }

  private nodeOptions(path: string, list: "files" | "directories" | "links", options: FileOptions, defaultMode: number | undefined) {
    const field = `storage.${list}[${k(path)}]`;
    this.check(C.checkNodePath(path, `${field}.path`));
    const o = (options ?? {}) as FileOptions;
    if (typeof o !== "object") this.fail(field, `expected options as an object, got ${C.show(o)}`, "pass { mode, overwrite, user, group }");
    this.check(C.checkMode(o.mode, `${field}.mode`));
    if (list !== "links") this.store.checkModeFeatures(o.mode, `${field}.mode`);
    this.check(C.checkBoolean(o.overwrite, `${field}.overwrite`));
    this.check(C.checkOwner(o.user, `${field}.user`, "user"));
    this.check(C.checkOwner(o.group, `${field}.group`, "group"));
    return {
      mode: list === "links" ? undefined : (o.mode ?? defaultMode),
      overwrite: o.overwrite,
      user: o.user ? prune({ id: o.user.id, name: o.user.name }) : undefined,
      group: o.group ? prune({ id: o.group.id, name: o.group.name }) : undefined,
    };
  }

  private remoteResource(o: RemoteResource, field: string): RemoteResource {
    if (typeof o !== "object" || o === null) this.fail(field, `expected { source, hash }, got ${C.show(o)}`, "pass { source, hash: { algorithm, hex } }");
    this.check(C.checkBoolean(o.gzip, `${field}.compression`));
    if (o.hash !== undefined) {
      if (typeof o.hash !== "object" || o.hash === null) this.fail(`${field}.verification.hash`, `expected { algorithm, hex }, got ${C.show(o.hash)}`, "pass hash: { algorithm: \"sha512\", hex }");
      this.check(C.checkHashParts(o.hash.algorithm, o.hash.hex, `${field}.verification.hash`));
    }
    let headers: HttpHeader[] | undefined;
    if (o.httpHeaders !== undefined) {
      if (!Array.isArray(o.httpHeaders)) this.fail(`${field}.httpHeaders`, `expected a list of { name, value }, got ${C.show(o.httpHeaders)}`, "pass [{ name, value }]");
      headers = o.httpHeaders.map((h, i) => {
        this.check(C.checkNonEmptyString(h?.name, `${field}.httpHeaders[${i}].name`));
        this.check(C.checkString(h.value, `${field}.httpHeaders[${i}].value`));
        return { name: h.name, value: h.value };
      });
      this.check(C.checkNoDuplicates(headers.map((h) => h.name), `${field}.httpHeaders`));
    }
    this.check(
      C.checkSource(o.source, `${field}.source`, {
        version: this.version,
        hasHash: o.hash !== undefined,
        compression: o.gzip ? "gzip" : undefined,
        hasHeaders: headers !== undefined && headers.length > 0,
        variant: this.variant,
      }),
    );
    return { source: o.source, hash: o.hash ? { algorithm: o.hash.algorithm, hex: o.hash.hex } : undefined, gzip: o.gzip, httpHeaders: headers };
  }

  private content(input: ResourceInput, field: string): Content {
    if (typeof input !== "object" || input === null) {
      this.fail(field, `expected { text }, { bytes } or { source, hash }, got ${C.show(input)}`, "pass inline text, bytes, or a remote source with its hash");
    }
    if ("source" in input) return { kind: "remote", resource: this.remoteResource(input, field) };
    if ("text" in input) {
      this.check(C.checkString(input.text, `${field}.text`));
      return { kind: "text", text: input.text };
    }
    if ("bytes" in input && input.bytes instanceof Uint8Array) return { kind: "bytes", bytes: Uint8Array.from(input.bytes) };
    return this.fail(field, `expected { text }, { bytes } or { source, hash }, got ${C.show(input)}`, "pass inline text, bytes, or a remote source with its hash");
  }

  private partition(p: PartitionOptions, field: string): PartitionSpec {
    if (typeof p !== "object" || p === null) this.fail(field, `expected a partition, got ${C.show(p)}`, "pass { number, label, sizeMiB, ... }");
    this.check(C.checkInteger(p.number, `${field}.number`, 0, C.GPT_MAX_PARTITIONS));
    this.check(C.checkPartitionLabel(p.label, `${field}.label`));
    if (!p.number && p.label === undefined) this.fail(field, "the partition has neither a number nor a label", "give it a number (1, 2, ...) or a label");
    this.check(C.checkInteger(p.sizeMiB, `${field}.sizeMiB`, 0, Number.MAX_SAFE_INTEGER));
    this.check(C.checkInteger(p.startMiB, `${field}.startMiB`, 0, Number.MAX_SAFE_INTEGER));
    this.check(C.checkGuid(p.typeGuid, `${field}.typeGuid`));
    this.check(C.checkGuid(p.guid, `${field}.guid`));
    for (const b of ["wipePartitionEntry", "shouldExist", "resize"] as const) this.check(C.checkBoolean(p[b], `${field}.${b}`));
    // config/v3_3/types/partition.go: ErrShouldNotExistWithOthers.
    if (p.shouldExist === false && (p.label !== undefined || p.typeGuid !== undefined || p.guid !== undefined || p.startMiB !== undefined || p.sizeMiB !== undefined)) {
      this.fail(field, "the partition is to be deleted (shouldExist: false) yet has a label, GUID, start or size", "give only its number with shouldExist: false");
    }
    return prune({
      number: p.number,
      label: p.label,
      sizeMiB: p.sizeMiB,
      startMiB: p.startMiB,
      typeGuid: p.typeGuid,
      guid: p.guid,
      wipePartitionEntry: p.wipePartitionEntry,
      shouldExist: p.shouldExist,
      resize: p.resize,
    });
  }

  /** The checks of config/v3_3/types/disk.go across a disk's partitions. */
  private checkPartitionSet(parts: readonly PartitionSpec[], field: string): void {
    const numbers = parts.filter((p) => p.number).map((p) => String(p.number));
    this.check(C.checkNoDuplicates(numbers, `${field}.partitions[].number`));
    const labels = parts.filter((p) => p.label !== undefined).map((p) => p.label!);
    this.check(C.checkNoDuplicates(labels, `${field}.partitions[].label`));
    if (parts.some((p) => !p.number) && parts.some((p) => p.shouldExist === false)) {
      this.fail(`${field}.partitions`, "partitions without a number are mixed with partitions to delete", "give every partition a number when one of them has shouldExist: false");
    }
    const placed = parts.filter((p) => p.startMiB && p.sizeMiB !== undefined);
    for (const a of placed) {
      for (const b of placed) {
        if (a === b) continue;
        const aEnd = a.sizeMiB ? a.startMiB! + a.sizeMiB - 1 : a.startMiB!;
        const bEnd = b.sizeMiB ? b.startMiB! + b.sizeMiB - 1 : b.startMiB!;
        if (a.startMiB! <= bEnd && b.startMiB! <= aEnd) {
          this.fail(`${field}.partitions`, `partitions ${a.label ?? a.number} and ${b.label ?? b.number} overlap`, "move startMiB or shrink sizeMiB so they do not overlap");
        }
      }
    }
  }

  private kernelArguments(args: readonly string[], exists: boolean): this {
    const list = exists ? "shouldExist" : "shouldNotExist";
    args.forEach((a, i) => this.check(C.checkKernelArgument(a, `kernelArguments.${list}[${i}]`)));
    for (const a of args) this.store.putKernelArgument(a, exists, this.name, false);
    return this;
  }

  private clevis(c: ClevisOptions, field: string): NonNullable<LuksSpec["clevis"]> {
    if (typeof c !== "object" || c === null) this.fail(field, `expected { tpm2, tang, threshold, custom }, got ${C.show(c)}`, "pass clevis: { tpm2: true } or { tang: [{ url, thumbprint }] }");
    checkProps(this.name, field, c, object({ tpm2: () => undefined, tang: () => undefined, threshold: () => undefined, custom: () => undefined }));
    this.check(C.checkBoolean(c.tpm2, `${field}.tpm2`));
    this.check(C.checkInteger(c.threshold, `${field}.threshold`, 1, C.GO_INT32_MAX));
    if (c.tang !== undefined && !Array.isArray(c.tang)) this.fail(`${field}.tang`, `expected a list of { url, thumbprint }, got ${C.show(c.tang)}`, "pass tang: [{ url, thumbprint }]");
    const tang = (c.tang ?? []).map((t, i) => {
      const tf = `${field}.tang[${i}]`;
      if (typeof t !== "object" || t === null) this.fail(tf, `expected { url, thumbprint }, got ${C.show(t)}`, "pass { url, thumbprint }");
      // config/v3_6/types/tang.go: an http or https URL, a thumbprint, an advertisement that is JSON.
      this.check(C.checkNonEmptyString(t.url, `${tf}.url`));
      if (!/^https?:\/\/./i.test(t.url)) this.fail(`${tf}.url`, `the Tang URL ${C.show(t.url)} is not http or https`, "give http://host or https://host");
      this.check(C.checkNonEmptyString(t.thumbprint, `${tf}.thumbprint`));
      if (t.advertisement !== undefined) {
        this.check(C.checkNonEmptyString(t.advertisement, `${tf}.advertisement`));
        try {
          JSON.parse(t.advertisement);
        } catch {
          this.fail(`${tf}.advertisement`, "the advertisement is not JSON", "paste the output of `curl <tang url>/adv`");
        }
      }
      return prune({ url: t.url, thumbprint: t.thumbprint, advertisement: t.advertisement });
    });
    this.check(C.checkNoDuplicates(tang.map((t) => t.url), `${field}.tang`));
    let custom: { pin: string; config: string; needsNetwork?: boolean } | undefined;
    if (c.custom !== undefined) {
      const u = c.custom;
      if (typeof u !== "object" || u === null) this.fail(`${field}.custom`, `expected { pin, config }, got ${C.show(u)}`, "pass custom: { pin, config }");
      // config/v3_6/types/clevis.go: a custom binding needs both pin and config.
      this.check(C.checkNonEmptyString(u.pin, `${field}.custom.pin`));
      this.check(C.checkNonEmptyString(u.config, `${field}.custom.config`));
      this.check(C.checkBoolean(u.needsNetwork, `${field}.custom.needsNetwork`));
      // config/v3_6/types/luks.go: ErrClevisCustomWithOthers.
      if (c.tpm2 === true || tang.length > 0 || (c.threshold ?? 0) !== 0) this.fail(field, "a custom pin cannot be combined with tpm2, tang or threshold", "use either the custom pin or tpm2/tang");
      custom = prune({ pin: u.pin, config: u.config, needsNetwork: u.needsNetwork });
    }
    if (c.tpm2 !== true && tang.length === 0 && !custom) this.fail(field, "the clevis binding names no TPM2, Tang server or custom pin", "give tpm2: true, tang: [...] or custom: { pin, config }");
    return prune({ custom, tang: tang.length ? tang : undefined, threshold: c.threshold, tpm2: c.tpm2 });
  }

}
