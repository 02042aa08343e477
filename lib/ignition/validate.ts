import * as C from "./checks";
import { IgnitionFeature, type IgnitionVariant, IgnitionVersion, IGNITION_VERSIONS } from "./version";

/**
 * Semantic checks for an Ignition config this library did not build (parsed user data, a
 * hand-written file): the builder's rules applied to a rendered object. The JSON schema checks
 * types; this checks meaning: paths, modes, unit and dropin names, accounts, keys, hashes,
 * sources, devices, duplicates, features the config's spec lacks, and (given the OS's variant)
 * features the OS does not support. The rules are coreos/ignition's own (config/v3_x/types/*.go
 * Validate functions, cited where each is checked) with the library's policy on top (hashes on
 * network sources, ssh key forms).
 *
 * Returns one line per problem, `field: problem. Fix: fix`; an empty list when the config is fine.
 */
export function validateIgnitionSpec(spec: unknown, options: { readonly variant?: IgnitionVariant } = {}): string[] {
  const v = new SpecValidator(options.variant);
  v.run(spec);
  return v.problems.map((p) => `${p.field}: ${p.problem}. Fix: ${p.fix}`);
}

type Obj = Record<string, unknown>;

const isObj = (x: unknown): x is Obj => typeof x === "object" && x !== null && !Array.isArray(x);
/** Ignition treats JSON null like an absent field. */
const given = (x: unknown): boolean => x !== undefined && x !== null;

class SpecValidator {
  public readonly problems: C.Problem[] = [];
  private version = IgnitionVersion.V3_3_0;

  public constructor(private readonly variant?: IgnitionVariant) {}

  private feature(field: string, feature: IgnitionFeature): void {
    this.add(C.checkFeature(field, feature, this.version, this.variant));
  }

  public run(spec: unknown): void {
    if (!isObj(spec)) return this.add({ field: "(config)", problem: `expected a JSON object, got ${C.show(spec)}`, fix: "give an Ignition config object" });
    const ign = spec.ignition;
    if (!isObj(ign)) return this.add({ field: "ignition", problem: "the ignition section is missing", fix: "add \"ignition\": { \"version\": \"3.3.0\" }" });
    // Debian's ignition-validate 2.14 names 3.4.0 "3.4.0-experimental"; both mean the same schema.
    if ((IGNITION_VERSIONS as readonly unknown[]).includes(ign.version)) this.version = ign.version as IgnitionVersion;
    else if (ign.version === "3.4.0-experimental") this.version = IgnitionVersion.V3_4_0;
    else this.add({ field: "ignition.version", problem: `${C.show(ign.version)} is not a spec version this library checks`, fix: `use one of ${IGNITION_VERSIONS.map((v) => `"${v}"`).join(", ")}` });
    this.ignition(ign);
    if (given(spec.storage)) this.storage(this.obj(spec.storage, "storage"));
    if (given(spec.systemd)) this.systemd(this.obj(spec.systemd, "systemd"));
    if (given(spec.passwd)) this.passwd(this.obj(spec.passwd, "passwd"));
    if (given(spec.kernelArguments)) this.kernelArguments(this.obj(spec.kernelArguments, "kernelArguments"));
  }

  private add(p: C.Problem | undefined): void {
    if (p) this.problems.push(p);
  }

  private obj(x: unknown, field: string): Obj {
    if (isObj(x)) return x;
    this.add({ field, problem: `expected an object, got ${C.show(x)}`, fix: "see the Ignition spec for its shape" });
    return {};
  }

  private list(x: unknown, field: string): unknown[] {
    if (!given(x)) return [];
    if (Array.isArray(x)) return x;
    this.add({ field, problem: `expected a list, got ${C.show(x)}`, fix: "use a JSON array" });
    return [];
  }

  private strings(x: unknown, field: string): string[] {
    const l = this.list(x, field);
    const out: string[] = [];
    l.forEach((s, i) => {
      const p = C.checkString(s, `${field}[${i}]`);
      if (p) this.add(p);
      else out.push(s as string);
    });
    this.add(C.checkNoDuplicates(out, field));
    return out;
  }

