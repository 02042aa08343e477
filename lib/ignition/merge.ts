/**
 * The merge engine: puts records into a config's store, refusing clashes (a path, unit, user,
 * device or setting defined twice, naming both configs when merging) and features the config's
 * spec or OS variant lacks, and replays one store into another for merge() and addShared().
 * Internal.
 */
import { MicroOsError } from "../core/errors";
import * as C from "./checks";
import {
  type Content,
  emptyRecords,
  hardLinkTarget,
  k,
  type Keyed,
  KIND_WORD,
  type LinkRecord,
  type LuksRecord,
  type NodeRecord,
  type Records,
  type ResourceRecord,
  unique,
  type UserRecord,
  withoutPart,
} from "./records";
import type { LuksSpec } from "./spec";
import { IgnitionFeature, type IgnitionVariant, type IgnitionVersion } from "./version";

/** A config's records and the directories its paths imply, with the rules for adding to them. */
export class RecordStore {
  public r: Records = emptyRecords();
  /** Directories implied by the paths added so far, each with one path below it. */
  public parents = new Map<string, string>();

  constructor(
    public readonly name: string,
    public readonly version: IgnitionVersion,
    public readonly variant: IgnitionVariant | undefined,
  ) {}

  public putKernelArgument(arg: string, exists: boolean, origin: string, merging: boolean): void {
    const prev = this.r.kernelArguments.get(arg);
    if (prev && prev.exists !== exists) {
      const where = merging && prev.origin !== origin ? ` (${prev.origin} wants it ${prev.exists ? "present" : "absent"}, ${origin} the opposite)` : "";
      this.fail(`kernelArguments[${arg}]`, `${C.show(arg)} is asked to be both present and absent${where}`, "keep it in one of addKernelArguments() and removeKernelArguments()");
    }
    if (!prev) this.r.kernelArguments.set(arg, { exists, origin });
  }


  public putNode(n: NodeRecord, merging: boolean): void {
    const list = n.kind === "file" ? "files" : n.kind === "directory" ? "directories" : "links";
    const field = `storage.${list}[${n.path}].path`;
    // Linux allows a line break in a file name, but a path or link target holding one is never
    // meant: it splits in every log, unit and shell line that names it. The builder refuses it
    // (every file, directory and link passes here, merged and Butane ones too); the validator,
    // which reads configs as Ignition does, does not.
    for (const [what, text] of [["path", n.path], ["target", n.kind === "link" ? n.target : undefined]] as const) {
      if (typeof text === "string" && /[\r\n\u2028\u2029]/.test(text)) {
        this.fail(`storage.${list}[${n.path}].${what}`, `the ${what} ${C.show(text)} holds a line break`, `give the ${what} on one line`);
      }
    }
    const prev = this.r.nodes.get(n.path);
    if (prev?.kind === "file" && n.kind === "file" && (!prev.content || !n.content)) {
      // One of them only appends: the file keeps the contents and options of the other, and
      // both lists of appends in order.
      const main = prev.content ? prev : n;
      const append = [...(prev.append ?? []), ...(n.append ?? [])];
      for (const c of append) this.checkContentVersion(c, `storage.files[${n.path}].append`);
      this.r.nodes.set(n.path, { ...main, append: append.length ? append : undefined });
      return;
    }
    if (prev) {
      if (merging && prev.origin !== n.origin) {
        this.fail(field, `${n.path} is ${KIND_WORD[prev.kind]} in ${prev.origin} and ${KIND_WORD[n.kind]} in ${n.origin}`, "define each path in one of the configs");
      }
      if (prev.kind === n.kind) this.fail(field, `${n.path} is already ${KIND_WORD[prev.kind]}`, "use each path once");
      this.fail(field, `${n.path} is already ${KIND_WORD[prev.kind]}; a path cannot be both ${KIND_WORD[prev.kind]} and ${KIND_WORD[n.kind]}`, "use each path once");
    }
    for (const a of C.ancestors(n.path)) {
      const up = this.r.nodes.get(a);
      if (up && up.kind !== "directory") {
        const both = merging && up.origin !== n.origin ? ` (${a} comes from ${up.origin}, ${n.path} from ${n.origin})` : "";
        const why = up.kind === "link" ? "; Ignition refuses paths through a link it creates" : "";
        this.fail(field, `${n.path} lies under ${a}, which is ${KIND_WORD[up.kind]}${why}${both}`, up.kind === "link" ? `write it under the link's target ${C.show((up as LinkRecord).target)}` : `make ${a} a directory, or move ${n.path}`);
      }
    }
    const below = this.parents.get(n.path);
    if (below !== undefined && n.kind !== "directory") {
      this.fail(field, `${n.path} would be ${KIND_WORD[n.kind]}, but ${below} lies under it, so it must be a directory`, `use another path for the ${n.kind}, or move ${below}`);
    }
    if (n.kind === "link" && n.hard) {
      const target = hardLinkTarget(n);
      if (this.r.nodes.get(target)?.kind === "directory" || this.parents.has(target) || C.ancestors(n.path).includes(target)) {
        this.fail(`storage.links[${n.path}].target`, `the hard link points at ${target}, a directory; hard links to directories are impossible`, "make it a symbolic link (hard: false)");
      }
    }
    // The new node makes its ancestors directories (and itself, if a directory): none of them
    // may be the target of a hard link.
    const becomeDirs = new Set([...C.ancestors(n.path), ...(n.kind === "directory" ? [n.path] : [])]);
    for (const l of this.r.nodes.values()) {
      if (l.kind !== "link" || !l.hard) continue;
      const target = hardLinkTarget(l);
      if (becomeDirs.has(target)) {
        this.fail(field, `${target} would be a directory, but the hard link ${l.path} points at it`, "make that link symbolic, or use another path");
      }
    }
    this.r.nodes.set(n.path, n);
    for (const a of C.ancestors(n.path)) if (!this.parents.has(a)) this.parents.set(a, n.path);
  }


  public putUser(name: string, u: UserRecord, merging: boolean): void {
    const field = `passwd.users[${k(name)}]`;
    const prev = this.r.users.get(name);
    if (prev && prev.declared && u.declared) {
      if (merging && prev.origin !== u.origin) this.fail(field, `the user is defined in both ${prev.origin} and ${u.origin}`, "define the user in one config; the other may add keys with addSshKeys()");
      this.fail(field, "the user is already defined", "define each user once; add keys with addSshKeys()");
    }
    const declared = prev?.declared ? prev : u;
    const keys = unique([...(prev?.keys ?? []), ...u.keys]);
    if (declared.spec.shouldExist === false && keys.length) {
      this.fail(`${field}.sshAuthorizedKeys`, "the user is to be deleted (shouldExist: false) yet gets ssh keys", "drop the keys or drop shouldExist: false");
    }
    if (declared.spec.shouldExist === false && Object.keys(declared.spec).some((k) => k !== "name" && k !== "shouldExist")) {
      this.fail(field, "the user is to be deleted (shouldExist: false) yet has other fields", "give only the name with shouldExist: false");
    }
    this.r.users.set(name, { origin: declared.origin, declared: declared.declared, spec: declared.spec, keys });
  }


  public putKeyed<T>(map: Map<string, Keyed<T>>, key: string, rec: Keyed<T>, field: string, what: string, merging: boolean): void {
    const prev = map.get(key);
    if (prev) {
      if (merging && prev.origin !== rec.origin) this.fail(field, `the ${what} is defined in both ${prev.origin} and ${rec.origin}`, `define the ${what} in one config`);
      this.fail(field, `the ${what} is already defined`, `define each ${what} once`);
    }
    map.set(key, rec);
  }


  public putLuks(name: string, rec: LuksRecord, merging: boolean): void {
    const field = `storage.luks[${k(name)}]`;
    const prev = this.r.luks.get(name);
    if (prev) {
      if (merging && prev.origin !== rec.origin) this.fail(field, `the LUKS volume is defined in both ${prev.origin} and ${rec.origin}`, "define the volume in one config");
      this.fail(field, "the LUKS volume is already defined", "define each LUKS volume once");
    }
    this.checkLuksFeatures(rec.spec, field);
    if (rec.keyFile) this.checkContentVersion(rec.keyFile, `${field}.keyFile`);
    this.r.luks.set(name, rec);
  }