  private bool(x: unknown, field: string): void {
    if (given(x)) this.add(C.checkBoolean(x, field));
  }

  private str(x: unknown, field: string): string | undefined {
    if (!given(x)) return undefined;
    const p = C.checkString(x, field);
    this.add(p);
    return p ? undefined : (x as string);
  }

  /** Keys of a list, each refused once when it repeats. */
  private dupes(keys: [string, string][], what: string): void {
    const seen = new Set<string>();
    for (const [key, field] of keys) {
      if (seen.has(key)) this.add({ field, problem: `the ${what} ${C.show(key)} is defined twice; Ignition refuses duplicate entries`, fix: `define each ${what} once` });
      seen.add(key);
    }
  }

  private resource(x: unknown, field: string, sourceRequired: boolean): void {
    if (!given(x)) {
      if (sourceRequired) this.add({ field: `${field}.source`, problem: "the source is missing", fix: "give the URL of the resource" });
      return;
    }
    const r = this.obj(x, field);
    const compression = given(r.compression) ? r.compression : undefined;
    if (compression !== undefined && compression !== "" && compression !== "gzip") {
      this.add({ field: `${field}.compression`, problem: `${C.show(compression)} is not a compression Ignition knows`, fix: "use \"gzip\" or leave it out" });
    }
    const verification = given(r.verification) ? this.obj(r.verification, `${field}.verification`) : {};
    const hasHash = given(verification.hash);
    if (hasHash) this.add(C.checkHashString(verification.hash, `${field}.verification.hash`));
    const headers = this.list(r.httpHeaders, `${field}.httpHeaders`);
    const names: [string, string][] = [];
    headers.forEach((h, i) => {
      const o = this.obj(h, `${field}.httpHeaders[${i}]`);
      const p = C.checkNonEmptyString(o.name, `${field}.httpHeaders[${i}].name`);
      this.add(p);
      if (!p) names.push([o.name as string, `${field}.httpHeaders[${i}].name`]);
      this.str(o.value, `${field}.httpHeaders[${i}].value`);
    });
    this.dupes(names, "header");
    if (!given(r.source) || r.source === "") {
      if (sourceRequired) this.add({ field: `${field}.source`, problem: "the source is missing", fix: "give the URL of the resource" });
      else if (hasHash) this.add({ field: `${field}.verification.hash`, problem: "a hash without a source", fix: "give the source or drop the hash" });
      return;
    }
    this.add(
      C.checkSource(r.source, `${field}.source`, {
        version: this.version,
        variant: this.variant,
        hasHash,
        compression: typeof compression === "string" && compression !== "" ? compression : undefined,
        hasHeaders: headers.length > 0,
      }),
    );
  }

  private ignition(ign: Obj): void {
    if (given(ign.config)) {
      const cfg = this.obj(ign.config, "ignition.config");
      this.list(cfg.merge, "ignition.config.merge").forEach((m, i) => this.resource(m, `ignition.config.merge[${i}]`, true));
      this.dupes(this.sources(cfg.merge, "ignition.config.merge"), "merged config");
      if (given(cfg.replace) && given(this.obj(cfg.replace, "ignition.config.replace").source)) this.resource(cfg.replace, "ignition.config.replace", true);
    }
    if (given(ign.timeouts)) {
      const t = this.obj(ign.timeouts, "ignition.timeouts");
      for (const k of ["httpResponseHeaders", "httpTotal"]) if (given(t[k])) this.add(C.checkInteger(t[k], `ignition.timeouts.${k}`, 0, C.GO_INT32_MAX, " seconds"));
    }
    if (given(ign.security)) {
      const tls = this.obj(this.obj(ign.security, "ignition.security").tls ?? {}, "ignition.security.tls");
      const field = "ignition.security.tls.certificateAuthorities";
      this.list(tls.certificateAuthorities, field).forEach((ca, i) => this.resource(ca, `${field}[${i}]`, true));
      this.dupes(this.sources(tls.certificateAuthorities, field), "certificate authority");
    }
    if (given(ign.proxy)) {
      const p = this.obj(ign.proxy, "ignition.proxy");
      if (given(p.httpProxy)) this.add(C.checkProxyUrl(p.httpProxy, "ignition.proxy.httpProxy"));
      if (given(p.httpsProxy)) this.add(C.checkProxyUrl(p.httpsProxy, "ignition.proxy.httpsProxy"));
      this.strings(p.noProxy, "ignition.proxy.noProxy");
    }
  }

  private sources(list: unknown, field: string): [string, string][] {
    return (Array.isArray(list) ? list : [])
      .map((r, i): [string, string] => [isObj(r) && typeof r.source === "string" ? r.source : "", `${field}[${i}]`])
      .filter(([s]) => s !== "");
  }

  private storage(s: Obj): void {
    const kinds = new Map<string, { kind: "file" | "directory" | "link"; field: string; target?: string; hard?: boolean }>();
    const node = (x: Obj, list: string, i: number, kind: "file" | "directory" | "link"): string | undefined => {
      const field = `storage.${list}[${i}]`;
      const p = C.checkNodePath(x.path, `${field}.path`);
      this.add(p);
      this.bool(x.overwrite, `${field}.overwrite`);
      for (const who of ["user", "group"] as const) {
        if (!given(x[who])) continue;
        const o = this.obj(x[who], `${field}.${who}`);
        const clean = Object.fromEntries(Object.entries(o).filter(([, v]) => given(v)));
        this.add(C.checkOwner(clean, `${field}.${who}`, who));
      }
      if (kind !== "link") {
        this.add(C.checkMode(given(x.mode) ? x.mode : undefined, `${field}.mode`));
        // config/v3_5/types/mode.go validateModeSpecialBits: specs before 3.6.0 ignore these bits.
        if (typeof x.mode === "number" && (x.mode & 0o7000) !== 0) this.feature(`${field}.mode`, IgnitionFeature.MODE_SPECIAL_BITS);
      }
      if (p) return undefined;
      const path = x.path as string;
      const prev = kinds.get(path);
      if (prev) {
        const both = prev.kind === kind ? "" : `; a path cannot be both a ${prev.kind} and a ${kind}`;
        this.add({ field: `${field}.path`, problem: `${path} is also defined at ${prev.field}${both}`, fix: "use each path once" });
        return undefined;
      }
      kinds.set(path, { kind, field, target: typeof x.target === "string" ? x.target : undefined, hard: x.hard === true });
      return path;
    };
    this.list(s.files, "storage.files").forEach((f, i) => {
      const x = this.obj(f, `storage.files[${i}]`);
      node(x, "files", i, "file");
      this.resource(x.contents, `storage.files[${i}].contents`, false);
      this.list(x.append, `storage.files[${i}].append`).forEach((a, j) => this.resource(a, `storage.files[${i}].append[${j}]`, true));
      // config/v3_3/types/file.go: ErrOverwriteAndNilSource.
      if (x.overwrite === true && !(isObj(x.contents) && given(x.contents.source))) {
        this.add({ field: `storage.files[${i}].overwrite`, problem: "overwrite is set but the file has no contents source", fix: "give contents or drop overwrite" });
      }
    });
    this.list(s.directories, "storage.directories").forEach((d, i) => node(this.obj(d, `storage.directories[${i}]`), "directories", i, "directory"));
    this.list(s.links, "storage.links").forEach((l, i) => {
      const x = this.obj(l, `storage.links[${i}]`);
      node(x, "links", i, "link");
      this.bool(x.hard, `storage.links[${i}].hard`);
      if (!given(x.target) || x.target === "") this.add({ field: `storage.links[${i}].target`, problem: "the link has no target", fix: "give the path it points to" });
      else this.add(C.checkString(x.target, `storage.links[${i}].target`));
    });
    // Paths below files and links (config/v3_3/types/storage.go ErrFileUsedSymlink and friends;
    // below a file nothing can be created at all), and hard links to directories.
    const dirs = new Set<string>();
    for (const p of kinds.keys()) for (const a of C.ancestors(p)) dirs.add(a);
    for (const [path, n] of kinds) {
      for (const a of C.ancestors(path)) {
        const up = kinds.get(a);
        if (up && up.kind !== "directory") {
          this.add({ field: `${n.field}.path`, problem: `${path} lies under ${a}, which is a ${up.kind} (${up.field})`, fix: up.kind === "link" ? "write it under the link's target" : `make ${a} a directory, or move ${path}` });
          break;
        }
      }
      if (n.kind === "link" && n.hard && n.target) {
        // internal/exec/util/file.go: Ignition joins a hard link's target to the root.
        const relative = C.checkAbsolutePath(n.target, `${n.field}.target`);
        if (relative) {
          this.add(relative);
          continue;
        }
        const target = C.cleanPath(n.target);
        if (kinds.get(target)?.kind === "directory" || dirs.has(target)) {
          this.add({ field: `${n.field}.target`, problem: `the hard link points at ${target}, a directory`, fix: "make it a symbolic link" });
        }
      }
    }

    const disks: [string, string][] = [];
    this.list(s.disks, "storage.disks").forEach((d, i) => {
      const field = `storage.disks[${i}]`;
      const x = this.obj(d, field);
      const p = C.checkNodePath(x.device, `${field}.device`);
      this.add(p);
      if (!p) disks.push([x.device as string, `${field}.device`]);
      this.bool(x.wipeTable, `${field}.wipeTable`);
      this.partitions(this.list(x.partitions, `${field}.partitions`), field);
    });
    this.dupes(disks, "disk");

    const raids: [string, string][] = [];
    this.list(s.raid, "storage.raid").forEach((r, i) => {
      const field = `storage.raid[${i}]`;
      const x = this.obj(r, field);
      const p = C.checkNonEmptyString(x.name, `${field}.name`);
      this.add(p);
      if (!p) raids.push([x.name as string, `${field}.name`]);
      if (!(C.RAID_LEVELS as readonly unknown[]).includes(x.level)) {
        this.add({ field: `${field}.level`, problem: given(x.level) ? `${C.show(x.level)} is not a RAID level Ignition creates` : "the RAID level is missing", fix: `use one of ${C.RAID_LEVELS.join(", ")}` });
      }
      const devices = this.strings(x.devices, `${field}.devices`);
      if (devices.length === 0) this.add({ field: `${field}.devices`, problem: "the array has no member devices", fix: "list at least one device" });
      devices.forEach((dev, j) => this.add(C.checkNodePath(dev, `${field}.devices[${j}]`)));
      if (given(x.spares)) this.add(C.checkInteger(x.spares, `${field}.spares`, 0, C.GO_INT32_MAX));
      if (typeof x.spares === "number" && x.spares > 0 && C.RAID_LEVELS_WITHOUT_SPARES.includes(x.level as string)) {
        this.add({ field: `${field}.spares`, problem: `level ${x.level} cannot have spares`, fix: "drop spares" });
      }
      this.strings(x.options, `${field}.options`);
    });
    this.dupes(raids, "RAID array");

    const fss: [string, string][] = [];
    this.list(s.filesystems, "storage.filesystems").forEach((f, i) => {
      const field = `storage.filesystems[${i}]`;
      const x = this.obj(f, field);
      const p = C.checkNodePath(x.device, `${field}.device`);
      this.add(p);
      if (!p) fss.push([x.device as string, `${field}.device`]);
      // coreos/ignition docs/configuration-v3_3.md: format is required.
      if (!(C.FILESYSTEM_FORMATS as readonly unknown[]).includes(x.format)) {
        this.add({ field: `${field}.format`, problem: given(x.format) ? `${C.show(x.format)} is not a filesystem format Ignition creates` : "the format is missing", fix: `use one of ${C.FILESYSTEM_FORMATS.join(", ")}` });
      } else {
        this.add(C.checkFilesystemLabel(x.format as string, given(x.label) ? x.label : undefined, `${field}.label`));
      }
      if (given(x.path)) this.add(C.checkAbsolutePath(x.path, `${field}.path`));
      this.bool(x.wipeFilesystem, `${field}.wipeFilesystem`);
      this.strings(x.options, `${field}.options`);
      this.strings(x.mountOptions, `${field}.mountOptions`);
    });
    this.dupes(fss, "filesystem");

    const luks: [string, string][] = [];
    this.list(s.luks, "storage.luks").forEach((l, i) => {
      const field = `storage.luks[${i}]`;
      const x = this.obj(l, field);
      const p = C.checkLuksName(x.name, `${field}.name`);
      this.add(p);
      if (!p) luks.push([x.name as string, `${field}.name`]);
      if (!given(x.device)) this.add({ field: `${field}.device`, problem: "the LUKS volume has no device", fix: "give the backing device's path" });
      else this.add(C.checkNodePath(x.device, `${field}.device`));
      const clevisPresent = given(x.clevis) && this.clevis(this.obj(x.clevis, `${field}.clevis`), `${field}.clevis`);
      const cex = given(x.cex) ? this.obj(x.cex, `${field}.cex`) : undefined;
      if (cex) {
        this.feature(`${field}.cex`, IgnitionFeature.LUKS_CEX);
        this.bool(cex.enabled, `${field}.cex.enabled`);
        // config/v3_5/types/luks.go: ErrCexWithClevis, ErrCexWithKeyFile.
        if (cex.enabled === true && clevisPresent) this.add({ field: `${field}.cex`, problem: "a volume cannot use both cex and clevis", fix: "choose one way to unlock it" });
        if (cex.enabled === true && isObj(x.keyFile) && given(x.keyFile.source) && x.keyFile.source !== "") this.add({ field: `${field}.cex`, problem: "a cex volume takes no keyFile", fix: "drop keyFile" });
      }
      const label = this.str(x.label, `${field}.label`);
      if (label !== undefined && label.length > 47) this.add({ field: `${field}.label`, problem: `the LUKS label is ${label.length} characters; LUKS2 allows 47`, fix: "shorten it" });
      this.resource(x.keyFile, `${field}.keyFile`, false);
      this.strings(x.options, `${field}.options`);
      this.bool(x.wipeVolume, `${field}.wipeVolume`);
      this.bool(x.discard, `${field}.discard`);
      this.strings(x.openOptions, `${field}.openOptions`);
      if (given(x.discard)) this.feature(`${field}.discard`, IgnitionFeature.LUKS_DISCARD);
      if (given(x.openOptions)) this.feature(`${field}.openOptions`, IgnitionFeature.LUKS_OPEN_OPTIONS);
    });
    this.dupes(luks, "LUKS volume");
  }