  public putResource(map: Map<string, ResourceRecord>, rec: ResourceRecord, field: string, what: string, merging: boolean): void {
    const prev = map.get(rec.key);
    if (prev) {
      if (merging && prev.origin !== rec.origin) this.fail(field, `the same ${what} is added by both ${prev.origin} and ${rec.origin}; Ignition refuses duplicate list entries`, `add the ${what} in one config`);
      this.fail(field, `the ${what} is already added; Ignition refuses duplicate list entries`, `add each ${what} once`);
    }
    this.checkContentVersion(rec.content, field);
    map.set(rec.key, rec);
  }


  public putReplace(rec: ResourceRecord, merging: boolean): void {
    const prev = this.r.replaceConfig;
    if (prev) {
      if (merging && prev.origin !== rec.origin) this.fail("ignition.config.replace", `both ${prev.origin} and ${rec.origin} replace the config`, "let one config set the replacement");
      this.fail("ignition.config.replace", "the replacement config is already set", "set it once");
    }
    this.checkContentVersion(rec.content, "ignition.config.replace");
    this.r.replaceConfig = rec;
  }


  public putSetting<K extends string, V>(map: Map<K, { readonly value: V; readonly origin: string }>, key: K, value: V, field: string, origin: string, merging: boolean): void {
    const prev = map.get(key);
    if (prev && prev.value !== value) {
      const who = merging && prev.origin !== origin ? ` by ${prev.origin}; ${origin} sets ${C.show(value)}` : "";
      this.fail(field, `already set to ${C.show(prev.value)}${who}`, "set it once");
    }
    if (!prev) map.set(key, { value, origin });
  }


  /** Re-checks a fetched source against this config's version (merging a 3.4.0 config into a 3.3.0 one). */
  public checkContentVersion(c: Content, field: string): void {
    if (c.kind === "remote" && /^arn:/i.test(c.resource.source)) this.feature(`${field}.source`, IgnitionFeature.ARN_SOURCE);
  }


  /** Refuses a feature this config's spec or OS lacks. */
  public feature(field: string, feature: IgnitionFeature): void {
    this.check(C.checkFeature(field, feature, this.version, this.variant));
  }


  /** The spec and OS checks of a LUKS volume (at the call, and again when merged into another config). */
  public checkLuksFeatures(l: Omit<LuksSpec, "keyFile">, field: string): void {
    if (l.discard !== undefined) this.feature(`${field}.discard`, IgnitionFeature.LUKS_DISCARD);
    if (l.openOptions !== undefined) this.feature(`${field}.openOptions`, IgnitionFeature.LUKS_OPEN_OPTIONS);
    if (l.cex !== undefined) this.feature(`${field}.cex`, IgnitionFeature.LUKS_CEX);
    if (l.clevis) {
      this.feature(`${field}.clevis`, IgnitionFeature.LUKS_CLEVIS);
      (l.clevis.tang ?? []).forEach((t, i) => {
        if (t.advertisement !== undefined) this.feature(`${field}.clevis.tang[${i}].advertisement`, IgnitionFeature.TANG_ADVERTISEMENT);
      });
      const pin = l.clevis.custom?.pin;
      // config/v3_5/types/clevis.go limits custom pins to tpm2, tang and sss; config/v3_6 does not.
      if (pin !== undefined && !["tpm2", "tang", "sss"].includes(pin)) this.feature(`${field}.clevis.custom.pin`, IgnitionFeature.CLEVIS_ANY_CUSTOM_PIN);
    }
  }


  /** Mode bits beyond the permissions (setuid, setgid, sticky) are applied from spec 3.6.0. */
  public checkModeFeatures(mode: number | undefined, field: string): void {
    // coreos/ignition docs/migrating-configs.md "From Version 3.5.0 to 3.6.0": earlier specs ignore
    // these bits (config/v3_5/types/mode.go validateModeSpecialBits warns).
    if (mode !== undefined && (mode & 0o7000) !== 0) this.feature(field, IgnitionFeature.MODE_SPECIAL_BITS);
  }