  /** A clevis section (config/v3_6/types/clevis.go, tang.go, luks.go); true when it binds anything. */
  private clevis(c: Obj, field: string): boolean {
    this.bool(c.tpm2, `${field}.tpm2`);
    if (given(c.threshold)) this.add(C.checkInteger(c.threshold, `${field}.threshold`, 0, C.GO_INT32_MAX));
    const urls: [string, string][] = [];
    const tang = this.list(c.tang, `${field}.tang`);
    tang.forEach((t, i) => {
      const tf = `${field}.tang[${i}]`;
      const x = this.obj(t, tf);
      if (typeof x.url !== "string" || !/^https?:/i.test(x.url)) this.add({ field: `${tf}.url`, problem: `${C.show(x.url)} is not an http or https URL`, fix: "give the Tang server's http(s) URL" });
      else urls.push([x.url, `${tf}.url`]);
      if (!given(x.thumbprint) || x.thumbprint === "") this.add({ field: `${tf}.thumbprint`, problem: "the Tang server has no thumbprint", fix: "give the thumbprint of a trusted signing key" });
      if (given(x.advertisement) && x.advertisement !== "") {
        this.feature(`${tf}.advertisement`, IgnitionFeature.TANG_ADVERTISEMENT);
        let json = typeof x.advertisement === "string";
        try {
          if (json) JSON.parse(x.advertisement as string);
        } catch {
          json = false;
        }
        if (!json) this.add({ field: `${tf}.advertisement`, problem: "the advertisement is not JSON", fix: "paste the output of `curl <tang url>/adv`" });
      }
    });
    this.dupes(urls, "Tang server");
    const custom = given(c.custom) ? this.obj(c.custom, `${field}.custom`) : {};
    const pin = given(custom.pin) && custom.pin !== "" ? custom.pin : undefined;
    const config = given(custom.config) && custom.config !== "" ? custom.config : undefined;
    if (pin !== undefined || config !== undefined || custom.needsNetwork === true) {
      if (pin === undefined) this.add({ field: `${field}.custom.pin`, problem: "the custom binding has no pin", fix: "name the clevis pin" });
      if (config === undefined) this.add({ field: `${field}.custom.config`, problem: "the custom binding has no config", fix: "give the pin's JSON config" });
    }
    if (pin !== undefined && !["tpm2", "tang", "sss"].includes(pin as string)) this.feature(`${field}.custom.pin`, IgnitionFeature.CLEVIS_ANY_CUSTOM_PIN);
    const threshold = typeof c.threshold === "number" ? c.threshold : 0;
    if (pin !== undefined && (tang.length > 0 || c.tpm2 === true || threshold !== 0)) {
      this.add({ field, problem: "a custom pin cannot be combined with tpm2, tang or threshold", fix: "use either the custom pin or tpm2/tang" });
    }
    const present = pin !== undefined || tang.length > 0 || c.tpm2 === true || threshold !== 0;
    if (present) this.feature(field, IgnitionFeature.LUKS_CLEVIS);
    return present;
  }

  private partitions(parts: unknown[], disk: string): void {
    const numbers: [string, string][] = [];
    const labels: [string, string][] = [];
    let unnumbered = false;
    let deleted = false;
    parts.forEach((q, j) => {
      const field = `${disk}.partitions[${j}]`;
      const p = this.obj(q, field);
      const number = given(p.number) ? p.number : 0;
      this.add(C.checkInteger(number, `${field}.number`, 0, C.GPT_MAX_PARTITIONS));
      const label = given(p.label) ? p.label : undefined;
      this.add(C.checkPartitionLabel(label, `${field}.label`));
      if (!number && label === undefined) this.add({ field, problem: "the partition has neither a number nor a label", fix: "give it a number or a label" });
      if (number) numbers.push([String(number), `${field}.number`]);
      if (typeof label === "string") labels.push([label, `${field}.label`]);
      for (const k of ["sizeMiB", "startMiB"]) if (given(p[k])) this.add(C.checkInteger(p[k], `${field}.${k}`, 0, Number.MAX_SAFE_INTEGER));
      for (const k of ["typeGuid", "guid"]) if (given(p[k]) && p[k] !== "") this.add(C.checkGuid(p[k], `${field}.${k}`));
      for (const k of ["wipePartitionEntry", "shouldExist", "resize"]) this.bool(p[k], `${field}.${k}`);
      if (p.shouldExist === false && (label !== undefined || given(p.typeGuid) || given(p.guid) || given(p.startMiB) || given(p.sizeMiB))) {
        this.add({ field, problem: "the partition is to be deleted (shouldExist: false) yet has a label, GUID, start or size", fix: "give only its number" });
      }
      unnumbered ||= !number;
      deleted ||= p.shouldExist === false;
    });
    this.dupes(numbers, "partition number");
    this.dupes(labels, "partition label");
    if (unnumbered && deleted) this.add({ field: `${disk}.partitions`, problem: "partitions without a number are mixed with partitions to delete", fix: "number every partition" });
  }