  /** Replays records into this config; `merging` makes conflicts name both configs. */
  public absorb(from: Records, merging: boolean): void {
    const label = (origin: string) => (merging && origin === this.name ? `${origin} (merged)` : origin);
    // Shared parts this config already holds are not added twice.
    let src = from;
    for (const [key, part] of from.shared) {
      if (this.r.shared.has(key)) src = withoutPart(src, part);
      else this.r.shared.set(key, part);
    }
    for (const n of src.nodes.values()) {
      if (n.kind === "file" && n.content) this.checkContentVersion(n.content, `storage.files[${n.path}].contents`);
      if (n.kind !== "link") this.checkModeFeatures(n.mode, `storage.${n.kind === "file" ? "files" : "directories"}[${n.path}].mode`);
      this.putNode({ ...n, origin: label(n.origin) }, merging);
    }
    for (const u of src.units.values()) {
      const origin = label(u.origin);
      const prev = this.r.units.get(u.name);
      const field = `systemd.units[${u.name}]`;
      if (!prev) {
        this.r.units.set(u.name, { ...u, origin, dropins: new Map([...u.dropins].map(([k, d]) => [k, { ...d, origin: label(d.origin) }])) });
        continue;
      }
      if (prev.declared && u.declared) {
        this.fail(field, merging && prev.origin !== origin ? `the unit is defined in both ${prev.origin} and ${origin}` : "the unit is already defined", "define the unit in one config; the other may add dropins");
      }
      for (const d of u.dropins.values()) {
        const other = prev.dropins.get(d.name);
        if (other) this.fail(`${field}.dropins[${d.name}]`, `the dropin is defined in both ${other.origin} and ${label(d.origin)}`, "give each dropin its own name");
        prev.dropins.set(d.name, { ...d, origin: label(d.origin) });
      }
      if (u.declared) {
        prev.declared = true;
        prev.origin = origin;
        prev.contents = u.contents;
        prev.enabled = u.enabled;
        prev.mask = u.mask;
      }
    }
    for (const [name, u] of src.users) this.putUser(name, { ...u, origin: label(u.origin), keys: [...u.keys] }, merging);
    for (const [k, g] of src.groups) this.putKeyed(this.r.groups, k, { ...g, origin: label(g.origin) }, `passwd.groups[${k}]`, "group", merging);
    for (const [k, d] of src.disks) this.putKeyed(this.r.disks, k, { ...d, origin: label(d.origin) }, `storage.disks[${k}]`, "disk", merging);
    for (const [k, d] of src.raid) this.putKeyed(this.r.raid, k, { ...d, origin: label(d.origin) }, `storage.raid[${k}]`, "RAID array", merging);
    for (const [k, d] of src.filesystems) this.putKeyed(this.r.filesystems, k, { ...d, origin: label(d.origin) }, `storage.filesystems[${k}]`, "filesystem", merging);
    for (const [k, l] of src.luks) this.putLuks(k, { ...l, origin: label(l.origin) }, merging);
    for (const [k, a] of src.kernelArguments) this.putKernelArgument(k, a.exists, label(a.origin), merging);
    for (const c of src.mergeConfigs.values()) this.putResource(this.r.mergeConfigs, { ...c, origin: label(c.origin) }, "ignition.config.merge", "merged config", merging);
    if (src.replaceConfig) this.putReplace({ ...src.replaceConfig, origin: label(src.replaceConfig.origin) }, merging);
    for (const c of src.certificateAuthorities.values()) {
      this.putResource(this.r.certificateAuthorities, { ...c, origin: label(c.origin) }, "ignition.security.tls.certificateAuthorities", "certificate authority", merging);
    }
    for (const [k, t] of src.timeouts) this.putSetting(this.r.timeouts, k, t.value, `ignition.timeouts.${k}`, label(t.origin), merging);
    for (const [k, p] of src.proxy) this.putSetting(this.r.proxy, k, p.value, `ignition.proxy.${k}`, label(p.origin), merging);
    for (const [h, origin] of src.noProxy) if (!this.r.noProxy.has(h)) this.r.noProxy.set(h, label(origin));
  }


  public fail(field: string, problem: string, fix: string): never {
    throw new MicroOsError(this.name, field, problem, fix);
  }


  public check(p: C.Problem | undefined): void {
    if (p) this.fail(p.field, p.problem, p.fix);
  }
}