  private systemd(s: Obj): void {
    const names: [string, string][] = [];
    this.list(s.units, "systemd.units").forEach((u, i) => {
      const field = `systemd.units[${i}]`;
      const x = this.obj(u, field);
      const p = C.checkUnitName(x.name, `${field}.name`);
      this.add(p);
      if (!p) names.push([x.name as string, `${field}.name`]);
      this.bool(x.enabled, `${field}.enabled`);
      this.bool(x.mask, `${field}.mask`);
      if (given(x.contents)) this.add(C.checkUnitContents(x.contents, `${field}.contents`));
      const dropins: [string, string][] = [];
      this.list(x.dropins, `${field}.dropins`).forEach((d, j) => {
        const df = `${field}.dropins[${j}]`;
        const y = this.obj(d, df);
        const q = C.checkDropinName(y.name, `${df}.name`);
        this.add(q);
        if (!q) dropins.push([y.name as string, `${df}.name`]);
        if (given(y.contents)) this.add(C.checkUnitContents(y.contents, `${df}.contents`));
      });
      this.dupes(dropins, "dropin");
    });
    this.dupes(names, "unit");
  }

  private passwd(s: Obj): void {
    const users: [string, string][] = [];
    this.list(s.users, "passwd.users").forEach((u, i) => {
      const field = `passwd.users[${i}]`;
      const x = this.obj(u, field);
      const p = C.checkUserName(x.name, `${field}.name`);
      this.add(p);
      if (!p) users.push([x.name as string, `${field}.name`]);
      this.strings(x.sshAuthorizedKeys, `${field}.sshAuthorizedKeys`).forEach((k, j) => this.add(C.checkSshKey(k, `${field}.sshAuthorizedKeys[${j}]`)));
      this.strings(x.groups, `${field}.groups`).forEach((g, j) => this.add(C.checkGroupName(g, `${field}.groups[${j}]`)));
      if (given(x.primaryGroup)) this.add(C.checkGroupName(x.primaryGroup, `${field}.primaryGroup`));
      if (given(x.passwordHash)) this.add(C.checkPasswordHash(x.passwordHash, `${field}.passwordHash`));
      if (given(x.uid)) this.add(C.checkInteger(x.uid, `${field}.uid`, 0, 4294967294));
      if (given(x.homeDir)) this.add(C.checkNodePath(x.homeDir, `${field}.homeDir`));
      if (given(x.shell)) this.add(C.checkNodePath(x.shell, `${field}.shell`));
      if (given(x.gecos)) this.add(C.checkPasswdField(x.gecos, `${field}.gecos`));
      for (const k of ["noCreateHome", "noUserGroup", "noLogInit", "system", "shouldExist"]) this.bool(x[k], `${field}.${k}`);
    });
    this.dupes(users, "user");
    const groups: [string, string][] = [];
    this.list(s.groups, "passwd.groups").forEach((g, i) => {
      const field = `passwd.groups[${i}]`;
      const x = this.obj(g, field);
      const p = C.checkGroupName(x.name, `${field}.name`);
      this.add(p);
      if (!p) groups.push([x.name as string, `${field}.name`]);
      if (given(x.gid)) this.add(C.checkInteger(x.gid, `${field}.gid`, 0, 4294967294));
      if (given(x.passwordHash)) this.add(C.checkPasswordHash(x.passwordHash, `${field}.passwordHash`));
      for (const k of ["system", "shouldExist"]) this.bool(x[k], `${field}.${k}`);
    });
    this.dupes(groups, "group");
  }

  private kernelArguments(k: Obj): void {
    const present = this.strings(k.shouldExist, "kernelArguments.shouldExist");
    const absent = this.strings(k.shouldNotExist, "kernelArguments.shouldNotExist");
    present.forEach((a, i) => this.add(C.checkKernelArgument(a, `kernelArguments.shouldExist[${i}]`)));
    absent.forEach((a, i) => this.add(C.checkKernelArgument(a, `kernelArguments.shouldNotExist[${i}]`)));
    // config/v3_3/types/kargs.go: both lists share one key space, so an argument in both is a duplicate.
    for (const a of present) {
      if (absent.includes(a)) this.add({ field: "kernelArguments", problem: `${C.show(a)} is in both shouldExist and shouldNotExist`, fix: "keep it in one list" });
    }
  }
}
